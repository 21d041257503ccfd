// Break-even asks: a closed-form case, monotonicity, and agreement with a re-run.
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/studies/breakeven.hpp"
#include "models/studies/run.hpp"
#include "models/summary.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;

namespace {

// A: base 50,000 + a grant of 100,000 at a certain 2x IPO; B: base 250,000 (no regime).
const std::string kCertainIpo = vestsim::test::certain_ipo_scenario();

struct Solved {
  Scenario s;
  SimResult r;
  std::vector<double> fixed;
};

Solved simulate_text(const std::string& text, const std::vector<Override>& overrides = {}) {
  const LoadResult l = load_scenario_text(text, "be.yaml", overrides);
  REQUIRE(l.ok());
  Solved out{*l.scenario, {}, {}};
  SimOptions o;
  o.paths = out.s.paths;
  out.r = simulate(compile(out.s, out.s.seed), o);
  out.fixed.resize(out.r.paths);
  for (std::size_t i = 0; i < out.r.paths; ++i) out.fixed[i] = out.r.cash[0][i];
  return out;
}

}  // namespace

TEST_CASE("break-even of a certain IPO is a division", "[breakeven]") {
  // A: base 50,000 (200,000 over 4 years) + a grant of V at a certain 2x IPO: total 200,000 + 2V.
  // B: base 250,000: 1,000,000. Equal when 2V = 800,000: V = 400,000, on every metric.
  const Solved s = simulate_text(kCertainIpo);
  const std::vector<double> total_a = s.r.total_column(0), total_b = s.r.total_column(1);
  const BreakevenInput in{s.fixed, s.r.equity[0], total_b, 2, 100000, 100000};
  for (Metric m : {Metric::kP50, Metric::kMean, Metric::kCe, Metric::kWin}) {
    INFO(metric_name(m));
    const BreakevenResult r = solve_breakeven(in, m);
    REQUIRE(r.found);
    // Right to the cent (kBreakevenTolerance, a quarter of a cent, on the grant value). Ties
    // lose, so "win" lands just above 400,000.
    CHECK(std::fabs(r.k * 100000 - 400000) < 0.005);
    CHECK(r.ci_lo * 100000 == Approx(r.k * 100000).margin(0.005));  // no randomness: no spread
  }
  // B's own grant can never be matched by an offer with no equity at all.
  const std::vector<double> zeros(2000, 0.0);
  const BreakevenInput none{total_b, zeros, total_a, 2, 1e5, 1};
  CHECK(solve_breakeven(none, Metric::kP50).found);  // B already beats A at k = 0: answer 0
  const BreakevenInput never{s.fixed, zeros, total_b, 2, 1e5, 1};
  const BreakevenResult nr = solve_breakeven(never, Metric::kMean);
  CHECK_FALSE(nr.found);
  CHECK_FALSE(nr.reason.empty());
}

TEST_CASE("a certainty equivalent at its floor has no break-even, and says why", "[breakeven]") {
  // gamma 2, wealth 100: B loses 150 on its second path, so wealth + total <= 0 and its CE is
  // -100 (docs/model.md#8-summaries-over-paths). Every A matches that, even with nothing.
  const std::vector<double> fixed{10, 10}, scaled{1, 1}, b{500, -150};
  const BreakevenInput floored_b{fixed, scaled, b, 2, 100, 1};
  const BreakevenResult r = solve_breakeven(floored_b, Metric::kCe, 0);
  CHECK_FALSE(r.found);
  CHECK(r.every_value);
  CHECK(r.reason.find("floor") != std::string::npos);
  // The same B on the median: 175, matched at k = 165 (A = 10 + k on both paths).
  const BreakevenResult p50 = solve_breakeven(floored_b, Metric::kP50, 0);
  REQUIRE(p50.found);
  CHECK(p50.k == Approx(165).margin(0.5));
  // A floored whatever its grant (the grant pays nothing on the path where A loses 200): no k is
  // enough, and the reason says A's CE is stuck at its floor.
  const std::vector<double> fixed_a{10, -200}, scaled_a{1, 0}, good_b{500, 500};
  const BreakevenResult a = solve_breakeven({fixed_a, scaled_a, good_b, 2, 100, 1}, Metric::kCe, 0);
  CHECK_FALSE(a.found);
  CHECK_FALSE(a.every_value);
  CHECK(a.reason.find("stays at its floor") != std::string::npos);
  // gamma < 1 has no floor: B's ruined path counts as wealth 0, and a break-even exists.
  CHECK(solve_breakeven({fixed, scaled, b, 0.5, 100, 1}, Metric::kCe, 0).found);
}

