// The HTML report: one self-contained page (inline CSS and SVG, no scripts,
// no fonts or images fetched), well-formed XML so tools can parse it, and
// readable when printed to PDF.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tools/report.hpp"

namespace vestsim::tools {

using models::RunSummary;

namespace {

const char* kColors[] = {"#1f6fb4", "#d1495b", "#2e933c", "#8e5ea2", "#e08a00", "#5c5c5c"};
const char* color(std::size_t i) {
  return kColors[i % 6];
}

std::string esc(const std::string& s) {
  return html_escape(s);
}

// Axis labels: "€1.2M", "€350K", "-$40K".
std::string short_money(double v, const std::string& cur) {
  const std::string sym = currency_prefix(cur);
  const std::string sign = v < 0 ? "-" : "";
  const double a = std::fabs(v);
  if (a >= 1e6) return sign + sym + fmt::format("{:g}M", std::round(a / 1e4) / 100);
  if (a >= 1e3) return sign + sym + fmt::format("{:g}K", std::round(a / 1e2) / 10);
  return sign + sym + fmt::format("{:g}", std::round(a));
}

// "Nice" tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten.
std::vector<double> ticks(double lo, double hi, int target = 6) {
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  std::vector<double> t;
  for (double x = std::ceil(lo / step) * step; x <= hi + 1e-9 * step; x += step)
    t.push_back(std::fabs(x) < 1e-9 * step ? 0.0 : x);
  return t;
}

// A plot frame: maps data to pixels and draws axes, ticks, labels.
struct Frame {
  double w = 860, h = 320, left = 80, right = 20, top = 20, bottom = 50;
  double x0, x1, y0, y1;

  double px(double x) const { return left + (x - x0) / (x1 - x0) * (w - left - right); }
  double py(double y) const { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); }

  std::string open(const std::string& id, const std::string& title) const {
    return fmt::format(
        "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
        id, w, h, w, h, esc(title));
  }

  std::string axes(const std::vector<std::pair<double, std::string>>& xt,
                   const std::vector<std::pair<double, std::string>>& yt, const std::string& xlabel,
                   const std::string& ylabel) const {
    std::string s;
    for (const auto& [y, label] : yt) {
      s += fmt::format(
          "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n", left,
          w - right, py(y), py(y));
      s += fmt::format(
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
          left - 6, py(y) + 4, esc(label));
    }
    for (const auto& [x, label] : xt) {
      s += fmt::format(
          "<line class=\"tickmark\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
          px(x), px(x), h - bottom, h - bottom + 5);
      s += fmt::format(
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
          px(x), h - bottom + 18, esc(label));
    }
    s += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", left,
                     w - right, h - bottom, h - bottom);
    s += fmt::format("<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>\n", left, left,
                     top, h - bottom);
    s += fmt::format(
        "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
        left + (w - left - right) / 2, h - 8, esc(xlabel));
    s += fmt::format(
        "<text class=\"label\" transform=\"translate(16 {:.1f}) rotate(-90)\" "
        "text-anchor=\"middle\">{}</text>\n",
        top + (h - top - bottom) / 2, esc(ylabel));
    return s;
  }

  struct LegendItem {
    std::string color;
    double opacity;
    std::string label;
  };
  enum class Corner { kTopLeft, kTopRight, kBottomRight };

  // A legend in a corner of the plot area that the chart's data leaves free.
  std::string legend(const std::vector<LegendItem>& items, Corner corner) const {
    std::string s;
    const double x = corner == Corner::kTopLeft ? left + 16 : w - right - 260;
    double y =
        corner == Corner::kBottomRight ? h - bottom - 12 - 16.0 * (items.size() - 1) : top + 8;
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"250\" height=\"{}\" fill=\"white\" "
        "fill-opacity=\"0.85\"/>\n",
        x - 6, y - 12, 16 * items.size() + 6);
    for (const auto& item : items) {
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"8\" fill=\"{}\" "
          "fill-opacity=\"{}\"/>\n",
          x, y - 7, item.color, item.opacity);
      s += fmt::format("<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x + 20,
                       y + 1, esc(item.label));
      y += 16;
    }
    return s;
  }
};

