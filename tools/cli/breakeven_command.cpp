// `vestsim breakeven`, with --precision (docs/design.md#19-runs-that-stop-at-a-precision).
#include <algorithm>
#include <iostream>
#include <map>
#include <span>

#include <fmt/format.h>

#include "engine/mpi.hpp"
#include "models/studies/breakeven.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/progress.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/breakeven.hpp"

namespace vestsim::tools {

using namespace vestsim::models;

namespace {

// The offers and metrics of a break-even ask; throws UsageError when the
// offers are missing, the same, or have nothing to scale.
BreakevenRequest breakeven_request(const Scenario& s, const BreakevenOptions& o) {
  if (o.offer.empty() != o.against.empty())
    throw UsageError("give both --offer and --against, or neither");
  if (s.offers.size() < 2)
    throw UsageError("the scenario has one offer: a break-even needs another to match");
  if (o.offer.empty() && s.compare.empty())
    throw UsageError("the scenario compares nothing; give --offer and --against");
  BreakevenRequest req;
  req.offer = o.offer.empty() ? s.compare.front().a : offer_index(s, o.offer, "--offer");
  req.against = o.offer.empty() ? s.compare.front().b : offer_index(s, o.against, "--against");
  if (req.offer == req.against) throw UsageError("--offer and --against name the same offer");
  req.solve = o.solve;
  req.scale = o.scale;
  req.basis = default_basis(s, o.basis);
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

BreakevenStudy breakeven_once(const Scenario& s, const BreakevenRequest& req, bool quiet) {
  const CompiledScenario cs = compile(s, s.seed);
  const bool base = req.solve == Solve::kBase, first = needs_first_grant_run(s, req);
  // The run's columns (twice when the first grant runs alone; once more for the re-runs of
  // an after-tax solve), the salary column, the fixed part and the solver's working copies.
  const bool after_tax = req.basis == Basis::kAfterTax && any_regime(s);
  check_memory(s.paths, column_bytes(cs, false) * (1 + first + after_tax) +
                            (base ? 8.0 * cs.offers.size() : 0.0) + 24.0 +
                            (after_tax ? 48.0 : 0.0));
  const RunStudy run = simulate_compiled(s, cs, {.salary_column = base}, quiet);
  SimResult first_run;
  if (first) {
    SimOptions opt = sim_options(s);
    opt.distribute = true;  // the same share of paths per rank as the run's
    first_run = simulate(first_grant_only(cs, req.offer), opt);
  }
  if (!engine::mpi::root()) return {};  // rank 0 holds the columns and solves
  // After tax, A's tax is simulated again at each multiplier the search tries: once at k = 0,
  // then at most kAfterTaxIterations times per metric.
  Progress progress(after_tax ? s.paths * (1 + req.metrics.size() * kAfterTaxIterations) : 0, quiet,
                    "paths of the after-tax search (at most)");
  BreakevenRequest counted = req;
  counted.progress = progress.counter();
  return study_breakeven(
      s, run.result, counted,
      first ? std::span<const double>(first_run.equity[req.offer]) : std::span<const double>());
}

namespace {

// True when every target of r holds (a result without a solution has none to reach).
bool reached(const BreakevenResult& r) {
  return r.found &&
         std::all_of(r.precision.begin(), r.precision.end(),
                     [](const BreakevenResult::Reached& p) { return p.half_width <= p.target; });
}

}  // namespace

// Each result is the one of the run it stopped at, which is what `--paths N` gives for it.
BreakevenStudy breakeven_to_precision(Scenario s, BreakevenRequest req, const std::string& source,
                                      std::uint64_t max_paths, bool quiet) {
  s.paths = std::min(s.paths, max_paths);
  const std::vector<Metric> metrics = req.metrics;
  std::map<Metric, BreakevenResult> done;
  for (;;) {
    BreakevenStudy be = breakeven_once(s, req, quiet);
    std::vector<Metric> pending;
    std::vector<double> worst(req.targets.size(), 0.0);
    for (auto& [m, r] : be.results) {
      r.precision_met = reached(r);
      if (r.precision_met || !r.found || s.paths >= max_paths) {
        done[m] = std::move(r);
        continue;
      }
      pending.push_back(m);
      for (std::size_t i = 0; i < worst.size(); ++i)
        worst[i] = std::max(worst[i], r.precision[i].half_width);
    }
    // Rank 0 decides for the job: the other ranks hold no study.
    const std::uint64_t next = engine::mpi::broadcast_number(
        pending.empty() ? 0 : next_paths(s.paths, req.targets, worst, max_paths));
    if (next == 0) {
      be.results.clear();
      for (Metric m : metrics)
        if (done.count(m)) be.results.emplace_back(m, std::move(done[m]));
      return be;
    }
    if (!quiet) {
      std::string names;
      for (Metric m : pending) names += (names.empty() ? "" : ", ") + std::string(metric_name(m));
      std::cerr << fmt::format(
          "vestsim: at {} paths the {} targets do not hold for {}; running {}\n", s.paths, source,
          names, next);
    }
    s.paths = next;
    req.metrics = pending;
  }
}

int breakeven_command(const BreakevenOptions& o) {
  const Format format =
      supported_format(o.sim, {Format::kText, Format::kJson, Format::kMarkdown}, "breakeven");
  std::vector<Override> overrides = overrides_of(o.sim);
  if (o.risk_aversion)
    overrides.push_back(
        {"report.risk_aversion", fmt::format("{:.17g}", *o.risk_aversion), "--risk-aversion"});
  if (o.wealth)
    overrides.push_back({"report.wealth", fmt::format("{:.17g}", *o.wealth), "--wealth"});
  const Scenario s = load_or_throw(o.scenario, overrides);
  BreakevenRequest req = breakeven_request(s, o);
  check_out_target(o.sim);  // before the runs, not after them
  std::uint64_t max_paths = o.max_paths;
  req.targets = precision_targets(s, o.precision, &max_paths, o.sim.quiet);
  const BreakevenStudy be =
      req.targets.empty()
          ? breakeven_once(s, req, o.sim.quiet)
          : breakeven_to_precision(s, req, precision_source(o.precision), max_paths, o.sim.quiet);
  if (!engine::mpi::root()) return 0;  // rank 0 holds the study and writes
  emit(o.sim, breakeven_report(be, format));
  return 0;
}

}  // namespace vestsim::tools
