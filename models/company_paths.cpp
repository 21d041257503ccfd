#include "models/company_paths.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "engine/distributions.hpp"
#include "engine/ieee_math.hpp"
#include "engine/lanes.hpp"
#include "models/inputs.hpp"

namespace vestsim::models {

namespace {

const double kSqrt12 = std::sqrt(12.0);

// W(t) of the growth driver for t >= 0: the whole months' shocks over sqrt(12), then the
// partial last month sqrt(t - (E_t - 1)/12) z(E_t), E_t = ceil(12 t). A pinned path
// (sensitivity) has W(t) = z_q sqrt(t). The whole months are pre's running sum.
double growth_w(const CompiledPrivate& c, double t, PreEvent& pre) {
  if (!(t > 0)) return 0;
  if (!std::isnan(c.pinned_growth_z)) return c.pinned_growth_z * std::sqrt(t);
  const int e = std::max(1, static_cast<int>(std::ceil(12.0 * t)));
  pre.reach(e);
  return pre.w(e - 1) + std::sqrt(std::max(0.0, t - (e - 1) / 12.0)) * pre.z(e);
}

// K ~ Poisson(rounds_per_year Tc), the dilution rounds to exit time Tc >= 0: the quantile of
// draw 0 of the rounds stream; the sub-block's count when fill_private_block() made it (the
// same count, from the same Tc and draw).
std::uint32_t round_count(const PrivateCompany& p, const CompiledPrivate& keys, double Tc,
                          const CompanyState& st, PathDraws& draws) {
  if (!(p.rounds_per_year > 0)) return 0;
  if (st.block_rounds_made && st.block_generation == draws.generation()) {
    assert(st.block_round_mean[draws.column()] == p.rounds_per_year * Tc);
    return st.block_rounds[draws.column()];
  }
  return engine::poisson_quantile(p.rounds_per_year * Tc, draws.u(keys.rounds_key, 0));
}

// D of the K dilution rounds to exit time Tc (round_count()), each keeping 1 - per_round of the
// company. With `pre` (and last >= 0), round k, at
// time Tc u_k (u_k from the round_time stream), multiplies pre's mark for the first whole
// month j > 12 Tc u_k when j <= last, so that D(t) is the product of the marks of 0 .. t.
double rounds_kept(const PrivateCompany& p, const CompiledPrivate& keys, double Tc, std::uint32_t K,
                   PathDraws& draws, PreEvent* pre = nullptr, int last = -1) {
  double D = 1;
  if (p.rounds_per_year > 0) {
    const bool marking = pre && K > 0;
    if (marking) pre->open_marks(last);
    for (std::uint32_t k = 0; k < K; ++k) {
      const double kept = 1.0 - std::clamp(p.per_round(draws.u(keys.per_round_key, k)), 0.0, 1.0);
      D *= kept;
      if (!marking) continue;
      const double at = 12.0 * Tc * draws.u(keys.round_time_key, k);
      if (at < last) pre->mark(static_cast<int>(std::floor(at)) + 1, kept);
    }
  }
  return D;
}

// Every private input drawn whatever the outcome, for rank correlations; Tc is
// T clamped to [0, L/12 + 1].
void record_private(const CompiledPrivate& c, double T, double Tc, std::uint32_t K, int L,
                    PathDraws& draws, PreEvent& pre, double* rec) {
  const PrivateCompany& p = c.params;
  auto at = [rec](InputField f) -> double& { return rec[static_cast<int>(f)]; };
  at(InputField::kExitTime) = T;
  at(InputField::kIpoMultiple) = p.ipo_multiple(draws.u(c.ipo_multiple_key, 0));
  at(InputField::kIpoDilution) = p.ipo_dilution(draws.u(c.ipo_dilution_key, 0));
  at(InputField::kAcquisitionMultiple) =
      p.acquisition_multiple(draws.u(c.acquisition_multiple_key, 0));
  // The share lost to the rounds.
  at(InputField::kRounds) = 1.0 - rounds_kept(p, c, Tc, K, draws);
  // The growth shock standardised, W(t)/sqrt(t), to the event or to L.
  const double tg = std::min(Tc, L / 12.0);
  at(InputField::kGrowth) =
      p.growth_volatility > 0 && tg > 0 ? growth_w(c, tg, pre) / std::sqrt(tg) : 0.0;
  double w = 0;
  if (p.post_ipo_volatility > 0)
    for (std::uint32_t j = 0; j < 12; ++j) w += draws.z(c.post_ipo_key, j) / kSqrt12;
  at(InputField::kPostIpo) = w;
}

// The open tender windows before the event (to L without one), priced from st.pre
// (docs/model.md#m4-tender-offers): window w at first + w every opens iff draw w of the tender
// stream is below the probability; its price factor is draw w of the price stream, at least 0.
void open_tenders(const CompiledPrivate& c, CompanyState& st, PathDraws& draws) {
  const Tenders& td = c.params.tenders;
  st.tenders = 0;
  for (int w = 0, t = td.first_month; t <= st.pre_last; ++w, t += td.every_months) {
    if (!(draws.u(c.tender_key, static_cast<std::uint32_t>(w)) < td.probability)) continue;
    const double f =
        std::max(0.0, td.price(draws.u(c.tender_price_key, static_cast<std::uint32_t>(w))));
    st.tender_month[st.tenders] = t;
    st.tender_price[st.tenders] = f * st.pre.value(t);
    ++st.tenders;
  }
}

// T clamped to [0, L/12 + 1]. Compared in double before any cast: an event with 12 T > L is no
// event however large T is, and the Poisson mean uses T capped at L/12 + 1
// (docs/model.md#10-conventions).
double capped_exit_years(double T, int L) {
  return std::min(std::max(T, 0.0), L / 12.0 + 1.0);
}

// f(column, Tc) for each column of the draws' sub-block whose outcome draw is below `below` (an
// IPO: p_ipo; an IPO or an acquisition: p_ipo + p_acquisition) and whose capped exit time Tc is
// within the liquidity horizon: private_path()'s outcome and E, read from the sub-block's exit
// times and outcome draws. Nothing when those are not on lanes.
template <class F>
void each_event_column(const CompiledPrivate& c, int L, const CompanyState& st,
                       const PathDraws& draws, double below, F f) {
  const PrivateCompany& p = c.params;
  const double* T = st.exit_time.row(0);
  const double* u = draws.lane_row(c.outcome_key, 0, false);
  if (!u || (!T && !p.exit_time.is_constant())) return;
  for (std::uint32_t col = 0; col < draws.block_paths(); ++col) {
    if (!(u[col] < below)) continue;
    const double Tc = capped_exit_years(T ? T[col] : p.exit_time(0.0), L);
    if (12.0 * Tc <= L) f(col, Tc);
  }
}

// z_i = sum_j L(i, j) eps(j) from +0, in j order, into z(i) for i < n, on `cols` lanes:
// CorrelationFactor::apply's operations.
template <class Eps, class Z>
void correlate_lanes(const CorrelationFactor& factor, std::size_t n, Eps eps, Z z,
                     std::uint32_t cols) {
  const double* row = factor.lower.data();
  for (std::size_t i = 0; i < n; ++i) {
    double* out = z(i);
    std::fill(out, out + cols, 0.0);
    for (std::size_t j = 0; j <= i; ++j) engine::lanes_add_scaled(eps(j), row[j], cols, out);
    row += i + 1;
  }
}

}  // namespace

// G(t/12) D(t) (docs/model.md#m2-the-private-company-before-its-event): exactly the operations of
// a month-by-month fill, D(t) = D(t - 1) marks[t] and exp(mu t/12 + v W(t)) D(t).
double PreEvent::value(int t) {
  assert(t >= 0 && t < size_ && (marks_last_ < 0 || t <= marks_last_));
  const PrivateCompany& p = c_->params;
  const double v = p.growth_volatility, mu = p.growth_drift - 0.5 * v * v;
  if (marks_last_ >= 0)
    for (; d_ready_ < t; ++d_ready_) d_[d_ready_ + 1] = d_[d_ready_] * marks_[d_ready_ + 1];
  const double d = marks_last_ >= 0 ? d_[t] : 1.0;
  if (t == 0) return 1.0;
  double wt = 0;
  if (v > 0)
    wt = std::isnan(c_->pinned_growth_z) ? w(t) : c_->pinned_growth_z * std::sqrt(t / 12.0);
  return engine::ieee_exp(mu * (t / 12.0) + v * wt) * d;
}

void CorrelatedShocks::fill_block(const PathDraws& draws) {
  block_months_ = 0;
  block_generation_ = draws.generation();
  const std::uint32_t paths = draws.block_paths();
  if (n_ == 0 || n_ > kMaxBlockDrivers || paths == 0) return;
  // The months whose every eps is on lanes (none in a sobol run).
  auto eps_row = [&](std::size_t k, int m) {
    return draws.lane_row(m_->keys[k], static_cast<std::uint32_t>(m - 1), true);
  };
  int covered = 0;
  for (bool all = true; all && covered < m_->months;) {
    for (std::size_t k = 0; k < n_ && all; ++k) all = eps_row(k, covered + 1) != nullptr;
    if (all) ++covered;
  }
  if (covered == 0) return;
  constexpr std::size_t kB = PathDraws::kBlock;
  if (block_.size() < n_ * static_cast<std::size_t>(covered) * kB)
    block_.resize(n_ * static_cast<std::size_t>(covered) * kB);
  const double* eps[kMaxBlockDrivers];
  for (int m = 1; m <= covered; ++m) {
    for (std::size_t k = 0; k < n_; ++k) eps[k] = eps_row(k, m);
    correlate_lanes(
        m_->factor, n_, [&](std::size_t j) { return eps[j]; },
        [&](std::size_t i) {
          return block_.data() + (static_cast<std::size_t>(m - 1) * n_ + i) * kB;
        },
        paths);
    block_months_ = m;
  }
}

void CorrelatedShocks::extend_block(const PathDraws& draws, const int* need) {
  ext_generation_ = draws.generation();
  ext_months_ = block_months_;
  // Past the block, or from month 1 when no month is on lanes for every driver.
  if (!draws.ahead() || n_ == 0 || block_generation_ != draws.generation()) return;
  const int top = past_.plan(draws, block_months_, m_->months, need, n_);
  if (top == block_months_) return;
  const auto months = static_cast<std::size_t>(top - block_months_);
  if (ext_.size() < months * n_ * kB) ext_.resize(months * n_ * kB);
  for (std::size_t j = 0; j < n_; ++j) past_.draw(j, m_->keys[j]);
  // fill_block()'s sums, month by month over the ranks that need the month.
  for (int m = block_months_ + 1; m <= top; ++m)
    correlate_lanes(
        m_->factor, n_, [&](std::size_t j) { return past_.row(j, m); },
        [&](std::size_t i) { return ext_row(static_cast<int>(i), m); }, past_.count(m));
  ext_months_ = top;
}

void PreEvent::fill_block(const CompiledPrivate& c, const PathDraws& draws,
                          const CorrelatedShocks& shocks) {
  block_months_ = 0;
  block_generation_ = draws.generation();
  const std::uint32_t paths = draws.block_paths();
  if (!(c.params.growth_volatility > 0) || !std::isnan(c.pinned_growth_z) || paths == 0) return;
  auto shock_row = [&](int t) {
    return shocks.block_shocks(c.growth_corr, c.growth_key, t, draws);
  };
  int covered = 0;
  while (covered + 1 < size_ && shock_row(covered + 1)) ++covered;
  if (covered == 0) return;
  constexpr std::size_t kB = PathDraws::kBlock;
  if (block_w_.size() < static_cast<std::size_t>(covered + 1) * kB)
    block_w_.resize(static_cast<std::size_t>(covered + 1) * kB);
  std::fill(block_w_.begin(), block_w_.begin() + paths, 0.0);
  for (int t = 1; t <= covered; ++t) {
    const double* z = shock_row(t);
    double* w = block_w_.data() + static_cast<std::size_t>(t) * kB;
    engine::lanes_walk_div(w - kB, z, kSqrt12, paths, w);
    block_months_ = t;
  }
}

void PreEvent::extend_block(const CompiledPrivate& c, const PathDraws& draws,
                            const CorrelatedShocks& shocks, const int* need) {
  ext_generation_ = draws.generation();
  ext_months_ = block_months_;
  shock_ranks_ = nullptr;
  // Past the block, or from W(0) = 0 without one (a growth stream planned nowhere).
  if (!draws.ahead() || block_generation_ != draws.generation()) return;
  // The months past the block and their shocks by rank: the correlated driver's, or drawn here.
  int top = 0;
  if (c.growth_corr >= 0) {
    if (shocks.block_months() != block_months_) return;
    shock_ranks_ = &shocks.past();
    top = std::min(shocks.ext_months(draws), size_ - 1);
  } else {
    top = past_.plan(draws, block_months_, size_ - 1, need, 1);
    if (top > block_months_) past_.draw(0, c.growth_key);
  }
  if (top <= block_months_) return;
  const auto shock_row = [&](int t) {
    return c.growth_corr >= 0 ? shocks.ext_z(c.growth_corr, t) : past_.row(0, t);
  };
  constexpr std::size_t kB = PathDraws::kBlock;
  const auto rows = static_cast<std::size_t>(top - block_months_ + 1);
  if (ext_w_.size() < rows * kB) ext_w_.resize(rows * kB);
  // From W(block_months_) of each rank's column, the running sum w() makes.
  for (std::uint32_t r = 0; r < ranks().count(block_months_ + 1); ++r)
    ext_w_[r] = block_months_ == 0
                    ? 0.0
                    : block_w_[static_cast<std::size_t>(block_months_) * kB + ranks().column(r)];
  for (int t = block_months_ + 1; t <= top; ++t) {
    double* w = ext_w_.data() + static_cast<std::size_t>(t - block_months_) * kB;
    engine::lanes_walk_div(w - kB, shock_row(t), kSqrt12, ranks().count(t), w);
  }
  ext_months_ = top;
}

void fill_public_block(const CompiledPublic& p, CompanyState& st, const PathDraws& draws,
                       const CorrelatedShocks& shocks) {
  st.block_prices = false;
  st.block_generation = draws.generation();
  const std::uint32_t paths = draws.block_paths();
  const double volatility = p.params.volatility;
  if (!(volatility > 0) || !std::isnan(p.pinned_z) || p.months.empty() || paths == 0) return;
  const int last = p.months.back();
  auto shock_row = [&](int m) { return shocks.block_shocks(p.corr, p.key, m, draws); };
  for (int m = 1; m <= last; ++m)
    if (!shock_row(m)) return;
  constexpr std::size_t kB = PathDraws::kBlock;
  const std::size_t n = p.months.size();
  st.block_price.resize(n * kB);
  st.block_log_last.resize(kB);
  // public_path()'s running sum log S += step_mu + step_sd z, kept at each needed month.
  const double mu = p.params.drift - 0.5 * volatility * volatility;
  const double step_mu = mu / 12.0, step_sd = volatility / std::sqrt(12.0);
  double* log_s = st.block_log_last.data();
  std::fill(log_s, log_s + paths, 0.0);
  int m = 0;
  for (std::size_t k = 0; k < n; ++k) {
    for (; m < p.months[k]; ++m)
      engine::lanes_walk_affine(log_s, shock_row(m + 1), step_mu, step_sd, paths, log_s);
    std::copy(log_s, log_s + paths, st.block_price.data() + k * kB);
  }
  for (std::size_t k = 0; k < n; ++k) {
    double* row = st.block_price.data() + k * kB;
    engine::lanes_exp(row, paths, row);
  }
  st.block_prices = true;
}

namespace {

// The post-IPO walk's monthly drift and volatility of log Q.
std::pair<double, double> post_ipo_step(const PrivateCompany& p) {
  const double drift = p.post_ipo_drift, volatility = p.post_ipo_volatility;
  return {(drift - 0.5 * volatility * volatility) / 12.0, volatility / std::sqrt(12.0)};
}

}  // namespace

void BlockSample::fill(const engine::Sampler& s, StreamKey key, std::uint32_t count,
                       const PathDraws& draws) {
  generation_ = draws.generation();
  made_ = 0;
  if (s.is_constant()) return;  // costs nothing per path
  constexpr std::size_t kB = PathDraws::kBlock;
  for (; made_ < count; ++made_) {
    const double* u = draws.lane_row(key, made_, false);
    if (!u) break;
    if (values_.size() < (made_ + 1) * kB) values_.resize((made_ + 1) * kB);
    s.sample_lanes(u, draws.block_paths(), values_.data() + made_ * kB);
  }
}

namespace {

// The post-IPO walk's steps past the block's rows for the columns predicted to take them: an IPO
// within the liquidity horizon takes max(lockup, H - E) steps (private_path()). Their draws on
// lanes of those paths (DrawsPastBlock), walked as fill_private_block() walks its rows, from
// each column's last row (0 without rows): the same bits. Only speed depends on the prediction.
void extend_post_walk(const CompiledPrivate& c, int H, int L, CompanyState& st,
                      const PathDraws& draws) {
  const PrivateCompany& p = c.params;
  const int rows = st.block_post_rows;
  st.post_past_top = rows;
  if (!draws.ahead() || !(p.post_ipo_volatility > 0) || !std::isnan(c.pinned_post_z) ||
      c.post_ipo_corr >= 0)
    return;
  constexpr std::size_t kB = PathDraws::kBlock;
  std::array<int, kB> need{};
  each_event_column(c, L, st, draws, p.p_ipo, [&](std::uint32_t col, double Tc) {
    need[col] = std::max(p.lockup_months, H - std::max(1, static_cast<int>(std::ceil(12.0 * Tc))));
  });
  const int top = st.post_past.plan(draws, rows, std::max(p.lockup_months, H - 1), need.data(), 1);
  if (top == rows) return;
  st.post_past.draw(0, c.post_ipo_key);
  const auto size = static_cast<std::size_t>(top - rows + 1) * kB;
  if (st.post_past_log.size() < size) st.post_past_log.resize(size);
  double* walk = st.post_past_log.data();
  for (std::uint32_t r = 0; r < st.post_past.count(rows + 1); ++r)
    walk[r] = rows > 0
                  ? st.block_post_log[static_cast<std::size_t>(rows) * kB + st.post_past.column(r)]
                  : 0.0;
  const auto [mu, sd] = post_ipo_step(p);
  for (int j = rows + 1; j <= top; ++j, walk += kB)
    engine::lanes_walk_affine(walk, st.post_past.row(0, j), mu, sd, st.post_past.count(j),
                              walk + kB);
  st.post_past_top = top;
}

}  // namespace

void fill_private_block(const CompiledPrivate& c, int H, int L, CompanyState& st,
                        const PathDraws& draws) {
  const PrivateCompany& p = c.params;
  // The post-IPO walk log Q(E + j), j = 1 .. rows, of private_path(): its step j (into E + j)
  // is draw j - 1 of the company's own stream whatever E, so every column walks the same rows;
  // a path reads the rows up to its own steps. Only for an own stream on lanes, unpinned.
  st.block_generation = draws.generation();
  st.block_post_rows = 0;
  if (p.post_ipo_volatility > 0 && std::isnan(c.pinned_post_z) && c.post_ipo_corr < 0) {
    const int most = std::max(p.lockup_months, H - 1);  // E >= 1
    int rows = 0;
    while (rows < most && draws.lane_row(c.post_ipo_key, static_cast<std::uint32_t>(rows), true))
      ++rows;
    if (rows > 0) {
      constexpr std::size_t kB = PathDraws::kBlock;
      const std::uint32_t paths = draws.block_paths();
      st.block_post_log.resize(static_cast<std::size_t>(rows + 1) * kB);
      double* walk = st.block_post_log.data();
      std::fill(walk, walk + paths, 0.0);
      const auto [mu, sd] = post_ipo_step(p);
      // log_q += mu + sd z: lanes_walk_affine's prev + (a + b x), the same bits.
      for (int j = 0; j < rows; ++j)
        engine::lanes_walk_affine(
            walk + j * kB, draws.lane_row(c.post_ipo_key, static_cast<std::uint32_t>(j), true), mu,
            sd, paths, walk + (j + 1) * kB);
      st.block_post_rows = rows;
    }
  }
  st.exit_time.fill(p.exit_time, c.exit_key, 1, draws);
  st.ipo_multiple.fill(p.ipo_multiple, c.ipo_multiple_key, 1, draws);
  st.ipo_dilution.fill(p.ipo_dilution, c.ipo_dilution_key, 1, draws);
  st.acquisition_multiple.fill(p.acquisition_multiple, c.acquisition_multiple_key, 1, draws);
  // round_count() of every column: the same mean rounds_per_year Tc, from the same exit time.
  st.block_rounds_made = false;
  const double* u = p.rounds_per_year > 0 ? draws.lane_row(c.rounds_key, 0, false) : nullptr;
  const double* T = st.exit_time.row(0);
  if (u && (T || p.exit_time.is_constant())) {
    constexpr std::size_t kB = PathDraws::kBlock;
    const std::uint32_t paths = draws.block_paths();
    st.block_round_mean.resize(kB);
    st.block_rounds.resize(kB);
    for (std::uint32_t col = 0; col < paths; ++col)
      st.block_round_mean[col] =
          p.rounds_per_year * capped_exit_years(T ? T[col] : p.exit_time(0.0), L);
    engine::lanes_poisson(st.block_round_mean.data(), u, paths, st.block_rounds.data());
    st.block_rounds_made = true;
  }
  extend_post_walk(c, H, L, st, draws);
}

void growth_reach(const CompiledPrivate& c, int L, const CompanyState& st, const PathDraws& draws,
                  int* need) {
  const PrivateCompany& p = c.params;
  if (!(p.growth_volatility > 0) || !std::isnan(c.pinned_growth_z)) return;
  each_event_column(c, L, st, draws, p.p_ipo + p.p_acquisition, [&](std::uint32_t col, double Tc) {
    if (Tc > 0) need[col] = std::max(need[col], static_cast<int>(std::ceil(12.0 * Tc)));
  });
}

void pin_growth_bridges(const CompiledScenario& cs, PathDraws& draws) {
  for (const CompiledCompany& cc : cs.companies) {
    if (cc.is_public || cc.priv.growth_bridge < 0) continue;
    const double T = cc.priv.params.exit_time(draws.u(cc.priv.exit_key, 0));
    draws.pin_bridge(static_cast<std::size_t>(cc.priv.growth_bridge), capped_exit_years(T, cs.L));
  }
}

double departure_months(const CompiledScenario& cs, PathDraws& draws, const BlockSample& tau) {
  if (!std::isnan(cs.pinned_departure_years)) return 12.0 * cs.pinned_departure_years;
  if (cs.departure_at_month >= 0) return cs.departure_at_month;
  if (!(cs.departure_rate > 0)) return std::numeric_limits<double>::infinity();
  if (cs.departure.is_constant())  // no finite rate: no sampler
    return 12.0 * (-engine::ieee_log1p(-draws.u(cs.departure_key, 0)) / cs.departure_rate);
  // The exponential sampler is that expression: -ieee_log1p(-p) / rate at p = 0 + u (1 - 0) = u.
  return 12.0 * tau(cs.departure, cs.departure_key, 0, draws);
}

// Monthly steps from month 1 to the last needed month: the step ending at m
// uses draw m - 1 of the company's stream, so S(m) depends on draws 1..m only,
// never on which months the offers need (docs/model.md#5-public-companies). A
// pinned path (sensitivity) puts S(m) at its own quantile: log S(m) =
// (mu - s^2/2) m/12 + s z_q sqrt(m/12), and so does a path without volatility.
void public_path(const CompiledPublic& p, CompanyState& st, PathDraws& draws,
                 CorrelatedShocks& shocks, double* record) {
  const double volatility = p.params.volatility;
  const double mu = p.params.drift - 0.5 * volatility * volatility;
  // log S at the k-th needed month goes to price[k], then one lanes_exp (the bits of ieee_exp)
  // makes them prices, moved to price[month] from the last down: months[k] > k, so no move
  // overwrites a price still to move. price[0] = S(0)/S(0) = 1 stays the grant-at-0 reference.
  double* price = st.price;
  const std::size_t n = p.months.size();
  if (st.block_prices) {  // made for the whole sub-block (fill_public_block())
    assert(st.block_generation == draws.generation());
    constexpr std::size_t kB = PathDraws::kBlock;
    const std::uint32_t col = draws.column();
    if (st.path_prices) {
      for (std::size_t k = 0; k < n; ++k) price[p.months[k]] = st.block_price[k * kB + col];
      price[0] = 1.0;
    }
    if (record) record[static_cast<int>(InputField::kStock)] = st.block_log_last[col];
    return;
  }
  double log_s = 0;
  if (volatility > 0 && std::isnan(p.pinned_z)) {
    const double step_mu = mu / 12.0, step_sd = volatility / std::sqrt(12.0);
    int m = 0;
    for (std::size_t k = 0; k < n; ++k) {
      for (; m < p.months[k]; ++m)
        log_s += step_mu + step_sd * (p.corr >= 0 ? shocks.z(p.corr, m + 1, draws)
                                                  : draws.z(p.key, static_cast<std::uint32_t>(m)));
      price[k] = log_s;
    }
  } else {
    const double z = volatility > 0 ? p.pinned_z : 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      const int m = p.months[k];
      log_s = mu * (m / 12.0) + volatility * z * std::sqrt(m / 12.0);
      price[k] = log_s;
    }
  }
  engine::lanes_exp(price, n, price);
  for (std::size_t k = n; k-- > 0;) price[p.months[k]] = price[k];
  price[0] = 1.0;
  if (record) record[static_cast<int>(InputField::kStock)] = log_s;
}

