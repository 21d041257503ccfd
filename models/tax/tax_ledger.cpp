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

// Bit q of the result is flag[q], q < 64, for flags of 0 or 1: eight at a time by one
// multiplication each, rather than 64 dependent shifts and ors. Byte i of the eight (bit 8 i)
// times bit 7 (7 - i) + 7 of the constant lands on bit 56 + i; no two of the 64 partial
// products share a bit (8 (i - i') = 7 (m' - m) has no other solution in 0..7), so nothing
// carries into bits 56..63.
std::uint64_t column_bits(const std::uint8_t* flag) {
  static_assert(std::endian::native == std::endian::little);
  std::uint64_t bits = 0;
  for (int k = 0; k < 8; ++k) {
    std::uint64_t eight;
    std::memcpy(&eight, flag + 8 * k, sizeof eight);
    bits |= ((eight * 0x0102040810204080ULL) >> 56) << (8 * k);
  }
  return bits;
}

// The months of tax year y (1..12 of it) paid the offer's salary by a path paid through month
// `salary_month`; the baseline wages fill the others
// (docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life).
int months_paid(int salary_month, int y) {
  return std::clamp(salary_month - 12 * (y - 1), 0, 12);
}

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
    const int paid = months_paid(last_salary_month_, y);
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

void TaxLedger::size_block() {
  const std::size_t years = table_.size() - 1;
  block_.assign(years * kTaxCategoryCount * kTaxLanes, 0.0);
  block_rate_.assign(years * kTaxLanes, 1.0);
  block_last_year_.assign(kTaxLanes, 0);
  block_salary_month_.assign(kTaxLanes, 0);
  lane_x_.assign(kTaxCategoryCount * years * kTaxLanes, 0.0);
  lane_tax_.assign(years * kTaxLanes, 0.0);
  lane_carry_out_.assign(years * kTaxLanes, 0.0);
  slot_.assign(years * kTaxLanes, -1);
  year_columns_.assign(years, {});
  wages_only_.assign(years, {});
}

void TaxLedger::defer(std::uint32_t column) {
  assert(column < kTaxLanes && closed_columns_ == 0);
  if (block_last_year_.empty()) size_block();  // the first deferred path: the block, once
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

// The lanes finish_block() would make of this column's years, made now: the same values, in
// column order rather than year by year (a lane is a pure function of its inputs, so its place
// changes no bits), and a wages-only year whose wages have the bits of the year's first
// wages-only column's takes that column's lane, as there.
void TaxLedger::defer_closed(std::uint32_t column) {
  assert(column < kTaxLanes);
  if (block_last_year_.empty()) size_block();
  const CompiledOfferTax& t = *t_;
  const std::size_t capacity = year_columns_.size() * kTaxLanes;
  const std::uint64_t bit = std::uint64_t{1} << (column % 64);
  assert((closed_seen_[column / 64] & bit) == 0);
  closed_seen_[column / 64] |= bit;
  for (int y = 1; y <= last_year_; ++y) {
    CategoryAmounts& x = table_[y];
    const auto row = static_cast<std::size_t>(y - 1);
    std::int32_t& slot = slot_[row * kTaxLanes + column];
    slot = -1;
    if (t.moving_fx)
      block_rate_[row * kTaxLanes + column] = rate(t.regime_fx, t.regime_rate, 12 * y);
    const bool other = x[kEquityIncome] != 0 || x[kQualified] != 0 || x[kQualifiedExcess] != 0 ||
                       x[kGainShort] != 0 || x[kGainLong] != 0;
    if (!other && x[kWages] == 0) continue;  // nothing this year: the table is already 0
    year_columns_[row][column / 64] |= bit;
    const int paid = months_paid(last_salary_month_, y);
    const double wages = x[kWages] + t.baseline_monthly * (12 - paid);
    WagesOnly& first = wages_only_[row];
    if (!other && first.lane >= 0 &&
        std::bit_cast<std::uint64_t>(wages) == std::bit_cast<std::uint64_t>(first.wages)) {
      slot = first.lane;
      x = CategoryAmounts{};
      continue;
    }
    const std::uint32_t k = closed_lanes_++;
    slot = static_cast<std::int32_t>(k);
    if (!other && first.lane < 0) first = {slot, wages};
    double* lane = lane_x_.data() + k;
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) lane[c * capacity] = x[c];
    if (x[kQualified] != 0) {  // finish()'s split
      const QualifiedSplit q = split_qualified(x[kQualified], 0, t.regime.qualified_cap);
      lane[kQualified * capacity] = q.qualified;
      lane[kQualifiedExcess * capacity] = x[kQualifiedExcess] + q.excess;
    }
    lane[kWages * capacity] = wages;
    x = CategoryAmounts{};
  }
  block_last_year_[column] = last_year_;
  block_salary_month_[column] = last_salary_month_;
  ++closed_columns_;
}

