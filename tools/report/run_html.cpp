// The HTML run report: one self-contained page (inline CSS and SVG, no
// scripts, no fonts or images fetched), well-formed XML so tools can parse it,
// and readable when printed to PDF.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/statistics.hpp"
#include "tools/report/common.hpp"
#include "tools/report/effects.hpp"
#include "tools/report/html.hpp"
#include "tools/report/run.hpp"
#include "tools/report/run_tax.hpp"

namespace vestsim::tools {

using models::RunSummary;

namespace {

// Fan values at or beyond this are float's saturated largest value (models/simulate.cpp).
constexpr double kFanLimit = 3.4028234663852886e38;

std::string esc(const std::string& s) {
  return html_escape(s);
}

std::string distribution_chart(const RunSummary& s, const ChartData& c) {
  const std::size_t bins = c.density.empty() ? 0 : c.density[0].size();
  double ymax = 0;
  for (const auto& d : c.density)
    for (double v : d) ymax = std::max(ymax, v);
  Frame f;
  f.x0 = c.lo;
  f.x1 = c.hi;
  f.y0 = 0;
  f.y1 = std::max(ymax * 1.1, 1e-9) * 100;
  std::string svg = f.open("chart-distribution", "Distribution of total compensation per offer");
  std::vector<std::pair<double, std::string>> yt;
  for (double y : nice_ticks(0, f.y1, 5)) yt.push_back({y, fmt::format("{:g}%", y)});
  svg += f.axes(money_ticks(f.x0, f.x1, s.currency), yt,
                "total over the horizon (" + s.currency + ", present value)",
                "share of paths per bin");
  const double width = (c.hi - c.lo) / static_cast<double>(bins);
  std::vector<Frame::LegendItem> legend;
  for (std::size_t o = 0; o < c.density.size(); ++o) {
    std::string pts = fmt::format("{:.1f},{:.1f}", f.px(c.lo), f.py(0));
    for (std::size_t b = 0; b < bins; ++b) {
      const double y = f.py(100 * c.density[o][b]);
      pts += fmt::format(" {:.1f},{:.1f} {:.1f},{:.1f}", f.px(c.lo + b * width), y,
                         f.px(c.lo + (b + 1) * width), y);
    }
    pts += fmt::format(" {:.1f},{:.1f}", f.px(c.hi), f.py(0));
    svg += fmt::format(
        "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.18\" stroke=\"{}\" "
        "stroke-width=\"1.5\"/>\n",
        pts, series_color(o), series_color(o));
    legend.push_back({series_color(o), 1.0, s.offers[o].label});
  }
  svg += f.legend(legend, Frame::Corner::kTopRight);
  return svg + "</svg>\n";
}

std::string cdf_chart(const RunSummary& s, const ChartData& c) {
  Frame f;
  f.x0 = c.lo;
  f.x1 = c.hi;
  f.y0 = 0;
  f.y1 = 100;
  std::string svg = f.open("chart-cdf", "Cumulative distribution of total compensation per offer");
  std::vector<std::pair<double, std::string>> yt;
  for (double y : {0.0, 25.0, 50.0, 75.0, 100.0}) yt.push_back({y, fmt::format("{:g}%", y)});
  svg += f.axes(money_ticks(f.x0, f.x1, s.currency), yt,
                "total over the horizon (" + s.currency + ", present value)", "P(total ≤ x)");
  std::vector<Frame::LegendItem> legend;
  for (std::size_t o = 0; o < c.cdf_x.size(); ++o) {
    std::string pts;
    for (std::size_t k = 0; k < c.cdf_p.size(); ++k)
      pts +=
          fmt::format("{}{:.1f},{:.1f}", k ? " " : "", f.px(c.cdf_x[o][k]), f.py(100 * c.cdf_p[k]));
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                       pts, series_color(o));
    legend.push_back({series_color(o), 1.0, s.offers[o].label});
  }
  svg += f.legend(legend, Frame::Corner::kBottomRight);
  return svg + "</svg>\n";
}

std::string fan_chart(const RunSummary& s, std::size_t o, double ymax) {
  const auto& fan = s.fan[o];
  const int years = static_cast<int>(fan.size());
  Frame f;
  f.h = 260;
  f.x0 = 0;
  f.x1 = years;
  f.y0 = 0;
  f.y1 = std::max(ymax * 1.05, 1.0);
  std::string svg = f.open(fmt::format("chart-fan-{}", o),
                           "Cumulative realised compensation by year: " + s.offers[o].label);
  std::vector<std::pair<double, std::string>> xt;
  for (int y = 0; y <= years; ++y) xt.push_back({double(y), fmt::format("{}", y)});
  svg += f.axes(xt, money_ticks(0, f.y1, s.currency), "years from start",
                "realised so far (" + s.currency + ")");
  // Year 0 starts at 0 for every band.
  auto band = [&](int lo, int hi, double opacity) {
    std::string pts = fmt::format("{:.1f},{:.1f}", f.px(0), f.py(0));
    for (int y = 0; y < years; ++y)
      pts += fmt::format(" {:.1f},{:.1f}", f.px(y + 1), f.py(fan[y][hi]));
    for (int y = years - 1; y >= 0; --y)
      pts += fmt::format(" {:.1f},{:.1f}", f.px(y + 1), f.py(fan[y][lo]));
    return fmt::format("<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"none\"/>\n",
                       pts, series_color(o), opacity);
  };
  svg += band(0, 4, 0.15) + band(1, 3, 0.3);
  std::string line = fmt::format("{:.1f},{:.1f}", f.px(0), f.py(0));
  for (int y = 0; y < years; ++y)
    line += fmt::format(" {:.1f},{:.1f}", f.px(y + 1), f.py(fan[y][2]));
  svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>\n",
                     line, series_color(o));
  const double hx = f.px(s.horizon_years);
  svg += fmt::format(
      "<line class=\"marker\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>\n"
      "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">end of horizon</text>\n",
      hx, hx, f.top, f.h - f.bottom, hx + 4, f.top + 12);
  svg += f.legend({{series_color(o), 1.0, "median (P50)"},
                   {series_color(o), 0.45, "middle 50% of futures (P25–P75)"},
                   {series_color(o), 0.15, "middle 80% of futures (P10–P90)"}},
                  Frame::Corner::kTopLeft);
  return svg + "</svg>\n";
}

