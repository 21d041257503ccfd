// The per-company half of one path (docs/model.md#5-public-companies to
// docs/model.md#6-private-companies, §10): the departure time, each public company's share price,
// each private company's liquidity event and post-IPO price. Offers are priced from these
// afterwards (models/offer_pricing.hpp). Nothing here allocates, dispatches virtually or touches a
// string: it runs once per path.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/compiled.hpp"
#include "models/path_draws.hpp"

namespace vestsim::models {

// The correlated drivers' shocks of one path (docs/model.md#m1-drivers-and-correlation), made a
// month at a time as the paths ask for them: eps_i(m) is draw m - 1 of driver i's own stream
// and z(m) = L eps(m), one small triangular product per month. Sized once; a path allocates
// nothing, and what it returns never depends on the order of the requests.
//
// With lanes, fill_block() makes z(m) for every path of the draws' sub-block at once, for the
// months 1 .. block_months() whose eps are all on lanes (docs/design.md#15-lanes-of-paths): the
// same operations in the same order, so the same bits. extend_block() makes later months for the
// paths predicted to need them, on lanes of those paths; the rest are made per path.
class CorrelatedShocks {
 public:
  explicit CorrelatedShocks(const CompiledMarkets& m)
      : m_(&m), n_(m.factor.size()), z_(n_ * (m.months + 1)), eps_(n_ * m.months) {}
  // Call at every path, after draws.start(): the block's months from the draws' sub-block (when
  // fill_block() made them for it), the rest made on demand.
  void start(const PathDraws& draws) {
    assert(block_months_ == 0 || block_generation_ == draws.generation());
    col_ = draws.column();
    col_ext_ = 0;
    if (ext_generation_ == draws.generation() && ext_months_ > block_months_) {
      col_ext_ = past_.last(col_);
      col_rank_ = past_.rank(col_);
    }
    ready_ = std::max(block_months_, col_ext_);
  }
  // Makes the block's months for the draws' current sub-block; without lanes, none. Allocates
  // the first time only.
  void fill_block(const PathDraws& draws);
  // Makes months block_months() + 1 .. need[p] (at most months) of each column p of the draws'
  // sub-block (from month 1 without a block), the columns that need a month on lanes together: the
  // eps of those paths (engine::fill_lanes_at) and fill_block()'s sums, the same bits. A path then
  // reads them as it reads the block's. `need` holds a month count per column, a prediction of what
  // the paths will read (growth_reach()): only speed depends on it. Call after fill_block(), for
  // the same sub-block; in a run without lanes ahead (PathDraws::ahead()), it makes nothing.
  // Allocates only to grow.
  void extend_block(const PathDraws& draws, const int* need);
  int block_months() const { return block_months_; }
  // z_i(m) of the sub-block's paths, m <= block_months().
  const double* block_row(int i, int m) const {
    return block_.data() + (static_cast<std::size_t>(m - 1) * n_ + i) * PathDraws::kBlock;
  }
  // The month-m shocks of a driver for the sub-block's paths: row `corr` of the block when
  // correlated (corr >= 0), else draw m - 1 of its own stream `own` on lanes; null where neither
  // was made.
  const double* block_shocks(int corr, StreamKey own, int m, const PathDraws& draws) const {
    if (corr >= 0) return m <= block_months_ ? block_row(corr, m) : nullptr;
    return draws.lane_row(own, static_cast<std::uint32_t>(m - 1), true);
  }
  // What extend_block() made for the draws' current sub-block: its last month (block_months()
  // when nothing), the columns' ranks and z_i(m) by rank, block_months() < m <= that month.
  int ext_months(const PathDraws& draws) const {
    return ext_generation_ == draws.generation() ? ext_months_ : block_months_;
  }
  const DrawsPastBlock& past() const { return past_; }
  const double* ext_z(int i, int m) const {
    return ext_.data() + (static_cast<std::size_t>(m - block_months_ - 1) * n_ + i) * kB;
  }
  // z(m) of correlated driver i. Requires 0 <= i < drivers, 1 <= m <= months.
  double z(int i, int m, PathDraws& draws) {
    assert(i >= 0 && static_cast<std::size_t>(i) < n_ && m >= 1 && m <= m_->months);
    if (m <= block_months_) return block_row(i, m)[col_];
    if (m <= col_ext_) return ext_row(i, m)[col_rank_];
    make_to(m, draws);
    return z_[m * n_ + i];
  }
  // Makes this path's months up to m past the block, all at once: a walk that knows how far it
  // goes asks for it before reading z() month by month. Requires m <= months.
  void make_to(int m, PathDraws& draws) {
    if (ready_ >= m) return;
    const auto count = static_cast<std::uint32_t>(m - ready_);
    draws.z_rows(m_->keys, static_cast<std::uint32_t>(ready_), count, eps_.data());
    for (std::uint32_t k = 0; k < count; ++k)
      m_->factor.apply(eps_.data() + k * n_, z_.data() + (ready_ + 1 + k) * n_);
    ready_ = m;
  }

