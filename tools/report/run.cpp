// The run report as JSON (the docs/cli.md contract), CSV and markdown, and the
// dispatch over every format.
#include "tools/report/run.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/sobol.hpp"
#include "tools/report/common.hpp"
#include "tools/report/effects.hpp"

namespace vestsim::tools {

using models::RunSummary;
using nlohmann::ordered_json;

namespace {

// The scalar statistics of one output, named and ordered as every format
// prints them. The standard error of one path is undefined: NaN (JSON null,
// an empty CSV field).
std::array<std::pair<const char*, double>, 6> scalar_stats(const engine::Summary& s) {
  return {{{"mean", s.mean},
           {"sd", s.sd},
           {"stderr", s.n > 1 ? s.std_error : NAN},
           {"min", s.min},
           {"max", s.max},
           {"cvar5", s.cvar5}}};
}

// The statistics of one output in the shape of docs/cli.md#the-json-report.
ordered_json summary_json(const engine::Summary& s, const std::vector<double>& q) {
  ordered_json j;
  for (const auto& [name, value] : scalar_stats(s)) j[name] = value;
  ordered_json p = ordered_json::object(), ci = ordered_json::object();
  for (std::size_t i = 0; i < q.size(); ++i) {
    p[percentile_key(q[i])] = s.percentiles[i];
    ci[percentile_key(q[i])] = {s.ci95[i].first, s.ci95[i].second};
  }
  j["percentiles"] = p;
  j["percentile_ci95"] = ci;
  return j;
}

void csv_summary(std::string& out, const std::string& kind, const std::string& id,
                 const std::string& output, const engine::Summary& s,
                 const std::vector<double>& q) {
  auto row = [&](const std::string& stat, double v) {
    out += fmt::format("{},{},{},{},{}\n", kind, csv_field(id), output, stat,
                       std::isnan(v) ? std::string() : fmt::format("{:.17g}", v));
  };
  for (const auto& [name, value] : scalar_stats(s)) row(name, value);
  for (std::size_t i = 0; i < q.size(); ++i) {
    const std::string k = percentile_key(q[i]);
    row("p" + k, s.percentiles[i]);
    row("p" + k + "_ci95_low", s.ci95[i].first);
    row("p" + k + "_ci95_high", s.ci95[i].second);
  }
}

// One effect of market_effect_lines as a sentence: "First (second; third)."
std::string paragraph(const std::vector<std::string>& lines) {
  std::string out = lines.at(0);
  out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  for (std::size_t i = 1; i < lines.size(); ++i) out += (i == 1 ? " (" : "; ") + lines[i];
  return out + (lines.size() > 1 ? ")." : ".");
}

// A sobol run's replicate errors of one comparison
// (docs/design.md#20-quasi-monte-carlo-sobol-points): standard error and 95% CI, estimate +-
// t(15) standard errors, of P(a beats b) and of the mean difference, before and after tax. A
// probability's interval is clipped to [0, 1].
ordered_json replicate_errors(const models::ComparisonSummary& c) {
  const auto entry = [](double estimate, double se, double lo, double hi) {
    return ordered_json{
        {"stderr", se},
        {"ci95",
         {std::max(lo, estimate - engine::kT15 * se), std::min(hi, estimate + engine::kT15 * se)}}};
  };
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {"p_a_beats_b", entry(c.p_a_beats_b, c.p_a_beats_b_stderr, 0, 1)},
      {"mean_diff", entry(c.diff.mean, c.diff.std_error, -inf, inf)},
      {"p_a_beats_b_after_tax",
       entry(c.p_a_beats_b_after_tax, c.p_a_beats_b_after_tax_stderr, 0, 1)},
      {"mean_diff_after_tax", entry(c.diff_after_tax.mean, c.diff_after_tax.std_error, -inf, inf)}};
}

}  // namespace

