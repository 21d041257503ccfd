// The run study: simulate a compiled scenario and summarise it, the work
// behind `vestsim run` and the first step of every other study.
#pragma once

#include <atomic>
#include <cstdint>

#include "models/compiled.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"

namespace vestsim::models {

// What a study keeps besides the totals; none of it changes any figure.
struct StudyOptions {
  bool timeline = false;       // cumulative realised compensation by year (fan chart)
  bool salary_column = false;  // salary + bonus per offer (break-even on base)
  std::atomic<std::uint64_t>* progress = nullptr;  // counts finished paths
};

// The simulation options of `s`: its paths, threads and block size, plus `o`.
SimOptions sim_options(const Scenario& s, const StudyOptions& o = {});

struct RunStudy {
  SimResult result;    // the per-path columns
  RunSummary summary;  // what every run report prints
  // Wall time: simulate() whole (the columns' allocation, the paths, an MPI gather) and the
  // summaries (rank 0; 0 elsewhere). result.seconds is the paths and the gather alone.
  double simulate_seconds = 0, summary_seconds = 0;
};

// Simulates `cs` (compiled from `s`) and summarises it. On an MPI job the
// paths are shared among the ranks (SimOptions::distribute) and only rank 0
// gets the columns and the summary. Collective. Throws what simulate throws
// (std::bad_alloc when the columns do not fit).
RunStudy run_study(const Scenario& s, const CompiledScenario& cs, const StudyOptions& o = {});

// The summary run_study gives, bit for bit, without storing the columns:
// every chunk of paths is simulated twice (engine/two_pass.hpp,
// docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory). The
// result holds no paths and the summary no fan chart (o.timeline and
// o.salary_column are not available). o.progress counts both passes. On an
// MPI job the chunks are shared among ranks; only rank 0 gets the summary.
// Collective. Throws std::bad_alloc.
RunStudy run_study_two_pass(const Scenario& s, const CompiledScenario& cs,
                            const StudyOptions& o = {});

}  // namespace vestsim::models
