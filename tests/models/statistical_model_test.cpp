// Statistical checks of the model against closed forms (tolerances from the
// run's own standard error), and reproducibility of whole scenarios.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/ieee_math.hpp"
#include "engine/lanes.hpp"
#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"
#include "tests/test_support.hpp"
#include "tools/report/run.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

SimResult run(const Scenario& s, std::uint64_t paths, int threads = 2, std::uint32_t block = 4096) {
  const CompiledScenario c = compile(s, s.seed);
  SimOptions o;
  o.paths = paths;
  o.threads = threads;
  o.block = block;
  o.timeline = true;
  return simulate(c, o);
}

}  // namespace

TEST_CASE("mean public RSU payout under GBM matches sum of amount x exp(mu v / 12)", "[stat]") {
  const Scenario s = load_ok(R"(currency: EUR
companies:
  pub: {kind: public, price: 100, drift: 0.07, volatility: 0.3}
offers:
  o:
    base: 0
    grants:
      - {company: pub, type: public_rsu, value: 480000, vesting: {years: 4}}
)");
  const SimResult r = run(s, 200000);
  const RunSummary sum = summarize_run(s, compile(s, 1), r, 2, 1);
  double expected = 0;  // E[S(v) / S(0)] = exp(mu v / 12) for GBM
  for (int v = 1; v <= 48; ++v) expected += 10000 * std::exp(0.07 * v / 12);
  const double se = sum.offers[0].equity.std_error;
  CHECK(se > 0);
  CHECK(std::fabs(sum.offers[0].equity.mean - expected) < 4 * se);
}

TEST_CASE("P(equity = 0) under departure before the cliff is 1 - exp(-rate)", "[stat]") {
  const Scenario s = load_ok(R"(currency: EUR
employee: {departure: {annual_rate: 0.3}}
companies:
  pub: {kind: public, price: 100, drift: 0, volatility: 0}
offers:
  o:
    base: 100000
    grants:
      - {company: pub, type: public_rsu, value: 480000, vesting: {years: 4, cliff_months: 12}}
)");
  constexpr std::uint64_t n = 100000;
  const SimResult r = run(s, n);
  const RunSummary sum = summarize_run(s, compile(s, 1), r, 2, 1);
  // Nothing vests iff the employee is gone by month 12: 12 tau <= 12, P = 1 - exp(-0.3).
  const double p = 1 - std::exp(-0.3);
  CHECK(std::fabs(sum.offers[0].p_equity_zero - p) < 4 * std::sqrt(p * (1 - p) / n));
  // Full salary iff still employed after month 48: P(12 tau > 48) = exp(-1.2).
  const double full = std::exp(-1.2);
  std::uint64_t count = 0;
  for (double c : r.cash[0]) count += std::fabs(c - 400000) < 1e-6;
  CHECK(std::fabs(count / double(n) - full) < 4 * std::sqrt(full * (1 - full) / n));
}

TEST_CASE("Poisson dilution: mean ownership factor exp(-rate T E[d]) for a fixed T", "[stat]") {
  const Scenario s = load_ok(R"(currency: EUR
companies:
  priv:
    kind: private
    valuation: 1.0e9
    exit:
      time_years: 3
      outcomes: {ipo: 1}
      ipo: {multiple: 1, lockup_months: 6}
    dilution: {rounds_per_year: 0.4, per_round: {dist: uniform, low: 0.05, high: 0.20}}
offers:
  o:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 4}}
)");
  const SimResult r = run(s, 200000);
  const RunSummary sum = summarize_run(s, compile(s, 1), r, 2, 1);
  // K ~ Poisson(0.4 x 3), d ~ U(0.05, 0.20) with E[d] = 0.125:
  // E[prod (1 - d_k)] = sum_k P(K = k) (1 - E d)^k = exp(-1.2 x 0.125).
  const double expected = 480000 * std::exp(-0.4 * 3 * 0.125);
  CHECK(std::fabs(sum.offers[0].equity.mean - expected) < 4 * sum.offers[0].equity.std_error);
  // With no round the factor is exactly 1: P(K = 0) = exp(-1.2) of paths pay the full 480,000.
  std::uint64_t whole = 0;
  for (double e : r.equity[0]) whole += std::fabs(e - 480000) < 1e-6;
  const double p0 = std::exp(-1.2);
  CHECK(std::fabs(whole / 200000.0 - p0) < 4 * std::sqrt(p0 * (1 - p0) / 200000));
}

