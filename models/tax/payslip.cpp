// `vestsim taxes NAME --income X` (docs/cli.md#taxes): tax_of_year() with its breakdown.
#include "models/tax/payslip.hpp"

#include <cassert>
#include <cmath>
#include <stdexcept>

#include "models/tax/tax_year.hpp"

namespace vestsim::models {

namespace {

// The year's totals when `income` of `category` is the only income.
CategoryAmounts amounts_of(const CompiledTaxRegime& r, TaxCategory category, double income) {
  CategoryAmounts x{};
  if (category == TaxCategory::kQualified) {
    const QualifiedSplit split = split_qualified(income, 0, r.qualified_cap);
    x[static_cast<std::size_t>(TaxCategory::kQualified)] = split.qualified;
    x[static_cast<std::size_t>(TaxCategory::kQualifiedExcess)] = split.excess;
  } else {
    x[static_cast<std::size_t>(category)] = income;
  }
  return x;
}

// The rate of the bracket of `scale` that `base` falls in (the first at base 0).
double bracket_rate(const std::vector<Bracket>& scale, double base) {
  double rate = scale.empty() ? 0 : scale.front().rate;
  for (const Bracket& b : scale)
    if (base > b.from) rate = b.rate;
  return rate;
}

// The tax on one more unit of `category`, (tax(X + h) − tax(X)) / h with h = 1 up to
// X = 2^26 (about 6.7e7) and the power of two nearest above X·2^-26 beyond: a tax computed in
// doubles is off by a few ulps of X, which one unit no longer dwarfs at X = 1e12 (61.19%
// for 61.20%). The shipped regimes' highest threshold (New York State's 25,000,000) lies below
// 2^26, so wherever h exceeds 1 their tax is linear over it.
double marginal_rate(const CompiledTaxRegime& r, TaxCategory category, double income, double tax) {
  const int kStepBits = 26;
  const double step = income < std::ldexp(1.0, kStepBits)
                          ? 1.0
                          : std::ldexp(1.0, std::ilogb(income) - kStepBits + 1);
  return (tax_of_year(r, amounts_of(r, category, income + step), 0.0).tax - tax) / step;
}

}  // namespace

Payslip payslip(const TaxRegime& regime, TaxCategory category, double income) {
  assert(std::isfinite(income) && income >= 0);
  assert(static_cast<std::size_t>(category) < kTaxCategoryCount);
  const CompiledTaxRegime r = compile_regime(regime);
  if (category == TaxCategory::kQualified && !r.has_qualified)
    throw std::invalid_argument("regime '" + regime.name +
                                "' has no qualified rule (no `qualified: {cap: ...}`)");
  Payslip p;
  p.category = category;
  p.income = income;
  p.amounts = amounts_of(r, category, income);
  std::vector<double> tax(r.breakdown_size()), base(r.breakdown_size());
  p.total = tax_of_year(r, p.amounts, 0.0, tax).tax;
  tax_bases_of_year(r, p.amounts, 0.0, base);
  for (std::size_t slot = 0; slot < tax.size(); ++slot) {
    PayslipLine line;
    line.levy = slot >= regime.income_taxes.size();
    line.base = base[slot];
    line.tax = tax[slot];
    if (line.levy) {
      const Levy& l = regime.levies[slot - regime.income_taxes.size()];
      line.name = l.name;
      line.rate = l.rate;
    } else {
      const IncomeTax& t = regime.income_taxes[slot];
      line.name = t.name;
      line.rate = bracket_rate(t.brackets, line.base);
      line.gains = line.tax - scale_tax(t.brackets, line.base);
    }
    p.lines.push_back(std::move(line));
  }
  p.net = income - p.total;
  p.effective_rate = income > 0 ? p.total / income : 0.0;
  p.marginal_rate = marginal_rate(r, category, income, p.total);
  return p;
}

CategoryAmounts charged_by_category(const CompiledTaxRegime& regime, const CategoryAmounts& amounts,
                                    double baseline, double carry_in) {
  CategoryAmounts alone{}, partial{};
  alone[0] = partial[0] = baseline;  // the baseline is wages (index 0)
  CategoryAmounts share{};
  double before = 0;  // charged tax of the categories stacked so far (the baseline alone: 0)
  for (std::size_t c = 0; c < kTaxCategoryCount; ++c) {
    partial[c] += amounts[c];
    const double upto = charged_tax_of_year(regime, partial, alone, carry_in).tax;
    share[c] = upto - before;
    before = upto;
  }
  return share;
}

}  // namespace vestsim::models
