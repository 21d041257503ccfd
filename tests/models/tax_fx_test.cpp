// Tax with a moving exchange rate (docs/tax.md#t2-the-income-of-one-tax-year, "Currencies"):
// each amount converted at its own month's simulated rate, each year's tax at month 12 y. The
// rates of a path are rebuilt here from its own stream (a currency without correlation draws
// z(m) as draw m - 1 of its key, docs/model.md#m3-stochastic-exchange-rates), so every check
// is per path and exact up to rounding.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/company_paths.hpp"
#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "tests/models/flat_tax_identity.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

constexpr std::size_t kWages = static_cast<std::size_t>(TaxCategory::kWages);
constexpr std::size_t kEquityIncome = static_cast<std::size_t>(TaxCategory::kEquityIncome);
constexpr std::size_t kGainShort = static_cast<std::size_t>(TaxCategory::kGainShort);

TaxRegime flat30(const std::string& currency) {
  const LoadRegimeResult r =
      load_regime_text("name: flat30\nyear: 2026\ncurrency: " + currency +
                           "\nincome_taxes:\n  - {name: flat, brackets: [[0, 0.3]]}\n",
                       "flat30.yaml");
  REQUIRE(r.ok());
  return *r.regime;
}

// X(0 .. max_month) of the scenario's only stochastic currency on `path`.
std::vector<double> rates_of(const CompiledScenario& cs, std::uint64_t path) {
  REQUIRE(cs.fx_rates.size() == 1);
  REQUIRE(cs.fx_rates[0].corr < 0);
  std::vector<double> x(cs.max_month + 1);
  PathDraws draws;
  draws.start(path);
  CorrelatedShocks shocks(cs.markets);
  shocks.start(draws);
  fx_path(cs.fx_rates[0], cs.max_month, x.data(), draws, shocks);
  return x;
}

// A salary of 120,000 a year in `offer_currency` (the report's EUR when empty) for `years`
// years, under the flat-30% regime in USD, reported in EUR with USD moving (volatility 0.2);
// no departure, no discounting.
Scenario usd_regime_salary(const std::string& offer_currency, int years) {
  Scenario s =
      load_ok("currency: EUR\nfx: {USD: {rate: 0.9, volatility: 0.2}}\nhorizon_years: " +
              std::to_string(years) + "\nliquidity_horizon_years: " + std::to_string(years) + R"(
discount_rate: 0
employee: {departure: {at_month: 1000}}
companies:
  q: {kind: public, currency: USD, price: 50, drift: 0, volatility: 0}
offers:
  a:
)" + (offer_currency.empty() ? "" : "    currency: " + offer_currency + "\n") +
              R"(    base: 120000
    tax: {regime: none}
  b:
    base: 100000
compare:
  - {a: a, b: b}
)");
  s.offers[0].tax->regime = flat30("USD");
  return s;
}

}  // namespace

TEST_CASE("moving fx: a regime in the report currency taxes each amount at its month's rate",
          "[tax][fx][identity]") {
  // The flat-30% identity of tax_kernel_test, now with USD moving: every amount (salary,
  // bonus, RSU tranches, an IPO sold at E, options) is USD, converted to the EUR regime at its
  // month's X(m), and the tax, in EUR, is paid in EUR. With no discounting and no lockup (no
  // gain: each payout's income is its cash, at its month) the tax is 0.3 x the EUR total on
  // every path, because the total converts the same amounts at the same X(m). Converted at
  // the month-0 rate instead (the old departure), it is 0.3 x the amounts at 0.9: not equal.
  // The offer's cash in USD (moving) or in EUR (fixed: only the companies' currency moves).
  for (const char* offer_currency : {"USD", "EUR"}) {
    INFO("offer in " << offer_currency);
    Scenario s =
        vestsim::test::flat_tax_scenario("{USD: {rate: 0.9, volatility: 0.25}}", offer_currency, 0);
    s.offers[0].tax->regime = flat30("EUR");
    const CompiledScenario c = compile(s, 5);
    REQUIRE(c.offers[0].tax.moving_fx);
    SimOptions opt;
    opt.paths = 5000;
    opt.threads = 2;
    const SimResult r = simulate(c, opt);
    CHECK(vestsim::test::flat_tax_mismatches(r) == 0);
    // The test can fail: offer a is taxed on most paths (4,882 of 5,000 in either currency).
    CHECK(std::count_if(r.tax[0].begin(), r.tax[0].end(), [](double x) { return x > 0; }) > 4500);
  }
}