 private:
  static constexpr std::size_t kMaxBlockDrivers = 16;  // more: every month per path
  static constexpr std::size_t kB = PathDraws::kBlock;
  // z_i(m) of the extended columns, block_months_ < m <= ext_months_, element r the column of
  // rank r's.
  double* ext_row(int i, int m) { return const_cast<double*>(ext_z(i, m)); }
  const CompiledMarkets* m_;
  std::size_t n_;
  std::vector<double> z_, eps_;  // z_[m * n + i]
  int ready_ = 0;                // months made for this path
  std::vector<double> block_;    // [(m - 1) n + i][column] for m <= block_months_
  int block_months_ = 0;
  std::uint64_t block_generation_ = 0;  // the draws' sub-block it was made for
  std::uint32_t col_ = 0;
  // extend_block(): the months past the block of the columns that need them, by rank.
  DrawsPastBlock past_;
  std::vector<double> ext_;
  int ext_months_ = 0;  // the most of any column
  std::uint64_t ext_generation_ = 0;
  int col_ext_ = 0;  // this path's last month from past_ (at most block_months_: none)
  std::uint32_t col_rank_ = 0;
};

// The value before the event of one private company on one path
// (docs/model.md#m2-the-private-company-before-its-event), P(t)/valuation = G(t/12) D(t), made
// on demand: a month no payout asks for costs neither a draw nor an exp. The growth driver's
// running sum W(t) = sum_{k <= t} z(k)/sqrt(12) and the rounds' running product D(t) are
// extended a month at a time from month 0, so every value has the same bits whichever months are
// asked, in whatever order: those of a table filled month by month. Scratch is bound once; a path
// allocates nothing.
class PreEvent {
 public:
  // Binds scratch of pre_table_size() doubles for liquidity horizon L.
  void bind(double* scratch, int L) {
    size_ = L + 2;
    w_ = scratch;
    d_ = scratch + size_;
    marks_ = scratch + 2 * size_;
    std::fill(marks_, marks_ + size_, 1.0);
    marked_first_ = size_;
    marked_last_ = -1;
  }
  // Starts a path of company c: nothing made yet, no round placed (D = 1). Requires bind().
  void start(const CompiledPrivate& c, PathDraws& draws, CorrelatedShocks& shocks) {
    assert(w_);
    c_ = &c;
    draws_ = &draws;
    shocks_ = &shocks;
    w_[0] = 0;
    d_[0] = 1;
    w_ready_ = d_ready_ = 0;
    marks_last_ = -1;
    if (marked_last_ >= marked_first_)  // the last path's marks back to 1
      std::fill(marks_ + marked_first_, marks_ + marked_last_ + 1, 1.0);
    marked_first_ = size_;
    marked_last_ = -1;
    col_ = draws.column();
    assert(block_months_ == 0 || block_generation_ == draws.generation());
    if (block_months_ > 0) {  // W(0 .. block_months_) from the block, later months extend it
      w_ready_ = block_months_;
      w_[w_ready_] = block_w_[static_cast<std::size_t>(w_ready_) * PathDraws::kBlock + col_];
    }
    col_ext_ = 0;
    if (ext_generation_ == draws.generation() && ext_months_ > block_months_ &&
        ranks().last(col_) > block_months_) {  // and W(.. col_ext_) from extend_block()
      col_ext_ = std::min(ranks().last(col_), ext_months_);
      col_rank_ = ranks().rank(col_);
      w_ready_ = col_ext_;
      w_[w_ready_] = ext_w(col_ext_);
    }
  }
  // Makes W(0 .. block_months) of company c for every path of the draws' sub-block, as far as
  // its growth shocks are on lanes or in the shocks' block (docs/design.md#15-lanes-of-paths): the
  // running sum w() makes, the same bits. Call when the sub-block changes, after
  // shocks.fill_block(), before start(). Allocates only to grow.
  void fill_block(const CompiledPrivate& c, const PathDraws& draws, const CorrelatedShocks& shocks);
  // Makes W of the months past the block for the columns predicted to need them: the running sum
  // w() makes, the same bits. A growth on company c's own stream draws them for `need` (as
  // CorrelatedShocks::extend_block); a correlated one walks the months `shocks` made past the
  // block (call its extend_block() first). Call after fill_block(), for the same sub-block.
  // Allocates only to grow.
  void extend_block(const CompiledPrivate& c, const PathDraws& draws,
                    const CorrelatedShocks& shocks, const int* need);

