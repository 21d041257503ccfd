// Golden tests of docs/model.md: deterministic scenarios whose totals are computed
// by hand in the comments, checked to the cent.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/studies/run.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

constexpr double kCent = 0.005;
constexpr double kStays = std::numeric_limits<double>::quiet_NaN();

// One path of a deterministic scenario; `departure_years` pins 12 tau (NaN: never leaves
// unless the scenario's departure rate says so).
PathValues one_path(const std::string& text, double departure_years = kStays) {
  const Scenario s = load_ok(text);
  CompiledScenario c = compile(s, 1);
  c.pinned_departure_years = departure_years;
  return simulate_path(c, 0);
}

// A public company with a flat price (no drift, no volatility).
const std::string kFlatPublic = R"(
  pub:
    kind: public
    price: 50
    drift: 0
    volatility: 0
)";

// A private company with a certain outcome at a fixed time.
std::string certain_private(const std::string& outcome, double years, double multiple,
                            const std::string& extra_exit = "", const std::string& extra = "") {
  std::string s =
      "  priv:\n    kind: private\n    valuation: 1.0e9\n    exit:\n      time_years: " +
      std::to_string(years) + "\n      outcomes: {" + outcome + ": 1}\n";
  if (outcome != "failure")  // failure pays nothing and takes no keys
    s += "      " + outcome + ": {multiple: " + std::to_string(multiple) + extra_exit + "}\n";
  return s + extra;
}

// One offer with no salary and a 4-year private RSU of 480,000 (10,000 a month).
const std::string kPrivate480k = R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}}
)";

std::string scenario(const std::string& companies, const std::string& offers,
                     const std::string& top = "") {
  return "currency: EUR\n" + top + "companies:\n" + companies + "offers:\n" + offers;
}

}  // namespace

TEST_CASE("Google L5 Paris over four years: 4 x 145,000 + 480,000 = 1,060,000", "[golden]") {
  const std::string text = scenario(kFlatPublic, R"(
  google:
    base: 145000
    grants:
      - {company: pub, type: public_rsu, value: 480000, vesting: {years: 4}}
)");
  const PathValues v = one_path(text);
  CHECK(v.cash[0] == Approx(580000).margin(kCent));
  CHECK(v.equity[0] == Approx(480000).margin(kCent));
  CHECK(v.cash[0] + v.equity[0] == Approx(1060000).margin(kCent));
  // The seed's "EUR625K guaranteed over four years" is one year of base plus four
  // years of RSUs (145,000 + 4 x 120,000): it leaves out three years of salary.
  CHECK(145000 + v.equity[0] == Approx(625000).margin(kCent));
  CHECK(v.cash[0] + v.equity[0] - 625000 == Approx(3 * 145000).margin(kCent));
}

TEST_CASE("private RSU of EUR300,000 at a certain 4x IPO at month 36 pays EUR1,200,000",
          "[golden]") {
  // $4.5B valuation, company in USD, offer in EUR at 0.86 EUR/USD: units = 300,000 / 0.86 / 4.5e9
  // of the company; each is sold at 4x (no dilution, lockup 6, flat post-IPO price) and
  // converted back at 0.86: 300,000 x 4 = 1,200,000.
  const std::string text = R"(currency: EUR
fx: {USD: 0.86}
companies:
  hf:
    kind: private
    currency: USD
    valuation: 4.5e9
    exit:
      time_years: 3
      outcomes: {ipo: 1}
      ipo: {multiple: 4, lockup_months: 6}
offers:
  hf:
    base: 0
    grants:
      - {company: hf, type: private_rsu, value: 300000, vesting: {years: 4, cliff_months: 12}}
)";
  CHECK(one_path(text).equity[0] == Approx(1200000).margin(kCent));
}

TEST_CASE("cliff: nothing vests before it, everything held back vests at it", "[golden]") {
  const std::string text = scenario(kFlatPublic, R"(
  o:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 480000, vesting: {years: 4, cliff_months: 12}}
)");
  // Monthly tranches of 10,000. Leaving at month 11.5: employed through month 11, before the cliff.
  CHECK(one_path(text, 11.5 / 12).equity[0] == 0);
  // Leaving at month 12 exactly: employed iff m < 12, so not at the cliff.
  CHECK(one_path(text, 1.0).equity[0] == 0);
  // Leaving at month 12.5: the 12 held-back tranches vest at month 12.
  CHECK(one_path(text, 12.5 / 12).equity[0] == Approx(120000).margin(kCent));
  // Leaving at month 30.5: months 1..30 vested.
  CHECK(one_path(text, 30.5 / 12).equity[0] == Approx(300000).margin(kCent));
}

TEST_CASE("a refresh grant is made only if employed at its start month", "[golden]") {
  const std::string text = scenario(kFlatPublic, R"(
  o:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 480000, start_month: 24, vesting: {years: 4}}
)");
  CHECK(one_path(text, 2.0).equity[0] == 0);                                   // gone at 24
  CHECK(one_path(text, 36.5 / 12).equity[0] == Approx(120000).margin(kCent));  // 25..36
  CHECK(one_path(text).equity[0] == Approx(240000).margin(kCent));             // 25..48 within H
}

