#include "models/compiled.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>

#include "engine/ieee_math.hpp"

namespace vestsim::models {

int months_of(double years) {
  assert(years >= 0 && std::isfinite(years));
  return static_cast<int>(std::floor(12.0 * years + 0.5));
}

int price_table_size(const CompiledScenario& cs, const CompiledCompany& company) {
  return (company.is_public ? cs.H : company.priv.max_post_months) + 1;
}

namespace {

// The salary of year y in the offer's currency (docs/model.md#3-cash).
double annual_salary(const Offer& o, int y) {
  return o.base * o.geo_band * engine::ieee_pow(1.0 + o.raise, y - 1);
}

// The index of `code`'s stochastic rate in c.fx_rates (codes[k] names c.fx_rates[k]), -1 when
// its rate is fixed.
int fx_index(const std::string& code, const std::vector<std::string>& codes) {
  for (std::size_t k = 0; k < codes.size(); ++k)
    if (codes[k] == code) return static_cast<int>(k);
  return -1;
}

// docs/tax.md#t2-the-income-of-one-tax-year: the offer's regime and its nominal cash in the
// regime's currency (fixed fx), and year_df[y] = df(12 y) for the payment of year y's tax; with
// a moving rate (fx_codes: the currencies of c.fx_rates), the cash in the offer's currency too.
CompiledOfferTax compile_offer_tax(const Scenario& s, const Offer& o, const CompiledScenario& c,
                                   const std::vector<std::string>& fx_codes) {
  CompiledOfferTax t;
  t.regime = compile_regime(o.tax->regime);
  t.baseline_monthly = o.tax->baseline_income / 12.0;
  fill_baseline_tax(t);
  const double regime_fx = s.fx_of(s.tax_currency(o));
  t.to_report = regime_fx;
  for (const Company& co : s.companies)
    t.company_to_regime.push_back(s.fx_of(co.currency) / regime_fx);
  const double k = s.fx_of(o.currency) / regime_fx;  // offer currency -> regime currency
  t.salary.assign(c.H + 1, 0.0);
  for (int m = 1; m <= c.H; ++m) {
    const int y = (m + 11) / 12;
    t.salary[m] = t.salary[m - 1] + annual_salary(o, y) / 12.0 * k;
  }
  for (int y = 1; 12 * y <= c.H; ++y) t.bonus.push_back(o.bonus_target * annual_salary(o, y) * k);
  t.signing = o.signing_amount * k;
  for (int y = 0; y <= c.timeline_years; ++y)
    t.year_df.push_back(engine::ieee_pow(1.0 + s.discount_rate, -(12 * y) / 12.0));
  // Moving rates: the same amounts in their own currencies, converted per month on each path.
  t.regime_fx = fx_index(s.tax_currency(o), fx_codes);
  t.regime_rate = regime_fx;
  t.offer_fx = fx_index(o.currency, fx_codes);
  t.offer_rate = s.fx_of(o.currency);
  t.moving_fx = t.regime_fx >= 0 || t.offer_fx >= 0;
  for (std::size_t k = 0; k < s.companies.size(); ++k) {
    t.company_fx.push_back(c.companies[k].fx_index);
    t.company_rate.push_back(s.fx_of(s.companies[k].currency));
    t.moving_fx = t.moving_fx || t.company_fx.back() >= 0;
  }
  t.last_fx_month = c.max_month;
  if (t.moving_fx) {
    t.salary_month.assign(c.H + 1, 0.0);
    for (int m = 1; m <= c.H; ++m) t.salary_month[m] = annual_salary(o, (m + 11) / 12) / 12.0;
    for (int y = 1; 12 * y <= c.H; ++y) t.bonus_oc.push_back(o.bonus_target * annual_salary(o, y));
    t.signing_oc = o.signing_amount;
  }
  return t;
}

// Tranches of one grant (docs/model.md#4-grants-and-vesting). Tranches after H never vest on
// schedule, but they stay in the table: acceleration at an acquisition (E <= H) vests unvested
// units too.
void add_tranches(const Grant& g, double value_cc, std::vector<CompiledTranche>& out) {
  const int per_year = 12 / g.every_months;
  const int count = g.years * per_year;
  const int cliff_at = g.start_month + g.cliff_months;
  std::map<int, double> by_month;  // compile time only
  for (int k = 1; k <= count; ++k) {
    int v = g.start_month + k * g.every_months;
    const int year = (k * g.every_months + 11) / 12;  // ceil(k * every / 12)
    const double amount = value_cc * g.weights[year - 1] / per_year;
    if (v < cliff_at) v = cliff_at;
    by_month[v] += amount;
  }
  for (const auto& [month, amount] : by_month) out.push_back({month, amount});
}

// The grant's vested-by tables (CompiledGrant::first_before, first_sum), once its tranches are in
// c.tranches: how many vest before each month 0..H + 1, and the sums of the first k amounts,
// added in tranche order from 0 as a loop over them would
// (docs/design.md#3-compile-once-then-run-the-paths).
void add_vested_tables(CompiledGrant& g, CompiledScenario& c) {
  const CompiledTranche* t = c.tranches.data() + g.first_tranche;
  assert(std::is_sorted(t, t + g.tranche_count,
                        [](const auto& a, const auto& b) { return a.month < b.month; }));
  g.first_before = static_cast<std::uint32_t>(c.tranches_before.size());
  std::uint32_t k = 0;
  for (int m = 0; m <= c.H + 1; ++m) {
    while (k < g.tranche_count && t[k].month < m) ++k;
    c.tranches_before.push_back(k);
  }
  g.first_sum = static_cast<std::uint32_t>(c.tranche_sums.size());
  double sum = 0;
  c.tranche_sums.push_back(sum);
  for (k = 0; k < g.tranche_count; ++k) c.tranche_sums.push_back(sum += t[k].amount);
}

// The correlated drivers (docs/model.md#m1-drivers-and-correlation): the factor of R, each
// driver's own stream, and where each company reads its shocks from.
void compile_markets(const Scenario& s, const std::vector<std::string>& fx_codes,
                     CompiledScenario& c) {
  if (s.correlations.empty()) return;
  CorrelationResult r = compile_correlation(s.correlations);
  if (!r.ok) throw std::invalid_argument("the correlation matrix is not positive definite");
  c.markets.pairs = s.correlations;
  c.markets.factor = std::move(r.factor);
  c.markets.months = c.max_month;
  const std::vector<std::string>& names = c.markets.factor.drivers;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const int corr = static_cast<int>(i);
    const StreamKey* key = nullptr;
    for (std::size_t k = 0; k < s.companies.size(); ++k) {
      CompiledCompany& cc = c.companies[k];
      const std::string& id = s.companies[k].id;
      if (cc.is_public && names[i] == id) {
        cc.pub.corr = corr;
        key = &cc.pub.key;
      } else if (!cc.is_public && names[i] == id + ".growth") {
        cc.priv.growth_corr = corr;
        key = &cc.priv.growth_key;
      } else if (!cc.is_public && names[i] == id + ".post_ipo") {
        cc.priv.post_ipo_corr = corr;
        key = &cc.priv.post_ipo_key;
      }
    }
    for (std::size_t k = 0; k < c.fx_rates.size(); ++k)
      if (names[i] == "fx." + fx_codes[k]) {
        c.fx_rates[k].corr = corr;
        key = &c.fx_rates[k].key;
      }
    if (!key) throw std::invalid_argument("unknown driver in correlations: " + names[i]);
    c.markets.keys.push_back(*key);
  }
}

// A private company's streams, each named "<name>/<company id>"
// (docs/model.md#9-randomness-and-reproducibility).
using PrivateStream = std::pair<StreamKey CompiledPrivate::*, const char*>;
constexpr PrivateStream kPrivateStreams[] = {
    {&CompiledPrivate::exit_key, "exit_time"},
    {&CompiledPrivate::outcome_key, "outcome"},
    {&CompiledPrivate::growth_key, "growth"},
    {&CompiledPrivate::ipo_multiple_key, "ipo_multiple"},
    {&CompiledPrivate::acquisition_multiple_key, "acquisition_multiple"},
    {&CompiledPrivate::rounds_key, "dilution_rounds"},
    {&CompiledPrivate::per_round_key, "dilution"},
    {&CompiledPrivate::ipo_dilution_key, "ipo_dilution"},
    {&CompiledPrivate::post_ipo_key, "post_ipo"},
    {&CompiledPrivate::round_time_key, "round_time"},
    {&CompiledPrivate::tender_key, "tender"},
    {&CompiledPrivate::tender_price_key, "tender_price"},
    {&CompiledPrivate::growth_terminal_key, "growth_terminal"}};

// The Sobol dimensions of a sobol run (docs/design.md#20-quasi-monte-carlo-sobol-points): the
// departure time when it is random, then per private company its exit time, its outcome, the
// multiple of each outcome that can happen and, with growth volatility, the end of its growth
// bridge. A Sobol sequence spreads its first dimensions best, so the draws that move the totals
// most come first.
SobolDims sobol_dims(const Scenario& s, CompiledScenario& c) {
  SobolDims d;
  if (s.departure_rate > 0 && s.departure_at_month < 0) d.add(c.departure_key);
  for (CompiledCompany& cc : c.companies) {
    if (cc.is_public) continue;
    CompiledPrivate& p = cc.priv;
    d.add(p.exit_key);
    d.add(p.outcome_key);
    if (p.params.p_ipo > 0) d.add(p.ipo_multiple_key);
    if (p.params.p_acquisition > 0) d.add(p.acquisition_multiple_key);
    if (!(p.params.growth_volatility > 0)) continue;
    d.add(p.growth_terminal_key);
    p.growth_bridge = static_cast<int>(d.bridges.size());
    d.bridges.push_back({p.growth_key, p.growth_terminal_key});
  }
  return d;
}

}  // namespace