std::string to_json(const RunSummary& s) {
  ordered_json j;
  j["scenario"] = s.scenario;
  j["currency"] = s.currency;
  j["paths"] = s.paths;
  j["seed"] = s.seed;
  put_sampler(j, s.sobol);
  j["horizon_years"] = s.horizon_years;
  j["liquidity_horizon_years"] = s.liquidity_horizon_years;
  if (s.departure_at_month >= 0) j["departure_at_month"] = s.departure_at_month;  // else random
  j["has_tax"] = s.has_tax;  // docs/tax.md#t6-outputs
  j["regimes"] = s.regimes;
  ordered_json offers = ordered_json::object();
  for (const auto& o : s.offers) {
    ordered_json jo;
    jo["label"] = o.label;
    jo["total"] = summary_json(o.total, s.percentiles);
    jo["cash"] = summary_json(o.cash, s.percentiles);
    jo["equity"] = summary_json(o.equity, s.percentiles);
    jo["tax"] = summary_json(o.tax, s.percentiles);
    jo["after_tax"] = summary_json(o.after_tax, s.percentiles);
    jo["has_regime"] = o.has_regime;
    jo["p_equity_zero"] = o.p_equity_zero;
    if (o.can_pay_strike) jo["p_equity_negative"] = o.p_equity_negative;
    if (o.has_private)
      jo["outcomes"] = {{"ipo", o.outcomes.ipo},
                        {"acquisition", o.outcomes.acquisition},
                        {"failure", o.outcomes.failure},
                        {"none", o.outcomes.none}};
    add_effect_keys(o, jo);
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
    jc["p_a_beats_b_after_tax"] = c.p_a_beats_b_after_tax;
    jc["diff_after_tax"] = summary_json(c.diff_after_tax, s.percentiles);
    jc["ce_a_after_tax"] = c.ce_a_after_tax;
    jc["ce_b_after_tax"] = c.ce_b_after_tax;
    jc["risk_aversion"] = s.risk_aversion;
    jc["wealth"] = s.wealth;
    add_effect_keys(s, c, jc);
    if (s.sobol) jc["replicate_errors"] = replicate_errors(c);
    cmp.push_back(jc);
  }
  j["comparisons"] = cmp;
  if (!s.correlations.empty()) {  // docs/model.md#m1-drivers-and-correlation
    ordered_json pairs = ordered_json::array();
    for (const auto& p : s.correlations) pairs.push_back({{"between", {p.a, p.b}}, {"rho", p.rho}});
    j["correlations"] = pairs;
  }
  if (!s.precision.empty()) {
    ordered_json q = ordered_json::object();
    for (const auto& p : s.precision)
      q[p.name] = {{"target", p.target}, {"half_width", p.half_width}};
    // What stopped a run short of its targets (docs/cli.md): null when they were met.
    const ordered_json stopped_by = s.precision_met ? ordered_json()
                                    : s.precision_cap == RunSummary::PathCap::kMemoryBudget
                                        ? ordered_json("memory_budget")
                                        : ordered_json("max_paths");
    j["precision"] = {{"paths_needed", s.paths},
                      {"met", s.precision_met},
                      {"stopped_by", stopped_by},
                      {"half_widths", q}};
  }
  j["timing"] = {{"seconds", s.seconds},
                 {"paths_per_second", s.seconds > 0 ? s.paths / s.seconds : 0.0},
                 {"threads", s.threads},
                 {"two_pass", s.two_pass}};
  return json_report(std::move(j));
}

// A standard error as a CSV value: empty where one path leaves it undefined (docs/cli.md).
std::string csv_stderr(double se, std::uint64_t paths) {
  return paths < 2 ? std::string() : fmt::format("{:.17g}", se);
}