std::string stats_table(const RunSummary& s,
                        const std::vector<std::pair<std::string, const engine::Summary*>>& rows) {
  std::string t = "<table><thead><tr><th></th><th>mean</th>";
  for (double q : s.percentiles) t += "<th>P" + percentile_key(q) + "</th>";
  t += "</tr></thead><tbody>\n";
  for (const auto& [name, x] : rows) {
    t += "<tr><th>" + esc(name) + "</th><td>" + esc(money(x->mean, s.currency)) + "</td>";
    for (double p : x->percentiles) t += "<td>" + esc(money(p, s.currency)) + "</td>";
    t += "</tr>\n";
  }
  return t + "</tbody></table>\n";
}

}  // namespace

ChartData chart_data(const models::SimResult& r) {
  ChartData c;
  for (int k = 1; k < 200; ++k) c.cdf_p.push_back(k / 200.0);
  std::vector<double> levels;
  for (double p : c.cdf_p) levels.push_back(100 * p);
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t o = 0; o < r.cash.size(); ++o) {
    std::vector<double> v = r.total_column(o);
    c.cdf_x.push_back(engine::select_percentiles(v, levels));
    lo = std::min(lo, c.cdf_x.back().front());  // P0.5 ... P99.5: the tails are cut off
    hi = std::max(hi, c.cdf_x.back().back());
  }
  if (!(hi > lo)) hi = lo + 1;
  c.lo = lo;
  c.hi = hi;
  for (std::size_t o = 0; o < r.tax.size(); ++o) {
    std::vector<double> rate;  // tax / total where the total is positive
    for (std::size_t i = 0; i < r.tax[o].size(); ++i)
      if (const double total = r.total_at(o, i); total > 0) rate.push_back(r.tax[o][i] / total);
    const double share = static_cast<double>(rate.size()) / static_cast<double>(r.paths);
    c.tax_rate_share.push_back(share);
    if (rate.empty()) {
      c.tax_rate.push_back({NAN, NAN, NAN});
      continue;
    }
    const std::vector<double> q = engine::select_percentiles(rate, std::vector<double>{10, 50, 90});
    c.tax_rate.push_back({q[0], q[1], q[2]});
  }
  constexpr int kBins = 48;
  const double width = (hi - lo) / kBins;
  for (std::size_t o = 0; o < r.cash.size(); ++o) {
    std::vector<double> d(kBins, 0.0);
    for (std::uint64_t i = 0; i < r.paths; ++i) {
      const int b = static_cast<int>(std::floor((r.total_at(o, i) - lo) / width));
      if (b >= 0 && b < kBins) d[b] += 1;
    }
    for (double& x : d) x /= static_cast<double>(r.paths);
    c.density.push_back(std::move(d));
  }
  return c;
}

