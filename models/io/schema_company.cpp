// Companies: public (a share price) or private (valuation, exit, growth,
// dilution). How to add a key: see models/io/schema.hpp.
#include <fmt/format.h>

#include "models/io/schema.hpp"

namespace vestsim::models::io {

namespace {

const std::optional<double> kRequired = std::nullopt;

void read_public(Node& n, PublicCompany& c) {
  c.price = n.number("price", kRequired, {0, kMaxPrice, true});
  c.drift = n.number("drift", kRequired, between(-1, 1));
  c.volatility = n.number("volatility", kRequired, between(0, 3));
}

// exit.outcomes: the probabilities; the rest is "no event".
void read_outcomes(Node& n, PrivateCompany& v) {
  v.p_ipo = n.number("ipo", 0.0, between(0, 1));
  v.p_acquisition = n.number("acquisition", 0.0, between(0, 1));
  v.p_failure = n.number("failure", 0.0, between(0, 1));
  const double sum = v.p_ipo + v.p_acquisition + v.p_failure;
  if (sum > 1 + 1e-12)
    n.error(
        fmt::format("probabilities sum to {} (ipo + acquisition + failure must be <= 1; "
                    "the rest is 'no event')",
                    sum));
}

void read_ipo(Node& n, PrivateCompany& v) {
  if (n.has("multiple")) v.ipo_multiple = read_bounded(n, "multiple", {}, kMaxMultiple);
  v.ipo_dilution = read_fraction(n, "dilution", 0.0);
  v.lockup_months = static_cast<int>(n.integer("lockup_months", 6.0, whole(0, 120)));
}

void read_preference(Node& n, PrivateCompany& v) {
  v.has_preference = true;
  v.preference_amount = n.number("amount", kRequired, between(0, kMaxValuation));
  v.preferred_fraction = n.number("preferred_fraction", kRequired, {0, 1, true, true});
}

void read_acquisition(Node& n, PrivateCompany& v) {
  if (n.has("multiple")) v.acquisition_multiple = read_bounded(n, "multiple", {}, kMaxMultiple);
  if (Node pref = n.child("preference"); pref.present()) pref.map(v, read_preference);
}

// An outcome with probability > 0 (`event` is ipo or acquisition) needs a multiple. Without the
// event's map at all, the problem is placed at outcomes.<event>, the line that asks for it.
void require_multiple(Node& exit, std::string_view event, double probability, const char* message) {
  Node n = exit.child(event);
  if (probability <= 0 || (n.present() && n.is_map() && n.has("multiple"))) return;
  if (n.present()) return n.child("multiple").error(message);
  // outcomes.<event> from --set has no line of its own: then the parent's, as for any absent key.
  Node asked = exit.child("outcomes").child(event);
  n.child("multiple").error_at(asked.present() && asked.line() > 0 ? asked : n, message);
}

void read_exit(Node& n, PrivateCompany& v) {
  v.exit_time = read_distribution(n, "time_years", kRequired);
  Node out = n.child("outcomes");
  if (!out.present())
    out.error("missing required key (a map of ipo, acquisition, failure probabilities)");
  else
    out.map(v, read_outcomes);
  if (Node ipo = n.child("ipo"); ipo.present()) ipo.map(v, read_ipo);
  require_multiple(n, "ipo", v.p_ipo,
                   "missing required key: an IPO with probability > 0 needs a multiple");
  if (Node acq = n.child("acquisition"); acq.present()) acq.map(v, read_acquisition);
  require_multiple(n, "acquisition", v.p_acquisition,
                   "missing required key: an acquisition with probability > 0 needs a multiple");
  const Node fail = n.child("failure");
  if (fail.present() && !fail.is_null() && !(fail.is_map() && fail.size() == 0))
    fail.error("failure pays nothing and takes no keys; leave it empty");
}

// growth and post_ipo: a geometric Brownian motion.
void read_gbm(Node& n, double& drift, double& volatility) {
  drift = n.number("drift", 0.0, between(-1, 1));
  volatility = n.number("volatility", 0.0, between(0, 3));
}

void read_dilution(Node& n, PrivateCompany& v) {
  v.rounds_per_year = n.number("rounds_per_year", kRequired, between(0, 12));
  v.per_round = read_fraction(n, "per_round", kRequired);
}

void read_tenders(Node& n, PrivateCompany& v) {
  Tenders& t = v.tenders;
  t.enabled = true;
  t.first_month = static_cast<int>(n.integer("first_month", kRequired, whole(1, 1200)));
  t.every_months = static_cast<int>(n.integer("every_months", 12.0, whole(1, 1200)));
  t.probability = n.number("probability", 1.0, between(0, 1));
  t.price = read_bounded(n, "price", 1.0, kMaxMultiple);
  t.sell_fraction = n.number("sell_fraction", kRequired, between(0, 1));
  t.holders = n.choice("eligible", {"employees", "holders"}, 0) == 1;
}

void read_private(Node& n, PrivateCompany& v) {
  v.valuation = n.number("valuation", kRequired, {0, kMaxValuation, true});
  Node exit = n.child("exit");
  if (!exit.present())
    exit.error("missing required key (a map with time_years and outcomes)");
  else
    exit.map(v, read_exit);
  if (Node g = n.child("growth"); g.present())
    g.map(v, [](Node& m, PrivateCompany& c) { read_gbm(m, c.growth_drift, c.growth_volatility); });
  if (Node d = n.child("dilution"); d.present()) d.map(v, read_dilution);
  if (Node g = n.child("post_ipo"); g.present())
    g.map(v,
          [](Node& m, PrivateCompany& c) { read_gbm(m, c.post_ipo_drift, c.post_ipo_volatility); });
  if (Node t = n.child("tenders"); t.present()) t.map(v, read_tenders);
}

}  // namespace

bool read_company(Node& n, Company& c) {
  const Keys kinds = {"private", "public"};
  const auto read_keys = [](Node& m, Company& out) {
    if (Node cur = m.child("currency"); cur.present()) out.currency = cur.currency_code();
    if (m.branch(out.is_public)) read_public(m, out.pub);
    if (m.branch(!out.is_public)) read_private(m, out.priv);
  };
  if (!n.is_map()) {  // `google: abc`: what a company is, as for any map, not a missing kind
    n.map(c, [&](Node& m, Company& out) {
      (void)m.choice("kind", kinds, -1);
      read_keys(m, out);
    });
    return false;
  }
  const int kind = n.choice("kind", kinds, -1);
  if (kind < 0) return false;
  c.is_public = kind == 1;
  n.map(c, read_keys);
  return true;
}

void require_currency(const Scenario& s, const std::string& code, const Node& at) {
  if (code.empty() || code == s.currency || s.fx.count(code)) return;
  at.error(fmt::format("currency {} has no fx entry; add fx: {{{}: <value of 1 {} in {}>}}", code,
                       code, code, s.currency));
}

}  // namespace vestsim::models::io