TEST_CASE("moving fx: a regime in a moving currency pays each year's tax at month 12 y",
          "[tax][fx]") {
  // Salary only, 120,000 USD a year for 4 years, a USD regime, reported in EUR with USD moving.
  // The amounts need no conversion (USD to USD): each year is charged exactly 0.3 x 120,000 =
  // 36,000 USD. Paid at month 12 y, in EUR it is 36,000 x X(12 y): the PV of the tax is
  // 36,000 x (X(12) + X(24) + X(36) + X(48)) on each path, where the month-0 rate would give
  // 36,000 x 4 x 0.9 = 129,600 on every path.
  const Scenario s = usd_regime_salary("USD", 4);
  const CompiledScenario c = compile(s, 11);
  for (std::uint64_t i : {0u, 1u, 7u, 1234u}) {
    INFO("path " << i);
    const PathValues v = simulate_path(c, i);
    REQUIRE(v.tax_years[0].size() == 4);
    for (const TaxLedger::Year& y : v.tax_years[0]) {
      CHECK(y.amounts[kWages] == Approx(120000).margin(0.005));
      CHECK(y.charged == Approx(36000).margin(0.005));
    }
    const std::vector<double> x = rates_of(c, i);
    const double expected = 36000 * (x[12] + x[24] + x[36] + x[48]);
    CHECK(v.tax[0] == Approx(expected).epsilon(1e-12));
    CHECK(std::fabs(v.tax[0] - 129600) > 1);  // the rate moved: not the month-0 figure
    // The salary itself, in EUR, is each month's 10,000 USD at that month's rate.
    double cash = 0;
    for (int m = 1; m <= 48; ++m) cash += 10000 * x[m];
    CHECK(v.cash[0] == Approx(cash).epsilon(1e-12));
  }
}

TEST_CASE("moving fx: income at the month it arises, the gain at the sale", "[tax][fx]") {
  // A certain IPO at month 12 with a 6-month lockup; the whole grant (a 1-year cliff) vests at
  // 12, its income units x P_E counted in year 1, its gain units x (P(18) - P_E) in year 2.
  // With USD moving and a EUR regime, the income converts at X(12) and the gain (in USD, as
  // T3 defines it) at the sale, X(18). The same path with the rate held fixed at 0.9 has the
  // same USD amounts (a currency's draws are its own stream), so each category is the fixed
  // one times X(m) / 0.9 for its own month m.
  const std::string text = R"(currency: EUR
fx: {USD: {rate: 0.9, volatility: VOL}}
horizon_years: 2
liquidity_horizon_years: 2
discount_rate: 0
employee: {departure: {at_month: 1000}}
companies:
  p:
    kind: private
    currency: USD
    valuation: 1.0e9
    exit:
      time_years: 1
      outcomes: {ipo: 1}
      ipo: {multiple: 2, lockup_months: 6}
    post_ipo: {drift: 0.3, volatility: 0.4}
offers:
  a:
    currency: USD
    base: 0
    tax: {regime: none}
    grants:
      - {company: p, type: private_rsu, value: 100000, vesting: {years: 1, every_months: 12}}
  b:
    base: 0
compare:
  - {a: a, b: b}
)";
  const auto with = [&](const char* vol) {
    std::string t = text;
    t.replace(t.find("VOL"), 3, vol);
    Scenario s = load_ok(t);
    s.offers[0].tax->regime = flat30("EUR");
    return compile(s, 3);
  };
  const CompiledScenario moving = with("0.3"), fixed = with("0");
  REQUIRE_FALSE(fixed.offers[0].tax.moving_fx);
  for (std::uint64_t i : {0u, 5u, 99u}) {
    INFO("path " << i);
    const PathValues a = simulate_path(moving, i), b = simulate_path(fixed, i);
    REQUIRE(a.tax_years[0].size() == 2);
    REQUIRE(b.tax_years[0].size() == 2);
    const std::vector<double> x = rates_of(moving, i);
    const double income = b.tax_years[0][0].amounts[kEquityIncome];
    const double gain = b.tax_years[0][1].amounts[kGainShort];
    REQUIRE(income > 0);
    REQUIRE(gain != 0);
    CHECK(a.tax_years[0][0].amounts[kEquityIncome] == Approx(income * x[12] / 0.9).epsilon(1e-12));
    CHECK(a.tax_years[0][1].amounts[kGainShort] == Approx(gain * x[18] / 0.9).epsilon(1e-12));
  }
}

TEST_CASE("moving fx: cash in a fixed currency under a regime in a moving one", "[tax][fx]") {
  // 120,000 EUR a year (10,000 a month) under a USD regime, reported in EUR, USD moving: month
  // m's salary is 10,000 / X(m) USD (1 EUR is 1 / X(m) USD), so year y's wages are
  // sum over its months of 10,000 / X(m), charged 0.3 x that, paid at 12 y in EUR at X(12 y).
  // Each year's to_report (the median-future chart's conversion) is that X(12 y).
  const Scenario s = usd_regime_salary("", 2);
  const CompiledScenario c = compile(s, 13);
  for (std::uint64_t i : {0u, 3u, 777u}) {
    INFO("path " << i);
    const PathValues v = simulate_path(c, i);
    const std::vector<double> x = rates_of(c, i);
    REQUIRE(v.tax_years[0].size() == 2);
    double tax = 0;
    for (int y = 1; y <= 2; ++y) {
      double wages = 0;
      for (int m = 12 * (y - 1) + 1; m <= 12 * y; ++m) wages += 10000 / x[m];
      const TaxLedger::Year& got = v.tax_years[0][y - 1];
      CHECK(got.amounts[kWages] == Approx(wages).epsilon(1e-12));
      CHECK(got.charged == Approx(0.3 * wages).epsilon(1e-12));
      CHECK(got.to_report == x[12 * y]);
      tax += 0.3 * wages * x[12 * y];
    }
    CHECK(v.tax[0] == Approx(tax).epsilon(1e-12));
    CHECK(v.cash[0] == Approx(240000).epsilon(1e-12));  // EUR salary, EUR report
  }
}
