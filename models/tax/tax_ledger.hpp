// The per-path tax of one offer (docs/tax.md#t2-the-income-of-one-tax-year to
// docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life): the sink every payout of
// models/offer_pricing.cpp goes through, the per-year category table it fills, and the
// charged tax it turns into one present value. Two sinks share one calling convention:
//   NoTaxSink  every call is an empty inline function: an offer without a regime is
//              priced by the instantiation that compiles the sink away;
//   TaxLedger  per-kernel scratch (a kernel per worker, or per two-pass chunk) sized once;
//              recording and finishing a path allocate nothing and touch no string.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <vector>

#include "models/tax/tax_year.hpp"

namespace vestsim::models {

// An offer's regime and everything its tax needs, compiled once (compile()).
// Amounts are nominal, in the regime's currency.
struct CompiledOfferTax {
  CompiledTaxRegime regime;
  double baseline_monthly =
      0;  // baseline_income / 12 (docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life)
  double to_report = 1;  // 1 regime-currency unit in the report currency (fixed fx)
  // Per company of the scenario: 1 company-currency unit in the regime currency.
  std::vector<double> company_to_regime;
  // salary[m] = nominal salary of months 1..m, m = 0..H; bonus[y - 1] = target bonus of
  // year y (before its multiplier); signing: the signing bonus.
  std::vector<double> salary, bonus;
  double signing = 0;
  // year_df[y] = df(12 y), y = 0..years: the tax of year y is paid at month 12 y.
  std::vector<double> year_df;
  // baseline_tax[p] = tax_of_year() of the baseline wages alone, baseline_monthly (12 - p), for
  // a year with p months of the offer's salary, p = 0..12: the second evaluation of
  // docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life, the same on every path
  // (fill_baseline_tax()).
  std::array<double, 13> baseline_tax{};
  // docs/tax.md#t2-the-income-of-one-tax-year with a moving rate
  // (docs/model.md#m3-stochastic-exchange-rates): when the regime's, the offer's or a company's
  // currency has a volatility (`moving_fx`), every amount is converted at the rate of its own
  // month, X_from(m) / X_regime(m), and each year's tax into the report currency at X_regime(12 y),
  // instead of the fixed factors above. A rate index is that currency's table among the path's fx
  // tables (-1: fixed at its `*_rate`, the month-0 value in the report currency). A month past
  // `last_fx_month` (the tables' end) reads the rate of `last_fx_month`.
  bool moving_fx = false;
  int regime_fx = -1, offer_fx = -1, last_fx_month = 0;
  double regime_rate = 1, offer_rate = 1;
  std::vector<int> company_fx;
  std::vector<double> company_rate;
  // In the offer's currency, nominal: salary_month[m] of month m (m = 0..H, [0] = 0),
  // bonus_oc[y - 1] the target bonus of year y (paid at month 12 y), signing_oc (month 0).
  std::vector<double> salary_month, bonus_oc;
  double signing_oc = 0;
};

// Fills t.baseline_tax from t.regime and t.baseline_monthly (at compile, once per offer).
// Throws nothing.
void fill_baseline_tax(CompiledOfferTax& t);

// docs/tax.md#t3-equity-income-and-capital-gains-of-each-payout, in one form: a payout pays
// `cash` at `month`; `income` of it is equity income that arises at `income_month`
// (<= month); the rest, cash - income, is a capital gain (or loss) at `month`, held
// month - income_month months. A qualified grant's income counts at `month` (the sale).
// Amounts are in the paying company's currency. The T3 rows map onto it as:
//   public RSU at v, acquisition cash, post-deal cash, option sale:
//                           income = cash, income_month = month (no gain)
//   IPO tranche vested by E: income = units P_E, income_month = E, month = E + lockup
//   IPO tranche vesting v > E: income = units P(v), income_month = v, month = max(v, E + lockup)
//   tender at t (M4):       income = cash (the tender cash), income_month = month = t
//   exercise at d, sold at t (M5): cash = units (price(t) - K), income = units (P(d) - K)^+,
//                           income_month = d, month = t: the gain cash - income =
//                           units (price - max(P(d), K)) is held from d
//   exercise at d, never sold (T8: no loss is recognised): cash = income, month = d
// `cash` only sets the gain: the present value is the caller's business.
struct EquityPayout {
  int company = 0;
  int month = 0;
  double cash = 0;
  double income = 0;
  int income_month = 0;
  bool qualified = false;
};

// The sink of an offer without a regime: compiles away.
struct NoTaxSink {
  static constexpr bool kActive = false;
  void salary(int /*last_month*/) {}
  void bonus(int /*year*/, double /*multiplier*/) {}
  void signing() {}
  void equity(const EquityPayout& /*p*/) {}
};

// Per-year, per-category totals of one offer on one path, and their tax.
class TaxLedger {
 public:
  static constexpr bool kActive = true;

