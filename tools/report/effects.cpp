#include "tools/report/effects.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"

namespace vestsim::tools {

using models::Counterfactual;
using models::RunSummary;
using nlohmann::ordered_json;

namespace {

const models::OfferSummary* find_offer(const RunSummary& s, const std::string& id) {
  for (const auto& o : s.offers)
    if (o.id == id) return &o;
  return nullptr;
}

// "the same 20,000 futures" ("the same one future"), or "the first 100,000 of the 1,000,000
// futures".
std::string which_futures(const RunSummary& s, std::uint64_t n) {
  if (n == 1) return "the same one future";
  if (n == s.paths) return fmt::format("the same {} futures", grouped(static_cast<long long>(n)));
  return fmt::format("the first {} of the {} futures", grouped(static_cast<long long>(n)),
                     grouped(static_cast<long long>(s.paths)));
}

// "41.0% instead of 41.9%, -0.90 points": a figure changed, the figure as given, the change.
std::string changed(double p, double given) {
  const double points = 100 * (p - given);
  return fmt::format("{} instead of {}, {:+.2f} points", percent(p), percent(given),
                     std::fabs(points) < 0.005 ? 0.0 : points);  // never "-0.00"
}

// A standard error as JSON: null where one future leaves it undefined.
ordered_json se_json(double se, std::uint64_t paths) {
  return paths < 2 ? ordered_json() : ordered_json(se);
}

// Three lines: the headline figure changed, the other basis and the standard error, and
// `what` was changed on which futures.
std::vector<std::string> effect(const RunSummary& s, const models::ComparisonSummary& c,
                                const Counterfactual& x, const std::string& name,
                                const std::string& what) {
  const std::string se = points_se(std::max(x.se, x.se_after_tax), x.paths);
  std::vector<std::string> out;
  if (s.has_tax) {
    out.push_back(fmt::format("{}: P({} beats {}) after tax {}", name, c.a, c.b,
                              changed(x.p_after_tax, x.p_given_after_tax)));
    out.push_back(fmt::format("before tax {} · standard error of each change {}",
                              changed(x.p, x.p_given), se));
  } else {
    out.push_back(fmt::format("{}: P({} beats {}) {}", name, c.a, c.b, changed(x.p, x.p_given)));
    out.push_back(fmt::format("standard error of the change {}", se));
  }
  out.push_back(fmt::format("{} on {}", what, which_futures(s, x.paths)));
  return out;
}

ordered_json counterfactual_json(const Counterfactual& x) {
  return {{"paths", x.paths},
          {"p_a_beats_b", x.p},
          {"p_a_beats_b_as_given", x.p_given},
          {"stderr", se_json(x.se, x.paths)},
          {"p_a_beats_b_after_tax", x.p_after_tax},
          {"p_a_beats_b_after_tax_as_given", x.p_given_after_tax},
          {"stderr_after_tax", se_json(x.se_after_tax, x.paths)}};
}

}  // namespace

// A standard error in points, or why there is none: one future has no spread.
std::string points_se(double se, std::uint64_t paths) {
  return paths < 2 ? std::string("undefined (one future)") : fmt::format("{:.2f} points", 100 * se);
}

bool certainty_floored(const RunSummary& s, const std::string& offer, bool after_tax) {
  const models::OfferSummary* o = find_offer(s, offer);
  if (!o || s.risk_aversion == 0) return false;
  return models::certainty_equivalent_floored(after_tax ? o->after_tax.min : o->total.min,
                                              s.risk_aversion, s.wealth);
}

std::string certainty_text(const RunSummary& s, const std::string& offer, double ce,
                           bool after_tax) {
  return money(ce, s.currency) + (certainty_floored(s, offer, after_tax)
                                      ? " (floor: some futures lose at least the whole wealth)"
                                      : "");
}

std::vector<std::vector<std::string>> market_effect_lines(const RunSummary& s,
                                                          const models::ComparisonSummary& c) {
  std::vector<std::vector<std::string>> out;
  if (c.independent.paths > 0) {
    std::string pairs;
    for (const auto& p : s.correlations)
      pairs += fmt::format("{}ρ({}, {}) = {:g}", pairs.empty() ? "" : ", ", p.a, p.b, p.rho);
    out.push_back(effect(s, c, c.independent, "with independent markets",
                         "the scenario's " + pairs + " set to 0"));
  }
  if (c.no_tenders.paths > 0) {
    std::vector<std::string> ids;
    for (const std::string& id : {c.a, c.b})
      if (const models::OfferSummary* o = find_offer(s, id))
        for (const std::string& company : o->tenders.companies)
          if (std::find(ids.begin(), ids.end(), company) == ids.end()) ids.push_back(company);
    std::string names;
    for (const std::string& id : ids) names += (names.empty() ? "" : ", ") + id;
    out.push_back(effect(s, c, c.no_tenders, "without tenders",
                         "every tender window of " + names + " closed"));
  }
  return out;
}

std::string tender_line(const RunSummary& s, const models::OfferSummary& o) {
  const models::TenderEffect& t = o.tenders;
  if (t.paths == 0) return "";
  std::string names;
  for (const std::string& id : t.companies) names += (names.empty() ? "" : ", ") + id;
  const double change = t.equity_mean - t.equity_mean_without;
  return fmt::format(
      "tenders ({}): a sale in {} of futures; mean equity {} with them, {} without ({}{}, SE "
      "{}){}",
      names, percent(t.p_sale), money(t.equity_mean, s.currency),
      money(t.equity_mean_without, s.currency), change > 0 ? "+" : "", money(change, s.currency),
      t.paths < 2 ? std::string("undefined, one future") : money(t.effect_se, s.currency),
      t.paths == s.paths ? "" : " on " + which_futures(s, t.paths));
}

void add_effect_keys(const RunSummary& s, const models::ComparisonSummary& c, ordered_json& j) {
  j["certainty_equivalent_floor"] = {{"a", certainty_floored(s, c.a, false)},
                                     {"b", certainty_floored(s, c.b, false)}};
  j["certainty_equivalent_after_tax_floor"] = {{"a", certainty_floored(s, c.a, true)},
                                               {"b", certainty_floored(s, c.b, true)}};
  if (c.independent.paths > 0) j["independent_markets"] = counterfactual_json(c.independent);
  if (c.no_tenders.paths > 0) j["without_tenders"] = counterfactual_json(c.no_tenders);
}

void add_effect_keys(const models::OfferSummary& o, ordered_json& j) {
  const models::TenderEffect& t = o.tenders;
  if (t.paths == 0) return;
  j["tenders"] = {{"companies", t.companies},
                  {"paths", t.paths},
                  {"p_sale", t.p_sale},
                  {"equity_mean", t.equity_mean},
                  {"equity_mean_without", t.equity_mean_without},
                  {"effect_stderr", se_json(t.effect_se, t.paths)}};
}

}  // namespace vestsim::tools
