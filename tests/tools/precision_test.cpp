// Runs that stop at a precision (docs/design.md#19-runs-that-stop-at-a-precision).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "models/studies/precision.hpp"
#include "tests/test_support.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/breakeven.hpp"
#include "tools/report/common.hpp"
#include "tools/report/run.hpp"

using namespace vestsim;
using namespace vestsim::models;

namespace {
// The built-in scenario with its first comparison only.
Scenario one_comparison(std::uint64_t paths, std::uint64_t seed) {
  Scenario s = test::load_ok(std::string(default_scenario_text()));
  s.compare.resize(1);
  s.paths = paths;
  s.seed = seed;
  return s;
}
}  // namespace

TEST_CASE("precision targets parse and refuse", "[precision]") {
  std::string error;
  const auto t = parse_precision("p_win=0.002,p50_diff=1000", error);
  REQUIRE(t);
  REQUIRE(t->size() == 2);
  CHECK((*t)[0].name == "p_win");
  CHECK((*t)[0].half_width == 0.002);
  CHECK((*t)[1].name == "p50_diff");
  CHECK((*t)[1].half_width == 1000);
  CHECK_FALSE(parse_precision("p_lose=0.1", error));
  CHECK(error.find("the quantities are p_win, mean_diff") != std::string::npos);
  CHECK_FALSE(parse_precision("p_win=0", error));
  CHECK_FALSE(parse_precision("p_win=0.1,p_win=0.2", error));
  CHECK_FALSE(parse_precision("p_win", error));
  // Decimal numbers only (strtod alone takes hex), and a probability's half-width is at most 0.5.
  CHECK_FALSE(parse_precision("mean_diff=0x1p10", error));
  CHECK(error.find("decimal half-width") != std::string::npos);
  CHECK_FALSE(parse_precision("mean_diff=inf", error));
  CHECK_FALSE(parse_precision("mean_diff=1e-320", error));                 // subnormal: prints as 0
  CHECK(error.find("below 2.2e-308 cannot be met") != std::string::npos);  // > 0, but too small
  CHECK_FALSE(parse_precision("mean_diff=1e-400", error));  // strtod's 0, but not zero
  CHECK(error.find("below 2.2e-308 cannot be met") != std::string::npos);
  CHECK_FALSE(parse_precision("mean_diff=-1e-400", error));  // negative: the plain message
  CHECK(error.find("decimal half-width > 0") != std::string::npos);
  CHECK(parse_precision("mean_diff=1e-300", error));
  CHECK_FALSE(parse_precision("", error));
  CHECK(parse_precision("p_win=0.5", error));
  CHECK_FALSE(parse_precision("p_win=0.51", error));
  CHECK(error.find("at most 0.5") != std::string::npos);
  CHECK(parse_precision("mean_diff=1e3", error));
}

TEST_CASE("next batch: whole blocks, by the 1/sqrt(n) law, capped", "[precision]") {
  const std::vector<PrecisionTarget> t = {{"p_win", 0.01}};
  // Half-width 0.02 at 16384 paths: 4 x 16384 x 1.1 = 72089.6 -> 5 blocks of 16384 = 81920.
  CHECK(next_paths(16384, t, {0.02}, 1000000) == 81920);
  CHECK(next_paths(16384, t, {0.02}, 50000) == 50000);
  // Already met but asked for more: one block more.
  CHECK(next_paths(16384, t, {0.001}, 1000000) == 32768);
  // Undefined (an infinite or NaN half-width): twice the paths, in whole blocks, not max_paths
  // at once: 1 path -> 1 block; 65536 -> 131072.
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(next_paths(1, t, {inf}, 10000000) == 16384);
  CHECK(next_paths(1, t, {std::nan("")}, 10000000) == 16384);
  CHECK(next_paths(65536, t, {inf}, 10000000) == 131072);
  const std::vector<PrecisionTarget> two = {{"p_win", 0.01}, {"mean_diff", 100}};
  CHECK(next_paths(16384, two, {inf, 200}, 10000000) == 81920);  // the finite one decides
}

