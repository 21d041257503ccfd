#include "engine/bucket_summary.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>

#include "engine/lanes.hpp"

namespace vestsim::engine {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A bucket [v, nextafter(v)) holds only v: its values are known without keeping them.
bool singleton(const std::vector<double>& edges, std::size_t b) {
  return b >= 1 && b < edges.size() && edges[b] == std::nextafter(edges[b - 1], kInf);
}

std::size_t bucket_of_rank(const BucketColumn& c, std::uint64_t r) {
  // The last bucket b with before[b] <= r.
  return static_cast<std::size_t>(std::upper_bound(c.before.begin(), c.before.end(), r) -
                                  c.before.begin()) -
         1;
}

}  // namespace

void count_buckets(std::span<const double> edges, std::span<const double> x, std::uint8_t* buckets,
                   std::uint64_t* counts) {
  assert(edges.size() <= kMaxEdges);
  // On lanes, a search of the value's group of edges (AVX-512, AVX2) or a comparison with every
  // edge (SSE4). The binary search is cheaper on the scalar target, and past 64 edges than SSE4's
  // two lanes (bench/vestsim_bench --benchmark_filter=Buckets/[01]: at 84 edges the same, at 255
  // 2.5 times faster).
  const SimdTarget target = simd_target();
  if (target == SimdTarget::kScalar || (target == SimdTarget::kSse4 && edges.size() > 64))
    for (std::size_t i = 0; i < x.size(); ++i)
      buckets[i] = static_cast<std::uint8_t>(bucket_of(edges, x[i]));
  else
    lanes_buckets(edges, x.data(), x.size(), buckets);
  // Four tallies in turn: most values fall in a few wide buckets, and one tally would wait on
  // its own last increment of the same entry.
  const std::size_t size = edges.size() + 1;
  std::array<std::array<std::uint64_t, kMaxEdges + 1>, 4> part{};
  std::size_t i = 0;
  for (; i + 4 <= x.size(); i += 4)
    for (std::size_t k = 0; k < 4; ++k) ++part[k][buckets[i + k]];
  for (; i < x.size(); ++i) ++part[0][buckets[i]];
  for (std::size_t b = 0; b < size; ++b)
    counts[b] += part[0][b] + part[1][b] + part[2][b] + part[3][b];
}

void plan_buckets(BucketColumn& c, std::span<const double> q, bool full,
                  std::span<const std::uint64_t> counts, std::uint64_t n) {
  assert(counts.size() == c.edges.size() + 1);
  c.plan = plan_ranks(n, q, full);
  c.slot_of.assign(counts.size(), -1);
  c.kept_slot.assign(1, -1);  // nothing kept until planned
  c.cut_edge = -kInf;
  c.slot_bucket.clear();
  c.cut = 0;
  if (!c.ranked()) return;
  c.before.assign(counts.size() + 1, 0);
  for (std::size_t b = 0; b < counts.size(); ++b) c.before[b + 1] = c.before[b] + counts[b];
  assert(c.before.back() == n);
  for (std::uint64_t r : c.plan.ranks) {
    const std::size_t b = bucket_of_rank(c, r);
    if (singleton(c.edges, b) || c.slot_of[b] >= 0) continue;
    c.slot_of[b] = static_cast<int>(c.slot_bucket.size());
    c.slot_bucket.push_back(b);
  }
  if (c.plan.tail > 0) c.cut = bucket_of_rank(c, c.plan.tail - 1);
  c.cut_edge = c.cut >= 1 ? c.edges[c.cut - 1] : -kInf;
  // Every kept bucket's bounds are kept edges, so each kept bucket is one bucket between them.
  c.kept_edges.clear();
  for (std::size_t b : c.slot_bucket) {
    if (b >= 1) c.kept_edges.push_back(c.edges[b - 1]);
    if (b < c.edges.size()) c.kept_edges.push_back(c.edges[b]);
  }
  std::sort(c.kept_edges.begin(), c.kept_edges.end());
  c.kept_edges.erase(std::unique(c.kept_edges.begin(), c.kept_edges.end()), c.kept_edges.end());
  c.kept_slot.assign(c.kept_edges.size() + 1, -1);
  for (std::size_t s = 0; s < c.slot_bucket.size(); ++s) {
    const std::size_t b = c.slot_bucket[s];
    c.kept_slot[b >= 1 ? bucket_of(c.kept_edges, c.edges[b - 1]) : 0] = static_cast<int>(s);
  }
}

Summary finish_buckets(const BucketColumn& c, std::vector<std::vector<double>>& slots,
                       ExactSum tail) {
  assert(slots.size() == c.slot_bucket.size());
  // Select, inside each kept bucket, the offsets of the ranks it holds.
  std::vector<std::vector<std::uint64_t>> offsets(slots.size());
  for (std::uint64_t r : c.plan.ranks) {
    const std::size_t b = bucket_of_rank(c, r);
    if (c.slot_of[b] >= 0) offsets[c.slot_of[b]].push_back(r - c.before[b]);
  }
  const std::uint64_t cut_offset = c.plan.tail > 0 ? c.plan.tail - 1 - c.before[c.cut] : 0;
  if (c.plan.tail > 0 && c.slot_of[c.cut] >= 0) offsets[c.slot_of[c.cut]].push_back(cut_offset);
  for (std::size_t s = 0; s < slots.size(); ++s) {
    std::sort(offsets[s].begin(), offsets[s].end());
    offsets[s].erase(std::unique(offsets[s].begin(), offsets[s].end()), offsets[s].end());
    assert(slots[s].size() == c.before[c.slot_bucket[s] + 1] - c.before[c.slot_bucket[s]]);
    select_ranks(slots[s], offsets[s]);
  }
  std::vector<double> at_ranks;
  for (std::uint64_t r : c.plan.ranks) {
    const std::size_t b = bucket_of_rank(c, r);
    at_ranks.push_back(c.slot_of[b] >= 0 ? slots[c.slot_of[b]][r - c.before[b]] : c.edges[b - 1]);
  }
  if (c.plan.tail > 0) {
    // The tail: every value below the cut bucket, then the lowest of the cut bucket.
    if (c.slot_of[c.cut] < 0) {
      tail.add_multiple(cut_offset + 1, c.edges[c.cut - 1]);
    } else {
      const std::vector<double>& v = slots[c.slot_of[c.cut]];
      for (std::uint64_t i = 0; i <= cut_offset; ++i) tail.add(v[i]);
    }
  }
  return finish_summary(c.moments, c.plan, at_ranks, tail.value());
}

}  // namespace vestsim::engine
