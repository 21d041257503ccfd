// The batch summary of `vestsim run FOLDER`: one row per comparison of every
// scenario, in every format; the HTML one is the index page of the folder.
#pragma once

#include <string>
#include <vector>

#include "models/summary.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// One row per comparison of a batch (docs/cli.md, "Batches"): scenario, a, b, P(a beats
// b), P50 of each total and of the difference (NaN when the scenario's
// percentiles leave out 50); when the scenario names a tax regime (has_tax), the same
// after tax (docs/tax.md#t6-outputs) and the regimes for the disclaimer.
struct BatchRow {
  std::string scenario, currency, a, b;
  double p_a_beats_b = 0, p50_a = 0, p50_b = 0, p50_diff = 0;
  bool has_tax = false;
  double p_a_beats_b_after_tax = 0, p50_a_after_tax = 0, p50_b_after_tax = 0,
         p50_diff_after_tax = 0;
  std::vector<std::string> regimes;
};
std::vector<BatchRow> batch_rows(const models::RunSummary& s);

// The summary table. For HTML, a whole index page that links each scenario's
// own report, `stem`.html, in the order of `stems`. When any row has_tax, text, Markdown and
// HTML lead with the after-tax figures (before-tax P(a beats b) beside them) and end with the
// tax disclaimer; CSV gains after-tax columns and JSON an `after_tax` object per taxed row.
std::string batch_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& stems,
                        Format format);

// The summary's file name in the output folder: "index.html", "summary.csv", ...
std::string batch_file_name(Format format);

}  // namespace vestsim::tools
