// `vestsim bench [SCENARIO]`: paths per second on the built-in scenario or a file, against the
// random-number limit.
#include <chrono>
#include <iostream>
#include <thread>

#include "engine/lanes.hpp"
#include "engine/parallel.hpp"
#include "models/studies/run.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/rng_bound.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/bench.hpp"

namespace vestsim::tools {

using namespace vestsim::models;

int bench_command(const BenchOptions& o) {
  SimulationFlags flags;
  flags.paths = o.paths;
  flags.threads = o.threads;
  Scenario s = load_or_throw(o.scenario, overrides_of(flags));
  s.threads = engine::resolve_threads(s.threads);
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const CompiledScenario cs = compile(s, s.seed);
  check_memory(s.paths, column_bytes(cs, false));
  const RunStudy run = run_study(s, cs);  // the summary is part of the end-to-end time
  const double end_to_end = std::chrono::duration<double>(Clock::now() - t0).count();
  // Counting draws runs 20,000 reference paths: not part of a run, so not of its time.
  const DrawCounts draws = count_draws(cs, 20000);
  // The same paths with the scalar reference draws, then back to the lanes.
  const engine::SimdTarget lanes = engine::simd_target();
  engine::set_simd_target(engine::SimdTarget::kScalar);
  const double scalar_seconds = simulate(cs, sim_options(s)).seconds;
  engine::set_simd_target(lanes);
  BenchResult b{
      .scenario = s.name,
      .paths = s.paths,
      .threads = s.threads,
      .cores = static_cast<int>(std::thread::hardware_concurrency()),
      .seconds = run.result.seconds,
      .end_to_end_seconds = end_to_end,
      .columns_seconds = run.simulate_seconds - run.result.seconds,
      .summary_seconds = run.summary_seconds,
      .draws_per_path = draws.uniforms,
      .normals_per_path = draws.normals,
      .rng_seconds = rng_only_seconds(s.paths, draws.uniforms, draws.normals, s.threads, s.block),
      .simd = std::string(engine::simd_target_name(lanes)),
      .scalar_seconds = scalar_seconds};
  std::cout << bench_report(b, o.format);
  return 0;
}

}  // namespace vestsim::tools