  // The per-month factors of D for months 0 .. last, all 1 until mark() multiplies one by a
  // round's `kept` (rounds_kept() in company_paths.cpp). Requires 0 <= last <= L, at most once
  // per path. Only the months marked are set back to 1 at the next start().
  void open_marks(int last) {
    assert(last >= 0 && last < size_ && marks_last_ < 0);
    marks_last_ = last;
  }
  void mark(int month, double kept) {
    assert(month >= 0 && month <= marks_last_);
    marks_[month] *= kept;
    marked_first_ = std::min(marked_first_, month);
    marked_last_ = std::max(marked_last_, month);
  }
  // z(k) of the growth driver, k >= 1: draw k - 1 of its own stream, or its correlated shock.
  double z(int k) {
    if (c_->growth_corr >= 0) return shocks_->z(c_->growth_corr, k, *draws_);
    if (k > block_months_ && k <= col_ext_) return past_.row(0, k)[col_rank_];
    return draws_->z(c_->growth_key, static_cast<std::uint32_t>(k - 1));
  }
  // Makes the growth shocks z(1 .. t) at once when they are a correlated driver's (its own
  // stream's are read as they come): for a walk that knows how far it goes.
  void reach(int t) {
    if (t > w_ready_ && c_->growth_corr >= 0) shocks_->make_to(t, *draws_);
  }
  // W(t), 0 <= t <= L + 1 (not for a pinned driver: its W is z_q sqrt(t/12)).
  double w(int t) {
    assert(t >= 0 && t < size_);
    if (t > 0 && t <= block_months_)
      return block_w_[static_cast<std::size_t>(t) * PathDraws::kBlock + col_];
    if (t > block_months_ && t <= col_ext_) return ext_w(t);
    reach(t);
    for (; w_ready_ < t; ++w_ready_) w_[w_ready_ + 1] = w_[w_ready_] + z(w_ready_ + 1) / kSqrt12;
    return w_[t];
  }
  // G(t/12) D(t), 0 <= t <= the `last` of open_marks() when it was called (else <= L).
  double value(int t);

