#include "models/offer_pricing.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "engine/lanes.hpp"

namespace vestsim::models {

namespace {

inline double option_or_rsu(GrantType type, double x, double strike) {
  return type == GrantType::kOption ? std::max(0.0, x - strike) : x;
}

template <bool kTimeline>
void add(double* buckets, int month, double pv) {
  if constexpr (kTimeline) buckets[(month + 11) / 12] += pv;
}

// What happened on leaving (docs/model.md#m5-options-when-the-employee-leaves): the options
// were exercised at month d, and the spread per unit of value then, max(0, P(d)/P(s) - strike).
struct Exercise {
  bool done = false;
  int d = 0;
  double spread = 0;
};

// Tender sales (docs/model.md#m4-tender-offers) and the exercise on leaving
// (docs/model.md#m5-options-when-the-employee-leaves) of a private grant made before the event,
// `base` = P(s)/valuation: pays the tender cash and the strike through flow(month, amount in
// the company's currency), records their tax through record(month, cash, income,
// income_month) (docs/tax.md T3 as models/tax/tax_ledger.hpp maps it), leaves in held[k] the
// share of tranche k still held at the event (0 once forfeited), and returns the exercise
// (exercised units are shares from then on). With `sold_at_event` false (a failure, no
// event) exercised shares are never sold: their spread is recorded as income at d.
// Requires held to hold g.tranche_count entries.
template <class Flow, class Record>
Exercise before_event(const CompiledScenario& cs, const CompiledGrant& g, CompanyState& st,
                      double base, double tau_m, bool sold_at_event, double* held, Flow& flow,
                      Record& record) {
  enum class Action { kKeep, kExercise, kForfeit };
  Action action = Action::kKeep;
  Exercise ex;
  int d = std::numeric_limits<int>::max();
  // The deadline d = d0 + N, d0 = ceil(12 tau); nothing happens when the event comes by d
  // (pre_last < d) or d > L.
  if (g.exercise_window >= 0 && tau_m + g.exercise_window <= cs.L) {
    d = static_cast<int>(std::ceil(tau_m)) + g.exercise_window;
    if (d <= st.pre_last) {
      bool forfeit = d > g.expiry_month || g.exercise_policy == ExercisePolicy::kNever;
      const double unit = forfeit ? 0.0 : st.pre.value(d) / base;
      forfeit = forfeit || (g.exercise_policy == ExercisePolicy::kInTheMoney && unit <= g.strike);
      action = forfeit ? Action::kForfeit : Action::kExercise;
      if (!forfeit) ex = {true, d, std::max(0.0, unit - g.strike)};
    }
  }
  const Tenders& td = cs.companies[g.company].priv.params.tenders;
  const CompiledTranche* tr = cs.tranches.data() + g.first_tranche;
  for (std::uint32_t k = 0; k < g.tranche_count; ++k) {
    const int v = tr[k].month;
    double h = 1;
    double h_d = 1;  // the share held at d, all of it exercised then: h after the tenders up to d
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
      const double sold = tr[k].amount * h * td.sell_fraction;
      if (shares) {
        // docs/tax.md T3: a share sold at t, its gain counted from max(P(d), K), held from d.
        flow(t, sold * unit);
        record(t, sold * (unit - g.strike), sold * ex.spread, d);
      } else {
        // An RSU, or an option exercised and sold: equity income at t.
        const double cash =
            sold * (g.type != GrantType::kOption ? unit : std::max(0.0, unit - g.strike));
        flow(t, cash);
        record(t, cash, cash, t);
      }
      h *= 1.0 - td.sell_fraction;
      if (t <= d) h_d = h;
    }
    if (action == Action::kExercise) {
      // The strike of every unit exercised at d, the shares later tenders sold included.
      flow(d, -tr[k].amount * h_d * g.strike);
      // Never sold (docs/tax.md T8: no loss recognised): the spread is income at d.
      if (!sold_at_event) record(d, tr[k].amount * h * ex.spread, tr[k].amount * h * ex.spread, d);
    }
    held[k] = action == Action::kForfeit ? 0.0 : h;
  }
  return ex;
}

// The tranches of g (t: its first) that vest in a month <= E, as one: their amounts summed in
// order into `amount`; advances t past them and returns whether there was any. Tranches are in
// month order and vesting is a prefix, so they are t's first ones.
//
// The tranches with v <= E and v < vest_end (vests()) are those before month
// min(E, vest_end - 1) + 1, in 0 .. H + 1: their count and sum come from the grant's compiled
// tables, whose sums are the same additions in the same order.
bool vested_by(const CompiledScenario& cs, const CompiledGrant& g, const CompiledTranche*& t, int E,
               int vest_end, double& amount) {
  assert(t == cs.tranches.data() + g.first_tranche && E >= 0);
  const int before = std::min(E, vest_end - 1) + 1;
  const std::uint32_t k = cs.tranches_before[g.first_before + static_cast<std::uint32_t>(before)];
  amount = cs.tranche_sums[g.first_sum + k];
  t += k;
  return k > 0;
}

// The first whole month at or after 12 tau, capped to H + 1: month m <= H is employed iff m < e.
int vesting_end(int H, double tau_m) {
  return tau_m > H ? H + 1 : tau_m > 0 ? static_cast<int>(std::ceil(tau_m)) : 0;
}

}  // namespace

