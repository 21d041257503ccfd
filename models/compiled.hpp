// A scenario compiled into the flat tables the path loop reads
// (docs/design.md#3-compile-once-then-run-the-paths): tranche tables, discount factors, salary
// prefix sums, stream keys. Everything that depends only on the scenario and the seed is computed
// here once; the per-path loop does no string, map or allocation work.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/distributions.hpp"
#include "engine/rng.hpp"
#include "models/markets/correlation.hpp"
#include "models/path_draws.hpp"
#include "models/scenario.hpp"
#include "models/tax/tax_ledger.hpp"

namespace vestsim::models {

using engine::StreamKey;

enum class Outcome : std::uint8_t { kNone = 0, kIpo = 1, kAcquisition = 2, kFailure = 3 };

// Sensitivity analysis pins a random driver at one of its quantiles
// (NaN = not pinned, the driver stays random).
inline constexpr double kNotPinned = std::numeric_limits<double>::quiet_NaN();

struct CompiledTranche {
  int month = 0;      // vest month v
  double amount = 0;  // grant value vesting here, in the company's currency
};

struct CompiledGrant {
  int company = 0;
  GrantType type = GrantType::kPrivateRsu;
  int start = 0;                                                  // grant month s
  double expiry_month = std::numeric_limits<double>::infinity();  // s + 12 expiry_years
  Trigger trigger = Trigger::kNone;
  double accel_fraction = 1;
  double strike = 1;  // options: fraction of the grant price
  // The tranche amounts are the value converted at the month-0 rates: value * fx_at_grant.
  // With a stochastic offer or company currency they scale per path by
  // (X_offer(s) / X_company(s)) / fx_at_grant (docs/model.md#m3-stochastic-exchange-rates).
  double fx_at_grant = 1;
  // docs/model.md#m5-options-when-the-employee-leaves: -1 (unset) or months after leaving.
  int exercise_window = -1;
  ExercisePolicy exercise_policy = ExercisePolicy::kInTheMoney;
  bool qualified =
      false;  // tax_treatment: qualified (docs/tax.md#t7-treatments-and-the-shipped-regimes)
  std::uint32_t first_tranche = 0, tranche_count = 0;
  // The tranches vested by a month, without a loop over them
  // (docs/design.md#3-compile-once-then-run-the-paths): CompiledScenario::tranches_before
  // [first_before + m] is how many of the grant's tranches vest before month m, m = 0..H + 1
  // (a prefix: tranches are in month order), and tranche_sums[first_sum + k] the sum of the
  // first k amounts, added in tranche order from 0, k = 0..tranche_count.
  std::uint32_t first_before = 0, first_sum = 0;
};

// A stochastic exchange rate (docs/model.md#m3-stochastic-exchange-rates), value of one unit in
// the report currency: X(m) = rate exp(-volatility^2 m/24 + volatility sum_{k<=m} z(k)/sqrt(12)).
struct CompiledFx {
  double rate = 1, volatility = 0;
  StreamKey key;  // z(k) is draw k - 1, or the correlated shock of driver `corr`
  int corr = -1;
};

struct CompiledOffer {
  // salary_pv[m] = sum over months 1..m of salary * df * fx, m = 0..H.
  std::vector<double> salary_pv;
  // bonus_pv[y - 1] = target * salary of year y * df(12y) * fx, for 12y <= H.
  std::vector<double> bonus_pv;
  // With a stochastic currency (fx_index >= 0): salary_cc[m] = salary of month m * df, in the
  // offer's currency (m = 0..H, salary_cc[0] = 0), bonus_cc[y - 1] likewise; converted per path.
  int fx_index = -1;
  std::vector<double> salary_cc, bonus_cc;
  Sampler bonus_multiplier;
  StreamKey bonus_key;
  double signing = 0;  // report currency, paid at month 0
  int clawback_months = 0;
  std::uint32_t first_grant = 0, grant_count = 0;
  int first_private_company = -1;
  bool has_regime = false;  // the offer has a `tax` key (docs/tax.md#t1-where-a-regime-comes-from)
  CompiledOfferTax tax;     // meaningful only when has_regime
  // Per company: the let-go probability of the offer's double-trigger grants
  // there (-1: none), and the stream of its one uniform per path.
  std::vector<double> let_go_probability;
  std::vector<StreamKey> let_go_key;
};

struct CompiledPublic {
  PublicCompany params;     // the scenario's parameters, by value (price is not read)
  std::vector<int> months;  // months where a payout needs S(m), ascending, > 0
  StreamKey key;
  double pinned_z = kNotPinned;  // sensitivity: every step's Z fixed
  int corr = -1;                 // index among the correlated drivers, -1: its own normals
};

// A private company: the scenario's parameters by value (sensitivity replaces a
// sampler with the constant at its quantile), plus what compile() adds.
struct CompiledPrivate {
  PrivateCompany params;
  int max_post_months = 0;  // length of the post-IPO price table after E
  StreamKey exit_key, outcome_key, growth_key, ipo_multiple_key, acquisition_multiple_key,
      rounds_key, per_round_key, ipo_dilution_key, post_ipo_key, round_time_key;
  // sobol: the Sobol dimension the growth driver's bridge ends at, and the bridge's index in
  // CompiledScenario::sobol (-1: growth stays Philox;
  // docs/design.md#20-quasi-monte-carlo-sobol-points).
  StreamKey growth_terminal_key;
  int growth_bridge = -1;
  double pinned_growth_z = kNotPinned, pinned_post_z = kNotPinned;
  int growth_corr = -1, post_ipo_corr = -1;  // index among the correlated drivers, or -1
  StreamKey tender_key, tender_price_key;    // docs/model.md#m4-tender-offers: per window w
  int max_tenders = 0;                       // windows up to L (0 without tenders)
  // Some payout needs the value per unit before the event, P(t) for t < E
  // (docs/model.md#m2-the-private-company-before-its-event): a grant made after month 0,
  // tenders, an option exercised on leaving.
  bool needs_pre = false;
  // Of those, tenders or an option exercised on leaving: they read P(t) at months up to the event
  // on any path, where a later grant reads it at its grant month alone.
  bool pre_to_event = false;
};

// The correlated drivers of a scenario (docs/model.md#m1-drivers-and-correlation), in the
// factor's order (by name). Empty without `correlations`.
struct CompiledMarkets {
  std::vector<CorrelationPair> pairs;  // as loaded (sensitivity swings a rho and refactors)
  CorrelationFactor factor;
  std::vector<StreamKey> keys;  // driver i's own stream: eps_i(m) is its draw m - 1
  int months = 0;               // shocks exist for months 1 .. months
};

struct CompiledCompany {
  bool is_public = false;
  double fx = 1;      // company currency -> report currency (its rate at month 0)
  int fx_index = -1;  // a stochastic currency: index into CompiledScenario::fx_rates
  CompiledPublic pub;
  CompiledPrivate priv;
};

struct CompiledScenario {
  int H = 48, L = 120;
  int max_month = 0;       // last month a cash flow can land on
  std::vector<double> df;  // df[m] = (1 + r)^(-m/12), m = 0..max_month
  double departure_rate = 0;
  // Exponential(departure_rate), whose quantile is departure_months()'s -log1p(-u) / rate, bit
  // for bit; the constant 0 without a finite rate > 0.
  engine::Sampler departure;
  StreamKey departure_key;
  double pinned_departure_years = kNotPinned;
  int departure_at_month = -1;  // fixed departure (12 tau = m on every path), -1: none
  std::vector<CompiledCompany> companies;
  std::vector<CompiledOffer> offers;
  std::vector<CompiledGrant> grants;
  std::vector<CompiledTranche> tranches;
  std::uint32_t max_grant_tranches = 0;        // the most tranches of one grant
  std::vector<std::uint32_t> tranches_before;  // per grant: CompiledGrant::first_before
  std::vector<double> tranche_sums;            // per grant: CompiledGrant::first_sum
  std::vector<Comparison> compare;
  CompiledMarkets markets;
  std::vector<CompiledFx> fx_rates;  // the stochastic currencies used by an offer or company
  int timeline_years = 0;            // fan-chart buckets: years 1 .. timeline_years
  bool has_tax = false;              // any offer has a regime: SimResult::tax is filled
  // simulation.sampler sobol: the draws taken from Sobol points (every path reads them through
  // PathDraws::use_sobol); empty with philox.
  SobolDims sobol;
};

// Compiles a scenario the loader has validated (indices in range, probabilities
// summing to at most 1, every currency in fx, correlations valid). Throws std::out_of_range
// only if an offer or company currency has no fx rate, std::invalid_argument if the
// correlations are not a valid matrix of known drivers; allocates, so call it once per run.
CompiledScenario compile(const Scenario& s, std::uint64_t seed);

// Month conventions of docs/model.md#10-conventions: H = 12 * years rounded half up.
// Requires years >= 0 and finite.
int months_of(double years);

// Length of the per-path price table of a company: S(0..H) for a public
// company, Q(0..max_post_months) after the IPO for a private one.
int price_table_size(const CompiledScenario& cs, const CompiledCompany& company);

}  // namespace vestsim::models
