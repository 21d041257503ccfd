// A scenario as the user wrote it, validated (docs/scenario-format.md). Plain data:
// compile() turns it into the flat tables the path loop reads.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/distributions.hpp"
#include "models/markets/correlation.hpp"
#include "models/tax/regime.hpp"

namespace vestsim::models {

using engine::Sampler;

struct PublicCompany {
  double price = 0, drift = 0, volatility = 0;
};

// Tender offers of a private company (docs/model.md#m4-tender-offers).
struct Tenders {
  bool enabled = false;
  int first_month = 12, every_months = 12;  // windows at first, first + every, ... (< E)
  double probability = 1;                   // each window opens with this probability
  Sampler price = Sampler::constant(1);     // price per unit as a fraction of P(t), per window
  double sell_fraction = 0;                 // of the eligible units still held, per open window
  bool holders = false;                     // eligible: holders (leavers too), else employees
};

struct PrivateCompany {
  double valuation = 0;
  Sampler exit_time;
  double p_ipo = 0, p_acquisition = 0, p_failure = 0;
  Sampler ipo_multiple, ipo_dilution;
  int lockup_months = 6;
  Sampler acquisition_multiple;
  bool has_preference = false;
  double preference_amount = 0, preferred_fraction = 0.5;
  double growth_drift = 0, growth_volatility = 0;  // G = 1 when both 0
  double rounds_per_year = 0;
  Sampler per_round;
  double post_ipo_drift = 0, post_ipo_volatility = 0;
  Tenders tenders;
};

struct Company {
  std::string id;
  bool is_public = false;
  std::string currency;
  PublicCompany pub;
  PrivateCompany priv;
};

enum class GrantType { kPrivateRsu, kOption, kPublicRsu };
enum class Trigger { kNone, kSingle, kDouble };
// docs/model.md#m5-options-when-the-employee-leaves
enum class ExercisePolicy { kAlways, kNever, kInTheMoney };
// docs/tax.md#t7-treatments-and-the-shipped-regimes: how a grant's equity income is taxed.
enum class TaxTreatment { kEmployment, kQualified };

struct Grant {
  int company = -1;  // index into Scenario::companies
  GrantType type = GrantType::kPrivateRsu;
  double value = 0;  // offer currency, at grant
  int start_month = 0;
  int years = 4, cliff_months = 0, every_months = 1;
  std::vector<double> weights;  // one per year, sums to 1
  Trigger trigger = Trigger::kNone;
  double accel_fraction = 1, accel_probability = 1;
  double expiry_years = std::numeric_limits<double>::infinity();
  double strike = 1;
  // Options: months after leaving to pay the strike (-1: unset, exercisable until the event).
  int exercise_window_months = -1;
  ExercisePolicy exercise_policy = ExercisePolicy::kInTheMoney;
  // kQualified only in an offer whose regime has a qualified cap (checked at load).
  TaxTreatment tax_treatment = TaxTreatment::kEmployment;
};

// An offer's `tax` (docs/tax.md#t1-where-a-regime-comes-from): the regime, loaded and
// checked (regime_errors(regime) is empty, so compile_regime(regime) does not throw).
struct OfferTax {
  TaxRegime regime;
  std::string source;  // the `regime:` reference as written: a shipped name or a path
  std::string file;    // where it was read: the resolved path, or "<built-in ...>"
  // Other employment income per year, in the regime's currency
  // (docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life).
  double baseline_income = 0;
};

struct Offer {
  std::string id, label, currency;
  double base = 0, geo_band = 1, raise = 0;
  double bonus_target = 0;
  Sampler bonus_multiplier = Sampler::constant(1);
  double signing_amount = 0;
  int clawback_months = 0;
  std::vector<Grant> grants;
  std::optional<OfferTax> tax;  // none: the offer pays no tax (after-tax = pre-tax)
};

// Where the scenario-level draws come from (simulation.sampler, --sampler;
// docs/design.md#20-quasi-monte-carlo-sobol-points): Philox for every draw, or
// scrambled Sobol points for each private company's exit time, outcome and multiples
// and the departure time (every other draw stays Philox).
enum class DrawSource { kPhilox, kSobol };

struct Comparison {
  int a = 0, b = 1;  // indices into Scenario::offers
};

struct Scenario {
  std::string name, currency;
  std::map<std::string, double> fx;  // value of 1 unit in the report currency
  // docs/model.md#m3-stochastic-exchange-rates: annual volatility of a currency's rate; a
  // currency not listed (or at 0) keeps its rate fixed.
  std::map<std::string, double> fx_volatility;
  double horizon_years = 4, liquidity_horizon_years = 10, discount_rate = 0;
  std::uint64_t paths = 100000, seed = 1;
  int threads = 0;
  std::uint32_t block = 4096;
  DrawSource sampler = DrawSource::kPhilox;  // simulation.sampler: philox | sobol
  std::string precision;   // simulation.precision: "p_win=0.002,..." (models/studies/precision.hpp)
  int precision_line = 0;  // its line in the file (0: absent, or set with --set)
  double departure_rate = 0;
  // departure: {at_month: m}: leaves at month m on every path; -1 when not
  // given (docs/model.md#2-the-employee). Exactly one of the two is set.
  int departure_at_month = -1;
  std::vector<Company> companies;
  std::vector<Offer> offers;
  std::vector<Comparison> compare;
  // docs/model.md#m1-drivers-and-correlation: pairs of driver names, checked by the loader
  // (known drivers, no pair twice, |rho| < 1, the matrix positive definite).
  std::vector<CorrelationPair> correlations;
  std::vector<double> percentiles = {5, 10, 25, 50, 75, 90, 95};
  double risk_aversion = 2, wealth = 100000;

  double fx_of(const std::string& code) const { return code == currency ? 1.0 : fx.at(code); }
  // The currency an offer's tax is computed in: its regime's, or the report currency for a
  // regime with no tax (and no currency). Requires: o.tax (asserted by the caller).
  const std::string& tax_currency(const Offer& o) const {
    return o.tax->regime.currency.empty() ? currency : o.tax->regime.currency;
  }
};

}  // namespace vestsim::models
