// Inverse of the standard normal CDF.
//
// Wichura, "Algorithm AS 241: The Percentage Points of the Normal
// Distribution", Applied Statistics 37(3), 1988 (PPND16). Relative accuracy
// about 1e-16 over (0, 1); tests/engine/normal_test.cpp checks it against
// Boost.Math's quantile to 1e-12. Used on the hot path instead of
// boost::math::quantile, which is several times slower.
//
// The rational functions are evaluated by Horner's rule from the coefficient
// tables below, and the tail's log is ieee_log: engine/lanes.cpp evaluates the
// same tables in the same order on SIMD lanes, so both give the same bits
// (docs/design.md#15-lanes-of-paths).
#pragma once

#include <array>
#include <cassert>
#include <cmath>

#include "engine/ieee_math.hpp"

namespace vestsim::engine {

namespace as241 {

using Coefficients = std::array<double, 8>;  // highest power first

// |p - 1/2| <= 0.425: x = q A(r) / B(r), r = 0.180625 - q^2.
inline constexpr Coefficients kCentralNum = {2.5090809287301226727e+3, 3.3430575583588128105e+4,
                                             6.7265770927008700853e+4, 4.5921953931549871457e+4,
                                             1.3731693765509461125e+4, 1.9715909503065514427e+3,
                                             1.3314166789178437745e+2, 3.3871328727963666080e+0};
inline constexpr Coefficients kCentralDen = {5.2264952788528545610e+3, 2.8729085735721942674e+4,
                                             3.9307895800092710610e+4, 2.1213794301586595867e+4,
                                             5.3941960214247511077e+3, 6.8718700749205790830e+2,
                                             4.2313330701600911252e+1, 1.0};
// Tails, r = sqrt(-log(min(p, 1 - p))): r <= 5 with r - 1.6, beyond with r - 5.
inline constexpr Coefficients kNearNum = {7.74545014278341407640e-4, 2.27238449892691845833e-2,
                                          2.41780725177450611770e-1, 1.27045825245236838258e+0,
                                          3.64784832476320460504e+0, 5.76949722146069140550e+0,
                                          4.63033784615654529590e+0, 1.42343711074968357734e+0};
inline constexpr Coefficients kNearDen = {1.05075007164441684324e-9, 5.47593808499534494600e-4,
                                          1.51986665636164571966e-2, 1.48103976427480074590e-1,
                                          6.89767334985100004550e-1, 1.67638483018380384940e+0,
                                          2.05319162663775882187e+0, 1.0};
inline constexpr Coefficients kFarNum = {2.01033439929228813265e-7, 2.71155556874348757815e-5,
                                         1.24266094738807843860e-3, 2.65321895265761230930e-2,
                                         2.96560571828504891230e-1, 1.78482653991729133580e+0,
                                         5.46378491116411436990e+0, 6.65790464350110377720e+0};
inline constexpr Coefficients kFarDen = {2.04426310338993978564e-15, 1.42151175831644588870e-7,
                                         1.84631831751005468180e-5,  7.86869131145613259100e-4,
                                         1.48753612908506148525e-2,  1.36929880922735805310e-1,
                                         5.99832206555887937690e-1,  1.0};

inline constexpr double kCentralSplit = 0.425, kCentralConst = 0.180625;
inline constexpr double kNearShift = 1.6, kFarSplit = 5.0;

// ((c0 r + c1) r + c2) ... r + c7.
inline double horner(const Coefficients& c, double r) {
  double acc = c[0];
  for (std::size_t i = 1; i < c.size(); ++i) acc = acc * r + c[i];
  return acc;
}

}  // namespace as241

// Phi^-1(p). Requires 0 < p < 1 (every engine uniform is strictly inside);
// throws nothing.
inline double normal_quantile(double p) {
  using namespace as241;
  assert(p > 0 && p < 1);
  const double q = p - 0.5;
  if (std::fabs(q) <= kCentralSplit) {
    const double r = kCentralConst - q * q;
    return q * horner(kCentralNum, r) / horner(kCentralDen, r);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-ieee_log(r));
  double x;
  if (r <= kFarSplit) {
    r -= kNearShift;
    x = horner(kNearNum, r) / horner(kNearDen, r);
  } else {
    r -= kFarSplit;
    x = horner(kFarNum, r) / horner(kFarDen, r);
  }
  return q < 0 ? -x : x;
}

}  // namespace vestsim::engine
