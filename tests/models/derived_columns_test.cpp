// The total of an offer and the difference of a comparison are not stored (models/simulate.hpp):
// SimResult derives them from cash and equity where they are read. Their values, and every
// summary made of them, must be the bits of total = cash + equity and diff = total_a - total_b,
// 0 below half a cent (docs/model.md#7-outputs-of-one-path), added up here by hand.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/statistics.hpp"
#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/studies/basis.hpp"
#include "models/studies/breakeven.hpp"
#include "models/studies/precision.hpp"
#include "models/studies/run.hpp"
#include "models/summary.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::engine::Summary;

namespace {

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// CHECKs every field of two summaries for the same bits.
void check_same(const Summary& a, const Summary& b) {
  CHECK(a.n == b.n);
  CHECK(same_bits(a.mean, b.mean));
  CHECK(same_bits(a.sd, b.sd));
  CHECK(same_bits(a.std_error, b.std_error));
  CHECK(same_bits(a.min, b.min));
  CHECK(same_bits(a.max, b.max));
  CHECK(same_bits(a.cvar5, b.cvar5));
  CHECK(a.p_positive == b.p_positive);
  CHECK(a.p_zero == b.p_zero);
  CHECK(a.p_negative == b.p_negative);
  REQUIRE(a.percentiles.size() == b.percentiles.size());
  for (std::size_t q = 0; q < a.percentiles.size(); ++q) {
    CHECK(same_bits(a.percentiles[q], b.percentiles[q]));
    CHECK(same_bits(a.ci95[q].first, b.ci95[q].first));
    CHECK(same_bits(a.ci95[q].second, b.ci95[q].second));
  }
}

// The full summary (percentiles, CIs, CVaR) of a column, as the run's table asks for it.
Summary summary_of(const Scenario& s, const std::vector<double>& x) {
  std::vector<double> scratch;
  return vestsim::engine::summarize(x, s.percentiles, scratch, true);
}

// The certainty equivalent the run reports for a column of totals (models/run_columns.cpp): the
// mean of its CRRA utilities, moments only, and its smallest value.
double ce_of(const Scenario& s, const std::vector<double>& total) {
  std::vector<double> u(total.size()), scratch;
  crra_utilities(total, s.risk_aversion, s.wealth, u.data());
  const double mean = vestsim::engine::summarize(u, {}, scratch, false).mean;
  return certainty_equivalent_from(mean, summary_of(s, total).min, s.risk_aversion, s.wealth);
}

}  // namespace

TEST_CASE("derived totals and differences have the bits of cash + equity everywhere", "[derived]") {
  // The built-in scenario: 3 taxed offers, 2 comparisons, risk aversion 2, so every kind of
  // derived column (total, diff, utility, after tax). 70,001 paths: past the in-memory copy
  // (4 chunks) into the bucketed summary, its pilot read path by path, the last chunk short.
  Scenario s = vestsim::test::load_ok(std::string(default_scenario_text()));
  s.paths = 70001;
  s.threads = 2;
  const CompiledScenario cs = compile(s, s.seed);
  REQUIRE(cs.has_tax);
  REQUIRE(s.risk_aversion > 0);
  const RunStudy run = run_study(s, cs);
  const SimResult& r = run.result;
  REQUIRE(r.paths == s.paths);
  REQUIRE(r.compare.size() == s.compare.size());

  // By hand: total = cash + equity, after = total - tax, per offer.
  std::vector<std::vector<double>> total(s.offers.size()), after(s.offers.size());
  for (std::size_t o = 0; o < s.offers.size(); ++o)
    for (std::uint64_t i = 0; i < r.paths; ++i) {
      total[o].push_back(r.cash[o][i] + r.equity[o][i]);
      after[o].push_back(total[o][i] - r.tax[o][i]);
    }
  for (std::size_t o = 0; o < s.offers.size(); ++o) {
    INFO("offer " << s.offers[o].id);
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < r.paths; ++i) wrong += !same_bits(r.total_at(o, i), total[o][i]);
    CHECK(wrong == 0);
    // The test can fail: cash and equity both move the total.
    CHECK(summary_of(s, r.cash[o]).sd > 0);
    CHECK(summary_of(s, r.equity[o]).sd > 0);
    check_same(run.summary.offers[o].total, summary_of(s, total[o]));
    check_same(run.summary.offers[o].after_tax, summary_of(s, after[o]));
  }
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    const auto a = static_cast<std::size_t>(s.compare[k].a);
    const auto b = static_cast<std::size_t>(s.compare[k].b);
    INFO("comparison " << s.offers[a].id << " - " << s.offers[b].id);
    CHECK(r.compare[k].a == s.compare[k].a);
    CHECK(r.compare[k].b == s.compare[k].b);
    std::vector<double> diff, diff_after;
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < r.paths; ++i) {
      diff.push_back(path_difference(total[a][i], total[b][i]));
      diff_after.push_back(path_difference(after[a][i], after[b][i]));
      wrong += !same_bits(r.diff_at(k, i), diff[i]);
      wrong += !same_bits(r.diff_at(k, i), path_difference(r.total_at(a, i), r.total_at(b, i)));
    }
    CHECK(wrong == 0);
    const ComparisonSummary& c = run.summary.comparisons[k];
    check_same(c.diff, summary_of(s, diff));
    check_same(c.diff_after_tax, summary_of(s, diff_after));
    CHECK(same_bits(c.ce_a, ce_of(s, total[a])));
    CHECK(same_bits(c.ce_b, ce_of(s, total[b])));
    CHECK(same_bits(c.ce_a_after_tax, ce_of(s, after[a])));
    CHECK(same_bits(c.ce_b_after_tax, ce_of(s, after[b])));
  }

  // The range helpers and whole columns give the same bits as the accessors, from any offset.
  const std::uint64_t begin = 16383, end = 40000;
  std::vector<double> part(end - begin);
  r.totals(2, begin, end, part.data());
  CHECK(std::equal(part.begin(), part.end(), total[2].begin() + begin, same_bits));
  r.diffs(1, begin, end, part.data());
  CHECK(std::equal(part.begin(), part.end(), r.diff_column(1).begin() + begin, same_bits));
  CHECK(std::equal(total[0].begin(), total[0].end(), r.total_column(0).begin(), same_bits));

  // The two-pass summary derives its columns chunk by chunk from re-simulated paths.
  const RunStudy two = run_study_two_pass(s, cs);
  for (std::size_t o = 0; o < s.offers.size(); ++o)
    check_same(two.summary.offers[o].total, run.summary.offers[o].total);
  for (std::size_t k = 0; k < s.compare.size(); ++k)
    check_same(two.summary.comparisons[k].diff, run.summary.comparisons[k].diff);
}

