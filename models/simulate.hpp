// Runs the futures of a compiled scenario (docs/model.md#2-the-employee to
// docs/model.md#7-outputs-of-one-path) into per-path columns: the block runner around the
// per-company paths (models/company_paths.hpp) and the per-offer pricing
// (models/offer_pricing.hpp). Memory: 8 bytes per path for each of cash and equity per offer (and
// tax per offer when any offer has a regime), 1 byte per path per private company, plus (with
// `timeline`) 4 bytes per path per offer per year. The total per offer and the difference per
// comparison are not stored: SimResult derives them from cash and equity where they are read.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/compiled.hpp"
#include "models/inputs.hpp"
#include "models/path_draws.hpp"

namespace vestsim::models {

// Totals closer than half a cent of the report currency, or than 1e-12 of the larger of them,
// tie (docs/model.md#7-outputs-of-one-path).
inline constexpr double kTieTolerance = 0.005, kTieRelative = 1e-12;

// One path's difference of two totals, x - y, or +0 when they tie: totals are sums of many
// rounded terms, and two offers worth the same amount (a salary paid monthly against the same
// sum at once) differ by about 1e-10 at 1e6, and by 0.125 at 1e15, which would otherwise decide
// P(a beats b).
inline double path_difference(double x, double y) {
  const double d = x - y;
  const double tie = std::max(kTieTolerance, kTieRelative * std::max(std::fabs(x), std::fabs(y)));
  return d < tie && d > -tie ? 0.0 : d;
}

struct SimOptions {
  std::uint64_t paths = 100000;
  int threads = 0;             // 0 = all cores
  std::uint32_t block = 4096;  // never changes results
  bool timeline = false;       // cumulative realised compensation by year (fan chart)
  bool salary_column = false;  // salary + bonus per offer (break-even on base)
  bool record_inputs = false;  // the sampled inputs per path (rank correlations)
  std::atomic<std::uint64_t>* progress = nullptr;  // counts finished paths
  // Share the paths among MPI ranks (engine/mpi.hpp) as whole kSumChunk blocks;
  // the columns are gathered on rank 0 (docs/design.md#18-mpi-runs). Collective.
  bool distribute = false;
};

struct SimResult {
  std::uint64_t paths = 0;
  // [offer][path], report currency, present values.
  std::vector<std::vector<double>> cash, equity, salary_bonus;
  // The offers (a, b) of each comparison, CompiledScenario::compare's: what diff_at derives.
  std::vector<Comparison> compare;
  // [offer][path], PV of the tax charged to the offer, report currency
  // (docs/tax.md#t6-outputs). Allocated and filled only when any offer has a regime
  // (CompiledScenario::has_tax); empty otherwise. An offer without a regime has a column of
  // zeros. after_tax = total - tax is derived in summaries, not stored.
  std::vector<std::vector<double>> tax;
  std::vector<std::vector<std::uint8_t>> outcome;  // [company][path] (Outcome)
  // [offer * timeline_years + y - 1][path]: PV realised by the end of year y.
  std::vector<std::vector<float>> timeline;
  int timeline_years = 0;
  // With record_inputs: [input_slot][path], layout of models/inputs.hpp.
  std::vector<std::vector<double>> inputs;
  double seconds = 0;  // wall time of the path loop

  // The total of offer o on path i (docs/model.md#7-outputs-of-one-path): cash + equity, in that
  // order, so every reader gets the same bits.
  double total_at(std::size_t o, std::uint64_t i) const { return cash[o][i] + equity[o][i]; }
  // total_at less offer o's tax on path i (docs/tax.md#t6-outputs): an offer without a regime
  // has a tax column of +0 (so its total, bit for bit), a run without any regime no column.
  double after_tax_at(std::size_t o, std::uint64_t i) const {
    return tax.empty() ? total_at(o, i) : total_at(o, i) - tax[o][i];
  }
  // The difference of comparison k on path i: path_difference(total(a), total(b)).
  double diff_at(std::size_t k, std::uint64_t i) const {
    return path_difference(total_at(static_cast<std::size_t>(compare[k].a), i),
                           total_at(static_cast<std::size_t>(compare[k].b), i));
  }
  // total_at(o, i) (totals) or diff_at(k, i) (diffs) of paths [begin, end) into
  // out[0 .. end - begin). Requires begin <= end <= paths.
  void totals(std::size_t o, std::uint64_t begin, std::uint64_t end, double* out) const {
    for (std::uint64_t i = begin; i < end; ++i) out[i - begin] = total_at(o, i);
  }
  void diffs(std::size_t k, std::uint64_t begin, std::uint64_t end, double* out) const {
    for (std::uint64_t i = begin; i < end; ++i) out[i - begin] = diff_at(k, i);
  }
  // The whole column of totals of offer o, or of differences of comparison k (allocates).
  std::vector<double> total_column(std::size_t o) const {
    std::vector<double> out(paths);
    totals(o, 0, paths, out.data());
    return out;
  }
  std::vector<double> diff_column(std::size_t k) const {
    std::vector<double> out(paths);
    diffs(k, 0, paths, out.data());
    return out;
  }
};

// Requires options.block > 0 and cs from compile(). Throws std::bad_alloc when
// the columns do not fit; a path never throws. With options.distribute on an
// MPI job of several ranks, only rank 0's result holds every path (the others
// hold their own share, from index 0).
SimResult simulate(const CompiledScenario& cs, const SimOptions& options);

// The columns simulate() allocates for `paths` paths with `options`.
SimResult allocate_result(const CompiledScenario& cs, const SimOptions& options,
                          std::uint64_t paths);

// Simulates ranges of paths exactly as simulate() computes them, with the
// same draws: on the lanes of the selected SIMD target (engine/lanes.hpp), from
// a draw plan made once here, or the scalar reference under VESTSIM_SIMD=scalar.
// For runs that stream chunks of paths instead of storing them all
// (models/studies/run.hpp). `cs` must outlive this. No timeline.
class RangeSimulator {
 public:
  // Requires !options.timeline.
  RangeSimulator(const CompiledScenario& cs, const SimOptions& options);

  // Paths [begin, end), path begin + i at index i of `into`'s columns
  // (allocate_result with the same options, at least end - begin paths). On
  // the calling thread; concurrent calls with different `into` are safe.
  // Allocates one kernel per call (a chunk of paths), nothing per path.
  void run(std::uint64_t begin, std::uint64_t end, SimResult& into) const;

 private:
  const CompiledScenario& cs_;
  SimOptions options_;
  bool lanes_ = false;
  DrawPlan plan_;
};

// One path, for tests and benchmarks (allocates: not for the hot loop).
struct PathValues {
  std::vector<double> cash, equity, salary_bonus;
  std::vector<Outcome> outcome;  // per company
  std::uint64_t draws = 0;       // uniforms consumed
  // Per offer: the PV of the tax charged (report currency; 0 without a regime), and per tax
  // year 1..last the category totals, baseline, charged tax and carry (regime currency,
  // nominal; empty without a regime). docs/tax.md#t2-the-income-of-one-tax-year to
  // docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life.
  std::vector<double> tax;
  std::vector<std::vector<TaxLedger::Year>> tax_years;
};
// Path `path` exactly as simulate() computes it.
PathValues simulate_path(const CompiledScenario& cs, std::uint64_t path);

// Mean uniforms consumed per path over the first `sample` paths, and how many
// of them went through the inverse normal.
struct DrawCounts {
  double uniforms = 0, normals = 0;
};
// Requires sample > 0.
DrawCounts count_draws(const CompiledScenario& cs, std::uint64_t sample);

}  // namespace vestsim::models
