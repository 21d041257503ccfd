// --sampler sobol (docs/design.md#20-quasi-monte-carlo-sobol-points): the points, their shift,
// the draws PathDraws hands out, replicate errors and reproducibility.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/rng.hpp"
#include "engine/sobol.hpp"
#include "models/compiled.hpp"
#include "models/path_draws.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"
#include "tests/test_support.hpp"

using namespace vestsim;
using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

// Exit value with a closed-form mean: the one tranche vests at month 12 if the employee is still
// there (probability exp(-0.2)), and then pays the outcome's multiple X per unit (no growth,
// dilution or post-IPO drift; the exit, 1 to 3 years out, comes before the 10-year liquidity
// horizon). E[equity] = 480,000 exp(-0.2) (0.6 E[X_ipo] + 0.3 E[X_acq])
//                     = 480,000 exp(-0.2) (0.6 x 2 + 0.3 x 1) = 720,000 exp(-0.2).
const char* kExit = R"(currency: EUR
simulation: {sampler: sobol, seed: 5}
employee: {departure: {annual_rate: 0.2}}
companies:
  priv:
    kind: private
    valuation: 1.0e9
    exit:
      time_years: {dist: uniform, low: 1, high: 3}
      outcomes: {ipo: 0.6, acquisition: 0.3, failure: 0.1}
      ipo: {multiple: {dist: uniform, low: 1, high: 3}, lockup_months: 0}
      acquisition: {multiple: {dist: uniform, low: 0.5, high: 1.5}}
offers:
  a:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 480000, vesting: {years: 1, every_months: 12}}
  b: {base: 0}
)";

SimResult run(const CompiledScenario& cs, std::uint64_t paths, int threads) {
  SimOptions o;
  o.paths = paths;
  o.threads = threads;
  return simulate(cs, o);
}

// The largest gap between the empirical CDF of u and the uniform one.
double ks_distance(std::vector<double> u) {
  std::sort(u.begin(), u.end());
  const double n = static_cast<double>(u.size());
  double d = 0;
  for (std::size_t i = 0; i < u.size(); ++i)
    d = std::max({d, std::fabs(u[i] - i / n), std::fabs((i + 1) / n - u[i])});
  return d;
}

}  // namespace

TEST_CASE("replicate standard errors, worked by hand", "[sobol]") {
  // Replicates {1, 3} and {2, 4}: means 2 and 3, sd sqrt(0.5), SE sqrt(0.5) / sqrt(2) = 0.5.
  const std::vector<double> x = {1, 2, 3, 4};
  CHECK(engine::replicate_std_error(x, 2) == Approx(0.5).epsilon(1e-15));
  // Shares of x > 0: {1, 1} -> 1 and {-1, 0} -> 0: sd sqrt(0.5), SE 0.5.
  const std::vector<double> y = {1, -1, 1, 0};
  CHECK(engine::replicate_std_error(y, 2, true) == Approx(0.5).epsilon(1e-15));
  CHECK(std::isnan(engine::replicate_std_error(x, 5)));
}

TEST_CASE("the digital shift is a pure function of the seed and the replicate", "[sobol]") {
  const Scenario s = load_ok(kExit);
  const CompiledScenario a = compile(s, 5), again = compile(s, 5), other = compile(s, 6);
  // departure, then exit time, outcome, both multiples of the one private company.
  REQUIRE(a.sobol.keys.size() == 5);
  CHECK(a.sobol.keys[0] == a.departure_key);
  CHECK(a.sobol.keys[1] == a.companies[0].priv.exit_key);
  REQUIRE(a.sobol.shifts.size() == 5 * engine::kReplicates);
  CHECK(a.sobol.shifts == again.sobol.shifts);
  for (std::size_t i = 0; i < a.sobol.shifts.size(); ++i)
    CHECK(a.sobol.shifts[i] != other.sobol.shifts[i]);
  // The layout: Philox on the dimension's key at counter (r, 0, 0, 1), words 0 and 1.
  const engine::PhiloxBlock w =
      engine::philox4x32_10({3, 0, 0, 1}, a.departure_key.k0, a.departure_key.k1);
  CHECK(a.sobol.shifts[3] == ((std::uint64_t{w[1]} << 32) | w[0]));
  // A philox scenario has no dimension.
  CHECK(compile(load_ok(kExit, {{"simulation.sampler", "philox"}}), 5).sobol.empty());
}

