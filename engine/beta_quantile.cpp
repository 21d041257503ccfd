#include "engine/beta_quantile.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/special_functions/beta.hpp>

#include "engine/ieee_math.hpp"

namespace vestsim::engine {

namespace {
using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
}  // namespace

BetaQuantile::Half::Half(double a, double b) : inv_a(1.0 / a) {
  const boost::math::beta_distribution<double, DoublePolicy> dist(a, b);
  const double s_end = std::pow(0.5, inv_a);
  step = s_end / kKnots;
  x.resize(kKnots + 1);
  slope.resize(kKnots + 1);
  // x ~ (a B(a, b) u)^(1/a) = (a B(a, b))^(1/a) s as s -> 0.
  slope[0] = std::pow(a * boost::math::beta(a, b, DoublePolicy()), inv_a);
  x[0] = 0;
  for (std::size_t i = 1; i <= kKnots; ++i) {
    const double s = step * static_cast<double>(i);
    x[i] = boost::math::quantile(dist, std::min(0.5, std::pow(s, a)));
    slope[i] = a * std::pow(s, a - 1) / boost::math::pdf(dist, x[i]);
  }
}

double BetaQuantile::Half::at(double u) const {
  if (!(u > 0)) return 0.0;
  const double s = ieee_exp(ieee_log(u) * inv_a);
  const double pos = s / step;
  const std::size_t i = std::min(static_cast<std::size_t>(pos), kKnots - 1);
  const double t = pos - static_cast<double>(i), w = 1 - t;
  // Cubic Hermite on [s_i, s_i+1] with the exact slopes.
  return (1 + 2 * t) * w * w * x[i] + t * w * w * step * slope[i] + t * t * (3 - 2 * t) * x[i + 1] -
         t * t * w * step * slope[i + 1];
}

BetaQuantile::BetaQuantile(double alpha, double beta)
    : low_(std::make_shared<const Half>(alpha, beta)),
      high_(alpha == beta ? low_ : std::make_shared<const Half>(beta, alpha)) {
  assert(alpha >= 1 && beta >= 1);
}

double BetaQuantile::operator()(double u) const {
  assert(u >= 0 && u <= 1);
  if (u <= 0.5) return low_->at(u);
  return 1.0 - high_->at(1.0 - u);  // 1 - u is exact for u >= 1/2
}

}  // namespace vestsim::engine
