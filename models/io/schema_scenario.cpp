// The top of a scenario file: currency and fx, horizons, simulation,
// employee, companies, offers, compare, report. How to add a key: see
// models/io/schema.hpp.
#include <algorithm>
#include <cmath>
#include <regex>

#include <fmt/format.h>

#include "engine/sobol.hpp"
#include "models/io/schema.hpp"
#include "models/studies/precision.hpp"

namespace vestsim::models::io {

namespace {

constexpr double kMinFx = 1e-6, kMaxFx = 1e6;
constexpr std::size_t kMaxOffers = 100;
// The lowest discount rate whose factors stay finite to the last month (1320).
constexpr double kMinDiscountRate = -0.9;

// One rate: a number (fixed), or {rate, volatility}
// (docs/model.md#m3-stochastic-exchange-rates).
struct FxRate {
  double rate = 0, volatility = 0;
};

void read_fx_rate(Node& n, FxRate& r) {
  r.rate = n.number("rate", std::nullopt, between(kMinFx, kMaxFx));
  r.volatility = n.number("volatility", 0.0, between(0, 1));
}

void read_fx(Node& fx, Scenario& s) {
  if (!fx.is_map()) {
    fx.error(fmt::format("expected a map of currency code to value, got {}", fx.kind()));
    return;
  }
  fx.entries([&](Node& key, Node& value) {
    const std::string code = key.currency_code();
    FxRate r;
    if (value.branch(value.is_map())) value.map(r, read_fx_rate);
    if (value.branch(!value.is_map())) r.rate = value.value(between(kMinFx, kMaxFx));
    if (code.empty()) return;
    if (code == s.currency && (r.rate != 1.0 || r.volatility != 0))
      // A report currency from --set meets the file's fx for it: the entry cannot be removed
      // from the command line, so the message says where the currency comes from.
      value.error(
          fx.reader().has_override("currency")
              ? fmt::format("{} is the report currency (from the command line); its fx is 1: "
                            "report in another currency, or remove the entry from the file",
                            code)
              : fmt::format("{} is the report currency; its fx is 1 (remove the entry)", code));
    s.fx[code] = r.rate;
    if (r.volatility > 0) s.fx_volatility[code] = r.volatility;
  });
}

// Company and offer ids: [A-Za-z0-9_-]+, so that they read unambiguously in
// key paths, --set and reports. `key` is the id's node in its map.
void check_id(const Node& key, const std::string& id) {
  static const std::regex kId("[A-Za-z0-9_-]+");
  if (!key.walking() && !std::regex_match(id, kId))
    key.error_below(id, fmt::format("an id is letters, digits, '_' and '-' only, got '{}' "
                                    "(ids match [A-Za-z0-9_-]+)",
                                    id));
}

// simulation.sampler (docs/design.md#20-quasi-monte-carlo-sobol-points): philox (the default)
// or sobol; anything else is refused at its line with the nearest name.
DrawSource read_sampler(Node& n) {
  const Keys names = {"philox", "sobol"};
  if (n.walking()) {
    for (std::string_view c : names) n.reader().note_key(c);
    n.string("sampler", std::string());
    return DrawSource::kPhilox;
  }
  const Node v = n.child("sampler");
  if (!v.present()) return DrawSource::kPhilox;
  if (!v.is_scalar()) {  // a list, a map or null: its kind, never quoted as if it were a name
    v.error(fmt::format("expected one of {}, got {}", join(names), v.kind()));
    return DrawSource::kPhilox;
  }
  const std::string got = v.scalar();
  if (got == "philox") return DrawSource::kPhilox;
  if (got == "sobol") return DrawSource::kSobol;
  const std::string_view near = nearest_key(got, names);
  v.error(near.empty() ? fmt::format("unknown sampler '{}'; samplers: {}", got, join(names))
                       : fmt::format("unknown sampler '{}'; did you mean '{}'?", got, near));
  return DrawSource::kPhilox;
}

void read_simulation(Node& n, Scenario& s) {
  s.paths = static_cast<std::uint64_t>(n.integer("paths", 100000.0, whole(1, 1e9)));
  s.seed = static_cast<std::uint64_t>(n.integer("seed", 1.0, whole(0, 9.007199254740992e15)));
  s.threads = static_cast<int>(n.integer("threads", 0.0, whole(0, 1024)));
  s.block = static_cast<std::uint32_t>(n.integer("block", 4096.0, whole(1, 1 << 24)));
  s.precision = n.string("precision", std::string());
  s.precision_line = n.has("precision") ? n.child("precision").line() : 0;
  // Refused here, at its line, so that one bad file of a batch does not stop the others.
  if (std::string error; !n.walking() && n.has("precision") && !parse_precision(s.precision, error))
    n.child("precision").error(error);
  s.sampler = read_sampler(n);
}

void read_departure(Node& n, Scenario& s) {
  s.departure_rate = n.number("annual_rate", 0.0, between(0, 10));
  s.departure_at_month = static_cast<int>(n.integer("at_month", -1.0, whole(0, 1e9)));
  if (!n.walking() && n.has("annual_rate") == n.has("at_month"))
    n.error("give exactly one of annual_rate and at_month");
}

void read_employee(Node& n, Scenario& s) {
  if (Node d = n.child("departure"); d.present()) d.map(s, read_departure);
}

constexpr std::size_t kMaxPercentiles = 1000;

void read_report(Node& n, Scenario& s) {
  if (Node q = n.child("percentiles"); q.present()) {
    if (!q.is_list() || q.size() == 0) {
      q.error("expected a non-empty list of numbers from 0 to 100");
    } else if (q.size() > kMaxPercentiles) {  // each is a column of every report
      q.error(fmt::format("at most {} percentiles, got {}", kMaxPercentiles, q.size()));
    } else {
      s.percentiles.clear();
      for (std::size_t i = 0; i < q.size(); ++i) {
        const double p = q.item(i).value(between(0, 100));
        if (std::find(s.percentiles.begin(), s.percentiles.end(), p) != s.percentiles.end())
          q.error(fmt::format("{} is listed twice", p));
        s.percentiles.push_back(p);
      }
    }
  }
  s.risk_aversion = n.number("risk_aversion", 2.0, between(0, 20));
  // Wealth 0 would make one path paying nothing set every CE to 0 when gamma >= 1
  // (docs/model.md#8-summaries-over-paths): a CE needs some wealth to stand on.
  s.wealth = n.number("wealth", 100000.0, Range{0, 1e12, true, false});
}

// Reads `companies` into s; the ids of those whose kind could not be read go to `kindless`.
void read_companies(Node& root, Scenario& s, std::vector<std::string>& kindless) {
  Node companies = root.child("companies");
  if (!companies.present()) {
    companies.error("missing required key (a map of company id to company)");
    return;
  }
  if (!companies.is_map()) {
    companies.error(
        fmt::format("expected a map of company id to company, got {}", companies.kind()));
    return;
  }
  companies.entries([&](Node& key, Node& value) {
    Company c;
    c.id = key.scalar();
    check_id(key, c.id);
    if (!read_company(value, c)) kindless.push_back(c.id);
    if (c.currency.empty())
      c.currency = s.currency;
    else
      require_currency(s, c.currency, value.child("currency"));
    s.companies.push_back(std::move(c));
  });
}

void read_offers(Node& root, Scenario& s, const std::vector<std::string>& kindless) {
  Node offers = root.child("offers");
  if (!offers.present()) {
    offers.error("missing required key (a map of offer id to offer, at least one)");
    return;
  }
  if (!offers.is_map() || offers.size() == 0) {
    offers.error(fmt::format("expected a map of at least one offer, got {}", offers.kind()));
    return;
  }
  // Ids first (a duplicate is reported there, and counted once), then the count.
  std::vector<std::pair<Node, Node>> entries;
  offers.entries([&](Node& key, Node& value) { entries.emplace_back(key, value); });
  if (entries.size() > kMaxOffers) {  // every pair is compared by default: keep that small
    offers.error(fmt::format("has {} offers; at most {}", entries.size(), kMaxOffers));
    return;
  }
  for (auto& [key, value] : entries) {
    Offer o;
    o.id = key.scalar();
    check_id(key, o.id);
    read_offer(value, o, s, kindless);
    s.offers.push_back(std::move(o));
  }
}

// The index of the offer named at n; -1 (reported) when there is none.
int offer_index(const Node& n, const Scenario& s) {
  const std::string id = n.scalar();
  for (std::size_t i = 0; i < s.offers.size(); ++i)
    if (s.offers[i].id == id) return static_cast<int>(i);
  Keys ids;
  for (const Offer& o : s.offers) ids.push_back(o.id);
  n.error(ids.empty() ? fmt::format("unknown offer '{}': no offer is defined", id)
                      : fmt::format("unknown offer '{}'; defined offers: {}", id, join(ids)));
  return -1;
}

void read_comparison(Node& n, Scenario& s) {
  const bool has_a = n.has("a"), has_b = n.has("b");  // both looked up: neither is unknown
  if (!has_a || !has_b) {
    n.error("needs both a and b (offer ids)");
    return;
  }
  const int a = offer_index(n.child("a"), s), b = offer_index(n.child("b"), s);
  if (a >= 0 && b >= 0 && a == b) n.error("compares an offer with itself");
  if (a >= 0 && b >= 0) s.compare.push_back({a, b});
}

void read_compare(Node& root, Scenario& s) {
  Node cmp = root.child("compare");
  if (!cmp.present()) {  // every pair, in file order
    for (std::size_t i = 0; i < s.offers.size(); ++i)
      for (std::size_t j = i + 1; j < s.offers.size(); ++j)
        s.compare.push_back({static_cast<int>(i), static_cast<int>(j)});
    return;
  }
  if (!cmp.is_list()) {
    cmp.error("expected a list of {a: OFFER, b: OFFER}");
    return;
  }
  for (std::size_t i = 0; i < cmp.size(); ++i) cmp.item(i).map(s, read_comparison);
}

// Sobol points go only to scenario-level draws (docs/design.md#20-quasi-monte-carlo-sobol-points):
// a scenario with neither a private company nor a random departure has none, and a sobol run of it
// would be a philox run under another name.
void check_sobol_has_draws(Node& root, const Scenario& s) {
  if (root.walking() || s.sampler != DrawSource::kSobol) return;
  const bool random_departure = s.departure_rate > 0 && s.departure_at_month < 0;
  if (random_departure || std::any_of(s.companies.begin(), s.companies.end(),
                                      [](const Company& c) { return !c.is_public; }))
    return;
  root.child("simulation")
      .error_below("sampler",
                   "sobol points need a scenario-level draw (a private company, or a random "
                   "departure: employee.departure.annual_rate) and this scenario has none; use "
                   "philox");
}

// What a run would refuse from two sections at once, refused at load so that `validate` says it
// too: a sobol run of fewer paths than replicates. (A p50 precision target without the 50th
// percentile is `run`'s concern alone, where --precision does not replace it: validate_file().)
void check_simulation_against_report(Node& root, const Scenario& s) {
  if (root.walking()) return;
  Node sim = root.child("simulation");
  if (s.sampler == DrawSource::kSobol && s.paths < engine::kReplicates)
    sim.child(sim.has("paths") ? "paths" : "sampler")
        .error(fmt::format("sobol sampling needs at least {} paths, one per replicate, for its "
                           "errors; got {}",
                           engine::kReplicates, s.paths));
}

void read_top(Node& root, Scenario& s) {
  Node currency = root.child("currency");
  if (currency.present())
    s.currency = currency.currency_code();
  else
    currency.error("missing required key (the report currency, e.g. EUR)");
  if (Node fx = root.child("fx"); fx.present()) read_fx(fx, s);
  // At least one month after rounding half up (12 x 1/24 = 0.5 rounds to 1): one range, so
  // that a refused value is told the one rule it breaks.
  Range horizon_range = between(1.0 / 24, 50);
  horizon_range.lo_name = "1/24 (one month after rounding)";
  s.horizon_years = root.number("horizon_years", 4.0, horizon_range);
  constexpr double kDefaultLiquidity = 10;
  // Say where the horizon comes from: a default, and a horizon given on the command line, are
  // not on the line the message points at.
  const bool horizon_known = std::isfinite(s.horizon_years);
  const std::string horizon =
      fmt::format("horizon_years ({}{})", s.horizon_years,
                  root.reader().has_override("horizon_years") ? ", from the command line" : "");
  Range liquidity_range = between(horizon_known ? s.horizon_years : 0, 100);
  if (horizon_known) liquidity_range.lo_name = horizon;
  s.liquidity_horizon_years =
      root.number("liquidity_horizon_years", kDefaultLiquidity, liquidity_range);
  if (Node liquidity = root.child("liquidity_horizon_years");
      !liquidity.present() && s.liquidity_horizon_years < s.horizon_years)
    liquidity.error(fmt::format(
        "not given, so {} (the default), which must be >= {}; give liquidity_horizon_years",
        kDefaultLiquidity, horizon));
  s.discount_rate = root.number("discount_rate", 0.0, between(kMinDiscountRate, 1));
  if (Node sim = root.child("simulation"); sim.present()) sim.map(s, read_simulation);
  if (Node e = root.child("employee"); e.present()) e.map(s, read_employee);
  std::vector<std::string> kindless;
  read_companies(root, s, kindless);
  check_sobol_has_draws(root, s);
  read_offers(root, s, kindless);
  read_compare(root, s);
  read_correlations(root, s);
  if (Node r = root.child("report"); r.present()) r.map(s, read_report);
  check_simulation_against_report(root, s);
}

}  // namespace

Scenario read_scenario(Node& root, const std::string& stem) {
  Scenario s;
  // A regime file among scenarios (a batch of a folder holding both) would otherwise be told
  // every scenario key it lacks and every regime key it has: one line says what it is instead.
  // Looked up in a copy, so that the keys a message lists keep the readers' order.
  if (Node peek = root;
      !root.walking() && root.is_map() && !peek.has("offers") && !peek.has("companies")) {
    const std::vector<std::string> found = peek.keys_matching(regime_only_key);
    if (!found.empty()) {
      root.error(fmt::format(
          "this is a tax regime file, not a scenario (it has {} and no offers or companies); "
          "keep regimes out of the scenarios folder or in a subfolder of it (a folder's batch "
          "runs only its own files), and name one from an offer as tax: {{regime: PATH}}",
          join(Keys(found.begin(), found.end()))));
      return s;
    }
  }
  root.map(s, [&](Node& m, Scenario& out) {
    out.name = m.heading("name", stem);
    read_top(m, out);
  });
  return s;
}

}  // namespace vestsim::models::io
