// The basis of the studies (docs/tax.md#t6-outputs): break-even, sweep and sensitivity on
// totals after tax. Under a regime that taxes nothing they give the pre-tax answers
// exactly; under one flat 30% income tax the break-even is a division worked by hand.
#include <string>

#include <catch2/catch.hpp>

#include "models/compiled.hpp"
#include "models/studies/basis.hpp"
#include "models/studies/breakeven.hpp"
#include "models/studies/run.hpp"
#include "models/studies/sensitivity.hpp"
#include "models/studies/sweep.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

// A regime of one flat 30% income tax on every category and nothing else, as a file (a
// scenario names a regime file by path); its tax is 0.3 x the year's nominal income. The name
// is this process's own: ctest runs test cases side by side, and one rewriting the file while
// another reads it left the reader an empty regime.
// A regime file of a flat 30% tax, in a folder removed when the test ends.
std::string flat30_file(const vestsim::test::TempDir& dir) {
  return dir.write("flat30.yaml",
                   "name: flat30\nyear: 2026\ncurrency: EUR\n"
                   "income_taxes:\n  - name: flat\n    brackets: [[0, 0.3]]\n");
}

// The shared certain-IPO pair (tests/test_support.hpp), A under `regime_a`.
std::string certain_ipo(const std::string& regime_a) {
  return vestsim::test::certain_ipo_scenario(regime_a);
}

BreakevenStudy solve(const Scenario& s, Basis basis, Solve what = Solve::kEquity) {
  const RunStudy run = run_study(s, compile(s, s.seed), {.salary_column = what == Solve::kBase});
  BreakevenRequest req{0, 1, what, {Metric::kMean, Metric::kP50, Metric::kWin}};
  req.basis = basis;
  return study_breakeven(s, run.result, req);
}

}  // namespace

TEST_CASE("basis: the default is after tax exactly when an offer has a regime", "[basis]") {
  CHECK(default_basis(load_ok(certain_ipo("none"))) == Basis::kAfterTax);
  const std::string plain = vestsim::test::certain_ipo_scenario();  // no regime
  CHECK(default_basis(load_ok(plain)) == Basis::kPreTax);
  // --basis when given, but never after tax without a regime (every report then says pre-tax).
  CHECK(default_basis(load_ok(certain_ipo("none")), Basis::kPreTax) == Basis::kPreTax);
  CHECK(default_basis(load_ok(certain_ipo("none")), Basis::kAfterTax) == Basis::kAfterTax);
  CHECK(default_basis(load_ok(plain), Basis::kAfterTax) == Basis::kPreTax);
  CHECK(regime_labels(load_ok(certain_ipo("none"))) == std::vector<std::string>{"none (2026)"});
  TaxRegime no_year;  // a file without `year`: named alone, never "flat (0)"
  no_year.name = "flat";
  CHECK(regime_label(no_year) == "flat");
  no_year.year = 1999;
  CHECK(regime_label(no_year) == "flat (1999)");
  CHECK(std::string(basis_name(Basis::kAfterTax)) == "after-tax");
  // Moving FX is converted per month (docs/tax.md T2): no departure left to label.
  const std::string moving = "fx: {USD: {rate: 0.9, volatility: 0.2}}\n" + certain_ipo("none");
  CHECK(regime_labels(load_ok(moving)) == std::vector<std::string>{"none (2026)"});
}

TEST_CASE("break-even under regime none: after tax equals pre-tax", "[basis][breakeven]") {
  const Scenario s = load_ok(certain_ipo("none"));
  const BreakevenStudy pre = solve(s, Basis::kPreTax), after = solve(s, Basis::kAfterTax);
  CHECK(after.basis == Basis::kAfterTax);
  CHECK(after.regimes == std::vector<std::string>{"none (2026)"});
  REQUIRE(after.results.size() == pre.results.size());
  for (std::size_t m = 0; m < pre.results.size(); ++m) {
    INFO(metric_name(pre.results[m].first));
    REQUIRE(after.results[m].second.found);
    CHECK(after.results[m].second.k == pre.results[m].second.k);  // the same model, bitwise
  }
}

