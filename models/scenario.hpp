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
#include "models/tax/regime.hpp"

namespace vestsim::models {

using engine::Sampler;

struct PublicCompany {
  double price = 0, drift = 0, volatility = 0;
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

struct Comparison {
  int a = 0, b = 1;  // indices into Scenario::offers
};

struct Scenario {
  std::string name, currency;
  std::map<std::string, double> fx;  // value of 1 unit in the report currency
  double horizon_years = 4, liquidity_horizon_years = 10, discount_rate = 0;
  std::uint64_t paths = 100000, seed = 1;
  int threads = 0;
  std::uint32_t block = 4096;
  std::string precision;  // simulation.precision: "p_win=0.002,..." (models/studies/precision.hpp)
  double departure_rate = 0;
  // departure: {at_month: m}: leaves at month m on every path; -1 when not
  // given (docs/model.md#2-the-employee). Exactly one of the two is set.
  int departure_at_month = -1;
  std::vector<Company> companies;
  std::vector<Offer> offers;
  std::vector<Comparison> compare;
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