TEST_CASE("a refresh's cliff and weights count from its own start month", "[golden]") {
  const std::string top = "horizon_years: 8\nliquidity_horizon_years: 8\ndiscount_rate: 0\n";
  // 480,000 at s = 24 with a 12-month cliff: tranches 25..35 wait for month 36.
  const std::string cliff = scenario(kFlatPublic, R"(
  o:
    base: 0
    grants:
      - company: pub
        type: public_rsu
        value: 480000
        start_month: 24
        vesting: {years: 4, cliff_months: 12}
)",
                                     top);
  // Gone at 30.5, before the cliff at 36: nothing (a cliff from month 0 would pay 25..30).
  CHECK(one_path(cliff, 30.5 / 12).equity[0] == 0);
  // Gone at 36.5: the cliff pays tranches 25..36, 12 x 10,000.
  CHECK(one_path(cliff, 36.5 / 12).equity[0] == Approx(120000).margin(kCent));
  // 1,000,000 at s = 24, weights [0.4, 0.3, 0.2, 0.1], gone at 30.5: months 25..30 are the
  // grant's first year, 6 x 400,000 / 12 = 200,000 (the calendar's third year would be 100,000).
  const std::string weighted = scenario(kFlatPublic, R"(
  o:
    base: 0
    grants:
      - company: pub
        type: public_rsu
        value: 1000000
        start_month: 24
        vesting: {years: 4, weights: [0.4, 0.3, 0.2, 0.1]}
)",
                                        top);
  CHECK(one_path(weighted, 30.5 / 12).equity[0] == Approx(200000).margin(kCent));
}

TEST_CASE("H and L are 12 x years rounded half up", "[golden]") {
  const std::string salary = "\n  o:\n    base: 120000\n";
  // 1.96 years: 23.52 months -> 24, two years of salary (rounding down would pay 230,000).
  CHECK(one_path(scenario(kFlatPublic, salary, "horizon_years: 1.96\n")).cash[0] ==
        Approx(240000).margin(kCent));
  // 1.04 years: 12.48 -> 12 (rounding up would pay 130,000).
  CHECK(one_path(scenario(kFlatPublic, salary, "horizon_years: 1.04\n")).cash[0] ==
        Approx(120000).margin(kCent));
  // L: 5.96 years -> 72 months. A certain 2x IPO at T = 6 (E = 72, no lockup) is liquid
  // within L: 480,000 x 2 = 960,000; with L = 71 it would count 0.
  const std::string ipo = scenario(certain_private("ipo", 6, 2.0, ", lockup_months: 0"),
                                   kPrivate480k, "liquidity_horizon_years: 5.96\n");
  CHECK(one_path(ipo).equity[0] == Approx(960000).margin(kCent));
  // Exactly half: 1.875 years is 22.5 months -> 23 (half up), 230,000 of salary; rounding half
  // to even or down would give 22 months, 220,000.
  CHECK(one_path(scenario(kFlatPublic, salary, "horizon_years: 1.875\n")).cash[0] ==
        Approx(230000).margin(kCent));
  // L = 5.875 x 12 = 70.5 -> 71. An IPO at T = 5.9 has E = ceil(70.8) = 71 <= L: 960,000;
  // with L = 70 it would count 0.
  const std::string half = scenario(certain_private("ipo", 5.9, 2.0, ", lockup_months: 0"),
                                    kPrivate480k, "liquidity_horizon_years: 5.875\n");
  CHECK(one_path(half).equity[0] == Approx(960000).margin(kCent));
}

TEST_CASE("per-year weights front-load the schedule, tranches after the horizon are ignored",
          "[golden]") {
  const std::string offers = R"(
  o:
    base: 0
    grants:
      - company: pub
        type: public_rsu
        value: 1000000
        vesting: {years: 4, every_months: 12, weights: [0.4, 0.3, 0.2, 0.1]}
)";
  // Annual tranches of 400,000, 300,000, 200,000, 100,000 at months 12, 24, 36, 48.
  CHECK(one_path(scenario(kFlatPublic, offers)).equity[0] == Approx(1000000).margin(kCent));
  // A 2-year horizon keeps months 12 and 24: 700,000.
  CHECK(one_path(scenario(kFlatPublic, offers, "horizon_years: 2\n")).equity[0] ==
        Approx(700000).margin(kCent));
  // Monthly vesting with weights: year 1 pays 400,000 / 12 a month; leave at month 6.5.
  const std::string monthly = R"(
  o:
    base: 0
    grants:
      - company: pub
        type: public_rsu
        value: 1000000
        vesting: {years: 4, weights: [0.4, 0.3, 0.2, 0.1]}
)";
  CHECK(one_path(scenario(kFlatPublic, monthly), 6.5 / 12).equity[0] ==
        Approx(6 * 400000.0 / 12).margin(kCent));
}

