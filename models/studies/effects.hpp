// What the markets do to a run (docs/model.md#m7-what-correlation-and-tenders-change): the
// same futures simulated again with one feature changed, so that a report can say how much
// the scenario's correlations and tenders move its answers.
//
// - Independent markets: the correlation factor L is replaced by the identity. Every driver
//   keeps its own normals and its month indexing (docs/model.md#m1-drivers-and-correlation),
//   so only the dependence between drivers changes: z(m) = eps(m).
// - No tenders: every tender window stays closed (probability 0). The tender draws come from
//   their own streams, so nothing else on a path changes.
//
// Both are clean counterfactuals on common random numbers: the change in P(a beats b) is
// measured path by path, with the standard error of the paired difference. They are run at
// most kEffectPaths paths (the first paths of the run) and only by `vestsim run`, never
// inside the loops of sweep, sensitivity or breakeven.
#pragma once

#include <cstdint>

#include "models/compiled.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"

namespace vestsim::models {

// The most paths a counterfactual simulates (each costs one run of that many paths).
inline constexpr std::uint64_t kEffectPaths = 100000;

// `cs` with the correlation factor replaced by the identity (same drivers, same streams).
CompiledScenario independent_markets(CompiledScenario cs);

// `cs` with every tender window closed.
CompiledScenario without_tenders(CompiledScenario cs);

// True when `s` has correlations, or a company with tenders on which some offer holds a grant.
bool has_market_effects(const Scenario& s);

// Fills summary.comparisons[k].independent (when s has correlations), .no_tenders and
// summary.offers[o].tenders (when a company with tenders is held) from min(summary.paths,
// kEffectPaths) paths at s.seed. `stored` is the run's columns when it kept them (empty
// otherwise); they stand for the scenario as given when they hold exactly that many paths,
// else those paths are simulated again. Requires summary from a run of `s` (same offers and
// comparisons) and summary.paths > 0. Not collective: call it on one MPI rank. Throws what
// compile() and simulate() throw.
void add_market_effects(const Scenario& s, const SimResult& stored, RunSummary& summary);

}  // namespace vestsim::models