std::string to_html(const RunSummary& s, const ChartData& c) {
  const std::string& cur = s.currency;
  std::string h;
  h += fmt::format(
      "<p class=\"meta\">{} {} · seed {} · {} · present values over a {}-year horizon; equity "
      "earned in that time counts if it becomes liquid within {} {}.</p>\n",
      s.paths, paths_noun(s.paths), s.seed, cur, s.horizon_years, s.liquidity_horizon_years,
      years_noun(s.liquidity_horizon_years));
  for (const std::string& note : run_notes(s)) h += "<p class=\"meta\">" + esc(note) + "</p>\n";
  if (s.has_tax) h += "<p class=\"meta\">" + esc(tax_disclaimer(s.regimes)) + "</p>\n";
  // The answer first: after tax when any offer has a regime (docs/tax.md#t6-outputs).
  for (const auto& cmp : s.comparisons) {
    std::string la = cmp.a, lb = cmp.b;
    for (const auto& o : s.offers) {
      if (o.id == cmp.a) la = o.label;
      if (o.id == cmp.b) lb = o.label;
    }
    if (s.has_tax)
      h += fmt::format(
          "<p class=\"headline\"><b>{}</b> beats <b>{}</b> in <b>{}</b> of futures after tax "
          "<small>(before tax: {})</small>.</p>\n",
          esc(la), esc(lb), percent(cmp.p_a_beats_b_after_tax), percent(cmp.p_a_beats_b));
    else
      h += fmt::format(
          "<p class=\"headline\"><b>{}</b> beats <b>{}</b> in <b>{}</b> of futures.</p>\n", esc(la),
          esc(lb), percent(cmp.p_a_beats_b));
  }
  h += "<section>\n<h2>Total compensation: distribution</h2>\n" + distribution_chart(s, c);
  h += "<p class=\"note\">Shown between the 0.5th and 99.5th percentiles of all "
       "offers.</p>\n</section>\n";
  h += "<section>\n<h2>Total compensation: cumulative distribution</h2>\n" + cdf_chart(s, c) +
       "</section>\n";

  for (std::size_t k = 0; k < s.offers.size(); ++k) {
    const models::OfferSummary& o = s.offers[k];
    h += "<section>\n<h2>" + esc(o.label) + " <small>(" + esc(o.id) + ")</small></h2>\n";
    if (s.has_tax) {
      h += stats_table(s, {{"after tax", &o.after_tax},
                           {"tax", &o.tax},
                           {"total", &o.total},
                           {"cash", &o.cash},
                           {"equity", &o.equity}});
      h += tax_rate_line(o, c, k);
    } else {
      h += stats_table(s, {{"total", &o.total}, {"cash", &o.cash}, {"equity", &o.equity}});
    }
    h += "<p>P(equity = 0): " + percent(o.p_equity_zero);
    if (o.can_pay_strike) h += ". P(equity &lt; 0): " + percent(o.p_equity_negative);
    if (o.has_private)
      h += fmt::format(
          ". Outcome of the private company: IPO {}, acquisition {}, failure {}, none {}",
          percent(o.outcomes.ipo), percent(o.outcomes.acquisition), percent(o.outcomes.failure),
          percent(o.outcomes.none));
    h += ".</p>\n";
    if (const std::string t = tender_line(s, o); !t.empty()) h += "<p>" + esc(t) + ".</p>\n";
    h += "</section>\n";
  }
  h += tax_category_chart(s, c);
  for (const auto& cmp : s.comparisons) {
    h += "<section>\n<h2>" + esc(cmp.a) + " vs " + esc(cmp.b) + "</h2>\n";
    const std::string crra =
        fmt::format("CRRA γ = {}, starting wealth {}", s.risk_aversion, esc(money(s.wealth, cur)));
    if (s.has_tax) {
      h += "<p>P(" + esc(cmp.a) + " beats " + esc(cmp.b) + ") after tax = <b>" +
           percent(cmp.p_a_beats_b_after_tax) + "</b> (before tax " + percent(cmp.p_a_beats_b) +
           ")</p>\n";
      h += stats_table(s,
                       {{"difference after tax", &cmp.diff_after_tax}, {"difference", &cmp.diff}});
      h += fmt::format("<p>Certainty equivalents after tax ({}): {} {}, {} {}.</p>\n", crra,
                       esc(cmp.a), esc(certainty_text(s, cmp.a, cmp.ce_a_after_tax, true)),
                       esc(cmp.b), esc(certainty_text(s, cmp.b, cmp.ce_b_after_tax, true)));
    } else {
      h += "<p>P(" + esc(cmp.a) + " beats " + esc(cmp.b) + ") = <b>" + percent(cmp.p_a_beats_b) +
           "</b></p>\n";
      h += stats_table(s, {{"difference", &cmp.diff}});
    }
    h += fmt::format("<p>Certainty equivalents{} ({}): {} {}, {} {}.</p>\n",
                     s.has_tax ? " before tax" : "", crra, esc(cmp.a),
                     esc(certainty_text(s, cmp.a, cmp.ce_a, false)), esc(cmp.b),
                     esc(certainty_text(s, cmp.b, cmp.ce_b, false)));
    for (const auto& lines : market_effect_lines(s, cmp)) {
      h += "<p class=\"effect\">" + esc(lines[0]);
      for (std::size_t i = 1; i < lines.size(); ++i)
        h += (i == 1 ? " <small>(" : "; ") + esc(lines[i]);
      h += lines.size() > 1 ? ")</small>.</p>\n" : ".</p>\n";
    }
    h += "</section>\n";
  }
  double ymax = 0, ymin = 0;
  for (const auto& fan : s.fan)
    for (const auto& y : fan) ymax = std::max(ymax, y[4]), ymin = std::min(ymin, y[0]);
  // The fan keeps 4-byte floats (docs/model.md Appendix A), saturated at their largest value.
  if (!s.fan.empty() && (ymax >= kFanLimit || ymin <= -kFanLimit)) {
    h += "<section>\n<h2>Cumulative realised compensation by year</h2>\n<p class=\"note\">Left "
         "out: some amounts are beyond the 3.4e38 that the chart's 4-byte figures hold.</p>\n"
         "</section>\n";
  } else if (!s.fan.empty()) {
    h += "<section>\n<h2>Cumulative realised compensation by year</h2>\n";
    h += "<p class=\"note\">Present value paid out by the end of each year: the line is the median "
         "future, the bands hold the middle 50% and 80% of futures. Private equity pays only when "
         "the company has a liquidity event, which may come after the horizon.</p>\n";
    for (std::size_t o = 0; o < s.fan.size(); ++o)
      h += "<h3>" + esc(s.offers[o].label) + "</h3>\n" + fan_chart(s, o, ymax);
    h += "</section>\n";
  }
  h += fmt::format(
      "<p class=\"note\">Monte Carlo with {} {}; standard errors of the means are {}. "
      "Generated by vestsim.</p>\n",
      s.paths, paths_noun(s.paths), s.paths < 2 ? "undefined" : "at most " + [&] {
        double se = 0;
        for (const auto& o : s.offers) se = std::max(se, o.total.std_error);
        return esc(money(se, cur));
      }());
  return html_page(s.scenario, h);
}

}  // namespace vestsim::tools
