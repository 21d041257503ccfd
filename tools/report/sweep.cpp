// The sweep report: P(a beats b) and the medians at every grid point, as a
// table, and in HTML as a line (one parameter) or a heat map (two).
#include "tools/report/sweep.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"
#include "tools/report/html.hpp"

namespace vestsim::tools {

using models::SweepResult;
using nlohmann::ordered_json;

namespace {

std::string num(double v) {
  return fmt::format("{:g}", v);
}

// P(a beats b) against one parameter, with the 50% line.
std::string line_chart(const SweepResult& r) {
  const auto& xs = r.grids[0];
  Frame f;
  f.left = 70;
  f.x0 = xs.front();
  f.x1 = xs.back() > xs.front() ? xs.back() : xs.front() + 1;
  std::vector<std::pair<double, std::string>> xt, yt;
  for (int k = 0; k <= 4; ++k) yt.push_back({k / 4.0, fmt::format("{:g}%", 25.0 * k)});
  const std::size_t step = std::max<std::size_t>(1, xs.size() / 8);
  for (std::size_t i = 0; i < xs.size(); i += step) xt.push_back({xs[i], num(xs[i])});
  const std::string win = fmt::format("P({} beats {})", r.a, r.b);
  std::string s = f.open("chart-sweep", win + " against " + r.params[0]);
  s += f.axes(xt, yt, r.params[0], win);
  s += fmt::format("<line class=\"marker\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
                   f.left, f.w - f.right, f.py(0.5), f.py(0.5));
  std::string pts;
  for (std::size_t i = 0; i < r.points.size(); ++i)
    pts += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", f.px(xs[i]), f.py(r.points[i].p_a_beats_b));
  s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"/>\n",
                   pts, series_color(0));
  return s + "</svg>\n";
}

// P(a beats b) over two parameters: rows the first, columns the second.
std::string heat_map(const SweepResult& r) {
  const auto &ys = r.grids[0], &xs = r.grids[1];
  const double cw = std::min(70.0, 760.0 / xs.size()), ch = 26, l = 110, t = 30;
  Frame f;
  f.w = l + cw * xs.size() + 20;
  f.h = t + ch * ys.size() + 50;
  const std::string win = fmt::format("P({} beats {})", r.a, r.b);
  std::string s = f.open("chart-sweep", win + " over " + r.params[0] + " and " + r.params[1]);
  for (std::size_t i = 0; i < ys.size(); ++i) {
    s += Frame::text(l - 6, t + ch * i + ch / 2 + 4, "end", num(ys[i]));
    for (std::size_t j = 0; j < xs.size(); ++j) {
      const double p = r.points[i * xs.size() + j].p_a_beats_b;
      // Red below 50%, blue above, white at 50%.
      const int red = p < 0.5 ? 255 : static_cast<int>(255 - (p - 0.5) * 2 * 200);
      const int blue = p > 0.5 ? 255 : static_cast<int>(255 - (0.5 - p) * 2 * 200);
      const int green = static_cast<int>(255 - std::fabs(p - 0.5) * 2 * 150);
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" "
          "fill=\"rgb({},{},{})\"/>\n",
          l + cw * j, t + ch * i, cw - 1, ch - 1, red, green, blue);
      s += Frame::text(l + cw * j + cw / 2, t + ch * i + ch / 2 + 4, "middle",
                       fmt::format("{:.0f}%", 100 * p));
    }
  }
  for (std::size_t j = 0; j < xs.size(); ++j)
    s += Frame::text(l + cw * j + cw / 2, t + ch * ys.size() + 16, "middle", num(xs[j]));
  s += Frame::text(l + cw * xs.size() / 2, f.h - 10, "middle", r.params[1], "label");
  s += Frame::text(4, 16, "start", "rows: " + r.params[0] + "; cells: " + win, "label");
  return s + "</svg>\n";
}

}  // namespace

