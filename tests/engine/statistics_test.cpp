#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include <boost/math/distributions/binomial.hpp>
#include <catch2/catch.hpp>

#include "engine/bucket_summary.hpp"
#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "engine/statistics.hpp"

using namespace vestsim::engine;

TEST_CASE("summary of 1..10 matches numpy's linear percentiles", "[stats]") {
  const std::vector<double> x = {7, 1, 10, 4, 2, 9, 3, 8, 6, 5};
  const std::vector<double> q = {5, 25, 50, 90, 100};
  std::vector<double> scratch;
  const Summary s = summarize(x, q, scratch);
  CHECK(s.n == 10);
  CHECK(s.mean == 5.5);
  // sd with n - 1: sqrt(82.5 / 9).
  CHECK(s.sd == Approx(std::sqrt(82.5 / 9)).epsilon(1e-15));
  CHECK(s.std_error == Approx(std::sqrt(82.5 / 9) / std::sqrt(10.0)).epsilon(1e-15));
  CHECK(s.min == 1);
  CHECK(s.max == 10);
  // numpy.percentile(range(1, 11), [5, 25, 50, 90, 100]) = [1.45, 3.25, 5.5, 9.1, 10]:
  // h = 9 q / 100, x[floor h] + frac(h) (x[floor h + 1] - x[floor h]).
  CHECK(s.percentiles[0] == Approx(1.45).epsilon(1e-15));
  CHECK(s.percentiles[1] == Approx(3.25).epsilon(1e-15));
  CHECK(s.percentiles[2] == Approx(5.5).epsilon(1e-15));
  CHECK(s.percentiles[3] == Approx(9.1).epsilon(1e-15));
  CHECK(s.percentiles[4] == 10);
  // CVaR5: mean of the ceil(10/20) = 1 lowest value.
  CHECK(s.cvar5 == 1);
  // Median CI for n = 10: B ~ Bin(10, 0.5); P(B <= 1) = 11/1024 < 0.025 <= P(B <= 2) = 56/1024,
  // so l = 2; P(B <= 7) = 968/1024 < 0.975 <= P(B <= 8) = 1013/1024, so u = 8 + 1 = 9.
  CHECK(s.ci95[2].first == 2);
  CHECK(s.ci95[2].second == 9);
}

TEST_CASE("ties, zeros and negatives", "[stats]") {
  const std::vector<double> x = {3, -1, 0, 0, 7};
  const std::vector<double> q = {10, 50, 75};
  std::vector<double> scratch;
  const Summary s = summarize(x, q, scratch);
  // sorted: -1 0 0 3 7; h = 4 q / 100.
  CHECK(s.percentiles[0] == Approx(-0.6).epsilon(1e-15));  // h = 0.4: -1 + 0.4 * 1
  CHECK(s.percentiles[1] == 0);                            // h = 2
  CHECK(s.percentiles[2] == 3);                            // h = 3
  CHECK(s.p_zero == 0.4);
  CHECK(s.p_positive == 0.4);
  CHECK(s.cvar5 == -1);
}

TEST_CASE("single value: sd is 0 and every statistic is the value", "[stats]") {
  const std::vector<double> x = {42};
  const std::vector<double> q = {5, 95};
  std::vector<double> scratch;
  const Summary s = summarize(x, q, scratch);
  CHECK(s.sd == 0);
  CHECK(s.percentiles[0] == 42);
  CHECK(s.ci95[1].first == 42);
  CHECK(s.ci95[1].second == 42);
}

TEST_CASE("a constant column's mean and CVaR are its value, its sd 0, exactly", "[stats]") {
  // 0.1 summed ten times is 0.9999999999999999 in doubles: over 10, an ulp below the value, which
  // a report printed as a mean below the minimum with an sd of 1e-17.
  for (const double v : {0.1, 80252.021624315006, -3.3}) {
    INFO(v);
    const std::vector<double> x(10, v);
    const std::vector<double> q = {50};
    std::vector<double> scratch;
    const Summary s = summarize(x, q, scratch);
    CHECK(s.mean == v);
    CHECK(s.sd == 0);
    CHECK(s.std_error == 0);
    CHECK(s.cvar5 == v);
  }
  // A column that is not constant keeps its mean inside [min, max].
  const std::vector<double> y = {
      0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1000000000000001};
  std::vector<double> scratch;
  const Summary t = summarize(y, std::vector<double>{50}, scratch);
  CHECK(t.mean >= t.min);
  CHECK(t.mean <= t.max);
}

