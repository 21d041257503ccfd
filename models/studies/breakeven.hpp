// Break-even asks (issue: negotiation analytics). Every payout of a grant is
// proportional to its units, so scaling offer A's first grant (or all of its
// grants) by k scales that grant's part of A's equity column by k on every
// path: A's total is fixed + k * scaled, path by path, on the same futures
// (common random numbers). The break-even solves metric(A(k)) = metric(B) on
// the stored columns without re-simulating. Salary and bonus scale with base
// the same way.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "models/compiled.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"
#include "models/studies/basis.hpp"
#include "models/studies/precision.hpp"

namespace vestsim::models {

enum class Metric { kP50, kMean, kCe, kWin };

struct BreakevenInput {
  std::span<const double> fixed_a;   // A's total minus the part that scales
  std::span<const double> scaled_a;  // the part that scales (k = 1 is today's offer)
  std::span<const double> total_b;
  double risk_aversion = 2, wealth = 100000;
  double unit_value = 1;  // value of k = 1 (first grant's value, or the base)
};

struct BreakevenResult {
  bool found = false;
  double k = 0;                 // multiplier of today's figure
  double ci_lo = 0, ci_hi = 0;  // 95% interval on k from batch means (NaN if unavailable)
  std::string reason;           // why nothing was found
  bool every_value = false;     // not found because every value matches (B's CE at its floor)
  std::string ci_reason;        // why the interval is unavailable (empty when it is)
  std::uint64_t paths = 0;      // the paths it was solved on (study_breakeven sets it)
  // A --precision target at the solution (precision_at_solution).
  struct Reached {
    std::string name;
    double target = 0, half_width = 0;
    double value_half_width = 0;  // the error it implies on the value; NaN if it does not move
  };
  std::vector<Reached> precision;  // one per target, when asked and found
  bool precision_met = false;      // every target reached (set by the caller that stops)
};

// metric(A(k)) - metric(B): non-decreasing in k because scaled_a >= 0.
double breakeven_gap(const BreakevenInput& in, Metric m, double k);

// How close a break-even comes to the smallest value that matches, in currency units of
// k * unit_value: a quarter of a cent, so that a deterministic break-even is right to the cent
// (docs/cli.md#break-even).
inline constexpr double kBreakevenTolerance = 0.0025;

// The smallest k >= 0 with gap >= 0, to within kBreakevenTolerance of k * unit_value,
// by bisection (Boost.Math) on a bracket doubled from [0, 2]. The interval comes
// from `batches` contiguous batches of paths, each solved alone:
// k +- t(batches - 1, 0.975) * sd(k_batch) / sqrt(batches).
BreakevenResult solve_breakeven(const BreakevenInput& in, Metric m, int batches = 20);

const char* metric_name(Metric m);

// Each target's half-width at r's solution, A = fixed + r.k·scaled against B
// (pair_half_width), and the error it implies on the break-even value: the
// half-width over the quantity's slope in k at the solution (pair_quantity, a
// central difference over ±5% of r.k, at least ±10 currency units) times
// unit_value; NaN when the quantity does not move with k (B's side only).
// Requires r.found and a non-empty input.
std::vector<BreakevenResult::Reached> precision_at_solution(
    const BreakevenInput& in, const BreakevenResult& r,
    const std::vector<PrecisionTarget>& targets);

// --- The break-even study of a simulated scenario ---------------------------

// What the study scales: the offer's equity, or its base salary.
enum class Solve { kEquity, kBase };
// Which grants an equity solve scales: the first only (the reported value is
// then what grants[0].value should be), or all of them in proportion.
enum class Scale { kFirst, kAll };

struct BreakevenRequest {
  int offer = 0, against = 1;  // indices into Scenario::offers, different
  Solve solve = Solve::kEquity;
  std::vector<Metric> metrics;  // solved in this order
  Scale scale = Scale::kFirst;
  Basis basis = Basis::kPreTax;  // after tax: see solve_breakeven_after_tax
  // --precision: each found result gets its targets' half-widths at its solution.
  std::vector<PrecisionTarget> targets = {};
  // Counts the paths the after-tax search re-simulates (a progress bar), if given.
  std::atomic<std::uint64_t>* progress = nullptr;
};

// True when the study of `req` on `s` needs first_grant_only's column: an
// equity solve of the first grant of an offer with several.
bool needs_first_grant_run(const Scenario& s, const BreakevenRequest& req);

// `cs` with every grant of `offer` but its first paying nothing. Simulated
// with the same options, its equity column of `offer` is, path by path, the
// first grant's part of the equity of `cs` (the same draws: common random
// numbers). Requires a valid offer index.
CompiledScenario first_grant_only(const CompiledScenario& cs, int offer);

struct BreakevenStudy {
  std::string scenario, offer, against, offer_label, against_label;
  Solve solve = Solve::kEquity;
  Scale scale = Scale::kFirst;  // equity solves: which grants were scaled
  std::string currency;         // the solved offer's currency
  std::string report_currency;  // the scenario's (wealth is stated in it)
  std::uint64_t paths = 0, seed = 0;
  bool sobol = false;        // simulation.sampler (or --sampler) is sobol
  double current = 0;        // today's figure (first grant's value, or the base)
  std::size_t grants = 0;    // grants of the solved offer
  double horizon_years = 0;  // of the scenario
  double risk_aversion = 0, wealth = 0;
  Basis basis = Basis::kPreTax;      // the totals compared (after tax = pre-tax without a regime)
  std::vector<std::string> regimes;  // regime_labels() of the scenario
  std::vector<std::pair<Metric, BreakevenResult>> results;  // value = k * current
  std::vector<PrecisionTarget> targets;  // --precision (BreakevenRequest::targets), if asked
};

// Today's figure the study scales. Requires a valid offer index; for
// kEquity the offer must have a grant.
double breakeven_current(const Scenario& s, int offer, Solve solve);

// The columns of an after-tax break-even, from today's run (k = 1).
struct AfterTaxColumns {
  std::span<const double> fixed_a, scaled_a;  // A's pre-tax total = fixed + k·scaled
  std::span<const double> tax_a;              // A's tax today
  std::span<const double> after_b;            // B's total − tax (does not depend on k)
  double current = 1;                         // today's figure (k = 1)
};

// The most re-simulations one metric's after-tax search makes.
inline constexpr int kAfterTaxIterations = 12;

// Break-even after tax (docs/cli.md#break-even): A's after-tax total at k is its exact
// pre-tax total less its tax, which is not linear in k. Starting from the tax at k = 0 (one
// re-simulation) and at k = 1 (today's), each metric is solved on the secant model of A's
// tax through the last two multipliers, then A's tax is re-simulated at the answer (same
// seed: the same futures) until the answer moves by at most kBreakevenTolerance (at most
// kAfterTaxIterations times; the result's reason then says it stopped early). The 95%
// interval is the batch-means interval of the last model. Under a regime that taxes nothing
// the model is the pre-tax one and the answer is the pre-tax answer.
// Requires: `s` simulated with tax columns (any offer has a regime), req as study_breakeven.
// Throws what compile() and simulate() throw.
std::vector<std::pair<Metric, BreakevenResult>> solve_breakeven_after_tax(
    const Scenario& s, const BreakevenRequest& req, const AfterTaxColumns& c);

// Solves every requested metric on the columns of one run of `s`. Requires
// `r` simulated from `s` (with salary_column when solving for the base),
// req.offer != req.against and breakeven_current(...) > 0, and when
// needs_first_grant_run(s, req), `first_grant` the equity column of the
// offer in the same run of first_grant_only (ignored otherwise). With req.basis after tax
// and tax columns in `r`, solves as solve_breakeven_after_tax (re-simulating).
BreakevenStudy study_breakeven(const Scenario& s, const SimResult& r, const BreakevenRequest& req,
                               std::span<const double> first_grant = {});

}  // namespace vestsim::models
