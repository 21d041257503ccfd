#include "models/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/normal.hpp"
#include "engine/parallel.hpp"

namespace vestsim::models {

namespace {

using engine::normal_quantile;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per-path state of one company, shared by every grant and offer naming it (MODEL.md §10).
struct CompanyState {
  Outcome outcome = Outcome::kNone;
  int E = 0;      // event month
  double R = 0;   // value per unit at E over value per unit at grant: G X D C
  double* price;  // public: S(m)/S(0) at needed months; private IPO: Q(E + j) = P(E + j)/P(E)
};

// Where one path's results go. A column sink for the run; a vector sink for one path.
struct Outputs {
  double* cash;              // [offer]
  double* equity;            // [offer]
  double* salary_bonus;      // [offer]
  Outcome* outcome;          // [company]
  double* buckets;           // [offer * (years + 1) + year] realised in that year (year 0: month 0)
  double* inputs = nullptr;  // input_slots(); null unless recording
};

inline double option_or_rsu(GrantType type, double x, double strike) {
  return type == GrantType::kOption ? std::max(0.0, x - strike) : x;
}

// Evaluates paths of one compiled scenario. Scratch is sized once; run()
// allocates nothing. kTimeline records realised flows by year; kCount counts
// the uniforms drawn (benchmarks' draws per path).
template <bool kTimeline, bool kCount>
class PathKernel {
 public:
  explicit PathKernel(const CompiledScenario& cs) : cs_(cs), state_(cs.companies.size()) {
    std::size_t size = 0;
    for (const CompiledCompany& c : cs.companies)
      size += (c.is_public ? cs.H : c.priv.max_post_months) + 1;
    prices_.assign(size, 1.0);
    double* p = prices_.data();
    for (std::size_t k = 0; k < cs.companies.size(); ++k) {
      state_[k].price = p;
      p += (cs.companies[k].is_public ? cs.H : cs.companies[k].priv.max_post_months) + 1;
    }
    let_go_.assign(cs.companies.size(), 0);
  }

  std::uint64_t draws() const { return draws_; }
  std::uint64_t normals() const { return normals_; }

  void run(std::uint64_t i, const Outputs& out) {
    i_ = i;
    rec_ = out.inputs;
    const double tau_m = departure_months();
    if (rec_) rec_[input_slot_departure()] = tau_m / 12.0;
    for (std::size_t c = 0; c < cs_.companies.size(); ++c) {
      const CompiledCompany& company = cs_.companies[c];
      if (company.is_public)
        public_path(company.pub, state_[c], static_cast<int>(c));
      else
        private_path(company.priv, state_[c], static_cast<int>(c));
      out.outcome[c] = state_[c].outcome;
    }
    const int years = cs_.timeline_years;
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      double* buckets = kTimeline ? out.buckets + o * (years + 1) : nullptr;
      if constexpr (kTimeline) std::fill(buckets, buckets + years + 1, 0.0);
      double salary_bonus = 0;
      offer_index_ = static_cast<int>(o);
      out.cash[o] = cash(cs_.offers[o], tau_m, buckets, salary_bonus);
      out.salary_bonus[o] = salary_bonus;
      out.equity[o] = equity(cs_.offers[o], tau_m, buckets);
    }
  }

 private:
  double u(StreamKey key, std::uint32_t draw) {
    if constexpr (kCount) ++draws_;
    return engine::uniform(key, i_, draw);
  }
  // A standard normal by inversion of one uniform.
  double z(StreamKey key, std::uint32_t draw) {
    if constexpr (kCount) ++normals_;
    return normal_quantile(u(key, draw));
  }

  // 12 tau (MODEL.md §2): employed at month m iff m < 12 tau.
  double departure_months() {
    if (!std::isnan(cs_.pinned_departure_years)) return 12.0 * cs_.pinned_departure_years;
    if (!(cs_.departure_rate > 0)) return kInf;
    return 12.0 * (-std::log1p(-u(cs_.departure_key, 0)) / cs_.departure_rate);
  }

  // Monthly GBM (MODEL.md §5) stepped straight from one needed month to the
  // next: the step ending at m uses draw m - 1 of the company's stream.
  void public_path(const CompiledPublic& p, CompanyState& st, int c) {
    double log_s = 0;
    int prev = 0;
    const double mu = p.drift - 0.5 * p.volatility * p.volatility;
    for (int m : p.months) {
      const double dt = (m - prev) / 12.0;
      double shock = 0;
      if (p.volatility > 0) {
        shock = std::isnan(p.pinned_z)
                    ? std::sqrt(dt) * z(p.key, static_cast<std::uint32_t>(m - 1))
                    : p.pinned_z * (std::sqrt(m / 12.0) - std::sqrt(prev / 12.0));
      }
      log_s += mu * dt + p.volatility * shock;
      st.price[m] = std::exp(log_s);
      prev = m;
    }
    if (rec_) rec_[input_slot(c, InputField::kStock)] = log_s;
  }

