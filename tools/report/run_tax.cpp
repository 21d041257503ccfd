// docs/tax.md#t6-outputs: the effective tax rate and the bar of tax by category.
#include "tools/report/run_tax.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/compiled.hpp"
#include "models/tax/payslip.hpp"
#include "tools/report/common.hpp"
#include "tools/report/html.hpp"

namespace vestsim::tools {

using models::RunSummary;

// docs/tax.md#t6-outputs: "Effective tax rate (tax ÷ total): P10 a · P50 b · P90 c", over
// the futures with a positive total (a rate of a total <= 0 means nothing), saying how
// many those are when it is not all of them.
std::string tax_rate_line(const models::OfferSummary& o, const ChartData& c, std::size_t k) {
  if (k >= c.tax_rate.size()) return {};
  if (!o.has_regime) return "<p>No tax regime: after tax = total.</p>\n";
  const double share = c.tax_rate_share[k];
  if (share == 0) return "<p>Effective tax rate: undefined (no future has a positive total).</p>\n";
  const auto& q = c.tax_rate[k];
  std::string line =
      fmt::format("<p>Effective tax rate (tax ÷ total, present values): P10 {} · P50 {} · P90 {}",
                  percent(q[0]), percent(q[1]), percent(q[2]));
  if (share < 1)
    line += fmt::format(", over the {} of futures whose total is positive", percent(share));
  return line + ".</p>\n";
}

void add_median_tax(ChartData& c, const models::Scenario& s, const models::SimResult& r) {
  if (r.tax.empty()) return;
  const models::CompiledScenario cs = models::compile(s, s.seed);
  c.median_tax.assign(r.tax.size(), std::nullopt);
  for (std::size_t o = 0; o < r.tax.size(); ++o) {
    if (!cs.offers[o].has_regime || r.paths == 0) continue;
    std::vector<double> after(r.paths);
    for (std::size_t i = 0; i < r.paths; ++i) after[i] = r.total_at(o, i) - r.tax[o][i];
    const double p50 = models::median(after);
    std::size_t path = 0;
    for (std::size_t i = 1; i < r.paths; ++i)
      if (std::fabs(after[i] - p50) < std::fabs(after[path] - p50)) path = i;
    const models::PathValues v = models::simulate_path(cs, path);
    const models::CompiledOfferTax& t = cs.offers[o].tax;
    models::CategoryAmounts pv{};
    double carry = 0;
    for (std::size_t y = 0; y < v.tax_years[o].size(); ++y) {
      const auto& year = v.tax_years[o][y];
      const models::CategoryAmounts share =
          models::charged_by_category(t.regime, year.amounts, year.baseline, carry);
      carry = year.carry_out;
      for (std::size_t k = 0; k < models::kTaxCategoryCount; ++k)
        pv[k] += share[k] * t.year_df[y + 1] * year.to_report;  // paid at month 12y, discounted
    }
    c.median_tax[o] = pv;
  }
}

std::string tax_category_chart(const RunSummary& s, const ChartData& c) {
  double top = 0;
  for (const auto& m : c.median_tax)
    if (m) {
      double sum = 0;
      for (double v : *m) sum += std::max(0.0, v);
      top = std::max(top, sum);
    }
  if (!(top > 0)) return {};
  // The categories a bar draws, for the legend, which sits above the bars in a band of its own
  // (inside the plot area it hid the first offer's bar).
  std::vector<bool> used(models::kTaxCategoryCount, false);
  for (const auto& m : c.median_tax)
    for (std::size_t k = 0; m && k < models::kTaxCategoryCount; ++k)
      used[k] = used[k] || (*m)[k] > 0;
  const double legend_px =
      16.0 * static_cast<double>(std::count(used.begin(), used.end(), true)) + 6;
  Frame f;
  f.left = 200;
  const double rows = static_cast<double>(c.median_tax.size());
  f.top = 28 + legend_px;
  f.h = 100 + 34.0 * rows + legend_px;  // a row per offer below the legend's band
  f.x0 = 0;
  f.x1 = top * 1.05;
  f.y0 = 0;
  f.y1 = rows + 0.2;
  std::string svg = f.open("chart-tax-categories", "Tax charged on the median future, by category");
  svg += f.axes(money_ticks(0, f.x1, s.currency), {},
                "tax charged (" + s.currency + ", present value)", "");
  std::string below_zero;  // parts a bar cannot draw (a custom regime's tax can fall)
  for (std::size_t o = 0; o < c.median_tax.size(); ++o) {
    // The first offer on top: row o spans [rows − o − 0.8, rows − o − 0.2].
    const double y = f.py(rows - static_cast<double>(o) - 0.2), h = f.py(0) - f.py(0.6);
    svg += Frame::text(f.left - 8, y + h / 2 + 4, "end", s.offers[o].label);
    if (!c.median_tax[o]) continue;
    double x = 0;
    for (std::size_t k = 0; k < models::kTaxCategoryCount; ++k) {
      const double v = std::max(0.0, (*c.median_tax[o])[k]);
      if ((*c.median_tax[o])[k] < 0)
        below_zero +=
            fmt::format("{}{}: {} {}", below_zero.empty() ? "" : "; ", s.offers[o].label,
                        models::kTaxCategoryNames[k], money((*c.median_tax[o])[k], s.currency));
      if (v <= 0) continue;
      const double x0 = f.px(x), x1 = f.px(x + v);  // a polygon, like every other chart's marks
      svg += fmt::format(
          "<polygon points=\"{0:.1f},{2:.1f} {1:.1f},{2:.1f} {1:.1f},{3:.1f} {0:.1f},{3:.1f}\" "
          "fill=\"{4}\"/>\n",
          x0, x1, y, y + h, series_color(k));
      x += v;
    }
  }
  std::vector<Frame::LegendItem> legend;
  for (std::size_t k = 0; k < models::kTaxCategoryCount; ++k)
    if (used[k])
      legend.push_back({series_color(k), 1.0, std::string(models::kTaxCategoryNames[k])});
  Frame band = f;  // the legend's band: above the plot area
  band.top = 20;
  svg += band.legend(legend, Frame::Corner::kTopLeft) + "</svg>\n";
  return "<section>\n<h2>Tax by category, median future</h2>\n" + svg +
         "<p class=\"note\">For each offer with a tax regime, the future whose after-tax total "
         "is nearest its median. A year's tax is charged on the sum of its income, so it is split "
         "by stacking the categories in the order of the legend (wages first): each carries the "
         "tax it adds on top of those before it (docs/tax.md). Present values." +
         (below_zero.empty() ? ""
                             : " Below 0, so not drawn (the bar is then more than the tax): " +
                                   html_escape(below_zero) + ".") +
         "</p>\n</section>\n";
}

}  // namespace vestsim::tools
