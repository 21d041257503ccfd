#include "models/studies/run.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "engine/mpi.hpp"
#include "engine/parallel.hpp"
#include "engine/two_pass.hpp"
#include "models/run_columns.hpp"
#include "models/summary.hpp"

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

namespace {

// One certainty equivalent the utilities' mean could not carry: offer `offer`'s total, after tax
// when `after`, by a log-sum-exp shifted by `shift` (models/summary.hpp).
struct ShiftedCe {
  std::int32_t offer = 0, after = 0;
  double shift = 0;
};

// Calls fn(ce, which) for the four certainty equivalents of every comparison of `summary`.
template <class Fn>
void for_each_ce(const Scenario& s, RunSummary& summary, Fn fn) {
  for (std::size_t k = 0; k < summary.comparisons.size(); ++k) {
    ComparisonSummary& c = summary.comparisons[k];
    fn(c.ce_a, ShiftedCe{s.compare[k].a, 0});
    fn(c.ce_b, ShiftedCe{s.compare[k].b, 0});
    fn(c.ce_a_after_tax, ShiftedCe{s.compare[k].a, 1});
    fn(c.ce_b_after_tax, ShiftedCe{s.compare[k].b, 1});
  }
}

// The certainty equivalents assemble_summary left NaN (on rank 0), as summarize_run gets them
// from the stored column: one more pass over the paths, moments only, of shifted_utilities.
// Collective: every rank takes part, rank 0 decides what is needed.
void shifted_certainty_equivalents(const Scenario& s, const CompiledScenario& cs,
                                   const RangeSimulator& simulator, std::vector<SimResult>& chunk,
                                   std::vector<std::vector<double>>& scratch, RunSummary& summary) {
  // The column a CE is of: after tax only for an offer with a regime (else its total).
  const auto column = [&](const ShiftedCe& c) {
    const bool after = c.after && s.offers[c.offer].tax.has_value();
    return RunColumn{after ? ColumnKind::kAfterTax : ColumnKind::kTotal, c.offer};
  };
  const auto same = [&](const ShiftedCe& x, const ShiftedCe& y) {
    return x.offer == y.offer && column(x).kind == column(y).kind;
  };
  std::vector<ShiftedCe> need;
  if (engine::mpi::root() && s.risk_aversion > 0)
    for_each_ce(s, summary, [&](double ce, ShiftedCe want) {
      if (!std::isnan(ce)) return;
      const OfferSummary& o = summary.offers[want.offer];
      const engine::Summary& x = column(want).kind == ColumnKind::kAfterTax ? o.after_tax : o.total;
      want.shift = utility_shift(s.risk_aversion > 1 ? x.min : x.max, s.risk_aversion, s.wealth);
      if (std::none_of(need.begin(), need.end(), [&](const ShiftedCe& n) { return same(n, want); }))
        need.push_back(want);
    });
  std::vector<std::byte> bytes(engine::mpi::bytes_of(need).begin(),
                               engine::mpi::bytes_of(need).end());
  engine::mpi::broadcast(bytes);
  need = engine::mpi::values_of<ShiftedCe>(bytes);
  if (need.empty()) return;
  const engine::TwoPassResult r = engine::two_pass_summaries(
      std::vector<engine::ColumnSpec>(need.size(), {{}, false}), 0,
      {.paths = s.paths, .threads = s.threads},
      [&](int w, std::uint64_t begin, std::uint64_t end, double* values, std::uint64_t*) {
        simulator.run(begin, end, chunk[w]);
        for (std::size_t j = 0; j < need.size(); ++j) {
          const std::span<const double> v =
              column_of(s, cs, chunk[w], column(need[j]), 0, end - begin, scratch[w]);
          shifted_utilities(v, s.risk_aversion, s.wealth, need[j].shift,
                            values + j * engine::kSumChunk);
        }
      });
  if (!engine::mpi::root()) return;
  for_each_ce(s, summary, [&](double& ce, const ShiftedCe& want) {
    if (!std::isnan(ce)) return;
    for (std::size_t j = 0; j < need.size(); ++j)
      if (same(need[j], want))
        ce = certainty_equivalent_from_shifted(r.columns[j].mean, need[j].shift, s.risk_aversion,
                                               s.wealth);
  });
}

}  // namespace

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
  if (engine::mpi::root())
    out.summary = assemble_summary(s, cs, table, r.columns, r.tallies, s.paths, s.threads, s.seed);
  shifted_certainty_equivalents(s, cs, simulator, chunk, scratch, out.summary);
  if (!engine::mpi::root()) return out;
  out.summary.two_pass = true;
  out.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace vestsim::models
