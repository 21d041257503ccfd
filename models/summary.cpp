#include "models/summary.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/parallel.hpp"

namespace vestsim::models {

double certainty_equivalent(std::span<const double> total, double gamma, double wealth,
                            std::vector<double>& scratch) {
  const std::size_t n = total.size();
  if (n == 0) return 0;
  if (gamma == 0) return engine::stable_sum(total) / static_cast<double>(n);
  scratch.resize(n);
  // Work in units of `scale` so that w^(1 - gamma) stays representable.
  const double scale = std::max(1.0, wealth);
  bool nonpositive = false;
  for (std::size_t i = 0; i < n; ++i) {
    double w = (wealth + total[i]) / scale;
    if (w <= 0) {
      nonpositive = true;
      w = 0;  // for 0 < gamma < 1 such wealth counts as 0
    }
    scratch[i] = gamma == 1 ? std::log(w) : std::pow(w, 1 - gamma);
  }
  if (nonpositive && gamma >= 1) return -wealth;
  const double m = engine::stable_sum(scratch) / static_cast<double>(n);
  const double w = gamma == 1 ? std::exp(m) : std::pow(m, 1 / (1 - gamma));
  return w * scale - wealth;
}

double median(std::span<const double> column) {
  assert(!column.empty());
  std::vector<double> copy(column.begin(), column.end());
  const double q[] = {50};
  return engine::select_percentiles(copy, q)[0];
}

double share_positive(std::span<const double> diff) {
  assert(!diff.empty());
  std::size_t wins = 0;
  for (double x : diff) wins += x > 0;
  return static_cast<double>(wins) / static_cast<double>(diff.size());
}

std::optional<double> percentile_at(const RunSummary& s, const engine::Summary& x, double q) {
  for (std::size_t i = 0; i < s.percentiles.size(); ++i)
    if (s.percentiles[i] == q) return x.percentiles[i];
  return std::nullopt;
}

RunSummary summarize_run(const Scenario& s, const CompiledScenario& cs, const SimResult& r,
                         int threads, std::uint64_t seed) {
  RunSummary out;
  out.scenario = s.name;
  out.currency = s.currency;
  out.paths = r.paths;
  out.seed = seed;
  out.threads = engine::resolve_threads(threads);
  out.seconds = r.seconds;
  out.percentiles = s.percentiles;
  out.risk_aversion = s.risk_aversion;
  out.wealth = s.wealth;
  out.horizon_years = s.horizon_years;
  out.liquidity_horizon_years = s.liquidity_horizon_years;
  out.departure_at_month = s.departure_at_month;
  const double n = static_cast<double>(r.paths);
  const std::size_t n_offers = s.offers.size();
  out.offers.resize(n_offers);
  out.comparisons.resize(s.compare.size());

  // After tax (docs/tax.md#t6-outputs): a column total - tax per offer with a regime and a
  // difference column per comparison touching one; elsewhere the pre-tax summaries are copied.
  const bool taxed = !r.tax.empty();
  std::vector<std::vector<double>> after(n_offers), diff_after(s.compare.size());
  auto taxed_offer = [&](int o) { return taxed && cs.offers[o].has_regime; };
  auto after_column = [&](int o) -> std::span<const double> {
    return after[o].empty() ? std::span<const double>(r.total[o]) : after[o];
  };
  for (std::size_t o = 0; o < n_offers; ++o)
    if (taxed_offer(static_cast<int>(o))) {
      after[o].resize(r.paths);
      for (std::size_t i = 0; i < r.paths; ++i) after[o][i] = r.total[o][i] - r.tax[o][i];
    }
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    const Comparison& c = s.compare[k];
    if (!taxed_offer(c.a) && !taxed_offer(c.b)) continue;
    const std::span<const double> a = after_column(c.a), b = after_column(c.b);
    diff_after[k].resize(r.paths);
    for (std::size_t i = 0; i < r.paths; ++i) diff_after[k][i] = a[i] - b[i];
  }

