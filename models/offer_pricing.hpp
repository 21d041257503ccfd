// The per-offer half of one path (docs/model.md#3-cash to docs/model.md#4-grants-and-vesting): an
// offer's cash and equity priced from the departure time and the company states of
// models/company_paths.hpp. With kTimeline, each present value is also added
// to `buckets` by the year it lands in (bucket 0: month 0; bucket y: months
// 12(y-1)+1 .. 12y), which must hold cs.timeline_years + 1 entries. Every payout is also
// handed to `tax` (models/tax/tax_ledger.hpp): NoTaxSink for an offer without a regime
// (compiles away), TaxLedger started on the offer's CompiledOfferTax otherwise. Nothing
// here allocates, dispatches virtually or touches a string.
#pragma once

#include <cstdint>

#include "models/company_paths.hpp"
#include "models/compiled.hpp"
#include "models/tax/tax_ledger.hpp"

namespace vestsim::models {

// Salary while employed in months 1..H, bonuses at anniversaries, signing
// bonus; `salary_bonus` gets the part without the signing bonus. tau_m is 12
// tau (departure_months()). fx_paths[k] holds X(0 .. max_month) of cs.fx_rates[k] for this
// path (docs/model.md#m3-stochastic-exchange-rates); it is not read when cs.fx_rates is empty.
// The bonus multipliers are read through `bonus`, filled for o's bonus stream and sampler (or
// never filled: then sampled here).
template <bool kTimeline, class Tax>
double offer_cash(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                  const double* const* fx_paths, double* buckets, double& salary_bonus,
                  PathDraws& draws, const BlockSample& bonus, Tax& tax);

// The grants' payouts. `states` holds one CompanyState per company of cs,
// filled for this path (not const: a private company's values before the event are made as they
// are read); fx_paths as for offer_cash; `let_go` is scratch of one byte per company,
// `held` of cs.max_grant_tranches doubles. Tender cash and a strike paid on leaving
// (docs/model.md#m4-tender-offers, #m5-options-when-the-employee-leaves) count as equity: it may
// be negative; they are taxed as docs/tax.md T3 says (through `tax`).
template <bool kTimeline, class Tax>
double offer_equity(const CompiledScenario& cs, const CompiledOffer& o, double tau_m,
                    CompanyState* states, const double* const* fx_paths, std::uint8_t* let_go,
                    double* held, double* buckets, PathDraws& draws, Tax& tax);

// docs/design.md#15-lanes-of-paths: whether offer_equity() of `o` can be priced a sub-block of
// paths at once by PublicEquityLanes: every grant is a public company's (its payouts are income,
// with no gain but the NaN of an infinite amount), the offer's and those companies' currencies
// are fixed, and its regime (if any) has no moving rate (CompiledOfferTax::moving_fx: none of
// the scenario's currencies it converts moves).
bool public_equity_on_lanes(const CompiledScenario& cs, const CompiledOffer& o);

// offer_equity() of an offer public_equity_on_lanes() accepts, for the n paths of the draws'
// sub-block at once. Made once per kernel (allocates); run() allocates nothing.
class PublicEquityLanes {
 public:
  PublicEquityLanes(const CompiledScenario& cs, const CompiledOffer& o);

  // equity[p] gets column p's value with the same bits as offer_equity(), tau_m[p] its 12 tau;
  // each company's prices come from its block table (CompanyState::block_prices must be set for
  // the sub-block). With `ledger` (the offer has a regime), each payout's income is added to
  // the ledger's deferred block, column p, in the order offer_equity() records it: call it
  // after every column's defer() and before finish_block().
  void run(const CompanyState* states, const double* tau_m, std::uint32_t n, double* equity,
           TaxLedger* ledger) const;

 private:
  struct LaneGrant {
    const CompiledGrant* grant = nullptr;
    // By e = the first month the employee is gone (vesting_end()), 0 .. H + 1: how many of the
    // grant's first tranches vest (v < e, made only if s < e), as doubles for the lanes'
    // comparison with the tranche's index, and the last tax year they pay in.
    std::vector<double> vesting_by_end;
    std::vector<int> last_year_by_end;
    // Offsets of S(s) (-1: s = 0, S(0)/S(0) = 1) and of each vesting tranche's S(v) in the
    // company's block table.
    std::ptrdiff_t start_row = -1;
    std::vector<std::size_t> rows;
  };
  const CompiledScenario& cs_;
  const CompiledOffer& o_;
  std::vector<LaneGrant> grants_;
};

// The mean bonus multiplier over the offer's anniversaries (1 with none), drawn
// whatever the departure time: the recorded input of models/inputs.hpp.
double mean_bonus_multiplier(const CompiledOffer& o, PathDraws& draws);

}  // namespace vestsim::models
