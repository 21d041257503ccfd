#include "tools/analysis_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report.hpp"

namespace vestsim::tools {

using nlohmann::ordered_json;

namespace {

std::string esc(const std::string& s) {
  return html_escape(s);
}

constexpr const char* kPageStyle =
    "body{font-family:\"DejaVu Sans\",Helvetica,Arial,sans-serif;color:#222;max-width:900px;"
    "margin:2em auto;padding:0 1em}"
    "h1{font-size:1.4em}"
    "table{border-collapse:collapse;font-size:0.8em}"
    "th,td{padding:3px 6px;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}"
    "tr th:first-child{text-align:left}"
    "svg text{font-size:11px;fill:#333}.label{font-size:12px}";

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<title>" +
         esc(title) + "</title>\n<style>" + kPageStyle + "</style>\n</head>\n<body>\n<h1>" +
         esc(title) + "</h1>\n" + body + "</body>\n</html>\n";
}

std::string num(double v) {
  return fmt::format("{:g}", v);
}

// P(a beats b) against one parameter, with the 50% line.
std::string line_chart(const SweepResult& r) {
  const double w = 860, h = 320, l = 70, rt = 20, t = 20, b = 50;
  const auto& xs = r.grids[0];
  const double x0 = xs.front(), x1 = xs.back() > xs.front() ? xs.back() : xs.front() + 1;
  auto px = [&](double x) { return l + (x - x0) / (x1 - x0) * (w - l - rt); };
  auto py = [&](double y) { return h - b - y * (h - t - b); };
  std::string s = fmt::format(
      "<svg class=\"chart\" id=\"chart-sweep\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      "{} {}\" "
      "width=\"{}\" height=\"{}\">\n",
      w, h, w, h);
  for (int k = 0; k <= 4; ++k) {
    const double y = k / 4.0;
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\"/>\n", l,
                     w - rt, py(y), py(y), k == 2 ? "#999" : "#eee");
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{:g}%</text>\n", l - 6,
                     py(y) + 4, 100 * y);
  }
  const std::size_t step = std::max<std::size_t>(1, xs.size() / 8);
  for (std::size_t i = 0; i < xs.size(); i += step)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", px(xs[i]),
                     h - b + 18, num(xs[i]));
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n", l, w - rt,
                   h - b, h - b);
  s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n", l, l, t,
                   h - b);
  std::string pts;
  for (std::size_t i = 0; i < r.points.size(); ++i)
    pts += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", px(xs[i]), py(r.points[i].p_a_beats_b));
  s += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"#1f6fb4\" stroke-width=\"2.5\"/>\n";
  s += fmt::format("<text class=\"label\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                   l + (w - l - rt) / 2, h - 8, esc(r.params[0]));
  s += fmt::format(
      "<text class=\"label\" transform=\"translate(16 {:.1f}) rotate(-90)\" "
      "text-anchor=\"middle\">P({} beats "
      "{})</text>\n",
      t + (h - t - b) / 2, esc(r.a), esc(r.b));
  return s + "</svg>\n";
}

// P(a beats b) over two parameters: rows the first, columns the second.
std::string heat_map(const SweepResult& r) {
  const auto &ys = r.grids[0], &xs = r.grids[1];
  const double cw = std::min(70.0, 760.0 / xs.size()), ch = 26, l = 110, t = 30;
  const double w = l + cw * xs.size() + 20, h = t + ch * ys.size() + 50;
  std::string s = fmt::format(
      "<svg class=\"chart\" id=\"chart-sweep\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      "{} {}\" "
      "width=\"{}\" height=\"{}\">\n",
      w, h, w, h);
  for (std::size_t i = 0; i < ys.size(); ++i) {
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", l - 6,
                     t + ch * i + ch / 2 + 4, num(ys[i]));
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
      s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.0f}%</text>\n",
                       l + cw * j + cw / 2, t + ch * i + ch / 2 + 4, 100 * p);
    }
  }
  for (std::size_t j = 0; j < xs.size(); ++j)
    s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
                     l + cw * j + cw / 2, t + ch * ys.size() + 16, num(xs[j]));
  s += fmt::format(
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
      l + cw * xs.size() / 2, h - 10, esc(r.params[1]));
  s +=
      fmt::format("<text class=\"label\" x=\"4\" y=\"16\">rows: {}; cells: P({} beats {})</text>\n",
                  esc(r.params[0]), esc(r.a), esc(r.b));
  return s + "</svg>\n";
}

}  // namespace

