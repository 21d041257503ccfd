// One tax year's tax on a single amount of one category, line by line, so a user can
// check a regime against a payslip or a tax notice (`vestsim taxes NAME --income X`,
// docs/cli.md#taxes). Computed by tax_of_year() (models/tax/tax_year.hpp), not again here.
#pragma once

#include <string>
#include <vector>

#include "models/tax/regime.hpp"
#include "models/tax/tax_year.hpp"

namespace vestsim::models {

// One term of docs/tax.md#t4-the-tax-of-one-year's sum: an income tax or a levy.
struct PayslipLine {
  std::string name;
  bool levy = false;
  double base = 0;   // income tax: b after weights and deduction; levy: β
  double rate = 0;   // income tax: the rate of the bracket b falls in; levy: its rate
  double tax = 0;    // this term of the sum (before the year's final clamp at 0)
  double gains = 0;  // income tax: the part of `tax` on gains taxed on top of b (long_gains
                     // stacked, gains_flat); 0 for a levy
};

struct Payslip {
  TaxCategory category = TaxCategory::kWages;
  double income = 0;
  CategoryAmounts amounts{};       // the year's six totals (a qualified amount split at the cap)
  std::vector<PayslipLine> lines;  // income taxes, then levies, in file order
  double total = 0;                // the year's tax, >= 0
  double net = 0;                  // income − total
  double effective_rate = 0;       // total / income; 0 when income is 0 (the tax is then 0)
  double marginal_rate = 0;        // the tax on one more unit: tax(income + 1) − tax(income),
                                   // over a wider step above 2^26 (docs/cli.md#taxes)
};

// The tax of a tax year in which `income` (in the regime's currency) is the only income, all
// of category `category`, with no loss carried in. A `qualified` amount is split at the
// regime's cap (docs/tax.md#t2-the-income-of-one-tax-year): the rest is qualified_excess.
// Requires: `regime` valid (regime_errors() empty: compile_regime() throws otherwise);
// income finite and >= 0 (asserted); category one of the six real categories (asserted).
// Throws std::invalid_argument when category is qualified and the regime has no
// `qualified` cap (the same rule that makes such a grant an error).
Payslip payslip(const TaxRegime& regime, TaxCategory category, double income);

// The tax charged to an offer in one year, split by category for a report (the HTML bar of
// tax by category; docs/tax.md#t6-outputs). The charged tax is that of
// docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life; T4
// taxes the year's sum, so the split stacks the categories in the order of §T2's table
// (wages first, gain_long last) and gives each the tax it adds on top of those before it:
//   share[c] = charged(baseline + x[..c]) − charged(baseline + x[..c−1]).
// The shares sum to charged_tax_of_year(amounts + baseline, baseline, carry_in) (up to
// rounding). Requires: as charged_tax_of_year, baseline >= 0. Throws: nothing.
CategoryAmounts charged_by_category(const CompiledTaxRegime& regime, const CategoryAmounts& amounts,
                                    double baseline, double carry_in);

}  // namespace vestsim::models
