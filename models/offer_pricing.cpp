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

template <bool kTimeline>
double offer_cash(const CompiledScenario& cs, const CompiledOffer& o, double tau_m, double* buckets,
                  double& salary_bonus, PathDraws& draws) {
  const int last = tau_m > cs.H ? cs.H : std::max(0, static_cast<int>(std::ceil(tau_m)) - 1);
  double total = o.salary_pv[last];
  if constexpr (kTimeline) {
    for (int y = 1; 12 * (y - 1) < last; ++y)
      buckets[y] += o.salary_pv[std::min(12 * y, last)] - o.salary_pv[12 * (y - 1)];
  }
  for (std::size_t y = 1; y <= o.bonus_pv.size() && 12 * static_cast<int>(y) <= last; ++y) {
    const double b = o.bonus_pv[y - 1] *
                     o.bonus_multiplier(draws.u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
    total += b;
    add<kTimeline>(buckets, 12 * static_cast<int>(y), b);
  }
  salary_bonus = total;
  if (tau_m >= o.clawback_months && o.signing != 0) {
    total += o.signing;
    add<kTimeline>(buckets, 0, o.signing);
  }
  return total;
}

template <bool kTimeline>
double offer_equity(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                    const CompanyState* states, std::uint8_t* let_go_of, double* buckets,
                    PathDraws& draws) {
  auto employed = [tau_m](int m) { return m < tau_m; };
  // A tranche vests on schedule iff v <= H and the employee is still there
  // (docs/model.md#4-grants-and-vesting).
  const int H = cs.H;
  auto vests = [&](int v) { return v <= H && employed(v); };
  const double* df = cs.df.data();
  double total = 0;
  auto pay = [&](int month, double amount_cc, double fx) {
    const double pv = amount_cc * df[month] * fx;
    total += pv;
    add<kTimeline>(buckets, month, pv);
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
    const double fx = company.fx;

    if (company.is_public) {
      if (t == t_end || !vests(t->month)) continue;
      const double s0 = st.price[g.start];
      for (; t != t_end && vests(t->month); ++t)
        pay(t->month, t->amount * st.price[t->month] / s0, fx);
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
          pay(sale, t->amount * option_or_rsu(g.type, st.R * st.price[sale - E], g.strike), fx);
        }
      } else if (st.R > 0) {  // granted after the IPO at P(s)
        const double qs = st.price[g.start - E];
        for (; t != t_end && vests(t->month); ++t) {
          const int sale = std::max(t->month, lock);
          pay(sale, t->amount * option_or_rsu(g.type, st.price[sale - E] / qs, g.strike), fx);
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
          if (vests(v) && !expired) pay(E, t->amount * unit, fx);
        } else {
          if (acc > 0) pay(E, t->amount * acc * unit, fx);
          if (!let_go && vests(v) && acc < 1) pay(v, t->amount * (1.0 - acc) * unit, fx);
        }
      }
    } else if (!let_go && g.type == GrantType::kPrivateRsu && st.R > 0) {
      // Made after the deal: honoured in cash, each vesting tranche its own amount;
      // never made when the deal left a unit worth 0 (C = 0 or V D = 0), like after
      // a failure (docs/model.md#4-grants-and-vesting).
      for (; t != t_end && vests(t->month); ++t) pay(t->month, t->amount, fx);
    }
  }
  return total;
}

template double offer_cash<false>(const CompiledScenario&, const CompiledOffer&, double, double*,
                                  double&, PathDraws&);
template double offer_cash<true>(const CompiledScenario&, const CompiledOffer&, double, double*,
                                 double&, PathDraws&);
template double offer_equity<false>(const CompiledScenario&, const CompiledOffer&, double,
                                    const CompanyState*, std::uint8_t*, double*, PathDraws&);
template double offer_equity<true>(const CompiledScenario&, const CompiledOffer&, double,
                                   const CompanyState*, std::uint8_t*, double*, PathDraws&);

}  // namespace vestsim::models
