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
    std::string label = regime_label(o.tax->regime);
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(std::move(label));
  }
  return out;
}

Basis default_basis(const Scenario& s, std::optional<Basis> asked) {
  return any_regime(s) ? asked.value_or(Basis::kAfterTax) : Basis::kPreTax;
}

std::vector<double> basis_total(const SimResult& r, int offer, Basis basis) {
  std::vector<double> out = r.total_column(offer);
  if (!taxed(r, basis)) return out;
  const std::vector<double>& tax = r.tax.at(offer);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] -= tax[i];
  return out;
}

std::vector<double> basis_diff(const SimResult& r, int a, int b, Basis basis) {
  const bool t = taxed(r, basis);
  std::vector<double> out(r.paths);
  for (std::uint64_t i = 0; i < r.paths; ++i) {
    // Each side as basis_total gives it, then their difference.
    const double x = t ? r.total_at(a, i) - r.tax[a][i] : r.total_at(a, i);
    const double y = t ? r.total_at(b, i) - r.tax[b][i] : r.total_at(b, i);
    out[i] = path_difference(x, y);
  }
  return out;
}

}  // namespace vestsim::models