std::string to_csv(const RunSummary& s) {
  std::string out = "kind,id,output,statistic,value\n";
  // docs/tax.md#t6-outputs: tax and after_tax for every offer (0 and the total without a
  // regime), like the JSON; the one-line disclaimer as a row when any offer has a regime.
  if (s.has_tax) {  // commas become semicolons: every row keeps five plain fields
    std::string line = tax_disclaimer(s.regimes);
    std::replace(line.begin(), line.end(), ',', ';');
    out += "note,,tax,disclaimer," + csv_field(line) + "\n";
  }
  for (const auto& o : s.offers) {
    csv_summary(out, "offer", o.id, "total", o.total, s.percentiles);
    csv_summary(out, "offer", o.id, "tax", o.tax, s.percentiles);
    csv_summary(out, "offer", o.id, "after_tax", o.after_tax, s.percentiles);
    csv_summary(out, "offer", o.id, "cash", o.cash, s.percentiles);
    csv_summary(out, "offer", o.id, "equity", o.equity, s.percentiles);
    out += fmt::format("offer,{},equity,p_zero,{:.17g}\n", csv_field(o.id), o.p_equity_zero);
    if (o.can_pay_strike)
      out +=
          fmt::format("offer,{},equity,p_negative,{:.17g}\n", csv_field(o.id), o.p_equity_negative);
    if (o.has_private) {
      const models::OutcomeShares& x = o.outcomes;
      for (const auto& [name, share] :
           {std::pair{"ipo", x.ipo}, std::pair{"acquisition", x.acquisition},
            std::pair{"failure", x.failure}, std::pair{"none", x.none}})
        out += fmt::format("offer,{},outcome,{},{:.17g}\n", csv_field(o.id), name, share);
    }
    if (const models::TenderEffect& t = o.tenders;
        t.paths > 0) {  // docs/model.md#m7-what-correlation-and-tenders-change
      for (const auto& [stat, v] :
           {std::pair{"p_sale", t.p_sale}, std::pair{"equity_mean", t.equity_mean},
            std::pair{"equity_mean_without", t.equity_mean_without},
            std::pair{"paths", static_cast<double>(t.paths)}})
        out += fmt::format("offer,{},tenders,{},{:.17g}\n", csv_field(o.id), stat, v);
      out += fmt::format("offer,{},tenders,effect_stderr,{}\n", csv_field(o.id),
                         csv_stderr(t.effect_se, t.paths));
    }
  }
  for (const auto& c : s.comparisons) {
    const std::string id = c.a + ":" + c.b;
    csv_summary(out, "comparison", id, "diff", c.diff, s.percentiles);
    out += fmt::format("comparison,{},diff,p_a_beats_b,{:.17g}\n", csv_field(id), c.p_a_beats_b);
    // An undefined CE (docs/model.md#8-summaries-over-paths) is an empty field, as stderr is.
    const auto number = [](double v) {
      return std::isnan(v) ? std::string() : fmt::format("{:.17g}", v);
    };
    out += fmt::format("comparison,{},certainty_equivalent,a,{}\n", csv_field(id), number(c.ce_a));
    out += fmt::format("comparison,{},certainty_equivalent,b,{}\n", csv_field(id), number(c.ce_b));
    csv_summary(out, "comparison", id, "diff_after_tax", c.diff_after_tax, s.percentiles);
    out += fmt::format("comparison,{},diff_after_tax,p_a_beats_b,{:.17g}\n", csv_field(id),
                       c.p_a_beats_b_after_tax);
    out += fmt::format("comparison,{},certainty_equivalent_after_tax,a,{}\n", csv_field(id),
                       number(c.ce_a_after_tax));
    out += fmt::format("comparison,{},certainty_equivalent_after_tax,b,{}\n", csv_field(id),
                       number(c.ce_b_after_tax));
    for (const auto& [name, x] : {std::pair{"independent_markets", &c.independent},
                                  std::pair{"without_tenders", &c.no_tenders}})
      if (x->paths > 0)
        for (const auto& [stat, v] :
             {std::pair{"p_a_beats_b", x->p}, std::pair{"p_a_beats_b_after_tax", x->p_after_tax},
              std::pair{"paths", static_cast<double>(x->paths)}})
          out += fmt::format("comparison,{},{},{},{:.17g}\n", csv_field(id), name, stat, v);
    for (const auto& [name, x] : {std::pair{"independent_markets", &c.independent},
                                  std::pair{"without_tenders", &c.no_tenders}})
      if (x->paths > 0)
        for (const auto& [stat, v] :
             {std::pair{"stderr", x->se}, std::pair{"stderr_after_tax", x->se_after_tax}})
          out += fmt::format("comparison,{},{},{},{}\n", csv_field(id), name, stat,
                             csv_stderr(v, x->paths));
  }
  return out;
}

