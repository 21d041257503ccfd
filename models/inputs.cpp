#include "models/inputs.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <iterator>

#include "engine/ieee_math.hpp"
#include "engine/normal.hpp"

namespace vestsim::models {

namespace {

// Who an input belongs to: drawn once per path, per public or private company, or per offer.
enum class Owner { kPath, kPublic, kPrivate, kOffer };

// A sampler held at quantile q: replaced by the constant F^-1(q).
double pin_sampler(Sampler& s, double q) {
  const double v = s(q);
  s = Sampler::constant(v);
  return v;
}

// A price path held at quantile q: every shock fixed so that W(t) = z_q sqrt(t).
double pin_z(double& pinned, double q) {
  pinned = engine::normal_quantile(q);
  return pinned;
}

// One random input. Rows owned by a private company say it all through member
// pointers; the departure time, a public share price and a bonus multiplier
// have one row each, read by owner in is_random() and pin() below.
struct InputRow {
  Owner owner;
  InputField field;   // offset in the owner company's slots
  const char* label;  // after the company or offer id
  // Private: random only if each gate is > 0 and the sampler (if any) is not constant.
  std::array<double PrivateCompany::*, 2> gates{};
  Sampler PrivateCompany::*sampler = nullptr;   // held at F^-1(q), or
  double CompiledPrivate::*pinned_z = nullptr;  // its price path held at z_q
};

using P = PrivateCompany;
using F = InputField;

// The table. Order is the tornado's order among equal swings.
constexpr InputRow kInputs[] = {
    {Owner::kPath, F::kExitTime, "departure time (years)"},
    {Owner::kPublic, F::kStock, "share price (Z)"},
    {Owner::kPrivate, F::kExitTime, "time to exit (years)", {}, &P::exit_time},
    {Owner::kPrivate, F::kIpoMultiple, "IPO multiple", {&P::p_ipo}, &P::ipo_multiple},
    {Owner::kPrivate, F::kIpoDilution, "IPO dilution", {&P::p_ipo}, &P::ipo_dilution},
    {Owner::kPrivate,
     F::kAcquisitionMultiple,
     "acquisition multiple",
     {&P::p_acquisition},
     &P::acquisition_multiple},
    {Owner::kPrivate, F::kRounds, "dilution per round", {&P::rounds_per_year}, &P::per_round},
    {Owner::kPrivate,
     F::kGrowth,
     "value growth (Z)",
     {&P::growth_volatility},
     nullptr,
     &CompiledPrivate::pinned_growth_z},
    {Owner::kPrivate,
     F::kPostIpo,
     "post-IPO price (Z)",
     {&P::p_ipo, &P::post_ipo_volatility},
     nullptr,
     &CompiledPrivate::pinned_post_z},
    {Owner::kOffer, F::kExitTime, "bonus multiplier"},
};

bool is_random(const InputRow& r, const Scenario& s, int index) {
  switch (r.owner) {
    case Owner::kPath:
      return s.departure_rate > 0;
    case Owner::kPublic:
      return s.companies[index].pub.volatility > 0;
    case Owner::kOffer:
      return s.offers[index].bonus_target > 0 && !s.offers[index].bonus_multiplier.is_constant();
    case Owner::kPrivate:
      break;
  }
  const PrivateCompany& p = s.companies[index].priv;
  for (double PrivateCompany::*gate : r.gates)
    if (gate && !(p.*gate > 0)) return false;
  return !r.sampler || !(p.*(r.sampler)).is_constant();
}

double pin(const InputRow& r, CompiledScenario& c, int index, double q) {
  switch (r.owner) {
    case Owner::kPath:
      c.pinned_departure_years = -engine::ieee_log1p(-q) / c.departure_rate;
      return c.pinned_departure_years;
    case Owner::kPublic:
      return pin_z(c.companies[index].pub.pinned_z, q);
    case Owner::kOffer:
      return pin_sampler(c.offers[index].bonus_multiplier, q);
    case Owner::kPrivate:
      break;
  }
  CompiledPrivate& p = c.companies[index].priv;
  return r.sampler ? pin_sampler(p.params.*(r.sampler), q) : pin_z(p.*(r.pinned_z), q);
}

// Every recorded private column has exactly one row, in slot order.
constexpr bool private_rows_cover_slots() {
  int next = 0;
  for (const InputRow& r : kInputs)
    if (r.owner == Owner::kPrivate && static_cast<int>(r.field) != next++) return false;
  return next == kCompanyInputSlots;
}
static_assert(private_rows_cover_slots());

// Appends the random rows of `owner` for company or offer `index`.
void add_rows(const Scenario& s, Owner owner, int index, const std::string& id, int slot_base,
              std::vector<UncertainInput>& out) {
  for (int row = 0; row < static_cast<int>(std::size(kInputs)); ++row) {
    const InputRow& r = kInputs[row];
    if (r.owner != owner || !is_random(r, s, index)) continue;
    const int slot = owner == Owner::kOffer ? slot_base : slot_base + static_cast<int>(r.field);
    out.push_back({row, index, slot, id.empty() ? r.label : id + " " + r.label});
  }
}

// The markets' parameters and the tender price (docs/model.md#m1-drivers-and-correlation,
// #m4-tender-offers): none has a recorded column.
void add_market_inputs(const Scenario& s, std::vector<UncertainInput>& out) {
  const int n_companies = static_cast<int>(s.companies.size());
  for (int c = 0; c < n_companies; ++c) {
    const Company& co = s.companies[c];
    if (!co.is_public && co.priv.tenders.enabled && !co.priv.tenders.price.is_constant())
      out.push_back({0, c, -1, co.id + " tender price (of P(t))", InputKind::kTenderPrice});
  }
  for (int k = 0; k < static_cast<int>(s.correlations.size()); ++k) {
    const CorrelationPair& p = s.correlations[k];
    out.push_back({0, k, -1, "correlation " + p.a + " ~ " + p.b, InputKind::kCorrelation});
  }
  for (int c = 0; c < n_companies; ++c) {
    const Company& co = s.companies[c];
    if (co.is_public || !co.priv.tenders.enabled) continue;
    out.push_back({0, c, -1, co.id + " tender probability", InputKind::kTenderProbability});
    out.push_back({0, c, -1, co.id + " tender sell fraction", InputKind::kTenderSellFraction});
  }
}

// A correlation swung to rho -/+ 0.3 within +-0.95 (a rho already beyond 0.95 stays as its own
// end: its high bar is never below it), nearer rho while the matrix is not valid; refactors R.
double pin_correlation(CompiledMarkets& m, int pair, bool high) {
  const double rho = m.pairs[pair].rho;
  double target = std::clamp(rho + (high ? 0.3 : -0.3), std::min(rho, -0.95), std::max(rho, 0.95));
  for (int attempt = 0; attempt < 30; ++attempt, target = 0.5 * (target + rho)) {
    m.pairs[pair].rho = target;
    CorrelationResult r = compile_correlation(m.pairs);
    if (r.ok) {
      m.factor = std::move(r.factor);
      return target;
    }
  }
  m.pairs[pair].rho = rho;
  return rho;
}

double pin_market(CompiledScenario& c, const UncertainInput& in, double q) {
  const bool high = q >= 0.5;
  if (in.kind == InputKind::kCorrelation) return pin_correlation(c.markets, in.index, high);
  Tenders& t = c.companies[in.index].priv.params.tenders;
  switch (in.kind) {
    case InputKind::kTenderPrice:
      return pin_sampler(t.price, q);
    case InputKind::kTenderProbability:
      return t.probability = high ? 1.0 : 0.0;
    default:
      return t.sell_fraction = high ? std::min(1.0, 1.5 * t.sell_fraction) : 0.5 * t.sell_fraction;
  }
}

}  // namespace

std::vector<UncertainInput> uncertain_inputs(const Scenario& s) {
  std::vector<UncertainInput> out;
  const int n_companies = static_cast<int>(s.companies.size());
  add_rows(s, Owner::kPath, 0, "", input_slot_departure(), out);
  for (int c = 0; c < n_companies; ++c) {
    const Company& co = s.companies[c];
    add_rows(s, co.is_public ? Owner::kPublic : Owner::kPrivate, c, co.id,
             input_slot(c, InputField::kExitTime), out);
  }
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o)
    add_rows(s, Owner::kOffer, o, s.offers[o].id, input_slot_bonus(n_companies, o), out);
  add_market_inputs(s, out);
  return out;
}

double pin_input(CompiledScenario& c, const UncertainInput& in, double q) {
  assert(q > 0 && q < 1);
  if (in.kind != InputKind::kRandom) return pin_market(c, in, q);
  assert(in.row >= 0 && in.row < static_cast<int>(std::size(kInputs)));
  return pin(kInputs[in.row], c, in.index, q);
}

}  // namespace vestsim::models
