// Number and text formatting shared by every report.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

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
// "path" for 1, else "paths".
const char* paths_noun(unsigned long long n);
// "41.3%".
std::string percent(double p);
// Percentile keys print integers without a decimal point: "5", "97.5".
std::string percentile_key(double q);
// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);
// A JSON report, indented by 2, with "version" and "commit" (tools/version.hpp)
// added last, as every JSON report records them.
std::string json_report(nlohmann::ordered_json j);

// "Every future: the employee leaves at month 18 (after 1.5 years)." for a
// fixed departure (docs/model.md#2-the-employee); empty when departure is random.
std::string fixed_departure_line(const models::RunSummary& s);

}  // namespace vestsim::tools