TEST_CASE("Sobol points: 2^m of them put one point in each of 2^m strata", "[sobol]") {
  constexpr std::uint32_t kDims = 8, kM = 10, kN = 1u << kM;
  engine::SobolPoints points(kDims);
  std::vector<std::uint64_t> p(kDims);
  points.point(0, p.data());
  CHECK(std::all_of(p.begin(), p.end(), [](std::uint64_t w) { return w == 0; }));
  // Every one-dimensional projection of the first 2^m points is a (0, m, 1)-net, shifted or not
  // (a shift XORs the stratum index with the shift's top m bits: a permutation of strata).
  // Dimensions 0 and 1 together form a (0, m, 2)-net: every 2^a x 2^(m - a) box holds one point.
  std::vector<std::vector<int>> strata(kDims, std::vector<int>(kN, 0));
  std::vector<std::vector<int>> boxes(kM + 1, std::vector<int>(kN, 0));
  const std::uint64_t shift = 0x9e3779b97f4a7c15ull;
  for (std::uint64_t k = 0; k < kN; ++k) {
    points.point(k, p.data());
    for (std::uint32_t j = 0; j < kDims; ++j) ++strata[j][(p[j] ^ shift) >> (64 - kM)];
    for (std::uint32_t a = 0; a <= kM; ++a) {
      const std::uint64_t x = a ? p[0] >> (64 - a) : 0, y = a < kM ? p[1] >> (64 - (kM - a)) : 0;
      ++boxes[a][(x << (kM - a)) | y];
    }
  }
  for (const auto& s : strata) CHECK(std::all_of(s.begin(), s.end(), [](int c) { return c == 1; }));
  for (const auto& b : boxes) CHECK(std::all_of(b.begin(), b.end(), [](int c) { return c == 1; }));
}

TEST_CASE("sobol draws fill each dimension uniformly, replicate by replicate", "[sobol]") {
  const Scenario s = load_ok(kExit);
  const CompiledScenario cs = compile(s, 5);
  PathDraws draws;
  draws.use_sobol(&cs.sobol);
  constexpr std::uint64_t kPoints = 4096;
  for (std::uint32_t r : {0u, 7u, 15u}) {
    std::vector<std::vector<double>> u(cs.sobol.keys.size());
    for (std::uint64_t k = 0; k < kPoints; ++k) {
      const std::uint64_t path = k * engine::kReplicates + r;
      draws.start(path);
      for (std::size_t j = 0; j < u.size(); ++j) u[j].push_back(draws.u(cs.sobol.keys[j], 0));
      // Other draws stay Philox: draw 1 of a Sobol stream, draw 0 of another stream.
      CHECK(draws.u(cs.sobol.keys[0], 1) == engine::uniform(cs.sobol.keys[0], path, 1));
      CHECK(draws.u(cs.companies[0].priv.growth_key, 0) ==
            engine::uniform(cs.companies[0].priv.growth_key, path, 0));
    }
    // A (0, 12, 1)-net has one point per stratum of width 1/4096, so the empirical CDF is within
    // 1/n of the uniform one (plus the 2^-53 of rounding to a uniform); independent uniforms
    // would sit near 0.87/sqrt(n) = 0.014 and exceed 1.5/n = 0.00037 almost surely.
    for (const auto& col : u) CHECK(ks_distance(col) <= 1.0 / kPoints + 1e-15);
  }
}

TEST_CASE("a sobol run's mean exit value is within a few replicate errors of its closed form",
          "[sobol]") {
  const Scenario s = load_ok(kExit);
  const CompiledScenario cs = compile(s, 5);
  const SimResult r = run(cs, 16 * 1024, 2);
  const RunSummary sum = summarize_run(s, cs, r, 2, 5);
  REQUIRE(sum.sobol);
  const engine::Summary& eq = sum.offers[0].equity;
  // The estimate is unbiased (each shifted point is uniform); over 16 replicates
  // (mean - mu) / SE is Student t(15), beyond 4 with probability 0.1%.
  CHECK(std::fabs(eq.mean - 720000 * std::exp(-0.2)) < 4 * eq.std_error);
  // The replicate error is well below the one of independent paths, sd / sqrt(n).
  CHECK(eq.std_error < 0.5 * eq.sd / std::sqrt(static_cast<double>(r.paths)));
  // P(a beats b) = P(vested, then an IPO or an acquisition) = 0.9 exp(-0.2) (b pays nothing).
  const ComparisonSummary& c = sum.comparisons[0];
  CHECK(std::fabs(c.p_a_beats_b - 0.9 * std::exp(-0.2)) < 4 * c.p_a_beats_b_stderr);
}