TEST_CASE("a run that stops at N reports what --paths N does", "[precision]") {
  const Scenario s = one_comparison(4096, 9);
  const RunStudy r = tools::run_to_precision(s, {{"p_win", 0.01}}, "--precision", 1000000, {}, true,
                                             0, std::string());
  REQUIRE(r.summary.precision.size() == 1);
  CHECK(r.summary.precision_met);
  CHECK(r.summary.precision[0].half_width <= 0.01);
  CHECK(r.summary.paths % 16384 == 0);
  Scenario fixed = s;
  fixed.paths = r.summary.paths;
  const RunStudy again = run_study(fixed, compile(fixed, fixed.seed));
  CHECK(again.summary.comparisons[0].p_a_beats_b == r.summary.comparisons[0].p_a_beats_b);
  CHECK(again.summary.comparisons[0].diff.percentiles == r.summary.comparisons[0].diff.percentiles);
  CHECK(again.summary.offers[0].total.sd == r.summary.offers[0].total.sd);
}

TEST_CASE("reported half-widths cover the truth about 95% of the time", "[precision]") {
  // The truth: 400,000 paths. Its own error (sd 0.0008) is a fifth of a run's
  // (about 0.004 at p_win +- 0.01), which lowers the expected coverage of
  // |run - truth| <= half-width from 95% to about 94.6%. 50 runs at other
  // seeds: covered ~ Binomial(50, 0.946); P(covered <= 43) is under 3%, so
  // 44 or more passes a correct method (the seeds are fixed: the test is
  // deterministic).
  const Scenario big = one_comparison(400000, 1);
  const double truth = run_study(big, compile(big, big.seed)).summary.comparisons[0].p_a_beats_b;
  int covered = 0;
  for (std::uint64_t seed = 100; seed < 150; ++seed) {
    const Scenario s = one_comparison(4096, seed);
    const RunStudy r = tools::run_to_precision(s, {{"p_win", 0.01}}, "--precision", 1000000, {},
                                               true, 0, std::string());
    covered += std::fabs(r.summary.comparisons[0].p_a_beats_b - truth) <=
               r.summary.precision[0].half_width;
  }
  CHECK(covered >= 44);
}

TEST_CASE("half-widths of two columns compared path by path", "[precision]") {
  const std::vector<double> a = {1, 2, 3, 4}, b = {0, 0, 0, 0};
  const double z = 1.959963984540054;
  // P(a > b) = 1 over n = 4: Wilson z / (1 + z²/4) · sqrt(z²/64) = (z²/8) / (1 + z²/4).
  CHECK(pair_half_width(a, b, "p_win") == Approx(z * z / 8 / (1 + z * z / 4)));
  // a - b = 1..4: sd sqrt(5/3), standard error sd / 2.
  CHECK(pair_half_width(a, b, "mean_diff") == Approx(z * std::sqrt(5.0 / 3) / 2));
  // B is constant: the larger standard error is A's.
  CHECK(pair_half_width(a, b, "mean_total") == Approx(z * std::sqrt(5.0 / 3) / 2));
  CHECK(pair_quantity(a, b, "p_win") == 1);
  CHECK(pair_quantity(a, b, "mean_diff") == 2.5);
  // p strictly inside (0, 1), where p(1-p)/n counts. 50 wins in 100 (a = 1..100 against 50.5):
  //   z / (1 + z²/100) · sqrt(0.25/100 + z²/40,000) = 1.959964 / 1.0384146 · sqrt(0.0025960365)
  //   = 1.959964 / 1.0384146 · 0.0509513 = 0.0961685.
  // 40 wins in 400 (a = 1..400 against 360.5): 1.959964 / 1.0096036 · sqrt(0.000225 +
  //   0.0000060023) = 1.959964 / 1.0096036 · 0.0151988 = 0.0295057.
  for (const auto& [n, cut, want] : {std::tuple{100, 50.5, 0.0961685}, {400, 360.5, 0.0295057}}) {
    std::vector<double> x(static_cast<std::size_t>(n)), y(x.size(), cut);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i + 1);
    CHECK(pair_half_width(x, y, "p_win") == Approx(want).margin(1e-7));
  }
  CHECK(pair_quantity(a, b, "p50_total") == 2.5);
}