TEST_CASE("offers worth the same amount tie: a difference under half a cent is 0", "[derived]") {
  // docs/model.md#7-outputs-of-one-path: |total_a - total_b| < 0.005 is a tie, diff +0.
  CHECK(path_difference(1000.0049, 1000) == 0);
  CHECK(!std::signbit(path_difference(1000, 1000.0049)));
  CHECK(path_difference(0.005, 0) == 0.005);  // half a cent is a difference
  CHECK(path_difference(0, 0.005) == -0.005);
  CHECK(path_difference(800000.01, 800000) == Approx(0.01).epsilon(1e-6));
  // Past 5e9 the relative bound, 1e-12 of the larger total, is the wider: at 1e15 doubles are
  // 0.125 apart, and anything up to about 1,000 (1e-12 of the larger total) ties; 1,001 does not.
  CHECK(path_difference(1e15 + 0.125, 1e15) == 0);
  CHECK(path_difference(1e15 + 999.875, 1e15) == 0);
  CHECK(path_difference(1e15 + 1001, 1e15) == 1001);
  CHECK(path_difference(-1e15, -1e15 - 500) == 0);  // magnitudes, also for losses

  // $200,000 a year paid monthly for 4 years, 48 x 200,000/12 = 48 x 16,666.666..., against an
  // $800,000 signing bonus: the same $800,000 on every path, which the sum of 48 months rounded
  // to doubles misses (799,999.99999999965).
  // Both offers taxed at 0 (regime none), so the after-tax difference is a column of its own.
  Scenario s = vestsim::test::load_ok(R"(currency: USD
horizon_years: 4
simulation: {paths: 1000, seed: 1}
employee: {departure: {annual_rate: 0}}
companies:
  g: {kind: public, price: 100, drift: 0, volatility: 0.3}
offers:
  a: {base: 200000, tax: {regime: none}}
  b: {base: 0, signing_bonus: {amount: 800000}, tax: {regime: none}}
compare:
  - {a: a, b: b}
  - {a: b, b: a}
)");
  s.threads = 2;
  const CompiledScenario cs = compile(s, s.seed);
  const RunStudy run = run_study(s, cs);
  const SimResult& r = run.result;
  // The test can fail: the two totals are not the same bits.
  CHECK(r.total_at(0, 0) != r.total_at(1, 0));
  CHECK(std::abs(r.total_at(0, 0) - 800000) < 1e-6);
  CHECK(r.total_at(1, 0) == 800000);
  for (std::size_t k = 0; k < 2; ++k) {
    const ComparisonSummary& c = run.summary.comparisons[k];
    INFO("comparison " << c.a << " - " << c.b);
    CHECK(c.p_a_beats_b == 0);  // ties lose, both ways
    CHECK(c.p_a_beats_b_after_tax == 0);
    CHECK(c.diff.p_zero == 1);
    CHECK(c.diff_after_tax.p_zero == 1);
    CHECK(c.diff.max == 0);
    CHECK(r.diff_at(k, 999) == 0);
  }
  // Every other reader of a difference: the studies' basis_diff (sweep, sensitivity, effects),
  // break-even's win metric and the precision targets' pair quantities.
  for (Basis basis : {Basis::kPreTax, Basis::kAfterTax}) {
    const std::vector<double> d = basis_diff(r, 1, 0, basis);
    CHECK(std::count(d.begin(), d.end(), 0.0) == static_cast<long>(d.size()));
  }
  const std::vector<double> a = r.total_column(1), b = r.total_column(0), none(a.size(), 0.0);
  CHECK(breakeven_gap({a, none, b, 2, 1e5, 1}, Metric::kWin, 0) == -0.5);  // 0 wins of 1000
  CHECK(pair_quantity(a, b, "p_win") == 0);
  CHECK(pair_quantity(a, b, "p50_diff") == 0);
  const RunStudy two = run_study_two_pass(s, cs);
  CHECK(two.summary.comparisons[1].p_a_beats_b == 0);
  CHECK(two.summary.comparisons[1].p_a_beats_b_after_tax == 0);
}
