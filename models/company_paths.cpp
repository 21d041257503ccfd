#include "models/company_paths.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/distributions.hpp"
#include "engine/ieee_math.hpp"
#include "models/inputs.hpp"

namespace vestsim::models {

namespace {

// D of the dilution rounds to exit time Tc >= 0: K ~ Poisson(rounds_per_year Tc)
// rounds, each keeping 1 - per_round of the company.
double rounds_kept(const PrivateCompany& p, const CompiledPrivate& keys, double Tc,
                   PathDraws& draws) {
  double D = 1;
  if (p.rounds_per_year > 0) {
    const std::uint32_t K =
        engine::poisson_quantile(p.rounds_per_year * Tc, draws.u(keys.rounds_key, 0));
    for (std::uint32_t k = 0; k < K; ++k)
      D *= 1.0 - std::clamp(p.per_round(draws.u(keys.per_round_key, k)), 0.0, 1.0);
  }
  return D;
}

// Every private input drawn whatever the outcome, for rank correlations; Tc is
// T clamped to [0, L/12 + 1].
void record_private(const CompiledPrivate& c, double T, double Tc, PathDraws& draws, double* rec) {
  const PrivateCompany& p = c.params;
  auto at = [rec](InputField f) -> double& { return rec[static_cast<int>(f)]; };
  at(InputField::kExitTime) = T;
  at(InputField::kIpoMultiple) = p.ipo_multiple(draws.u(c.ipo_multiple_key, 0));
  at(InputField::kIpoDilution) = p.ipo_dilution(draws.u(c.ipo_dilution_key, 0));
  at(InputField::kAcquisitionMultiple) =
      p.acquisition_multiple(draws.u(c.acquisition_multiple_key, 0));
  // The share lost to the rounds.
  at(InputField::kRounds) = 1.0 - rounds_kept(p, c, Tc, draws);
  at(InputField::kGrowth) = p.growth_volatility > 0 ? draws.z(c.growth_key, 0) : 0.0;
  double w = 0;
  if (p.post_ipo_volatility > 0)
    for (std::uint32_t j = 0; j < 12; ++j) w += draws.z(c.post_ipo_key, j) / std::sqrt(12.0);
  at(InputField::kPostIpo) = w;
}

}  // namespace

double departure_months(const CompiledScenario& cs, PathDraws& draws) {
  if (!std::isnan(cs.pinned_departure_years)) return 12.0 * cs.pinned_departure_years;
  if (cs.departure_at_month >= 0) return cs.departure_at_month;
  if (!(cs.departure_rate > 0)) return std::numeric_limits<double>::infinity();
  return 12.0 * (-std::log1p(-draws.u(cs.departure_key, 0)) / cs.departure_rate);
}

// Monthly steps from month 1 to the last needed month: the step ending at m
// uses draw m - 1 of the company's stream, so S(m) depends on draws 1..m only,
// never on which months the offers need (docs/model.md#5-public-companies). A
// pinned path (sensitivity) puts S(m) at its own quantile: log S(m) =
// (mu - s^2/2) m/12 + s z_q sqrt(m/12), and so does a path without volatility.
void public_path(const CompiledPublic& p, CompanyState& st, PathDraws& draws, double* record) {
  const double volatility = p.params.volatility;
  const double mu = p.params.drift - 0.5 * volatility * volatility;
  double log_s = 0;
  if (volatility > 0 && std::isnan(p.pinned_z)) {
    const double step_mu = mu / 12.0, step_sd = volatility / std::sqrt(12.0);
    int m = 0;
    for (int needed : p.months) {
      for (; m < needed; ++m)
        log_s += step_mu + step_sd * draws.z(p.key, static_cast<std::uint32_t>(m));
      st.price[needed] = engine::ieee_exp(log_s);
    }
  } else {
    const double z = volatility > 0 ? p.pinned_z : 0.0;
    for (int m : p.months) {
      log_s = mu * (m / 12.0) + volatility * z * std::sqrt(m / 12.0);
      st.price[m] = engine::ieee_exp(log_s);
    }
  }
  if (record) record[static_cast<int>(InputField::kStock)] = log_s;
}

void private_path(const CompiledPrivate& c, int H, int L, CompanyState& st, PathDraws& draws,
                  double* record) {
  const PrivateCompany& p = c.params;
  const double T = p.exit_time(draws.u(c.exit_key, 0));
  // Compared in double before any cast: an event with 12 T > L is no event
  // however large T is, and the Poisson mean uses T capped at L/12 + 1
  // (docs/model.md#10-conventions).
  const double Tc = std::min(std::max(T, 0.0), L / 12.0 + 1.0);
  const bool too_late = !(12.0 * Tc <= L);
  if (record) record_private(c, T, Tc, draws, record);
  st.E = too_late ? L + 1 : std::max(1, static_cast<int>(std::ceil(12.0 * Tc)));
  const double uo = draws.u(c.outcome_key, 0);
  Outcome o = uo < p.p_ipo                                   ? Outcome::kIpo
              : uo < p.p_ipo + p.p_acquisition               ? Outcome::kAcquisition
              : uo < p.p_ipo + p.p_acquisition + p.p_failure ? Outcome::kFailure
                                                             : Outcome::kNone;
  if (too_late) o = Outcome::kNone;
  st.outcome = o;
  st.R = 0;
  if (o != Outcome::kIpo && o != Outcome::kAcquisition) return;

  double G = 1;
  if (p.growth_volatility > 0 || p.growth_drift != 0) {
    double zg = 0;
    if (p.growth_volatility > 0)
      zg = std::isnan(c.pinned_growth_z) ? draws.z(c.growth_key, 0) : c.pinned_growth_z;
    G = engine::ieee_exp((p.growth_drift - 0.5 * p.growth_volatility * p.growth_volatility) * Tc +
                         p.growth_volatility * std::sqrt(Tc) * zg);
  }
  const bool ipo = o == Outcome::kIpo;
  const double X =
      std::max(0.0, ipo ? p.ipo_multiple(draws.u(c.ipo_multiple_key, 0))
                        : p.acquisition_multiple(draws.u(c.acquisition_multiple_key, 0)));
  double D = rounds_kept(p, c, Tc, draws);
  if (ipo) D *= 1.0 - std::clamp(p.ipo_dilution(draws.u(c.ipo_dilution_key, 0)), 0.0, 1.0);
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
  const double drift = p.post_ipo_drift, volatility = p.post_ipo_volatility;
  const int steps = std::max(p.lockup_months, H - st.E);
  const double mu = (drift - 0.5 * volatility * volatility) / 12.0;
  const double sd = volatility / std::sqrt(12.0);
  double log_q = 0;
  st.price[0] = 1;
  for (int j = 0; j < steps; ++j) {
    double shock = 0;
    if (volatility > 0)
      shock =
          std::isnan(c.pinned_post_z)
              ? sd * draws.z(c.post_ipo_key, static_cast<std::uint32_t>(j))
              : volatility * c.pinned_post_z * (std::sqrt((j + 1) / 12.0) - std::sqrt(j / 12.0));
    log_q += mu + shock;
    st.price[j + 1] = engine::ieee_exp(log_q);
  }
}

}  // namespace vestsim::models
