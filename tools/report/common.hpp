// Number and text formatting shared by every report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/studies/basis.hpp"
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
// A file name as one segment of a relative URL: every byte but A-Z a-z 0-9 - . _ ~ as %XX, so
// that "c#1?.html" links to that file, not to "c" with a fragment.
std::string url_segment(const std::string& s);
// "106.00 GB", "24.9 MB", "512 kB", "200 bytes", "1.5 bytes": a size in the unit that keeps its
// figures (never "0.00 GB", nor "2 bytes" for a budget of 1.5).
std::string bytes_text(double b);
// "path" for 1, else "paths".
const char* paths_noun(unsigned long long n);
// "year" for 1, else "years" (horizons may be fractional: "2.5 years").
const char* years_noun(double years);
// "41.3%".
std::string percent(double p);
// Percentile keys print integers without a decimal point: "5", "97.5".
std::string percentile_key(double q);
// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);
// Free text (a scenario name, an offer label) for Markdown: on one line (tabs and line breaks
// become spaces) and with the characters Markdown would read as syntax backslash-escaped
// (\ ` * _ [ ] < > | # & ~), so that it shows as written and never breaks a table or a heading.
std::string markdown_text(const std::string& s);
// A JSON report, indented by 2, with "version" and "commit" (tools/version.hpp)
// added last, as every JSON report records them.
std::string json_report(nlohmann::ordered_json j);
// The "sampler" key of a Sobol study's JSON ({"name": "sobol", "replicates": 16},
// docs/design.md#20-quasi-monte-carlo-sobol-points); a Philox study, the default, has none.
void put_sampler(nlohmann::ordered_json& j, bool sobol);
// "p50_diff ±€1,813 (target €2,000)": a --precision quantity's half-width reached and its target,
// in money for the money quantities, as a number for p_win; "undefined" where none was measured.
std::string precision_reached(std::string_view name, double half_width, double target,
                              const std::string& currency);

// The run's notes, a sentence each, in this order: a fixed departure ("Every future: the employee
// leaves at month 18 (after 1.5 years).", docs/model.md#2-the-employee), the --precision
// stop (paths needed, each half-width against its target, and whether the targets held,
// docs/design.md#19-runs-that-stop-at-a-precision) and the sampler when it is sobol
// (docs/design.md#20-quasi-monte-carlo-sobol-points), then the replicate standard error of each
// P(a beats b), which only JSON has a field for. Empty when none applies.
std::vector<std::string> run_notes(const models::RunSummary& s);

// The one line every after-tax report carries (docs/tax.md#t6-outputs): "After-tax figures
// are a model of tax, not tax advice: regimes fr-2026 (2026), us-nyc-2026 (2026)." Requires:
// `regimes` as RunSummary::regimes spells them; empty gives "".
std::string tax_disclaimer(const std::vector<std::string>& regimes);

// The certainty equivalents of comparison `c`, each line "{lead}{basis} (CRRA γ = 2, wealth
// €100,000): a €X{sep}b €Y{end}": after tax then " before tax" when s.has_tax, else one line
// with no basis.
std::string certainty_lines(const models::RunSummary& s, const models::ComparisonSummary& c,
                            const std::string& lead, const std::string& sep,
                            const std::string& end);

// The basis a study compared on, in one line (docs/tax.md#t6-outputs): without a regime
// "On totals before tax: no offer has a tax regime."; after tax "On totals after tax
// (--basis pre-tax for before tax). " followed by tax_disclaimer(regimes); before tax with a
// regime "On totals before tax (--basis pre-tax; with a tax regime the default is after tax)."
std::string basis_sentence(models::Basis basis, const std::vector<std::string>& regimes);

}  // namespace vestsim::tools
