// The run report: one RunSummary as text, JSON (the docs/cli.md contract),
// CSV, markdown and a self-contained HTML page with charts.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "models/simulate.hpp"
#include "models/studies/run.hpp"
#include "models/summary.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// Chart inputs for the HTML report, read from the per-path columns.
struct ChartData {
  double lo = 0, hi = 0;                     // histogram range (common to all offers)
  std::vector<std::vector<double>> density;  // [offer][bin]: share of paths per bin
  std::vector<double> cdf_p;                 // probability levels
  std::vector<std::vector<double>> cdf_x;    // [offer][level]: quantile of total
  // docs/tax.md#t6-outputs, per offer (empty without tax columns): P10, P50, P90 of the
  // effective tax rate tax / total over the paths whose total is > 0 (the rate of a total
  // <= 0 means nothing), and the share of paths that have one.
  std::vector<std::array<double, 3>> tax_rate;
  std::vector<double> tax_rate_share;
  // Per offer (empty without tax columns; nullopt for an offer without a regime): the tax
  // charged on its median future, the path whose after-tax total is nearest its P50, PV in
  // the report currency, split by category as models::charged_by_category() stacks them.
  std::vector<std::optional<models::CategoryAmounts>> median_tax;
};
// Requires at least one offer and one path.
ChartData chart_data(const models::SimResult& r);

// Fills c.median_tax from the tax ledger of each offer's median future: `s` compiled again
// and that one path re-simulated (models::simulate_path). Requires: `r` simulated from `s`.
// Does nothing when `r` has no tax columns.
void add_median_tax(ChartData& c, const models::Scenario& s, const models::SimResult& r);

std::string to_text(const models::RunSummary& s);
std::string to_json(const models::RunSummary& s);
std::string to_csv(const models::RunSummary& s);
std::string to_markdown(const models::RunSummary& s);
std::string to_html(const models::RunSummary& s, const ChartData& charts);

// The run report in `format` (HTML reads its charts from run.result, and with `scenario`, the
// scenario `run` simulated, the bar of tax by category of add_median_tax).
std::string render_run(const models::RunStudy& run, Format format,
                       const models::Scenario* scenario = nullptr);

}  // namespace vestsim::tools
