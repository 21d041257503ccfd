// Report writers: the same RunSummary as text, JSON (CLI.md contract), CSV,
// markdown and a self-contained HTML page.
#pragma once

#include <string>
#include <vector>

#include "models/summary.hpp"

namespace vestsim::tools {

// Money for reading: "€1,234,000", "-$12,500", "CHF 3,000" (rounded to the unit).
std::string money(double v, const std::string& currency);
// 1234567 -> "1,234,567".
std::string grouped(long long v);
// "€", "$", "£", or "CHF " for currencies without a symbol.
std::string currency_prefix(const std::string& currency);
// Text for HTML and SVG: & < > " escaped.
std::string html_escape(const std::string& s);
// A markdown pipe table (header, separator, rows) as an HTML <table>.
std::string markdown_table_html(const std::string& markdown);
// "41.3%".
std::string percent(double p);
// Percentile keys print integers without a decimal point: "5", "97.5".
std::string percentile_key(double q);

// Chart inputs for the HTML report, read from the per-path columns.
struct ChartData {
  double lo = 0, hi = 0;                     // histogram range (common to all offers)
  std::vector<std::vector<double>> density;  // [offer][bin]: share of paths per bin
  std::vector<double> cdf_p;                 // probability levels
  std::vector<std::vector<double>> cdf_x;    // [offer][level]: quantile of total
};
ChartData chart_data(const models::SimResult& r);

std::string to_text(const models::RunSummary& s);
std::string to_json(const models::RunSummary& s);
std::string to_csv(const models::RunSummary& s);
std::string to_markdown(const models::RunSummary& s);
std::string to_html(const models::RunSummary& s, const ChartData& charts);

// One row per comparison of a batch (CLI.md): scenario, a, b, P(a beats b),
// P50 of each total and of the difference.
struct BatchRow {
  std::string scenario, currency, a, b;
  double p_a_beats_b = 0, p50_a = 0, p50_b = 0, p50_diff = 0;
};
std::vector<BatchRow> batch_rows(const models::RunSummary& s);
std::string batch_table(const std::vector<BatchRow>& rows, const std::string& format);

}  // namespace vestsim::tools
