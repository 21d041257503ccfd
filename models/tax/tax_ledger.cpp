// docs/tax.md#t2-the-income-of-one-tax-year to
// docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life.
#include "models/tax/tax_ledger.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace vestsim::models {

namespace {

constexpr std::size_t kWages = static_cast<std::size_t>(TaxCategory::kWages);
constexpr std::size_t kEquityIncome = static_cast<std::size_t>(TaxCategory::kEquityIncome);
constexpr std::size_t kQualified = static_cast<std::size_t>(TaxCategory::kQualified);
constexpr std::size_t kQualifiedExcess = static_cast<std::size_t>(TaxCategory::kQualifiedExcess);
constexpr std::size_t kGainShort = static_cast<std::size_t>(TaxCategory::kGainShort);
constexpr std::size_t kGainLong = static_cast<std::size_t>(TaxCategory::kGainLong);

bool all_zero(const CategoryAmounts& x) {
  for (double v : x)
    if (v != 0) return false;
  return true;
}

}  // namespace

void fill_baseline_tax(CompiledOfferTax& t) {
  for (int paid = 0; paid <= 12; ++paid) {
    CategoryAmounts alone{};
    alone[kWages] = t.baseline_monthly * (12 - paid);
    t.baseline_tax[paid] = tax_of_year(t.regime, alone, 0.0).tax;
  }
}

TaxLedger::TaxLedger(int max_years)
    : table_(static_cast<std::size_t>(max_years) + 1),
      last_(static_cast<std::size_t>(max_years) + 1) {
  assert(max_years >= 1);
}

void TaxLedger::start(const CompiledOfferTax& t, const double* const* fx_paths) {
  assert(!t.moving_fx || fx_paths);
  t_ = &t;
  fx_paths_ = fx_paths;
  last_year_ = 0;
  last_salary_month_ = 0;
}

void TaxLedger::salary(int last_month) {
  last_salary_month_ = last_month;
  if (t_->moving_fx) {  // each month's salary at its own month's rate
    for (int m = 1; m <= last_month; ++m)
      add(tax_year_of_month(m), kWages,
          t_->salary_month[m] * to_regime(t_->offer_fx, t_->offer_rate, m));
    return;
  }
  const double* s = t_->salary.data();
  for (int y = 1; 12 * (y - 1) < last_month; ++y)
    add(y, kWages, s[std::min(12 * y, last_month)] - s[12 * (y - 1)]);
}

void TaxLedger::bonus(int year, double multiplier) {
  if (t_->moving_fx)  // paid at month 12 y
    return add(
        year, kWages,
        t_->bonus_oc[year - 1] * multiplier * to_regime(t_->offer_fx, t_->offer_rate, 12 * year));
  add(year, kWages, t_->bonus[year - 1] * multiplier);
}

void TaxLedger::signing() {
  if (t_->moving_fx)
    return add(1, kWages, t_->signing_oc * to_regime(t_->offer_fx, t_->offer_rate, 0));
  add(1, kWages, t_->signing);
}

// T3's amounts are in the paying company's currency; each is converted at the rate of the month
// it counts in (docs/tax.md#t2-the-income-of-one-tax-year): employment income at income_month,
// qualified income and the gain (cash - income, in that currency) at the sale, `month`.
void TaxLedger::equity_moving_fx(const EquityPayout& p) {
  const int fx = t_->company_fx[p.company];
  const double rate0 = t_->company_rate[p.company];
  const double at_sale = to_regime(fx, rate0, p.month);
  if (p.qualified)
    add(tax_year_of_month(p.month), kQualified, p.income * at_sale);
  else
    add(tax_year_of_month(p.income_month), kEquityIncome,
        p.income * to_regime(fx, rate0, p.income_month));
  const double gain = p.cash - p.income;
  if (gain != 0)
    add(tax_year_of_month(p.month),
        is_long_term(t_->regime, p.month - p.income_month) ? kGainLong : kGainShort,
        gain * at_sale);
}

