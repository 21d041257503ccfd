#include "models/studies/run.hpp"

#include <cassert>
#include <chrono>

#include "engine/mpi.hpp"
#include "engine/parallel.hpp"
#include "engine/two_pass.hpp"
#include "models/run_columns.hpp"

namespace vestsim::models {

SimOptions sim_options(const Scenario& s, const StudyOptions& o) {
  SimOptions opt;
  opt.paths = s.paths;
  opt.threads = s.threads;
  opt.block = s.block;
  opt.timeline = o.timeline;
  opt.salary_column = o.salary_column;
  opt.progress = o.progress;
  return opt;
}

RunStudy run_study(const Scenario& s, const CompiledScenario& cs, const StudyOptions& o) {
  RunStudy out;
  SimOptions opt = sim_options(s, o);
  opt.distribute = true;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  out.result = simulate(cs, opt);
  const auto simulated = Clock::now();
  out.simulate_seconds = std::chrono::duration<double>(simulated - start).count();
  if (!engine::mpi::root()) return out;
  out.summary = summarize_run(s, cs, out.result, s.threads, s.seed);
  out.summary_seconds = std::chrono::duration<double>(Clock::now() - simulated).count();
  return out;
}

RunStudy run_study_two_pass(const Scenario& s, const CompiledScenario& cs, const StudyOptions& o) {
  assert(!o.timeline && !o.salary_column);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<RunColumn> table = run_columns(s, cs);
  std::vector<engine::ColumnSpec> specs;
  for (const RunColumn& c : table) specs.push_back(column_spec(s, c));
  const SimOptions opt = sim_options(s);
  const RangeSimulator simulator(cs, opt);  // the draw plan, made once for every chunk
  // Per worker: one chunk of columns and the utility scratch.
  const int workers = engine::resolve_threads(s.threads);
  std::vector<SimResult> chunk;
  for (int w = 0; w < workers; ++w) chunk.push_back(allocate_result(cs, opt, engine::kSumChunk));
  std::vector<std::vector<double>> scratch(workers);
  const engine::TwoPassOptions two{.paths = s.paths, .threads = s.threads, .progress = o.progress};
  const engine::TwoPassResult r = engine::two_pass_summaries(
      specs, tally_count(cs), two,
      [&](int w, std::uint64_t begin, std::uint64_t end, double* values, std::uint64_t* tallies) {
        simulator.run(begin, end, chunk[w]);
        for (std::size_t k = 0; k < table.size(); ++k) {
          const std::span<const double> v =
              column_of(s, cs, chunk[w], table[k], 0, end - begin, scratch[w]);
          std::copy(v.begin(), v.end(), values + k * engine::kSumChunk);
        }
        add_tallies(chunk[w], end - begin, tallies);
      });
  RunStudy out;
  if (!engine::mpi::root()) return out;
  out.summary = assemble_summary(s, cs, table, r.columns, r.tallies, s.paths, s.threads, s.seed);
  out.summary.two_pass = true;
  out.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace vestsim::models
