// docs/tax.md#t4-the-tax-of-one-year and #t5-baseline-income-the-rest-of-the-employees-life.
#include "models/tax/tax_year.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

namespace vestsim::models {

namespace {

constexpr std::size_t kGainShort = static_cast<std::size_t>(TaxCategory::kGainShort);
constexpr std::size_t kGainLong = static_cast<std::size_t>(TaxCategory::kGainLong);

// 1 for every real category a list names (union: naming wages and employment counts wages once).
CategoryAmounts indicator(const std::vector<TaxCategory>& list) {
  std::uint8_t mask = 0;
  for (TaxCategory c : list) mask |= category_mask(c);
  CategoryAmounts out{};
  for (std::size_t k = 0; k < kTaxCategoryCount; ++k) out[k] = (mask >> k) & 1u ? 1.0 : 0.0;
  return out;
}

// Appends `scale` to the pool and its below[] (CompiledTaxRegime); returns its first index.
std::uint32_t append(CompiledTaxRegime& r, const std::vector<Bracket>& scale) {
  const auto first = static_cast<std::uint32_t>(r.brackets.size());
  r.brackets.insert(r.brackets.end(), scale.begin(), scale.end());
  double below = 0;
  for (std::size_t k = 0; k < scale.size(); ++k) {
    r.below.push_back(below);
    if (k + 1 < scale.size()) below += scale[k].rate * (scale[k + 1].from - scale[k].from);
  }
  return first;
}

// scale_tax() of the scale at brackets[first, first + count) from below[]: the same bits.
double compiled_scale_tax(const CompiledTaxRegime& r, std::uint32_t first, std::uint32_t count,
                          double base) {
  const Bracket* b = r.brackets.data() + first;
  std::uint32_t k = 0;
  while (k < count && base > b[k].from) ++k;
  if (k == 0) return 0;
  --k;
  return r.below[first + k] + b[k].rate * (base - b[k].from);
}

CompiledIncomeTax compile_income_tax(const IncomeTax& t, CompiledTaxRegime& pool) {
  CompiledIncomeTax c;
  c.weights = t.weights;
  if (!t.long_gains.empty()) c.weights[kGainLong] = 0;  // Lg is taxed on its own scale
  c.deduction = t.deduction.kind;
  c.fixed = t.deduction.fixed;
  c.rate = t.deduction.rate;
  c.min = t.deduction.min;
  c.max = t.deduction.max;
  c.on = indicator(t.deduction.on);
  c.first_bracket = append(pool, t.brackets);
  c.bracket_count = static_cast<std::uint32_t>(t.brackets.size());
  c.first_long = append(pool, t.long_gains);
  c.long_count = static_cast<std::uint32_t>(t.long_gains.size());
  c.gains_flat = t.gains_flat.value_or(0.0);
  c.weights_nz = SparseWeights(c.weights);
  c.on_nz = SparseWeights(c.on);
  return c;
}

CompiledLevy compile_levy(const Levy& l) {
  CompiledLevy c;
  c.rate = l.rate;
  c.on = indicator(l.on);
  c.up_to = l.up_to.value_or(c.up_to);
  c.has_above = l.above.has_value();
  c.above = l.above.value_or(0.0);
  c.measure = indicator(l.measure.empty() ? l.on : l.measure);
  c.on_nz = SparseWeights(c.on);
  c.measure_nz = SparseWeights(c.measure);
  return c;
}

// The base after deduction, max(0, B − deduction) (step 2).
double base_after_deduction(const CompiledIncomeTax& t, const CategoryAmounts& x, double base) {
  switch (t.deduction) {
    case Deduction::Kind::kFixed:
      return std::max(0.0, base - t.fixed);
    case Deduction::Kind::kRate: {
      const double on = t.on_nz.dot(x);
      if (on == 0) return std::max(0.0, base);  // no deduction when Σ_on x is 0
      return std::max(0.0, base - std::clamp(t.rate * on, t.min, t.max));
    }
    case Deduction::Kind::kNone:
      break;
  }
  return std::max(0.0, base);
}

double income_tax(const CompiledTaxRegime& r, const CompiledIncomeTax& t,
                  const CategoryAmounts& x) {
  const double b = base_after_deduction(t, x, t.weights_nz.dot(x));
  double tax = compiled_scale_tax(r, t.first_bracket, t.bracket_count, b);
  if (t.long_count > 0) {
    // The part of [b, b + Lg] in each long_gains bracket pays its rate.
    tax += compiled_scale_tax(r, t.first_long, t.long_count, b + x[kGainLong]) -
           compiled_scale_tax(r, t.first_long, t.long_count, b);
  }
  return tax + t.gains_flat * (x[kGainShort] + x[kGainLong]);
}

// A levy's base β (step 3): Σ_on x, capped by up_to, and only above `above` of the measure.
double levy_base(const CompiledLevy& l, const CategoryAmounts& x) {
  const double b = std::min(l.on_nz.dot(x), l.up_to);
  if (!l.has_above) return b;
  return std::min(b, std::max(0.0, l.measure_nz.dot(x) - l.above));
}

double levy(const CompiledLevy& l, const CategoryAmounts& x) {
  return l.rate * levy_base(l, x);
}

// Income tax `slot`, or levy `slot − income_taxes.size()`, on post-loss amounts `x`.
double slot_tax(const CompiledTaxRegime& r, std::size_t slot, const CategoryAmounts& x) {
  const std::size_t n = r.income_taxes.size();
  return slot < n ? income_tax(r, r.income_taxes[slot], x) : levy(r.levies[slot - n], x);
}

// The amounts of step 2 onwards: gain_short and gain_long replaced by S and Lg.
CategoryAmounts after_losses(const CategoryAmounts& amount, const NetGains& g) {
  CategoryAmounts x = amount;
  x[kGainShort] = g.short_gain;
  x[kGainLong] = g.long_gain;
  return x;
}

}  // namespace

CompiledTaxRegime compile_regime(const TaxRegime& regime) {
  const std::vector<std::string> errors = regime_errors(regime);
  if (!errors.empty()) {
    std::string message = "invalid tax regime '" + regime.name + "':";
    for (const std::string& e : errors) message += "\n  " + e;
    throw std::invalid_argument(message);
  }
  CompiledTaxRegime c;
  for (const IncomeTax& t : regime.income_taxes) {
    c.income_taxes.push_back(compile_income_tax(t, c));
  }
  for (const Levy& l : regime.levies) c.levies.push_back(compile_levy(l));
  c.long_term_months = regime.long_term_months;
  c.has_qualified = regime.qualified_cap.has_value();
  c.qualified_cap = regime.qualified_cap.value_or(0.0);
  return c;
}

NetGains net_gains(double gain_short, double gain_long, double carry_in) {
  assert(carry_in <= 0);
  double s = gain_short + carry_in;
  double lg = gain_long;
  if (s < 0) {
    lg += s;
    s = 0;
  }
  if (lg < 0) {
    s += lg;
    lg = 0;
  }
  if (s < 0) return {0, 0, s};
  return {s, lg, 0};
}

double scale_tax(std::span<const Bracket> scale, double base) {
  assert(scale.empty() || scale.front().from == 0);
  double tax = 0;
  for (std::size_t k = 0; k < scale.size() && base > scale[k].from; ++k) {
    const double top = k + 1 < scale.size() ? std::min(base, scale[k + 1].from) : base;
    tax += scale[k].rate * (top - scale[k].from);
  }
  return tax;
}

YearTax tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount, double carry_in,
                    std::span<double> breakdown) {
  assert(carry_in <= 0);
  assert(breakdown.empty() || breakdown.size() == regime.breakdown_size());
  for (std::size_t k = 0; k < kGainShort; ++k) assert(amount[k] >= 0);
  const NetGains g = net_gains(amount[kGainShort], amount[kGainLong], carry_in);
  const CategoryAmounts x = after_losses(amount, g);
  double total = 0;
  for (std::size_t slot = 0; slot < regime.breakdown_size(); ++slot) {
    const double part = slot_tax(regime, slot, x);
    total += part;
    if (!breakdown.empty()) breakdown[slot] = part;
  }
  return {std::max(0.0, total), g.carry_out, g.short_gain, g.long_gain};
}

