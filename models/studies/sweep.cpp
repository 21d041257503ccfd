#include "models/studies/sweep.hpp"

#include <cassert>
#include <cmath>

#include "engine/mpi.hpp"
#include "engine/parallel.hpp"
#include "models/compiled.hpp"
#include "models/studies/run.hpp"
#include "models/summary.hpp"

namespace vestsim::models {

std::vector<double> sweep_values(double from, double to, double step) {
  assert(step > 0 && to >= from);
  std::vector<double> grid;
  // x - to, not x <= to + 1e-9 step: near the largest double, to + 1e-9 step is infinite and
  // would let the grid grow forever; an x past it is infinite and x - to stops the grid too.
  for (int k = 0;; ++k) {
    const double x = from + k * step;
    if (!(x - to <= 1e-9 * step)) break;
    grid.push_back(x);
  }
  // A point within rounding of TO is TO: 0.09 + 13 x 0.07 is 1.0000000000000002, which a key
  // bounded by 1 would refuse. Never FROM itself (a STEP far above TO - FROM leaves FROM alone).
  if (grid.size() > 1 && std::fabs(grid.back() - to) <= 1e-9 * step) grid.back() = to;
  return grid;
}

std::vector<std::vector<double>> sweep_points(const std::vector<SweepAxis>& axes) {
  assert(axes.size() == 1 || axes.size() == 2);
  std::vector<std::vector<double>> points;
  for (double x : axes[0].values) {
    if (axes.size() == 1)
      points.push_back({x});
    else
      for (double y : axes[1].values) points.push_back({x, y});
  }
  return points;
}

SweepResult run_sweep(const std::vector<Scenario>& scenarios, const std::vector<SweepAxis>& axes,
                      Comparison cmp, Basis basis, std::atomic<std::uint64_t>* progress) {
  const std::vector<std::vector<double>> points = sweep_points(axes);
  assert(scenarios.size() == points.size() && !scenarios.empty());
  const Scenario& first = scenarios[0];
  SweepResult res;
  res.scenario = first.name;
  res.currency = first.currency;
  res.a = first.offers[cmp.a].id;
  res.b = first.offers[cmp.b].id;
  res.paths = first.paths;
  res.seed = first.seed;
  res.sobol = first.sampler == DrawSource::kSobol;
  res.basis = basis;
  res.regimes = regime_labels(first);
  for (const SweepAxis& axis : axes) {
    res.params.push_back(axis.path);
    res.grids.push_back(axis.values);
  }
  res.points.resize(points.size());
  // On an MPI job point k belongs to rank k % ranks (docs/design.md#18-mpi-runs).
  const auto ranks = static_cast<std::size_t>(engine::mpi::size());
  const auto me = static_cast<std::size_t>(engine::mpi::rank());
  std::vector<std::size_t> mine;
  for (std::size_t k = me; k < points.size(); k += ranks) mine.push_back(k);
  engine::for_each_index(mine.size(), first.threads, [&](std::size_t j) {
    const std::size_t k = mine[j];
    Scenario s = scenarios[k];
    s.compare = {cmp};
    const CompiledScenario cs = compile(s, s.seed);
    SimOptions o = sim_options(s);
    o.threads = 1;
    const SimResult r = simulate(cs, o);
    const std::vector<double> diff = basis_diff(r, cmp.a, cmp.b, basis);
    res.points[k] = {points[k], share_positive(diff), median(basis_total(r, cmp.a, basis)),
                     median(basis_total(r, cmp.b, basis)), median(diff)};
    if (progress) progress->fetch_add(1);
  });
  if (ranks > 1) {
    // Rank r sends its points' figures in its order; rank 0 puts them back in place.
    std::vector<double> figures;
    for (std::size_t k : mine)
      figures.insert(figures.end(), {res.points[k].p_a_beats_b, res.points[k].p50_a,
                                     res.points[k].p50_b, res.points[k].p50_diff});
    const std::vector<double> all =
        engine::mpi::values_of<double>(engine::mpi::gather(engine::mpi::bytes_of(figures)));
    std::size_t at = 0;
    for (std::size_t r = 0; r < ranks && engine::mpi::root(); ++r)
      for (std::size_t k = r; k < points.size(); k += ranks, at += 4)
        res.points[k] = {points[k], all[at], all[at + 1], all[at + 2], all[at + 3]};
  }
  return res;
}

}  // namespace vestsim::models