std::string sweep_report(const models::SweepResult& r, Format format) {
  const std::string& cur = r.currency;
  if (format == Format::kJson) {
    ordered_json j{{"scenario", r.scenario},
                   {"currency", cur},
                   {"a", r.a},
                   {"b", r.b},
                   {"paths", r.paths},
                   {"seed", r.seed},
                   {"parameters", r.params},
                   {"basis", models::basis_name(r.basis)},
                   {"regimes", r.regimes}};
    put_sampler(j, r.sobol);
    ordered_json pts = ordered_json::array();
    for (const auto& p : r.points)
      pts.push_back({{"values", p.values},
                     {"p_a_beats_b", p.p_a_beats_b},
                     {"p50_a", p.p50_a},
                     {"p50_b", p.p50_b},
                     {"p50_diff", p.p50_diff}});
    j["points"] = pts;
    return json_report(std::move(j));
  }
  if (format == Format::kCsv) {
    // With a regime, a last column says on which basis the figures are (after-tax or pre-tax).
    const bool basis = !r.regimes.empty();
    std::string out;
    for (const auto& p : r.params) out += p + ",";
    out +=
        basis ? "p_a_beats_b,p50_a,p50_b,p50_diff,basis\n" : "p_a_beats_b,p50_a,p50_b,p50_diff\n";
    for (const auto& p : r.points) {
      for (double v : p.values) out += fmt::format("{:.17g},", v);
      out += fmt::format("{:.17g},{:.17g},{:.17g},{:.17g}", p.p_a_beats_b, p.p50_a, p.p50_b,
                         p.p50_diff);
      out += basis ? fmt::format(",{}\n", models::basis_name(r.basis)) : "\n";
    }
    return out;
  }
  std::string head, sep;
  for (const auto& p : r.params) head += "| " + p + " ", sep += "|---:";
  const std::string title = fmt::format("Sweep: {} vs {} ({})", r.a, r.b, r.scenario);
  // Ids ([A-Za-z0-9_-]) stay as written: an underscore inside a word is no emphasis.
  const std::string& a_md = r.a;
  const std::string& b_md = r.b;
  std::string md = head +
                   fmt::format("| P({} beats {}) | P50 {} | P50 {} | P50 difference |\n", a_md,
                               b_md, a_md, b_md) +
                   sep + "|---:|---:|---:|---:|\n";
  for (const auto& p : r.points) {
    for (double v : p.values) md += "| " + num(v) + " ";
    md += fmt::format("| {} | {} | {} | {} |\n", percent(p.p_a_beats_b), money(p.p50_a, cur),
                      money(p.p50_b, cur), money(p.p50_diff, cur));
  }
  // The basis, said only where a regime makes it a choice (docs/tax.md#t6-outputs).
  const std::string basis = r.regimes.empty() ? "" : basis_sentence(r.basis, r.regimes);
  if (format == Format::kMarkdown)
    return fmt::format("# Sweep: {} vs {} ({})\n\n", a_md, b_md, markdown_text(r.scenario)) +
           (basis.empty() ? "" : basis + "\n\n") + md;
  if (format == Format::kHtml) {
    std::string body =
        fmt::format("<p>{} {} per point, seed {} (the same futures at every point).</p>\n", r.paths,
                    paths_noun(r.paths), r.seed);
    if (!basis.empty()) body += "<p class=\"meta\">" + html_escape(basis) + "</p>\n";
    body += r.params.size() == 1 ? line_chart(r) : heat_map(r);
    body += markdown_table_html(md);
    return html_page(title, body);
  }
  std::string out = title + fmt::format("\n{} {} per point, seed {}; varying", r.paths,
                                        paths_noun(r.paths), r.seed);
  for (const auto& p : r.params) out += " " + p;
  out += "\n";
  if (!basis.empty()) out += basis + "\n";
  // Each parameter's column is as wide as its whole name (at least 16).
  std::vector<std::size_t> width;
  for (const auto& p : r.params) {
    width.push_back(std::max<std::size_t>(16, p.size()));
    out += fmt::format("{:>{}} ", p, width.back());
  }
  // The columns name the offers, as the title does (it may be --compare B:A).
  const std::string p_head = fmt::format("P({} beats {})", r.a, r.b), a_head = "P50 " + r.a,
                    b_head = "P50 " + r.b;
  const std::size_t wp = std::max<std::size_t>(14, p_head.size()),
                    wa = std::max<std::size_t>(12, a_head.size()),
                    wb = std::max<std::size_t>(12, b_head.size());
  out +=
      fmt::format("{:>{}} {:>{}} {:>{}} {:>12}\n", p_head, wp, a_head, wa, b_head, wb, "P50 diff");
  for (const auto& p : r.points) {
    for (std::size_t k = 0; k < p.values.size(); ++k)
      out += fmt::format("{:>{}} ", num(p.values[k]), width[k]);
    out += fmt::format("{:>{}} {:>{}} {:>{}} {:>12}\n", percent(p.p_a_beats_b), wp,
                       money(p.p50_a, cur), wa, money(p.p50_b, cur), wb, money(p.p50_diff, cur));
  }
  return out;
}

}  // namespace vestsim::tools
