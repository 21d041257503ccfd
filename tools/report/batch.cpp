// The batch summary: one row per comparison of every scenario of a batch.
#include "tools/report/batch.hpp"

#include <algorithm>
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
  const auto p50 = [&s](const engine::Summary& x) {
    return models::percentile_at(s, x, 50).value_or(NAN);
  };
  for (const auto& c : s.comparisons) {
    BatchRow r{.scenario = s.scenario, .currency = s.currency, .a = c.a, .b = c.b, .regimes = {}};
    r.p_a_beats_b = c.p_a_beats_b;
    r.has_tax = s.has_tax;
    r.regimes = s.regimes;
    r.p_a_beats_b_after_tax = c.p_a_beats_b_after_tax;
    for (const auto& o : s.offers) {
      if (o.id == c.a) r.p50_a = p50(o.total), r.p50_a_after_tax = p50(o.after_tax);
      if (o.id == c.b) r.p50_b = p50(o.total), r.p50_b_after_tax = p50(o.after_tax);
    }
    r.p50_diff = p50(c.diff);
    r.p50_diff_after_tax = p50(c.diff_after_tax);
    rows.push_back(r);
  }
  return rows;
}

namespace {

// The note under a table with after-tax rows: what the figures are, then the disclaimer over
// every regime of the batch, each once, in row order.
std::string after_tax_note(const std::vector<BatchRow>& rows) {
  std::vector<std::string> regimes;
  for (const auto& r : rows)
    for (const std::string& g : r.regimes)
      if (std::find(regimes.begin(), regimes.end(), g) == regimes.end()) regimes.push_back(g);
  return "P(a beats b) and the P50s are after tax for the scenarios that name a tax regime, with "
         "the before-tax P(a beats b) beside it (\"-\" for a scenario without tax). " +
         tax_disclaimer(regimes);
}

}  // namespace

std::string batch_table(const std::vector<BatchRow>& rows, const std::vector<std::string>& stems,
                        Format format) {
  const bool taxed =
      std::any_of(rows.begin(), rows.end(), [](const BatchRow& r) { return r.has_tax; });
  if (format == Format::kJson) {
    ordered_json j = ordered_json::array();
    for (const auto& r : rows) {
      ordered_json row = {{"scenario", r.scenario},
                          {"currency", r.currency},
                          {"a", r.a},
                          {"b", r.b},
                          {"p_a_beats_b", r.p_a_beats_b},
                          {"p50_a", r.p50_a},
                          {"p50_b", r.p50_b},
                          {"p50_diff", r.p50_diff}};
      if (r.has_tax) {
        row["after_tax"] = {{"p_a_beats_b", r.p_a_beats_b_after_tax},
                            {"p50_a", r.p50_a_after_tax},
                            {"p50_b", r.p50_b_after_tax},
                            {"p50_diff", r.p50_diff_after_tax}};
        row["tax_regimes"] = r.regimes;
      }
      j.push_back(std::move(row));
    }
    return j.dump(2) + "\n";
  }
  if (format == Format::kCsv) {
    std::string out = "scenario,currency,a,b,p_a_beats_b,p50_a,p50_b,p50_diff";
    out += taxed ? ",p_a_beats_b_after_tax,p50_a_after_tax,p50_b_after_tax,p50_diff_after_tax\n"
                 : "\n";
    for (const auto& r : rows) {
      out += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g}", csv_field(r.scenario),
                         r.currency, csv_field(r.a), csv_field(r.b), r.p_a_beats_b, r.p50_a,
                         r.p50_b, r.p50_diff);
      if (taxed && r.has_tax)
        out += fmt::format(",{:.17g},{:.17g},{:.17g},{:.17g}", r.p_a_beats_b_after_tax,
                           r.p50_a_after_tax, r.p50_b_after_tax, r.p50_diff_after_tax);
      else if (taxed)
        out += ",,,,";
      out += "\n";
    }
    return out;
  }
  // The figures shown: after tax where the row has a regime, and the before-tax P beside it.
  struct Shown {
    std::string p, before, p50_a, p50_b, p50_diff;
  };
  const auto shown = [](const BatchRow& r) {
    if (!r.has_tax)
      return Shown{percent(r.p_a_beats_b), "-", money(r.p50_a, r.currency),
                   money(r.p50_b, r.currency), money(r.p50_diff, r.currency)};
    return Shown{percent(r.p_a_beats_b_after_tax), percent(r.p_a_beats_b),
                 money(r.p50_a_after_tax, r.currency), money(r.p50_b_after_tax, r.currency),
                 money(r.p50_diff_after_tax, r.currency)};
  };
  if (format == Format::kMarkdown || format == Format::kHtml) {
    std::string out =
        taxed
            ? "| scenario | a | b | P(a beats b) | before tax | P50 a | P50 b | P50 difference |\n"
              "|---|---|---|---:|---:|---:|---:|---:|\n"
            : "| scenario | a | b | P(a beats b) | P50 a | P50 b | P50 difference |\n"
              "|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& r : rows) {
      const Shown v = shown(r);
      out += fmt::format("| {} | {} | {} | {} |", markdown_text(r.scenario), markdown_text(r.a),
                         markdown_text(r.b), v.p);
      if (taxed) out += fmt::format(" {} |", v.before);
      out += fmt::format(" {} | {} | {} |\n", v.p50_a, v.p50_b, v.p50_diff);
    }
    if (format == Format::kMarkdown)
      return taxed ? out + "\n" + markdown_text(after_tax_note(rows)) + "\n" : out;
    std::string links;
    for (const std::string& stem : stems)
      links += fmt::format("<li><a href=\"{}.html\">{}</a></li>\n", url_segment(stem),
                           html_escape(stem));
    std::string note;
    if (taxed) note = "<p>" + html_escape(after_tax_note(rows)) + "</p>\n";
    return html_page("Batch summary",
                     "<ul>\n" + links + "</ul>\n" + markdown_table_html(out) + note);
  }
  // text
  const int before_width = taxed ? 10 : 9;  // the untaxed table as it always was
  std::string out =
      fmt::format("{:<40} {:>12} {:>{}} {:>12} {:>12} {:>12}\n", "scenario: a vs b", "P(a beats b)",
                  taxed ? "before tax" : "", before_width, "P50 a", "P50 b", "P50 diff");
  for (const auto& r : rows) {
    std::string name = r.scenario.substr(0, 24) + ": " + r.a + " vs " + r.b;
    if (name.size() > 40) name = name.substr(0, 39) + "…";
    const Shown v = shown(r);
    out += fmt::format("{:<40} {:>12} {:>{}} {:>12} {:>12} {:>12}\n", name, v.p,
                       taxed ? v.before : "", before_width, v.p50_a, v.p50_b, v.p50_diff);
  }
  return taxed ? out + "\n" + after_tax_note(rows) + "\n" : out;
}

std::string batch_file_name(Format format) {
  return format == Format::kHtml ? "index.html" : std::string("summary.") + extension(format);
}

}  // namespace vestsim::tools