TEST_CASE("CVaR5 averages the ceil(n/20) lowest values", "[stats]") {
  std::vector<double> x;
  for (int i = 1; i <= 41; ++i) x.push_back(i);  // ceil(41/20) = 3 lowest: 1, 2, 3
  std::vector<double> scratch;
  const std::vector<double> q = {50};
  CHECK(summarize(x, q, scratch).cvar5 == 2);
}

TEST_CASE("binomial quantile is the smallest k with CDF >= p", "[stats]") {
  CHECK(binomial_quantile(10, 0.5, 0.025) == 2);
  CHECK(binomial_quantile(10, 0.5, 0.975) == 8);
  CHECK(binomial_quantile(10, 0.0, 0.975) == 0);
  CHECK(binomial_quantile(10, 1.0, 0.025) == 10);
  const auto r = percentile_ci_ranks(10, 100);  // u = 10 + 1 clipped to 10
  CHECK(r.first == 10);
  CHECK(r.second == 10);
}

TEST_CASE("percentile CI ranks answer each (n, q) by its own definition, asked again or not",
          "[stats]") {
  // Each thread keeps its last answers: more pairs than it keeps, asked twice in turn, must each
  // give B^-1(0.025) and B^-1(0.975) + 1 of their own n and q (n = 10, q = 50: 2 and 8 + 1).
  CHECK(percentile_ci_ranks(10, 50) == std::pair<std::uint64_t, std::uint64_t>{2, 9});
  for (int round = 0; round < 2; ++round)
    for (std::uint64_t n : {10, 11, 1000, 1000000})
      for (double q : {5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0}) {
        INFO("n " << n << " q " << q << " round " << round);
        const std::uint64_t l =
            std::clamp<std::uint64_t>(binomial_quantile(n, q / 100, 0.025), 1, n);
        const std::uint64_t u =
            std::clamp<std::uint64_t>(binomial_quantile(n, q / 100, 0.975) + 1, 1, n);
        CHECK(percentile_ci_ranks(n, q) == std::pair{l, u});
      }
  CHECK(percentile_ci_ranks(10, 50) == std::pair<std::uint64_t, std::uint64_t>{2, 9});
}

TEST_CASE("order-statistic CI for the median covers the true median ~95% of the time", "[stats]") {
  // Exact coverage of [X(l), X(u)] is P(l <= B <= u - 1), B ~ Bin(n, 1/2), which
  // is the value the simulated coverage must match within 4 standard errors.
  constexpr std::uint64_t n = 101;
  constexpr int reps = 4000;
  const auto [l, u] = percentile_ci_ranks(n, 50);
  const boost::math::binomial_distribution<> b(n, 0.5);
  const double exact = boost::math::cdf(b, static_cast<double>(u - 1)) -
                       boost::math::cdf(b, static_cast<double>(l - 1));
  CHECK(exact >= 0.95);
  const StreamKey key = make_stream_key(7, "coverage");
  std::vector<double> x(n), scratch;
  const std::vector<double> q = {50};
  int covered = 0;
  for (int r = 0; r < reps; ++r) {
    for (std::uint64_t i = 0; i < n; ++i)
      x[i] = normal_quantile(
          uniform(key, static_cast<std::uint64_t>(r), static_cast<std::uint32_t>(i)));
    const Summary s = summarize(x, q, scratch);
    covered += s.ci95[0].first <= 0.0 && 0.0 <= s.ci95[0].second;
  }
  const double se = std::sqrt(exact * (1 - exact) / reps);
  CHECK(std::fabs(covered / double(reps) - exact) < 4 * se);
}

