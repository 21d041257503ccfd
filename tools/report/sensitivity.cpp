// The sensitivity report (`vestsim sensitivity`): tornado bars of the median
// difference, and the rank correlations.
#include "tools/report/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"
#include "tools/report/html.hpp"

namespace vestsim::tools {

using nlohmann::ordered_json;

namespace {

constexpr const char* kNoSpearman =
    "n/a: a parameter of the scenario (a correlation, a tender probability or sell fraction) or "
    "an input drawn per tender window, not per path: it has no per-path value to rank.";

constexpr const char* kNoBars =
    "No input of this scenario is drawn at random: every future is the same, so there is no "
    "input to hold at its ends and nothing to rank.";

// Why the Spearman figures that are n/a are: one path has none to rank at all; otherwise
// kNoSpearman, and a line for an input or a difference that is the same in every future. Empty
// when every bar has one.
std::string no_spearman_note(std::uint64_t paths, const std::vector<models::TornadoBar>& bars) {
  if (paths < 2) return "n/a: one future has no ranks to correlate.";
  const auto any = [&](bool constant) {
    return std::any_of(bars.begin(), bars.end(),
                       [&](const auto& b) { return !b.has_spearman && b.constant == constant; });
  };
  std::string note = any(false) ? kNoSpearman : "";
  if (any(true))
    note += std::string(note.empty() ? "" : "\n") +
            "n/a: the input or the difference is the same in every future: a constant has no "
            "ranks to correlate.";
  return note;
}

// A bar's rank correlation in `pattern`, or `none` when it has none.
std::string spearman_text(const models::TornadoBar& b, const char* pattern, const char* none) {
  return b.has_spearman ? fmt::format(fmt::runtime(pattern), b.spearman) : std::string(none);
}

// Bars from the base median to each end, sorted by swing; `scale` is the
// largest distance from the base median, drawn at half the plot width.
std::string tornado_chart(const models::TornadoResult& t, const std::string& lo,
                          const std::string& hi, double scale) {
  const std::string& cur = t.currency;
  const double rowh = 24, l = 260, r = 20, top = 30;
  Frame f;
  f.h = top + rowh * t.bars.size() + 40;
  const double mid = l + (f.w - l - r) / 2, half = (f.w - l - r) / 2 - 10;
  std::string svg = f.open("chart-tornado", "Median difference with each input held low and high");
  for (std::size_t i = 0; i < t.bars.size(); ++i) {
    const auto& b = t.bars[i];
    const double y = top + rowh * i;
    svg += Frame::text(l - 8, y + 15, "end", b.input);
    for (int end = 0; end < 2; ++end) {
      const double v = (end ? b.median_high : b.median_low) - t.median_base;
      const double x = mid + v / scale * half;
      svg += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n",
          std::min(mid, x), y + 3, std::fabs(x - mid), rowh - 6, series_color(end ? 0 : 1));
    }
  }
  svg += fmt::format("<line class=\"axis\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{:.1f}\"/>\n",
                     mid, mid, top - 5, f.h - 35);
  svg += Frame::text(mid, f.h - 14, "middle",
                     fmt::format("median difference {} (everything random); red: input at {}, "
                                 "blue: at {}",
                                 money(t.median_base, cur), lo, hi));
  svg += Frame::text(l, f.h - 28, "start", money(t.median_base - scale, cur));
  svg += Frame::text(f.w - r, f.h - 28, "end", money(t.median_base + scale, cur));
  return svg + "</svg>\n";
}

}  // namespace