double mean_bonus_multiplier(const CompiledOffer& o, PathDraws& draws) {
  double m = 0;
  for (std::size_t y = 1; y <= o.bonus_pv.size(); ++y)
    m += o.bonus_multiplier(draws.u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
  return o.bonus_pv.empty() ? 1.0 : m / o.bonus_pv.size();
}

template <bool kTimeline, class Tax>
double offer_cash(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                  const double* const* fx_paths, double* buckets, double& salary_bonus,
                  PathDraws& draws, const BlockSample& bonus, Tax& tax) {
  const int last = tau_m > cs.H ? cs.H : std::max(0, static_cast<int>(std::ceil(tau_m)) - 1);
  // A stochastic offer currency converts each month's pay at its month's rate
  // (docs/model.md#m3-stochastic-exchange-rates); a fixed one uses the prefix sums.
  const double* X = o.fx_index >= 0 ? fx_paths[o.fx_index] : nullptr;
  double total = 0;
  tax.salary(last);  // docs/tax.md#t2-the-income-of-one-tax-year: wages, in the year they are paid
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
    const double multiplier =
        bonus(o.bonus_multiplier, o.bonus_key, static_cast<std::uint32_t>(y - 1), draws);
    const double b = (X ? o.bonus_cc[y - 1] * X[12 * y] : o.bonus_pv[y - 1]) * multiplier;
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
                    CompanyState* states, const double* const* fx_paths, std::uint8_t* let_go_of,
                    double* held, double* buckets, PathDraws& draws, Tax& tax) {
  auto employed = [tau_m](int m) { return m < tau_m; };
  // A tranche vests on schedule iff v <= H and the employee is still there
  // (docs/model.md#4-grants-and-vesting).
  // v <= H and v < 12 tau, as one integer comparison: v < vesting_end() (v >= 0).
  const int vest_end = vesting_end(cs.H, tau_m);
  auto vests = [vest_end](int v) { return v < vest_end; };
  const double* df = cs.df.data();
  double total = 0;
  // The grant's company currency: fixed at fx, or stochastic X(m); `scale` re-converts the
  // grant's value at the grant month's rates (docs/model.md#m3-stochastic-exchange-rates).
  const CompiledGrant* grant = nullptr;
  const double* X = nullptr;
  double fx = 1, scale = 1;
  const double* Xo = o.fx_index >= 0 ? fx_paths[o.fx_index] : nullptr;
  // Every equity flow: `cash` (company currency, before `scale`) paid at `month` adds its
  // present value to `sum`, the running total.
  auto flow_into = [&](double& sum, int month, double cash) {
    const double pv = cash * df[month] * ((X ? X[month] : fx) * scale);
    sum += pv;
    add<kTimeline>(buckets, month, pv);
  };
  auto flow = [&](int month, double cash) { flow_into(total, month, cash); };
  // The one place every equity payout is recorded for tax: `income` of `cash` is equity
  // income arising at `income_month`
  // (docs/tax.md#t3-equity-income-and-capital-gains-of-each-payout; EquityPayout in
  // models/tax/tax_ledger.hpp maps every T3 row, tender and exercise included, onto these
  // arguments). With NoTaxSink the record compiles away.
  auto record = [&](int month, double cash, double income, int income_month) {
    tax.equity(EquityPayout{grant->company, month, cash * scale, income * scale, income_month,
                            grant->qualified});
  };
  auto pay = [&](int month, double cash, double income, int income_month) {
    flow(month, cash);
    record(month, cash, income, income_month);
  };
  // T3 rows whose whole payout is income when paid: public RSUs, acquisition cash, options.
  auto pay_income = [&](int month, double cash) { pay(month, cash, cash, month); };
  // The let-go draw: one uniform per path per (offer, company) with a double trigger.
  for (std::size_t c = 0; c < cs.companies.size(); ++c)
    let_go_of[c] = o.let_go_probability[c] >= 0 && states[c].outcome == Outcome::kAcquisition &&
                   draws.u(o.let_go_key[c], 0) < o.let_go_probability[c];

  for (std::uint32_t gi = o.first_grant; gi < o.first_grant + o.grant_count; ++gi) {
    const CompiledGrant& g = cs.grants[gi];
    const CompiledCompany& company = cs.companies[g.company];
    CompanyState& st = states[g.company];
    const CompiledTranche* t = cs.tranches.data() + g.first_tranche;
    const CompiledTranche* t_end = t + g.tranche_count;
    if (g.start > cs.H) continue;      // made after the horizon: nothing of it is earned
    if (!employed(g.start)) continue;  // a grant is made only if employed at s
    grant = &g;
    fx = company.fx;
    X = company.fx_index >= 0 ? fx_paths[company.fx_index] : nullptr;
    scale = 1;
    if (X || Xo)
      scale = ((Xo ? Xo[g.start] : fx * g.fx_at_grant) / (X ? X[g.start] : fx)) / g.fx_at_grant;

    if (company.is_public) {
      if (t == t_end || !vests(t->month)) continue;
      const double s0 = st.price[g.start];
      for (; t != t_end && vests(t->month); ++t)
        pay_income(t->month, t->amount * st.price[t->month] / s0);
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
      base = st.pre.value(std::min(g.start, E - 1));
      if (!(base > 0)) continue;  // the company was worth nothing when the grant was due
    }
    const double R = st.R / base;
    // Tenders and the exercise on leaving: the share of each tranche still held at the event;
    // none (held whole) when nothing was sold, forfeited or exercised on this path, so that a
    // grant whose tenders or window did nothing pays with the bits of one that has none.
    const double* kept = nullptr;
    Exercise ex;
    if (early_flows) {
      // before_event() is not inlined, so what it pays adds to a copy of the total: were
      // `total`'s address passed to it, every price read below could alias it, and the payout
      // loops would store and reload it at each tranche. The same additions in the same order.
      double early = total;
      auto early_flow = [&](int month, double cash) { flow_into(early, month, cash); };
      ex = before_event(cs, g, st, base, tau_m, pays_at_event, held, early_flow, record);
      total = early;
      if (ex.done || std::any_of(held, held + g.tranche_count, [](double h) { return h != 1.0; }))
        kept = held;
    }
    if (!pays_at_event) continue;
    const CompiledTranche* const t_first = t;
    auto held_of = [&](const CompiledTranche* x) { return kept ? kept[x - t_first] : 1.0; };
    // Exercised options are shares: they pay P, not max(0, P - K), and never expire; their
    // sale's gain counts from max(P(d), K), held from d (docs/tax.md T3).
    const GrantType type = ex.done ? GrantType::kPrivateRsu : g.type;
    auto pay_share = [&](int month, double units_value, double price) {
      flow(month, units_value * price);
      record(month, units_value * (price - g.strike), units_value * ex.spread, ex.d);
    };

    if (st.outcome == Outcome::kIpo) {
      const int lock = E + company.priv.params.lockup_months;
      if (g.start <= E) {
        const bool expired = E > g.expiry_month && !ex.done;
        // Held whole, the tranches vested by E pay as one
        // (docs/design.md#3-compile-once-then-run-the-paths).
        if (!kept) {
          double amount = 0;
          if (vested_by(cs, g, t, E, vest_end, amount) && !expired) {
            const double cash = amount * option_or_rsu(type, R * st.price[lock - E], g.strike);
            if (g.type == GrantType::kOption)
              pay_income(lock, cash);
            else
              pay(lock, cash, amount * (R * st.price[0]), E);
          }
        }
        for (; t != t_end && vests(t->month); ++t) {
          const int v = t->month;
          if (v <= E && expired) continue;  // time-vested units expired before the event
          const int sale = v <= E ? lock : std::max(v, lock);
          const double amount = t->amount * held_of(t);
          if (ex.done) {
            pay_share(sale, amount, R * st.price[sale - E]);
            continue;
          }
          const double cash = amount * option_or_rsu(type, R * st.price[sale - E], g.strike);
          // RSU: income units P(max(v, E)) at max(v, E), gain at the sale (T3); option: the
          // spread at the sale is income.
          const int vested = std::max(v, E);
          if (g.type == GrantType::kOption)
            pay_income(sale, cash);
          else
            pay(sale, cash, amount * (R * st.price[vested - E]), vested);
        }
      } else if (st.R > 0) {  // granted after the IPO at P(s)
        const double qs = st.price[g.start - E];
        for (; t != t_end && vests(t->month); ++t) {
          const int sale = std::max(t->month, lock);
          const double cash = t->amount * option_or_rsu(g.type, st.price[sale - E] / qs, g.strike);
          if (g.type == GrantType::kOption)
            pay_income(sale, cash);
          else
            pay(sale, cash, t->amount * (st.price[t->month - E] / qs), t->month);
        }
      }
      continue;
    }

    // Acquisition at E.
    if (g.start <= E) {
      const bool expired = E > g.expiry_month && !ex.done;
      const double unit = option_or_rsu(type, R, g.strike);
      const bool accel_ok = employed(E) && E <= cs.H;
      const double acc =
          accel_ok && (g.trigger == Trigger::kSingle || (g.trigger == Trigger::kDouble && let_go))
              ? g.accel_fraction
              : 0.0;
      // Held whole, what vests by E and what E accelerates pay as one each
      // (docs/design.md#3-compile-once-then-run-the-paths).
      if (!kept) {
        double amount = 0;
        if (vested_by(cs, g, t, E, vest_end, amount) && !expired) pay_income(E, amount * unit);
        // Acceleration needs the employee there at E <= H, so then every tranche by E vested and
        // t is the first after E; a tranche by E that did not vest is forfeited, and stops the
        // loop below.
        if (acc > 0 && t != t_end) {  // the tranches after E, accelerated at E
          double unvested = 0;
          for (const CompiledTranche* u = t; u != t_end; ++u) unvested += u->amount;
          pay_income(E, unvested * acc * unit);
        }
        if (!let_go && acc < 1)  // and the rest of each at its month, if it vests
          for (; t != t_end && vests(t->month); ++t)
            pay_income(t->month, t->amount * (1.0 - acc) * unit);
        continue;
      }
      for (; t != t_end; ++t) {
        const int v = t->month;
        if (v <= E) {
          if (!vests(v) || expired) continue;
          if (ex.done)
            pay_share(E, t->amount * held_of(t), R);
          else
            pay_income(E, t->amount * held_of(t) * unit);
        } else {
          if (acc > 0) pay_income(E, t->amount * acc * unit);
          if (!let_go && vests(v) && acc < 1) pay_income(v, t->amount * (1.0 - acc) * unit);
        }
      }
    } else if (!let_go && g.type == GrantType::kPrivateRsu && st.R > 0) {
      // Made after the deal: honoured in cash, each vesting tranche its own amount;
      // never made when the deal left a unit worth 0 (C = 0 or V D = 0), like after
      // a failure (docs/model.md#4-grants-and-vesting).
      for (; t != t_end && vests(t->month); ++t) pay_income(t->month, t->amount);
    }
  }
  return total;
}

bool public_equity_on_lanes(const CompiledScenario& cs, const CompiledOffer& o) {
  if (o.grant_count == 0 || o.fx_index >= 0 || (o.has_regime && o.tax.moving_fx)) return false;
  for (std::uint32_t gi = o.first_grant; gi < o.first_grant + o.grant_count; ++gi) {
    const CompiledCompany& company = cs.companies[cs.grants[gi].company];
    if (!company.is_public || company.fx_index >= 0) return false;
  }
  return true;
}

PublicEquityLanes::PublicEquityLanes(const CompiledScenario& cs, const CompiledOffer& o)
    : cs_(cs), o_(o) {
  assert(public_equity_on_lanes(cs, o));
  constexpr std::size_t kB = PathDraws::kBlock;
  const int H = cs.H;
  for (std::uint32_t gi = o.first_grant; gi < o.first_grant + o.grant_count; ++gi) {
    const CompiledGrant& g = cs.grants[gi];
    if (g.start > H) continue;  // made after the horizon: nothing of it is earned
    const CompiledTranche* t = cs.tranches.data() + g.first_tranche;
    LaneGrant lane;
    lane.grant = &g;
    lane.vesting_by_end.assign(H + 2, 0.0);
    lane.last_year_by_end.assign(H + 2, 0);
    for (int e = g.start + 1; e <= H + 1; ++e) {  // made: s < e
      std::uint32_t k = 0;
      for (; k < g.tranche_count && t[k].month < e; ++k)
        lane.last_year_by_end[e] =
            std::max(lane.last_year_by_end[e], tax_year_of_month(t[k].month));
      lane.vesting_by_end[e] = k;
    }
    const std::vector<int>& months = cs.companies[g.company].pub.months;
    auto row = [&](int month) {  // its S(month)/S(0), element p column p's
      const auto k = static_cast<std::size_t>(
          std::lower_bound(months.begin(), months.end(), month) - months.begin());
      assert(k < months.size() && months[k] == month);
      return k * kB;
    };
    const auto most = static_cast<std::uint32_t>(lane.vesting_by_end[H + 1]);
    if (most == 0) continue;
    if (g.start > 0) lane.start_row = static_cast<std::ptrdiff_t>(row(g.start));
    for (std::uint32_t k = 0; k < most; ++k) lane.rows.push_back(row(t[k].month));
    grants_.push_back(std::move(lane));
  }
}

// offer_equity()'s public branch, transposed: grant by grant and tranche by tranche, each over
// the n columns. A column's payouts are added to its total and to its ledger cells in the same
// order as there, so every sum has the same bits; a tranche that does not vest on a column adds
// nothing to it.
void PublicEquityLanes::run(const CompanyState* states, const double* tau_m, std::uint32_t n,
                            double* equity, TaxLedger* ledger) const {
  constexpr std::uint32_t kB = PathDraws::kBlock;
  assert(n <= kB);
  alignas(64) double vested[kB];  // column p's tranches that vest: the first vested[p]
  alignas(64) double s0[kB], cash[kB];
  alignas(64) int end[kB];
  std::fill(equity, equity + n, 0.0);
  for (std::uint32_t p = 0; p < n; ++p) end[p] = vesting_end(cs_.H, tau_m[p]);
  for (const LaneGrant& lane : grants_) {
    const CompiledGrant& g = *lane.grant;
    const CompanyState& st = states[g.company];
    assert(st.block_prices);
    for (std::uint32_t p = 0; p < n; ++p) {
      vested[p] = lane.vesting_by_end[end[p]];
      if (ledger && vested[p] > 0) ledger->open_block_year(p, lane.last_year_by_end[end[p]]);
    }
    const double* prices = st.block_price.data();
    if (lane.start_row >= 0)
      std::copy(prices + lane.start_row, prices + lane.start_row + n, s0);
    else
      std::fill(s0, s0 + n, 1.0);
    // (X ? X[month] : fx) * scale of offer_equity(), with fixed rates: fx * 1.
    const double fx = cs_.companies[g.company].fx * 1.0;
    const double k = ledger ? o_.tax.company_to_regime[g.company] : 0.0;
    const TaxCategory income_slot =
        g.qualified ? TaxCategory::kQualified : TaxCategory::kEquityIncome;
    const CompiledTranche* t = cs_.tranches.data() + g.first_tranche;
    for (std::uint32_t j = 0; j < lane.rows.size(); ++j) {
      const int v = t[j].month;
      // pay_income(v, amount S(v)/S(s)): the present value, then TaxLedger::equity()'s income
      // cash k in year(v).
      engine::lanes_ratio(t[j].amount, prices + lane.rows[j], s0, n, cash);
      engine::lanes_masked_add_scaled(cash, cs_.df[v], fx, vested, j, n, equity);
      if (!ledger) continue;
      const int year = tax_year_of_month(v);
      if (!engine::lanes_masked_add_scaled(cash, k, 1.0, vested, j, n,
                                           ledger->block_cells(year, income_slot)))
        continue;
      // Its gain, cash k - income k, is 0 but for an infinite or NaN amount: then NaN, which
      // equity() records (held 0 months).
      double* gains = ledger->block_cells(
          year, is_long_term(o_.tax.regime, 0) ? TaxCategory::kGainLong : TaxCategory::kGainShort);
      for (std::uint32_t p = 0; p < n; ++p) {
        const double income = cash[p] * k;
        if (j < vested[p] && income - income != 0) gains[p] += income - income;
      }
    }
  }
}

#define VESTSIM_INSTANTIATE(kTimeline, Tax)                                                   \
  template double offer_cash<kTimeline, Tax>(const CompiledScenario&, const CompiledOffer&,   \
                                             double, const double* const*, double*, double&,  \
                                             PathDraws&, const BlockSample&, Tax&);           \
  template double offer_equity<kTimeline, Tax>(const CompiledScenario&, const CompiledOffer&, \
                                               double, CompanyState*, const double* const*,   \
                                               std::uint8_t*, double*, double*, PathDraws&, Tax&);
VESTSIM_INSTANTIATE(false, NoTaxSink)
VESTSIM_INSTANTIATE(true, NoTaxSink)
VESTSIM_INSTANTIATE(false, TaxLedger)
VESTSIM_INSTANTIATE(true, TaxLedger)
#undef VESTSIM_INSTANTIATE

}  // namespace vestsim::models
