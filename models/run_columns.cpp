#include "models/run_columns.hpp"

#include <algorithm>
#include <array>
#include <cassert>

namespace vestsim::models {

std::vector<RunColumn> run_columns(const Scenario& s) {
  std::vector<RunColumn> t;
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
    for (ColumnKind k : {ColumnKind::kTotal, ColumnKind::kCash, ColumnKind::kEquity})
      t.push_back({k, o});
  for (int k = 0; k < static_cast<int>(s.compare.size()); ++k) t.push_back({ColumnKind::kDiff, k});
  if (s.risk_aversion != 0) {
    std::vector<int> offers;
    for (const Comparison& c : s.compare) offers.insert(offers.end(), {c.a, c.b});
    std::sort(offers.begin(), offers.end());
    offers.erase(std::unique(offers.begin(), offers.end()), offers.end());
    for (int o : offers) t.push_back({ColumnKind::kUtility, o});
  }
  return t;
}

engine::ColumnSpec column_spec(const Scenario& s, const RunColumn& c) {
  if (c.kind == ColumnKind::kUtility) return {{}, false};
  return {s.percentiles, true};
}

std::span<const double> column_of(const Scenario& s, const SimResult& r, const RunColumn& c,
                                  std::uint64_t n, std::vector<double>& scratch) {
  assert(n <= r.paths);
  const auto first = [n](const std::vector<double>& v) { return std::span(v).first(n); };
  switch (c.kind) {
    case ColumnKind::kTotal:
      return first(r.total[c.index]);
    case ColumnKind::kCash:
      return first(r.cash[c.index]);
    case ColumnKind::kEquity:
      return first(r.equity[c.index]);
    case ColumnKind::kDiff:
      return first(r.diff[c.index]);
    case ColumnKind::kUtility:
      scratch.resize(n);
      crra_utilities(first(r.total[c.index]), s.risk_aversion, s.wealth, scratch.data());
      return scratch;
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
    }
  }
  const double n = static_cast<double>(paths);
  for (std::size_t o = 0; o < s.offers.size(); ++o) {
    OfferSummary& os = out.offers[o];
    os.id = s.offers[o].id;
    os.label = s.offers[o].label;
    os.p_equity_zero = os.equity.p_zero;
    const int c = cs.offers[o].first_private_company;
    os.has_private = c >= 0;
    if (c < 0) continue;
    const std::uint64_t* k = tallies.data() + 4 * c;
    // Outcome enum: none 0, ipo 1, acquisition 2, failure 3; reported as ipo, acq, failure, none.
    os.outcomes = {.ipo = k[1] / n, .acquisition = k[2] / n, .failure = k[3] / n, .none = k[0] / n};
  }
  const auto ce = [&](int offer) {
    const engine::Summary& total = out.offers[offer].total;
    if (s.risk_aversion == 0) return total.mean;
    return certainty_equivalent_from(utility[offer]->mean, total.min, s.risk_aversion, s.wealth);
  };
  for (std::size_t k = 0; k < s.compare.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    c.a = s.offers[s.compare[k].a].id;
    c.b = s.offers[s.compare[k].b].id;
    c.p_a_beats_b = c.diff.p_positive;
    c.ce_a = ce(s.compare[k].a);
    c.ce_b = ce(s.compare[k].b);
  }
  return out;
}

}  // namespace vestsim::models