TEST_CASE("select_percentiles agrees with the summary's percentiles", "[stats]") {
  std::vector<double> x = {7, 1, 10, 4, 2, 9, 3, 8, 6, 5};
  const std::vector<double> q = {5, 25, 50, 90};
  const auto p = select_percentiles(x, q);
  REQUIRE(p.size() == 4);
  CHECK(p[0] == Approx(1.45).epsilon(1e-15));
  CHECK(p[1] == Approx(3.25).epsilon(1e-15));
  CHECK(p[2] == Approx(5.5).epsilon(1e-15));
  CHECK(p[3] == Approx(9.1).epsilon(1e-15));
}

TEST_CASE("Spearman rank correlation with ties", "[stats]") {
  // x ranks 1..5; y = 5 6 7 8 7 ranks 1 2 3.5 5 3.5 (mean 3 for both).
  // cov = 4 + 1 + 0 + 2 + 1 = 8; var_x = 10; var_y = 4 + 1 + 0.25 + 4 + 0.25 = 9.5.
  const std::vector<double> x = {1, 2, 3, 4, 5}, y = {5, 6, 7, 8, 7};
  CHECK(*spearman(x, y) == Approx(8 / std::sqrt(95.0)).epsilon(1e-14));
  const std::vector<double> down = {9, 7, 5, 3, 1};
  CHECK(*spearman(x, down) == Approx(-1.0).epsilon(1e-14));
  // A constant (either side) or a single value has no ranks: none, not 0.
  const std::vector<double> flat = {2, 2, 2, 2, 2};
  CHECK_FALSE(spearman(x, flat).has_value());
  CHECK_FALSE(spearman(flat, x).has_value());
  CHECK_FALSE(spearman(std::span(x).first(1), std::span(y).first(1)).has_value());
}

namespace {
// The summary by definition: a full sort, type-7 positions, CI ranks, the tail summed exactly.
void check_against_sort(const std::vector<double>& x, const std::vector<double>& q) {
  std::vector<double> sorted = x, scratch;
  std::sort(sorted.begin(), sorted.end());
  const std::uint64_t n = x.size();
  const Summary s = summarize(x, q, scratch);
  const Moments m = column_moments(x);
  CHECK(s.mean == m.sum / static_cast<double>(n));
  CHECK(s.min == sorted.front());
  CHECK(s.max == sorted.back());
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double h = static_cast<double>(n - 1) * q[i] / 100.0;
    const auto lo = std::min<std::uint64_t>(static_cast<std::uint64_t>(std::floor(h)), n - 1);
    const double frac = lo == n - 1 ? 0.0 : h - static_cast<double>(lo);
    const double want =
        frac == 0.0 ? sorted[lo] : sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
    CHECK(s.percentiles[i] == want);
    const auto [l, u] = percentile_ci_ranks(n, q[i]);
    CHECK(s.ci95[i].first == sorted[l - 1]);
    CHECK(s.ci95[i].second == sorted[u - 1]);
  }
  const std::uint64_t tail = (n + 19) / 20;
  ExactSum t;
  for (std::uint64_t i = 0; i < tail; ++i) t.add(sorted[i]);
  CHECK(s.cvar5 == t.value() / static_cast<double>(tail));
}
}  // namespace

TEST_CASE("long columns with the most ranks the buckets take give a full sort's percentiles",
          "[stats]") {
  // 60 far-apart ranks (q = 1 .. 60 of 200,001 values, no CIs: each an exact position) of a
  // column with ties, so that every edge is followed by its successor: the most edges the
  // buckets are planned with. Edges past a byte's buckets would wrap and move every percentile.
  const StreamKey key = make_stream_key(3, "many-ranks");
  const std::size_t n = 200001;
  std::vector<double> x(n), q;
  for (std::size_t i = 0; i < n; ++i)
    x[i] = std::floor(100 * normal_quantile(uniform(key, i, 0))) / 100;
  for (int k = 1; k <= 60; ++k) q.push_back(k);
  std::vector<double> sorted = x, scratch;
  std::sort(sorted.begin(), sorted.end());
  for (int ranks : {60, 31, 32}) {
    INFO("ranks " << ranks);
    const std::vector<double> qs(q.begin(), q.begin() + ranks);
    const Summary s = summarize(x, qs, scratch, false);
    REQUIRE(s.percentiles.size() == qs.size());
    for (std::size_t i = 0; i < qs.size(); ++i) CHECK(s.percentiles[i] == sorted[2000 * (i + 1)]);
  }
}

