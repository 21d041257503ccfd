// What correlation and tenders change (docs/model.md#m7-what-correlation-and-tenders-change):
// the counterfactual runs are clean (bitwise where they must be) and move P(a beats b) and the
// equity by what an independent calculation says, within 4 standard errors.
#include <cmath>
#include <numbers>
#include <string>

#include <catch2/catch.hpp>

#include "models/compiled.hpp"
#include "models/simulate.hpp"
#include "models/studies/effects.hpp"
#include "models/studies/run.hpp"
#include "models/studies/sensitivity.hpp"
#include "tests/test_support.hpp"

using namespace vestsim;
using namespace vestsim::models;
using vestsim::test::edited;
using vestsim::test::load_ok;

namespace {

// Two public stocks with the same law; each offer holds 100,000 of one of them, sold at month
// 12 in one tranche, and ob has a 5,000 signing bonus. No discounting, no departure. So
// a beats b iff e^{X_a} > e^{X_b} + 0.05, X = -s^2/2 + s W(1) with (W_a(1), W_b(1)) standard
// bivariate normal of correlation RHO (the 12 monthly shock pairs each have correlation RHO).
const std::string kTwoStocks = R"(currency: EUR
horizon_years: 1
liquidity_horizon_years: 1
simulation: {paths: 20000, seed: 5}
companies:
  a: {kind: public, price: 10, drift: 0, volatility: 0.3}
  b: {kind: public, price: 10, drift: 0, volatility: 0.3}
offers:
  oa:
    base: 0
    grants:
      - {company: a, type: public_rsu, value: 100000, vesting: {years: 1, cliff_months: 12}}
  ob:
    base: 0
    signing_bonus: {amount: 5000}
    grants:
      - {company: b, type: public_rsu, value: 100000, vesting: {years: 1, cliff_months: 12}}
compare:
  - {a: oa, b: ob}
correlations:
  - {between: [a, b], rho: RHO}
)";

Scenario two_stocks(const std::string& rho) {
  return load_ok(edited(kTwoStocks, "RHO", rho));
}

// P(e^{X_a} > e^{X_b} + c) by the trapezoid rule over W_b = x: W_a | x ~ N(rho x, 1 - rho^2).
double p_a_beats_b(double rho, double sigma = 0.3, double c = 0.05) {
  const double lo = -9, hi = 9;
  const int steps = 6000;
  const double h = (hi - lo) / steps;
  double sum = 0;
  for (int i = 0; i <= steps; ++i) {
    const double x = lo + h * i;
    const double xb = -sigma * sigma / 2 + sigma * x;
    const double t = (std::log(std::exp(xb) + c) + sigma * sigma / 2) / sigma;
    const double tail = 0.5 * std::erfc((t - rho * x) / std::sqrt(1 - rho * rho) / std::sqrt(2.0));
    const double phi = std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi);
    sum += (i == 0 || i == steps ? 0.5 : 1.0) * phi * tail;
  }
  return sum * h;
}

void require_same_columns(const SimResult& x, const SimResult& y) {
  REQUIRE(x.paths == y.paths);
  CHECK(vestsim::test::total_columns(x) == vestsim::test::total_columns(y));
  CHECK(x.cash == y.cash);
  CHECK(x.equity == y.equity);
  CHECK(vestsim::test::diff_columns(x) == vestsim::test::diff_columns(y));
}

SimOptions paths(std::uint64_t n) {
  SimOptions o;
  o.paths = n;
  o.threads = 2;
  return o;
}

}  // namespace

TEST_CASE("independent markets replace only the factor: bitwise the scenario at rho 0",
          "[effects]") {
  // At rho 0 the factor already is the identity: the counterfactual is the run itself.
  const CompiledScenario zero = compile(two_stocks("0"), 5);
  require_same_columns(simulate(zero, paths(3000)),
                       simulate(independent_markets(zero), paths(3000)));
  // At rho 0.9 it is exactly the scenario with the same pair at rho 0: same drivers, same draws.
  const CompiledScenario high = compile(two_stocks("0.9"), 5);
  require_same_columns(simulate(zero, paths(3000)),
                       simulate(independent_markets(high), paths(3000)));
  // The change is real: the run as given differs.
  CHECK(vestsim::test::diff_columns(simulate(high, paths(3000))) !=
        vestsim::test::diff_columns(simulate(zero, paths(3000))));
}

