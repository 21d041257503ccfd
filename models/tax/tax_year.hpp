// The tax of one tax year (docs/tax.md#t4-the-tax-of-one-year) as a pure function of a
// regime compiled into flat tables: no strings, maps or allocation when evaluating, so the
// per-path loop may call it once per offer per year
// (docs/design.md#3-compile-once-then-run-the-paths).
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "models/tax/regime.hpp"

namespace vestsim::models {

// The categories of nonzero weight of a CategoryAmounts of weights, in category order:
// dot() adds w_c x_c over them only. For finite amounts of any sign this has the bits of the full
// sum over every category: the sum starts at +0 and is never -0 in round-to-nearest, so a +-0
// term leaves it unchanged. (Only an infinite or NaN amount under a zero weight would differ; the
// model makes none.)
struct SparseWeights {
  std::uint8_t count = 0;
  std::array<std::uint8_t, kTaxCategoryCount> category{};
  CategoryAmounts weight{};

  explicit SparseWeights(const CategoryAmounts& w = {}) {
    for (std::size_t k = 0; k < kTaxCategoryCount; ++k)
      if (w[k] != 0) {
        category[count] = static_cast<std::uint8_t>(k);
        weight[count++] = w[k];
      }
  }
  double dot(const CategoryAmounts& x) const {
    double s = 0;
    for (std::uint8_t k = 0; k < count; ++k) s += weight[k] * x[category[k]];
    return s;
  }
};

// One income tax, with its brackets as ranges of CompiledTaxRegime::brackets.
struct CompiledIncomeTax {
  CategoryAmounts weights{};  // weight of each category in the base B_i (gain_long 0 if stacked)
  Deduction::Kind deduction = Deduction::Kind::kNone;
  double fixed = 0;                                      // kFixed: D
  double rate = 0, min = 0;                              // kRate: r, a
  double max = std::numeric_limits<double>::infinity();  // kRate: b
  CategoryAmounts on{};                                  // kRate: 1 for c in `on`, else 0
  std::uint32_t first_bracket = 0, bracket_count = 0;
  std::uint32_t first_long = 0, long_count = 0;  // long_count 0: no long_gains
  double gains_flat = 0;                         // 0 when absent
  SparseWeights weights_nz, on_nz;               // weights and on, for evaluating
};

struct CompiledLevy {
  double rate = 0;
  CategoryAmounts on{};  // 1 for c in `on` (pseudo-sets expanded), else 0
  double up_to = std::numeric_limits<double>::infinity();
  bool has_above = false;
  double above = 0;
  CategoryAmounts measure{};        // `measure`, or `on` when absent
  SparseWeights on_nz, measure_nz;  // on and measure, for evaluating
};

struct CompiledTaxRegime {
  std::vector<CompiledIncomeTax> income_taxes;  // in file order
  std::vector<CompiledLevy> levies;             // in file order
  std::vector<Bracket> brackets;                // every scale, back to back
  // below[i]: the tax of the full brackets of i's scale before bracket i, added in scale_tax()'s
  // order, so that scale_tax(base) = below[k] + rate_k (base - from_k) with the same bits
  // (k the last bracket with from_k < base).
  std::vector<double> below;
  int long_term_months = 12;
  bool has_qualified = false;
  double qualified_cap = 0;
  // Breakdown slots: income tax i at i, levy j at income_taxes.size() + j.
  std::size_t breakdown_size() const { return income_taxes.size() + levies.size(); }
};

// docs/tax.md#t2-the-income-of-one-tax-year: tax year y holds months 12(y−1)+1 … 12y and
// month 0 belongs to year 1. Requires: month >= 0 (asserted). Returns y >= 1.
inline int tax_year_of_month(int month) {
  assert(month >= 0);
  return month == 0 ? 1 : (month + 11) / 12;
}

// docs/tax.md#t2-the-income-of-one-tax-year: a gain held `held_months` months is long-term
// (gain_long) iff held_months >= long_term_months. Requires: held_months >= 0.
inline bool is_long_term(const CompiledTaxRegime& regime, int held_months) {
  return held_months >= regime.long_term_months;
}

// Compiles `regime` once (at scenario load).
// Requires: nothing. Throws std::invalid_argument listing regime_errors(regime) when it is
// not empty. Guarantees: the result's tables are valid for tax_of_year().
CompiledTaxRegime compile_regime(const TaxRegime& regime);

// Step 1 of docs/tax.md#t4-the-tax-of-one-year: losses.
struct NetGains {
  double short_gain = 0;  // S >= 0, taxable short gain
  double long_gain = 0;   // Lg >= 0, taxable long gain
  double carry_out = 0;   // <= 0, loss carried to next year
};
// Requires: carry_in <= 0 (asserted). Throws: nothing. Guarantees: S, Lg >= 0,
// carry_out <= 0, S + Lg + carry_out == gain_short + gain_long + carry_in (up to rounding),
// and carry_out < 0 only when S == Lg == 0: a loss never reduces other income.
NetGains net_gains(double gain_short, double gain_long, double carry_in);

// Tax of a progressive scale on `base` (docs/tax.md#t4-the-tax-of-one-year, step 2):
// Σ_k rate_k · (min(base, from_{k+1}) − from_k)^+.
// Requires: `scale` valid (first from 0, strictly increasing). Throws: nothing.
// Guarantees: 0 for base <= 0; continuous and non-decreasing in base.
double scale_tax(std::span<const Bracket> scale, double base);

struct YearTax {
  double tax = 0;                        // the year's tax, >= 0
  double carry_out = 0;                  // loss carried into the next year, <= 0
  double short_gain = 0, long_gain = 0;  // S and Lg of step 1
};

// The tax of one tax year, docs/tax.md#t4-the-tax-of-one-year steps 1–4.
// `amount` holds the year's six category totals in the regime's currency (gain_short and
// gain_long may be negative: losses); `carry_in` the loss carried in (0 in year 1).
// `breakdown`, when non-empty, receives each income tax then each levy (size must be
// regime.breakdown_size()); the entries sum to the tax before the final clamp at 0.
// Requires: carry_in <= 0; the income categories other than wages >= 0 (wages can be
// negative after a negative bonus); breakdown empty or of breakdown_size() (all asserted). Throws:
// nothing. Allocates nothing. Guarantees: tax >= 0, carry_out <= 0.
YearTax tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount, double carry_in,
                    std::span<double> breakdown = {});