  // Every private input drawn whatever the outcome, for rank correlations.
  void record_private(const CompiledPrivate& p, int c, double T) {
    rec_[input_slot(c, InputField::kExitTime)] = T;
    rec_[input_slot(c, InputField::kIpoMultiple)] = p.ipo_multiple(u(p.ipo_multiple_key, 0));
    rec_[input_slot(c, InputField::kIpoDilution)] = p.ipo_dilution(u(p.ipo_dilution_key, 0));
    rec_[input_slot(c, InputField::kAcquisitionMultiple)] =
        p.acquisition_multiple(u(p.acquisition_multiple_key, 0));
    double D = 1;
    if (p.rounds_per_year > 0) {
      const std::uint32_t K =
          engine::poisson_quantile(p.rounds_per_year * std::max(T, 0.0), u(p.rounds_key, 0));
      for (std::uint32_t k = 0; k < K; ++k)
        D *= 1.0 - std::clamp(p.per_round(u(p.per_round_key, k)), 0.0, 1.0);
    }
    rec_[input_slot(c, InputField::kRounds)] = 1.0 - D;  // share lost to the rounds
    rec_[input_slot(c, InputField::kGrowth)] = p.growth_volatility > 0 ? z(p.growth_key, 0) : 0.0;
    double w = 0;
    if (p.post_volatility > 0)
      for (std::uint32_t j = 0; j < 12; ++j) w += z(p.post_ipo_key, j) / std::sqrt(12.0);
    rec_[input_slot(c, InputField::kPostIpo)] = w;
  }

  // One liquidity draw per path per private company (MODEL.md §6).
  void private_path(const CompiledPrivate& p, CompanyState& st, int c) {
    const double T = p.exit_time(u(p.exit_key, 0));
    if (rec_) record_private(p, c, T);
    const double Tc = std::max(T, 0.0);
    st.E = std::max(1, static_cast<int>(std::ceil(12.0 * Tc)));
    const double uo = u(p.outcome_key, 0);
    Outcome o = uo < p.p_ipo                                   ? Outcome::kIpo
                : uo < p.p_ipo + p.p_acquisition               ? Outcome::kAcquisition
                : uo < p.p_ipo + p.p_acquisition + p.p_failure ? Outcome::kFailure
                                                               : Outcome::kNone;
    if (st.E > cs_.L) o = Outcome::kNone;
    st.outcome = o;
    st.R = 0;
    if (o != Outcome::kIpo && o != Outcome::kAcquisition) return;

    double G = 1;
    if (p.growth_volatility > 0 || p.growth_drift != 0) {
      double zg = 0;
      if (p.growth_volatility > 0)
        zg = std::isnan(p.pinned_growth_z) ? z(p.growth_key, 0) : p.pinned_growth_z;
      G = std::exp((p.growth_drift - 0.5 * p.growth_volatility * p.growth_volatility) * Tc +
                   p.growth_volatility * std::sqrt(Tc) * zg);
    }
    const bool ipo = o == Outcome::kIpo;
    const double X = std::max(0.0, ipo ? p.ipo_multiple(u(p.ipo_multiple_key, 0))
                                       : p.acquisition_multiple(u(p.acquisition_multiple_key, 0)));
    double D = 1;
    if (p.rounds_per_year > 0) {
      const std::uint32_t K = engine::poisson_quantile(p.rounds_per_year * Tc, u(p.rounds_key, 0));
      for (std::uint32_t k = 0; k < K; ++k)
        D *= 1.0 - std::clamp(p.per_round(u(p.per_round_key, k)), 0.0, 1.0);
    }
    if (ipo) D *= 1.0 - std::clamp(p.ipo_dilution(u(p.ipo_dilution_key, 0)), 0.0, 1.0);
    double C = 1;
    if (!ipo && p.has_preference) {
      // 1x non-participating preference, evaluated on V before dilution.
      const double V = p.valuation * G * X;
      if (V <= 0)
        C = 0;
      else if (V < p.preference_amount / p.preferred_fraction)
        C = std::max(0.0, V - p.preference_amount) / ((1.0 - p.preferred_fraction) * V);
    }
    st.R = G * X * D * C;
    if (!ipo) return;

    // Post-IPO price relative to P(E), monthly from E (first step E -> E + 1).
    const int steps = std::max(p.lockup_months, cs_.H - st.E);
    const double mu = (p.post_drift - 0.5 * p.post_volatility * p.post_volatility) / 12.0;
    const double sd = p.post_volatility / std::sqrt(12.0);
    double log_q = 0;
    st.price[0] = 1;
    for (int j = 0; j < steps; ++j) {
      double shock = 0;
      if (p.post_volatility > 0)
        shock = std::isnan(p.pinned_post_z) ? sd * z(p.post_ipo_key, static_cast<std::uint32_t>(j))
                                            : p.post_volatility * p.pinned_post_z *
                                                  (std::sqrt((j + 1) / 12.0) - std::sqrt(j / 12.0));
      log_q += mu + shock;
      st.price[j + 1] = std::exp(log_q);
    }
  }