TEST_CASE("time-vested units expire before a late IPO, later tranches do not", "[golden]") {
  // IPO at month 36 at 1x, expiry 2 years after grant (month 24 < 36): the 36 tranches
  // vested by 36 expire; months 37..48 vest after the IPO and pay 12 x 10,000.
  const std::string with_expiry = scenario(certain_private("ipo", 3, 1.0, ", lockup_months: 0"), R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}, expiry_years: 2}
)");
  CHECK(one_path(with_expiry).equity[0] == Approx(120000).margin(kCent));
  const std::string no_expiry = scenario(certain_private("ipo", 3, 1.0, ", lockup_months: 0"), R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}, expiry_years: 4}
)");
  CHECK(one_path(no_expiry).equity[0] == Approx(480000).margin(kCent));
}

TEST_CASE("acceleration: single vs double trigger, let go or not", "[golden]") {
  // Acquisition at month 12 at 1x (R = 1); grant 480,000 monthly over 4 years (10,000 a month).
  // The employee would leave at month 24 (employed through 23).
  auto offer = [](const std::string& accel) {
    return scenario(certain_private("acquisition", 1, 1.0), R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}, acceleration: )" +
                                                                accel + "}\n");
  };
  const double leave = 2.0;
  // Double trigger, always let go: 120,000 vested by E + all 360,000 unvested accelerate.
  CHECK(one_path(offer("{trigger: double, fraction: 1.0, probability: 1}"), leave).equity[0] ==
        Approx(480000).margin(kCent));
  // Double trigger, half accelerates when let go; the rest is forfeited: 120,000 + 180,000.
  CHECK(one_path(offer("{trigger: double, fraction: 0.5, probability: 1}"), leave).equity[0] ==
        Approx(300000).margin(kCent));
  // Double trigger, never let go: nothing accelerates; vesting goes on through month 23:
  // 120,000 + 11 x 10,000.
  CHECK(one_path(offer("{trigger: double, fraction: 1.0, probability: 0}"), leave).equity[0] ==
        Approx(230000).margin(kCent));
  // Single trigger, half: 120,000 + 180,000 at E, then half of months 13..23 keeps vesting.
  CHECK(one_path(offer("{trigger: single, fraction: 0.5}"), leave).equity[0] ==
        Approx(120000 + 180000 + 11 * 5000).margin(kCent));
  // No acceleration: as if never let go.
  CHECK(one_path(offer("{trigger: none}"), leave).equity[0] == Approx(230000).margin(kCent));
  // Acceleration needs employment at E: leaving at month 11.5 (before E = 12, before no cliff):
  // 11 tranches vested and paid at E; nothing accelerates.
  CHECK(one_path(offer("{trigger: double, fraction: 1.0, probability: 1}"), 11.5 / 12).equity[0] ==
        Approx(110000).margin(kCent));
}

TEST_CASE("liquidation preference: the breakpoint V = A / f on both sides", "[golden]") {
  // valuation 1e9, A = 4e8, f = 0.4: breakpoint V = 1e9. Acquisition at month 48, all
  // 600,000 vested by then and paid at E.
  auto equity_at = [](double multiple) {
    const std::string text =
        scenario(certain_private("acquisition", 4, multiple,
                                 ", preference: {amount: 4.0e8, preferred_fraction: 0.4}"),
                 R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 600000, vesting: {years: 4}}
)");
    return one_path(text).equity[0];
  };
  // Above: V = 1.5e9 >= 1e9, C = 1: 600,000 x 1.5.
  CHECK(equity_at(1.5) == Approx(900000).margin(kCent));
  // At the breakpoint C = (1e9 - 4e8) / (0.6 x 1e9) = 1: continuous.
  CHECK(equity_at(1.0) == Approx(600000).margin(kCent));
  // Below: V = 8e8, C = (8e8 - 4e8) / (0.6 x 8e8) = 5/6; payout 600,000 x 0.8 x 5/6 = 400,000.
  CHECK(equity_at(0.8) == Approx(400000).margin(kCent));
  // Below the preference itself: C = 0.
  CHECK(equity_at(0.3) == 0);
}

TEST_CASE("options pay max(0, P - strike) per unit", "[golden]") {
  // IPO at month 12 at 3x, no lockup, flat after: each unit worth 3x its grant price.
  auto equity = [](const std::string& strike) {
    const std::string text =
        scenario(certain_private("ipo", 1, 3.0, ", lockup_months: 0"), R"(
  o:
    base: 0
    grants:
      - {company: priv, type: option, value: 400000, vesting: {years: 4}, strike: )" +
                                                                           strike + "}\n");
    return one_path(text).equity[0];
  };
  CHECK(equity("1") == Approx(400000 * 2).margin(kCent));  // (3 - 1) per unit of grant value
  CHECK(equity("0.5") == Approx(400000 * 2.5).margin(kCent));
  CHECK(equity("4") == 0);  // under water
}