TEST_CASE("rho 0.9 against independent markets moves P(a beats b) as the integral says",
          "[effects]") {
  const Scenario s = two_stocks("0.9");
  const CompiledScenario cs = compile(s, s.seed);
  RunStudy run = run_study(s, cs);
  add_market_effects(s, run.result, run.summary);
  const Counterfactual& x = run.summary.comparisons.at(0).independent;
  REQUIRE(x.paths == 20000);
  // The figure as given is the headline (the stored columns are reused), bitwise.
  CHECK(x.p_given == run.summary.comparisons[0].p_a_beats_b);
  CHECK(x.p_given_after_tax == x.p_given);  // no regime: after tax = before
  const double want_given = p_a_beats_b(0.9), want_indep = p_a_beats_b(0.0);
  // A hand check of the integrals: ~0.34 and ~0.45 (rho 1 would give 0: a never beats b).
  // At rho 0, e^{X_a} - e^{X_b} has sd ~0.3 sqrt(2) = 0.42: P ~ 1/2 - 0.05 / 0.42 x 0.4 ~ 0.45.
  CHECK(want_given == Approx(0.343).margin(0.005));
  CHECK(want_indep == Approx(0.450).margin(0.005));
  const auto binomial_se = [&](double p) { return std::sqrt(p * (1 - p) / 20000.0); };
  CHECK(std::abs(x.p_given - want_given) < 4 * binomial_se(want_given));
  CHECK(std::abs(x.p - want_indep) < 4 * binomial_se(want_indep));
  // Independence helps a here: the paired change is ~0.09 and its SE far below the figures'.
  REQUIRE(x.se > 0);
  CHECK(x.se < binomial_se(0.5));
  CHECK(x.p > x.p_given);
  CHECK(std::abs((x.p - x.p_given) - (want_indep - want_given)) < 4 * x.se);
}

TEST_CASE("without tenders: a certain tender's cash is the whole effect on a failed company",
          "[effects]") {
  // A failure at month 60: only a tender pays. Window at 24 sells a quarter of the 24,000
  // vested (P(24) = valuation, price 1): 6,000 at month 24, discounted at 10%.
  const std::string text = R"(currency: EUR
discount_rate: 0.1
simulation: {paths: 4000, seed: 3}
companies:
  p:
    kind: private
    valuation: 1000000
    exit: {time_years: 5, outcomes: {failure: 1}}
    tenders: {first_month: 24, every_months: 1000, probability: PROB, price: 1, sell_fraction: 0.25}
offers:
  o:
    base: 0
    grants:
      - {company: p, type: private_rsu, value: 48000, vesting: {years: 4}}
)";
  const double cash = 6000 * std::pow(1.1, -2.0);
  for (const char* prob : {"1", "0.5"}) {
    const Scenario s = load_ok(edited(text, "PROB", prob));
    REQUIRE(has_market_effects(s));
    const CompiledScenario cs = compile(s, s.seed);
    RunStudy run = run_study(s, cs);
    add_market_effects(s, run.result, run.summary);
    const TenderEffect& t = run.summary.offers.at(0).tenders;
    REQUIRE(t.paths == 4000);
    CHECK(t.companies == std::vector<std::string>{"p"});
    CHECK(t.equity_mean_without == 0);
    if (std::string(prob) == "1") {
      CHECK(t.p_sale == 1);
      CHECK(t.equity_mean == Approx(cash).margin(0.005));
      CHECK(t.effect_se == Approx(0).margin(1e-9));
    } else {  // each path sells with probability 1/2
      const double se = std::sqrt(0.25 / 4000);
      CHECK(std::abs(t.p_sale - 0.5) < 4 * se);
      CHECK(t.equity_mean == Approx(cash * t.p_sale).margin(1e-6));
      CHECK(std::abs(t.equity_mean - cash / 2) < 4 * t.effect_se);
    }
  }
}

TEST_CASE("a scenario without correlations or tenders gets no counterfactual", "[effects]") {
  Scenario s = two_stocks("0.5");
  s.correlations.clear();
  CHECK_FALSE(has_market_effects(s));
  const CompiledScenario cs = compile(s, s.seed);
  RunStudy run = run_study(s, cs);
  add_market_effects(s, run.result, run.summary);
  CHECK(run.summary.comparisons.at(0).independent.paths == 0);
  CHECK(run.summary.comparisons.at(0).no_tenders.paths == 0);
}

TEST_CASE("the tornado's correlation bar has no rank correlation and the stocks' bars have one",
          "[effects][sensitivity]") {
  const Scenario s = two_stocks("0.5");
  const TornadoResult t = run_sensitivity(s, s.compare.at(0), 2000, 2);
  bool saw_correlation = false;
  for (const TornadoBar& b : t.bars) {
    INFO(b.input);
    const bool is_correlation =
        b.input.find("correlation") != std::string::npos || b.input.find("~") != std::string::npos;
    saw_correlation = saw_correlation || is_correlation;
    CHECK(b.has_spearman == !is_correlation);
    if (!b.has_spearman) CHECK(b.spearman == 0);
  }
  CHECK(saw_correlation);
}