  static void add(double* buckets, int month, double pv) {
    if constexpr (kTimeline) buckets[(month + 11) / 12] += pv;
  }

  // MODEL.md §3: salary while employed in months 1..H, bonuses at anniversaries, signing bonus.
  double cash(const CompiledOffer& o, double tau_m, double* buckets, double& salary_bonus) {
    const int last = tau_m > cs_.H ? cs_.H : std::max(0, static_cast<int>(std::ceil(tau_m)) - 1);
    double total = o.salary_pv[last];
    if constexpr (kTimeline) {
      for (int y = 1; 12 * (y - 1) < last; ++y)
        buckets[y] += o.salary_pv[std::min(12 * y, last)] - o.salary_pv[12 * (y - 1)];
    }
    if (rec_) {
      double m = 0;
      for (std::size_t y = 1; y <= o.bonus_pv.size(); ++y)
        m += o.bonus_multiplier(u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
      rec_[input_slot_bonus(static_cast<int>(cs_.companies.size()), offer_index_)] =
          o.bonus_pv.empty() ? 1.0 : m / o.bonus_pv.size();
    }
    for (std::size_t y = 1; y <= o.bonus_pv.size() && 12 * static_cast<int>(y) <= last; ++y) {
      const double b =
          o.bonus_pv[y - 1] * o.bonus_multiplier(u(o.bonus_key, static_cast<std::uint32_t>(y - 1)));
      total += b;
      add(buckets, 12 * static_cast<int>(y), b);
    }
    salary_bonus = total;
    if (tau_m >= o.clawback_months && o.signing != 0) {
      total += o.signing;
      add(buckets, 0, o.signing);
    }
    return total;
  }

  double equity(const CompiledOffer& o, double tau_m, double* buckets) {
    auto employed = [tau_m](int m) { return m < tau_m; };
    // A tranche vests on schedule iff v <= H and the employee is still there (MODEL.md §4).
    const int H = cs_.H;
    auto vests = [&](int v) { return v <= H && employed(v); };
    const double* df = cs_.df.data();
    double total = 0;
    auto pay = [&](int month, double amount_cc, double fx) {
      const double pv = amount_cc * df[month] * fx;
      total += pv;
      add(buckets, month, pv);
    };
    // The let-go draw: one uniform per path per (offer, company) with a double trigger.
    for (std::size_t c = 0; c < cs_.companies.size(); ++c)
      let_go_[c] = o.let_go_probability[c] >= 0 && state_[c].outcome == Outcome::kAcquisition &&
                   u(o.let_go_key[c], 0) < o.let_go_probability[c];

    for (std::uint32_t gi = o.first_grant; gi < o.first_grant + o.grant_count; ++gi) {
      const CompiledGrant& g = cs_.grants[gi];
      const CompiledCompany& company = cs_.companies[g.company];
      const CompanyState& st = state_[g.company];
      const CompiledTranche* t = cs_.tranches.data() + g.first_tranche;
      const CompiledTranche* t_end = t + g.tranche_count;
      if (g.start > cs_.H) continue;     // made after the horizon: nothing of it is earned
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
      const bool let_go = let_go_[g.company] != 0;

      if (st.outcome == Outcome::kIpo) {
        const int lock = E + company.priv.lockup_months;
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
        const bool accel_ok = employed(E) && E <= cs_.H;
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
      } else if (!let_go && g.type == GrantType::kPrivateRsu) {
        // Made after the deal: honoured in cash, each vesting tranche its own amount.
        for (; t != t_end && vests(t->month); ++t) pay(t->month, t->amount, fx);
      }
    }
    return total;
  }

  const CompiledScenario& cs_;
  std::vector<CompanyState> state_;
  std::vector<double> prices_;
  std::vector<std::uint8_t> let_go_;
  std::uint64_t i_ = 0;
  double* rec_ = nullptr;
  int offer_index_ = 0;
  std::uint64_t draws_ = 0, normals_ = 0;
};

template <bool kTimeline>
void run_all(const CompiledScenario& cs, const SimOptions& opt, SimResult& r) {
  const std::size_t n_offers = cs.offers.size(), n_companies = cs.companies.size();
  const int years = cs.timeline_years;
  engine::run_blocks(
      engine::BlockPlan{opt.paths, opt.block}, opt.threads,
      [&](std::uint64_t, std::uint64_t begin, std::uint64_t end) {
        PathKernel<kTimeline, false> kernel(cs);
        std::vector<double> cash(n_offers), equity(n_offers), salary(n_offers);
        std::vector<Outcome> outcome(n_companies);
        std::vector<double> buckets(kTimeline ? n_offers * (years + 1) : 0);
        const int slots = input_slots(static_cast<int>(n_companies), static_cast<int>(n_offers));
        std::vector<double> inputs(opt.record_inputs ? slots : 0);
        const Outputs out{cash.data(),    equity.data(),
                          salary.data(),  outcome.data(),
                          buckets.data(), opt.record_inputs ? inputs.data() : nullptr};
        for (std::uint64_t i = begin; i < end; ++i) {
          kernel.run(i, out);
          for (std::size_t o = 0; o < n_offers; ++o) {
            r.cash[o][i] = cash[o];
            r.equity[o][i] = equity[o];
            r.total[o][i] = cash[o] + equity[o];
            if (opt.salary_column) r.salary_bonus[o][i] = salary[o];
            if constexpr (kTimeline) {
              // Bucket 0 holds month 0 (signing bonus); bucket y holds months 12(y-1)+1 .. 12y.
              const double* b = buckets.data() + o * (years + 1);
              double cum = b[0];
              for (int y = 1; y <= years; ++y) {
                cum += b[y];
                r.timeline[o * years + y - 1][i] = static_cast<float>(cum);
              }
            }
          }
          for (std::size_t c = 0; c < n_companies; ++c)
            if (!r.outcome[c].empty()) r.outcome[c][i] = static_cast<std::uint8_t>(outcome[c]);
          for (std::size_t k = 0; k < cs.compare.size(); ++k)
            r.diff[k][i] = r.total[cs.compare[k].a][i] - r.total[cs.compare[k].b][i];
          if (opt.record_inputs)
            for (int k = 0; k < slots; ++k) r.inputs[k][i] = inputs[k];
        }
      },
      opt.progress);
}

}  // namespace

SimResult simulate(const CompiledScenario& cs, const SimOptions& opt) {
  SimResult r;
  r.paths = opt.paths;
  const std::size_t n = opt.paths;
  for (std::size_t o = 0; o < cs.offers.size(); ++o) {
    r.cash.emplace_back(n);
    r.equity.emplace_back(n);
    r.total.emplace_back(n);
    if (opt.salary_column) r.salary_bonus.emplace_back(n);
  }
  for (std::size_t k = 0; k < cs.compare.size(); ++k) r.diff.emplace_back(n);
  for (const CompiledCompany& c : cs.companies) r.outcome.emplace_back(c.is_public ? 0 : n);
  if (opt.timeline) {
    r.timeline_years = cs.timeline_years;
    for (std::size_t k = 0; k < cs.offers.size() * cs.timeline_years; ++k)
      r.timeline.emplace_back(n);
  }
  if (opt.record_inputs)
    r.inputs.assign(
        input_slots(static_cast<int>(cs.companies.size()), static_cast<int>(cs.offers.size())),
        std::vector<double>(n));
  const auto start = std::chrono::steady_clock::now();
  if (opt.timeline)
    run_all<true>(cs, opt, r);
  else
    run_all<false>(cs, opt, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

PathValues simulate_path(const CompiledScenario& cs, std::uint64_t path) {
  PathKernel<false, true> kernel(cs);
  PathValues v;
  v.cash.resize(cs.offers.size());
  v.equity.resize(cs.offers.size());
  v.salary_bonus.resize(cs.offers.size());
  v.outcome.resize(cs.companies.size());
  kernel.run(path, Outputs{v.cash.data(), v.equity.data(), v.salary_bonus.data(), v.outcome.data(),
                           nullptr});
  v.draws = kernel.draws();
  return v;
}

DrawCounts count_draws(const CompiledScenario& cs, std::uint64_t sample) {
  PathKernel<false, true> kernel(cs);
  std::vector<double> a(cs.offers.size()), b(cs.offers.size()), c(cs.offers.size());
  std::vector<Outcome> o(cs.companies.size());
  for (std::uint64_t i = 0; i < sample; ++i)
    kernel.run(i, Outputs{a.data(), b.data(), c.data(), o.data(), nullptr});
  const double n = static_cast<double>(sample);
  return {static_cast<double>(kernel.draws()) / n, static_cast<double>(kernel.normals()) / n};
}

}  // namespace vestsim::models
