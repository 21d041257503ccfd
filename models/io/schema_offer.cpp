// Offers and their grants. How to add a key: see models/io/schema.hpp.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/io/schema.hpp"

namespace vestsim::models::io {

namespace {

const std::optional<double> kRequired = std::nullopt;

void read_weights(Node& w, Grant& g) {
  if (!w.is_list()) {
    w.error(fmt::format("expected a list of {} numbers", g.years));
    return;
  }
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    g.weights.push_back(w.item(i).value(between(0, 1)));
    sum += g.weights.back();
  }
  if (g.years > 0 && w.size() != static_cast<std::size_t>(g.years))
    w.error(fmt::format("needs one weight per vesting year ({}), got {}", g.years, w.size()));
  else if (std::fabs(sum - 1) > 1e-6)
    w.error(fmt::format("must sum to 1, sum to {}", sum));
}

void read_vesting(Node& n, Grant& g) {
  g.years = static_cast<int>(n.integer("years", kRequired, whole(1, 20)));
  (void)n.child("cliff_months");  // looked up first so messages list it before every_months
  g.every_months = static_cast<int>(n.integer("every_months", 1.0, whole(1, 12)));
  if (g.every_months > 0 && 12 % g.every_months != 0) {
    n.child("every_months")
        .error(fmt::format("must divide 12 (1, 2, 3, 4, 6 or 12), got {}", g.every_months));
    g.every_months = 1;
  }
  g.cliff_months = static_cast<int>(n.integer("cliff_months", 0.0, whole(0, 240)));
  if (g.every_months > 0 && g.cliff_months % g.every_months != 0)
    n.child("cliff_months")
        .error(fmt::format("must be a multiple of every_months ({}), got {}", g.every_months,
                           g.cliff_months));
  if (g.years > 0 && g.cliff_months > 12 * g.years)
    n.child("cliff_months")
        .error(fmt::format("must not exceed the vesting period ({} months)", 12 * g.years));
  if (Node w = n.child("weights"); w.present()) read_weights(w, g);
  if (g.weights.empty() && g.years > 0) g.weights.assign(g.years, 1.0 / g.years);
}

void read_acceleration(Node& n, Grant& g) {
  const int t = n.choice("trigger", {"none", "single", "double"}, -1);
  if (t >= 0) g.trigger = static_cast<Trigger>(t);
  g.accel_fraction = n.number("fraction", 1.0, between(0, 1));
  g.accel_probability = n.number("probability", 1.0, between(0, 1));
}

// The grant's company and type, which must agree (public_rsu: public company) unless the
// company is one of `kindless`, whose kind was not read (reported at the company).
void read_company_and_type(Node& n, Grant& g, const Scenario& s,
                           const std::vector<std::string>& kindless) {
  const std::string company = n.string("company", std::nullopt);
  const Company* c = nullptr;
  for (std::size_t i = 0; i < s.companies.size(); ++i)
    if (s.companies[i].id == company) g.company = static_cast<int>(i), c = &s.companies[i];
  if (!c && n.child("company").is_scalar()) {  // unknown or empty; absent is reported above
    Keys ids;
    for (const Company& k : s.companies) ids.push_back(k.id);
    n.child("company").error(
        ids.empty()
            ? fmt::format("unknown company '{}': no company is defined", company)
            : fmt::format("unknown company '{}'; defined companies: {}", company, join(ids)));
  }
  const int type = n.choice("type", {"private_rsu", "option", "public_rsu"}, -1);
  if (type >= 0) g.type = static_cast<GrantType>(type);
  if (!c || type < 0) return;
  if (std::find(kindless.begin(), kindless.end(), company) != kindless.end()) return;
  if (g.type == GrantType::kPublicRsu && !c->is_public)
    n.child("type").error(
        fmt::format("a public_rsu must name a public company; '{}' is private "
                    "(use private_rsu or option)",
                    company));
  if (g.type != GrantType::kPublicRsu && c->is_public)
    n.child("type").error(
        fmt::format("a {} must name a private company; '{}' is public (use public_rsu)",
                    type == 0 ? "private_rsu" : "option", company));
}

// docs/model.md#m5-options-when-the-employee-leaves: options only.
void read_exercise(Node& n, Grant& g) {
  const bool window = n.has("exercise_window_months"), policy = n.has("exercise_policy");
  if ((window || policy) && !n.walking() && g.type != GrantType::kOption) {
    n.child(window ? "exercise_window_months" : "exercise_policy")
        .error("only an option is exercised (a private_rsu or public_rsu has no strike)");
    return;
  }
  if (window)
    g.exercise_window_months =
        static_cast<int>(n.integer("exercise_window_months", kRequired, whole(0, 1200)));
  const int p = n.choice("exercise_policy", {"always", "never", "in_the_money"}, 2);
  if (p >= 0) g.exercise_policy = static_cast<ExercisePolicy>(p);
}

void read_grant(Node& n, Grant& g, const Scenario& s, const std::vector<std::string>& kindless) {
  read_company_and_type(n, g, s, kindless);
  g.value = n.number("value", kRequired, between(0, 1e12));
  g.start_month = static_cast<int>(n.integer("start_month", 0.0, whole(0, 1200)));
  if (Node vest = n.child("vesting"); !vest.present())
    vest.error("missing required key (a map with years, cliff_months, every_months)");
  else
    vest.map(g, read_vesting);
  const bool is_private = g.type != GrantType::kPublicRsu;
  if (Node a = n.child("acceleration"); a.present()) {
    if (!is_private)
      a.error("only private grants (private_rsu, option) accelerate");
    else
      a.map(g, read_acceleration);
  }
  if (Node e = n.child("expiry_years"); e.present()) {
    if (!is_private)
      e.error("only private grants (private_rsu, option) expire");
    else
      g.expiry_years = n.number("expiry_years", kRequired, {0, 100, true});
  }
  if (Node k = n.child("strike"); k.present()) {
    if (g.type != GrantType::kOption)
      k.error("only an option has a strike");
    else
      g.strike = n.number("strike", kRequired, between(0, 1000));
  }
  read_exercise(n, g);
  g.tax_treatment = n.choice("tax_treatment", {"employment", "qualified"}, 0) == 1
                        ? TaxTreatment::kQualified
                        : TaxTreatment::kEmployment;
}

// All of an offer's double-trigger grants on one company share one let-go
// draw (docs/model.md#6-private-companies).
void check_double_triggers(Node& grants, const Offer& o) {
  for (std::size_t i = 0; i < o.grants.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.grants[i].trigger == Trigger::kDouble && o.grants[j].trigger == Trigger::kDouble &&
          o.grants[i].company == o.grants[j].company &&
          o.grants[i].accel_probability != o.grants[j].accel_probability) {
        grants.item(i).error_below(
            "acceleration.probability",
            fmt::format("double-trigger grants on one company must share one probability "
                        "(grants[{}] has {})",
                        j, o.grants[j].accel_probability));
      }
}

void read_bonus(Node& n, Offer& o) {
  o.bonus_target = n.number("target", kRequired, between(0, 3));
  o.bonus_multiplier = read_bounded(n, "multiplier", 1.0, kMaxMultiplier);
}

void read_signing_bonus(Node& n, Offer& o) {
  o.signing_amount = n.number("amount", kRequired, between(0, 1e9));
  o.clawback_months = static_cast<int>(n.integer("clawback_months", 0.0, whole(0, 120)));
}

void read_grants(Node& gs, Offer& o, const Scenario& s, const std::vector<std::string>& kindless) {
  if (!gs.is_list()) {
    gs.error(fmt::format("expected a list of grants, got {}", gs.kind()));
    return;
  }
  for (std::size_t i = 0; i < gs.size(); ++i) {
    Grant g;
    gs.item(i).map(g, [&](Node& m, Grant& out) { read_grant(m, out, s, kindless); });
    o.grants.push_back(g);
  }
  check_double_triggers(gs, o);
}

}  // namespace

void read_offer(Node& n, Offer& o, const Scenario& s, const std::vector<std::string>& kindless) {
  n.map(o, [&](Node& m, Offer& out) {
    out.label = m.heading("label", out.id);
    out.currency = s.currency;
    if (Node cur = m.child("currency"); cur.present()) {
      out.currency = cur.currency_code();
      require_currency(s, out.currency, cur);
    }
    out.base = m.number("base", kRequired, between(0, 1e9));
    out.geo_band = m.number("geo_band", 1.0, {0, 1, true});
    out.raise = m.number("raise", 0.0, between(-0.5, 1));
    if (Node b = m.child("bonus"); b.present()) b.map(out, read_bonus);
    if (Node b = m.child("signing_bonus"); b.present()) b.map(out, read_signing_bonus);
    if (Node gs = m.child("grants"); gs.present()) read_grants(gs, out, s, kindless);
    read_offer_tax(m, out, s);
  });
}

}  // namespace vestsim::models::io
