// Exact order statistics through bucket counts
// (docs/design.md#16-summaries-that-do-not-depend-on-where-paths-ran,
// docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory).
//
// A column's values are counted over sorted bucket edges; from the counts,
// every rank a summary needs falls in a known bucket, and only those buckets'
// values are kept (a one-value bucket [v, nextafter(v)) gives its value by its
// count alone) and selected exactly. The values below the CVaR cut's bucket
// are summed exactly on the way. So the edges decide how many values are
// kept, never a result: summarize() over a stored column (edges around each
// needed rank) and a two-pass run (edges at pilot quantiles) give the bits
// selection over the whole column gives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "engine/statistics.hpp"

namespace vestsim::engine {

// Bucket b of sorted edges holds [edges[b - 1], edges[b]), with edges[-1] =
// -inf and edges[size] = +inf: b is the number of edges <= x. Branch-free
// (upper_bound, halving [lo, lo + len) while keeping the count).
inline std::size_t bucket_of(std::span<const double> edges, double x) {
  if (edges.empty()) return 0;
  // The comparison feeds arithmetic, not a jump: values in random order would mispredict it.
  const double* e = edges.data();
  std::size_t lo = 0, len = edges.size();
  while (len > 1) {  // a trip count set by the size alone
    const std::size_t half = len / 2;
    lo += static_cast<std::size_t>(e[lo + half - 1] <= x) * half;
    len -= half;
  }
  return lo + static_cast<std::size_t>(e[lo] <= x);
}

// The most edges count_buckets() takes: each bucket is a byte.
inline constexpr std::size_t kMaxEdges = 255;

// bucket_of(edges, x[i]) into buckets[i] for each value, on lanes (engine/lanes.hpp), and one
// more in counts[b] for each value of bucket b. Requires edges sorted, without NaN, at most
// kMaxEdges, and counts to hold edges.size() + 1 entries.
void count_buckets(std::span<const double> edges, std::span<const double> x, std::uint8_t* buckets,
                   std::uint64_t* counts);

// One column between counting and keeping.
struct BucketColumn {
  std::vector<double> edges;          // sorted, unique
  std::vector<std::uint64_t> before;  // before[b]: values in buckets < b (size buckets + 1)
  Moments moments;                    // of the whole column, set by the caller
  RankPlan plan;
  std::vector<int> slot_of;  // bucket -> kept slot, or -1
  std::vector<std::size_t> slot_bucket;
  std::size_t cut = 0;  // values in buckets < cut belong to the CVaR tail
  // The kept buckets alone, for keeping without the bucket: their bounds
  // (sorted, unique), the slot of each bucket between them (-1: not kept), and
  // the cut's lower edge (x < cut_edge exactly when x's bucket is < cut).
  std::vector<double> kept_edges;
  std::vector<int> kept_slot;
  double cut_edge = -std::numeric_limits<double>::infinity();
  bool ranked() const { return !plan.ranks.empty(); }

  // Keeps x (in bucket b) in its slot (slots: one vector per kept bucket)
  // when b is kept, and adds it to `below` when b is below the cut's bucket.
  void keep(double x, std::size_t b, std::vector<std::vector<double>>& slots,
            ExactSum& below) const {
    if (b < cut) below.add(x);
    if (slot_of[b] >= 0) slots[slot_of[b]].push_back(x);
  }
  // The same when x's bucket is not known: a search over the kept bounds alone.
  void keep(double x, std::vector<std::vector<double>>& slots, ExactSum& below) const {
    if (x < cut_edge) below.add(x);
    const int s = kept_slot[bucket_of(kept_edges, x)];
    if (s >= 0) slots[s].push_back(x);
  }
};

// Plans c (edges set) for percentiles q (`full`: CIs and CVaR, as
// plan_ranks) from its bucket counts over n values: which buckets to keep.
// Requires counts.size() == c.edges.size() + 1, summing to n.
void plan_buckets(BucketColumn& c, std::span<const double> q, bool full,
                  std::span<const std::uint64_t> counts, std::uint64_t n);

// The summary from c (moments set), every value of each kept bucket (slots,
// in any order; reordered here) and the exact sum `tail` of the values below
// the cut's bucket.
Summary finish_buckets(const BucketColumn& c, std::vector<std::vector<double>>& slots,
                       ExactSum tail);

}  // namespace vestsim::engine
