#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "engine/ieee_math.hpp"
#include "engine/rng.hpp"

using namespace vestsim::engine;

namespace {

// Error of y in units in the last place of the double nearest the exact value.
double ulp_error(double y, long double exact) {
  const double d = static_cast<double>(exact);
  if (d == 0) return y == 0 ? 0 : std::numeric_limits<double>::infinity();
  const double ulp =
      std::nextafter(std::abs(d), std::numeric_limits<double>::infinity()) - std::abs(d);
  return static_cast<double>(std::abs(static_cast<long double>(y) - exact) / ulp);
}

// Max ulp error of f against g over n points x(u), u uniform from a fixed stream.
template <class F, class G, class X>
double max_ulp(F f, G g, X x_of, std::uint64_t n, const char* stream) {
  const StreamKey key = make_stream_key(7, stream);
  double worst = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const double x = x_of(uniform(key, i, 0));
    const double e = ulp_error(f(x), g(static_cast<long double>(x)));
    if (std::isnan(e)) return std::numeric_limits<double>::infinity();  // a NaN result fails
    worst = std::max(worst, e);
  }
  return worst;
}

}  // namespace

TEST_CASE("ieee_exp stays below 1 ulp against long double", "[ieee_math]") {
  auto exp_ref = [](long double x) { return expl(x); };
  // The reduced range, where the polynomial alone decides; the range of
  // arguments the kernel sees (GBM steps, lognormal quantiles); the whole domain.
  const double small = max_ulp(
      ieee_exp, exp_ref, [](double u) { return (u - 0.5) * 0.7; }, 1000000, "exp-small");
  const double wide = max_ulp(
      ieee_exp, exp_ref, [](double u) { return (u - 0.5) * 80; }, 1000000, "exp-wide");
  const double all = max_ulp(
      ieee_exp, exp_ref, [](double u) { return -745 + u * 1454.7; }, 1000000, "exp-all");
  INFO("max ulp: reduced " << small << ", |x| < 40 " << wide << ", whole domain " << all);
  CHECK(small < 1.0);
  CHECK(wide < 1.0);
  CHECK(all < 1.0);
}

TEST_CASE("ieee_log stays below 1 ulp against long double", "[ieee_math]") {
  auto log_ref = [](long double x) { return logl(x); };
  // Near 1 (where cancellation would show), over (0, 1] as log(u) sees it, and
  // over the whole exponent range (log-uniform), subnormals included.
  const double near1 = max_ulp(
      ieee_log, log_ref, [](double u) { return 0.5 + u; }, 1000000, "log-near1");
  const double unit = max_ulp(
      ieee_log, log_ref, [](double u) { return u; }, 1000000, "log-unit");
  const double all = max_ulp(
      ieee_log, log_ref,
      [](double u) { return std::ldexp(1.0 + u, static_cast<int>(u * 2098) - 1074); }, 1000000,
      "log-all");
  INFO("max ulp: [0.5, 1.5) " << near1 << ", (0, 1) " << unit << ", whole range " << all);
  CHECK(near1 < 1.0);
  CHECK(unit < 1.0);
  CHECK(all < 1.0);
}

TEST_CASE("ieee_exp and ieee_log: exact points and special values", "[ieee_math]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(ieee_exp(0.0) == 1.0);
  CHECK(ieee_log(1.0) == 0.0);
  CHECK(ieee_log(2.0) == 0x1.62e42fefa39efp-1);  // ln 2 correctly rounded
  // e = 2.71828182845904523536...: within one ulp (2^-51) of its rounding 0x1.5bf0a8b145769p+1.
  CHECK(std::abs(ieee_exp(1.0) - 0x1.5bf0a8b145769p+1) <= 0x1p-51);
  CHECK(ieee_exp(710.0) == inf);
  CHECK(ieee_exp(-746.0) == 0.0);
  CHECK(ieee_exp(-inf) == 0.0);
  CHECK(ieee_exp(inf) == inf);
  CHECK(std::isnan(ieee_exp(std::nan(""))));
  CHECK(ieee_log(0.0) == -inf);
  CHECK(ieee_log(inf) == inf);
  CHECK(std::isnan(ieee_log(-1.0)));
  CHECK(std::isnan(ieee_log(std::nan(""))));
  // The smallest subnormal: log(2^-1074) = -1074 ln 2 = -744.44007192138126...
  CHECK(ieee_log(0x1p-1074) == Approx(-744.4400719213812).epsilon(1e-15));
  // Round trips where they are well conditioned (|x| not small).
  for (double x : {-30.0, -1.5, 0.25, 3.0, 40.0})
    CHECK(ieee_log(ieee_exp(x)) == Approx(x).epsilon(4e-16).margin(1e-300));
}

