// `vestsim breakeven`, `vestsim sweep` and `vestsim sensitivity`.
#include <fmt/format.h>

#include "models/studies/breakeven.hpp"
#include "models/studies/sensitivity.hpp"
#include "models/studies/sweep.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/breakeven.hpp"
#include "tools/report/sensitivity.hpp"
#include "tools/report/sweep.hpp"

namespace vestsim::tools {

using namespace vestsim::models;

namespace {

// The offers and metrics of a break-even ask; throws UsageError when the
// offers are missing, the same, or have nothing to scale.
BreakevenRequest breakeven_request(const Scenario& s, const BreakevenOptions& o) {
  if (o.offer.empty() != o.against.empty())
    throw UsageError("give both --offer and --against, or neither");
  if (o.offer.empty() && s.compare.empty())
    throw UsageError("the scenario compares nothing; give --offer and --against");
  BreakevenRequest req;
  req.offer = o.offer.empty() ? s.compare.front().a : offer_index(s, o.offer, "--offer");
  req.against = o.offer.empty() ? s.compare.front().b : offer_index(s, o.against, "--against");
  if (req.offer == req.against) throw UsageError("--offer and --against name the same offer");
  req.solve = o.solve;
  req.metrics = o.metrics.empty()
                    ? std::vector<Metric>{Metric::kP50, Metric::kMean, Metric::kCe, Metric::kWin}
                    : o.metrics;
  const bool base = o.solve == Solve::kBase;
  const std::string& id = s.offers[req.offer].id;
  if (!base && s.offers[req.offer].grants.empty())
    throw UsageError(
        fmt::format("offer '{}' has no equity grant to solve for; try --solve base", id));
  if (!(breakeven_current(s, req.offer, o.solve) > 0))
    throw UsageError(fmt::format("offer '{}': today's {} is 0, so there is nothing to scale", id,
                                 base ? "base" : "first grant value"));
  return req;
}

}  // namespace

int breakeven_command(const BreakevenOptions& o) {
  std::vector<Override> overrides = overrides_of(o.sim);
  if (o.risk_aversion)
    overrides.push_back({"report.risk_aversion", fmt::format("{:.17g}", *o.risk_aversion)});
  if (o.wealth) overrides.push_back({"report.wealth", fmt::format("{:.17g}", *o.wealth)});
  const Scenario s = load_or_throw(o.scenario, overrides);
  const BreakevenRequest req = breakeven_request(s, o);
  const RunStudy run =
      simulate_scenario(s, {.salary_column = o.solve == Solve::kBase}, o.sim.quiet);
  const BreakevenStudy be = study_breakeven(s, run.result, req);
  emit(o.sim, breakeven_report(be, o.sim.formats.empty() ? Format::kText : o.sim.formats[0]));
  return 0;
}

int sweep_command(const SweepOptions& o) {
  const Format format = single_format(o.sim);
  const std::vector<Override> base = overrides_of(o.sim);
  // Every grid point is a scenario of its own: validate them all before running any.
  std::vector<Scenario> scenarios;
  for (const std::vector<double>& point : sweep_points(o.axes)) {
    std::vector<Override> overrides = base;
    for (std::size_t k = 0; k < point.size(); ++k)
      overrides.push_back({o.axes[k].path, fmt::format("{:.17g}", point[k])});
    scenarios.push_back(load_or_throw(o.scenario, overrides));
  }
  const Comparison cmp = resolve_comparison(scenarios[0], o.compare);
  Progress progress(scenarios.size(), o.sim.quiet, "grid points");
  const SweepResult res = run_sweep(scenarios, o.axes, cmp, progress.counter());
  progress.stop();
  emit(o.sim, sweep_report(res, format));
  return 0;
}

int sensitivity_command(const SensitivityOptions& o) {
  const Format format = single_format(o.sim);
  const Scenario s = load_or_throw(o.scenario, overrides_of(o.sim));
  const Comparison cmp = resolve_comparison(s, o.compare);
  Progress progress(1 + 2 * uncertain_inputs(s).size(), o.sim.quiet, "runs");
  const TornadoResult t = run_sensitivity(s, cmp, s.paths, s.threads, 0.1, 0.9, progress.counter());
  progress.stop();
  emit(o.sim, tornado_report(t, s.name, s.paths, s.seed, format));
  return 0;
}

}  // namespace vestsim::tools
