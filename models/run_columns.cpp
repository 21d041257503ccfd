#include "models/run_columns.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>

#include "models/studies/basis.hpp"

namespace vestsim::models {

namespace {

bool taxed(const CompiledScenario& cs, int offer) {
  return cs.has_tax && cs.offers[offer].has_regime;
}

// The offers some comparison names, sorted, each once.
std::vector<int> compared_offers(const Scenario& s) {
  std::vector<int> offers;
  for (const Comparison& c : s.compare) offers.insert(offers.end(), {c.a, c.b});
  std::sort(offers.begin(), offers.end());
  offers.erase(std::unique(offers.begin(), offers.end()), offers.end());
  return offers;
}

// total - tax of a taxed offer, the total of another, of paths [begin, end) into out.
void after_tax(const CompiledScenario& cs, const SimResult& r, int o, std::uint64_t begin,
               std::uint64_t end, double* out) {
  r.totals(o, begin, end, out);
  if (!taxed(cs, o)) return;
  for (std::uint64_t i = begin; i < end; ++i) out[i - begin] -= r.tax[o][i];
}

}  // namespace

std::vector<RunColumn> run_columns(const Scenario& s, const CompiledScenario& cs) {
  std::vector<RunColumn> t;
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
    for (ColumnKind k : {ColumnKind::kTotal, ColumnKind::kCash, ColumnKind::kEquity})
      t.push_back({k, o});
  for (int k = 0; k < static_cast<int>(s.compare.size()); ++k) t.push_back({ColumnKind::kDiff, k});
  if (s.risk_aversion != 0)
    for (int o : compared_offers(s)) t.push_back({ColumnKind::kUtility, o});
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
    if (taxed(cs, o)) {
      t.push_back({ColumnKind::kTax, o});
      t.push_back({ColumnKind::kAfterTax, o});
    }
  for (int k = 0; k < static_cast<int>(s.compare.size()); ++k)
    if (taxed(cs, s.compare[k].a) || taxed(cs, s.compare[k].b))
      t.push_back({ColumnKind::kDiffAfterTax, k});
  if (s.risk_aversion != 0)
    for (int o : compared_offers(s))
      if (taxed(cs, o)) t.push_back({ColumnKind::kUtilityAfterTax, o});
  return t;
}

engine::ColumnSpec column_spec(const Scenario& s, const RunColumn& c) {
  if (c.kind == ColumnKind::kUtility || c.kind == ColumnKind::kUtilityAfterTax) return {{}, false};
  return {s.percentiles, true};
}

std::span<const double> column_of(const Scenario& s, const CompiledScenario& cs, const SimResult& r,
                                  const RunColumn& c, std::uint64_t begin, std::uint64_t end,
                                  std::vector<double>& scratch) {
  assert(begin <= end && end <= r.paths);
  const std::uint64_t n = end - begin;
  const auto part = [&](const std::vector<double>& v) { return std::span(v).subspan(begin, n); };
  switch (c.kind) {
    case ColumnKind::kTotal:
      scratch.resize(n);
      r.totals(c.index, begin, end, scratch.data());
      return scratch;
    case ColumnKind::kCash:
      return part(r.cash[c.index]);
    case ColumnKind::kEquity:
      return part(r.equity[c.index]);
    case ColumnKind::kDiff:
      scratch.resize(n);
      r.diffs(c.index, begin, end, scratch.data());
      return scratch;
    case ColumnKind::kTax:
      return part(r.tax[c.index]);
    case ColumnKind::kUtility:
      scratch.resize(n);
      r.totals(c.index, begin, end, scratch.data());
      crra_utilities(scratch, s.risk_aversion, s.wealth, scratch.data());  // in place
      return scratch;
    case ColumnKind::kAfterTax:
    case ColumnKind::kUtilityAfterTax:
      scratch.resize(n);
      after_tax(cs, r, c.index, begin, end, scratch.data());
      if (c.kind == ColumnKind::kUtilityAfterTax)  // in place: value i is read before written
        crra_utilities(scratch, s.risk_aversion, s.wealth, scratch.data());
      return scratch;
    case ColumnKind::kDiffAfterTax: {
      scratch.resize(2 * n);
      const Comparison& k = s.compare[c.index];
      after_tax(cs, r, k.a, begin, end, scratch.data());
      after_tax(cs, r, k.b, begin, end, scratch.data() + n);
      for (std::uint64_t i = 0; i < n; ++i)
        scratch[i] = path_difference(scratch[i], scratch[n + i]);
      return std::span<const double>(scratch).first(n);
    }
  }
  return {};
}

std::size_t tally_count(const CompiledScenario& cs) {
  return 4 * cs.companies.size();
}

void add_tallies(const SimResult& r, std::uint64_t n, std::uint64_t* tallies) {
  for (std::size_t c = 0; c < r.outcome.size(); ++c)
    if (!r.outcome[c].empty())
      for (std::uint64_t i = 0; i < n; ++i) ++tallies[4 * c + r.outcome[c][i]];
}

RunSummary assemble_summary(const Scenario& s, const CompiledScenario& cs,
                            const std::vector<RunColumn>& table,
                            const std::vector<engine::Summary>& columns,
                            const std::vector<std::uint64_t>& tallies, std::uint64_t paths,
                            int threads, std::uint64_t seed) {
  assert(columns.size() == table.size());
  RunSummary out = summary_header(s, paths, threads, seed);
  out.offers.resize(s.offers.size());
  out.comparisons.resize(s.compare.size());
  std::vector<const engine::Summary*> utility(s.offers.size(), nullptr);
  std::vector<const engine::Summary*> utility_after(s.offers.size(), nullptr);
  std::vector<bool> diff_after(s.compare.size(), false);
  for (std::size_t j = 0; j < table.size(); ++j) {
    const RunColumn& c = table[j];
    switch (c.kind) {
      case ColumnKind::kTotal:
        out.offers[c.index].total = columns[j];
        break;
      case ColumnKind::kCash:
        out.offers[c.index].cash = columns[j];
        break;
      case ColumnKind::kEquity:
        out.offers[c.index].equity = columns[j];
        break;
      case ColumnKind::kDiff:
        out.comparisons[c.index].diff = columns[j];
        break;
      case ColumnKind::kUtility:
        utility[c.index] = &columns[j];
        break;
      case ColumnKind::kTax:
        out.offers[c.index].tax = columns[j];
        break;
      case ColumnKind::kAfterTax:
        out.offers[c.index].after_tax = columns[j];
        break;
      case ColumnKind::kDiffAfterTax:
        out.comparisons[c.index].diff_after_tax = columns[j];
        diff_after[c.index] = true;
        break;
      case ColumnKind::kUtilityAfterTax:
        utility_after[c.index] = &columns[j];
        break;
    }
  }
  const double n = static_cast<double>(paths);
  for (std::size_t o = 0; o < s.offers.size(); ++o) {
    OfferSummary& os = out.offers[o];
    os.id = s.offers[o].id;
    os.label = s.offers[o].label;
    os.p_equity_zero = os.equity.p_zero;
    const CompiledOffer& co = cs.offers[o];
    for (std::uint32_t g = co.first_grant; g < co.first_grant + co.grant_count; ++g)
      os.can_pay_strike = os.can_pay_strike || cs.grants[g].exercise_window >= 0;
    if (os.can_pay_strike) os.p_equity_negative = os.equity.p_negative;
    const int c = cs.offers[o].first_private_company;
    os.has_private = c >= 0;
    if (c < 0) continue;
    const std::uint64_t* k = tallies.data() + 4 * c;
    // Outcome enum: none 0, ipo 1, acquisition 2, failure 3; reported as ipo, acq, failure, none.
    os.outcomes = {.ipo = k[1] / n, .acquisition = k[2] / n, .failure = k[3] / n, .none = k[0] / n};
  }
  // Untaxed: the tax of every path is 0 and after tax is pre-tax (docs/tax.md#t6-outputs).
  engine::Summary zero;
  zero.n = paths;
  zero.p_zero = 1;
  zero.percentiles.assign(s.percentiles.size(), 0.0);
  zero.ci95.assign(s.percentiles.size(), {0.0, 0.0});
  out.regimes = regime_labels(s);  // one label per regime, as every report names them
  for (std::size_t o = 0; o < s.offers.size(); ++o) {
    OfferSummary& os = out.offers[o];
    os.has_regime = s.offers[o].tax.has_value();
    out.has_tax = out.has_tax || os.has_regime;
    if (taxed(cs, static_cast<int>(o))) continue;
    os.tax = zero;
    os.after_tax = os.total;
  }
  // The certainty equivalent of an offer's total (after tax: of total - tax when taxed).
  const auto ce = [&](int offer, bool after) {
    const bool t = after && taxed(cs, offer);
    const engine::Summary& x = t ? out.offers[offer].after_tax : out.offers[offer].total;
    if (s.risk_aversion == 0) return x.mean;
    const engine::Summary* u = t ? utility_after[offer] : utility[offer];
    const double v = certainty_equivalent_from(u->mean, x.min, s.risk_aversion, s.wealth);
    // NaN: the utilities' mean cannot carry it. Every path the same: the CE is that amount;
    // otherwise summarize_run recomputes it from the column, and a two-pass run by one more
    // pass (shifted_certainty_equivalents, models/studies/run.cpp).
    if (!std::isnan(v)) return v;
    if (x.min == x.max) return x.min;
    // gamma < 1 with every path ruined: every utility is 0, the CE -wealth (as before).
    return s.risk_aversion < 1 && s.wealth + x.max <= 0 ? -s.wealth : v;
  };
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    c.a = s.offers[s.compare[k].a].id;
    c.b = s.offers[s.compare[k].b].id;
    c.p_a_beats_b = c.diff.p_positive;
    c.ce_a = ce(s.compare[k].a, false);
    c.ce_b = ce(s.compare[k].b, false);
    if (!diff_after[k]) c.diff_after_tax = c.diff;
    c.p_a_beats_b_after_tax = c.diff_after_tax.p_positive;
    c.ce_a_after_tax = ce(s.compare[k].a, true);
    c.ce_b_after_tax = ce(s.compare[k].b, true);
  }
  return out;
}

}  // namespace vestsim::models
