#include "models/compiled.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>

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
  return o.base * o.geo_band * std::pow(1.0 + o.raise, y - 1);
}

// docs/tax.md#t2-the-income-of-one-tax-year: the offer's regime and its nominal cash in the
// regime's currency (fixed fx), and year_df[y] = df(12 y) for the payment of year y's tax.
CompiledOfferTax compile_offer_tax(const Scenario& s, const Offer& o, const CompiledScenario& c) {
  CompiledOfferTax t;
  t.regime = compile_regime(o.tax->regime);
  t.baseline_monthly = o.tax->baseline_income / 12.0;
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
    t.year_df.push_back(std::pow(1.0 + s.discount_rate, -(12 * y) / 12.0));
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

}  // namespace

CompiledScenario compile(const Scenario& s, std::uint64_t seed) {
  CompiledScenario c;
  c.H = months_of(s.horizon_years);
  c.L = months_of(s.liquidity_horizon_years);
  c.departure_rate = s.departure_rate;
  c.departure_at_month = s.departure_at_month;
  c.departure_key = engine::make_stream_key(seed, "departure");
  c.compare = s.compare;

  int max_lockup = 0;
  for (const Company& co : s.companies) {
    CompiledCompany cc;
    cc.is_public = co.is_public;
    cc.fx = s.fx_of(co.currency);
    const std::string& id = co.id;
    if (co.is_public) {
      cc.pub.params = co.pub;
      cc.pub.key = engine::make_stream_key(seed, "stock/" + id);
    } else {
      const PrivateCompany& p = co.priv;
      CompiledPrivate& q = cc.priv;
      q.params = p;
      q.max_post_months = std::max(p.lockup_months, c.H);
      q.exit_key = engine::make_stream_key(seed, "exit_time/" + id);
      q.outcome_key = engine::make_stream_key(seed, "outcome/" + id);
      q.growth_key = engine::make_stream_key(seed, "growth/" + id);
      q.ipo_multiple_key = engine::make_stream_key(seed, "ipo_multiple/" + id);
      q.acquisition_multiple_key = engine::make_stream_key(seed, "acquisition_multiple/" + id);
      q.rounds_key = engine::make_stream_key(seed, "dilution_rounds/" + id);
      q.per_round_key = engine::make_stream_key(seed, "dilution/" + id);
      q.ipo_dilution_key = engine::make_stream_key(seed, "ipo_dilution/" + id);
      q.post_ipo_key = engine::make_stream_key(seed, "post_ipo/" + id);
      max_lockup = std::max(max_lockup, p.lockup_months);
    }
    c.companies.push_back(std::move(cc));
  }

  c.max_month = std::max(c.H, c.L + max_lockup);
  c.df.resize(c.max_month + 1);
  for (int m = 0; m <= c.max_month; ++m) c.df[m] = std::pow(1.0 + s.discount_rate, -m / 12.0);
  c.timeline_years = (c.max_month + 11) / 12;

  for (const Offer& o : s.offers) {
    CompiledOffer co;
    const double fx = s.fx_of(o.currency);
    const std::string& id = o.id;
    co.salary_pv.assign(c.H + 1, 0.0);
    for (int m = 1; m <= c.H; ++m) {
      const int y = (m + 11) / 12;
      const double annual = annual_salary(o, y);
      co.salary_pv[m] = co.salary_pv[m - 1] + annual / 12.0 * c.df[m] * fx;
    }
    for (int y = 1; 12 * y <= c.H; ++y) {
      const double annual = annual_salary(o, y);
      co.bonus_pv.push_back(o.bonus_target * annual * c.df[12 * y] * fx);
    }
    co.bonus_multiplier = o.bonus_multiplier;
    co.bonus_key = engine::make_stream_key(seed, "bonus/" + id);
    co.signing = o.signing_amount * fx;
    co.clawback_months = o.clawback_months;
    co.has_regime = o.tax.has_value();
    c.has_tax = c.has_tax || co.has_regime;
    if (co.has_regime) co.tax = compile_offer_tax(s, o, c);
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
      cg.qualified = g.tax_treatment == TaxTreatment::kQualified;
      cg.first_tranche = static_cast<std::uint32_t>(c.tranches.size());
      add_tranches(g, g.value * fx / company.fx, c.tranches);
      cg.tranche_count = static_cast<std::uint32_t>(c.tranches.size()) - cg.first_tranche;
      if (g.trigger == Trigger::kDouble) co.let_go_probability[g.company] = g.accel_probability;
      if (!company.is_public && co.first_private_company < 0) co.first_private_company = g.company;
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
  return c;
}

}  // namespace vestsim::models
