// The batch summary: one row per comparison of every scenario of a batch.
#include "tools/report/batch.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"
#include "tools/report/html.hpp"

namespace vestsim::tools {

using models::RunSummary;
using nlohmann::ordered_json;

std::vector<BatchRow> batch_rows(const RunSummary& s) {
  std::vector<BatchRow> rows;
  for (const auto& c : s.comparisons) {
    BatchRow r{s.scenario, s.currency, c.a, c.b, c.p_a_beats_b, 0, 0, 0};
    for (const auto& o : s.offers) {
      const double p50 = models::percentile_at(s, o.total, 50).value_or(NAN);
      if (o.id == c.a) r.p50_a = p50;
      if (o.id == c.b) r.p50_b = p50;
    }
    r.p50_diff = models::percentile_at(s, c.diff, 50).value_or(NAN);
    rows.push_back(r);
  }
  return rows;
}

std::string batch_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& stems,
                        Format format) {
  if (format == Format::kJson) {
    ordered_json j = ordered_json::array();
    for (const auto& r : rows)
      j.push_back({{"scenario", r.scenario},
                   {"currency", r.currency},
                   {"a", r.a},
                   {"b", r.b},
                   {"p_a_beats_b", r.p_a_beats_b},
                   {"p50_a", r.p50_a},
                   {"p50_b", r.p50_b},
                   {"p50_diff", r.p50_diff}});
    return j.dump(2) + "\n";
  }
  if (format == Format::kCsv) {
    std::string out = "scenario,currency,a,b,p_a_beats_b,p50_a,p50_b,p50_diff\n";
    for (const auto& r : rows)
      out += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g}\n", csv_field(r.scenario),
                         r.currency, csv_field(r.a), csv_field(r.b), r.p_a_beats_b, r.p50_a,
                         r.p50_b, r.p50_diff);
    return out;
  }
  if (format == Format::kMarkdown || format == Format::kHtml) {
    std::string out =
        "| scenario | a | b | P(a beats b) | P50 a | P50 b | P50 difference |\n"
        "|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& r : rows)
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_text(r.scenario),
                         markdown_text(r.a), markdown_text(r.b), percent(r.p_a_beats_b),
                         money(r.p50_a, r.currency), money(r.p50_b, r.currency),
                         money(r.p50_diff, r.currency));
    if (format == Format::kMarkdown) return out;
    std::string links;
    for (const std::string& stem : stems)
      links += fmt::format("<li><a href=\"{0}.html\">{0}</a></li>\n", html_escape(stem));
    return html_page("Batch summary", "<ul>\n" + links + "</ul>\n" + markdown_table_html(out));
  }
  // text
  std::string out = fmt::format("{:<40} {:>12} {:>9} {:>12} {:>12} {:>12}\n", "scenario: a vs b",
                                "P(a beats b)", "", "P50 a", "P50 b", "P50 diff");
  for (const auto& r : rows) {
    std::string name = r.scenario.substr(0, 24) + ": " + r.a + " vs " + r.b;
    if (name.size() > 40) name = name.substr(0, 39) + "…";
    out += fmt::format("{:<40} {:>12} {:>9} {:>12} {:>12} {:>12}\n", name, percent(r.p_a_beats_b),
                       "", money(r.p50_a, r.currency), money(r.p50_b, r.currency),
                       money(r.p50_diff, r.currency));
  }
  return out;
}

std::string batch_file_name(Format format) {
  return format == Format::kHtml ? "index.html" : std::string("summary.") + extension(format);
}

}  // namespace vestsim::tools