TEST_CASE("more equity never lowers P(A beats B)", "[breakeven]") {
  const Solved s =
      simulate_text(std::string(default_scenario_text()), {{"simulation.paths", "20000"}});
  const std::vector<double> google = s.r.total_column(2);
  const BreakevenInput in{s.fixed, s.r.equity[0], google, 2, 100000, 300000};
  double last = -1;
  for (double k = 0; k <= 6; k += 0.25) {
    const double g = breakeven_gap(in, Metric::kWin, k);
    CHECK(g >= last);
    last = g;
  }
  CHECK(last > 0);  // enough equity does win more often than not
}

TEST_CASE("the solved grant, re-run, matches the other offer within the metric's standard error",
          "[breakeven]") {
  const std::string text(default_scenario_text());
  const Solved s = simulate_text(text, {{"simulation.paths", "40000"}});
  const std::vector<double> google = s.r.total_column(2);
  const BreakevenInput in{s.fixed, s.r.equity[0], google, 2, 100000, 300000};
  for (Metric m : {Metric::kP50, Metric::kMean}) {
    INFO(metric_name(m));
    const BreakevenResult r = solve_breakeven(in, m);
    REQUIRE(r.found);
    CHECK(r.ci_lo <= r.k);
    CHECK(r.ci_hi >= r.k);
    // Re-run with both of hf_ask's grants scaled by k.
    const std::vector<Override> scaled = {
        {"simulation.paths", "40000"},
        {"offers.hf_ask.grants[0].value", fmt::format("{:.17g}", 300000 * r.k)},
        {"offers.hf_ask.grants[1].value", fmt::format("{:.17g}", 150000 * r.k)}};
    const LoadResult l = load_scenario_text(text, "be.yaml", scaled);
    REQUIRE(l.ok());
    const CompiledScenario c = compile(*l.scenario, 1);
    SimOptions o;
    o.paths = 40000;
    const SimResult rr = simulate(c, o);
    const RunSummary sum = summarize_run(*l.scenario, c, rr, 0, 1);
    const auto& a = sum.offers[0].total;
    const auto& b = sum.offers[2].total;
    if (m == Metric::kMean) {
      CHECK(std::fabs(a.mean - b.mean) <= a.std_error);
    } else {
      // The median's standard error, from its 95% order-statistic interval (width / 3.92).
      const double se = (b.ci95[3].second - b.ci95[3].first) / 3.92;
      CHECK(std::fabs(a.percentiles[3] - b.percentiles[3]) <= se);
    }
  }
}