YearTax TaxLedger::year_tax(int year, const CategoryAmounts& with, double carry_in) {
  LastYear& last = last_[static_cast<std::size_t>(year)];
  if (last.regime == &t_->regime && std::memcmp(&last.with, &with, sizeof with) == 0 &&
      std::memcmp(&last.carry_in, &carry_in, sizeof carry_in) == 0)
    return last.tax;
  last = LastYear{&t_->regime, with, carry_in, tax_of_year(t_->regime, with, carry_in)};
  return last.tax;
}

double TaxLedger::finish(std::vector<Year>* years) {
  const CompiledOfferTax& t = *t_;
  const CompiledTaxRegime& regime = t.regime;
  double carry = 0, pv = 0;
  if (years) years->assign(static_cast<std::size_t>(last_year_), Year{});
  for (int y = 1; y <= last_year_; ++y) {
    CategoryAmounts& x = table_[y];
    // A year where the offer has nothing is charged exactly 0 (the two evaluations of
    // docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life coincide) and, with no gains,
    // leaves the carry as it is.
    if (all_zero(x) && !years) continue;
    if (x[kQualified] != 0) {
      const QualifiedSplit q = split_qualified(x[kQualified], 0, regime.qualified_cap);
      x[kQualified] = q.qualified;
      x[kQualifiedExcess] += q.excess;
    }
    // Baseline wages for the months m >= 1 of year y without this offer's salary.
    const int paid = std::clamp(last_salary_month_ - 12 * (y - 1), 0, 12);
    const double baseline = t.baseline_monthly * (12 - paid);
    CategoryAmounts with = x;
    with[kWages] += baseline;
    // charged_tax_of_year(with, the baseline alone, carry), the baseline's tax made at compile.
    YearTax tax = year_tax(y, with, carry);
    tax.tax -= t.baseline_tax[paid];
    carry = tax.carry_out;
    // Paid at month 12 y: at that month's rate when the regime's currency moves.
    pv += tax.tax * t.year_df[y] * (t.moving_fx ? rate(t.regime_fx, t.regime_rate, 12 * y) : 1.0);
    if (years)
      (*years)[y - 1] = Year{x, baseline, tax.tax, tax.carry_out,
                             t.moving_fx ? rate(t.regime_fx, t.regime_rate, 12 * y) : t.to_report};
  }
  for (int y = 1; y <= last_year_; ++y) table_[y] = CategoryAmounts{};
  return t.moving_fx ? pv : pv * t.to_report;
}

void TaxLedger::defer(std::uint32_t column) {
  assert(column < kTaxLanes);
  if (block_last_year_.empty()) {  // the first deferred path: the block, once
    const std::size_t years = table_.size() - 1;
    block_.assign(years * kTaxCategoryCount * kTaxLanes, 0.0);
    block_rate_.assign(years * kTaxLanes, 1.0);
    block_last_year_.assign(kTaxLanes, 0);
    block_salary_month_.assign(kTaxLanes, 0);
  }
  for (int y = 1; y <= last_year_; ++y) {
    double* at = block_year(y);
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) at[c * kTaxLanes + column] = table_[y][c];
    table_[y] = CategoryAmounts{};
    if (t_->moving_fx)
      block_rate_[static_cast<std::size_t>(y - 1) * kTaxLanes + column] =
          rate(t_->regime_fx, t_->regime_rate, 12 * y);
  }
  block_last_year_[column] = last_year_;
  block_salary_month_[column] = last_salary_month_;
}

void TaxLedger::open_block_year(std::uint32_t column, int year) {
  assert(column < kTaxLanes && !block_last_year_.empty());
  assert(year >= 1 && static_cast<std::size_t>(year) < table_.size());
  assert(!t_->moving_fx);  // a year's rate is the path's, which is gone by now
  for (int y = block_last_year_[column] + 1; y <= year; ++y) {
    double* at = block_year(y);
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) at[c * kTaxLanes + column] = 0;
  }
  block_last_year_[column] = std::max(block_last_year_[column], year);
}

