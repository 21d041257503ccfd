// Runs that stop at a precision (docs/design.md#19-runs-that-stop-at-a-precision).
//
// A target names a reported quantity and the 95% CI half-width it must reach.
// The run grows in whole kSumChunk blocks, in path order, until every target
// holds or a path cap is reached. Path i does not depend on how many paths a
// run has, so a run that stops at N paths reports exactly what --paths N does.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/summary.hpp"

namespace vestsim::models {

struct PrecisionTarget {
  std::string name;  // one of precision_names()
  double half_width = 0;
};

// The quantities a target may name, each with what its half-width is:
//   p_win      P(a beats b), every comparison: Wilson score interval
//   mean_diff  mean of diff = a - b (0 for a tie, docs/model.md#7-outputs-of-one-path), every
//              comparison: 1.96 x standard error
//   p50_diff   median of diff, every comparison: half the distribution-free 95% CI
//   mean_total mean total, every offer: 1.96 x standard error
//   p50_total  median total, every offer: half the distribution-free 95% CI
// A target holds when the largest half-width over comparisons (offers) is below it.
const std::vector<std::string_view>& precision_names();

// "p_win=0.002,p50_diff=1000" -> targets, each name once, each value > 0.
// nullopt with `error` set for anything else.
// The first of `targets` a run would refuse given these report percentiles: a p50 target when 50
// is not among them (precision_half_width() needs it); nullptr when none.
const PrecisionTarget* p50_without_p50(const std::vector<PrecisionTarget>& targets,
                                       const std::vector<double>& percentiles);
// The same of the targets in `text`, said: "p50_diff needs 50 among report.percentiles", or ""
// (also for text that does not parse: its own error says so).
std::string p50_problem(std::string_view text, const std::vector<double>& percentiles);

std::optional<std::vector<PrecisionTarget>> parse_precision(std::string_view text,
                                                            std::string& error);

// The 95% CI half-width of `name` in s (the largest over comparisons or
// offers, before tax and, with a regime, after tax; 0 when there are none). Requires a name of
// precision_names() and, for the p50 names, 50 among s.percentiles.
double precision_half_width(const RunSummary& s, std::string_view name);

// For two offers' totals a and b compared path by path (a break-even's
// solution, docs/design.md#19-runs-that-stop-at-a-precision), what
// precision_half_width gives for a run comparing them: p_win, mean_diff and
// p50_diff on path_difference(a, b) (models/simulate.hpp); mean_total and p50_total the larger of
// a's and b's. Requires a name of precision_names() and a.size() == b.size() >= 1.
double pair_half_width(std::span<const double> a, std::span<const double> b, std::string_view name);

// The quantity `name` measures, on a's side where only a moves: P(a beats b),
// mean and median of path_difference(a, b), mean and median of a. Requirements as pair_half_width.
double pair_quantity(std::span<const double> a, std::span<const double> b, std::string_view name);

// The paths of the next batch after a run of `paths` that reached `reached`
// (one per target): enough, by the 1/sqrt(n) law and 10% more, for the worst
// target, rounded up to whole kSumChunk blocks, at least one block more and
// at most max_paths; a target whose half-width is not finite (undefined at so few paths) asks
// for twice the paths. Requires paths < max_paths.
std::uint64_t next_paths(std::uint64_t paths, const std::vector<PrecisionTarget>& targets,
                         const std::vector<double>& reached, std::uint64_t max_paths);

}  // namespace vestsim::models
