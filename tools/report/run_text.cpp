// The terminal report: aligned tables that fit in 100 columns.
#include <fmt/format.h>

#include "tools/report/common.hpp"
#include "tools/report/effects.hpp"
#include "tools/report/run.hpp"

namespace vestsim::tools {

using models::RunSummary;

namespace {

constexpr std::size_t kWidth = 100, kLabel = 9;  // a line, and its "  label  " part

// Columns a UTF-8 string takes on a terminal (one per code point: "€" is one).
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}
// s right-aligned in w columns.
std::string pad(const std::string& s, std::size_t w) {
  return std::string(w > columns(s) ? w - columns(s) : 0, ' ') + s;
}

struct Table {
  std::vector<std::string> heads;
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;

  std::string render() const {
    // 11 columns a cell, wider when a figure needs it ("JPY 104,769,509"), so
    // cells never run together; as many cells a line as fit in 100 columns.
    std::size_t w = 11;
    for (std::size_t c = 0; c < heads.size(); ++c) {
      w = std::max(w, columns(heads[c]) + 1);
      for (const auto& row : rows) w = std::max(w, columns(row.second[c]) + 1);
    }
    // Row labels take 7 columns ("  label  " is kLabel), more when one is longer ("after tax").
    std::size_t label = 7;
    for (const auto& row : rows) label = std::max(label, columns(row.first));
    const std::size_t per_line = std::max<std::size_t>(1, (kWidth - kLabel - (label - 7)) / w);
    std::string out;
    for (std::size_t first = 0; first < heads.size(); first += per_line) {
      const std::size_t last = std::min(heads.size(), first + per_line);
      out += fmt::format("  {:<{}}", "", label);
      for (std::size_t c = first; c < last; ++c) out += pad(heads[c], w);
      out += "\n";
      for (const auto& [name, cells] : rows) {
        out += fmt::format("  {:<{}}", name, label);
        for (std::size_t c = first; c < last; ++c) out += pad(cells[c], w);
        out += "\n";
      }
    }
    return out;
  }
};

Table stats_table(const RunSummary& s) {
  Table t;
  t.heads.push_back("mean");
  for (double q : s.percentiles) t.heads.push_back(fmt::format("P{}", percentile_key(q)));
  return t;
}

std::vector<std::string> cells(const engine::Summary& x, const std::string& cur) {
  std::vector<std::string> c{money(x.mean, cur)};
  for (double p : x.percentiles) c.push_back(money(p, cur));
  return c;
}

// "  A beats B in 41.3% of futures (median difference €-12,000)", on two lines when it
// would pass 100 columns. `basis` is "" or " after tax".
std::string headline(const std::string& la, const std::string& lb, double p,
                     const std::string& basis, const std::string& median) {
  const std::string head =
      fmt::format("  {} beats {} in {} of futures{}", la, lb, percent(p), basis);
  const std::string tail = fmt::format("(median difference {})", median);
  return columns(head + tail) + 1 <= kWidth ? head + " " + tail + "\n"
                                            : head + "\n    " + tail + "\n";
}

std::string median_text(const RunSummary& s, const engine::Summary& x) {
  return money(models::percentile_at(s, x, 50).value_or(x.mean), s.currency);
}

}  // namespace

