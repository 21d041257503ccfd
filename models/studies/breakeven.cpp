#include "models/studies/breakeven.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

#include "engine/statistics.hpp"
#include "models/summary.hpp"

namespace vestsim::models {

namespace {

double metric_of(std::span<const double> x, Metric m, double gamma, double wealth,
                 std::vector<double>& scratch) {
  switch (m) {
    case Metric::kP50:
      return median(x);
    case Metric::kMean:
      return engine::column_mean(x);  // the bits of the run's mean
    case Metric::kCe:
      return certainty_equivalent(x, gamma, wealth, scratch);
    case Metric::kWin:
      return 0;  // handled on the difference
  }
  return 0;
}

// metric(A(k)) - metric(B) with B's side computed once: it does not depend on k.
// Reuses its buffers across evaluations.
class Gap {
 public:
  Gap(const BreakevenInput& in, Metric m) : in_(in), m_(m), a_(in.fixed_a.size()) {
    if (m != Metric::kWin)
      target_ = metric_of(in.total_b, m, in.risk_aversion, in.wealth, scratch_);
  }

  double operator()(double k) {
    const std::size_t n = a_.size();
    for (std::size_t i = 0; i < n; ++i) a_[i] = in_.fixed_a[i] + k * in_.scaled_a[i];
    if (m_ == Metric::kWin) {
      std::size_t wins = 0;
      for (std::size_t i = 0; i < n; ++i) wins += path_difference(a_[i], in_.total_b[i]) > 0;
      return static_cast<double>(wins) / static_cast<double>(n) - 0.5;
    }
    return metric_of(a_, m_, in_.risk_aversion, in_.wealth, scratch_) - target_;
  }

