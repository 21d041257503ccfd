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
};

// Simulates `cs` (compiled from `s`) and summarises it. Throws what simulate
// throws (std::bad_alloc when the columns do not fit).
RunStudy run_study(const Scenario& s, const CompiledScenario& cs, const StudyOptions& o = {});

}  // namespace vestsim::models
