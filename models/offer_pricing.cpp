#include "models/offer_pricing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vestsim::models {

namespace {

inline double option_or_rsu(GrantType type, double x, double strike) {
  return type == GrantType::kOption ? std::max(0.0, x - strike) : x;
}

template <bool kTimeline>
void add(double* buckets, int month, double pv) {
  if constexpr (kTimeline) buckets[(month + 11) / 12] += pv;
}

// Tender sales (docs/model.md#m4-tender-offers) and the exercise on leaving
// (docs/model.md#m5-options-when-the-employee-leaves) of a private grant made before the event,
// `base` = P(s)/valuation: pays the tender cash and the strike through pay(month, amount in the
// company's currency), leaves in held[k] the share of tranche k still held at the event (0 once
// forfeited), and returns whether the options were exercised (they are shares from then on).
// Requires held to hold g.tranche_count entries and st.pre to cover the months it reads.
template <class Pay>
bool before_event(const CompiledScenario& cs, const CompiledGrant& g, const CompanyState& st,
                  double base, double tau_m, double* held, Pay& pay) {
  enum class Action { kKeep, kExercise, kForfeit };
  Action action = Action::kKeep;
  int d = std::numeric_limits<int>::max();
  // The deadline d = d0 + N, d0 = ceil(12 tau); nothing happens when the event comes by d
  // (pre_last < d) or d > L.
  if (g.exercise_window >= 0 && tau_m + g.exercise_window <= cs.L) {
    d = static_cast<int>(std::ceil(tau_m)) + g.exercise_window;
    if (d <= st.pre_last) {
      const bool forfeit =
          d > g.expiry_month || g.exercise_policy == ExercisePolicy::kNever ||
          (g.exercise_policy == ExercisePolicy::kInTheMoney && st.pre[d] / base <= g.strike);
      action = forfeit ? Action::kForfeit : Action::kExercise;
    }
  }
  const Tenders& td = cs.companies[g.company].priv.params.tenders;
  const CompiledTranche* tr = cs.tranches.data() + g.first_tranche;
  for (std::uint32_t k = 0; k < g.tranche_count; ++k) {
    const int v = tr[k].month;
    double h = 1;
    held[k] = h;
    if (!(v <= cs.H && v < tau_m)) continue;  // not vested: neither sold nor exercised
    for (int w = 0; w < st.tenders; ++w) {
      const int t = st.tender_month[w];
      if (t < v) continue;
      if (action == Action::kForfeit && t > d) break;            // forfeited units are gone
      const bool shares = action == Action::kExercise && t > d;  // at t = d, the tender first
      if (!shares && t > g.expiry_month) break;
      if (!td.holders && !(t < tau_m)) break;         // eligible: employees
      const double unit = st.tender_price[w] / base;  // f_p P(t) per unit of value
      const double per =
          shares || g.type != GrantType::kOption ? unit : std::max(0.0, unit - g.strike);
      // TAX HOOK (docs/tax.md T3): equity income at t; for shares a capital gain of
      // units (f_p P(t) - max(P(d), K)) held from d.
      pay(t, tr[k].amount * h * td.sell_fraction * per);
      h *= 1.0 - td.sell_fraction;
    }
    // TAX HOOK (docs/tax.md T3): the spread units max(0, P(d) - K) is income at d; the later
    // sale's gain counts from max(P(d), K), held from d.
    if (action == Action::kExercise) pay(d, -tr[k].amount * h * g.strike);
    held[k] = action == Action::kForfeit ? 0.0 : h;
  }
  return action == Action::kExercise;
}

}  // namespace

