// `vestsim sweep` and `vestsim sensitivity`.
#include <algorithm>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "engine/mpi.hpp"
#include "models/studies/sensitivity.hpp"
#include "models/studies/sweep.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/sensitivity.hpp"
#include "tools/report/sweep.hpp"

namespace vestsim::tools {

using namespace vestsim::models;

namespace {

// The overrides of one value of a --vary axis: PATH=VALUE, or for
// "scale:OFFER" ("scale-all:OFFER") the offer's first (every) grant value
// times the value. Throws UsageError for an unknown offer or one without grants.
std::vector<Override> axis_overrides(const Scenario& s, const std::string& path, double v) {
  const bool all = path.rfind("scale-all:", 0) == 0;
  // Named --vary in messages (a value out of range), not --set.
  if (!all && path.rfind("scale:", 0) != 0) return {{path, fmt::format("{:.17g}", v), "--vary"}};
  const std::string id = path.substr(path.find(':') + 1);
  const Offer& offer = s.offers[offer_index(s, id, "--vary")];
  if (offer.grants.empty())
    throw UsageError(fmt::format("--vary {}: offer '{}' has no grant to scale", path, id));
  std::vector<Override> out;
  for (std::size_t g = 0; g < (all ? offer.grants.size() : 1); ++g)
    out.push_back({fmt::format("offers.{}.grants[{}].value", id, g),
                   fmt::format("{:.17g}", v * offer.grants[g].value), "--vary"});
  return out;
}

// Refuses (UsageError) a --vary path that holds text: the scenario still
// loads with a word there, where a number would be refused.
void check_numeric_axis(const std::string& scenario, const std::vector<Override>& base,
                        const std::string& path) {
  if (path.rfind("scale:", 0) == 0 || path.rfind("scale-all:", 0) == 0) return;
  std::vector<Override> probe = base;
  probe.push_back({path, "vestsim-not-a-number"});
  const LoadResult r =
      scenario.empty() ? load_scenario_text(default_scenario_text(), kDefaultScenarioFile, probe)
                       : load_scenario_file(scenario, probe);
  if (r.ok()) throw UsageError(fmt::format("--vary {}: not a number in the scenario", path));
  // A key the scenario does not have (Report.wealth): the path is the problem, not a grid point,
  // and no --set gave it.
  for (const Diagnostic& d : r.errors)
    if (d.line == 0 && d.message.find("unknown key") != std::string::npos &&
        path.rfind(d.path, 0) == 0)
      throw UsageError(fmt::format("--vary {}: {}: {}", path, d.path, d.message));
}

// A sweep runs its points side by side, one per thread, each with the
// columns of its comparison and a sorted copy for the medians.
void check_sweep_memory(const Scenario& s, Comparison cmp, std::size_t points) {
  Scenario one = s;
  one.compare = {cmp};
  const CompiledScenario cs = compile(one, one.seed);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = s.threads > 0 ? static_cast<std::size_t>(s.threads) : cores;
  check_memory(s.paths,
               (column_bytes(cs, false) + 8.0) * static_cast<double>(std::min(points, threads)));
}

}  // namespace

int sweep_command(const SweepOptions& o) {
  const Format format = single_format(o.sim);
  const std::vector<Override> base = overrides_of(o.sim);
  const Scenario start = load_or_throw(o.scenario, base);
  check_out_target(o.sim);  // before the grid runs, not after it
  const Comparison cmp = resolve_comparison(start, o.compare);
  for (const SweepAxis& axis : o.axes) check_numeric_axis(o.scenario, base, axis.path);
  check_sweep_memory(start, cmp, sweep_points(o.axes).size());
  // Every grid point is a scenario of its own: validate them all before running any.
  std::vector<Scenario> scenarios;
  for (const std::vector<double>& point : sweep_points(o.axes)) {
    std::vector<Override> overrides = base;
    for (std::size_t k = 0; k < point.size(); ++k) {
      const std::vector<Override> axis = axis_overrides(start, o.axes[k].path, point[k]);
      overrides.insert(overrides.end(), axis.begin(), axis.end());
    }
    try {
      scenarios.push_back(load_or_throw(o.scenario, overrides, /*flags_checked=*/true));
    } catch (const UsageError&) {
      // The problems above may sit on a key the grid does not vary (p90 below a varied p10):
      // say which point made them.
      std::string at;
      for (std::size_t k = 0; k < point.size(); ++k)
        at += fmt::format("{}{}={}", k == 0 ? "" : ", ", o.axes[k].path, point[k]);
      std::cerr << fmt::format("vestsim: the --vary grid point {} is invalid (above)\n", at);
      throw;
    }
  }
  Progress progress(scenarios.size(), o.sim.quiet, "grid points");
  const SweepResult res =
      run_sweep(scenarios, o.axes, cmp, default_basis(start, o.basis), progress.counter());
  progress.stop();
  if (!engine::mpi::root()) return 0;  // rank 0 holds every point and writes
  emit(o.sim, sweep_report(res, format));
  return 0;
}

int sensitivity_command(const SensitivityOptions& o) {
  const Format format = single_format(o.sim);
  const Scenario s = load_or_throw(o.scenario, overrides_of(o.sim));
  const Comparison cmp = resolve_comparison(s, o.compare);
  check_out_target(o.sim);  // before the runs, not after them
  // The base run, with its recorded inputs, kept while one more run at a time is made.
  const CompiledScenario cs = compile(s, s.seed);
  check_memory(s.paths, 2 * column_bytes(cs, false) +
                            8.0 * input_slots(static_cast<int>(cs.companies.size()),
                                              static_cast<int>(cs.offers.size())));
  Progress progress(1 + 2 * uncertain_inputs(s).size(), o.sim.quiet, "runs");
  const TornadoResult t = run_sensitivity(s, cmp, s.paths, s.threads, 0.1, 0.9, progress.counter(),
                                          default_basis(s, o.basis));
  progress.stop();
  if (!engine::mpi::root()) return 0;  // rank 0 holds every bar and writes
  emit(o.sim, tornado_report(t, s.name, s.paths, s.seed, s.sampler == DrawSource::kSobol, format));
  return 0;
}

}  // namespace vestsim::tools