std::string tornado_report(const models::TornadoResult& t, const std::string& scenario,
                           std::uint64_t paths, std::uint64_t seed, bool sobol, Format format) {
  const std::string& cur = t.currency;
  const std::string lo = fmt::format("P{:g}", 100 * t.q_low),
                    hi = fmt::format("P{:g}", 100 * t.q_high);
  if (format == Format::kJson) {
    ordered_json j{{"scenario", scenario},
                   {"a", t.a},
                   {"b", t.b},
                   {"currency", cur},
                   {"paths", paths},
                   {"seed", seed},
                   {"quantiles", {t.q_low, t.q_high}},
                   {"median_diff", t.median_base},
                   {"p_a_beats_b", t.win_base},
                   {"basis", models::basis_name(t.basis)},
                   {"regimes", t.regimes}};
    put_sampler(j, sobol);
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
                      {"spearman", b.spearman},
                      {"spearman_defined", b.has_spearman}});
    j["bars"] = bars;
    return json_report(std::move(j));
  }
  if (format == Format::kCsv) {
    // With a regime, a last column says on which basis the figures are (after-tax or pre-tax).
    const bool basis = !t.regimes.empty();
    std::string out =
        "input,low_value,high_value,median_diff_low,median_diff_high,median_swing,p_a_beats_b_low,"
        "p_a_beats_b_high,spearman";
    out += basis ? ",basis\n" : "\n";
    for (const auto& b : t.bars) {
      out += fmt::format("\"{}\",{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{}",
                         b.input, b.low_value, b.high_value, b.median_low, b.median_high, b.swing(),
                         b.win_low, b.win_high, spearman_text(b, "{:.17g}", ""));
      out += basis ? fmt::format(",{}\n", models::basis_name(t.basis)) : "\n";
    }
    return out;
  }
  const std::string title = fmt::format("Sensitivity of {} vs {} ({})", t.a, t.b, scenario);
  const std::string intro =
      fmt::format(
          "Each input held at its own {} and then its {} while everything else stays random ({} "
          "{}, "
          "seed "
          "{}).\nWith everything random: median difference {}, P({} beats {}) = {}.\n",
          lo, hi, paths, paths_noun(paths), seed, money(t.median_base, cur), t.a, t.b,
          percent(t.win_base)) +
      (t.regimes.empty() ? "" : basis_sentence(t.basis, t.regimes) + "\n");
  if (t.bars.empty()) {  // a table with no rows would look like a failure
    const std::string none = kNoBars;
    if (format == Format::kMarkdown)
      return fmt::format("# Sensitivity of {} vs {} ({})\n\n", t.a, t.b, markdown_text(scenario)) +
             intro + "\n" + none + "\n";
    if (format == Format::kHtml)
      return html_page(title, "<p>" + html_escape(intro) + "</p>\n<p class=\"note\">" +
                                  html_escape(none) + "</p>\n");
    return title + "\n" + intro + "\n" + none + "\n";
  }
  double scale = 1;
  for (const auto& b : t.bars)
    scale = std::max(
        {scale, std::fabs(b.median_low - t.median_base), std::fabs(b.median_high - t.median_base)});
  if (format == Format::kMarkdown || format == Format::kHtml) {
    std::string md = fmt::format(
        "| input | at {} | at {} | median diff at {} | at {} | swing | P(win) at {} | at {} | "
        "Spearman |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        lo, hi, lo, hi, lo, hi);
    for (const auto& b : t.bars)
      md +=
          fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", b.input,
                      fmt::format("{:.3g}", b.low_value), fmt::format("{:.3g}", b.high_value),
                      money(b.median_low, cur), money(b.median_high, cur), money(b.swing(), cur),
                      percent(b.win_low), percent(b.win_high), spearman_text(b, "{:+.2f}", "n/a"));
    const std::string note = no_spearman_note(paths, t.bars);
    const bool none = !note.empty();
    if (format == Format::kMarkdown)
      return fmt::format("# Sensitivity of {} vs {} ({})\n\n", t.a, t.b, markdown_text(scenario)) +
             intro + "\n" + md + (none ? "\n" + note + "\n" : "");
    return html_page(title, "<p>" + html_escape(intro) + "</p>\n" +
                                tornado_chart(t, lo, hi, scale) + markdown_table_html(md) +
                                (none ? "<p class=\"note\">" + html_escape(note) + "</p>\n" : ""));
  }
  // Text: one bar per input around the base median, 24 characters a side.
  std::string out = title + "\n" + intro + "\n";
  // The input column as wide as the longest name (no name is cut), at least as "input".
  std::size_t w = 5;
  for (const auto& b : t.bars) w = std::max(w, b.input.size());
  out +=
      fmt::format("{:<{}} {:>11} {:>11} {:>10}  {}\n", "input", w, "median@" + lo, "median@" + hi,
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
        fmt::format("{:<{}} {:>11} {:>11} {:>+9.1f}%  {}\n", b.input, w, money(b.median_low, cur),
                    money(b.median_high, cur), 100 * (b.win_high - b.win_low), bar);
  }
  out += "\nRank correlation (Spearman) of each sampled input with the difference:\n";
  std::vector<const models::TornadoBar*> by_rho;
  for (const auto& b : t.bars) by_rho.push_back(&b);
  std::stable_sort(by_rho.begin(), by_rho.end(), [](auto* x, auto* y) {
    if (x->has_spearman != y->has_spearman) return x->has_spearman;  // n/a last
    return std::fabs(x->spearman) > std::fabs(y->spearman);
  });
  for (const auto* b : by_rho)
    out += fmt::format("  {:<{}} {:>5}\n", b->input, w, spearman_text(*b, "{:+.2f}", "n/a"));
  if (const std::string note = no_spearman_note(paths, t.bars); !note.empty()) out += note + "\n";
  return out;
}

}  // namespace vestsim::tools
