// Summaries of one output column (docs/model.md#8-summaries-over-paths,
// docs/design.md#16-summaries-that-do-not-depend-on-where-paths-ran).
//
// A summary is a pure function of the column's values in path order, so an
// in-memory run, a two-pass run (engine/two_pass.hpp) and a run split over
// processes give the same bits:
//   - moments come from per-chunk partials (kSumChunk paths each, sums in path
//     order) merged in chunk order (Chan's pairwise update for the sd);
//   - order statistics are exact (selection, never interpolated buckets);
//   - the CVaR tail is summed exactly (ExactSum), so its order does not matter.
//
// Contracts: percentiles q are in [0, 100] and probabilities in [0, 1]
// (asserted); columns hold no NaN. Nothing throws but std::bad_alloc and,
// from Boost.Math, std::domain_error on a probability outside [0, 1].
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "engine/parallel.hpp"

namespace vestsim::engine {

// Paths per moment chunk: fixed, never the thread count or block size.
inline constexpr std::uint64_t kSumChunk = 1 << 14;

struct Summary {
  std::uint64_t n = 0;
  double mean = 0, sd = 0, std_error = 0, min = 0, max = 0;
  double cvar5 = 0;                             // mean of the ceil(n/20) lowest values
  double p_positive = 0;                        // share of values > 0
  double p_zero = 0;                            // share of values == 0 exactly
  double p_negative = 0;                        // share of values < 0
  std::vector<double> percentiles;              // one per requested q
  std::vector<std::pair<double, double>> ci95;  // [X(l), X(u)] per q
};

// Streamable moments of a run of values: count, sum (in path order within a
// chunk, chunks added in order), sum of squared deviations from the mean,
// extremes and sign counts.
struct Moments {
  std::uint64_t n = 0;
  double sum = 0, m2 = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::uint64_t positive = 0, zero = 0;
};

// The moments of one chunk (at most kSumChunk values, in path order).
Moments chunk_moments(std::span<const double> x);

// Appends `next` (the chunk after those in `into`) to `into`: sums add, m2 by
// Chan's update. Merging the same chunks in the same order gives the same bits.
void merge_moments(Moments& into, const Moments& next);

// The moments of a whole column: its kSumChunk chunks merged in order.
Moments column_moments(std::span<const double> x);

// column_moments() of chunks given one at a time, each chunk's sum of squared deviations (a chain
// of additions that waits on its mean) made in the same loop as the next chunk's sum (another
// chain), so that the two overlap. Each chunk's operations are chunk_moments()', in its order,
// merged in order: the same bits. Keeps a copy of the last chunk (allocates to grow).
class ChunkMoments {
 public:
  void add(std::span<const double> x);  // the next chunk (at most kSumChunk values)
  Moments finish();                     // the moments of every chunk added; then empty again

 private:
  Moments merged_, last_;  // last_: the last chunk's, without its m2
  std::vector<double> held_;
};

// An exact sum of doubles (Shewchuk's non-overlapping partials, as Python's
// math.fsum): value() is the exactly rounded sum whatever the order of the adds.
// Requires finite addends whose partial sums stay finite.
class ExactSum {
 public:
  void add(double x);
  void add(const ExactSum& other);
  void add_multiple(std::uint64_t k, double v);  // k copies of v, exactly (k < 2^53)
  double value() const;
  const std::vector<double>& partials() const { return partials_; }

 private:
  std::vector<double> partials_;
};

// The order statistics a summary of n values needs for percentiles q: each
// type-7 position, each 95% CI (1-based ranks) and, with `full`, the CVaR
// tail; `ranks` is every 0-based rank needed, sorted and unique.
struct RankPlan {
  std::uint64_t n = 0, tail = 0;  // tail = ceil(n/20) with `full`, else 0
  std::vector<std::pair<std::uint64_t, double>> pos;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ci;
  std::vector<std::uint64_t> ranks;
};
// Requires q in [0, 100]. `full` adds the CI ranks and the CVaR cut.
RankPlan plan_ranks(std::uint64_t n, std::span<const double> q, bool full);

// The summary from merged moments, the values at plan.ranks (same order) and
// the exact sum of the plan.tail lowest values. Requires m.n == plan.n.
Summary finish_summary(const Moments& m, const RankPlan& plan, std::span<const double> at_ranks,
                       double tail_sum);

// Summarises x for percentiles q (in [0, 100]). `scratch` is reused storage.
// An empty x gives n = 0 and nothing else. Without `full`: no CI and no CVaR.
Summary summarize(std::span<const double> x, std::span<const double> q,
                  std::vector<double>& scratch, bool full = true);

// The values [begin, end) of a column of n values, in path order: a view of
// stored values, or values computed into `buffer`. Called with end - begin <=
// kSumChunk, and with end == begin + 1 for the pilot; must give the same
// values whenever it is called for the same range.
using ColumnSource = FunctionRef<std::span<const double>(std::uint64_t begin, std::uint64_t end,
                                                         std::vector<double>& buffer)>;

// summarize() of the n values `source` gives, bit for bit, without a copy of
// the column: one pass per kSumChunk chunk gives its moments and keeps only
// the values near each needed rank (brackets from a strided pilot sample; a
// pilot that misses costs a second, exact selection over a copy, never a
// different result). docs/design.md#16-summaries-that-do-not-depend-on-where-paths-ran.
Summary summarize(std::uint64_t n, ColumnSource source, std::span<const double> q,
                  bool full = true);

// Smallest k in [0, n] with P(B <= k) >= p for B ~ Binomial(n, prob).
// Requires prob and p in [0, 1].
std::uint64_t binomial_quantile(std::uint64_t n, double prob, double p);

// 1-based ranks (l, u) of the 95% distribution-free interval for the q-th
// percentile of n values: l = B^-1(0.025), u = B^-1(0.975) + 1, clipped to [1, n].
// Requires n >= 1 and q in [0, 100].
std::pair<std::uint64_t, std::uint64_t> percentile_ci_ranks(std::uint64_t n, double q);

// Partially orders v so that v[r] holds its sorted value for every r in
// `ranks`. Requires ranks sorted ascending, each < v.size().
void select_ranks(std::span<double> v, std::span<const std::uint64_t> ranks);

// Type-7 percentiles q (numpy's default "linear", Hyndman-Fan type 7) of v,
// partially reordering v in place (no copy). An empty v gives an empty result.
std::vector<double> select_percentiles(std::span<double> v, std::span<const double> q);

// Spearman's rank correlation of x and y (average ranks for ties); none when either is constant
// (fewer than two values included): a constant has no ranks to correlate. Reads the first
// min(x.size(), y.size()) values of each.
std::optional<double> spearman(std::span<const double> x, std::span<const double> y);

// Sum of x in path order, in kSumChunk chunks: column_moments(x).sum.
double stable_sum(std::span<const double> x);

// The mean every Summary gives (finish_summary): sum / n held within [min, max], as a sum of n
// values over n can land an ulp outside; a constant column its value exactly. Requires m.n >= 1.
double mean_of(const Moments& m);
// mean_of(column_moments(x)) without the second moments. Requires a non-empty x.
double column_mean(std::span<const double> x);

}  // namespace vestsim::engine
