// Break-even asks (issue: negotiation analytics). Every payout of an offer's
// grants is proportional to their units, so scaling all of offer A's grants by
// k scales its equity column by k on every path: A's total is
// fixed + k * scaled, path by path, on the same futures (common random
// numbers). The break-even solves metric(A(k)) = metric(B) on the stored
// columns without re-simulating. Salary and bonus scale with base the same way.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario.hpp"
#include "models/simulate.hpp"

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
};

// metric(A(k)) - metric(B): non-decreasing in k because scaled_a >= 0.
double breakeven_gap(const BreakevenInput& in, Metric m, double k);

// The smallest k >= 0 with gap >= 0, to within 1 currency unit of k * unit_value,
// by bisection (Boost.Math) on a bracket doubled from [0, 2]. The interval comes
// from `batches` contiguous batches of paths, each solved alone:
// k +- t(batches - 1, 0.975) * sd(k_batch) / sqrt(batches).
BreakevenResult solve_breakeven(const BreakevenInput& in, Metric m, int batches = 20);

const char* metric_name(Metric m);

// --- The break-even study of a simulated scenario ---------------------------

// What the study scales: every grant of the offer together, or its base salary.
enum class Solve { kEquity, kBase };

struct BreakevenRequest {
  int offer = 0, against = 1;  // indices into Scenario::offers, different
  Solve solve = Solve::kEquity;
  std::vector<Metric> metrics;  // solved in this order
};

struct BreakevenStudy {
  std::string scenario, offer, against, offer_label, against_label;
  Solve solve = Solve::kEquity;
  std::string currency;         // the solved offer's currency
  std::string report_currency;  // the scenario's (wealth is stated in it)
  std::uint64_t paths = 0, seed = 0;
  double current = 0;        // today's figure (first grant's value, or the base)
  std::size_t grants = 0;    // grants of the solved offer, scaled together
  double horizon_years = 0;  // of the scenario
  double risk_aversion = 0, wealth = 0;
  std::vector<std::pair<Metric, BreakevenResult>> results;  // value = k * current
};

// Today's figure the study scales. Requires a valid offer index; for
// kEquity the offer must have a grant.
double breakeven_current(const Scenario& s, int offer, Solve solve);

// Solves every requested metric on the columns of one run of `s`. Requires
// `r` simulated from `s` (with salary_column when solving for the base),
// req.offer != req.against and breakeven_current(...) > 0.
BreakevenStudy study_breakeven(const Scenario& s, const SimResult& r, const BreakevenRequest& req);

}  // namespace vestsim::models