void TaxLedger::open_block_year(std::uint32_t column, int year) {
  assert(column < kTaxLanes && !block_last_year_.empty() && closed_columns_ == 0);
  assert(year >= 1 && static_cast<std::size_t>(year) < table_.size());
  assert(!t_->moving_fx);  // a year's rate is the path's, which is gone by now
  for (int y = block_last_year_[column] + 1; y <= year; ++y) {
    double* at = block_year(y);
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) at[c * kTaxLanes + column] = 0;
  }
  block_last_year_[column] = std::max(block_last_year_[column], year);
}

// finish() on lanes (docs/design.md#15-lanes-of-paths): every column-year with something is
// gathered into one row of lanes whatever its year, qualified split and baseline wages added, and
// evaluated at once with no carry in, 128 lanes a call; each column then takes its years in order,
// adding its charged tax to its own present value. A year whose carry in is a loss (< 0) is
// evaluated again with it, and the column's later years wait for it: the loss columns' next years
// go in waves of one call each.
void TaxLedger::finish_block(std::uint32_t n, double* tax) {
  assert(n <= kTaxLanes);
  if (n == 0) return;
  const CompiledOfferTax& t = *t_;
  const CompiledTaxRegime& regime = t.regime;
  constexpr std::size_t kWords = kTaxLanes / 64;
  using Columns = std::array<std::uint64_t, kWords>;
  const auto each_column = [](Columns columns, auto&& f) {
    for (std::size_t w = 0; w < kWords; ++w)
      for (std::uint64_t bits = columns[w]; bits != 0; bits &= bits - 1)
        f(static_cast<std::uint32_t>(64 * w + static_cast<std::size_t>(std::countr_zero(bits))));
  };
  const auto bits_of = [](double a) { return std::bit_cast<std::uint64_t>(a); };
  const std::size_t capacity = year_columns_.size() * kTaxLanes;
  std::array<double*, kTaxCategoryCount> lane{};
  for (std::size_t c = 0; c < kTaxCategoryCount; ++c) lane[c] = lane_x_.data() + c * capacity;
  const int* const salary_month = block_salary_month_.data();
  const auto paid_in = [salary_month](std::uint32_t p, int y) {
    return months_paid(salary_month[p], y);
  };
  int years = 0;
  for (std::uint32_t p = 0; p < n; ++p) years = std::max(years, block_last_year_[p]);

  // The lanes. A wages-only column-year whose wages (baseline included) have the bits of the
  // year's first wages-only column's (all employed with no equity: every such column of an offer
  // without a bonus draw) takes that column's lane instead of one of its own: a lane is a pure
  // function of its inputs.
  // Made by defer_closed() already, or here from the block.
  std::uint32_t lanes = closed_lanes_;
  assert(closed_columns_ == 0 || closed_columns_ == n);
  for (int y = 1; y <= years && closed_columns_ == 0; ++y) {
    const double* at = block_year(y);
    std::int32_t* slot = slot_.data() + static_cast<std::size_t>(y - 1) * kTaxLanes;
    alignas(64) std::uint8_t has[kTaxLanes], wages_only[kTaxLanes];
    alignas(64) double wages[kTaxLanes];
    // A plain pass over the columns, which the compiler vectorizes. A wages-only column has 0 in
    // every other category; +0 or -0 there give tax_of_year_lanes() the same bits (its sums start
    // at +0, as for a regime's zero weights).
    const auto cell = [at](std::size_t category, std::uint32_t p) {
      return at[category * kTaxLanes + p] != 0;
    };
    for (std::uint32_t p = 0; p < n; ++p) {
      const bool other = cell(kEquityIncome, p) | cell(kQualified, p) | cell(kQualifiedExcess, p) |
                         cell(kGainShort, p) | cell(kGainLong, p);
      const bool live = y <= block_last_year_[p];
      has[p] = live & (other | cell(kWages, p));
      wages_only[p] = has[p] & !other;
    }
    for (std::uint32_t p = n; p < kTaxLanes; ++p) has[p] = wages_only[p] = 0;
    for (std::uint32_t p = 0; p < n; ++p) {
      wages[p] = at[kWages * kTaxLanes + p] + t.baseline_monthly * (12 - paid_in(p, y));
      slot[p] = -1;
    }
    Columns with{}, only_wages{};
    for (std::size_t w = 0; w < kWords; ++w) {
      with[w] = column_bits(has + 64 * w);
      only_wages[w] = column_bits(wages_only + 64 * w);
    }
    Columns copies{};
    std::uint32_t first_wages_only = kTaxLanes;
    each_column(only_wages, [&](std::uint32_t p) {
      if (first_wages_only == kTaxLanes)
        first_wages_only = p;
      else if (bits_of(wages[p]) == bits_of(wages[first_wages_only]))
        copies[p / 64] |= std::uint64_t{1} << (p % 64);
    });
    year_columns_[static_cast<std::size_t>(y - 1)] = with;
    Columns own = with;
    for (std::size_t w = 0; w < kWords; ++w) own[w] &= ~copies[w];
    each_column(own, [&](std::uint32_t p) {
      const std::uint32_t k = lanes++;
      slot[p] = static_cast<std::int32_t>(k);
      for (std::size_t c = 0; c < kTaxCategoryCount; ++c) lane[c][k] = at[c * kTaxLanes + p];
      // finish()'s split where qualified != 0, as selects: the columns with and without
      // qualified income are mixed, and a branch mispredicts.
      const double qualified = lane[kQualified][k], excess = lane[kQualifiedExcess][k];
      const QualifiedSplit q = split_qualified(qualified, 0, regime.qualified_cap);
      lane[kQualified][k] = qualified != 0 ? q.qualified : qualified;
      lane[kQualifiedExcess][k] = qualified != 0 ? excess + q.excess : excess;
      lane[kWages][k] = wages[p];
    });
    each_column(copies, [&](std::uint32_t p) { slot[p] = slot[first_wages_only]; });
  }
  alignas(64) static constexpr double kNoCarry[kTaxLanes] = {};
  for (std::uint32_t k = 0; k < lanes; k += kTaxLanes) {
    std::array<const double*, kTaxCategoryCount> rows{};
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) rows[c] = lane[c] + k;
    tax_of_year_lanes(regime, rows, kNoCarry, std::min<std::uint32_t>(kTaxLanes, lanes - k),
                      lane_tax_.data() + k, lane_carry_out_.data() + k);
  }

  // Each column's years in order, as finish() takes them.
  alignas(64) double carry[kTaxLanes], pv[kTaxLanes];
  for (std::uint32_t p = 0; p < n; ++p) carry[p] = pv[p] = 0;
  // What the charges read, in locals: the stores to pv and carry then leave them in registers.
  const double* const year_df = t.year_df.data();
  const double* const baseline_tax = t.baseline_tax.data();
  const double* const rates = t.moving_fx ? block_rate_.data() : nullptr;
  const auto charge = [&](std::uint32_t p, int y, double year_tax, double carry_out) {
    const double charged = year_tax - baseline_tax[paid_in(p, y)];
    carry[p] = carry_out;
    const double rate = rates ? rates[static_cast<std::size_t>(y - 1) * kTaxLanes + p] : 1.0;
    pv[p] += charged * year_df[y] * rate;
  };
  const std::int32_t* const slots = slot_.data();
  const double* const lane_tax = lane_tax_.data();
  const double* const lane_carry_out = lane_carry_out_.data();
  const auto lane_of = [slots](std::uint32_t p, int y) {
    return slots[static_cast<std::size_t>(y - 1) * kTaxLanes + p];
  };
  // The years that wait for a loss carried in: at most one per column.
  alignas(64) std::uint32_t wait_column[kTaxLanes];
  alignas(64) int wait_year[kTaxLanes];
  std::uint32_t waiting = 0;
  Columns held{};
  for (int y = 1; y <= years; ++y) {
    Columns with = year_columns_[static_cast<std::size_t>(y - 1)];
    for (std::size_t w = 0; w < kWords; ++w) with[w] &= ~held[w];
    each_column(with, [&](std::uint32_t p) {
      if (carry[p] != 0) {
        held[p / 64] |= std::uint64_t{1} << (p % 64);
        wait_column[waiting] = p;
        wait_year[waiting++] = y;
        return;
      }
      const auto k = static_cast<std::size_t>(lane_of(p, y));
      charge(p, y, lane_tax[k], lane_carry_out[k]);
    });
  }
  while (waiting > 0) {
    alignas(64) double x[kTaxCategoryCount][kTaxLanes];
    alignas(64) double carry_in[kTaxLanes], year_tax[kTaxLanes], carry_out[kTaxLanes];
    std::array<const double*, kTaxCategoryCount> rows{};
    for (std::uint32_t i = 0; i < waiting; ++i) {
      const auto k = static_cast<std::size_t>(lane_of(wait_column[i], wait_year[i]));
      for (std::size_t c = 0; c < kTaxCategoryCount; ++c) x[c][i] = lane[c][k];
      carry_in[i] = carry[wait_column[i]];
    }
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) rows[c] = x[c];
    tax_of_year_lanes(regime, rows, carry_in, waiting, year_tax, carry_out);
    std::uint32_t still = 0;  // the columns whose later years wait again, in place
    for (std::uint32_t i = 0; i < waiting; ++i) {
      const std::uint32_t p = wait_column[i];
      const int from = wait_year[i];
      charge(p, from, year_tax[i], carry_out[i]);
      for (int y = from + 1; y <= block_last_year_[p]; ++y) {
        const std::int32_t k = lane_of(p, y);
        if (k < 0) continue;
        if (carry[p] != 0) {
          wait_column[still] = p;
          wait_year[still++] = y;
          break;
        }
        charge(p, y, lane_tax[static_cast<std::size_t>(k)],
               lane_carry_out[static_cast<std::size_t>(k)]);
      }
    }
    waiting = still;
  }
  for (std::uint32_t p = 0; p < n; ++p) tax[p] = t.moving_fx ? pv[p] : pv[p] * t.to_report;
  // Clean for the next block, which defer_closed() marks as it goes.
  for (int y = 1; y <= years; ++y) {
    year_columns_[static_cast<std::size_t>(y - 1)] = {};
    wages_only_[static_cast<std::size_t>(y - 1)] = {};
  }
  closed_lanes_ = closed_columns_ = 0;
  closed_seen_ = {};
}

}  // namespace vestsim::models