TEST_CASE("discounting: a flow at month m counts CF (1 + r)^(-m/12)", "[golden]") {
  const std::string text = scenario(kFlatPublic, R"(
  o:
    base: 120000
    signing_bonus: {amount: 10000}
    grants:
      - {company: pub, type: public_rsu, value: 100000, vesting: {years: 1, every_months: 12}}
)",
                                    "horizon_years: 1\ndiscount_rate: 0.05\n");
  const PathValues v = one_path(text);
  // Salary 10,000 at months 1..12: 10,000 * sum q^m, q = 1.05^(-1/12) = 10,000 q (1 - q^12) / (1 -
  // q).
  const double q = std::pow(1.05, -1.0 / 12);
  const double salary = 10000 * q * (1 - std::pow(q, 12)) / (1 - q);
  CHECK(v.cash[0] ==
        Approx(10000 + salary).margin(kCent));  // signing bonus at month 0, undiscounted
  CHECK(v.equity[0] == Approx(100000 / 1.05).margin(kCent));
}

TEST_CASE("fx converts every output into the report currency", "[golden]") {
  const std::string text = R"(currency: EUR
fx: {USD: 0.9}
horizon_years: 1
companies:
  pub: {kind: public, currency: USD, price: 10, drift: 0, volatility: 0}
offers:
  o:
    currency: USD
    base: 100000
    grants:
      - {company: pub, type: public_rsu, value: 50000, vesting: {years: 1}}
)";
  const PathValues v = one_path(text);
  CHECK(v.cash[0] == Approx(90000).margin(kCent));
  CHECK(v.equity[0] == Approx(45000).margin(kCent));
}

TEST_CASE("lockup: shares vested by E sell at E + lockup, later ones at max(v, E + lockup)",
          "[golden]") {
  // IPO at month 12 at 1x; after it the price grows exp(0.12 (m - 12) / 12) (drift 0.12, no
  // volatility). Annual tranches of 120,000 at months 12, 24, 36, 48 sell at 18, 24, 36, 48.
  const std::string text = scenario(certain_private("ipo", 1, 1.0, ", lockup_months: 6",
                                                    "    post_ipo: {drift: 0.12, volatility: 0}\n"),
                                    R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4, every_months: 12}}
)");
  const double expected =
      120000 * (std::exp(0.06) + std::exp(0.12) + std::exp(0.24) + std::exp(0.36));
  CHECK(one_path(text).equity[0] == Approx(expected).margin(kCent));
}

TEST_CASE("liquidity after the horizon counts, up to the liquidity horizon", "[golden]") {
  // IPO at year 6 (month 72 > H = 48) at 2x: everything vested by 48 sells at 72 + 6.
  const std::string& offers = kPrivate480k;
  CHECK(one_path(scenario(certain_private("ipo", 6, 2.0), offers)).equity[0] ==
        Approx(960000).margin(kCent));
  // With a 5-year liquidity horizon (L = 60 < 72) there is no event: nothing.
  const PathValues none =
      one_path(scenario(certain_private("ipo", 6, 2.0), offers, "liquidity_horizon_years: 5\n"));
  CHECK(none.equity[0] == 0);
  CHECK(none.outcome[0] == Outcome::kNone);
}

TEST_CASE("cash: raises, anniversary bonuses while employed, clawed-back signing bonus, geo band",
          "[golden]") {
  const std::string text = scenario(kFlatPublic, R"(
  o:
    base: 100000
    geo_band: 0.8
    raise: 0.05
    bonus: {target: 0.10}
    signing_bonus: {amount: 20000, clawback_months: 12}
)");
  // Banded salary 80,000 then 84,000, 88,200, 92,610; bonus 10% of each year's salary at 12y.
  const double years[] = {80000, 84000, 88200, 92610};
  double full = 20000;
  for (double y : years) full += y * 1.10;
  CHECK(one_path(text).cash[0] == Approx(full).margin(kCent));
  // Leaving at month 12 exactly: 11 months of salary, no bonus at 12, signing bonus kept
  // (12 tau = 12 is not below the 12-month clawback).
  CHECK(one_path(text, 1.0).cash[0] == Approx(20000 + 11 * 80000.0 / 12).margin(kCent));
  // Leaving at month 6.5: 6 months of salary, signing bonus paid back.
  CHECK(one_path(text, 6.5 / 12).cash[0] == Approx(6 * 80000.0 / 12).margin(kCent));
  // Leaving at month 24.5: two years of salary and both bonuses.
  CHECK(one_path(text, 24.5 / 12).cash[0] == Approx(20000 + (80000 + 84000) * 1.10).margin(kCent));
}