std::string sweep_report(const SweepResult& r, const std::string& format) {
  const std::string& cur = r.currency;
  if (format == "json") {
    ordered_json j{{"scenario", r.scenario},
                   {"currency", cur},
                   {"a", r.a},
                   {"b", r.b},
                   {"paths", r.paths},
                   {"seed", r.seed},
                   {"parameters", r.params}};
    ordered_json pts = ordered_json::array();
    for (const auto& p : r.points)
      pts.push_back({{"values", p.values},
                     {"p_a_beats_b", p.p_a_beats_b},
                     {"p50_a", p.p50_a},
                     {"p50_b", p.p50_b},
                     {"p50_diff", p.p50_diff}});
    j["points"] = pts;
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    std::string out;
    for (const auto& p : r.params) out += p + ",";
    out += "p_a_beats_b,p50_a,p50_b,p50_diff\n";
    for (const auto& p : r.points) {
      for (double v : p.values) out += fmt::format("{:.17g},", v);
      out += fmt::format("{:.17g},{:.17g},{:.17g},{:.17g}\n", p.p_a_beats_b, p.p50_a, p.p50_b,
                         p.p50_diff);
    }
    return out;
  }
  std::string head, sep;
  for (const auto& p : r.params) head += "| " + p + " ", sep += "|---:";
  const std::string title = fmt::format("Sweep: {} vs {} ({})", r.a, r.b, r.scenario);
  std::string md =
      head +
      fmt::format("| P({} beats {}) | P50 {} | P50 {} | P50 difference |\n", r.a, r.b, r.a, r.b) +
      sep + "|---:|---:|---:|---:|\n";
  for (const auto& p : r.points) {
    for (double v : p.values) md += "| " + num(v) + " ";
    md += fmt::format("| {} | {} | {} | {} |\n", percent(p.p_a_beats_b), money(p.p50_a, cur),
                      money(p.p50_b, cur), money(p.p50_diff, cur));
  }
  if (format == "markdown") return "# " + title + "\n\n" + md;
  if (format == "html") {
    std::string body = fmt::format(
        "<p>{} paths per point, seed {} (the same futures at every point).</p>\n", r.paths, r.seed);
    body += r.params.size() == 1 ? line_chart(r) : heat_map(r);
    body += markdown_table_html(md);
    return html_page(title, body);
  }
  std::string out = title + fmt::format("\n{} paths per point, seed {}; varying", r.paths, r.seed);
  for (const auto& p : r.params) out += " " + p;
  out += "\n";
  for (const auto& p : r.params)
    out += fmt::format("{:>16.16} ", p.substr(p.size() > 16 ? p.size() - 16 : 0));
  out += fmt::format("{:>14} {:>12} {:>12} {:>12}\n", "P(a beats b)", "P50 a", "P50 b", "P50 diff");
  for (const auto& p : r.points) {
    for (double v : p.values) out += fmt::format("{:>16} ", num(v));
    out += fmt::format("{:>14} {:>12} {:>12} {:>12}\n", percent(p.p_a_beats_b), money(p.p50_a, cur),
                       money(p.p50_b, cur), money(p.p50_diff, cur));
  }
  return out;
}

