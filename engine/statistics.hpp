// Summaries of one output column (docs/model.md#8-summaries-over-paths).
//
// Exact order statistics from the stored column: memory is one scratch copy
// of the column (8 bytes per path) while a column is summarised. Sums run in
// path order in fixed chunks, so a summary depends only on the column's
// values, never on threads or block size.
//
// Contracts: percentiles q are in [0, 100] and probabilities in [0, 1]
// (asserted); columns hold no NaN. Nothing throws but std::bad_alloc and,
// from Boost.Math, std::domain_error on a probability outside [0, 1].
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace vestsim::engine {

struct Summary {
  std::uint64_t n = 0;
  double mean = 0, sd = 0, std_error = 0, min = 0, max = 0;
  double cvar5 = 0;                             // mean of the ceil(n/20) lowest values
  double p_positive = 0;                        // share of values > 0
  double p_zero = 0;                            // share of values == 0 exactly
  std::vector<double> percentiles;              // one per requested q
  std::vector<std::pair<double, double>> ci95;  // [X(l), X(u)] per q
};

// Summarises x for percentiles q (in [0, 100]). `scratch` is reused storage.
// An empty x gives n = 0 and nothing else.
Summary summarize(std::span<const double> x, std::span<const double> q,
                  std::vector<double>& scratch);

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

// Spearman's rank correlation of x and y (average ranks for ties; 0 when
// either is constant). Reads the first min(x.size(), y.size()) values of each.
double spearman(std::span<const double> x, std::span<const double> y);

// Sum of x in path order, in fixed chunks: the same bits for the same column.
double stable_sum(std::span<const double> x);

}  // namespace vestsim::engine
