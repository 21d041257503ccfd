// The flat-30% identity shared by the tax tests (docs/tax.md#t6-outputs): one income tax, 30%
// from 0, every category at weight 1, no levy, no deduction, so each year's tax is 0.3 x the
// year's nominal total N_y (a baseline adds 0.3 b to both terms of
// docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life and cancels). With no
// discounting and every amount converted into the regime's currency at the rate the total
// uses, the tax is 0.3 x the offer's total on every path. Losses would break it (a loss never
// offsets income): post-IPO prices only rise in the scenario, and options pay their spread as
// income.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "tests/test_support.hpp"

namespace vestsim::test {

// Offer a (in `offer_currency`, under a regime set by the caller, baseline 50,000) holds a
// private USD company's RSUs and options (IPO with `lockup_months`, or acquisition) and a
// public USD company's RSUs, with bonus, signing bonus and a random departure; offer b is a
// base only. `fx` is the scenario's fx line; no discounting.
inline models::Scenario flat_tax_scenario(const std::string& fx, const std::string& offer_currency,
                                          int lockup_months) {
  return load_ok("currency: EUR\nfx: " + fx + R"(
horizon_years: 4
liquidity_horizon_years: 8
discount_rate: 0
employee: {departure: {annual_rate: 0.3}}
companies:
  p:
    kind: private
    currency: USD
    valuation: 1.0e9
    exit:
      time_years: {dist: uniform, low: 0, high: 7}
      outcomes: {ipo: 0.5, acquisition: 0.4}
      ipo: {multiple: {dist: lognormal, median: 2, sigma: 0.5}, lockup_months: )" +
                 std::to_string(lockup_months) + R"(}
      acquisition: {multiple: {dist: uniform, low: 0.5, high: 3}}
    post_ipo: {drift: 0.2, volatility: 0}
  q: {kind: public, currency: USD, price: 50, drift: 0.05, volatility: 0.4}
offers:
  a:
    currency: )" +
                 offer_currency + R"(
    base: 100000
    bonus: {target: 0.1, multiplier: {dist: uniform, low: 0, high: 2}}
    signing_bonus: {amount: 10000, clawback_months: 12}
    tax: {regime: none, baseline_income: 50000}
    grants:
      - {company: p, type: private_rsu, value: 200000, vesting: {years: 4, every_months: 3}}
      - {company: p, type: option, value: 100000, start_month: 12, vesting: {years: 2}}
      - {company: q, type: public_rsu, value: 80000, vesting: {years: 4}}
  b:
    base: 120000
compare:
  - {a: a, b: b}
)");
}

// The paths of `r` (at most 5 reported) where offer 0's tax is not 0.3 x its total; offer 1,
// without a regime, must be taxed 0 everywhere.
inline int flat_tax_mismatches(const models::SimResult& r) {
  int bad = 0;
  for (std::uint64_t i = 0; i < r.paths && bad < 5; ++i)
    if (const double total = r.total_at(0, i);
        std::fabs(r.tax[0][i] - 0.3 * total) > 1e-9 * std::fabs(total)) {
      ++bad;
      UNSCOPED_INFO("path " << i << ": tax " << r.tax[0][i] << ", total " << total);
    }
  for (std::uint64_t i = 0; i < r.paths; ++i)
    if (r.tax[1][i] != 0) return bad + 1;
  return bad;
}

}  // namespace vestsim::test