  // What a test sees of one tax year (simulate_path()).
  struct Year {
    CategoryAmounts amounts{};  // the offer's own totals, qualified split at the cap
    double baseline =
        0;  // baseline wages added (docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life)
    double charged = 0;    // charged tax, regime currency, nominal
    double carry_out = 0;  // loss carried into the next year (<= 0)
    double to_report = 1;  // 1 regime unit in the report currency when it is paid (month 12 y)
  };

  // Sized for years 1..max_years. Requires max_years >= 1.
  explicit TaxLedger(int max_years);

  // Starts an offer's path. Requires `t` to outlive the calls up to finish(), and, when
  // t.moving_fx, `fx_paths` (the path's X(0..t.last_fx_month) of each stochastic currency).
  void start(const CompiledOfferTax& t, const double* const* fx_paths = nullptr);

  // Cash (docs/tax.md#t2-the-income-of-one-tax-year: wages): salary of months 1..last_month (the
  // offer's employed months; the baseline fills the others), the bonus of year y times its
  // multiplier, the signing bonus (month 0, year 1).
  void salary(int last_month);
  void bonus(int year, double multiplier);
  void signing();

  // The one place every equity payout is recorded
  // (docs/tax.md#t3-equity-income-and-capital-gains-of-each-payout). Requires month >= income_month
  // >= 0 and month <= 12 max_years.
  void equity(const EquityPayout& p) {
    assert(p.month >= p.income_month && p.income_month >= 0);
    if (t_->moving_fx) return equity_moving_fx(p);
    const double k = t_->company_to_regime[p.company];
    const double cash = p.cash * k, income = p.income * k;
    // Qualified income counts when the units are sold; it is split at the cap per year in
    // finish() (the year totals are min(sum, cap) and the rest whatever the order).
    if (p.qualified)
      add(tax_year_of_month(p.month), kQualifiedSlot, income);
    else
      add(tax_year_of_month(p.income_month), kEquityIncomeSlot, income);
    const double gain = cash - income;
    if (gain != 0)
      add(tax_year_of_month(p.month),
          is_long_term(t_->regime, p.month - p.income_month) ? kGainLongSlot : kGainShortSlot,
          gain);
  }

  // The tax of the path, years 1..the last year with a recorded amount: charged tax per
  // year (docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life) with the loss carried
  // across years (T4 step 1), each paid at month 12 y, discounted and converted to the report
  // currency at the fixed fx. Resets the table for the next start(). `years` (optional, for tests)
  // receives one Year per tax year 1..last (allocates: not in the hot loop).
  double finish(std::vector<Year>* years = nullptr);

  // finish() for a block of up to kTaxLanes paths at once, on lanes of paths
  // (docs/design.md#15-lanes-of-paths): defer(p) keeps this path's years in column p and resets
  // the table for the next start(); finish_block(n, tax) then sets tax[p] to what finish() would
  // have returned for the path deferred in column p, p < n, with the same bits. Every column
  // p < n must have been deferred since the last finish_block(), all for the same
  // CompiledOfferTax. defer() allocates the block at its first call; nothing else allocates.
  void defer(std::uint32_t column);
  void finish_block(std::uint32_t n, double* tax);
  // defer() of a path nothing is added to afterwards (its equity was recorded path by path): its
  // years go straight into finish_block()'s lanes while the table is in cache, instead of into
  // the block for finish_block() to scan year by year over every column. Requires every column
  // of the block to be deferred the same way (all by defer() or all by defer_closed()), and each
  // column once per block (asserted): a second defer_closed() of a column would leave the first
  // one's years marked.
  void defer_closed(std::uint32_t column);