// finish() on lanes: the same steps, each year for the columns with something that year (the
// others keep their carry and add nothing), gathered side by side.
void TaxLedger::finish_block(std::uint32_t n, double* tax) {
  assert(n <= kTaxLanes);
  if (n == 0) return;
  const CompiledOfferTax& t = *t_;
  const CompiledTaxRegime& regime = t.regime;
  alignas(64) double x[kTaxCategoryCount][kTaxLanes];
  alignas(64) double carry[kTaxLanes], pv[kTaxLanes];
  alignas(64) double carry_in[kTaxLanes], year_tax[kTaxLanes], carry_out[kTaxLanes];
  alignas(64) int paid[kTaxLanes];
  alignas(64) std::uint32_t column[kTaxLanes];
  std::array<const double*, kTaxCategoryCount> rows{};
  for (std::size_t c = 0; c < kTaxCategoryCount; ++c) rows[c] = x[c];
  int years = 0;
  for (std::uint32_t p = 0; p < n; ++p) {
    carry[p] = 0;
    pv[p] = 0;
    years = std::max(years, block_last_year_[p]);
  }
  // Same inputs, same bits: tax_of_year_lanes() works lane by lane. So a column whose year has the
  // bits of the year's first wages-only column (all employed with no equity: every such column
  // of an offer without a bonus draw) takes that column's result instead of a lane of its own.
  alignas(64) std::uint32_t copy_column[kTaxLanes];  // the year's copies of column wages_only
  const auto same_bits = [](double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  };
  for (int y = 1; y <= years; ++y) {
    const double* at = block_year(y);
    std::uint32_t m = 0;  // the columns with something in year y, gathered into 0 .. m - 1
    std::uint32_t copies = 0;
    std::uint32_t wages_only = kTaxLanes;  // the first wages-only column gathered, if any
    for (std::uint32_t p = 0; p < n; ++p) {
      if (y > block_last_year_[p]) continue;
      bool nonzero = false;
      for (std::size_t c = 0; c < kTaxCategoryCount; ++c) {
        x[c][m] = at[c * kTaxLanes + p];
        nonzero = nonzero || x[c][m] != 0;
      }
      if (!nonzero) continue;
      if (x[kQualified][m] != 0) {
        const QualifiedSplit q = split_qualified(x[kQualified][m], 0, regime.qualified_cap);
        x[kQualified][m] = q.qualified;
        x[kQualifiedExcess][m] += q.excess;
      }
      paid[m] = std::clamp(block_salary_month_[p] - 12 * (y - 1), 0, 12);
      x[kWages][m] += t.baseline_monthly * (12 - paid[m]);
      carry_in[m] = carry[p];
      if (wages_only < kTaxLanes) {
        bool same = paid[m] == paid[wages_only] && same_bits(carry_in[m], carry_in[wages_only]);
        for (std::size_t c = 0; c < kTaxCategoryCount && same; ++c)
          same = same_bits(x[c][m], x[c][wages_only]);
        if (same) {
          copy_column[copies++] = p;
          continue;
        }
      } else {
        bool wages = true;
        for (std::size_t c = 0; c < kTaxCategoryCount && wages; ++c)
          wages = c == kWages || x[c][m] == 0;
        if (wages) wages_only = m;
      }
      column[m++] = p;
    }
    if (m == 0) continue;
    tax_of_year_lanes(regime, rows, carry_in, m, year_tax, carry_out);
    const double* rate = block_rate_.data() + static_cast<std::size_t>(y - 1) * kTaxLanes;
    const auto charge = [&](std::uint32_t j, std::uint32_t p) {
      const double charged = year_tax[j] - t.baseline_tax[paid[j]];
      carry[p] = carry_out[j];
      pv[p] += charged * t.year_df[y] * (t.moving_fx ? rate[p] : 1.0);
    };
    for (std::uint32_t j = 0; j < m; ++j) charge(j, column[j]);
    for (std::uint32_t k = 0; k < copies; ++k) charge(wages_only, copy_column[k]);
  }
  for (std::uint32_t p = 0; p < n; ++p) tax[p] = t.moving_fx ? pv[p] : pv[p] * t.to_report;
}

}  // namespace vestsim::models