TEST_CASE("a break-even's error on the value: the half-width over the slope", "[precision]") {
  // A = k·x against a constant B = 10: the mean of A is k·mean(x), linear in k, so
  // mean_total's half-width z·k·se(x) implies z·k·se(x) / mean(x) · unit on the value.
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8}, zero(8, 0.0), b(8, 10.0);
  const BreakevenInput in{zero, x, b, 2, 100000, 1000};
  BreakevenResult r;
  r.found = true;
  r.k = 2;
  const auto p = precision_at_solution(in, r, {{"mean_total", 1.0}, {"p_win", 0.1}});
  REQUIRE(p.size() == 2);
  const double z = 1.959963984540054, se = std::sqrt(6.0) / std::sqrt(8.0);  // sd² = 6
  CHECK(p[0].name == "mean_total");
  CHECK(p[0].target == 1.0);
  CHECK(p[0].half_width == Approx(z * 2 * se));
  CHECK(p[0].value_half_width == Approx(z * 2 * se / 4.5 * 1000));
  CHECK(p[1].half_width > 0);
}

namespace {
// A pre-tax break-even of the built-in scenario's first comparison.
BreakevenRequest pre_tax_request(const Scenario& s, std::vector<Metric> metrics,
                                 std::vector<PrecisionTarget> targets) {
  BreakevenRequest req;
  req.offer = s.compare.front().a;
  req.against = s.compare.front().b;
  req.metrics = std::move(metrics);
  req.targets = std::move(targets);
  return req;
}
}  // namespace

TEST_CASE("a break-even to a precision: each metric at its own N, as --paths N", "[precision]") {
  const Scenario s = one_comparison(4096, 9);
  const BreakevenRequest req = pre_tax_request(s, {Metric::kMean, Metric::kWin}, {{"p_win", 0.01}});
  const BreakevenStudy be = tools::breakeven_to_precision(s, req, "--precision", 1000000, true);
  REQUIRE(be.results.size() == 2);
  std::uint64_t largest = 0;
  for (const auto& [m, r] : be.results) {
    REQUIRE(r.found);
    CHECK(r.precision_met);
    REQUIRE(r.precision.size() == 1);
    CHECK(r.precision[0].half_width <= 0.01);
    CHECK((r.paths == 4096 || r.paths % 16384 == 0));
    largest = std::max(largest, r.paths);
    // The same metric with --paths N at its N: the same answer and interval, bit for bit.
    Scenario fixed = s;
    fixed.paths = r.paths;
    const BreakevenStudy again = tools::breakeven_once(fixed, pre_tax_request(s, {m}, {}), true);
    REQUIRE(again.results.size() == 1);
    CHECK(again.results[0].second.k == r.k);
    CHECK(again.results[0].second.ci_lo == r.ci_lo);
    CHECK(again.results[0].second.ci_hi == r.ci_hi);
  }
  CHECK(be.paths == largest);
}

TEST_CASE("a break-even that reaches --max-paths says so", "[precision]") {
  const Scenario s = one_comparison(4096, 9);
  const BreakevenStudy be = tools::breakeven_to_precision(
      s, pre_tax_request(s, {Metric::kWin}, {{"p_win", 1e-4}}), "--precision", 20000, true);
  REQUIRE(be.results.size() == 1);
  const BreakevenResult& r = be.results[0].second;
  CHECK_FALSE(r.precision_met);
  CHECK(r.paths == 20000);
  CHECK(r.precision[0].half_width > 1e-4);
  const std::string text = tools::breakeven_report(be, tools::Format::kText);
  CHECK(text.find("20,000 paths, targets NOT met (--max-paths); p_win ±") != std::string::npos);
  const std::string json = tools::breakeven_report(be, tools::Format::kJson);
  CHECK(json.find("\"met\": false") != std::string::npos);
}

TEST_CASE("a half-width that cannot be measured is undefined, and no target is met on it",
          "[precision]") {
  // One path has no spread: every half-width is infinite, not 0.
  const std::vector<double> a = {5}, b = {1};
  for (const char* name : {"p_win", "mean_diff", "p50_diff", "mean_total", "p50_total"})
    CHECK(std::isinf(pair_half_width(a, b, name)));
  const Scenario s = one_comparison(1, 3);
  const RunStudy r =
      tools::run_to_precision(s, {{"mean_diff", 1}}, "--precision", 1, {}, true, 0, std::string());
  REQUIRE(r.summary.precision.size() == 1);
  CHECK(std::isinf(r.summary.precision[0].half_width));
  CHECK_FALSE(r.summary.precision_met);
  const std::vector<std::string> notes = tools::run_notes(r.summary);
  CHECK(std::find(notes.begin(), notes.end(),
                  "--precision: 1 path, mean_diff ±undefined (target €1.00); targets NOT met "
                  "(stopped at --max-paths).") != notes.end());
}