TEST_CASE("grants made after the event", "[golden]") {
  // A refresh at month 24 of 240,000 over 2 years (10,000 a month), event at month 12.
  const std::string refresh = R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 240000, start_month: 24, vesting: {years: 2}}
)";
  // After an acquisition: honoured in cash, each vesting tranche its own amount (months 25..48).
  CHECK(one_path(scenario(certain_private("acquisition", 1, 3.0), refresh)).equity[0] ==
        Approx(240000).margin(kCent));
  // After an IPO it is priced at P(24): with the price growing exp(0.12 (m - 12) / 12), the
  // tranche at v sells at max(v, 18) = v for Q(v) / Q(24) = exp(0.01 (v - 24)).
  const PathValues ipo = one_path(scenario(
      certain_private("ipo", 1, 3.0, "", "    post_ipo: {drift: 0.12, volatility: 0}\n"), refresh));
  double expected = 0;
  for (int v = 25; v <= 48; ++v) expected += 10000 * std::exp(0.01 * (v - 24));
  CHECK(ipo.equity[0] == Approx(expected).margin(kCent));
  // An option made after an acquisition pays nothing.
  const std::string option = R"(
  o:
    base: 0
    grants:
      - {company: priv, type: option, value: 240000, start_month: 24, vesting: {years: 2}}
)";
  CHECK(one_path(scenario(certain_private("acquisition", 1, 3.0), option)).equity[0] == 0);
}

TEST_CASE("failure pays nothing, IPO dilution scales the payout", "[golden]") {
  const std::string& offers = kPrivate480k;
  const PathValues f = one_path(scenario(certain_private("failure", 2, 0), offers));
  CHECK(f.equity[0] == 0);
  CHECK(f.outcome[0] == Outcome::kFailure);
  // 10% of new shares at the IPO: 480,000 x 2 x 0.9.
  CHECK(one_path(scenario(certain_private("ipo", 2, 2.0, ", dilution: 0.1"), offers)).equity[0] ==
        Approx(864000).margin(kCent));
}

TEST_CASE("an offer's outcome shares are those of its first private grant's company", "[golden]") {
  // docs/model.md §8: c1 has a certain IPO at T = 1, c2 a certain failure at T = 1.
  auto shares = [](const std::string& first, const std::string& second, double ipo_years) {
    const std::string text = scenario(
        "  c1:\n    kind: private\n    valuation: 1.0e9\n    exit: {time_years: " +
            std::to_string(ipo_years) +
            ", outcomes: {ipo: 1}, ipo: {multiple: 2}}\n"
            "  c2:\n    kind: private\n    valuation: 1.0e9\n"
            "    exit: {time_years: 1, outcomes: {failure: 1}}\n",
        "  o:\n    base: 0\n    grants:\n      - {company: " + first +
            ", type: private_rsu, value: 1000, vesting: {years: 1}}\n      - {company: " + second +
            ", type: private_rsu, value: 1000, vesting: {years: 1}}\n",
        "liquidity_horizon_years: 5\nsimulation: {paths: 64, seed: 3}\n");
    const Scenario s = load_ok(text);
    const RunStudy run = run_study(s, compile(s, s.seed));
    const OfferSummary& o = run.summary.offers.at(0);
    REQUIRE(o.has_private);
    return o.outcomes;
  };
  CHECK(shares("c1", "c2", 1).ipo == 1);
  CHECK(shares("c2", "c1", 1).failure == 1);
  // An IPO at T = 6 is after L = 60: the effective outcome is none.
  CHECK(shares("c1", "c2", 6).none == 1);
}

TEST_CASE("the event month is the ceiling of 12 T", "[golden]") {
  // docs/model.md#6-private-companies, step 1: T = 1.01 gives E = max(1, ceil(12.12)) = 13. A
  // certain 1x acquisition pays the tranche vested at 12 (120,000) at E = 13, discounted at 10% a
  // year: 120,000 x 1.1^(-13/12) = 108,227.88 (E = 12, rounding 12.12, would give 109,090.91).
  const std::string offer = R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 120000, vesting: {years: 1, every_months: 12}}
)";
  CHECK(one_path(scenario(certain_private("acquisition", 1.01, 1.0), offer, "discount_rate: 0.1\n"))
            .equity[0] == Approx(108227.88).margin(kCent));
}

