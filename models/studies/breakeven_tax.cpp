// Break-even after tax (docs/cli.md#break-even, docs/tax.md#t6-outputs). A's total is still
// fixed + k·scaled on every path, but its tax is not linear in k (progressive scales, caps,
// the year an IPO lands in), so A's tax is re-simulated at the multipliers the search
// visits: the same seed gives the same futures, so each is A's tax on those paths.
#include <cassert>
#include <cmath>

#include "models/studies/breakeven.hpp"
#include "models/studies/run.hpp"

namespace vestsim::models {

namespace {

// A's tax column when the solved figure is k times today's, on the same futures.
std::vector<double> tax_at(const Scenario& s, const BreakevenRequest& req, double k) {
  Scenario t = s;
  t.compare = {};  // no difference columns: only A's tax is read
  Offer& o = t.offers.at(req.offer);
  if (req.solve == Solve::kBase) {
    o.base *= k;
  } else {
    const std::size_t n = req.scale == Scale::kAll ? o.grants.size() : 1;
    for (std::size_t g = 0; g < n; ++g) o.grants[g].value *= k;
  }
  SimResult r = simulate(compile(t, t.seed), sim_options(t, {.progress = req.progress}));
  assert(!r.tax.empty());
  return std::move(r.tax[req.offer]);
}

struct TaxPoint {
  double k = 0;
  std::vector<double> tax;  // A's tax per path at k
};

// A's after-tax total as fixed' + k·scaled' per path: its pre-tax total fixed + k·scaled
// (exact) less the tax on the secant through p and q (exact at both).
struct Linear {
  std::vector<double> fixed, scaled;
};
Linear secant(std::span<const double> fixed, std::span<const double> scaled, const TaxPoint& p,
              const TaxPoint& q) {
  Linear m{std::vector<double>(fixed.size()), std::vector<double>(fixed.size())};
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    const double slope = (q.tax[i] - p.tax[i]) / (q.k - p.k);
    // The solver needs a non-decreasing A: a marginal rate above 1 is held at 1.
    m.scaled[i] = std::max(0.0, scaled[i] - slope);
    m.fixed[i] = fixed[i] + q.k * scaled[i] - q.tax[i] - q.k * m.scaled[i];
  }
  return m;
}

}  // namespace

std::vector<std::pair<Metric, BreakevenResult>> solve_breakeven_after_tax(
    const Scenario& s, const BreakevenRequest& req, const AfterTaxColumns& c) {
  assert(c.fixed_a.size() == c.tax_a.size() && c.scaled_a.size() == c.tax_a.size());
  const TaxPoint today{1.0, {c.tax_a.begin(), c.tax_a.end()}};
  const TaxPoint zero{0.0, tax_at(s, req, 0.0)};
  std::vector<std::pair<Metric, BreakevenResult>> out;
  for (Metric m : req.metrics) {
    TaxPoint p = zero, q = today;  // the secant's two points, q the latest
    BreakevenResult r;
    for (int iteration = 0; iteration < kAfterTaxIterations; ++iteration) {
      const Linear lin = secant(c.fixed_a, c.scaled_a, p, q);
      const BreakevenInput in{lin.fixed,       lin.scaled, c.after_b,
                              s.risk_aversion, s.wealth,   c.current};
      r = solve_breakeven(in, m, 1);
      // Converged when the model's answer is where its tax is exact, to kBreakevenTolerance.
      const bool done = !r.found || std::fabs(r.k - q.k) * c.current <= kBreakevenTolerance;
      if (done || iteration + 1 == kAfterTaxIterations) {
        if (r.found) r = solve_breakeven(in, m);  // with its batch-means interval
        if (r.found && !req.targets.empty())
          r.precision = precision_at_solution(in, r, req.targets);
        if (r.found && !done) r.reason = "after-tax search stopped before converging";
        break;
      }
      p = std::move(q);
      q = TaxPoint{r.k, tax_at(s, req, r.k)};
    }
    out.emplace_back(m, r);
  }
  return out;
}

}  // namespace vestsim::models