TEST_CASE("a sobol run gives the same bits on 1 and 2 threads and any block size", "[sobol]") {
  const Scenario s = load_ok(kExit);
  const CompiledScenario cs = compile(s, 5);
  const SimResult one = run(cs, 5000, 1), two = run(cs, 5000, 2);
  SimOptions o;
  o.paths = 5000;
  o.threads = 2;
  o.block = 77;
  const SimResult odd = simulate(cs, o);
  for (std::size_t k = 0; k < one.cash.size(); ++k) {
    const std::vector<double> total = one.total_column(k);
    CHECK(std::memcmp(total.data(), two.total_column(k).data(), 5000 * sizeof(double)) == 0);
    CHECK(std::memcmp(total.data(), odd.total_column(k).data(), 5000 * sizeof(double)) == 0);
  }
  // Path i is the same whatever the number of paths.
  const SimResult more = run(cs, 6000, 2);
  CHECK(std::memcmp(one.total_column(0).data(), more.total_column(0).data(),
                    5000 * sizeof(double)) == 0);
}

TEST_CASE("simulation.sampler is checked like every key", "[sobol][loader]") {
  const LoadResult bad = load_scenario_text(
      vestsim::test::edited(kExit, "sampler: sobol", "sampler: sobl"), "t.yaml", {});
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(vestsim::test::all_messages(bad),
             Catch::Contains("unknown sampler 'sobl'; did you mean 'sobol'?") &&
                 Catch::Contains("t.yaml:2"));
  const LoadResult far = load_scenario_text(kExit, "t.yaml", {{"simulation.sampler", "qmc"}});
  CHECK_THAT(vestsim::test::all_messages(far),
             Catch::Contains("unknown sampler 'qmc'; samplers: philox, sobol"));
  CHECK(load_ok(kExit).sampler == DrawSource::kSobol);
  const std::string no_key =
      vestsim::test::edited(kExit, "simulation: {sampler: sobol, seed: 5}\n", "");
  CHECK(load_ok(no_key).sampler == DrawSource::kPhilox);
}

TEST_CASE("a growth bridge ends at its Sobol value and keeps standard normal shocks", "[sobol]") {
  const Scenario s = load_ok(
      vestsim::test::edited(kExit, "    valuation: 1.0e9\n",
                            "    valuation: 1.0e9\n    growth: {drift: 0, volatility: 0.35}\n"));
  const CompiledScenario cs = compile(s, 5);
  REQUIRE(cs.sobol.bridges.size() == 1);
  const CompiledPrivate& p = cs.companies[0].priv;
  CHECK(p.growth_bridge == 0);
  CHECK(cs.sobol.keys.back() == p.growth_terminal_key);
  PathDraws draws;
  draws.use_sobol(&cs.sobol);
  // Pinned at t = 2.5 years (e = 30 months, the last one whole): W(t) = sqrt(t) z exactly, z the
  // terminal's Sobol normal; the shocks after month e are the stream's own.
  double sum = 0, sum2 = 0;
  constexpr int kPaths = 4000;
  for (std::uint64_t path = 0; path < kPaths; ++path) {
    draws.start(path);
    draws.pin_bridge(0, 2.5);
    double w = 0;
    for (std::uint32_t d = 0; d < 30; ++d) {
      const double z = draws.z(p.growth_key, d);
      w += z / std::sqrt(12.0);
      sum += z;
      sum2 += z * z;
    }
    CHECK(w == Approx(std::sqrt(2.5) * draws.z(p.growth_terminal_key, 0)).margin(1e-12));
    CHECK(draws.z(p.growth_key, 30) ==
          engine::normal_quantile(engine::uniform(p.growth_key, path, 30)));
  }
  // 120,000 shocks: mean within 4 / sqrt(n) of 0, variance within 4 sqrt(2 / n) of 1.
  const double n = 30.0 * kPaths, mean = sum / n;
  CHECK(std::fabs(mean) < 4 / std::sqrt(n));
  CHECK(std::fabs(sum2 / n - mean * mean - 1) < 4 * std::sqrt(2 / n));
  // E[G(T)] = 1 with zero drift: the mean exit value is still 720,000 exp(-0.2).
  const SimResult r = run(cs, 16 * 1024, 2);
  const RunSummary sum_run = summarize_run(s, cs, r, 2, 5);
  const engine::Summary& eq = sum_run.offers[0].equity;
  CHECK(std::fabs(eq.mean - 720000 * std::exp(-0.2)) < 4 * eq.std_error);
}