TEST_CASE("long columns (counted over edges around the ranks) give a full sort's summary",
          "[stats]") {
  // Above 4 chunks summarize() keeps only the values near each needed rank; whatever the
  // pilot sees (random, sorted, reversed, point masses, few distinct values, wide magnitudes)
  // the figures must be those of a full sort.
  const StreamKey key = make_stream_key(3, "long");
  const std::size_t n = 200003;
  const std::vector<double> q = {1, 5, 10, 25, 50, 75, 90, 95, 99};
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = normal_quantile(uniform(key, i, 0));
  check_against_sort(x, q);
  // At most 31 ranks (a run's 7 percentiles with CIs): edges 1 sd from each rank as well.
  check_against_sort(x, {5, 10, 25, 50, 75, 90, 95});
  check_against_sort(x, {50});
  std::sort(x.begin(), x.end());
  check_against_sort(x, q);
  std::reverse(x.begin(), x.end());
  check_against_sort(x, q);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = uniform(key, i, 1);
    x[i] = u < 0.6 ? 0.0 : (u < 0.7 ? -250.0 : std::exp(8 * normal_quantile(uniform(key, i, 2))));
  }
  check_against_sort(x, q);
  check_against_sort(x, {5, 10, 25, 50, 75, 90, 95});
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i % 7) - 3;
  check_against_sort(x, q);
  check_against_sort(x, {5, 10, 25, 50, 75, 90, 95});
  for (std::size_t i = 0; i < n; ++i) x[i] = (i % 2 ? 1e300 : -1e-300) * uniform(key, i, 3);
  check_against_sort(x, q);
}

// ChunkMoments overlaps a chunk's second pass with the next chunk's first: it must give the bits of
// chunk_moments() merged chunk by chunk, whatever the chunks' sizes (the next longer or shorter
// than the held one), and start again empty after finish().
TEST_CASE("ChunkMoments gives merged chunk_moments bit for bit", "[stats]") {
  const auto key = make_stream_key(4, "chunk-moments");
  std::vector<double> x;
  for (std::uint64_t i = 0; i < 4 * kSumChunk; ++i) {
    const double u = uniform(key, i, 0);
    x.push_back(u < 0.1 ? 0.0 : u < 0.2 ? -1e9 * u : normal_quantile(u) * 1e5);
  }
  const auto bits = [](double v) { return std::bit_cast<std::uint64_t>(v); };
  ChunkMoments pipeline;
  for (const std::vector<std::size_t>& sizes :
       {std::vector<std::size_t>{kSumChunk, kSumChunk, 100, kSumChunk, 1, 3000, 7},
        std::vector<std::size_t>{1}, std::vector<std::size_t>{5, kSumChunk, kSumChunk}}) {
    Moments want;
    std::size_t at = 0;
    for (std::size_t size : sizes) {
      const std::span<const double> chunk(x.data() + at, size);
      merge_moments(want, chunk_moments(chunk));
      pipeline.add(chunk);
      at += size;
    }
    const Moments got = pipeline.finish();
    CHECK(got.n == want.n);
    CHECK(bits(got.sum) == bits(want.sum));
    CHECK(bits(got.m2) == bits(want.m2));
    CHECK(bits(got.min) == bits(want.min));
    CHECK(bits(got.max) == bits(want.max));
    CHECK(got.positive == want.positive);
    CHECK(got.zero == want.zero);
  }
  CHECK(pipeline.finish().n == 0);
}

TEST_CASE("bucket_of counts the edges at or below x", "[stats]") {
  const StreamKey key = make_stream_key(5, "edges");
  for (std::uint32_t size = 0; size < 40; ++size) {
    std::vector<double> edges;
    for (std::uint32_t k = 0; k < size; ++k)
      edges.push_back(std::floor(100 * uniform(key, size, k)));
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    for (double x = -1; x <= 101; x += 0.5)
      CHECK(bucket_of(edges, x) ==
            static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), x) -
                                     edges.begin()));
  }
}
