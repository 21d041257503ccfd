// Compiled samplers for the distributions of docs/scenario-format.md#distributions.
//
// A sampler is a pure function of one uniform u in (0, 1): x = F^-1(lo + u (hi - lo)),
// where [lo, hi] = [F(min), F(max)] is the quantile range left by truncation
// (docs/design.md#2-samplers-are-pure-functions-of-uniforms). Every sampler consumes exactly one
// uniform, so quasi-random points can replace the uniforms without touching a model.
//
// Contracts: each factory states what it requires of its parameters and
// asserts it (debug builds); the scenario loader rejects bad user input
// before a factory sees it. Nothing here throws except discrete() on lists
// of different lengths.
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "engine/beta_quantile.hpp"
#include "engine/ieee_math.hpp"
#include "engine/normal.hpp"

namespace vestsim::engine {

enum class DistKind : std::uint8_t {
  kConstant,
  kUniform,
  kNormal,
  kLognormal,
  kTriangular,
  kPert,
  kExponential,
  kWeibull,
  kDiscrete,
};

class Sampler {
 public:
  Sampler() = default;  // the constant 0

  static Sampler constant(double value);
  // Requires low <= high; low == high gives the constant.
  static Sampler uniform(double low, double high);
  // Requires sd >= 0; sd == 0 gives the constant mean.
  static Sampler normal(double mean, double sd);
  // Lognormal with log-space parameters: X = exp(mu + sigma Z). Requires
  // sigma >= 0; sigma == 0 gives the constant exp(mu).
  static Sampler lognormal(double mu, double sigma);
  // Requires median > 0, sigma >= 0.
  static Sampler lognormal_median(double median, double sigma);
  // Requires mean > 0, sd >= 0.
  static Sampler lognormal_mean_sd(double mean, double sd);
  // The lognormal whose quantiles at probabilities q1 < q2 are x1 < x2.
  // Requires 0 < q1 < q2 < 1 and 0 < x1 < x2.
  static Sampler lognormal_quantiles(double q1, double x1, double q2, double x2);
  // Requires low <= mode <= high; low == high gives the constant.
  static Sampler triangular(double low, double mode, double high);
  // Beta-PERT with lambda = 4: alpha = 1 + 4 (mode - low) / (high - low).
  // Requires low <= mode <= high; low == high gives the constant. Tabulates
  // its quantile (engine/beta_quantile.hpp, ~8 ms): build it once per run.
  static Sampler pert(double low, double mode, double high);
  // Requires rate > 0 and finite.
  static Sampler exponential(double rate);
  // Requires shape > 0, scale > 0.
  static Sampler weibull(double shape, double scale);
  // Values with weights (normalised); values need not be sorted. Requires
  // every weight >= 0 and their sum > 0. Throws std::invalid_argument when the
  // lists are empty or of different lengths.
  static Sampler discrete(const std::vector<double>& values, const std::vector<double>& weights);

  // Restricts the distribution to [min, max] (inclusive for discrete) by the
  // quantile range. Returns false, leaving the sampler unchanged, when the
  // range carries zero probability, or less than the smallest normal double (2.2e-308), measured
  // with survival() in the upper tail. A range too narrow for F(min) and F(max) to differ in
  // double keeps the one-ulp quantile range above F(min) ([1 - 2^-53, 1] when F(min) rounds to
  // 1): its samples are F^-1 there clamped into [min, max] (min itself when F(min) rounds to 1 and
  // F^-1(1 - 2^-53) lies below it).
  // Requires min <= max.
  bool truncate(double min, double max);

  DistKind kind() const { return kind_; }
  bool is_constant() const { return kind_ == DistKind::kConstant; }

  // Untruncated distribution: F(x) (any x) and F^-1(p) (requires 0 <= p <= 1;
  // for unbounded kinds the end points give infinities or, for the normal and lognormal, NaN).
  double cdf(double x) const;
  // 1 - F(x), without the cancellation of 1 - cdf(x) in the upper tail (the continuous kinds;
  // the constant and discrete ones give 1 - cdf(x)).
  double survival(double x) const;
  double quantile(double p) const {
    assert(p >= 0 && p <= 1);
    switch (kind_) {
      case DistKind::kConstant:
        return a_;
      case DistKind::kUniform:
        return a_ + p * (b_ - a_);
      case DistKind::kNormal:
        return a_ + b_ * normal_quantile(p);
      case DistKind::kLognormal:
        return ieee_exp(a_ + b_ * normal_quantile(p));
      case DistKind::kTriangular:
        return triangular_quantile(p);
      case DistKind::kExponential:
        return -ieee_log1p(-p) / a_;
      case DistKind::kWeibull:
        return b_ * ieee_pow(-ieee_log1p(-p), 1.0 / a_);
      case DistKind::kDiscrete:
        return discrete_quantile(p);
      case DistKind::kPert:
        return pert_quantile(p);
    }
    return a_;
  }

  // The sample for uniform u in (0, 1), inside the truncation range. Requires
  // 0 <= u <= 1 (sensitivity evaluates it at quantiles, the path loop at uniforms).
  double operator()(double u) const {
    assert(u >= 0 && u <= 1);
    if (kind_ == DistKind::kConstant) return a_;
    double p = lo_ + u * (hi_ - lo_);
    // A range truncated deep in the upper tail (hi - lo a few ulps of 1) can round p up to 1 for
    // a u < 1, where the quantile is not finite (NaN for the normal): p stays below 1, at the
    // last double, so the sample is the range's most extreme representable one, clamped.
    if (p >= 1 && u < 1) p = kBelowOne;
    return std::clamp(quantile(p), min_, max_);
  }

  // out[i] = (*this)(u[i]) for i < n, bit for bit, the normal, lognormal and exponential kinds
  // on SIMD lanes (engine/lanes.hpp: the inverse normal, exp and log of the scalar definitions);
  // the other kinds take the scalar definition. For models that sample a sub-block of paths at once
  // (docs/design.md#15-lanes-of-paths). Requires every 0 <= u[i] <= 1; out may be u.
  void sample_lanes(const double* u, std::size_t n, double* out) const;

 private:
  static Sampler make(DistKind kind, double a, double b = 0, double c = 0);
  double triangular_quantile(double p) const;
  double discrete_quantile(double p) const;
  double pert_quantile(double p) const { return a_ + (c_ - a_) * (*pert_)(p); }

  static constexpr double kBelowOne = 0x1.fffffffffffffp-1;  // 1 - 2^-53
  DistKind kind_ = DistKind::kConstant;
  double a_ = 0, b_ = 0, c_ = 0;  // parameters, by kind (see distributions.cpp)
  double lo_ = 0, hi_ = 1;        // quantile range after truncation
  double min_ = -std::numeric_limits<double>::infinity();
  double max_ = std::numeric_limits<double>::infinity();
  std::vector<double> values_, cumulative_;   // discrete only: sorted values, CDF
  std::shared_ptr<const BetaQuantile> pert_;  // pert only: the tabulated beta quantile
};

// Inverse CDF of Poisson(mean) at u: the smallest k with P(K <= k) >= u.
// Sequential search from 0 for mean <= 100 (a handful of steps for the
// dilution rounds it drives); Boost.Math beyond, where exp(-mean) would
// lose precision. Requires mean >= 0 and 0 <= u <= 1; mean 0 gives 0.
std::uint32_t poisson_quantile(double mean, double u);

}  // namespace vestsim::engine