TEST_CASE("ieee_log1p stays below 3 ulp against long double", "[ieee_math]") {
  auto ref = [](long double x) { return log1pl(x); };
  // Tiny |x| (where 1 + x rounds away most of x), the quantiles' -u for u in (0, 1), and wide.
  const double tiny = max_ulp(
      ieee_log1p, ref, [](double u) { return std::ldexp(u - 0.5, -static_cast<int>(u * 60)); },
      1000000, "log1p-tiny");
  const double unit = max_ulp(
      ieee_log1p, ref, [](double u) { return -u; }, 1000000, "log1p-unit");
  const double wide = max_ulp(
      ieee_log1p, ref, [](double u) { return std::ldexp(u, static_cast<int>(u * 200)); }, 1000000,
      "log1p-wide");
  INFO("max ulp: tiny " << tiny << ", (-1, 0) " << unit << ", up to 2^200 " << wide);
  CHECK(tiny < 3.0);
  CHECK(unit < 3.0);
  CHECK(wide < 3.0);
  CHECK(ieee_log1p(0.0) == 0.0);
  CHECK(ieee_log1p(-1.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(ieee_log1p(-1.5)));
  CHECK(ieee_log1p(0x1p-80) == 0x1p-80);
}

TEST_CASE("ieee_expm1 stays below 3 ulp against long double", "[ieee_math]") {
  auto ref = [](long double x) { return expm1l(x); };
  // Tiny |x| of both signs (where e^x rounds away most of x: the CRRA utilities near gamma = 1 of
  // models/summary.cpp), |x| < 1, and the whole domain up to overflow and down to -1.
  const double tiny = max_ulp(
      ieee_expm1, ref, [](double u) { return std::ldexp(u - 0.5, -static_cast<int>(u * 60)); },
      1000000, "expm1-tiny");
  const double unit = max_ulp(
      ieee_expm1, ref, [](double u) { return 2 * u - 1; }, 1000000, "expm1-unit");
  const double wide = max_ulp(
      ieee_expm1, ref, [](double u) { return -745 + u * 1454.7; }, 1000000, "expm1-wide");
  INFO("max ulp: tiny " << tiny << ", (-1, 1) " << unit << ", whole domain " << wide);
  CHECK(tiny < 3.0);
  CHECK(unit < 3.0);
  CHECK(wide < 3.0);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(ieee_expm1(0.0) == 0.0);
  CHECK(ieee_expm1(0x1p-80) == 0x1p-80);
  CHECK(ieee_expm1(-0x1p-80) == -0x1p-80);
  CHECK(ieee_expm1(-inf) == -1.0);
  CHECK(ieee_expm1(-50.0) == -1.0);
  CHECK(ieee_expm1(inf) == inf);
  CHECK(ieee_expm1(710.0) == inf);
  CHECK(std::isnan(ieee_expm1(std::nan(""))));
}

TEST_CASE("ieee_pow: within 3 |y log x| + 2 ulp where vestsim uses it", "[ieee_math]") {
  // The worst ratio of the error to its bound 3 |y log x| + 2 ulp (log x's error, up to 1 ulp,
  // and the product's rounding, absolute errors of y log x that exp makes relative ones), and
  // the worst error itself. A NaN result fails.
  auto worst = [](auto x_of, auto y_of, const char* stream, double& worst_ulp) {
    const StreamKey key = make_stream_key(7, stream);
    double ratio = 0;
    worst_ulp = 0;
    for (std::uint64_t i = 0; i < 1000000; ++i) {
      const double x = x_of(uniform(key, i, 0)), y = y_of(uniform(key, i, 1));
      const long double exact = powl(static_cast<long double>(x), static_cast<long double>(y));
      const double e = ulp_error(ieee_pow(x, y), exact);
      if (std::isnan(e)) return std::numeric_limits<double>::infinity();
      worst_ulp = std::max(worst_ulp, e);
      ratio = std::max(ratio, e / (3 * std::abs(y * std::log(x)) + 2));
    }
    return ratio;
  };
  double u1 = 0, u2 = 0, u3 = 0, u4 = 0;
  // Discount factors (1 + r)^(-m/12), r in [0, 0.5], m <= 600; raises (1 + g)^n, g in [-0.5, 1],
  // n <= 60; Weibull t^(1/a), t in (0, 40), a in [0.2, 10]; and |y log x| <= 1 (every discount
  // factor of a rate below 10% over 10 years).
  const double df = worst([](double u) { return 1 + 0.5 * u; },
                          [](double u) { return -std::floor(u * 601) / 12; }, "pow-df", u1);
  const double raise = worst([](double u) { return 0.5 + 1.5 * u; },
                             [](double u) { return std::floor(u * 61); }, "pow-raise", u2);
  const double weibull = worst([](double u) { return 40 * u; },
                               [](double u) { return 1 / (0.2 + 9.8 * u); }, "pow-weibull", u3);
  const double near =
      worst([](double u) { return 1 + 0.1 * u; }, [](double u) { return -10 * u; }, "pow-near", u4);
  INFO("max ulp (and of the bound): df " << u1 << " (" << df << "), raises " << u2 << " (" << raise
                                         << "), weibull " << u3 << " (" << weibull
                                         << "), |y log x| <= 1 " << u4 << " (" << near << ")");
  CHECK(df <= 1.0);
  CHECK(raise <= 1.0);
  CHECK(weibull <= 1.0);
  CHECK(near <= 1.0);
  CHECK(u4 < 3.0);
  CHECK(ieee_pow(1.03, 0.0) == 1.0);
  CHECK(ieee_pow(1.0, -7.5) == 1.0);
  CHECK(ieee_pow(2.0, 10.0) == 1024.0);
  CHECK(ieee_pow(0.0, 2.0) == 0.0);
}