CompiledScenario compile(const Scenario& s, std::uint64_t seed) {
  CompiledScenario c;
  c.H = months_of(s.horizon_years);
  c.L = months_of(s.liquidity_horizon_years);
  c.departure_rate = s.departure_rate;
  if (s.departure_rate > 0 && std::isfinite(s.departure_rate))
    c.departure = engine::Sampler::exponential(s.departure_rate);
  c.departure_at_month = s.departure_at_month;
  c.departure_key = engine::make_stream_key(seed, "departure");
  c.compare = s.compare;

  int max_lockup = 0;
  std::vector<std::string> fx_codes;  // of c.fx_rates: every currency with a volatility
  for (const auto& [code, volatility] : s.fx_volatility) {
    if (!(volatility > 0) || code == s.currency) continue;
    CompiledFx f;
    f.rate = s.fx_of(code);
    f.volatility = volatility;
    f.key = engine::make_stream_key(seed, "fx/" + code);
    c.fx_rates.push_back(f);
    fx_codes.push_back(code);
  }
  for (const Company& co : s.companies) {
    CompiledCompany cc;
    cc.is_public = co.is_public;
    cc.fx = s.fx_of(co.currency);
    cc.fx_index = fx_index(co.currency, fx_codes);
    const std::string& id = co.id;
    if (co.is_public) {
      cc.pub.params = co.pub;
      cc.pub.key = engine::make_stream_key(seed, "stock/" + id);
    } else {
      const PrivateCompany& p = co.priv;
      CompiledPrivate& q = cc.priv;
      q.params = p;
      q.max_post_months = std::max(p.lockup_months, c.H);
      for (const auto& [member, name] : kPrivateStreams)
        q.*member = engine::make_stream_key(seed, std::string(name) + "/" + id);
      if (p.tenders.enabled) {
        q.needs_pre = q.pre_to_event = true;
        q.max_tenders = c.L >= p.tenders.first_month
                            ? (c.L - p.tenders.first_month) / p.tenders.every_months + 1
                            : 0;
      }
      max_lockup = std::max(max_lockup, p.lockup_months);
    }
    c.companies.push_back(std::move(cc));
  }

  c.max_month = std::max(c.H, c.L + max_lockup);
  c.df.resize(c.max_month + 1);
  for (int m = 0; m <= c.max_month; ++m)
    c.df[m] = engine::ieee_pow(1.0 + s.discount_rate, -m / 12.0);
  c.timeline_years = (c.max_month + 11) / 12;

  for (const Offer& o : s.offers) {
    CompiledOffer co;
    const double fx = s.fx_of(o.currency);
    const std::string& id = o.id;
    co.fx_index = fx_index(o.currency, fx_codes);
    co.salary_pv.assign(c.H + 1, 0.0);
    if (co.fx_index >= 0) co.salary_cc.assign(c.H + 1, 0.0);
    for (int m = 1; m <= c.H; ++m) {
      const double month_cc = annual_salary(o, (m + 11) / 12) / 12.0 * c.df[m];
      co.salary_pv[m] = co.salary_pv[m - 1] + month_cc * fx;
      if (co.fx_index >= 0) co.salary_cc[m] = month_cc;
    }
    for (int y = 1; 12 * y <= c.H; ++y) {
      const double bonus_cc = o.bonus_target * annual_salary(o, y) * c.df[12 * y];
      co.bonus_pv.push_back(bonus_cc * fx);
      if (co.fx_index >= 0) co.bonus_cc.push_back(bonus_cc);
    }
    co.bonus_multiplier = o.bonus_multiplier;
    co.bonus_key = engine::make_stream_key(seed, "bonus/" + id);
    co.signing = o.signing_amount * fx;
    co.clawback_months = o.clawback_months;
    co.has_regime = o.tax.has_value();
    c.has_tax = c.has_tax || co.has_regime;
    if (co.has_regime) co.tax = compile_offer_tax(s, o, c, fx_codes);
    co.let_go_probability.assign(s.companies.size(), -1.0);
    for (std::size_t k = 0; k < s.companies.size(); ++k)
      co.let_go_key.push_back(
          engine::make_stream_key(seed, "let_go/" + id + "/" + s.companies[k].id));

    co.first_grant = static_cast<std::uint32_t>(c.grants.size());
    for (const Grant& g : o.grants) {
      const CompiledCompany& company = c.companies[g.company];
      CompiledGrant cg;
      cg.company = g.company;
      cg.type = g.type;
      cg.start = g.start_month;
      cg.expiry_month = g.start_month + 12.0 * g.expiry_years;
      cg.trigger = g.trigger;
      cg.accel_fraction = g.accel_fraction;
      cg.strike = g.strike;
      cg.fx_at_grant = fx / company.fx;
      cg.exercise_window = g.type == GrantType::kOption ? g.exercise_window_months : -1;
      cg.exercise_policy = g.exercise_policy;
      cg.qualified = g.tax_treatment == TaxTreatment::kQualified;
      cg.first_tranche = static_cast<std::uint32_t>(c.tranches.size());
      add_tranches(g, g.value * fx / company.fx, c.tranches);
      cg.tranche_count = static_cast<std::uint32_t>(c.tranches.size()) - cg.first_tranche;
      c.max_grant_tranches = std::max(c.max_grant_tranches, cg.tranche_count);
      add_vested_tables(cg, c);
      if (cg.exercise_window >= 0)
        c.companies[g.company].priv.needs_pre = c.companies[g.company].priv.pre_to_event = true;
      if (g.trigger == Trigger::kDouble) co.let_go_probability[g.company] = g.accel_probability;
      if (!company.is_public && co.first_private_company < 0) co.first_private_company = g.company;
      if (!company.is_public && g.start_month > 0 && g.start_month <= c.H)
        c.companies[g.company].priv.needs_pre = true;
      if (company.is_public) {  // S(m) is needed at the grant month and each vest month <= H
        auto& months = c.companies[g.company].pub.months;
        bool any = false;
        for (std::uint32_t t = cg.first_tranche; t < cg.first_tranche + cg.tranche_count; ++t)
          if (c.tranches[t].month <= c.H) months.push_back(c.tranches[t].month), any = true;
        if (any && g.start_month > 0) months.push_back(g.start_month);
      }
      c.grants.push_back(cg);
    }
    co.grant_count = static_cast<std::uint32_t>(c.grants.size()) - co.first_grant;
    c.offers.push_back(std::move(co));
  }
  for (CompiledCompany& cc : c.companies) {
    auto& m = cc.pub.months;
    std::sort(m.begin(), m.end());
    m.erase(std::unique(m.begin(), m.end()), m.end());
  }
  compile_markets(s, fx_codes, c);
  if (s.sampler == DrawSource::kSobol) c.sobol = sobol_dims(s, c);
  return c;
}

}  // namespace vestsim::models
