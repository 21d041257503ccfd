// The per-company half of one path (docs/model.md#5-public-companies to
// docs/model.md#6-private-companies, §10): the departure time, each public company's share price,
// each private company's liquidity event and post-IPO price. Offers are priced from these
// afterwards (models/offer_pricing.hpp). Nothing here allocates, dispatches virtually or touches a
// string: it runs once per path.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "models/compiled.hpp"
#include "models/path_draws.hpp"

namespace vestsim::models {

// The correlated drivers' shocks of one path (docs/model.md#m1-drivers-and-correlation), made a
// month at a time as the paths ask for them: eps_i(m) is draw m - 1 of driver i's own stream
// and z(m) = L eps(m), one small triangular product per month. Sized once; a path allocates
// nothing, and what it returns never depends on the order of the requests.
class CorrelatedShocks {
 public:
  explicit CorrelatedShocks(const CompiledMarkets& m)
      : m_(&m), n_(m.factor.size()), z_(n_ * (m.months + 1)), eps_(n_) {}
  void start() { ready_ = 0; }
  // z(m) of correlated driver i. Requires 0 <= i < drivers, 1 <= m <= months.
  double z(int i, int m, PathDraws& draws) {
    assert(i >= 0 && static_cast<std::size_t>(i) < n_ && m >= 1 && m <= m_->months);
    while (ready_ < m) {
      ++ready_;
      for (std::size_t k = 0; k < n_; ++k)
        eps_[k] = draws.z(m_->keys[k], static_cast<std::uint32_t>(ready_ - 1));
      m_->factor.apply(eps_.data(), z_.data() + ready_ * n_);
    }
    return z_[m * n_ + i];
  }

 private:
  const CompiledMarkets* m_;
  std::size_t n_;
  std::vector<double> z_, eps_;  // z_[m * n + i]
  int ready_ = 0;                // months made for this path
};

// Per-path state of one company, shared by every grant and offer naming it
// (docs/model.md#10-conventions).
struct CompanyState {
  Outcome outcome = Outcome::kNone;
  int E = 0;     // event month
  double R = 0;  // value per unit at E over value per unit at grant: G X D C
  double* price =
      nullptr;  // public: S(m)/S(0) at needed months; private IPO: Q(E + j) = P(E + j)/P(E)
  // Private with needs_pre: P(t)/valuation = G(t/12) D(t) for t = 0 .. pre_last, the months
  // before the event (to L without one): docs/model.md#m2-the-private-company-before-its-event.
  double* pre = nullptr;
  int pre_last = -1;
  // The open tender windows of this path, ascending (docs/model.md#m4-tender-offers): month t
  // and price per unit as a fraction of the valuation, f_p P(t)/valuation. Hold max_tenders.
  int* tender_month = nullptr;
  double* tender_price = nullptr;
  int tenders = 0;
};

// Length of a private company's `pre` table: months 0 .. L.
inline int pre_table_size(const CompiledScenario& cs) {
  return cs.L + 1;
}

// sobol: pins every private company's growth bridge at its exit time T capped to
// [0, L/12 + 1], the time its growth W is read at the event
// (docs/design.md#20-quasi-monte-carlo-sobol-points). Call after draws.start(path), before any
// growth read. Does nothing without bridges.
void pin_growth_bridges(const CompiledScenario& cs, PathDraws& draws);

// 12 tau (docs/model.md#2-the-employee): employed at month m iff m < 12 tau; infinity when no one
// leaves; exactly m with departure: {at_month: m}.
double departure_months(const CompiledScenario& cs, PathDraws& draws);

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
// price_table_size() entries and, with needs_pre, st.pre to hold pre_table_size() entries, and with
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
