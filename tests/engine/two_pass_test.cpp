// Streamed summaries (engine/two_pass.hpp) against summarize() on the stored
// column: the same bits, whatever the bucket edges, threads or point masses.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "engine/statistics.hpp"
#include "engine/two_pass.hpp"

using namespace vestsim::engine;

namespace {

// Three columns of n values: a skewed continuous one, one with a point mass
// at 0 (40%) and ties, and one with huge and tiny magnitudes mixed.
std::vector<std::vector<double>> toy_columns(std::uint64_t n) {
  const StreamKey key = make_stream_key(3, "two-pass");
  std::vector<std::vector<double>> c(3, std::vector<double>(n));
  for (std::uint64_t i = 0; i < n; ++i) {
    const double z = normal_quantile(uniform(key, i, 0)), u = uniform(key, i, 1);
    c[0][i] = std::exp(z) * 1000;
    c[1][i] = u < 0.4 ? 0.0 : std::floor(u * 10) * 250;
    c[2][i] = u < 0.5 ? z * 1e12 : z * 1e-6;
  }
  return c;
}

void check_same(const Summary& a, const Summary& b) {
  CHECK(a.n == b.n);
  CHECK(a.mean == b.mean);
  CHECK(a.sd == b.sd);
  CHECK(a.min == b.min);
  CHECK(a.max == b.max);
  CHECK(a.cvar5 == b.cvar5);
  CHECK(a.p_positive == b.p_positive);
  CHECK(a.p_zero == b.p_zero);
  CHECK(a.percentiles == b.percentiles);
  CHECK(a.ci95 == b.ci95);
}

}  // namespace

TEST_CASE("two-pass summaries equal the in-memory ones bit for bit", "[two_pass]") {
  const std::uint64_t n = 70001;  // 5 chunks, the last one short
  const auto cols = toy_columns(n);
  const std::vector<double> q = {0, 1, 5, 50, 95, 99, 100};
  const std::vector<ColumnSpec> specs = {{q, true}, {q, true}, {q, true}, {{}, false}};
  const auto fill = [&](int, std::uint64_t begin, std::uint64_t end, double* v, std::uint64_t* t) {
    for (std::uint64_t i = begin; i < end; ++i) {
      for (std::size_t k = 0; k < 3; ++k) v[k * kSumChunk + i - begin] = cols[k][i];
      v[3 * kSumChunk + i - begin] = cols[0][i];
      t[0] += cols[1][i] == 0;
    }
  };
  // Pilots from 1 path (one bucket edge) to all of them; 1 and 2 threads.
  for (const auto& [pilot, buckets, threads] :
       std::vector<std::tuple<std::uint64_t, std::size_t, int>>{
           {1, 16, 1}, {1000, 64, 2}, {65536, 16384, 2}, {n, 4, 1}}) {
    const TwoPassResult r = two_pass_summaries(
        specs, 1, {.paths = n, .threads = threads, .pilot = pilot, .buckets = buckets}, fill);
    std::vector<double> scratch;
    for (std::size_t k = 0; k < 3; ++k) check_same(r.columns[k], summarize(cols[k], q, scratch));
    check_same(r.columns[3], summarize(cols[0], {}, scratch, false));
    CHECK(r.tallies[0] ==
          static_cast<std::uint64_t>(std::count(cols[1].begin(), cols[1].end(), 0.0)));
  }
}

TEST_CASE("moments alone take one pass over the paths", "[two_pass]") {
  // No column ranked: neither the pilot nor pass 2 is needed; every chunk is produced once.
  const std::uint64_t n = 70001;
  const auto cols = toy_columns(n);
  std::atomic<std::uint64_t> produced{0};
  const auto fill = [&](int, std::uint64_t begin, std::uint64_t end, double* v, std::uint64_t*) {
    produced += end - begin;
    for (std::uint64_t i = begin; i < end; ++i) v[i - begin] = cols[2][i];
  };
  const TwoPassResult r = two_pass_summaries({{{}, false}}, 0, {.paths = n, .threads = 2}, fill);
  CHECK(produced == n);
  std::vector<double> scratch;
  check_same(r.columns[0], summarize(cols[2], {}, scratch, false));
  CHECK(r.columns[0].mean == column_mean(cols[2]));
}

TEST_CASE("column_mean is the summary's mean: held in [min, max], a constant's value", "[stats]") {
  // 0.1 + 0.1 + 0.1 is 0.30000000000000004, over 3 0.10000000000000002: above the column's max.
  const std::vector<double> tenth(3, 0.1);
  CHECK(stable_sum(tenth) / 3 != 0.1);  // the test can fail
  CHECK(column_mean(tenth) == 0.1);
  std::vector<double> scratch;
  CHECK(summarize(tenth, {}, scratch, false).mean == 0.1);
  const std::vector<double> x{1, 2, 4};
  CHECK(column_mean(x) == 7.0 / 3);
}

TEST_CASE("moments merged by chunk: mean and sd of a known column", "[stats]") {
  // 0, 1, ..., 40000 - 1 over three chunks: mean (n - 1) / 2, variance n (n + 1) / 12.
  std::vector<double> x(40000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
  const Moments m = column_moments(x);
  const double n = 40000;
  CHECK(m.sum == n * (n - 1) / 2);  // every partial sum is an exact integer
  CHECK(m.m2 / (n - 1) == Approx(n * (n + 1) / 12).epsilon(1e-14));
  CHECK(m.min == 0);
  CHECK(m.max == n - 1);
}

TEST_CASE("ExactSum is exact whatever the order", "[stats]") {
  // 1e16 + 1 - 1e16 is 1 exactly; plain left-to-right doubles give 0.
  ExactSum a, b;
  for (double v : {1e16, 1.0, -1e16}) a.add(v);
  for (double v : {-1e16, 1e16, 1.0}) b.add(v);
  CHECK(a.value() == 1.0);
  CHECK(b.value() == 1.0);
  // 0.1 is 3602879701896397 / 2^55. Ten of them: exactly 1 + 2 / 2^55 = 1 + 2^-54,
  // less than half an ulp of 1 (2^-53) above it, so the sum rounds to 1.0
  // (left to right, plain doubles give 0.9999999999999999).
  ExactSum c;
  for (int i = 0; i < 10; ++i) c.add(0.1);
  CHECK(c.value() == 1.0);
  // Three of them at once: exactly 10808639105689191 / 2^55, halfway between the
  // doubles 5404319552844595 / 2^54 (0.3) and 5404319552844596 / 2^54; ties go to
  // the even one, 0.30000000000000004.
  ExactSum d;
  d.add_multiple(3, 0.1);
  CHECK(d.value() == 0.30000000000000004);
  // Less the double 0.3 (10808639105689190 / 2^55): exactly 2^-55.
  ExactSum e;
  e.add(d);
  e.add(-0.3);
  CHECK(e.value() == 0x1p-55);
}
