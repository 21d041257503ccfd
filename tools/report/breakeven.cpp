// The break-even report (`vestsim breakeven`): the grant or base at which
// one offer matches another, per metric, with its batch-means interval.
#include "tools/report/breakeven.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"

namespace vestsim::tools {

namespace {

bool first_only(const models::BreakevenStudy& be) {
  return be.scale == models::Scale::kFirst;
}

// A --precision solve: its paths, whether its targets held, and per target the half-width
// at the solution and the error it implies on the value (null when it does not move).
nlohmann::ordered_json precision_json(const models::BreakevenResult& br) {
  nlohmann::ordered_json q = nlohmann::ordered_json::object();
  for (const auto& p : br.precision) {
    q[p.name] = {{"target", p.target}, {"half_width", p.half_width}};
    q[p.name]["value_half_width"] = std::isnan(p.value_half_width)
                                        ? nlohmann::ordered_json()
                                        : nlohmann::ordered_json(p.value_half_width);
  }
  return {{"paths", br.paths}, {"met", br.precision_met}, {"half_widths", q}};
}

// The text line of a --precision solve: paths and each half-width against its target.
// The half-widths are of report-currency totals (`report_cur`); the value's, of the solved
// figure, in the offer's (`cur`).
std::string precision_text(const models::BreakevenResult& br, const std::string& cur,
                           const std::string& report_cur) {
  const std::string paths = grouped(static_cast<long long>(br.paths));
  const char* noun = paths_noun(br.paths);
  if (!br.found)
    return fmt::format("{} {}; no solution to measure the --precision targets at", paths, noun);
  std::string out = fmt::format("{} {}, targets {}", paths, noun,
                                br.precision_met ? "met" : "NOT met (--max-paths)");
  for (const auto& p : br.precision) {
    out += "; " + precision_reached(p.name, p.half_width, p.target, report_cur);
    // Infinite where the half-width is unmeasurable (one path): undefined, as the half-width.
    if (std::isinf(p.value_half_width))
      out += ", ±undefined on the value";
    else if (!std::isnan(p.value_half_width))
      out += fmt::format(", ±{} on the value", money(p.value_half_width, cur));
  }
  return out;
}

std::string breakeven_json(const models::BreakevenStudy& be) {
  const bool base = be.solve == models::Solve::kBase;
  const double current = be.current;
  nlohmann::ordered_json j;
  j["scenario"] = be.scenario;
  j["offer"] = be.offer;
  j["against"] = be.against;
  j["solve"] = base ? "base" : "equity";
  if (!base) j["scales"] = first_only(be) ? "first" : "all";
  j["currency"] = be.currency;
  j["paths"] = be.paths;
  j["seed"] = be.seed;
  put_sampler(j, be.sobol);
  j["current"] = current;
  j["basis"] = models::basis_name(be.basis);  // docs/tax.md#t6-outputs
  j["regimes"] = be.regimes;
  j["ci_method"] =
      "batch means: 20 contiguous batches of paths, each solved alone; value +- t(19, 0.975) * "
      "sd / sqrt(20)";
  nlohmann::ordered_json res = nlohmann::ordered_json::object();
  for (const auto& [metric, br] : be.results) {
    nlohmann::ordered_json e;
    if (br.found) {
      e["value"] = br.k * current;
      if (std::isnan(br.ci_lo))
        e["ci95"] = nullptr;
      else
        e["ci95"] = {br.ci_lo * current, br.ci_hi * current};
      if (!br.ci_reason.empty()) e["ci95_unavailable"] = br.ci_reason;
      if (!be.targets.empty()) e["precision"] = precision_json(br);
    } else {
      e["value"] = nullptr;
      e["ci95"] = nullptr;
      e["reason"] = br.reason;
    }
    if (!br.found && !be.targets.empty()) e["precision"] = precision_json(br);
    res[models::metric_name(metric)] = e;
  }
  j["results"] = res;
  return json_report(std::move(j));
}

// The text report, or with `md` the markdown one.
std::string breakeven_text(const models::BreakevenStudy& be, bool md) {
  const bool base = be.solve == models::Solve::kBase;
  const std::string& cur = be.currency;
  const double current = be.current;
  const std::string what = base ? "base salary" : "equity";
  const std::string horizon = fmt::format("{:g}", be.horizon_years);
  const std::string label_b = md ? markdown_text(be.against_label) : be.against_label;
  std::string out;
  out += md ? fmt::format("# Break-even: {} vs {}\n\n", markdown_text(be.offer_label), label_b)
            : fmt::format("Break-even {} for {} against {}\n", what, be.offer_label, label_b);
  std::string today =
      fmt::format("today {} ({} path{}, seed {}; 95% CI by batch means)", money(current, cur),
                  grouped(static_cast<long long>(be.paths)), be.paths == 1 ? "" : "s", be.seed);
  if (!base && be.grants > 1)
    today += fmt::format(
        ";\n{}figures are the first grant's value, {} {}", md ? "" : "  ",
        be.grants > 2 ? fmt::format("the other {} grants", be.grants - 1) : "the other grant",
        first_only(be)
            ? (be.grants > 2 ? "left as they are (--scale first)" : "left as it is (--scale first)")
            : "scaled in proportion (--scale all)");
  out += (md ? "" : "  ") + today + (md ? ".\n\n" : "\n");
  out += (md ? "" : "  ") + basis_sentence(be.basis, be.regimes) + (md ? "\n\n" : "\n");
  for (const auto& [metric, br] : be.results) {
    std::string goal;
    switch (metric) {
      case models::Metric::kP50:
        goal = "To match " + label_b + " at the median";
        break;
      case models::Metric::kMean:
        goal = "To match " + label_b + " on average";
        break;
      case models::Metric::kCe:
        goal = fmt::format("For a risk-averse candidate (γ = {:g}, wealth {})", be.risk_aversion,
                           money(be.wealth, be.report_currency));
        break;
      case models::Metric::kWin:
        goal = "To be ahead of " + label_b + " with 50% probability";
        break;
    }
    if (!br.found) {
      out += fmt::format("{}{}: {} ({})\n", md ? "- " : "  ", goal,
                         br.every_value ? "no break-even" : "no amount is enough", br.reason);
      if (!be.targets.empty())
        out += fmt::format("{}{}\n", md ? "  " : "      ",
                           precision_text(br, cur, be.report_currency));
      continue;
    }
    const std::string answer = fmt::format(
        "≥ {}{}", money(br.k * current, cur),
        base ? " base" : " in equity over " + horizon + " " + years_noun(be.horizon_years));
    std::string ci;
    if (!std::isnan(br.ci_lo))
      ci = fmt::format("95% CI {} – {}", money(br.ci_lo * current, cur),
                       money(br.ci_hi * current, cur));
    else if (!br.ci_reason.empty())
      ci = "no 95% CI: " + br.ci_reason;
    if (!be.targets.empty())
      ci += (ci.empty() ? "" : "; ") + precision_text(br, cur, be.report_currency);
    if (md)
      out +=
          fmt::format("- {} you need **{}**{}\n", goal, answer, ci.empty() ? "" : " (" + ci + ")");
    else
      out +=
          fmt::format("  {} you need {}\n{}", goal, answer, ci.empty() ? "" : "      " + ci + "\n");
  }
  out += md ? "\n" : "";
  return out;
}

}  // namespace

std::string breakeven_report(const models::BreakevenStudy& be, Format format) {
  if (format == Format::kJson) return breakeven_json(be);
  return breakeven_text(be, format == Format::kMarkdown);
}

}  // namespace vestsim::tools
