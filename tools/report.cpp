#include "tools/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/statistics.hpp"

namespace vestsim::tools {

using models::RunSummary;
using nlohmann::ordered_json;

namespace {

// The statistics of one output in CLI.md's shape.
ordered_json summary_json(const engine::Summary& s, const std::vector<double>& q) {
  ordered_json j;
  j["mean"] = s.mean;
  j["sd"] = s.sd;
  j["stderr"] = s.std_error;
  j["min"] = s.min;
  j["max"] = s.max;
  j["cvar5"] = s.cvar5;
  ordered_json p = ordered_json::object(), ci = ordered_json::object();
  for (std::size_t i = 0; i < q.size(); ++i) {
    p[percentile_key(q[i])] = s.percentiles[i];
    ci[percentile_key(q[i])] = {s.ci95[i].first, s.ci95[i].second};
  }
  j["percentiles"] = p;
  j["percentile_ci95"] = ci;
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void csv_summary(std::string& out, const std::string& kind, const std::string& id,
                 const std::string& output, const engine::Summary& s,
                 const std::vector<double>& q) {
  auto row = [&](const std::string& stat, double v) {
    out += fmt::format("{},{},{},{},{:.17g}\n", kind, csv_field(id), output, stat, v);
  };
  row("mean", s.mean);
  row("sd", s.sd);
  row("stderr", s.std_error);
  row("min", s.min);
  row("max", s.max);
  row("cvar5", s.cvar5);
  for (std::size_t i = 0; i < q.size(); ++i) {
    const std::string k = percentile_key(q[i]);
    row("p" + k, s.percentiles[i]);
    row("p" + k + "_ci95_low", s.ci95[i].first);
    row("p" + k + "_ci95_high", s.ci95[i].second);
  }
}

}  // namespace

std::string grouped(long long v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string currency_prefix(const std::string& currency) {
  if (currency == "EUR") return "€";
  if (currency == "USD") return "$";
  if (currency == "GBP") return "£";
  return currency + " ";
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_table_html(const std::string& markdown) {
  std::string out = "<table>\n";
  std::size_t row = 0, start = 0;
  while (start < markdown.size()) {
    std::size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = markdown.substr(start, end - start);
    start = end + 1;
    if (line.size() < 2 || line.front() != '|' || line.find("---") != std::string::npos) continue;
    const char* cell = row == 0 ? "th" : "td";
    out += "<tr>";
    std::size_t a = 1;
    for (std::size_t b = line.find('|', a); b != std::string::npos;
         a = b + 1, b = line.find('|', a)) {
      std::string text = line.substr(a, b - a);
      const std::size_t f = text.find_first_not_of(' '), l = text.find_last_not_of(' ');
      text = f == std::string::npos ? "" : text.substr(f, l - f + 1);
      out += fmt::format("<{0}>{1}</{0}>", row > 0 && a == 1 ? "th" : cell, html_escape(text));
    }
    out += "</tr>\n";
    ++row;
  }
  return out + "</table>\n";
}

std::string money(double v, const std::string& currency) {
  const long long r = std::llround(v);
  std::string out = r < 0 ? "-" : "";
  out += currency_prefix(currency);
  out += grouped(r < 0 ? -r : r);
  return out;
}

std::string percent(double p) {
  return fmt::format("{:.1f}%", 100.0 * p);
}

std::string percentile_key(double q) {
  if (q == std::floor(q)) return fmt::format("{}", static_cast<long long>(q));
  return fmt::format("{}", q);
}

ChartData chart_data(const models::SimResult& r) {
  ChartData c;
  for (int k = 1; k < 200; ++k) c.cdf_p.push_back(k / 200.0);
  std::vector<double> levels;
  for (double p : c.cdf_p) levels.push_back(100 * p);
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& column : r.total) {
    std::vector<double> v(column);
    c.cdf_x.push_back(engine::select_percentiles(v, levels));
    lo = std::min(lo, c.cdf_x.back().front());  // P0.5 ... P99.5: the tails are cut off
    hi = std::max(hi, c.cdf_x.back().back());
  }
  if (!(hi > lo)) hi = lo + 1;
  c.lo = lo;
  c.hi = hi;
  constexpr int kBins = 48;
  const double width = (hi - lo) / kBins;
  for (const auto& column : r.total) {
    std::vector<double> d(kBins, 0.0);
    for (double x : column) {
      const int b = static_cast<int>(std::floor((x - lo) / width));
      if (b >= 0 && b < kBins) d[b] += 1;
    }
    for (double& x : d) x /= static_cast<double>(column.size());
    c.density.push_back(std::move(d));
  }
  return c;
}

std::string to_json(const RunSummary& s) {
  ordered_json j;
  j["scenario"] = s.scenario;
  j["currency"] = s.currency;
  j["paths"] = s.paths;
  j["seed"] = s.seed;
  j["horizon_years"] = s.horizon_years;
  j["liquidity_horizon_years"] = s.liquidity_horizon_years;
  ordered_json offers = ordered_json::object();
  for (const auto& o : s.offers) {
    ordered_json jo;
    jo["label"] = o.label;
    jo["total"] = summary_json(o.total, s.percentiles);
    jo["cash"] = summary_json(o.cash, s.percentiles);
    jo["equity"] = summary_json(o.equity, s.percentiles);
    jo["p_equity_zero"] = o.p_equity_zero;
    if (o.has_private)
      jo["outcomes"] = {{"ipo", o.outcomes[0]},
                        {"acquisition", o.outcomes[1]},
                        {"failure", o.outcomes[2]},
                        {"none", o.outcomes[3]}};
    offers[o.id] = jo;
  }
  j["offers"] = offers;
  ordered_json cmp = ordered_json::array();
  for (const auto& c : s.comparisons) {
    ordered_json jc;
    jc["a"] = c.a;
    jc["b"] = c.b;
    jc["p_a_beats_b"] = c.p_a_beats_b;
    jc["diff"] = summary_json(c.diff, s.percentiles);
    jc["certainty_equivalent"] = {{"a", c.ce_a}, {"b", c.ce_b}};
    jc["risk_aversion"] = s.risk_aversion;
    jc["wealth"] = s.wealth;
    cmp.push_back(jc);
  }
  j["comparisons"] = cmp;
  j["timing"] = {{"seconds", s.seconds},
                 {"paths_per_second", s.seconds > 0 ? s.paths / s.seconds : 0.0},
                 {"threads", s.threads}};
  return j.dump(2) + "\n";
}

std::string to_csv(const RunSummary& s) {
  std::string out = "kind,id,output,statistic,value\n";
  for (const auto& o : s.offers) {
    csv_summary(out, "offer", o.id, "total", o.total, s.percentiles);
    csv_summary(out, "offer", o.id, "cash", o.cash, s.percentiles);
    csv_summary(out, "offer", o.id, "equity", o.equity, s.percentiles);
    out += fmt::format("offer,{},equity,p_zero,{:.17g}\n", csv_field(o.id), o.p_equity_zero);
    if (o.has_private) {
      const char* names[] = {"ipo", "acquisition", "failure", "none"};
      for (int k = 0; k < 4; ++k)
        out +=
            fmt::format("offer,{},outcome,{},{:.17g}\n", csv_field(o.id), names[k], o.outcomes[k]);
    }
  }
  for (const auto& c : s.comparisons) {
    const std::string id = c.a + ":" + c.b;
    csv_summary(out, "comparison", id, "diff", c.diff, s.percentiles);
    out += fmt::format("comparison,{},diff,p_a_beats_b,{:.17g}\n", csv_field(id), c.p_a_beats_b);
    out += fmt::format("comparison,{},certainty_equivalent,a,{:.17g}\n", csv_field(id), c.ce_a);
    out += fmt::format("comparison,{},certainty_equivalent,b,{:.17g}\n", csv_field(id), c.ce_b);
  }
  return out;
}

std::string to_markdown(const RunSummary& s) {
  const std::string& cur = s.currency;
  std::string out = fmt::format("# {}\n\n", s.scenario);
  out += fmt::format("{} paths, seed {}, {} over {} years (equity liquid up to {} years).\n\n",
                     grouped(static_cast<long long>(s.paths)), s.seed, s.currency, s.horizon_years,
                     s.liquidity_horizon_years);
  auto header = [&] {
    std::string h = "| | mean |", sep = "|---|---:|";
    for (double q : s.percentiles) {
      h += fmt::format(" P{} |", percentile_key(q));
      sep += "---:|";
    }
    return h + "\n" + sep + "\n";
  };
  auto row = [&](const std::string& name, const engine::Summary& x) {
    std::string r = fmt::format("| {} | {} |", name, money(x.mean, cur));
    for (double p : x.percentiles) r += fmt::format(" {} |", money(p, cur));
    return r + "\n";
  };
  for (const auto& o : s.offers) {
    out += fmt::format("## {} (`{}`)\n\n", o.label, o.id);
    out += header() + row("total", o.total) + row("cash", o.cash) + row("equity", o.equity);
    out += fmt::format("\nP(equity = 0): {}", percent(o.p_equity_zero));
    if (o.has_private)
      out += fmt::format(". Outcomes: IPO {}, acquisition {}, failure {}, none {}",
                         percent(o.outcomes[0]), percent(o.outcomes[1]), percent(o.outcomes[2]),
                         percent(o.outcomes[3]));
    out += ".\n\n";
  }
  for (const auto& c : s.comparisons) {
    out += fmt::format("## {} vs {}\n\n", c.a, c.b);
    out += fmt::format("**P({} beats {}) = {}**\n\n", c.a, c.b, percent(c.p_a_beats_b));
    out += header() + row("difference", c.diff);
    out += fmt::format("\nCertainty equivalents (CRRA γ = {}, wealth {}): {} {}, {} {}.\n\n",
                       s.risk_aversion, money(s.wealth, cur), c.a, money(c.ce_a, cur), c.b,
                       money(c.ce_b, cur));
  }
  return out;
}

std::vector<BatchRow> batch_rows(const RunSummary& s) {
  std::vector<BatchRow> rows;
  for (const auto& c : s.comparisons) {
    BatchRow r{s.scenario, s.currency, c.a, c.b, c.p_a_beats_b, 0, 0, 0};
    const std::size_t mid =
        std::find(s.percentiles.begin(), s.percentiles.end(), 50.0) - s.percentiles.begin();
    for (const auto& o : s.offers) {
      const double p50 = mid < s.percentiles.size() ? o.total.percentiles[mid] : NAN;
      if (o.id == c.a) r.p50_a = p50;
      if (o.id == c.b) r.p50_b = p50;
    }
    r.p50_diff = mid < s.percentiles.size() ? c.diff.percentiles[mid] : NAN;
    rows.push_back(r);
  }
  return rows;
}

std::string batch_table(const std::vector<BatchRow>& rows, const std::string& format) {
  if (format == "json") {
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
  if (format == "csv") {
    std::string out = "scenario,currency,a,b,p_a_beats_b,p50_a,p50_b,p50_diff\n";
    for (const auto& r : rows)
      out += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{:.17g}\n", csv_field(r.scenario),
                         r.currency, csv_field(r.a), csv_field(r.b), r.p_a_beats_b, r.p50_a,
                         r.p50_b, r.p50_diff);
    return out;
  }
  if (format == "markdown" || format == "html") {
    std::string out =
        "| scenario | a | b | P(a beats b) | P50 a | P50 b | P50 difference |\n"
        "|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& r : rows)
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", r.scenario, r.a, r.b,
                         percent(r.p_a_beats_b), money(r.p50_a, r.currency),
                         money(r.p50_b, r.currency), money(r.p50_diff, r.currency));
    return out;
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

}  // namespace vestsim::tools