YearTax charged_tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& with_baseline,
                            const CategoryAmounts& baseline_only, double carry_in,
                            std::span<double> breakdown) {
  assert(baseline_only[kGainShort] == 0 && baseline_only[kGainLong] == 0);
  YearTax with = tax_of_year(regime, with_baseline, carry_in);
  // baseline_only has no gains: step 1 leaves it unchanged whatever the carry.
  const double baseline_tax = tax_of_year(regime, baseline_only, 0.0).tax;
  if (!breakdown.empty()) {
    assert(breakdown.size() == regime.breakdown_size());
    const CategoryAmounts x = after_losses(
        with_baseline, net_gains(with_baseline[kGainShort], with_baseline[kGainLong], carry_in));
    for (std::size_t slot = 0; slot < breakdown.size(); ++slot) {
      breakdown[slot] = slot_tax(regime, slot, x) - slot_tax(regime, slot, baseline_only);
    }
  }
  with.tax -= baseline_tax;
  return with;
}

void tax_bases_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount,
                       double carry_in, std::span<double> bases) {
  assert(carry_in <= 0);
  assert(bases.size() == regime.breakdown_size());
  const CategoryAmounts x =
      after_losses(amount, net_gains(amount[kGainShort], amount[kGainLong], carry_in));
  const std::size_t n = regime.income_taxes.size();
  for (std::size_t slot = 0; slot < bases.size(); ++slot) {
    if (slot < n) {
      const CompiledIncomeTax& t = regime.income_taxes[slot];
      bases[slot] = base_after_deduction(t, x, t.weights_nz.dot(x));
    } else {
      bases[slot] = levy_base(regime.levies[slot - n], x);
    }
  }
}

QualifiedSplit split_qualified(double amount, double counted, double cap) {
  assert(amount >= 0 && counted >= 0 && counted <= cap);
  const double qualified = std::min(amount, cap - counted);
  return {qualified, amount - qualified};
}

}  // namespace vestsim::models