std::string to_text(const RunSummary& s) {
  const std::string& cur = s.currency;
  std::string out = fmt::format("{}\n", s.scenario);
  out += fmt::format(
      "{} · {}-year horizon, equity counted if liquid within {} {} · present values\n\n", cur,
      s.horizon_years, s.liquidity_horizon_years, years_noun(s.liquidity_horizon_years));
  for (const std::string& note : run_notes(s)) out += note + "\n\n";
  if (s.has_tax) out += tax_disclaimer(s.regimes) + "\n\n";
  // The answer first: how often each comparison's first offer comes out ahead, after tax
  // when any offer has a regime (docs/tax.md#t6-outputs), with the pre-tax answer below it.
  for (const auto& c : s.comparisons) {
    std::string la = c.a, lb = c.b;
    for (const auto& o : s.offers) {
      if (o.id == c.a) la = o.label;
      if (o.id == c.b) lb = o.label;
    }
    if (s.has_tax) {
      out +=
          headline(la, lb, c.p_a_beats_b_after_tax, " after tax", median_text(s, c.diff_after_tax));
      out += fmt::format("    before tax: {} (median difference {})\n", percent(c.p_a_beats_b),
                         median_text(s, c.diff));
    } else {
      out += headline(la, lb, c.p_a_beats_b, "", median_text(s, c.diff));
    }
  }
  if (!s.comparisons.empty()) out += "\n";
  for (const auto& o : s.offers) {
    out += fmt::format("{}  [{}]{}\n", o.label, o.id,
                       s.has_tax && !o.has_regime ? "  (no tax regime: after tax = total)" : "");
    Table t = stats_table(s);
    if (s.has_tax) {
      t.rows.push_back({"after tax", cells(o.after_tax, cur)});
      t.rows.push_back({"tax", cells(o.tax, cur)});
    }
    t.rows.push_back({"total", cells(o.total, cur)});
    t.rows.push_back({"cash", cells(o.cash, cur)});
    t.rows.push_back({"equity", cells(o.equity, cur)});
    out += t.render();
    out += fmt::format("  P(equity = 0) {}", percent(o.p_equity_zero));
    if (o.can_pay_strike) out += fmt::format("  P(equity < 0) {}", percent(o.p_equity_negative));
    if (o.has_private)
      out += fmt::format(
          "\n  outcome: IPO {} · acquisition {} · failure {} · no event by year {:g} {}",
          percent(o.outcomes.ipo), percent(o.outcomes.acquisition), percent(o.outcomes.failure),
          s.liquidity_horizon_years, percent(o.outcomes.none));
    if (const std::string t = tender_line(s, o); !t.empty()) out += "\n  " + t;
    out += "\n\n";
  }
  for (const auto& c : s.comparisons) {
    out += fmt::format("{} vs {}\n", c.a, c.b);
    Table t = stats_table(s);
    if (s.has_tax) {
      out += fmt::format("  P({} beats {}) after tax = {} · before tax = {}\n", c.a, c.b,
                         percent(c.p_a_beats_b_after_tax), percent(c.p_a_beats_b));
      t.rows.push_back({"diff after tax", cells(c.diff_after_tax, cur)});
    } else {
      out += fmt::format("  P({} beats {}) = {}\n", c.a, c.b, percent(c.p_a_beats_b));
    }
    t.rows.push_back({"diff", cells(c.diff, cur)});
    out += t.render();
    out += certainty_lines(s, c, "  certainty equivalent", " · ", "\n");
    for (const auto& lines : market_effect_lines(s, c))
      for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "    " : "  ") + lines[i] + "\n";
    out += "\n";
  }
  out += fmt::format("{} {} · seed {} · {} thread{} · {:.2f} s ({} paths/s)\n",
                     grouped(static_cast<long long>(s.paths)), paths_noun(s.paths), s.seed,
                     s.threads, s.threads == 1 ? "" : "s", s.seconds,
                     grouped(static_cast<long long>(s.seconds > 0 ? s.paths / s.seconds : 0)));
  if (s.paths < 2) return out + "standard error of each mean: undefined with one path\n";
  out += "standard error of each mean:";
  for (const auto& o : s.offers)
    out += fmt::format("\n  {:<18} {}total {} · cash {} · equity {}", o.id,
                       s.has_tax ? "after tax " + money(o.after_tax.std_error, cur) + " · " : "",
                       money(o.total.std_error, cur), money(o.cash.std_error, cur),
                       money(o.equity.std_error, cur));
  for (const auto& c : s.comparisons)
    out +=
        fmt::format("\n  {:<18} {}diff {}", c.a + " - " + c.b,
                    s.has_tax ? "after tax " + money(c.diff_after_tax.std_error, cur) + " · " : "",
                    money(c.diff.std_error, cur));
  out += "\n";
  return out;
}

}  // namespace vestsim::tools
