// The sweep study (issue: negotiation analytics): P(a beats b) and the
// medians at every point of a grid of one or two scenario values, each point
// simulated on the same futures (same seed: common random numbers).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/studies/basis.hpp"

namespace vestsim::models {

// One varied scalar: a key path as for overrides, and its values in order.
struct SweepAxis {
  std::string path;
  std::vector<double> values;
};

// FROM, FROM + STEP, ... up to TO (within 1e-9 STEP; a last point that close to TO is TO).
// Requires step > 0 and to >= from.
std::vector<double> sweep_values(double from, double to, double step);

// Every combination of the axes' values, row-major (last axis fastest).
// Requires 1 or 2 non-empty axes.
std::vector<std::vector<double>> sweep_points(const std::vector<SweepAxis>& axes);

struct SweepPoint {
  std::vector<double> values;  // one per varied parameter
  double p_a_beats_b = 0, p50_a = 0, p50_b = 0, p50_diff = 0;
};

struct SweepResult {
  std::string scenario, currency, a, b;
  std::vector<std::string> params;  // the varied key paths
  std::vector<std::vector<double>> grids;
  std::vector<SweepPoint> points;  // row-major over grids (last parameter fastest)
  std::uint64_t paths = 0, seed = 0;
  Basis basis = Basis::kPreTax;      // the totals every point compares
  std::vector<std::string> regimes;  // regime_labels() of the first point's scenario
  bool sobol = false;                // simulation.sampler (or --sampler) is sobol
};

// Simulates scenarios[k], the scenario at sweep_points(axes)[k], comparing
// offers cmp.a and cmp.b. Points run in parallel (engine::for_each_index on
// the first scenario's threads), each on one thread, so results do not depend
// on the thread count. Every figure is on `basis` (basis_total, basis_diff).
// On an MPI job point k runs on rank k % ranks (a static assignment) and the
// result is complete on rank 0 only (collective). `progress`, if given,
// counts this rank's finished points.
// Requires one scenario per point, all with the same offers.
SweepResult run_sweep(const std::vector<Scenario>& scenarios, const std::vector<SweepAxis>& axes,
                      Comparison cmp, Basis basis = Basis::kPreTax,
                      std::atomic<std::uint64_t>* progress = nullptr);

}  // namespace vestsim::models
