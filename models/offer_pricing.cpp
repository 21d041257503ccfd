#include "models/offer_pricing.hpp"

#include <algorithm>
#include <cmath>

namespace vestsim::models {

namespace {

inline double option_or_rsu(GrantType type, double x, double strike) {
  return type == GrantType::kOption ? std::max(0.0, x - strike) : x;
}

template <bool kTimeline>
void add(double* buckets, int month, double pv) {
  if constexpr (kTimeline) buckets[(month + 11) / 12] += pv;
}

}  // namespace

double mean_bonus_multiplier(const CompiledOffer& o, PathDraws& draws) {
  double m = 0;
  for (std::size_t y = 1; y <= o.bonus_pv.size(); ++y)
    m += o.bonus_multiplier(draws.u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
  return o.bonus_pv.empty() ? 1.0 : m / o.bonus_pv.size();
}

template <bool kTimeline, class Tax>
double offer_cash(const CompiledScenario& cs, const CompiledOffer& o, double tau_m, double* buckets,
                  double& salary_bonus, PathDraws& draws, Tax& tax) {
  const int last = tau_m > cs.H ? cs.H : std::max(0, static_cast<int>(std::ceil(tau_m)) - 1);
  double total = o.salary_pv[last];
  tax.salary(last);  // docs/tax.md#t2-the-income-of-one-tax-year: wages, in the year they are paid
  if constexpr (kTimeline) {
    for (int y = 1; 12 * (y - 1) < last; ++y)
      buckets[y] += o.salary_pv[std::min(12 * y, last)] - o.salary_pv[12 * (y - 1)];
  }
  for (std::size_t y = 1; y <= o.bonus_pv.size() && 12 * static_cast<int>(y) <= last; ++y) {
    const double multiplier =
        o.bonus_multiplier(draws.u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
    const double b = o.bonus_pv[y - 1] * multiplier;
    tax.bonus(static_cast<int>(y), multiplier);
    total += b;
    add<kTimeline>(buckets, 12 * static_cast<int>(y), b);
  }
  salary_bonus = total;
  if (tau_m >= o.clawback_months && o.signing != 0) {
    total += o.signing;
    add<kTimeline>(buckets, 0, o.signing);
    tax.signing();
  }
  return total;
}

template <bool kTimeline, class Tax>
double offer_equity(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                    const CompanyState* states, std::uint8_t* let_go_of, double* buckets,
                    PathDraws& draws, Tax& tax) {
  auto employed = [tau_m](int m) { return m < tau_m; };
  // A tranche vests on schedule iff v <= H and the employee is still there
  // (docs/model.md#4-grants-and-vesting).
  const int H = cs.H;
  auto vests = [&](int v) { return v <= H && employed(v); };
  const double* df = cs.df.data();
  double total = 0;
  // The one place every equity payout goes through: `cash` (company currency) paid at
  // `month` adds its present value, and the tax sink records it with the part of it that is
  // income arising at `income_month`
  // (docs/tax.md#t3-equity-income-and-capital-gains-of-each-payout; EquityPayout in
  // models/tax/tax_ledger.hpp maps every T3 row, tender and exercise included, onto these
  // arguments). With NoTaxSink the record compiles away.
  auto pay = [&](const CompiledGrant& g, int month, double cash, double income, int income_month) {
    const double pv = cash * df[month] * cs.companies[g.company].fx;
    total += pv;
    add<kTimeline>(buckets, month, pv);
    tax.equity(EquityPayout{g.company, month, cash, income, income_month, g.qualified});
  };
  // T3 rows whose whole payout is income when paid: public RSUs, acquisition cash, options.
  auto pay_income = [&](const CompiledGrant& g, int month, double cash) {
    pay(g, month, cash, cash, month);
  };
  // The let-go draw: one uniform per path per (offer, company) with a double trigger.
  for (std::size_t c = 0; c < cs.companies.size(); ++c)
    let_go_of[c] = o.let_go_probability[c] >= 0 && states[c].outcome == Outcome::kAcquisition &&
                   draws.u(o.let_go_key[c], 0) < o.let_go_probability[c];

  for (std::uint32_t gi = o.first_grant; gi < o.first_grant + o.grant_count; ++gi) {
    const CompiledGrant& g = cs.grants[gi];
    const CompiledCompany& company = cs.companies[g.company];
    const CompanyState& st = states[g.company];
    const CompiledTranche* t = cs.tranches.data() + g.first_tranche;
    const CompiledTranche* t_end = t + g.tranche_count;
    if (g.start > cs.H) continue;      // made after the horizon: nothing of it is earned
    if (!employed(g.start)) continue;  // a grant is made only if employed at s

    if (company.is_public) {
      if (t == t_end || !vests(t->month)) continue;
      const double s0 = st.price[g.start];
      for (; t != t_end && vests(t->month); ++t)
        pay_income(g, t->month, t->amount * st.price[t->month] / s0);
      continue;
    }
    if (st.outcome != Outcome::kIpo && st.outcome != Outcome::kAcquisition) continue;
    const int E = st.E;
    const bool let_go = let_go_of[g.company] != 0;

    if (st.outcome == Outcome::kIpo) {
      const int lock = E + company.priv.params.lockup_months;
      if (g.start <= E) {
        const bool expired = E > g.expiry_month;
        for (; t != t_end && vests(t->month); ++t) {
          const int v = t->month;
          if (v <= E && expired) continue;  // time-vested units expired before the event
          const int sale = v <= E ? lock : std::max(v, lock);
          const double cash =
              t->amount * option_or_rsu(g.type, st.R * st.price[sale - E], g.strike);
          // RSU: income units P(max(v, E)) at max(v, E), gain at the sale (T3); option: the
          // spread at the sale is income.
          const int vested = std::max(v, E);
          if (g.type == GrantType::kOption)
            pay_income(g, sale, cash);
          else
            pay(g, sale, cash, t->amount * (st.R * st.price[vested - E]), vested);
        }
      } else if (st.R > 0) {  // granted after the IPO at P(s)
        const double qs = st.price[g.start - E];
        for (; t != t_end && vests(t->month); ++t) {
          const int sale = std::max(t->month, lock);
          const double cash = t->amount * option_or_rsu(g.type, st.price[sale - E] / qs, g.strike);
          if (g.type == GrantType::kOption)
            pay_income(g, sale, cash);
          else
            pay(g, sale, cash, t->amount * (st.price[t->month - E] / qs), t->month);
        }
      }
      continue;
    }

    // Acquisition at E.
    if (g.start <= E) {
      const bool expired = E > g.expiry_month;
      const double unit = option_or_rsu(g.type, st.R, g.strike);
      const bool accel_ok = employed(E) && E <= cs.H;
      const double acc =
          accel_ok && (g.trigger == Trigger::kSingle || (g.trigger == Trigger::kDouble && let_go))
              ? g.accel_fraction
              : 0.0;
      for (; t != t_end; ++t) {
        const int v = t->month;
        if (v <= E) {
          if (vests(v) && !expired) pay_income(g, E, t->amount * unit);
        } else {
          if (acc > 0) pay_income(g, E, t->amount * acc * unit);
          if (!let_go && vests(v) && acc < 1) pay_income(g, v, t->amount * (1.0 - acc) * unit);
        }
      }
    } else if (!let_go && g.type == GrantType::kPrivateRsu && st.R > 0) {
      // Made after the deal: honoured in cash, each vesting tranche its own amount;
      // never made when the deal left a unit worth 0 (C = 0 or V D = 0), like after
      // a failure (docs/model.md#4-grants-and-vesting).
      for (; t != t_end && vests(t->month); ++t) pay_income(g, t->month, t->amount);
    }
  }
  return total;
}

#define VESTSIM_INSTANTIATE(kTimeline, Tax)                                                   \
  template double offer_cash<kTimeline, Tax>(const CompiledScenario&, const CompiledOffer&,   \
                                             double, double*, double&, PathDraws&, Tax&);     \
  template double offer_equity<kTimeline, Tax>(const CompiledScenario&, const CompiledOffer&, \
                                               double, const CompanyState*, std::uint8_t*,    \
                                               double*, PathDraws&, Tax&);
VESTSIM_INSTANTIATE(false, NoTaxSink)
VESTSIM_INSTANTIATE(true, NoTaxSink)
VESTSIM_INSTANTIATE(false, TaxLedger)
VESTSIM_INSTANTIATE(true, TaxLedger)
#undef VESTSIM_INSTANTIATE

}  // namespace vestsim::models