  // One task per column; each has its own scratch. Results land in fixed slots: a summary
  // (`into`) or a certainty equivalent (`ce`).
  struct Job {
    std::span<const double> column;
    engine::Summary* into = nullptr;
    double* ce = nullptr;
  };
  std::vector<Job> jobs;
  for (std::size_t o = 0; o < n_offers; ++o) {
    OfferSummary& os = out.offers[o];
    os.id = s.offers[o].id;
    os.label = s.offers[o].label;
    os.has_regime = s.offers[o].tax.has_value();
    jobs.push_back({r.total[o], &os.total});
    jobs.push_back({r.cash[o], &os.cash});
    jobs.push_back({r.equity[o], &os.equity});
    if (!after[o].empty()) {
      jobs.push_back({r.tax[o], &os.tax});
      jobs.push_back({after[o], &os.after_tax});
    }
  }
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    const int a = s.compare[k].a, b = s.compare[k].b;
    jobs.push_back({r.diff[k], &c.diff});
    jobs.push_back({r.total[a], nullptr, &c.ce_a});
    jobs.push_back({r.total[b], nullptr, &c.ce_b});
    if (diff_after[k].empty()) continue;
    jobs.push_back({diff_after[k], &c.diff_after_tax});
    jobs.push_back({after_column(a), nullptr, &c.ce_a_after_tax});
    jobs.push_back({after_column(b), nullptr, &c.ce_b_after_tax});
  }
  engine::for_each_index(jobs.size(), threads, [&](std::size_t j) {
    std::vector<double> scratch;
    if (jobs[j].into)
      *jobs[j].into = engine::summarize(jobs[j].column, s.percentiles, scratch);
    else
      *jobs[j].ce = certainty_equivalent(jobs[j].column, s.risk_aversion, s.wealth, scratch);
  });

  // Untaxed: the tax of every path is 0 and after tax is pre-tax.
  engine::Summary zero;
  zero.n = r.paths;
  zero.p_zero = 1;
  zero.percentiles.assign(s.percentiles.size(), 0.0);
  zero.ci95.assign(s.percentiles.size(), {0.0, 0.0});
  for (std::size_t o = 0; o < n_offers; ++o) {
    OfferSummary& os = out.offers[o];
    out.has_tax = out.has_tax || os.has_regime;
    if (os.has_regime) {
      const TaxRegime& g = s.offers[o].tax->regime;
      const std::string name = g.name + " (" + std::to_string(g.year) + ")";
      if (std::find(out.regimes.begin(), out.regimes.end(), name) == out.regimes.end())
        out.regimes.push_back(name);
    }
    if (!after[o].empty()) continue;
    os.tax = zero;
    os.after_tax = os.total;
  }
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    if (!diff_after[k].empty()) continue;
    c.diff_after_tax = c.diff;
    c.ce_a_after_tax = c.ce_a;
    c.ce_b_after_tax = c.ce_b;
  }

  for (std::size_t o = 0; o < n_offers; ++o) {
    OfferSummary& os = out.offers[o];
    os.p_equity_zero = os.equity.p_zero;
    const CompiledOffer& co = cs.offers[o];
    for (std::uint32_t g = co.first_grant; g < co.first_grant + co.grant_count; ++g)
      os.can_pay_strike = os.can_pay_strike || cs.grants[g].exercise_window >= 0;
    if (os.can_pay_strike) {
      std::uint64_t negative = 0;
      for (double e : r.equity[o]) negative += e < 0;
      os.p_equity_negative = negative / n;
    }
    const int c = cs.offers[o].first_private_company;
    os.has_private = c >= 0;
    if (c >= 0) {
      std::array<std::uint64_t, 4> counts{};
      for (std::uint8_t v : r.outcome[c]) ++counts[v];
      // Outcome enum: none 0, ipo 1, acquisition 2, failure 3; reported as ipo, acq, failure, none.
      out.offers[o].outcomes = {.ipo = counts[1] / n,
                                .acquisition = counts[2] / n,
                                .failure = counts[3] / n,
                                .none = counts[0] / n};
    }
  }
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    c.a = s.offers[s.compare[k].a].id;
    c.b = s.offers[s.compare[k].b].id;
    c.p_a_beats_b = c.diff.p_positive;
    c.p_a_beats_b_after_tax = c.diff_after_tax.p_positive;
  }

  if (!r.timeline.empty()) {
    const int years = r.timeline_years;
    out.fan.assign(n_offers, std::vector<std::array<double, 5>>(years));
    const std::vector<double> q = {10, 25, 50, 75, 90};
    engine::for_each_index(r.timeline.size(), threads, [&](std::size_t j) {
      std::vector<double> col(r.timeline[j].begin(), r.timeline[j].end());
      const std::vector<double> v = engine::select_percentiles(col, q);
      std::copy(v.begin(), v.end(), out.fan[j / years][j % years].begin());
    });
  }
  return out;
}

}  // namespace vestsim::models
