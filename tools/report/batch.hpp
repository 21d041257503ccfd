// The batch summary of `vestsim run FOLDER`: one row per comparison of every
// scenario, in every format; the HTML one is the index page of the folder.
#pragma once

#include <string>
#include <vector>

#include "models/summary.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// One row per comparison of a batch (docs/cli.md): scenario, a, b, P(a beats
// b), P50 of each total and of the difference (NaN when the scenario's
// percentiles leave out 50).
struct BatchRow {
  std::string scenario, currency, a, b;
  double p_a_beats_b = 0, p50_a = 0, p50_b = 0, p50_diff = 0;
};
std::vector<BatchRow> batch_rows(const models::RunSummary& s);

// The summary table. For HTML, a whole index page that links each scenario's
// own report, `stem`.html, in the order of `stems`.
std::string batch_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& stems,
                        Format format);

// The summary's file name in the output folder: "index.html", "summary.csv", ...
std::string batch_file_name(Format format);

}  // namespace vestsim::tools