TEST_CASE("a run the memory budget stops short of its targets says so, not --max-paths",
          "[precision]") {
  // HTML charts keep the paths in memory: a budget of 5,000.5 paths' columns caps the growth at
  // 5,000 paths, below --max-paths 1e6; p_win 1e-4 needs far more.
  const Scenario s = one_comparison(4096, 9);
  const double per_path = tools::column_bytes(compile(s, s.seed), true);
  const double budget = per_path * 5000.5;
  const RunStudy r = tools::run_to_precision(s, {{"p_win", 1e-4}}, "--precision", 1000000,
                                             {.timeline = true}, true, budget, "HTML charts");
  CHECK_FALSE(r.summary.precision_met);
  CHECK(r.summary.paths == 5000);
  CHECK(r.summary.precision_cap == RunSummary::PathCap::kMemoryBudget);
  CHECK(r.summary.memory_budget == budget);
  const std::vector<std::string> notes = tools::run_notes(r.summary);
  const std::string held =
      "; targets NOT met (stopped at the memory budget of " + tools::bytes_text(budget) + ").";
  CHECK(std::any_of(notes.begin(), notes.end(), [&](const std::string& n) {
    return n.starts_with("--precision: 5,000 paths, p_win ±") && n.ends_with(held);
  }));
  const std::string json = tools::to_json(r.summary);
  CHECK(json.find("\"stopped_by\": \"memory_budget\"") != std::string::npos);

  // --max-paths below what the budget holds is the cap, as without a budget.
  const RunStudy m = tools::run_to_precision(s, {{"p_win", 1e-4}}, "--precision", 4500,
                                             {.timeline = true}, true, budget, "HTML charts");
  CHECK_FALSE(m.summary.precision_met);
  CHECK(m.summary.paths == 4500);
  CHECK(m.summary.precision_cap == RunSummary::PathCap::kMaxPaths);
  const std::vector<std::string> m_notes = tools::run_notes(m.summary);
  CHECK(std::any_of(m_notes.begin(), m_notes.end(), [](const std::string& n) {
    return n.ends_with("; targets NOT met (stopped at --max-paths).");
  }));
  CHECK(tools::to_json(m.summary).find("\"stopped_by\": \"max_paths\"") != std::string::npos);

  // Met within the budget: nothing stopped it.
  const RunStudy met = tools::run_to_precision(s, {{"p_win", 0.4}}, "--precision", 1000000,
                                               {.timeline = true}, true, budget, "HTML charts");
  CHECK(met.summary.precision_met);
  CHECK(tools::to_json(met.summary).find("\"stopped_by\": null") != std::string::npos);
}

TEST_CASE("a half-width reached prints in money for money quantities", "[precision]") {
  CHECK(tools::precision_reached("p50_diff", 181300.4, 2000, "EUR") ==
        "p50_diff ±€181,300 (target €2,000)");
  CHECK(tools::precision_reached("mean_total", 12.6, 100, "USD") ==
        "mean_total ±$12.60 (target $100)");
  CHECK(tools::precision_reached("p_win", 0.0015, 0.002, "EUR") == "p_win ±0.0015 (target 0.002)");
  CHECK(tools::precision_reached("mean_diff", 0.123, 0.4, "EUR") ==
        "mean_diff ±€0.12 (target €0.40)");
}

TEST_CASE("a --precision target holds on the after-tax figures the report leads with too",
          "[precision]") {
  // docs/design.md#19-runs-that-stop-at-a-precision. 1,000 paths, P(a beats b) 1 before tax
  // and 0.5 after: the Wilson half-width at p = 0.5, n = 1000 is
  // z / (1 + z^2/n) x sqrt(0.25/n + z^2/(4 n^2)) = 1.959964 / 1.0038415 x 0.0158417 = 0.030930,
  // and that is the run's, not the 0.0019 of p = 1.
  RunSummary s;
  s.paths = 1000;
  s.has_tax = true;
  ComparisonSummary c;
  c.p_a_beats_b = 1;
  c.p_a_beats_b_after_tax = 0.5;
  s.comparisons.push_back(c);
  CHECK(precision_half_width(s, "p_win") == Approx(0.030930).margin(1e-6));
  s.has_tax = false;  // no regime: after tax is before tax, and only that is read
  CHECK(precision_half_width(s, "p_win") < 0.002);
}