// tax_of_year() of n paths at once (docs/design.md#15-lanes-of-paths): path p's amounts are
// amount[c][p], its carry carry_in[p]; tax[p] and carry_out[p] get the bits tax_of_year() gives
// that path alone. Every step is the scalar expression on arrays of paths, branches made
// selects, so the compiler may run it on any vector width. Requires n <= kTaxLanes and, per
// path, what tax_of_year() requires. Throws nothing; allocates nothing.
inline constexpr std::size_t kTaxLanes = 128;
void tax_of_year_lanes(const CompiledTaxRegime& regime,
                       const std::array<const double*, kTaxCategoryCount>& amount,
                       const double* carry_in, std::size_t n, double* tax, double* carry_out);

// The base of each breakdown slot of tax_of_year(), for reports that show a year's tax line
// by line (`vestsim taxes`, docs/cli.md#taxes): income tax i gets b, its base after weights
// and deduction (docs/tax.md#t4-the-tax-of-one-year, step 2; a long gain stacked on b by
// `long_gains` and the gains of `gains_flat` are taxed on top of it, not in it); levy j gets
// its base β (step 3). Gains are netted with `carry_in` first (step 1).
// Requires: as tax_of_year, and bases.size() == regime.breakdown_size() (asserted).
// Throws: nothing. Allocates nothing.
void tax_bases_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount,
                       double carry_in, std::span<double> bases);

// docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life: the tax charged to the
// offer in one year is tax(with_baseline) − tax(baseline_only).
//   with_baseline  the year's totals, the offer's income plus the baseline wages;
//   baseline_only  the baseline wages alone (no gains: the baseline is wages).
// Both go through tax_of_year(); the loss carry belongs to the offer, so the first uses
// `carry_in` and its carry_out is returned, while the second is evaluated with no carry
// (a carried loss only offsets gains, and baseline_only has none, so its tax would be the
// same with any carry). `breakdown` (optional) receives the per-tax difference.
// Requires: as tax_of_year, and baseline_only's gain categories == 0 (asserted).
// Throws: nothing. Allocates nothing. Guarantees: carry_out <= 0; tax is the plain
// difference, not clamped: for the shipped regimes the tax is non-decreasing in every
// category, so it is >= 0 (docs/tax.md notes when a custom regime can make it negative).
YearTax charged_tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& with_baseline,
                            const CategoryAmounts& baseline_only, double carry_in,
                            std::span<double> breakdown = {});

// docs/tax.md#t2-the-income-of-one-tax-year: the first qualified amounts of a tax year, in
// month order, up to the cap count as `qualified`, the rest as `qualified_excess`.
struct QualifiedSplit {
  double qualified = 0;
  double excess = 0;
};
// `counted` is the qualified amount already counted this tax year (the caller keeps one
// running total per offer, reset at each year, and adds the returned `qualified`).
// Requires: amount >= 0, 0 <= counted <= cap (asserted). Throws: nothing.
// Guarantees: qualified + excess == amount; counted + qualified <= cap.
// Inline: TaxLedger::finish_block makes it for a row of lanes, as selects.
inline QualifiedSplit split_qualified(double amount, double counted, double cap) {
  assert(amount >= 0 && counted >= 0 && counted <= cap);
  const double qualified = std::min(amount, cap - counted);
  return {qualified, amount - qualified};
}

}  // namespace vestsim::models