std::vector<std::pair<double, std::string>> money_ticks(double lo, double hi,
                                                        const std::string& cur) {
  std::vector<std::pair<double, std::string>> t;
  for (double x : ticks(lo, hi)) t.push_back({x, short_money(x, cur)});
  return t;
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
  for (double y : ticks(0, f.y1, 5)) yt.push_back({y, fmt::format("{:g}%", y)});
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
        pts, color(o), color(o));
    legend.push_back({color(o), 1.0, s.offers[o].label});
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
                       pts, color(o));
    legend.push_back({color(o), 1.0, s.offers[o].label});
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
                       pts, color(o), opacity);
  };
  svg += band(0, 4, 0.15) + band(1, 3, 0.3);
  std::string line = fmt::format("{:.1f},{:.1f}", f.px(0), f.py(0));
  for (int y = 0; y < years; ++y)
    line += fmt::format(" {:.1f},{:.1f}", f.px(y + 1), f.py(fan[y][2]));
  svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>\n",
                     line, color(o));
  const double hx = f.px(s.horizon_years);
  svg += fmt::format(
      "<line class=\"marker\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\"/>\n"
      "<text class=\"tick\" x=\"{:.1f}\" y=\"{}\">end of horizon</text>\n",
      hx, hx, f.top, f.h - f.bottom, hx + 4, f.top + 12);
  svg += f.legend({{color(o), 1.0, "median (P50)"},
                   {color(o), 0.45, "middle 50% of futures (P25–P75)"},
                   {color(o), 0.15, "middle 80% of futures (P10–P90)"}},
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

const char* kStyle = R"css(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; max-width: 900px;
       margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
p.meta { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { padding: 3px 8px; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
thead th { border-bottom: 1px solid #999; }
tbody th { text-align: left; }
.headline { font-size: 1.1em; }
svg.chart { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
svg .grid { stroke: #e4e4e4; }
svg .axis { stroke: #444; }
svg .tickmark { stroke: #444; }
svg .marker { stroke: #888; stroke-dasharray: 4 3; }
svg .tick { font-size: 11px; fill: #444; }
svg .label { font-size: 12px; fill: #222; }
svg .legend { font-size: 12px; fill: #222; }
.note { color: #555; font-size: 0.85em; }
section { page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
)css";

}  // namespace

std::string to_html(const RunSummary& s, const ChartData& c) {
  const std::string& cur = s.currency;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n";
  h += "<meta charset=\"utf-8\"/>\n<title>" + esc(s.scenario) + "</title>\n";
  h += std::string("<style>") + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>" + esc(s.scenario) + "</h1>\n";
  h += fmt::format(
      "<p class=\"meta\">{} paths · seed {} · {} · present values over a {}-year horizon; equity "
      "earned in that time counts if it becomes liquid within {} years.</p>\n",
      s.paths, s.seed, cur, s.horizon_years, s.liquidity_horizon_years);
  for (const auto& cmp : s.comparisons) {
    std::string la = cmp.a, lb = cmp.b;
    for (const auto& o : s.offers) {
      if (o.id == cmp.a) la = o.label;
      if (o.id == cmp.b) lb = o.label;
    }
    h += fmt::format(
        "<p class=\"headline\"><b>{}</b> beats <b>{}</b> in <b>{}</b> of futures.</p>\n", esc(la),
        esc(lb), percent(cmp.p_a_beats_b));
  }
  h += "<section>\n<h2>Total compensation: distribution</h2>\n" + distribution_chart(s, c);
  h += "<p class=\"note\">Shown between the 0.5th and 99.5th percentiles of all "
       "offers.</p>\n</section>\n";
  h += "<section>\n<h2>Total compensation: cumulative distribution</h2>\n" + cdf_chart(s, c) +
       "</section>\n";

  for (const auto& o : s.offers) {
    h += "<section>\n<h2>" + esc(o.label) + " <small>(" + esc(o.id) + ")</small></h2>\n";
    h += stats_table(s, {{"total", &o.total}, {"cash", &o.cash}, {"equity", &o.equity}});
    h += "<p>P(equity = 0): " + percent(o.p_equity_zero);
    if (o.has_private)
      h += fmt::format(
          ". Outcome of the private company: IPO {}, acquisition {}, failure {}, none {}",
          percent(o.outcomes[0]), percent(o.outcomes[1]), percent(o.outcomes[2]),
          percent(o.outcomes[3]));
    h += ".</p>\n</section>\n";
  }
  for (const auto& cmp : s.comparisons) {
    h += "<section>\n<h2>" + esc(cmp.a) + " vs " + esc(cmp.b) + "</h2>\n";
    h += "<p>P(" + esc(cmp.a) + " beats " + esc(cmp.b) + ") = <b>" + percent(cmp.p_a_beats_b) +
         "</b></p>\n";
    h += stats_table(s, {{"difference", &cmp.diff}});
    h += fmt::format(
        "<p>Certainty equivalents (CRRA γ = {}, starting wealth {}): {} {}, {} {}.</p>\n",
        s.risk_aversion, esc(money(s.wealth, cur)), esc(cmp.a), esc(money(cmp.ce_a, cur)),
        esc(cmp.b), esc(money(cmp.ce_b, cur)));
    h += "</section>\n";
  }
  if (!s.fan.empty()) {
    double ymax = 0;
    for (const auto& fan : s.fan)
      for (const auto& y : fan) ymax = std::max(ymax, y[4]);
    h += "<section>\n<h2>Cumulative realised compensation by year</h2>\n";
    h += "<p class=\"note\">Present value paid out by the end of each year: the line is the median "
         "future, the bands hold the middle 50% and 80% of futures. Private equity pays only when "
         "the company has a liquidity event, which may come after the horizon.</p>\n";
    for (std::size_t o = 0; o < s.fan.size(); ++o)
      h += "<h3>" + esc(s.offers[o].label) + "</h3>\n" + fan_chart(s, o, ymax);
    h += "</section>\n";
  }
  h += fmt::format(
      "<p class=\"note\">Monte Carlo with {} paths; standard errors of the means are below {}. "
      "Generated by vestsim.</p>\n",
      s.paths, [&] {
        double se = 0;
        for (const auto& o : s.offers) se = std::max(se, o.total.std_error);
        return esc(money(se, cur));
      }());
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace vestsim::tools
