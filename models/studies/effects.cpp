// docs/model.md#m7-what-correlation-and-tenders-change: the counterfactual runs of a report.
#include "models/studies/effects.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>
#include <vector>

#include "engine/statistics.hpp"
#include "models/studies/basis.hpp"

namespace vestsim::models {

namespace {

// The ids of the companies with tenders that offer `o` holds a grant of, in grant order.
std::vector<std::string> tender_companies(const Scenario& s, int o) {
  std::vector<std::string> out;
  for (const Grant& g : s.offers[o].grants) {
    const Company& c = s.companies[g.company];
    if (!c.is_public && c.priv.tenders.enabled &&
        std::find(out.begin(), out.end(), c.id) == out.end())
      out.push_back(c.id);
  }
  return out;
}

bool holds_tenders(const Scenario& s) {
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
    if (!tender_companies(s, o).empty()) return true;
  return false;
}

// The mean of x and the standard error of that mean (0 for one value).
std::pair<double, double> mean_and_se(const std::vector<double>& x) {
  const auto n = static_cast<double>(x.size());
  const double mean = engine::column_mean(x);  // the bits of the run's summary mean
  std::vector<double> sq(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) sq[i] = (x[i] - mean) * (x[i] - mean);
  const double var = x.size() > 1 ? engine::stable_sum(sq) / (n - 1) : 0.0;
  return {mean, std::sqrt(var / n)};
}

// P(diff > 0) on both runs and the standard error of their paired difference: the mean of
// 1[given > 0] - 1[changed > 0].
struct Paired {
  double p_given = 0, p = 0, se = 0;
};
Paired paired(const std::vector<double>& given, const std::vector<double>& changed) {
  assert(given.size() == changed.size() && !given.empty());
  std::vector<double> d(given.size());
  std::size_t wins_given = 0, wins = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    wins_given += given[i] > 0;
    wins += changed[i] > 0;
    d[i] = static_cast<double>(given[i] > 0) - static_cast<double>(changed[i] > 0);
  }
  const auto n = static_cast<double>(d.size());
  return {static_cast<double>(wins_given) / n, static_cast<double>(wins) / n,
          mean_and_se(d).second};
}

Counterfactual counterfactual(const Scenario& s, const SimResult& given, const SimResult& changed,
                              std::size_t k) {
  const int a = s.compare[k].a, b = s.compare[k].b;
  const Paired pre =
      paired(basis_diff(given, a, b, Basis::kPreTax), basis_diff(changed, a, b, Basis::kPreTax));
  const Paired after = paired(basis_diff(given, a, b, Basis::kAfterTax),
                              basis_diff(changed, a, b, Basis::kAfterTax));
  return {given.paths, pre.p_given, pre.p, pre.se, after.p_given, after.p, after.se};
}

TenderEffect tender_effect(const Scenario& s, int o, const SimResult& given,
                           const SimResult& without) {
  TenderEffect out;
  out.companies = tender_companies(s, o);
  if (out.companies.empty()) return out;
  out.paths = given.paths;
  const std::vector<double>& with = given.equity[o];
  const std::vector<double>& none = without.equity[o];
  std::vector<double> d(with.size());
  std::size_t sales = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = with[i] - none[i];
    sales += with[i] != none[i];
  }
  out.p_sale = static_cast<double>(sales) / static_cast<double>(d.size());
  out.equity_mean = mean_and_se(with).first;
  out.equity_mean_without = mean_and_se(none).first;
  out.effect_se = mean_and_se(d).second;
  return out;
}

}  // namespace

CompiledScenario independent_markets(CompiledScenario cs) {
  CorrelationFactor& f = cs.markets.factor;
  const std::size_t n = f.size();
  f.lower.assign(n * (n + 1) / 2, 0.0);
  for (std::size_t i = 0; i < n; ++i) f.lower[i * (i + 1) / 2 + i] = 1.0;  // L(i, i)
  return cs;
}

CompiledScenario without_tenders(CompiledScenario cs) {
  for (CompiledCompany& c : cs.companies)
    if (!c.is_public) c.priv.params.tenders.probability = 0;
  return cs;
}

bool has_market_effects(const Scenario& s) {
  return !s.correlations.empty() || holds_tenders(s);
}

void add_market_effects(const Scenario& s, const SimResult& stored, RunSummary& summary) {
  assert(summary.paths > 0 && summary.comparisons.size() == s.compare.size());
  if (!has_market_effects(s)) return;
  const std::uint64_t n = std::min(summary.paths, kEffectPaths);
  const CompiledScenario cs = compile(s, summary.seed);
  SimOptions opt;
  opt.paths = n;
  opt.threads = s.threads;
  SimResult fresh;
  const bool reuse = stored.paths == n && !stored.cash.empty();
  if (!reuse) fresh = simulate(cs, opt);
  const SimResult& given = reuse ? stored : fresh;
  if (!s.correlations.empty()) {
    const SimResult changed = simulate(independent_markets(cs), opt);
    for (std::size_t k = 0; k < s.compare.size(); ++k)
      summary.comparisons[k].independent = counterfactual(s, given, changed, k);
  }
  if (holds_tenders(s)) {
    const SimResult changed = simulate(without_tenders(cs), opt);
    for (std::size_t k = 0; k < s.compare.size(); ++k)
      if (!tender_companies(s, s.compare[k].a).empty() ||
          !tender_companies(s, s.compare[k].b).empty())
        summary.comparisons[k].no_tenders = counterfactual(s, given, changed, k);
    for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
      summary.offers[o].tenders = tender_effect(s, o, given, changed);
  }
}

}  // namespace vestsim::models