TEST_CASE("break-even base salary is a division too", "[breakeven]") {
  // A: base 100,000 + a 10% bonus + 100,000 of flat public RSUs; B: base 150,000, nothing else.
  // A's total over 4 years is 4 x 1.1 x base + 100,000; B's is 600,000.
  // Equal at base = 500,000 / 4.4 = 113,636.36.
  const std::string text = R"(currency: EUR
simulation: {paths: 1000}
companies:
  pub: {kind: public, price: 10, drift: 0, volatility: 0}
offers:
  a:
    base: 100000
    bonus: {target: 0.1}
    grants:
      - {company: pub, type: public_rsu, value: 100000, vesting: {years: 4}}
  b:
    base: 150000
)";
  const LoadResult l = load_scenario_text(text, "base.yaml");
  REQUIRE(l.ok());
  SimOptions o;
  o.paths = 1000;
  o.salary_column = true;
  const SimResult r = simulate(compile(*l.scenario, 1), o);
  std::vector<double> fixed(1000);
  for (std::size_t i = 0; i < 1000; ++i) fixed[i] = r.total_at(0, i) - r.salary_bonus[0][i];
  const std::vector<double> total_b = r.total_column(1);
  const BreakevenInput in{fixed, r.salary_bonus[0], total_b, 2, 100000, 100000};
  for (Metric m : {Metric::kP50, Metric::kMean, Metric::kCe}) {
    const BreakevenResult res = solve_breakeven(in, m);
    REQUIRE(res.found);
    CHECK(std::fabs(res.k * 100000 - 500000 / 4.4) < 0.005);  // 113,636.36...: to the cent
  }
}

TEST_CASE("the break-even study solves every metric on one run's columns", "[breakeven]") {
  const LoadResult l = load_scenario_text(kCertainIpo, "be.yaml");
  REQUIRE(l.ok());
  const Scenario& s = *l.scenario;
  const RunStudy run = run_study(s, compile(s, s.seed));
  const BreakevenStudy be =
      study_breakeven(s, run.result, {0, 1, Solve::kEquity, {Metric::kWin, Metric::kMean}});
  CHECK(be.offer == "a");
  CHECK(be.against == "b");
  CHECK(be.current == 100000);
  CHECK(be.grants == 1);
  REQUIRE(be.results.size() == 2);
  CHECK(be.results[0].first == Metric::kWin);
  for (const auto& [metric, r] : be.results) {
    INFO(metric_name(metric));
    REQUIRE(r.found);
    CHECK(std::fabs(r.k * be.current - 400000) < 0.005);
  }
}

TEST_CASE("with --scale first, the solved value set on grants[0] alone reproduces the match",
          "[breakeven]") {
  // hf_ask has two grants (300,000 and 150,000); only the first is scaled.
  const std::string text(default_scenario_text());
  const LoadResult l = load_scenario_text(text, "be.yaml", {{"simulation.paths", "40000"}});
  REQUIRE(l.ok());
  const Scenario& s = *l.scenario;
  const BreakevenRequest req{0, 2, Solve::kEquity, {Metric::kP50, Metric::kMean}, Scale::kFirst};
  REQUIRE(needs_first_grant_run(s, req));
  const CompiledScenario cs = compile(s, s.seed);
  const RunStudy run = run_study(s, cs);
  const SimResult first = simulate(first_grant_only(cs, 0), sim_options(s));
  // The first grant's column is a part of the offer's equity, path by path.
  for (std::size_t i = 0; i < run.result.paths; i += 997)
    CHECK(first.equity[0][i] <= run.result.equity[0][i] + 1e-6);
  const BreakevenStudy be = study_breakeven(s, run.result, req, first.equity[0]);
  CHECK(be.scale == Scale::kFirst);
  for (const auto& [metric, r] : be.results) {
    INFO(metric_name(metric));
    REQUIRE(r.found);
    // Only grants[0] set to the solved value; grants[1] stays 150,000.
    const LoadResult l2 = load_scenario_text(
        text, "be.yaml",
        {{"simulation.paths", "40000"},
         {"offers.hf_ask.grants[0].value", fmt::format("{:.17g}", r.k * 300000)}});
    REQUIRE(l2.ok());
    const CompiledScenario c2 = compile(*l2.scenario, l2.scenario->seed);
    const RunStudy rerun = run_study(*l2.scenario, c2);
    const auto& a = rerun.summary.offers[0].total;
    const auto& b = rerun.summary.offers[2].total;
    if (metric == Metric::kMean) {
      CHECK(std::fabs(a.mean - b.mean) <= a.std_error);
    } else {
      const double se = (b.ci95[3].second - b.ci95[3].first) / 3.92;
      CHECK(std::fabs(a.percentiles[3] - b.percentiles[3]) <= se);
    }
  }
}