  // For amounts added to the deferred block after defer() (PublicEquityLanes in
  // models/offer_pricing.hpp), in the order equity() would have added them: open_block_year()
  // makes the deferred column's years up to `year` readable (zeroing those past its last year,
  // whose cells hold an earlier path's amounts), and block_cells() is the row of `category` in
  // `year`, element p column p's. Requires a defer() since the last finish_block(), a regime
  // without moving_fx and 1 <= year <= max_years.
  void open_block_year(std::uint32_t column, int year);
  double* block_cells(int year, TaxCategory category) {
    return block_year(year) + static_cast<std::size_t>(category) * kTaxLanes;
  }

 private:
  static constexpr std::size_t kEquityIncomeSlot =
      static_cast<std::size_t>(TaxCategory::kEquityIncome);
  static constexpr std::size_t kQualifiedSlot = static_cast<std::size_t>(TaxCategory::kQualified);
  static constexpr std::size_t kGainShortSlot = static_cast<std::size_t>(TaxCategory::kGainShort);
  static constexpr std::size_t kGainLongSlot = static_cast<std::size_t>(TaxCategory::kGainLong);
  void equity_moving_fx(const EquityPayout& p);
  // The deferred block and finish_block()'s lanes, sized at the first defer.
  void size_block();

  // The value of 1 unit of the currency (`fx`, `rate`: CompiledOfferTax) at `month`, in the
  // report currency.
  double rate(int fx, double fixed, int month) const {
    return fx < 0 ? fixed : fx_paths_[fx][std::min(month, t_->last_fx_month)];
  }
  // 1 unit of a currency in the regime's currency at `month`.
  double to_regime(int fx, double fixed, int month) const {
    return rate(fx, fixed, month) / rate(t_->regime_fx, t_->regime_rate, month);
  }

  // The deferred block's cells of `year`: [category][column].
  double* block_year(int year) {
    return block_.data() + static_cast<std::size_t>(year - 1) * kTaxCategoryCount * kTaxLanes;
  }

  void add(int year, std::size_t category, double amount) {
    table_[year][category] += amount;
    if (year > last_year_) last_year_ = year;
  }

  const CompiledOfferTax* t_ = nullptr;
  const double* const* fx_paths_ = nullptr;
  // tax_of_year() of `with` and `carry_in`, from the year's last evaluation when its arguments
  // have the same bits (a pure function: the same result), else evaluated and kept.
  YearTax year_tax(int year, const CategoryAmounts& with, double carry_in);

  std::vector<CategoryAmounts> table_;  // [year], year 1..max; qualified holds the raw sum
  // Per year: the arguments and result of its last tax_of_year(), and the regime they were for.
  // Paths that keep the job through a year without equity have the same wages there, so most
  // years' taxes repeat from one path to the next.
  struct LastYear {
    const CompiledTaxRegime* regime = nullptr;
    CategoryAmounts with{};
    double carry_in = 0;
    YearTax tax;
  };
  std::vector<LastYear> last_;
  // The deferred paths: amounts [(year - 1) * categories + category][column], the regime rate of
  // each year's payment [(year - 1)][column] (moving fx only), each path's last year and salary
  // month.
  std::vector<double> block_, block_rate_;
  std::vector<int> block_last_year_, block_salary_month_;
  // finish_block()'s lanes (docs/design.md#15-lanes-of-paths): every column-year it evaluates,
  // side by side whatever the year, lane_x_[category * (years * kTaxLanes) + lane], its tax and
  // carry out (evaluated with no carry in); slot_[(year - 1) * kTaxLanes + column], the lane of
  // a column's year (-1: nothing that year); year_columns_[year - 1], the columns with something
  // that year, one bit each.
  std::vector<double> lane_x_, lane_tax_, lane_carry_out_;
  std::vector<std::int32_t> slot_;
  std::vector<std::array<std::uint64_t, kTaxLanes / 64>> year_columns_;
  // defer_closed()'s lanes so far in the block, and per year the lane of its first wages-only
  // column (-1: none yet) with those wages.
  std::uint32_t closed_lanes_ = 0, closed_columns_ = 0;
  std::array<std::uint64_t, kTaxLanes / 64> closed_seen_{};  // the columns deferred so (asserts)
  struct WagesOnly {
    std::int32_t lane = -1;
    double wages = 0;
  };
  std::vector<WagesOnly> wages_only_;
  int last_year_ = 0;
  int last_salary_month_ = 0;
};

}  // namespace vestsim::models