void private_path(const CompiledPrivate& c, int H, int L, CompanyState& st, PathDraws& draws,
                  CorrelatedShocks& shocks, double* record) {
  const PrivateCompany& p = c.params;
  const double T = st.exit_time(p.exit_time, c.exit_key, 0, draws);
  const double Tc = capped_exit_years(T, L);
  const bool too_late = !(12.0 * Tc <= L);
  st.pre.start(c, draws, shocks);
  if (record) record_private(c, T, Tc, round_count(p, c, Tc, st, draws), L, draws, st.pre, record);
  st.E = too_late ? L + 1 : std::max(1, static_cast<int>(std::ceil(12.0 * Tc)));
  const double uo = draws.u(c.outcome_key, 0);
  Outcome o = uo < p.p_ipo                                   ? Outcome::kIpo
              : uo < p.p_ipo + p.p_acquisition               ? Outcome::kAcquisition
              : uo < p.p_ipo + p.p_acquisition + p.p_failure ? Outcome::kFailure
                                                             : Outcome::kNone;
  if (too_late) o = Outcome::kNone;
  st.outcome = o;
  st.R = 0;
  st.pre_last = -1;
  // Values before the event: to E - 1, or to L when there is no event (outcome none).
  double D = 1;
  st.tenders = 0;
  if (c.needs_pre) {
    st.pre_last = std::min(o == Outcome::kNone ? L : st.E - 1, L);
    D = rounds_kept(p, c, Tc, round_count(p, c, Tc, st, draws), draws, &st.pre, st.pre_last);
    if (p.tenders.enabled) open_tenders(c, st, draws);
  }
  if (o != Outcome::kIpo && o != Outcome::kAcquisition) return;

  double G = 1;
  if (p.growth_volatility > 0 || p.growth_drift != 0) {
    const double w = p.growth_volatility > 0 ? growth_w(c, Tc, st.pre) : 0.0;
    G = engine::ieee_exp((p.growth_drift - 0.5 * p.growth_volatility * p.growth_volatility) * Tc +
                         p.growth_volatility * w);
  }
  const bool ipo = o == Outcome::kIpo;
  const double X = std::max(
      0.0,
      ipo ? st.ipo_multiple(p.ipo_multiple, c.ipo_multiple_key, 0, draws)
          : st.acquisition_multiple(p.acquisition_multiple, c.acquisition_multiple_key, 0, draws));
  if (!c.needs_pre) D = rounds_kept(p, c, Tc, round_count(p, c, Tc, st, draws), draws);
  if (ipo)
    D *= 1.0 - std::clamp(st.ipo_dilution(p.ipo_dilution, c.ipo_dilution_key, 0, draws), 0.0, 1.0);
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

  // Post-IPO price relative to P(E), monthly from E (first step E -> E + 1): log Q, then one
  // lanes_exp (the bits of ieee_exp) over the table. Its first steps may come from the
  // sub-block's walk (fill_private_block()).
  const double volatility = p.post_ipo_volatility;
  const int steps = std::max(p.lockup_months, H - st.E);
  const auto [mu, sd] = post_ipo_step(p);
  double log_q = 0;
  st.price[0] = 1;
  int j = 0;
  if (st.block_post_rows > 0) {
    assert(st.block_generation == draws.generation());
    constexpr std::size_t kB = PathDraws::kBlock;
    const double* walk = st.block_post_log.data() + draws.column();
    for (; j < std::min(steps, st.block_post_rows); ++j) st.price[j + 1] = walk[(j + 1) * kB];
  }
  if (st.post_past_top > st.block_post_rows && j < steps) {  // and past them (extend_post_walk())
    assert(st.block_generation == draws.generation());
    constexpr std::size_t kB = PathDraws::kBlock;
    const std::uint32_t rank = st.post_past.rank(draws.column());
    const int rows = st.block_post_rows;
    const double* walk = st.post_past_log.data() + rank;
    for (; j < std::min(steps, st.post_past.last(draws.column())); ++j)
      st.price[j + 1] = walk[static_cast<std::size_t>(j + 1 - rows) * kB];
  }
  if (j > 0) log_q = st.price[j];
  const bool own_walk = volatility > 0 && std::isnan(c.pinned_post_z) && c.post_ipo_corr < 0;
  if (own_walk && j < steps) {  // its draws j .. steps - 1 at once, into the table, then walked
    const StreamKey key = c.post_ipo_key;
    draws.z_rows(std::span(&key, 1), static_cast<std::uint32_t>(j),
                 static_cast<std::uint32_t>(steps - j), st.price + j + 1);
    for (; j < steps; ++j) {
      log_q += mu + sd * st.price[j + 1];
      st.price[j + 1] = log_q;
    }
  }
  for (; j < steps; ++j) {
    double shock = 0;
    if (volatility > 0 && !std::isnan(c.pinned_post_z))
      shock = volatility * c.pinned_post_z * (std::sqrt((j + 1) / 12.0) - std::sqrt(j / 12.0));
    else if (volatility > 0)  // the step into calendar month E + j + 1
      shock = sd * (c.post_ipo_corr >= 0 ? shocks.z(c.post_ipo_corr, st.E + j + 1, draws)
                                         : draws.z(c.post_ipo_key, static_cast<std::uint32_t>(j)));
    log_q += mu + shock;
    st.price[j + 1] = log_q;
  }
  engine::lanes_exp(st.price + 1, static_cast<std::size_t>(steps), st.price + 1);
}

void fx_path(const CompiledFx& f, int months, double* x, PathDraws& draws,
             CorrelatedShocks& shocks) {
  const double v = f.volatility;
  double w = 0;
  x[0] = f.rate;
  for (int m = 1; m <= months; ++m) {
    w += (f.corr >= 0 ? shocks.z(f.corr, m, draws)
                      : draws.z(f.key, static_cast<std::uint32_t>(m - 1))) /
         kSqrt12;
    x[m] = -v * v * m / 24.0 + v * w;
  }
  engine::lanes_exp(x + 1, static_cast<std::size_t>(months), x + 1);  // the bits of ieee_exp
  for (int m = 1; m <= months; ++m) x[m] = f.rate * x[m];
}

}  // namespace vestsim::models
