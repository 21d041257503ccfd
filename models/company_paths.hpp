// The per-company half of one path (docs/model.md#5-public-companies to
// docs/model.md#6-private-companies, §10): the departure time, each public company's share price,
// each private company's liquidity event and post-IPO price. Offers are priced from these
// afterwards (models/offer_pricing.hpp). Nothing here allocates, dispatches virtually or touches a
// string: it runs once per path.
#pragma once

#include <cstdint>

#include "models/compiled.hpp"
#include "models/path_draws.hpp"

namespace vestsim::models {

// Per-path state of one company, shared by every grant and offer naming it
// (docs/model.md#10-conventions).
struct CompanyState {
  Outcome outcome = Outcome::kNone;
  int E = 0;     // event month
  double R = 0;  // value per unit at E over value per unit at grant: G X D C
  double* price =
      nullptr;  // public: S(m)/S(0) at needed months; private IPO: Q(E + j) = P(E + j)/P(E)
};

// 12 tau (docs/model.md#2-the-employee): employed at month m iff m < 12 tau; infinity when no one
// leaves; exactly m with departure: {at_month: m}.
double departure_months(const CompiledScenario& cs, PathDraws& draws);

// Monthly GBM (docs/model.md#5-public-companies) at the months in p.months. Requires st.price to
// hold price_table_size() entries. With `record` (the company's first input
// slot), writes the log return to its last needed month.
void public_path(const CompiledPublic& p, CompanyState& st, PathDraws& draws, double* record);

// One liquidity draw (docs/model.md#6-private-companies): outcome, E, R and (after an IPO) the
// post-IPO price table for horizon H and liquidity horizon L. Requires
// st.price to hold price_table_size() entries. With `record`, writes every
// private input of models/inputs.hpp, drawn whatever the outcome.
void private_path(const CompiledPrivate& p, int H, int L, CompanyState& st, PathDraws& draws,
                  double* record);

}  // namespace vestsim::models
