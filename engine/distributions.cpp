#include "engine/distributions.hpp"

#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "engine/lanes.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>

namespace vestsim::engine {

namespace {
// Boost.Math promotes double to long double internally by default; for the
// beta quantile that costs 10x (16 us vs 1.6 us a draw) and changes results by
// under 1e-15, so samplers stay in double.
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
using Beta = boost::math::beta_distribution<double, DoublePolicy>;
}  // namespace

// Parameters by kind:
//   constant a = value; uniform a = low, b = high; normal a = mean, b = sd;
//   lognormal a = mu, b = sigma; triangular / pert a = low, b = mode, c = high;
//   exponential a = rate; weibull a = shape, b = scale; discrete: values_, cumulative_.

void Sampler::sample_lanes(const double* u, std::size_t n, double* out) const {
  const bool normal = kind_ == DistKind::kNormal || kind_ == DistKind::kLognormal;
  if (!normal && kind_ != DistKind::kExponential) {
    for (std::size_t i = 0; i < n; ++i) out[i] = (*this)(u[i]);
    return;
  }
  // operator() step by step, each step over a chunk: p = lo + u (hi - lo), then
  // - normal, lognormal: z = normal_quantile(p), x = a + b z (exp of it for a lognormal);
  // - exponential: x = -ieee_log1p(-p) / a, log1p's last line log(v) (-p / (v - 1)), v = 1 - p;
  // then the clamp. The lanes need 2^-1022 <= p < 1 (lanes_normal_quantile), or v neither 0 nor
  // 1 (log1p's special cases): a chunk with a p outside (from u = 0 or 1, or a truncated range
  // rounding to an end) takes the scalar sampler whole.
  constexpr std::size_t kChunk = 128;
  const double lo = lo_, width = hi_ - lo_;
  double p[kChunk];
  for (std::size_t first = 0; first < n; first += kChunk) {
    const std::size_t m = std::min(kChunk, n - first);
    const double* uc = u + first;
    double* oc = out + first;
    bool inside = true;
    for (std::size_t i = 0; i < m; ++i) {
      assert(uc[i] >= 0 && uc[i] <= 1);
      p[i] = lo + uc[i] * width;
      const double v = 1.0 + -p[i];
      inside = inside && (normal ? p[i] >= 0x1p-1022 && p[i] < 1 : v != 1.0 && v != 0.0);
    }
    if (!inside) {
      for (std::size_t i = 0; i < m; ++i) oc[i] = (*this)(uc[i]);
      continue;
    }
    if (normal) {
      lanes_normal_quantile(p, m, oc);
      for (std::size_t i = 0; i < m; ++i) oc[i] = a_ + b_ * oc[i];
      if (kind_ == DistKind::kLognormal) lanes_exp(oc, m, oc);
    } else {
      for (std::size_t i = 0; i < m; ++i) oc[i] = 1.0 + -p[i];
      lanes_log(oc, m, oc);
      for (std::size_t i = 0; i < m; ++i) {
        const double x = -p[i];
        oc[i] = -(oc[i] * (x / ((1.0 + x) - 1.0))) / a_;
      }
    }
    for (std::size_t i = 0; i < m; ++i) oc[i] = std::clamp(oc[i], min_, max_);
  }
}

Sampler Sampler::make(DistKind kind, double a, double b, double c) {
  Sampler s;
  s.kind_ = kind;
  s.a_ = a;
  s.b_ = b;
  s.c_ = c;
  return s;
}

Sampler Sampler::constant(double value) {
  return make(DistKind::kConstant, value);
}

Sampler Sampler::uniform(double low, double high) {
  assert(low <= high);
  if (high <= low) return constant(low);
  return make(DistKind::kUniform, low, high);
}

Sampler Sampler::normal(double mean, double sd) {
  assert(sd >= 0);
  if (sd <= 0) return constant(mean);
  return make(DistKind::kNormal, mean, sd);
}

Sampler Sampler::lognormal(double mu, double sigma) {
  assert(sigma >= 0);
  if (sigma <= 0) return constant(ieee_exp(mu));
  return make(DistKind::kLognormal, mu, sigma);
}

Sampler Sampler::lognormal_median(double median, double sigma) {
  assert(median > 0 && sigma >= 0);
  return lognormal(ieee_log(median), sigma);
}

Sampler Sampler::lognormal_mean_sd(double mean, double sd) {
  assert(mean > 0 && sd >= 0);
  // E[X] = exp(mu + sigma^2/2), Var[X] = (exp(sigma^2) - 1) E[X]^2.
  const double s2 = ieee_log1p((sd * sd) / (mean * mean));
  return lognormal(ieee_log(mean) - 0.5 * s2, std::sqrt(s2));
}

Sampler Sampler::lognormal_quantiles(double q1, double x1, double q2, double x2) {
  assert(0 < q1 && q1 < q2 && q2 < 1);
  assert(0 < x1 && x1 < x2);
  const double z1 = normal_quantile(q1), z2 = normal_quantile(q2);
  const double sigma = (ieee_log(x2) - ieee_log(x1)) / (z2 - z1);
  return lognormal(ieee_log(x1) - sigma * z1, sigma);
}

Sampler Sampler::triangular(double low, double mode, double high) {
  assert(low <= mode && mode <= high);
  if (high <= low) return constant(low);
  return make(DistKind::kTriangular, low, mode, high);
}

Sampler Sampler::pert(double low, double mode, double high) {
  assert(low <= mode && mode <= high);
  if (high <= low) return constant(low);
  Sampler s = make(DistKind::kPert, low, mode, high);
  s.pert_ = std::make_shared<const BetaQuantile>(1 + 4 * (mode - low) / (high - low),
                                                 1 + 4 * (high - mode) / (high - low));
  return s;
}

Sampler Sampler::exponential(double rate) {
  assert(rate > 0 && std::isfinite(rate));
  return make(DistKind::kExponential, rate);
}

Sampler Sampler::weibull(double shape, double scale) {
  assert(shape > 0 && scale > 0);
  return make(DistKind::kWeibull, shape, scale);
}

Sampler Sampler::discrete(const std::vector<double>& values, const std::vector<double>& weights) {
  if (values.empty() || values.size() != weights.size())
    throw std::invalid_argument("discrete: values and weights must be non-empty and equal length");
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  assert(std::all_of(weights.begin(), weights.end(), [](double w) { return w >= 0; }));
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  assert(total > 0);
  Sampler s;
  s.kind_ = DistKind::kDiscrete;
  double cum = 0;
  for (std::size_t i : order) {
    if (weights[i] <= 0) continue;
    cum += weights[i] / total;
    s.values_.push_back(values[i]);
    s.cumulative_.push_back(cum);
  }
  s.cumulative_.back() = 1.0;
  if (s.values_.size() == 1) return constant(s.values_[0]);
  return s;
}

bool Sampler::truncate(double min, double max) {
  assert(min <= max);
  if (kind_ == DistKind::kConstant) return a_ >= min && a_ <= max;
  double lo, hi;
  if (kind_ == DistKind::kDiscrete) {
    // Inclusive bounds: lo = P(X < min), hi = P(X <= max).
    auto below = std::lower_bound(values_.begin(), values_.end(), min);
    lo = below == values_.begin() ? 0.0 : cumulative_[below - values_.begin() - 1];
    auto upto = std::upper_bound(values_.begin(), values_.end(), max);
    hi = upto == values_.begin() ? 0.0 : cumulative_[upto - values_.begin() - 1];
  } else {
    lo = std::isfinite(min) ? cdf(min) : 0.0;
    hi = std::isfinite(max) ? cdf(max) : 1.0;
  }
  // A range whose probability is not a normal double (below 2.2e-308) has no uniform in it that
  // a quantile function could take: as good as none. In the upper half, F(min) and F(max) are 1
  // less what the range holds, rounded: its probability comes from the survival function.
  const double mass =
      kind_ != DistKind::kDiscrete && lo > 0.5
          ? (std::isfinite(min) ? survival(min) : 1.0) - (std::isfinite(max) ? survival(max) : 0.0)
          : hi - lo;
  if (!(mass >= std::numeric_limits<double>::min())) return false;
  // F(min) rounds to F(max): the narrowest quantile range double precision holds there, one ulp
  // above F(min) (at 1, the one below it).
  if (!(hi - lo >= std::numeric_limits<double>::min())) {
    if (lo < 1.0) {
      hi = std::nextafter(lo, 2.0);
    } else {
      lo = kBelowOne;
      hi = 1.0;
    }
  }
  lo_ = lo;
  hi_ = hi;
  min_ = min;
  max_ = max;
  return true;
}

double Sampler::cdf(double x) const {
  switch (kind_) {
    case DistKind::kConstant:
      return x >= a_ ? 1.0 : 0.0;
    case DistKind::kUniform:
      return std::clamp((x - a_) / (b_ - a_), 0.0, 1.0);
    case DistKind::kNormal:
      return 0.5 * std::erfc(-(x - a_) / (b_ * M_SQRT2));
    case DistKind::kLognormal:
      return x <= 0 ? 0.0 : 0.5 * std::erfc(-(ieee_log(x) - a_) / (b_ * M_SQRT2));
    case DistKind::kTriangular:
      if (x <= a_) return 0.0;
      if (x >= c_) return 1.0;
      if (x <= b_) return (x - a_) * (x - a_) / ((c_ - a_) * (b_ - a_));
      return 1.0 - (c_ - x) * (c_ - x) / ((c_ - a_) * (c_ - b_));
    case DistKind::kPert: {
      if (x <= a_) return 0.0;
      if (x >= c_) return 1.0;
      const double alpha = 1 + 4 * (b_ - a_) / (c_ - a_), beta = 1 + 4 * (c_ - b_) / (c_ - a_);
      return boost::math::cdf(Beta(alpha, beta), (x - a_) / (c_ - a_));
    }
    case DistKind::kExponential:
      return x <= 0 ? 0.0 : -std::expm1(-a_ * x);
    case DistKind::kWeibull:
      return x <= 0 ? 0.0 : -std::expm1(-std::pow(x / b_, a_));
    case DistKind::kDiscrete: {
      auto it = std::upper_bound(values_.begin(), values_.end(), x);
      return it == values_.begin() ? 0.0 : cumulative_[it - values_.begin() - 1];
    }
  }
  return 0.0;
}

double Sampler::survival(double x) const {
  switch (kind_) {
    case DistKind::kUniform:
      return std::clamp((b_ - x) / (b_ - a_), 0.0, 1.0);
    case DistKind::kNormal:
      return 0.5 * std::erfc((x - a_) / (b_ * M_SQRT2));
    case DistKind::kLognormal:
      return x <= 0 ? 1.0 : 0.5 * std::erfc((ieee_log(x) - a_) / (b_ * M_SQRT2));
    case DistKind::kTriangular:
      if (x <= a_) return 1.0;
      if (x >= c_) return 0.0;
      if (x <= b_) return 1.0 - (x - a_) * (x - a_) / ((c_ - a_) * (b_ - a_));
      return (c_ - x) * (c_ - x) / ((c_ - a_) * (c_ - b_));
    case DistKind::kPert: {
      if (x <= a_) return 1.0;
      if (x >= c_) return 0.0;
      const double alpha = 1 + 4 * (b_ - a_) / (c_ - a_), beta = 1 + 4 * (c_ - b_) / (c_ - a_);
      return boost::math::cdf(boost::math::complement(Beta(alpha, beta), (x - a_) / (c_ - a_)));
    }
    case DistKind::kExponential:
      return x <= 0 ? 1.0 : std::exp(-a_ * x);
    case DistKind::kWeibull:
      return x <= 0 ? 1.0 : std::exp(-std::pow(x / b_, a_));
    case DistKind::kConstant:
    case DistKind::kDiscrete:
      break;
  }
  return 1.0 - cdf(x);
}

double Sampler::triangular_quantile(double p) const {
  const double fc = (b_ - a_) / (c_ - a_);
  if (p < fc) return a_ + std::sqrt(p * (c_ - a_) * (b_ - a_));
  return c_ - std::sqrt((1 - p) * (c_ - a_) * (c_ - b_));
}

double Sampler::discrete_quantile(double p) const {
  // Smallest value whose cumulative weight reaches p.
  auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), p);
  if (it == cumulative_.end()) --it;
  return values_[it - cumulative_.begin()];
}

std::uint32_t poisson_quantile(double mean, double u) {
  assert(mean >= 0 && u >= 0 && u <= 1);
  if (!(mean > 0)) return 0;
  if (mean > 100) {
    namespace bm = boost::math;
    using Policy =
        bm::policies::policy<bm::policies::discrete_quantile<bm::policies::integer_round_up>>;
    return static_cast<std::uint32_t>(
        bm::quantile(bm::poisson_distribution<double, Policy>(mean), u));
  }
  double p = ieee_exp(-mean), cdf = p;
  std::uint32_t k = 0;
  while (cdf < u && k < 10000) {
    ++k;
    p *= mean / k;
    cdf += p;
    if (p == 0) break;  // u within rounding of 1: stop at the last representable term
  }
  return k;
}

}  // namespace vestsim::engine
