// Category names and the data-level checks of a regime (docs/tax.md#t1a-the-regime-file).
#include "models/tax/regime.hpp"

#include <cmath>

namespace vestsim::models {

std::string regime_label(const TaxRegime& regime) {
  if (regime.year == 0) return regime.name;
  return regime.name + " (" + std::to_string(regime.year) + ")";
}

std::string_view tax_category_name(TaxCategory c) {
  return kTaxCategoryNames[static_cast<std::size_t>(c)];
}

std::optional<TaxCategory> parse_tax_category(std::string_view key, bool real_only) {
  const std::size_t n = real_only ? kTaxCategoryCount : kTaxCategoryNames.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (kTaxCategoryNames[i] == key) return static_cast<TaxCategory>(i);
  }
  return std::nullopt;
}

std::uint8_t category_mask(TaxCategory c) {
  constexpr auto bit = [](TaxCategory r) { return std::uint8_t(1u << static_cast<unsigned>(r)); };
  switch (c) {
    case TaxCategory::kEmployment:
      return bit(TaxCategory::kWages) | bit(TaxCategory::kEquityIncome);
    case TaxCategory::kGains:
      return bit(TaxCategory::kGainShort) | bit(TaxCategory::kGainLong);
    default:
      return bit(c);
  }
}

namespace {

// Collects messages under a key path such as "income_taxes[1].deduction".
class Checker {
 public:
  explicit Checker(std::vector<std::string>& out) : out_(out) {}

  void require(bool ok, const std::string& where, const std::string& what) {
    if (!ok) out_.push_back(where + ": " + what);
  }
  void rate(double r, const std::string& where) {
    require(r >= 0 && r <= 1, where, "a rate must lie in [0, 1]");
  }
  void amount(double a, const std::string& where) {
    require(std::isfinite(a) && a >= 0, where, "an amount must be finite and >= 0");
  }
  void brackets(const std::vector<Bracket>& b, const std::string& where) {
    require(!b.empty(), where, "needs at least one [from, rate]");
    if (b.empty()) return;
    require(b.front().from == 0, where, "the first bracket must start at 0");
    for (std::size_t i = 0; i < b.size(); ++i) {
      const std::string at = where + "[" + std::to_string(i) + "]";
      amount(b[i].from, at);
      rate(b[i].rate, at);
      if (i > 0) require(b[i].from > b[i - 1].from, at, "brackets must increase strictly");
    }
  }

 private:
  std::vector<std::string>& out_;
};

constexpr std::size_t index(TaxCategory c) {
  return static_cast<std::size_t>(c);
}

void check_income_tax(Checker& c, const IncomeTax& t, const std::string& at) {
  c.require(!t.name.empty(), at + ".name", "required");
  for (std::size_t k = 0; k < kTaxCategoryCount; ++k) {
    c.amount(t.weights[k], at + ".weights." + std::string(kTaxCategoryNames[k]));
  }
  const Deduction& d = t.deduction;
  if (d.kind == Deduction::Kind::kFixed) c.amount(d.fixed, at + ".deduction.fixed");
  if (d.kind == Deduction::Kind::kRate) {
    c.rate(d.rate, at + ".deduction.rate");
    c.amount(d.min, at + ".deduction.min");
    c.require(d.max >= d.min && !std::isnan(d.max), at + ".deduction.max", "must be >= min");
    c.require(!d.on.empty(), at + ".deduction.on", "a rate deduction needs `on`");
  }
  c.brackets(t.brackets, at + ".brackets");
  if (!t.long_gains.empty()) c.brackets(t.long_gains, at + ".long_gains");
  if (t.gains_flat) {
    c.rate(*t.gains_flat, at + ".gains_flat");
    c.require(t.long_gains.empty(), at + ".gains_flat", "excludes long_gains");
    c.require(t.weights[index(TaxCategory::kGainShort)] == 0 &&
                  t.weights[index(TaxCategory::kGainLong)] == 0,
              at + ".gains_flat", "needs weights gain_short: 0 and gain_long: 0");
  }
}

void check_levy(Checker& c, const Levy& l, const std::string& at) {
  c.require(!l.name.empty(), at + ".name", "required");
  c.rate(l.rate, at + ".rate");
  c.require(!l.on.empty(), at + ".on", "required (categories, employment or gains)");
  if (l.up_to) c.amount(*l.up_to, at + ".up_to");
  if (l.above) c.amount(*l.above, at + ".above");
  c.require(l.measure.empty() || l.above.has_value(), at + ".measure", "only with `above`");
}

}  // namespace

std::vector<std::string> regime_errors(const TaxRegime& regime) {
  std::vector<std::string> out;
  Checker c(out);
  c.require(!regime.name.empty(), "name", "required");
  const bool taxes = !regime.income_taxes.empty() || !regime.levies.empty();
  c.require(!taxes || !regime.currency.empty(), "currency", "required when there is any tax");
  c.require(regime.long_term_months >= 1, "long_term_months", "must be >= 1");
  if (regime.qualified_cap) {
    c.require(std::isfinite(*regime.qualified_cap) && *regime.qualified_cap > 0, "qualified.cap",
              "must be finite and > 0");
  }
  for (std::size_t i = 0; i < regime.income_taxes.size(); ++i) {
    check_income_tax(c, regime.income_taxes[i], "income_taxes[" + std::to_string(i) + "]");
  }
  for (std::size_t i = 0; i < regime.levies.size(); ++i) {
    check_levy(c, regime.levies[i], "levies[" + std::to_string(i) + "]");
  }
  return out;
}

}  // namespace vestsim::models