std::string tornado_report(const models::TornadoResult& t, const std::string& scenario,
                           std::uint64_t paths, std::uint64_t seed, const std::string& format) {
  const std::string& cur = t.currency;
  const std::string lo = fmt::format("P{:g}", 100 * t.q_low),
                    hi = fmt::format("P{:g}", 100 * t.q_high);
  if (format == "json") {
    ordered_json j{{"scenario", scenario},
                   {"a", t.a},
                   {"b", t.b},
                   {"currency", cur},
                   {"paths", paths},
                   {"seed", seed},
                   {"quantiles", {t.q_low, t.q_high}},
                   {"median_diff", t.median_base},
                   {"p_a_beats_b", t.win_base}};
    ordered_json bars = ordered_json::array();
    for (const auto& b : t.bars)
      bars.push_back({{"input", b.input},
                      {"low_value", b.low_value},
                      {"high_value", b.high_value},
                      {"median_diff_low", b.median_low},
                      {"median_diff_high", b.median_high},
                      {"median_swing", b.swing()},
                      {"p_a_beats_b_low", b.win_low},
                      {"p_a_beats_b_high", b.win_high},
                      {"spearman", b.spearman}});
    j["bars"] = bars;
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    std::string out =
        "input,low_value,high_value,median_diff_low,median_diff_high,median_swing,p_a_beats_b_low,"
        "p_a_beats_b_high,spearman\n";
    for (const auto& b : t.bars)
      out += fmt::format("\"{}\",{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n",
                         b.input, b.low_value, b.high_value, b.median_low, b.median_high, b.swing(),
                         b.win_low, b.win_high, b.spearman);
    return out;
  }
  const std::string title = fmt::format("Sensitivity of {} vs {} ({})", t.a, t.b, scenario);
  const std::string intro = fmt::format(
      "Each input held at its own {} and then its {} while everything else stays random ({} paths, "
      "seed "
      "{}).\nWith everything random: median difference {}, P({} beats {}) = {}.\n",
      lo, hi, paths, seed, money(t.median_base, cur), t.a, t.b, percent(t.win_base));
  double scale = 1;
  for (const auto& b : t.bars)
    scale = std::max(
        {scale, std::fabs(b.median_low - t.median_base), std::fabs(b.median_high - t.median_base)});
  if (format == "markdown" || format == "html") {
    std::string md = fmt::format(
        "| input | at {} | at {} | median diff at {} | at {} | swing | P(win) at {} | at {} | "
        "Spearman |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        lo, hi, lo, hi, lo, hi);
    for (const auto& b : t.bars)
      md += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {:+.2f} |\n", b.input,
                        fmt::format("{:.3g}", b.low_value), fmt::format("{:.3g}", b.high_value),
                        money(b.median_low, cur), money(b.median_high, cur), money(b.swing(), cur),
                        percent(b.win_low), percent(b.win_high), b.spearman);
    if (format == "markdown") return "# " + title + "\n\n" + intro + "\n" + md;
    // SVG tornado: bars from the base median to each end, sorted by swing.
    const double w = 860, rowh = 24, l = 260, r = 20, top = 30;
    const double h = top + rowh * t.bars.size() + 40, mid = l + (w - l - r) / 2;
    const double half = (w - l - r) / 2 - 10;
    std::string svg = fmt::format(
        "<svg class=\"chart\" id=\"chart-tornado\" xmlns=\"http://www.w3.org/2000/svg\" "
        "viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\">\n",
        w, h, w, h);
    for (std::size_t i = 0; i < t.bars.size(); ++i) {
      const auto& b = t.bars[i];
      const double y = top + rowh * i;
      svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", l - 8,
                         y + 15, esc(b.input));
      for (int end = 0; end < 2; ++end) {
        const double v = (end ? b.median_high : b.median_low) - t.median_base;
        const double x = mid + v / scale * half;
        svg += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n",
            std::min(mid, x), y + 3, std::fabs(x - mid), rowh - 6, end ? "#1f6fb4" : "#d1495b");
      }
    }
    svg +=
        fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n",
                    mid, mid, top - 5, h - 35);
    svg += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">median difference {} (everything "
        "random); "
        "red: input at {}, blue: at {}</text>\n",
        mid, h - 14, esc(money(t.median_base, cur)), lo, hi);
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"start\">{}</text>\n", l, h - 28,
                       esc(money(t.median_base - scale, cur)));
    svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", w - r, h - 28,
                       esc(money(t.median_base + scale, cur)));
    svg += "</svg>\n";
    return html_page(title, "<p>" + esc(intro) + "</p>\n" + svg + markdown_table_html(md));
  }
  // Text: one bar per input around the base median, 24 characters a side.
  std::string out = title + "\n" + intro + "\n";
  out += fmt::format("{:<34} {:>11} {:>11} {:>10}  {}\n", "input", "median@" + lo, "median@" + hi,
                     "P(win) Δ", "bar: '-' input at its " + lo + ", '+' at its " + hi);
  constexpr int kHalf = 16;
  for (const auto& b : t.bars) {
    std::string bar(2 * kHalf + 1, ' ');
    bar[kHalf] = '|';
    for (int end = 0; end < 2; ++end) {
      const double v = (end ? b.median_high : b.median_low) - t.median_base;
      const int n = static_cast<int>(std::lround(std::fabs(v) / scale * kHalf));
      for (int k = 1; k <= n; ++k) bar[v < 0 ? kHalf - k : kHalf + k] = end ? '+' : '-';
    }
    out +=
        fmt::format("{:<34.34} {:>11} {:>11} {:>+9.1f}%  {}\n", b.input, money(b.median_low, cur),
                    money(b.median_high, cur), 100 * (b.win_high - b.win_low), bar);
  }
  out += "\nRank correlation (Spearman) of each sampled input with the difference:\n";
  std::vector<const models::TornadoBar*> by_rho;
  for (const auto& b : t.bars) by_rho.push_back(&b);
  std::stable_sort(by_rho.begin(), by_rho.end(), [](auto* x, auto* y) {
    return std::fabs(x->spearman) > std::fabs(y->spearman);
  });
  for (const auto* b : by_rho) out += fmt::format("  {:<34.34} {:+.2f}\n", b->input, b->spearman);
  return out;
}

}  // namespace vestsim::tools