 private:
  const BreakevenInput& in_;
  Metric m_;
  double target_ = 0;
  std::vector<double> a_, scratch_;
};

BreakevenResult solve_once(const BreakevenInput& in, Metric m) {
  BreakevenResult r;
  if (in.fixed_a.empty()) {
    r.reason = "no paths";
    return r;
  }
  // A certainty equivalent at its floor, -wealth (docs/model.md#8-summaries-over-paths): B's is
  // matched by every offer, so "at least 0" would be the answer and would say nothing.
  const auto floored = [&](std::span<const double> x) {
    return m == Metric::kCe && certainty_equivalent_floored(*std::min_element(x.begin(), x.end()),
                                                            in.risk_aversion, in.wealth);
  };
  if (floored(in.total_b)) {
    r.every_value = true;
    r.reason =
        "the other offer's certainty equivalent is at its floor, minus the wealth: on some path "
        "wealth + its total <= 0, so every value matches it; compare --metric p50 or mean";
    return r;
  }
  Gap gap(in, m);
  if (gap(0) >= 0) {
    r.found = true;
    r.k = 0;
    r.reason = "matches even at zero";
    return r;
  }
  double hi = 2;
  while (gap(hi) < 0) {
    hi *= 2;
    if (hi > 1e4) {
      r.reason = "no value up to 10,000 times today's figure matches";
      std::vector<double> a(in.fixed_a.size());
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = in.fixed_a[i] + hi * in.scaled_a[i];
      if (floored(a))
        r.reason +=
            ": this offer's certainty equivalent stays at its floor, minus the wealth, as on "
            "some path wealth + its total <= 0 at every multiple tried";
      return r;
    }
  }
  const double tol_k = kBreakevenTolerance / std::max(in.unit_value, 1e-9);
  auto tol = [&](double a, double b) { return std::fabs(b - a) <= tol_k; };
  std::uintmax_t iterations = 200;
  const auto [lo, up] = boost::math::tools::bisect(
      [&](double k) { return gap(k) >= 0 ? 1.0 : -1.0; }, 0.0, hi, tol, iterations);
  (void)lo;
  r.found = true;
  r.k = up;  // the smallest multiplier known to match
  return r;
}

}  // namespace

const char* metric_name(Metric m) {
  switch (m) {
    case Metric::kP50:
      return "p50";
    case Metric::kMean:
      return "mean";
    case Metric::kCe:
      return "ce";
    case Metric::kWin:
      return "win";
  }
  return "?";
}

double breakeven_gap(const BreakevenInput& in, Metric m, double k) {
  return Gap(in, m)(k);
}

BreakevenResult solve_breakeven(const BreakevenInput& in, Metric m, int batches) {
  BreakevenResult r = solve_once(in, m);
  r.ci_lo = r.ci_hi = std::nan("");
  const std::size_t n = in.fixed_a.size();
  if (!r.found) return r;
  if (batches < 2) {
    r.ci_reason = "no interval asked for";
    return r;
  }
  if (n < static_cast<std::size_t>(batches) * 50) {
    r.ci_reason = fmt::format("{} batches need at least {} paths", batches, batches * 50);
    return r;
  }
  std::vector<double> ks;
  const std::size_t size = n / batches;
  for (int b = 0; b < batches; ++b) {
    BreakevenInput part = in;
    part.fixed_a = in.fixed_a.subspan(b * size, size);
    part.scaled_a = in.scaled_a.subspan(b * size, size);
    part.total_b = in.total_b.subspan(b * size, size);
    const BreakevenResult rb = solve_once(part, m);
    if (!rb.found) {  // a batch with no answer: the interval is not available
      r.ci_reason = fmt::format("batch {} of {} has no break-even ({})", b + 1, batches, rb.reason);
      return r;
    }
    ks.push_back(rb.k);
  }
  double mean = 0, ss = 0;
  for (double k : ks) mean += k / ks.size();
  for (double k : ks) ss += (k - mean) * (k - mean);
  const double se = std::sqrt(ss / (ks.size() - 1)) / std::sqrt(static_cast<double>(ks.size()));
  const double t = boost::math::quantile(
      boost::math::complement(boost::math::students_t_distribution<>(ks.size() - 1), 0.025));
  r.ci_lo = std::max(0.0, r.k - t * se);
  r.ci_hi = r.k + t * se;
  return r;
}

std::vector<BreakevenResult::Reached> precision_at_solution(
    const BreakevenInput& in, const BreakevenResult& r,
    const std::vector<PrecisionTarget>& targets) {
  assert(r.found && !in.fixed_a.empty());
  const std::size_t n = in.fixed_a.size();
  std::vector<double> a(n);
  const auto a_at = [&](double k) -> std::span<const double> {
    for (std::size_t i = 0; i < n; ++i) a[i] = in.fixed_a[i] + k * in.scaled_a[i];
    return a;
  };
  const double unit = std::max(in.unit_value, 1e-9);
  const double h = std::max(0.05 * r.k, 10 / unit);
  const double lo = std::max(0.0, r.k - h), hi = r.k + h;
  std::vector<BreakevenResult::Reached> out;
  for (const PrecisionTarget& t : targets) {
    const double half_width = pair_half_width(a_at(r.k), in.total_b, t.name);
    const double slope = (pair_quantity(a_at(hi), in.total_b, t.name) -
                          pair_quantity(a_at(lo), in.total_b, t.name)) /
                         (hi - lo);
    const double value = slope > 0 ? half_width / slope * in.unit_value : std::nan("");
    out.push_back({t.name, t.half_width, half_width, value});
  }
  return out;
}

bool needs_first_grant_run(const Scenario& s, const BreakevenRequest& req) {
  return req.solve == Solve::kEquity && req.scale == Scale::kFirst &&
         s.offers.at(req.offer).grants.size() > 1;
}

CompiledScenario first_grant_only(const CompiledScenario& cs, int offer) {
  CompiledScenario out = cs;
  const CompiledOffer& o = out.offers.at(offer);
  for (std::uint32_t g = o.first_grant + 1; g < o.first_grant + o.grant_count; ++g) {
    const CompiledGrant& grant = out.grants[g];
    for (std::uint32_t t = grant.first_tranche; t < grant.first_tranche + grant.tranche_count; ++t)
      out.tranches[t].amount = 0;  // every payout is amount * something: it pays nothing
    for (std::uint32_t k = 0; k <= grant.tranche_count; ++k)
      out.tranche_sums[grant.first_sum + k] = 0;  // and so does their sum (vested_by())
  }
  return out;
}

double breakeven_current(const Scenario& s, int offer, Solve solve) {
  const Offer& o = s.offers.at(offer);
  assert(solve == Solve::kBase || !o.grants.empty());
  return solve == Solve::kBase ? o.base : o.grants[0].value;
}

BreakevenStudy study_breakeven(const Scenario& s, const SimResult& r, const BreakevenRequest& req,
                               std::span<const double> first_grant) {
  assert(req.offer != req.against);
  const bool base = req.solve == Solve::kBase;
  const Offer& oa = s.offers.at(req.offer);
  BreakevenStudy out{.scenario = s.name,
                     .offer = oa.id,
                     .against = s.offers.at(req.against).id,
                     .offer_label = oa.label,
                     .against_label = s.offers[req.against].label,
                     .solve = req.solve,
                     .scale = req.scale,
                     .currency = oa.currency,
                     .report_currency = s.currency,
                     .paths = s.paths,
                     .seed = s.seed,
                     .sobol = s.sampler == DrawSource::kSobol,
                     .current = breakeven_current(s, req.offer, req.solve),
                     .grants = oa.grants.size(),
                     .horizon_years = s.horizon_years,
                     .risk_aversion = s.risk_aversion,
                     .wealth = s.wealth,
                     .basis = req.basis,
                     .regimes = regime_labels(s),
                     .results = {},
                     .targets = req.targets};
  assert(out.current > 0);
  const bool first_only = needs_first_grant_run(s, req);
  assert(!first_only || first_grant.size() == r.paths);
  const std::span<const double> scaled = base         ? r.salary_bonus[req.offer]
                                         : first_only ? first_grant
                                                      : r.equity[req.offer];
  std::vector<double> fixed(r.paths);
  for (std::uint64_t i = 0; i < r.paths; ++i) fixed[i] = r.total_at(req.offer, i) - scaled[i];
  if (req.basis == Basis::kAfterTax && !r.tax.empty()) {
    const std::vector<double> after_b = basis_total(r, req.against, Basis::kAfterTax);
    out.results =
        solve_breakeven_after_tax(s, req, {fixed, scaled, r.tax[req.offer], after_b, out.current});
  } else {
    const std::vector<double> total_b = r.total_column(req.against);
    const BreakevenInput in{fixed, scaled, total_b, s.risk_aversion, s.wealth, out.current};
    for (Metric m : req.metrics) {
      BreakevenResult result = solve_breakeven(in, m);
      if (result.found && !req.targets.empty())
        result.precision = precision_at_solution(in, result, req.targets);
      out.results.emplace_back(m, std::move(result));
    }
  }
  for (auto& [m, result] : out.results) result.paths = r.paths;
  return out;
}

}  // namespace vestsim::models
