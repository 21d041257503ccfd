#include "tools/report/html.hpp"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "tools/report/common.hpp"
#include "tools/version.hpp"

namespace vestsim::tools {

namespace {

std::string esc(const std::string& s) {
  return html_escape(s);
}

constexpr const char* kStyle = R"css(
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

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
         "<meta charset=\"utf-8\"/>\n<title>" +
         esc(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<h1>" +
         esc(title) + "</h1>\n" + body + "<footer class=\"note\">" + esc(version_line()) +
         "</footer>\n</body>\n</html>\n";
}

std::string markdown_table_html(const std::string& markdown) {
  std::string out = "<div style=\"overflow-x:auto\"><table>\n";
  std::size_t row = 0, start = 0;
  while (start < markdown.size()) {
    std::size_t end = markdown.find('\n', start);
    if (end == std::string::npos) end = markdown.size();
    const std::string line = markdown.substr(start, end - start);
    start = end + 1;
    if (line.size() < 2 || line.front() != '|' || line.find("---") != std::string::npos) continue;
    const char* cell = row == 0 ? "th" : "td";
    out += "<tr>";
    // Cells end at a '|' that is not escaped; an escaped character (markdown_text()) is itself.
    std::string text;
    bool first = true;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() &&
          std::ispunct(static_cast<unsigned char>(line[i + 1]))) {
        text += line[++i];
        continue;
      }
      if (line[i] != '|') {
        text += line[i];
        continue;
      }
      const std::size_t f = text.find_first_not_of(' '), l = text.find_last_not_of(' ');
      text = f == std::string::npos ? "" : text.substr(f, l - f + 1);
      out += fmt::format("<{0}>{1}</{0}>", row > 0 && first ? "th" : cell, html_escape(text));
      text.clear();
      first = false;
    }
    out += "</tr>\n";
    ++row;
  }
  return out + "</table></div>\n";
}

const char* series_color(std::size_t i) {
  static const char* const kColors[] = {"#1f6fb4", "#d1495b", "#2e933c",
                                        "#8e5ea2", "#e08a00", "#5c5c5c"};
  return kColors[i % 6];
}

std::string short_money(double v, const std::string& currency) {
  const std::string sym = currency_prefix(currency);
  const std::string sign = v < 0 ? "-" : "";
  const double a = std::fabs(v);
  if (a >= 1e6) return sign + sym + fmt::format("{:g}M", std::round(a / 1e4) / 100);
  if (a >= 1e3) return sign + sym + fmt::format("{:g}K", std::round(a / 1e2) / 10);
  return sign + sym + fmt::format("{:g}", std::round(a));
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
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

std::vector<std::pair<double, std::string>> money_ticks(double lo, double hi,
                                                        const std::string& currency) {
  std::vector<std::pair<double, std::string>> t;
  for (double x : nice_ticks(lo, hi)) t.push_back({x, short_money(x, currency)});
  return t;
}

std::string Frame::open(const std::string& id, const std::string& title) const {
  return fmt::format(
      "<svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n",
      id, w, h, w, h, esc(title));
}

std::string Frame::axes(const std::vector<std::pair<double, std::string>>& xt,
                        const std::vector<std::pair<double, std::string>>& yt,
                        const std::string& xlabel, const std::string& ylabel) const {
  std::string s;
  for (const auto& [y, label] : yt) {
    s += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n", left,
        w - right, py(y), py(y));
    s += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6,
        py(y) + 4, esc(label));
  }
  for (const auto& [x, label] : xt) {
    s += fmt::format(
        "<line class=\"tickmark\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
        px(x), px(x), h - bottom, h - bottom + 5);
    s += fmt::format(
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", px(x),
        h - bottom + 18, esc(label));
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

std::string Frame::text(double x, double y, const std::string& anchor, const std::string& s,
                        const char* css_class) {
  return fmt::format("<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"{}\">{}</text>\n",
                     css_class, x, y, anchor, esc(s));
}

// A legend in a corner of the plot area that the chart's data leaves free.
std::string Frame::legend(const std::vector<LegendItem>& items, Corner corner) const {
  std::string s;
  const double x = corner == Corner::kTopLeft ? left + 16 : w - right - 260;
  double y = corner == Corner::kBottomRight ? h - bottom - 12 - 16.0 * (items.size() - 1) : top + 8;
  s += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"250\" height=\"{}\" fill=\"white\" "
      "fill-opacity=\"0.85\"/>\n",
      x - 6, y - 12, 16 * items.size() + 6);
  for (const auto& item : items) {
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"8\" fill=\"{}\" "
        "fill-opacity=\"{}\"/>\n",
        x, y - 7, item.color, item.opacity);
    s += fmt::format("<text class=\"legend\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x + 20, y + 1,
                     esc(item.label));
    y += 16;
  }
  return s;
}

}  // namespace vestsim::tools