double mean_bonus_multiplier(const CompiledOffer& o, PathDraws& draws) {
  double m = 0;
  for (std::size_t y = 1; y <= o.bonus_pv.size(); ++y)
    m += o.bonus_multiplier(draws.u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
  return o.bonus_pv.empty() ? 1.0 : m / o.bonus_pv.size();
}

template <bool kTimeline>
double offer_cash(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                  const double* const* fx_paths, double* buckets, double& salary_bonus,
                  PathDraws& draws) {
  const int last = tau_m > cs.H ? cs.H : std::max(0, static_cast<int>(std::ceil(tau_m)) - 1);
  // A stochastic offer currency converts each month's pay at its month's rate
  // (docs/model.md#m3-stochastic-exchange-rates); a fixed one uses the prefix sums.
  const double* X = o.fx_index >= 0 ? fx_paths[o.fx_index] : nullptr;
  double total = 0;
  if (X) {
    for (int m = 1; m <= last; ++m) {
      const double pv = o.salary_cc[m] * X[m];
      total += pv;
      add<kTimeline>(buckets, m, pv);
    }
  } else {
    total = o.salary_pv[last];
    if constexpr (kTimeline) {
      for (int y = 1; 12 * (y - 1) < last; ++y)
        buckets[y] += o.salary_pv[std::min(12 * y, last)] - o.salary_pv[12 * (y - 1)];
    }
  }
  for (std::size_t y = 1; y <= o.bonus_pv.size() && 12 * static_cast<int>(y) <= last; ++y) {
    const double b = (X ? o.bonus_cc[y - 1] * X[12 * y] : o.bonus_pv[y - 1]) *
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
                    const CompanyState* states, const double* const* fx_paths,
                    std::uint8_t* let_go_of, double* held, double* buckets, PathDraws& draws) {
  auto employed = [tau_m](int m) { return m < tau_m; };
  // A tranche vests on schedule iff v <= H and the employee is still there
  // (docs/model.md#4-grants-and-vesting).
  const int H = cs.H;
  auto vests = [&](int v) { return v <= H && employed(v); };
  const double* df = cs.df.data();
  double total = 0;
  // The grant's company currency: fixed at fx, or stochastic X(m); `scale` re-converts the
  // grant's value at the grant month's rates (docs/model.md#m3-stochastic-exchange-rates).
  const double* X = nullptr;
  double fx = 1, scale = 1;
  const double* Xo = o.fx_index >= 0 ? fx_paths[o.fx_index] : nullptr;
  auto pay = [&](int month, double amount_cc) {
    const double pv = amount_cc * df[month] * ((X ? X[month] : fx) * scale);
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
    fx = company.fx;
    X = company.fx_index >= 0 ? fx_paths[company.fx_index] : nullptr;
    scale = 1;
    if (X || Xo)
      scale = ((Xo ? Xo[g.start] : fx * g.fx_at_grant) / (X ? X[g.start] : fx)) / g.fx_at_grant;

    if (company.is_public) {
      if (t == t_end || !vests(t->month)) continue;
      const double s0 = st.price[g.start];
      for (; t != t_end && vests(t->month); ++t) pay(t->month, t->amount * st.price[t->month] / s0);
      continue;
    }
    const bool pays_at_event = st.outcome == Outcome::kIpo || st.outcome == Outcome::kAcquisition;
    // No event (outcome none): every grant is made before it, and P(t) runs to L.
    const int E = st.outcome == Outcome::kNone ? std::numeric_limits<int>::max() : st.E;
    const bool made_before = g.start <= E;
    const bool early_flows =
        made_before && (company.priv.max_tenders > 0 || g.exercise_window >= 0);
    if (!pays_at_event && !early_flows) continue;
    const bool let_go = let_go_of[g.company] != 0;
    // A grant made at 0 < s <= E converts at P(s), P(E - 1) when s = E
    // (docs/model.md#m2-the-private-company-before-its-event): its units are those of
    // `base` = P(s)/valuation, so each pays R/base per unit of value, its strike strike * base.
    double base = 1;
    if (made_before && g.start > 0) {
      base = st.pre[std::min(g.start, E - 1)];
      if (!(base > 0)) continue;  // the company was worth nothing when the grant was due
    }
    const double R = st.R / base;
    // Tenders and the exercise on leaving: the share of each tranche still held at the event.
    const double* kept = nullptr;
    bool exercised = false;
    if (early_flows) {
      exercised = before_event(cs, g, st, base, tau_m, held, pay);
      kept = held;
    }
    if (!pays_at_event) continue;
    const CompiledTranche* const t_first = t;
    auto held_of = [&](const CompiledTranche* x) { return kept ? kept[x - t_first] : 1.0; };
    // Exercised options are shares: they pay P, not max(0, P - K), and never expire.
    const GrantType type = exercised ? GrantType::kPrivateRsu : g.type;

    if (st.outcome == Outcome::kIpo) {
      const int lock = E + company.priv.params.lockup_months;
      if (g.start <= E) {
        const bool expired = E > g.expiry_month && !exercised;
        for (; t != t_end && vests(t->month); ++t) {
          const int v = t->month;
          if (v <= E && expired) continue;  // time-vested units expired before the event
          const int sale = v <= E ? lock : std::max(v, lock);
          pay(sale, t->amount * held_of(t) * option_or_rsu(type, R * st.price[sale - E], g.strike));
        }
      } else if (st.R > 0) {  // granted after the IPO at P(s)
        const double qs = st.price[g.start - E];
        for (; t != t_end && vests(t->month); ++t) {
          const int sale = std::max(t->month, lock);
          pay(sale, t->amount * option_or_rsu(g.type, st.price[sale - E] / qs, g.strike));
        }
      }
      continue;
    }

    // Acquisition at E.
    if (g.start <= E) {
      const bool expired = E > g.expiry_month && !exercised;
      const double unit = option_or_rsu(type, R, g.strike);
      const bool accel_ok = employed(E) && E <= cs.H;
      const double acc =
          accel_ok && (g.trigger == Trigger::kSingle || (g.trigger == Trigger::kDouble && let_go))
              ? g.accel_fraction
              : 0.0;
      for (; t != t_end; ++t) {
        const int v = t->month;
        if (v <= E) {
          if (vests(v) && !expired) pay(E, t->amount * held_of(t) * unit);
        } else {
          if (acc > 0) pay(E, t->amount * acc * unit);
          if (!let_go && vests(v) && acc < 1) pay(v, t->amount * (1.0 - acc) * unit);
        }
      }
    } else if (!let_go && g.type == GrantType::kPrivateRsu && st.R > 0) {
      // Made after the deal: honoured in cash, each vesting tranche its own amount;
      // never made when the deal left a unit worth 0 (C = 0 or V D = 0), like after
      // a failure (docs/model.md#4-grants-and-vesting).
      for (; t != t_end && vests(t->month); ++t) pay(t->month, t->amount);
    }
  }
  return total;
}

template double offer_cash<false>(const CompiledScenario&, const CompiledOffer&, double,
                                  const double* const*, double*, double&, PathDraws&);
template double offer_cash<true>(const CompiledScenario&, const CompiledOffer&, double,
                                 const double* const*, double*, double&, PathDraws&);
template double offer_equity<false>(const CompiledScenario&, const CompiledOffer&, double,
                                    const CompanyState*, const double* const*, std::uint8_t*,
                                    double*, double*, PathDraws&);
template double offer_equity<true>(const CompiledScenario&, const CompiledOffer&, double,
                                   const CompanyState*, const double* const*, std::uint8_t*,
                                   double*, double*, PathDraws&);

}  // namespace vestsim::models