TEST_CASE("certainty equivalents match CRRA closed forms", "[stat]") {
  std::vector<double> scratch;
  const std::vector<double> x = {0, 200000};
  // gamma = 0: the mean.
  CHECK(certainty_equivalent(x, 0, 100000, scratch) == Approx(100000));
  // gamma = 1: geometric mean of wealth: sqrt(1e5 x 3e5) - 1e5.
  CHECK(certainty_equivalent(x, 1, 100000, scratch) ==
        Approx(std::sqrt(1e5 * 3e5) - 1e5).epsilon(1e-12));
  // gamma = 2: harmonic mean of wealth: 2 / (1/1e5 + 1/3e5) = 150,000, minus 1e5.
  CHECK(certainty_equivalent(x, 2, 100000, scratch) == Approx(50000).epsilon(1e-12));
  // A deterministic total is its own certainty equivalent.
  const std::vector<double> sure = {123456, 123456, 123456};
  CHECK(certainty_equivalent(sure, 3, 50000, scratch) == Approx(123456).epsilon(1e-12));
  // Ruin with gamma >= 1: the CE is -wealth.
  const std::vector<double> ruin = {-200000, 200000};
  CHECK(certainty_equivalent(ruin, 2, 100000, scratch) == -100000);
  // 0 < gamma < 1: ruined wealth counts as 0: ((0 + sqrt(3e5)) / 2)^2 - 1e5 = -25,000.
  CHECK(certainty_equivalent(ruin, 0.5, 100000, scratch) == Approx(-25000).epsilon(1e-12));
}

// Far from the wealth with a large gamma, every utility w^(1 - gamma) under- or overflows: the
// plain mean gave a CE of inf (totals of 2.5e25 at gamma 20) or -wealth (a wealth of 1e-300).
// Closed forms with w1 <= w2 (w in units of max(1, wealth)): CE = scale w1 ((1 + (w1/w2)^(g-1))
// / 2)^(-1/(g-1)) - wealth, computed in long double.
TEST_CASE("certainty equivalents stay exact where every utility under- or overflows", "[stat]") {
  std::vector<double> scratch;
  const auto closed = [](long double w1, long double w2, long double g, long double scale,
                         long double wealth) {
    return static_cast<double>(scale * w1 * powl((1 + powl(w1 / w2, g - 1)) / 2, -1 / (g - 1)) -
                               wealth);
  };
  // A sure 2.5283e25: its own CE (was inf).
  const std::vector<double> sure(5, 2.5283e25);
  CHECK(certainty_equivalent(sure, 20, 1e5, scratch) == Approx(2.5283e25).epsilon(1e-12));
  // 1e25 and 2e25 at gamma 20, wealth 1e5: w = 1e20 + 1 and 2e20 + 1; w^-19 underflows.
  const std::vector<double> big = {1e25, 2e25};
  CHECK(certainty_equivalent(big, 20, 1e5, scratch) ==
        Approx(closed(1e20L + 1, 2e20L + 1, 20, 1e5L, 1e5L)).epsilon(1e-12));
  // Wealth 1e-300 (scale 1), totals 1e-301 and 3e-301: w^-19 overflows (was -1e-300).
  const std::vector<double> tiny = {1e-301, 3e-301};
  const double want = closed(1.1e-300L, 1.3e-300L, 20, 1, 1e-300L);
  CHECK(want > 0);
  CHECK(certainty_equivalent(tiny, 20, 1e-300, scratch) == Approx(want).epsilon(1e-11));
  // gamma < 1 with huge totals: w^0.5 stays finite, the plain path, the same closed form.
  CHECK(certainty_equivalent(big, 0.5, 1e5, scratch) ==
        Approx(closed(1e20L + 1, 2e20L + 1, 0.5, 1e5L, 1e5L)).epsilon(1e-12));
}

// docs/model.md#8-summaries-over-paths near gamma = 1: the CE is continuous in gamma. Wealth 1e5
// and totals 0 and 3e5: w = 1 and 4 in units of the wealth, so with d = 1 - gamma the CE is
// 1e5 ((1 + 4^d) / 2)^(1/d) - 1e5, worked out here in long double as exp(log1p(expm1(d log 4) / 2)
// / d) (which does not cancel), and 1e5 sqrt(4) - 1e5 = 1e5 at gamma = 1. Computed as
// ((1 + 4^d) / 2)^(1/d) in double, a d of 1e-15 gave a CE off by 90% (4^d rounds to 1 + 1 or 2
// ulp); the relative tolerance 1e-11 allows the 1e-16 / 1e-4 of the power form at the edge
// of the expm1 form, d = 1e-4.
TEST_CASE("certainty equivalents near gamma = 1 are continuous in gamma", "[stat]") {
  std::vector<double> scratch;
  const std::vector<double> x = {0, 300000};
  const long double log4 = std::log(4.0L);
  for (const double d : {1e-16, -1e-16, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6,
                         0.99e-4, -0.99e-4, 1.01e-4, -1.01e-4, 1e-3, -1e-3}) {
    const double gamma = 1 - d;
    const long double d_exact = 1.0L - static_cast<long double>(gamma);  // d as gamma rounds it
    // 1 + 1e-16 rounds to 1: then the log form's 1e5.
    const long double expected =
        d_exact == 0 ? 1e5L : 1e5L * expl(log1pl(expm1l(d_exact * log4) / 2) / d_exact) - 1e5L;
    INFO("1 - gamma = " << d << ", expected " << static_cast<double>(expected));
    const double ce = certainty_equivalent(x, gamma, 100000, scratch);
    CHECK(std::fabs(ce - static_cast<double>(expected)) < 1e-11 * 1e5);
    // And within d Var(log w) / 2 = d (log 2)^2 / 2 of gamma = 1's 1e5, relatively.
    CHECK(std::fabs(ce - 1e5) < 2e5 * std::fabs(d) * 0.25 + 1e-6);
  }
  CHECK(certainty_equivalent(x, 1, 100000, scratch) == Approx(1e5).epsilon(1e-14));
}

