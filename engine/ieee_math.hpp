// exp, log, log1p, expm1 and pow in plain IEEE-754 double arithmetic (+, -, *, /, and integer
// operations on the bits), so that every instruction set computes the same
// bits: no FMA, no table lookups, no library call (docs/design.md#8-precise-floating-point).
// glibc picks its exp/log/pow/log1p implementation at run time by CPU feature, which can
// change the last digit of a report across machines; these cannot.
//
// exp's and log's algorithms and coefficients are those of fdlibm's e_exp.c and e_log.c:
//   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//   Developed at SunSoft, a Sun Microsystems, Inc. business.
//   Permission to use, copy, modify, and distribute this software is freely
//   granted, provided that this notice is preserved.
//
// Accuracy: exp and log stay below 1 ulp of the exact result over their whole
// domain; tests/engine/ieee_math_test.cpp measures the maximum error against
// long double on millions of points and fails above 1 ulp. log1p, expm1 and pow state
// their own bounds below, measured by the same tests.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace vestsim::engine {

namespace ieee_detail {

inline double from_bits(std::uint64_t b) {
  return std::bit_cast<double>(b);
}
inline std::uint64_t to_bits(double x) {
  return std::bit_cast<std::uint64_t>(x);
}
// 2^k for -1022 <= k <= 1023, built from its exponent bits.
inline double pow2(std::int64_t k) {
  return from_bits(static_cast<std::uint64_t>(k + 1023) << 52);
}

inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 trailing zero bits
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;
inline constexpr double kInvLn2 = 1.44269504088896338700e+00;
// exp: e^r = 1 + r + r c / (2 - c), c = r - r^2 (P1 + r^2 (P2 + ...)).
inline constexpr double kExpP1 = 1.66666666666666019037e-01, kExpP2 = -2.77777777770155933842e-03,
                        kExpP3 = 6.61375632143793436117e-05, kExpP4 = -1.65339022054652515390e-06,
                        kExpP5 = 4.13813679705723846039e-08;
// log: log(1 + f) = f - f^2/2 + s (f^2/2 + R(z)), R from Lg1..Lg7.
inline constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                        kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                        kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                        kLg7 = 1.479819860511658591e-01;

}  // namespace ieee_detail

// e^x. exp(NaN) = NaN, exp(+inf) = +inf, exp(-inf) = 0; overflows to +inf
// above 709.78, underflows to 0 below -745.13 (subnormal results in between).
inline double ieee_exp(double x) {
  using namespace ieee_detail;
  constexpr double kOverflow = 7.09782712893383973096e+02;
  constexpr double kUnderflow = -7.45133219101941108420e+02;
  if (x != x) return x;
  if (x > kOverflow) return std::numeric_limits<double>::infinity();
  if (x < kUnderflow) return 0.0;
  // x = k ln2 + r, |r| <= ln2 / 2; k ln2_hi is exact (|k| < 2^11).
  const double kd = std::floor(x * kInvLn2 + 0.5);
  const double hi = x - kd * kLn2Hi, lo = kd * kLn2Lo;
  const double r = hi - lo;
  // e^r = 1 + r + r c / (2 - c), c a minimax fit of r - r^2 (...), error < 2^-59.
  const double t = r * r;
  const double c = r - t * (kExpP1 + t * (kExpP2 + t * (kExpP3 + t * (kExpP4 + t * kExpP5))));
  const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  const auto k = static_cast<std::int64_t>(kd);
  if (k >= -1021) return k <= 1023 ? y * pow2(k) : y * 2.0 * pow2(k - 1);
  return y * pow2(k + 1000) * pow2(-1000);  // subnormal result: one rounding, at the end
}

// Natural logarithm. log(x < 0) = NaN, log(0) = -inf, log(+inf) = +inf, log(NaN) = NaN.
inline double ieee_log(double x) {
  using namespace ieee_detail;
  if (x != x || x == std::numeric_limits<double>::infinity()) return x;
  if (x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  std::int64_t k = 0;
  if (x < 0x1p-1022) {  // subnormal: scale into the normal range (exact)
    x *= 0x1p54;
    k = -54;
  }
  // x = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2).
  std::uint64_t bits = to_bits(x);
  std::uint64_t hx = bits >> 32;
  k += static_cast<std::int64_t>(hx >> 20) - 1023;
  hx &= 0x000fffff;
  const std::uint64_t i = (hx + 0x95f64) & 0x100000;  // mantissa above sqrt(2): halve it
  hx |= i ^ 0x3ff00000;
  k += static_cast<std::int64_t>(i >> 20);
  bits = (hx << 32) | (bits & 0xffffffffu);
  const double f = from_bits(bits) - 1.0;  // exact (Sterbenz)
  // log(1 + f) = f - f^2/2 + s (f^2/2 + R(z)), s = f / (2 + f), z = s^2.
  const double s = f / (2.0 + f), z = s * s, w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double R = t2 + t1, hfsq = 0.5 * f * f;
  const double dk = static_cast<double>(k);
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + R) + dk * kLn2Lo)) - f);
}

// log(1 + x), accurate where 1 + x rounds: with u = 1 + x (rounded), log(u) x / (u - 1) cancels
// the rounding of u to first order (Goldberg, "What every computer scientist should know about
// floating-point arithmetic", 1991, theorem 4). Below 3 ulp of the exact result over its domain
// (tests/engine/ieee_math_test.cpp measures it). log1p(-1) = -inf, log1p(x < -1) = NaN,
// log1p(+inf) = +inf, log1p(NaN) = NaN.
inline double ieee_log1p(double x) {
  if (x != x || x == std::numeric_limits<double>::infinity()) return x;
  const double u = 1.0 + x;
  if (u == 1.0) return x;  // |x| below half an ulp of 1: log1p(x) = x to within it
  if (u == 0.0) return -std::numeric_limits<double>::infinity();
  return ieee_log(u) * (x / (u - 1.0));
}

// e^x - 1, accurate where e^x rounds near 1: with u = e^x (rounded), (u - 1) x / log(u) cancels
// the rounding of u to first order (Kahan's expm1, the counterpart of ieee_log1p's theorem). Below
// 3 ulp of the exact result over its domain (tests/engine/ieee_math_test.cpp measures it).
// expm1(-inf) = -1, expm1(+inf) = +inf, expm1(NaN) = NaN.
inline double ieee_expm1(double x) {
  if (x != x) return x;
  const double u = ieee_exp(x);
  if (u == 1.0) return x;  // |x| below half an ulp of 1: expm1(x) = x to within it
  if (u == std::numeric_limits<double>::infinity()) return u;
  const double um1 = u - 1.0;
  if (um1 == -1.0) return -1.0;  // e^x below half an ulp of 1
  return um1 * (x / ieee_log(u));
}

// x^y for x > 0 as exp(y log x): the error is below 3 |y log x| + 2 ulp, since log x's error
// (1 ulp) and the product's rounding are absolute errors of y log x, which exp turns into a
// relative error of the result (below 3 ulp where |y log x| <= 1)
// (tests/engine/ieee_math_test.cpp measures it where vestsim uses it: discount factors, raises, the
// Weibull quantile, CRRA utilities). x = 0 gives 0 for y > 0 and +inf for y < 0; x < 0 gives NaN
// (vestsim never raises a negative number); y = 0 gives 1.
inline double ieee_pow(double x, double y) {
  if (y == 0) return 1.0;
  if (x == 1.0) return 1.0;
  return ieee_exp(y * ieee_log(x));
}

}  // namespace vestsim::engine
