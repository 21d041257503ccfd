#include "models/studies/sensitivity.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

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
  std::vector<double> d = basis_diff(r, cmp.a, cmp.b, 0, basis);
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
  SimResult main_run;
  const Point b = measure(base, cmp, basis, paths, threads, true, &main_run, progress);
  const std::vector<double> main_diff = basis_diff(main_run, cmp.a, cmp.b, 0, basis);
  out.median_base = b.median;
  out.win_base = b.win;
  for (const UncertainInput& in : uncertain_inputs(one)) {
    TornadoBar bar;
    bar.input = in.name;
    CompiledScenario lo = base, hi = base;
    bar.low_value = pin_input(lo, in, q_low);
    bar.high_value = pin_input(hi, in, q_high);
    const Point pl = measure(lo, cmp, basis, paths, threads, false, nullptr, progress);
    const Point ph = measure(hi, cmp, basis, paths, threads, false, nullptr, progress);
    bar.median_low = pl.median;
    bar.median_high = ph.median;
    bar.win_low = pl.win;
    bar.win_high = ph.win;
    // A parameter (or an unrecorded input) has no per-path value to rank: 0.
    bar.spearman = in.slot >= 0 ? engine::spearman(main_run.inputs[in.slot], main_diff) : 0.0;
    out.bars.push_back(bar);
  }
  std::stable_sort(out.bars.begin(), out.bars.end(), [](const TornadoBar& x, const TornadoBar& y) {
    return std::fabs(x.swing()) > std::fabs(y.swing());
  });
  return out;
}

}  // namespace vestsim::models