 private:
  static inline const double kSqrt12 = std::sqrt(12.0);
  const CompiledPrivate* c_ = nullptr;
  PathDraws* draws_ = nullptr;
  CorrelatedShocks* shocks_ = nullptr;
  double *w_ = nullptr, *d_ = nullptr, *marks_ = nullptr;
  int size_ = 0, w_ready_ = 0, d_ready_ = 0, marks_last_ = -1;
  int marked_first_ = 0, marked_last_ = -1;  // the months mark() changed on this path
  // This path's W(t) from extend_block(), block_months_ <= t <= col_ext_.
  double ext_w(int t) const {
    return ext_w_[static_cast<std::size_t>(t - block_months_) * PathDraws::kBlock + col_rank_];
  }
  std::vector<double> block_w_;  // [t][column], t = 0 .. block_months_
  int block_months_ = 0;
  std::uint64_t block_generation_ = 0;  // the draws' sub-block it was made for
  std::uint32_t col_ = 0;
  // extend_block(): the own stream's months past the block by rank, and W [t - block_months_][rank]
  // for t = block_months_ .. ext_months_, the ranks of past_ or of the correlated shocks'.
  DrawsPastBlock past_;
  const DrawsPastBlock* shock_ranks_ = nullptr;  // a correlated growth's: the shocks'
  const DrawsPastBlock& ranks() const { return shock_ranks_ ? *shock_ranks_ : past_; }
  std::vector<double> ext_w_;
  int ext_months_ = 0;
  std::uint64_t ext_generation_ = 0;
  int col_ext_ = 0;             // this path's last month of ext_w_ (0: none)
  std::uint32_t col_rank_ = 0;  // its rank in ranks()
};

// A sampler's values at draws 0 .. count - 1 of its stream, for every path of the draws'
// sub-block at once (Sampler::sample_lanes, docs/design.md#15-lanes-of-paths): the same bits as
// sampling them per path. A path reads its own through operator(), which samples there a draw
// the sub-block has none of (not on lanes, or a sobol run may change it).
class BlockSample {
 public:
  // Makes the values of `s` at draws 0 .. count - 1 of `key` for the draws' current sub-block,
  // as far as those draws are on lanes. Allocates only to grow.
  void fill(const engine::Sampler& s, StreamKey key, std::uint32_t count, const PathDraws& draws);
  // s(draws.u(key, draw)) for this path, with the `s` and `key` of the last fill(). A constant
  // reads no draw: its value does not depend on one, and each stream's draws are addressed by
  // their index (docs/design.md#1-randomness-is-a-value-not-a-place), so no other read moves.
  double operator()(const engine::Sampler& s, StreamKey key, std::uint32_t draw,
                    PathDraws& draws) const {
    if (s.is_constant()) return s(0.0);
    if (draw >= made_) return s(draws.u(key, draw));
    assert(generation_ == draws.generation());
    return values_[draw * PathDraws::kBlock + draws.column()];
  }
  // The sub-block's values of draw `draw`, element p column p's, or null when not made.
  const double* row(std::uint32_t draw) const {
    return draw < made_ ? values_.data() + draw * PathDraws::kBlock : nullptr;
  }

