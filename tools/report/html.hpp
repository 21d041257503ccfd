// The pieces every HTML page is built from: one page shell (inline CSS, no
// scripts, well-formed XML, readable when printed) and one SVG plot frame.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vestsim::tools {

// A complete page: head with the shared style, <h1>title</h1>, then `body`
// (HTML already escaped), closed. `title` is escaped here.
std::string html_page(const std::string& title, const std::string& body);

// A markdown pipe table (header, separator, rows) as an HTML <table>, in a
// box that scrolls sideways when the table is wider than the page; the
// first cell of each body row is a row header.
std::string markdown_table_html(const std::string& markdown);

// The series colour of item i (cycles through six).
const char* series_color(std::size_t i);

// Axis labels: "€1.2M", "€350K", "-$40K".
std::string short_money(double v, const std::string& currency);

// "Nice" tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of
// ten. Requires hi > lo.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

// Ticks over [lo, hi] labelled with short_money.
std::vector<std::pair<double, std::string>> money_ticks(double lo, double hi,
                                                        const std::string& currency);

// A plot frame: maps data (x0..x1, y0..y1) to pixels inside the margins and
// draws the <svg> element, axes, ticks, labels and legends. Requires x1 != x0
// and y1 != y0 before px / py are used.
struct Frame {
  double w = 860, h = 320, left = 80, right = 20, top = 20, bottom = 50;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;

  double px(double x) const { return left + (x - x0) / (x1 - x0) * (w - left - right); }
  double py(double y) const { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); }

  // The opening <svg class="chart"> tag, w x h, with `title` as its label.
  std::string open(const std::string& id, const std::string& title) const;

  // Horizontal grid lines at the y ticks, tick marks at the x ticks, both
  // axes, and the axis labels.
  std::string axes(const std::vector<std::pair<double, std::string>>& xt,
                   const std::vector<std::pair<double, std::string>>& yt, const std::string& xlabel,
                   const std::string& ylabel) const;

  // A <text class="tick"> at pixel (x, y); anchor is start, middle or end.
  static std::string text(double x, double y, const std::string& anchor, const std::string& s,
                          const char* css_class = "tick");

  struct LegendItem {
    std::string color;
    double opacity;
    std::string label;
  };
  enum class Corner { kTopLeft, kTopRight, kBottomRight };

  // A legend in a corner of the plot area that the chart's data leaves free.
  std::string legend(const std::vector<LegendItem>& items, Corner corner) const;
};

}  // namespace vestsim::tools
