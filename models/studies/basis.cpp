// docs/tax.md#t6-outputs: pre-tax or after-tax columns for the studies.
#include "models/studies/basis.hpp"

#include <algorithm>

namespace vestsim::models {

namespace {

// True when `r` carries tax columns and the basis asks for them.
bool taxed(const SimResult& r, Basis basis) {
  return basis == Basis::kAfterTax && !r.tax.empty();
}

}  // namespace

const char* basis_name(Basis b) {
  return b == Basis::kAfterTax ? "after-tax" : "pre-tax";
}

bool any_regime(const Scenario& s) {
  return std::any_of(s.offers.begin(), s.offers.end(),
                     [](const Offer& o) { return o.tax.has_value(); });
}

std::vector<std::string> regime_labels(const Scenario& s) {
  std::vector<std::string> out;
  for (const Offer& o : s.offers) {
    if (!o.tax) continue;
    std::string label = o.tax->regime.name + " (" + std::to_string(o.tax->regime.year) + ")";
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(std::move(label));
  }
  return out;
}

Basis default_basis(const Scenario& s) {
  return any_regime(s) ? Basis::kAfterTax : Basis::kPreTax;
}

std::vector<double> basis_total(const SimResult& r, int offer, Basis basis) {
  std::vector<double> out = r.total.at(offer);
  if (!taxed(r, basis)) return out;
  const std::vector<double>& tax = r.tax.at(offer);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] -= tax[i];
  return out;
}

std::vector<double> basis_diff(const SimResult& r, int a, int b, std::size_t comparison,
                               Basis basis) {
  if (!taxed(r, basis)) return r.diff.at(comparison);
  const std::vector<double> after_a = basis_total(r, a, basis);
  const std::vector<double> after_b = basis_total(r, b, basis);
  std::vector<double> out(after_a.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = after_a[i] - after_b[i];
  return out;
}

}  // namespace vestsim::models