TEST_CASE("a sampled dilution fraction is clamped to [0, 1]", "[golden]") {
  // docs/model.md#10-conventions. Certain 2x IPO at T = 2 on 480,000. d_ipo is -0.5, 0.2 or
  // 1.5 with weights 1:2:1; clamped to 0, 0.2 and 1 it pays 960,000, 768,000 or 0 (unclamped:
  // 1,440,000 and -480,000).
  const std::string ipo = scenario(
      certain_private("ipo", 2, 2.0,
                      ", dilution: {dist: discrete, values: [-0.5, 0.2, 1.5], weights: [1, 2, 1]}"),
      kPrivate480k);
  const int n = 4000;
  CompiledScenario c = compile(load_ok(ipo), 7);
  int full = 0, cut = 0, none = 0;
  for (int i = 0; i < n; ++i) {
    const double e = simulate_path(c, static_cast<std::uint64_t>(i)).equity[0];
    full += std::fabs(e - 960000) < kCent;
    cut += std::fabs(e - 768000) < kCent;
    none += e == 0;
  }
  CHECK(full + cut + none == n);
  // Shares 1/4, 1/2, 1/4 within 4 standard errors: sqrt(p (1 - p) / n) = 0.0068 and 0.0079.
  CHECK(std::fabs(full / double(n) - 0.25) < 4 * std::sqrt(0.25 * 0.75 / n));
  CHECK(std::fabs(cut / double(n) - 0.5) < 4 * std::sqrt(0.25 / n));
  // The same draws per round (rounds_per_year 1, T = 2): each round keeps 1, 0.8 or 0 of the
  // shares, so a path pays 960,000 x 0.8^j for some j, or 0.
  const std::string rounds =
      "    dilution: {rounds_per_year: 1, per_round: {dist: discrete, values: [-0.5, 0.2, 1.5], "
      "weights: [1, 2, 1]}}\n";
  CompiledScenario r =
      compile(load_ok(scenario(certain_private("ipo", 2, 2.0, "", rounds), kPrivate480k)), 7);
  int diluted = 0;
  for (int i = 0; i < n; ++i) {
    const double e = simulate_path(r, static_cast<std::uint64_t>(i)).equity[0];
    bool on_grid = e == 0;
    for (int j = 0; j < 40 && !on_grid; ++j)
      on_grid = std::fabs(e - 960000 * std::pow(0.8, j)) < kCent;
    INFO("path " << i << " pays " << e);
    REQUIRE(on_grid);
    diluted += e > 0 && e < 960000 - kCent;
  }
  CHECK(diluted > 0);  // the 0.2 rounds happened
}

TEST_CASE("an event at T <= 0 happens at month 1, a negative multiple counts as 0", "[golden]") {
  const std::string& offers = kPrivate480k;
  // Acquisition at T = -1 -> E = 1: the tranche at month 1 is vested by E (10,000 x 2 paid);
  // the rest keeps vesting at P_E: 47 x 10,000 x 2.
  CHECK(one_path(scenario(certain_private("acquisition", -1, 2.0), offers)).equity[0] ==
        Approx(960000).margin(kCent));
  CHECK(one_path(scenario(certain_private("acquisition", 2, -1.0), offers)).equity[0] == 0);
}

TEST_CASE("a grant starting after the horizon pays nothing and reads no price it lacks",
          "[golden]") {
  // start_month 60 > H = 48: no tranche can vest, so the grant is skipped whole.
  const std::string text = scenario(kFlatPublic + certain_private("ipo", 1, 2.0), R"(
  o:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 480000, start_month: 60, vesting: {years: 4}}
      - {company: priv, type: private_rsu, value: 480000, start_month: 60, vesting: {years: 4}}
)");
  const PathValues v = one_path(text);
  CHECK(v.equity[0] == 0);
}

TEST_CASE("acceleration at an acquisition within the horizon vests units scheduled after it",
          "[golden]") {
  // Horizon 2 years; a 4-year grant of 480,000 (10,000 a month); acquisition at month 12 at 1x.
  auto equity = [](const std::string& accel) {
    const std::string text = scenario(certain_private("acquisition", 1, 1.0),
                                      R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}, acceleration: )" +
                                          accel + "}\n",
                                      "horizon_years: 2\n");
    return one_path(text).equity[0];
  };
  // Single trigger, all: 120,000 vested by E + all 360,000 unvested (240,000 of it scheduled
  // after H = 24) vest at E.
  CHECK(equity("{trigger: single, fraction: 1.0}") == Approx(480000).margin(kCent));
  // Single trigger, half: 120,000 + 180,000 at E, then half of months 13..24 on schedule;
  // the half of months 25..48 left unaccelerated never vests within the horizon.
  CHECK(equity("{trigger: single, fraction: 0.5}") ==
        Approx(120000 + 180000 + 12 * 5000).margin(kCent));
  // No acceleration: months 1..24 only.
  CHECK(equity("{trigger: none}") == Approx(240000).margin(kCent));
}

TEST_CASE("a grant made after an acquisition that left a unit worth 0 is never made", "[golden]") {
  // Refresh of 240,000 at month 24 over 2 years; acquisition at month 12 (issue #14).
  const std::string refresh = R"(
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 240000, start_month: 24, vesting: {years: 2}}
)";
  // V = 1e9 x 1 = 1e9 is below the preference A = 2e9, so C = max(0, V - A) / ... = 0:
  // nothing is paid (it used to be honoured in cash: 240,000).
  const std::string preference = ", preference: {amount: 2.0e9, preferred_fraction: 0.5}";
  const PathValues c0 =
      one_path(scenario(certain_private("acquisition", 1, 1.0, preference), refresh));
  CHECK(c0.outcome[0] == Outcome::kAcquisition);
  CHECK(c0.equity[0] == 0);
  // A multiple of 0 gives V D = 0: nothing either.
  CHECK(one_path(scenario(certain_private("acquisition", 1, 0.0), refresh)).equity[0] == 0);
  // A preference that does not bind (V = 3e9 >= A / f = 1e9, so C = 1): honoured in cash,
  // 24 tranches of 10,000.
  CHECK(one_path(scenario(certain_private("acquisition", 1, 3.0,
                                          ", preference: {amount: 5.0e8, preferred_fraction: 0.5}"),
                          refresh))
            .equity[0] == Approx(240000).margin(kCent));
}

