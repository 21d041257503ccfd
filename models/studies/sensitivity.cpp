#include "models/studies/sensitivity.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/mpi.hpp"
#include "engine/statistics.hpp"

namespace vestsim::models {

namespace {

struct Point {
  double median = 0, win = 0;
};

// The median difference and P(a beats b) on `basis`; `keep` (when given) receives the run.
Point measure(const CompiledScenario& c, Comparison cmp, Basis basis, std::uint64_t paths,
              int threads, bool record, SimResult* keep, std::atomic<std::uint64_t>* progress) {
  SimOptions o;
  o.paths = paths;
  o.threads = threads;
  o.record_inputs = record;
  SimResult r = simulate(c, o);
  if (progress) progress->fetch_add(1);
  std::vector<double> d = basis_diff(r, cmp.a, cmp.b, basis);
  std::size_t wins = 0;
  for (double x : d) wins += x > 0;
  const double q[] = {50};
  Point p{engine::select_percentiles(d, q)[0],
          static_cast<double>(wins) / static_cast<double>(paths)};
  if (keep) *keep = std::move(r);
  return p;
}

}  // namespace

TornadoResult run_sensitivity(const Scenario& s, Comparison cmp, std::uint64_t paths, int threads,
                              double q_low, double q_high, std::atomic<std::uint64_t>* progress,
                              Basis basis) {
  assert(cmp.a >= 0 && cmp.a < static_cast<int>(s.offers.size()));
  assert(cmp.b >= 0 && cmp.b < static_cast<int>(s.offers.size()));
  assert(paths > 0 && q_low > 0 && q_low < 1 && q_high > 0 && q_high < 1);
  Scenario one = s;
  one.compare = {cmp};
  CompiledScenario base = compile(one, one.seed);
  TornadoResult out;
  out.a = s.offers[cmp.a].id;
  out.b = s.offers[cmp.b].id;
  out.currency = s.currency;
  out.q_low = q_low;
  out.q_high = q_high;
  out.basis = basis;
  out.regimes = regime_labels(s);
  // Run 0 is the base (inputs recorded, for the rank correlations), run 1 + 2i
  // (2 + 2i) holds input i at q_low (q_high). On an MPI job run j belongs to
  // rank j % ranks; rank 0 gets every figure (docs/design.md#18-mpi-runs).
  const std::vector<UncertainInput> inputs = uncertain_inputs(one);
  const std::size_t runs = 1 + 2 * inputs.size();
  const auto ranks = static_cast<std::size_t>(engine::mpi::size());
  std::vector<Point> points(runs);
  SimResult main_run;
  std::vector<double> figures;  // this rank's points, in its order
  for (std::size_t j = static_cast<std::size_t>(engine::mpi::rank()); j < runs; j += ranks) {
    CompiledScenario pinned = base;
    if (j > 0) pin_input(pinned, inputs[(j - 1) / 2], j % 2 == 1 ? q_low : q_high);
    points[j] =
        measure(pinned, cmp, basis, paths, threads, j == 0, j == 0 ? &main_run : nullptr, progress);
    figures.insert(figures.end(), {points[j].median, points[j].win});
  }
  if (ranks > 1) {
    const std::vector<double> all =
        engine::mpi::values_of<double>(engine::mpi::gather(engine::mpi::bytes_of(figures)));
    if (!engine::mpi::root()) return out;
    std::size_t at = 0;
    for (std::size_t r = 0; r < ranks; ++r)
      for (std::size_t j = r; j < runs; j += ranks, at += 2) points[j] = {all[at], all[at + 1]};
  }
  const std::vector<double> main_diff = basis_diff(main_run, cmp.a, cmp.b, basis);
  out.median_base = points[0].median;
  out.win_base = points[0].win;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const UncertainInput& in = inputs[i];
    TornadoBar bar;
    bar.input = in.name;
    CompiledScenario lo = base, hi = base;
    bar.low_value = pin_input(lo, in, q_low);
    bar.high_value = pin_input(hi, in, q_high);
    bar.median_low = points[1 + 2 * i].median;
    bar.median_high = points[2 + 2 * i].median;
    bar.win_low = points[1 + 2 * i].win;
    bar.win_high = points[2 + 2 * i].win;
    // A parameter (or an unrecorded input) has no per-path value to rank: 0, marked n/a.
    if (in.slot >= 0 && paths >= 2) {  // one path has no ranks to correlate
      const std::optional<double> rho = engine::spearman(main_run.inputs[in.slot], main_diff);
      bar.spearman = rho.value_or(0.0);
      bar.constant = !rho;
    }
    bar.has_spearman = in.slot >= 0 && paths >= 2 && !bar.constant;
    out.bars.push_back(bar);
  }
  std::stable_sort(out.bars.begin(), out.bars.end(), [](const TornadoBar& x, const TornadoBar& y) {
    return std::fabs(x.swing()) > std::fabs(y.swing());
  });
  return out;
}

}  // namespace vestsim::models