TEST_CASE("break-even under a flat 30% tax on A: a division, and above the pre-tax ask",
          "[basis][breakeven]") {
  const vestsim::test::TempDir dir("basis-flat30");
  const Scenario s = load_ok(certain_ipo(flat30_file(dir)));
  // Pre-tax: 200,000 + 2V = 1,000,000 -> V = 400,000.
  // After tax: 0.7 (200,000 + 2V) = 1,000,000 -> 2V = 1,428,571.43 - 200,000 -> V = 614,285.71.
  const BreakevenStudy pre = solve(s, Basis::kPreTax), after = solve(s, Basis::kAfterTax);
  for (std::size_t m = 0; m < pre.results.size(); ++m) {
    INFO(metric_name(pre.results[m].first));
    REQUIRE(pre.results[m].second.found);
    REQUIRE(after.results[m].second.found);
    // Right to the cent (kBreakevenTolerance), after tax as before.
    CHECK(std::fabs(pre.results[m].second.k * 100000 - 400000) < 0.005);
    CHECK(std::fabs(after.results[m].second.k * 100000 - (1e6 / 0.7 - 200000) / 2) < 0.005);
    CHECK(after.results[m].second.k > pre.results[m].second.k);  // tax makes the ask larger
  }
}

TEST_CASE("break-even base after a flat 30% tax is a division too", "[basis][breakeven]") {
  // A: base x, a 10% bonus and 100,000 of flat public RSUs, taxed 30%; B: base 150,000,
  // untaxed. 0.7 (4 x 1.1 x + 100,000) = 600,000 -> x = (857,142.857 - 100,000) / 4.4
  // = 172,077.92 (pre-tax: 500,000 / 4.4 = 113,636.36).
  const vestsim::test::TempDir dir("basis-flat30");
  const Scenario s = load_ok(R"(currency: EUR
simulation: {paths: 500}
companies:
  pub: {kind: public, price: 10, drift: 0, volatility: 0}
offers:
  a:
    base: 100000
    bonus: {target: 0.1}
    tax: {regime: )" + flat30_file(dir) +
                             R"(}
    grants:
      - {company: pub, type: public_rsu, value: 100000, vesting: {years: 4}}
  b:
    base: 150000
)");
  const BreakevenStudy after = solve(s, Basis::kAfterTax, Solve::kBase);
  const BreakevenStudy pre = solve(s, Basis::kPreTax, Solve::kBase);
  REQUIRE(after.results[0].second.found);
  CHECK(std::fabs(pre.results[0].second.k * 100000 - 500000 / 4.4) < 0.005);
  CHECK(std::fabs(after.results[0].second.k * 100000 - (600000 / 0.7 - 100000) / 4.4) < 0.005);
}

TEST_CASE("sweep and sensitivity on the after-tax basis", "[basis]") {
  // a: base x over 4 years taxed 30% -> after tax 2.8 x; b: base 150,000 untaxed -> 600,000.
  const vestsim::test::TempDir dir("basis-flat30");
  const std::string text = R"(currency: EUR
simulation: {paths: 300}
companies:
  pub: {kind: public, price: 10, drift: 0, volatility: 0}
offers:
  a:
    base: 100000
    tax: {regime: )" + flat30_file(dir) +
                           R"(}
  b:
    base: 150000
)";
  const std::vector<SweepAxis> axes{{"offers.a.base", {150000, 250000}}};
  std::vector<Scenario> scenarios;
  for (const auto& point : sweep_points(axes))
    scenarios.push_back(load_ok(text, {{"offers.a.base", std::to_string(point[0])}}));
  const SweepResult pre = run_sweep(scenarios, axes, {0, 1}, Basis::kPreTax);
  const SweepResult after = run_sweep(scenarios, axes, {0, 1}, Basis::kAfterTax);
  CHECK(after.basis == Basis::kAfterTax);
  // 150,000: pre-tax a tie (600,000 each, ties lose); after tax 420,000 < 600,000.
  // 250,000: pre-tax 1,000,000 wins; after tax 700,000 still wins.
  CHECK(pre.points[0].p50_a == Approx(600000));
  CHECK(after.points[0].p50_a == Approx(0.7 * 600000));
  CHECK(after.points[0].p50_b == Approx(600000));
  CHECK(after.points[0].p50_diff == Approx(0.7 * 600000 - 600000));
  CHECK(after.points[1].p_a_beats_b == 1);
  CHECK(after.points[1].p50_a == Approx(0.7 * 1000000));
  const TornadoResult t =
      run_sensitivity(scenarios[1], {0, 1}, 300, 1, 0.1, 0.9, nullptr, Basis::kAfterTax);
  CHECK(t.basis == Basis::kAfterTax);
  CHECK(t.median_base == Approx(0.7 * 1000000 - 600000));
}