TEST_CASE("an exit so late that 12 T overflows an int is no event, and runs fast", "[golden]") {
  const std::string& offers = kPrivate480k;
  // T = 1e9 years: 12 T > L = 120, so no event (it used to wrap to month 1 and pay).
  const PathValues ipo = one_path(scenario(certain_private("ipo", 1e9, 2.0), offers));
  CHECK(ipo.outcome[0] == Outcome::kNone);
  CHECK(ipo.equity[0] == 0);
  // With dilution rounds the Poisson mean uses T capped at L/12 + 1 = 11 years, not 1e9.
  const std::string rounds = "    dilution: {rounds_per_year: 1, per_round: 0.1}\n";
  CHECK(
      one_path(scenario(certain_private("acquisition", 1e9, 2.0, "", rounds), offers)).equity[0] ==
      0);
  // Heavy-tailed exit times: every output finite (and the run quick).
  for (const std::string exit :
       {"{dist: lognormal, median: 3, sigma: 40}", "{dist: weibull, shape: 0.02, scale: 3}"}) {
    const std::string text = scenario(
        "  priv:\n    kind: private\n    valuation: 1.0e9\n    exit:\n      time_years: " + exit +
            "\n      outcomes: {ipo: 0.5, acquisition: 0.4}\n      ipo: {multiple: 2}\n"
            "      acquisition: {multiple: 1}\n    growth: {drift: 0.1, volatility: 0.5}\n" +
            rounds,
        offers);
    SimOptions opt;
    opt.paths = 20000;
    opt.threads = 1;
    const SimResult r = simulate(compile(load_ok(text), 3), opt);
    int infinite = 0;
    for (std::uint64_t i = 0; i < opt.paths; ++i)
      infinite += !std::isfinite(r.equity[0][i]) || !std::isfinite(r.total_at(0, i));
    CHECK(infinite == 0);
  }
}

TEST_CASE("a public price at month m is the monthly recursion over draws 1..m", "[golden]") {
  // One tranche of 120,000 vesting at month 12 of a stock with mu = 0.1, sigma = 0.3:
  // 120,000 x exp(sum_{k=1..12} [(0.1 - 0.045)/12 + 0.3 z(k)/sqrt(12)]), z(k) the inverse
  // normal of draw k - 1 of stream stock/pub at seed 1, path 0.
  const std::string text = scenario(R"(
  pub: {kind: public, price: 50, drift: 0.1, volatility: 0.3}
)",
                                    R"(
  o:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 120000, vesting: {years: 1, every_months: 12}}
)");
  const auto key = vestsim::engine::make_stream_key(1, "stock/pub");
  double log_s = 0;
  for (std::uint32_t k = 1; k <= 12; ++k)
    log_s += (0.1 - 0.045) / 12 +
             0.3 * vestsim::engine::normal_quantile(vestsim::engine::uniform(key, 0, k - 1)) /
                 std::sqrt(12.0);
  CHECK(one_path(text).equity[0] == Approx(120000 * std::exp(log_s)).epsilon(1e-12));
}

TEST_CASE("G(T) sums the whole months' shocks and a partial last month", "[golden]") {
  // docs/model.md#m2-the-private-company-before-its-event. A certain 1x acquisition at
  // T = 2.55 (E = 31) with growth g = 0.1, v = 0.5: every tranche of 480,000 pays at P_E, so
  // the equity is 480,000 x G(T), G(T) = exp((g - v^2/2) T + v W(T)) and
  // W(T) = sum_{k=1..30} z(k)/sqrt(12) + sqrt(2.55 - 30/12) z(31), z(k) the inverse normal of
  // draw k - 1 of stream growth/priv at seed 1, path 0. (A whole last month, sqrt(1/12) z(31),
  // or a single draw sqrt(T) z(1) would both be off by far more than 1e-12.)
  const std::string text = scenario(
      certain_private("acquisition", 2.55, 1.0, "", "    growth: {drift: 0.1, volatility: 0.5}\n"),
      kPrivate480k);
  const auto key = vestsim::engine::make_stream_key(1, "growth/priv");
  auto z = [&](std::uint32_t k) {
    return vestsim::engine::normal_quantile(vestsim::engine::uniform(key, 0, k - 1));
  };
  double w = 0;
  for (std::uint32_t k = 1; k <= 30; ++k) w += z(k) / std::sqrt(12.0);
  w += std::sqrt(2.55 - 30.0 / 12) * z(31);
  const double g = std::exp((0.1 - 0.125) * 2.55 + 0.5 * w);
  CHECK(one_path(text).equity[0] == Approx(480000 * g).epsilon(1e-12));
}

