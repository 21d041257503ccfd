// The columns a run summarises, as one table
// (docs/design.md#16-summaries-that-do-not-depend-on-where-paths-ran).
//
// Every summarised column of a run is a row of this table: the in-memory
// summary reads it from the stored SimResult, the two-pass summary from a
// chunk of re-simulated paths, and both hand the same values to the same
// engine code, so they report the same bits. A new per-path output (a tax
// column, say) is one more ColumnKind here and one more line in column_of.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/statistics.hpp"
#include "engine/two_pass.hpp"
#include "models/compiled.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"

namespace vestsim::models {

enum class ColumnKind {
  kTotal,    // per offer
  kCash,     // per offer
  kEquity,   // per offer
  kDiff,     // per comparison
  kUtility,  // per offer: CRRA utility of total, for the certainty equivalent (moments only)
  // After tax (docs/tax.md#t6-outputs), only for offers with a regime (and the
  // comparisons touching one); elsewhere the pre-tax summaries stand in.
  kTax,              // per taxed offer: PV of the tax charged
  kAfterTax,         // per taxed offer: total - tax
  kDiffAfterTax,     // per comparison touching a taxed offer: after(a) - after(b)
  kUtilityAfterTax,  // per taxed compared offer: utility of total - tax
};

struct RunColumn {
  ColumnKind kind = ColumnKind::kTotal;
  int index = 0;  // the offer, or the comparison for kDiff
};

// The table of `s` (compiled as `cs`): total, cash, equity per offer, diff
// per comparison, the utility of each compared offer (when risk aversion >
// 0), then the after-tax columns of the taxed offers and comparisons.
std::vector<RunColumn> run_columns(const Scenario& s, const CompiledScenario& cs);

// What the summary of column c needs: the scenario's percentiles with CIs
// and CVaR, or (kUtility) the moments alone.
engine::ColumnSpec column_spec(const Scenario& s, const RunColumn& c);

// Values [begin, end) of column c of r: a view of the stored column (cash,
// equity, tax), or values derived into `scratch` (the other kinds; total and
// diff by SimResult::totals and ::diffs). Requires begin <= end <= r's paths.
std::span<const double> column_of(const Scenario& s, const CompiledScenario& cs, const SimResult& r,
                                  const RunColumn& c, std::uint64_t begin, std::uint64_t end,
                                  std::vector<double>& scratch);

// Integer tallies of a run: outcome counts, [company * 4 + Outcome].
std::size_t tally_count(const CompiledScenario& cs);
void add_tallies(const SimResult& r, std::uint64_t n, std::uint64_t* tallies);

// The run summary from the table's summaries and the tallies (fan left empty).
RunSummary assemble_summary(const Scenario& s, const CompiledScenario& cs,
                            const std::vector<RunColumn>& table,
                            const std::vector<engine::Summary>& columns,
                            const std::vector<std::uint64_t>& tallies, std::uint64_t paths,
                            int threads, std::uint64_t seed);

}  // namespace vestsim::models