TEST_CASE("CRRA utilities on lanes have ieee_log's and ieee_pow's bits on every target",
          "[stat][simd]") {
  // Totals that ruin (w = 0), leave exactly the wealth (w = 1), and spread over decades.
  std::vector<double> total = {-300000, -100000, 0, 1e-9, 5e4, 123456.78, 1e7, -99999.5};
  for (int k = 0; k < 100; ++k) total.push_back(-90000 + 37777.7 * k);
  const double wealth = 100000;
  std::vector<double> out(total.size());
  const auto start = vestsim::engine::simd_target();
  for (auto t : vestsim::engine::supported_simd_targets()) {
    vestsim::engine::set_simd_target(t);
    INFO("target " << vestsim::engine::simd_target_name(t));
    for (double gamma : {0.5, 1.0, 2.0, 3.7}) {
      crra_utilities(total, gamma, wealth, out.data());
      std::size_t bad = 0;
      for (std::size_t i = 0; i < total.size(); ++i) {
        const double w = std::max(0.0, (wealth + total[i]) / wealth);
        const double want =
            gamma == 1 ? vestsim::engine::ieee_log(w) : vestsim::engine::ieee_pow(w, 1 - gamma);
        bad += std::memcmp(&want, &out[i], sizeof want) != 0;
      }
      CHECK(bad == 0);
    }
  }
  vestsim::engine::set_simd_target(start);
}

TEST_CASE("a scenario's outputs are bitwise identical on 1, 2 and 7 threads and two block sizes",
          "[determinism]") {
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const SimResult ref = run(s, 30000, 1, 4096);
  const CompiledScenario c = compile(s, s.seed);
  const std::string ref_json = vestsim::tools::to_json(summarize_run(s, c, ref, 1, s.seed));
  auto strip_timing = [](const std::string& j) { return j.substr(0, j.find("\"timing\"")); };
  for (int threads : {2, 7}) {
    for (std::uint32_t block : {4096u, 1000u}) {
      INFO("threads " << threads << " block " << block);
      const SimResult r = run(s, 30000, threads, block);
      vestsim::test::check_same_results(r, ref);
      const std::string json = vestsim::tools::to_json(summarize_run(s, c, r, threads, s.seed));
      CHECK(strip_timing(json) == strip_timing(ref_json));
    }
  }
}

TEST_CASE("common random numbers: doubling a grant doubles its equity on every path",
          "[determinism]") {
  const std::string text(default_scenario_text());
  const LoadResult one = load_scenario_text(text, "d.yaml", {{"simulation.paths", "20000"}});
  const LoadResult two = load_scenario_text(text, "d.yaml",
                                            {{"simulation.paths", "20000"},
                                             {"offers.hf_ask.grants[0].value", "600000"},
                                             {"offers.hf_ask.grants[1].value", "300000"}});
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  const SimResult a = run(*one.scenario, 20000), b = run(*two.scenario, 20000);
  // x2 is exact in binary floating point, so the futures are the same to the bit.
  for (std::size_t i = 0; i < 20000; ++i) {
    REQUIRE(b.equity[0][i] == 2 * a.equity[0][i]);
    REQUIRE(b.total_at(2, i) == a.total_at(2, i));  // the other offers do not move
  }
}

TEST_CASE("the timeline's last year equals the total realised, it never decreases", "[stat]") {
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const SimResult r = run(s, 5000);
  const int years = r.timeline_years;
  for (std::size_t o = 0; o < r.cash.size(); ++o)
    for (std::size_t i = 0; i < 5000; ++i) {
      for (int y = 1; y < years; ++y)
        REQUIRE(r.timeline[o * years + y][i] >= r.timeline[o * years + y - 1][i]);
      REQUIRE(r.timeline[o * years + years - 1][i] ==
              Approx(r.total_at(o, i)).epsilon(1e-6));  // stored as float
    }
}