 private:
  std::vector<double> values_;    // [draw][column]
  std::uint32_t made_ = 0;        // draws 0 .. made_ - 1 are in values_
  std::uint64_t generation_ = 0;  // the draws' sub-block they were made for
};

// Per-path state of one company, shared by every grant and offer naming it
// (docs/model.md#10-conventions).
struct CompanyState {
  Outcome outcome = Outcome::kNone;
  int E = 0;     // event month
  double R = 0;  // value per unit at E over value per unit at grant: G X D C
  double* price =
      nullptr;  // public: S(m)/S(0) at needed months; private IPO: Q(E + j) = P(E + j)/P(E)
  // Private: P(t)/valuation = pre.value(t) for t = 0 .. pre_last (with needs_pre; -1 without),
  // the months before the event (to L without one). Bound to pre_table_size() doubles of scratch.
  PreEvent pre;
  int pre_last = -1;
  // The open tender windows of this path, ascending (docs/model.md#m4-tender-offers): month t
  // and price per unit as a fraction of the valuation, f_p P(t)/valuation. Hold max_tenders.
  int* tender_month = nullptr;
  double* tender_price = nullptr;
  int tenders = 0;
  // Public, with lanes: S(m)/S(0) at each needed month k of the draws' sub-block,
  // [k][column], and log S at the last needed month, when `block_prices` (fill_public_block()).
  std::vector<double> block_price, block_log_last;
  bool block_prices = false;
  // Whether a path reads the block's prices from `price`: false when every offer with a grant
  // of this company is priced a sub-block at once (PublicEquityLanes reads the block table), so
  // public_path() need not copy them.
  bool path_prices = true;
  std::uint64_t block_generation = 0;  // the draws' sub-block the block tables were made for
  // Private, with lanes: its samplers' values for the sub-block, and its post-IPO walk log Q(E + j)
  // for j = 0 .. block_post_rows, [j][column], when block_post_rows > 0 (fill_private_block()).
  BlockSample exit_time, ipo_multiple, ipo_dilution, acquisition_multiple;
  std::vector<double> block_post_log;
  int block_post_rows = 0;
  // Private, with lanes: the walk's steps past block_post_rows for the IPO columns that take them
  // (private_path(): max(lockup, H - E) steps), by rank: log Q(E + j) [j - block_post_rows][rank]
  // for j = block_post_rows .. post_past_top, when post_past_top > block_post_rows.
  DrawsPastBlock post_past;
  std::vector<double> post_past_log;
  int post_past_top = 0;
  // Private, with lanes: the dilution rounds' count of each column, when `block_rounds_made`.
  std::vector<double> block_round_mean;
  std::vector<std::uint32_t> block_rounds;
  bool block_rounds_made = false;
};

// private_path()'s samplers (exit time, multiples, IPO dilution) for every path of the draws'
// sub-block at once, where their draws are on lanes (BlockSample), and the post-IPO walk's first
// steps, as far as its own stream is on lanes (horizon H), and the count of dilution rounds
// (lanes_poisson) when the exit time and the rounds' first draw are on lanes (liquidity horizon
// L). Call when the sub-block changes. Allocates only to grow.
void fill_private_block(const CompiledPrivate& p, int H, int L, CompanyState& st,
                        const PathDraws& draws);

// The months of growth shocks private_path() will read to make company c's growth at its event
// (growth_w(): months 1 .. E), for each column of the draws' sub-block, raised into need[column]:
// the IPO and acquisition paths, when the exit time and outcome draws are on lanes. Call after
// fill_private_block(). A prediction for CorrelatedShocks::extend_block() (a correlated growth
// driver) or PreEvent::extend_block() (its own stream): only speed depends on it.
void growth_reach(const CompiledPrivate& c, int L, const CompanyState& st, const PathDraws& draws,
                  int* need);

// Scratch of a private company's PreEvent: W, D and the rounds' marks for months 0 .. L + 1.
inline int pre_table_size(const CompiledScenario& cs) {
  return 3 * (cs.L + 2);
}

// sobol: pins every private company's growth bridge at its exit time T capped to
// [0, L/12 + 1], the time its growth W is read at the event
// (docs/design.md#20-quasi-monte-carlo-sobol-points). Call after draws.start(path), before any
// growth read. Does nothing without bridges.
void pin_growth_bridges(const CompiledScenario& cs, PathDraws& draws);

// 12 tau (docs/model.md#2-the-employee): employed at month m iff m < 12 tau; infinity when no one
// leaves; exactly m with departure: {at_month: m}.
// `tau` holds the sub-block's draws of cs.departure, or none (BlockSample).
double departure_months(const CompiledScenario& cs, PathDraws& draws, const BlockSample& tau);

// public_path()'s prices for every path of the draws' sub-block at once, when every shock to
// the last needed month is on lanes or in the shocks' block (docs/design.md#15-lanes-of-paths):
// the same running sum and exp, the same bits. Else st.block_prices is false and public_path()
// makes them per path. Call when the sub-block changes, after shocks.fill_block(). Allocates
// the first time only.
void fill_public_block(const CompiledPublic& p, CompanyState& st, const PathDraws& draws,
                       const CorrelatedShocks& shocks);

// Monthly GBM (docs/model.md#5-public-companies) at the months in p.months. Requires st.price to
// hold price_table_size() entries. With `record` (the company's first input
// slot), writes the log return to its last needed month.
// A correlated company (p.corr >= 0) reads its shocks from `shocks`.
void public_path(const CompiledPublic& p, CompanyState& st, PathDraws& draws,
                 CorrelatedShocks& shocks, double* record);

// One liquidity draw (docs/model.md#6-private-companies): outcome, E, R and (after an IPO) the
// post-IPO price table for horizon H and liquidity horizon L, and with p.needs_pre the
// values before the event. Growth moves in monthly shocks
// (docs/model.md#m2-the-private-company-before-its-event). Requires st.price to hold
// price_table_size() entries and st.pre to be bound to pre_table_size() doubles, and with
// tenders st.tender_* to hold p.max_tenders. With `record`, writes every private input of
// models/inputs.hpp, drawn whatever the outcome.
void private_path(const CompiledPrivate& p, int H, int L, CompanyState& st, PathDraws& draws,
                  CorrelatedShocks& shocks, double* record);

// X(m) for m = 0 .. months of a stochastic exchange rate into x
// (docs/model.md#m3-stochastic-exchange-rates). Requires x to hold months + 1 entries and,
// with f.corr >= 0, months <= the correlated shocks' months.
void fx_path(const CompiledFx& f, int months, double* x, PathDraws& draws,
             CorrelatedShocks& shocks);

}  // namespace vestsim::models