std::string to_markdown(const RunSummary& s) {
  const std::string& cur = s.currency;
  std::string out = fmt::format("# {}\n\n", markdown_text(s.scenario));
  out += fmt::format("{} {}, seed {}, {} over {} {} (equity liquid up to {} {}).\n\n",
                     grouped(static_cast<long long>(s.paths)), paths_noun(s.paths), s.seed,
                     s.currency, s.horizon_years, years_noun(s.horizon_years),
                     s.liquidity_horizon_years, years_noun(s.liquidity_horizon_years));
  for (const std::string& note : run_notes(s)) out += note + "\n\n";
  if (s.has_tax) out += tax_disclaimer(s.regimes) + "\n\n";
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
    out += fmt::format("## {} (`{}`)\n\n", markdown_text(o.label), o.id);
    if (s.has_tax && !o.has_regime) out += "No tax regime: after tax = total.\n\n";
    out += header();
    if (s.has_tax) out += row("after tax", o.after_tax) + row("tax", o.tax);
    out += row("total", o.total) + row("cash", o.cash) + row("equity", o.equity);
    out += fmt::format("\nP(equity = 0): {}", percent(o.p_equity_zero));
    if (o.can_pay_strike) out += fmt::format(". P(equity < 0): {}", percent(o.p_equity_negative));
    if (o.has_private)
      out += fmt::format(". Outcomes: IPO {}, acquisition {}, failure {}, none {}",
                         percent(o.outcomes.ipo), percent(o.outcomes.acquisition),
                         percent(o.outcomes.failure), percent(o.outcomes.none));
    out += ".\n\n";
    if (const std::string t = tender_line(s, o); !t.empty())
      out += "Tenders" + t.substr(7) + ".\n\n";
  }
  for (const auto& c : s.comparisons) {
    out += fmt::format("## {} vs {}\n\n", c.a, c.b);
    if (s.has_tax)
      out += fmt::format("**P({} beats {}) after tax = {}** (before tax {})\n\n", c.a, c.b,
                         percent(c.p_a_beats_b_after_tax), percent(c.p_a_beats_b));
    else
      out += fmt::format("**P({} beats {}) = {}**\n\n", c.a, c.b, percent(c.p_a_beats_b));
    out += header();
    if (s.has_tax) out += row("difference after tax", c.diff_after_tax);
    out += row("difference", c.diff);
    out += certainty_lines(s, c, "\nCertainty equivalents", ", ", ".\n") + "\n";
    for (const auto& lines : market_effect_lines(s, c)) out += paragraph(lines) + "\n\n";
  }
  return out;
}

std::string render_run(const models::RunStudy& run, Format format,
                       const models::Scenario* scenario) {
  switch (format) {
    case Format::kJson:
      return to_json(run.summary);
    case Format::kCsv:
      return to_csv(run.summary);
    case Format::kMarkdown:
      return to_markdown(run.summary);
    case Format::kHtml: {
      ChartData charts = chart_data(run.result);
      if (scenario) add_median_tax(charts, *scenario, run.result);
      return to_html(run.summary, charts);
    }
    case Format::kText:
      break;
  }
  return to_text(run.summary);
}

}  // namespace vestsim::tools