TEST_CASE("an offer's public payouts do not depend on the months other offers need", "[golden]") {
  // Offer a vests yearly; adding offer b with a quarterly grant and a cliff on the same stock
  // makes the kernel need months 3, 6, 9, ...: a's values stay bitwise the same on every
  // path (docs/model.md#9-randomness-and-reproducibility, common random numbers).
  const std::string pub = R"(
  pub: {kind: public, price: 50, drift: 0.07, volatility: 0.4}
)";
  const std::string a = R"(
  a:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 400000, vesting: {years: 4, every_months: 12}}
)";
  const std::string b = R"(
  b:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 100000, start_month: 2,
         vesting: {years: 3, cliff_months: 6, every_months: 3}}
)";
  SimOptions opt;
  opt.paths = 2000;
  opt.threads = 1;
  const SimResult alone = simulate(compile(load_ok(scenario(pub, a)), 5), opt);
  const SimResult both = simulate(compile(load_ok(scenario(pub, a + b)), 5), opt);
  int differ = 0;
  for (std::uint64_t i = 0; i < opt.paths; ++i) differ += alone.equity[0][i] != both.equity[0][i];
  CHECK(differ == 0);
}

TEST_CASE("departure at a fixed month: employed at months 0 .. m - 1 on every path", "[golden]") {
  // at_month 18, base 120,000 (10,000 a month), a flat public RSU of 480,000 (10,000 a month):
  // months 1..17 are paid, the tranche and salary of month 18 are not: 170,000 each.
  const std::string text = scenario(kFlatPublic, R"(
  o:
    base: 120000
    grants:
      - {company: pub, type: public_rsu, value: 480000, vesting: {years: 4}}
)",
                                    "employee: {departure: {at_month: 18}}\n");
  const Scenario s = load_ok(text);
  CHECK(s.departure_at_month == 18);
  CHECK(compile(s, 1).departure_at_month == 18);
  for (std::uint64_t path : {0, 1, 99}) {
    const PathValues v = simulate_path(compile(s, 1), path);
    CHECK(v.cash[0] == Approx(170000).margin(kCent));
    CHECK(v.equity[0] == Approx(170000).margin(kCent));
  }
  // Exactly one of annual_rate and at_month: {} and both are loading errors.
  for (const std::string departure :
       {"{}", "{annual_rate: 0.1, at_month: 12}", "{at_month: -1}", "{at_month: 1.5}"}) {
    const LoadResult r = load_scenario_text(
        scenario(kFlatPublic, "  o: {base: 1}\n", "employee: {departure: " + departure + "}\n"),
        "test.yaml", {});
    CHECK_FALSE(r.ok());
  }
}

// docs/design.md §3: a grant held whole to its company's event pays the tranches vested by then
// as one. An exercise window that never acts on a path (here it ends past the liquidity horizon:
// tau + window > L) leaves the grant whole, so the offer must pay with the very bits of the same
// grant without a window; otherwise two equal offers differ by rounding and "a beats b" at
// their tie is decided by it. IPOs and acquisitions, with the employee leaving or not, and
// acceleration at the acquisition.
TEST_CASE("an exercise window that never acts pays the bits of a grant without one", "[golden]") {
  const std::string grant =
      "{company: co, type: option, value: 100000, strike: 1, vesting: {years: 4, cliff_months: "
      "12}, acceleration: {trigger: single, fraction: 0.5}";
  const std::string text = R"(name: inert window
currency: USD
horizon_years: 4
liquidity_horizon_years: 10
simulation: {paths: 4000, seed: 1}
employee: {departure: {annual_rate: 0.2}}
companies:
  co:
    kind: private
    valuation: 1.0e9
    exit:
      time_years: {dist: uniform, low: 0, high: 8}
      outcomes: {ipo: 0.5, acquisition: 0.5}
      ipo: {multiple: {dist: lognormal, p10: 1.5, p90: 6}, lockup_months: 6}
      acquisition: {multiple: {dist: lognormal, median: 1.2, sigma: 0.7}}
    post_ipo: {drift: 0.07, volatility: 0.5}
offers:
  plain:
    base: 100000
    grants:
      - )" + grant + R"(}
  window:
    base: 100000
    grants:
      - )" + grant + R"(, exercise_window_months: 1200}
)";
  SimOptions opt;
  opt.paths = 4000;
  opt.threads = 1;
  const SimResult r = simulate(compile(load_ok(text), 1), opt);
  int paid = 0, different = 0;
  for (std::uint64_t i = 0; i < opt.paths; ++i) {
    paid += r.equity[0][i] > 0;
    different += std::memcmp(&r.equity[0][i], &r.equity[1][i], sizeof(double)) != 0;
  }
  CHECK(paid > 1000);  // the grant pays on many paths: the test compares something
  CHECK(different == 0);
}
