#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/columns.hpp"
#include "engine/distributions.hpp"
#include "engine/parallel.hpp"
#include "engine/rng.hpp"
#include "engine/statistics.hpp"

using namespace vestsim::engine;

namespace {

// A toy model: the sum of `streams` lognormal draws per path, plus a block-slot
// reduction of the number of draws above 1.
struct ToyRun {
  std::vector<double> column;
  std::uint64_t above_one = 0;
};

ToyRun run_toy(std::uint64_t paths, std::uint32_t block, int threads, int streams) {
  std::vector<StreamKey> keys;
  for (int s = 0; s < streams; ++s) keys.push_back(make_stream_key(11, "toy/" + std::to_string(s)));
  const Sampler ln = Sampler::lognormal_median(1.0, 0.5);
  ToyRun out;
  out.column.assign(paths, 0.0);
  const BlockPlan plan{paths, block};
  std::vector<std::uint64_t> slots(plan.blocks(), 0);  // one per block, merged in block order
  run_blocks(plan, threads, [&](std::uint64_t b, std::uint64_t begin, std::uint64_t end) {
    std::uint64_t& slot = slots[b];
    for (std::uint64_t i = begin; i < end; ++i) {
      double sum = 0;
      for (const StreamKey& k : keys) {
        const double x = ln(uniform(k, i, 0)) + ln(uniform(k, i, 1));
        slot += x > 2;
        sum += x;
      }
      out.column[i] = sum;
    }
  });
  for (std::uint64_t s : slots) out.above_one += s;
  return out;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("outputs are bitwise identical for 1, 2 and 7 threads and two block sizes", "[runner]") {
  const ToyRun ref = run_toy(50000, 4096, 1, 5);
  for (int threads : {2, 7}) {
    for (std::uint32_t block : {4096u, 1000u}) {
      const ToyRun r = run_toy(50000, block, threads, 5);
      CHECK(bitwise_equal(r.column, ref.column));
      CHECK(r.above_one == ref.above_one);
    }
  }
  std::vector<double> s1, s2;
  const std::vector<double> q = {5, 50, 95};
  const Summary a = summarize(ref.column, q, s1);
  const Summary b = summarize(run_toy(50000, 1000, 7, 5).column, q, s2);
  CHECK(std::memcmp(&a.mean, &b.mean, sizeof(double)) == 0);
  CHECK(std::memcmp(&a.sd, &b.sd, sizeof(double)) == 0);
  CHECK(a.percentiles == b.percentiles);
  CHECK(a.cvar5 == b.cvar5);
}

TEST_CASE("path i draws the same numbers whether a model has one stream or five", "[runner]") {
  const ToyRun one = run_toy(3000, 512, 2, 1);
  const ToyRun five = run_toy(3000, 512, 2, 5);
  // Stream toy/0 contributes the first term of every path's sum in both runs;
  // recompute it directly and compare with the one-stream column.
  const StreamKey k0 = make_stream_key(11, "toy/0");
  const Sampler ln = Sampler::lognormal_median(1.0, 0.5);
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const double direct = ln(uniform(k0, i, 0)) + ln(uniform(k0, i, 1));
    REQUIRE(one.column[i] == direct);
    REQUIRE(five.column[i] != one.column[i]);
  }
}

TEST_CASE("every path is run exactly once", "[runner]") {
  std::vector<int> hits(10007, 0);
  run_blocks(BlockPlan{10007, 333}, 3, [&](std::uint64_t, std::uint64_t b, std::uint64_t e) {
    for (std::uint64_t i = b; i < e; ++i) ++hits[i];
  });
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

TEST_CASE("run_blocks_on_worker runs every path once and names a worker in range", "[runner]") {
  std::vector<int> hits(10007, 0);
  std::vector<int> worker_of(31, -1);      // per block
  std::array<std::atomic<int>, 3> busy{};  // blocks running on each worker
  std::atomic<int> overlaps{0};
  std::atomic<std::uint64_t> done{0};
  run_blocks_on_worker(
      BlockPlan{10007, 333}, 3,
      [&](std::uint64_t block, std::uint64_t b, std::uint64_t e, int worker) {
        if (busy[static_cast<std::size_t>(worker)].fetch_add(1) != 0) ++overlaps;
        for (std::uint64_t i = b; i < e; ++i) ++hits[i];
        worker_of[block] = worker;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        busy[static_cast<std::size_t>(worker)].fetch_sub(1);
      },
      &done);
  CHECK(overlaps.load() == 0);  // a worker's scratch is never shared
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  CHECK(std::all_of(worker_of.begin(), worker_of.end(), [](int w) { return w >= 0 && w < 3; }));
  CHECK(done.load() == 10007);
}

TEST_CASE("resize_fresh gives a zeroed column of the asked size, fresh or not", "[parallel]") {
  // 3 MiB: a whole 2 MiB page inside, wherever the allocation starts.
  constexpr std::size_t kLarge = (std::size_t{3} << 20) / sizeof(double);
  std::vector<double> fresh;
  resize_fresh(fresh, kLarge);
  CHECK(fresh.size() == kLarge);
  CHECK(std::all_of(fresh.begin(), fresh.end(), [](double x) { return x == 0.0; }));
  std::vector<std::uint8_t> small;
  resize_fresh(small, 5);
  CHECK(small == std::vector<std::uint8_t>(5, 0));
  // Not empty: a plain resize, the values kept.
  std::vector<float> used{1.5f, 2.5f};
  resize_fresh(used, 4);
  CHECK(used == std::vector<float>{1.5f, 2.5f, 0.0f, 0.0f});
  advise_huge_pages(nullptr, 0);  // nothing to advise: no effect, no failure
}
