// A fast inverse CDF of Beta(alpha, beta) for alpha, beta >= 1 (the PERT
// sampler's), exact to within 1e-12 in distribution: |F(Q(u)) - u| <= 1e-12
// for every u in [0, 1], checked in tests/engine/beta_quantile_test.cpp.
//
// Below the median, x is a smooth (analytic) function of s = u^(1/alpha),
// because F(x) = x^alpha h(x) with h analytic and h(0) > 0; above it, 1 - x is
// one of t = (1 - u)^(1/beta). Each half is tabulated at construction on a
// uniform grid in s (t) with Boost.Math's quantile and the exact slope
// dx/ds = alpha s^(alpha - 1) / f(x), and read by cubic Hermite
// interpolation: a power (ieee_exp of ieee_log), one table lookup, a cubic.
// No library call per draw, so the result is the same on every machine.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace vestsim::engine {

class BetaQuantile {
 public:
  // Requires alpha >= 1 and beta >= 1. Tabulates 2 x (kKnots + 1) points
  // (about 8 ms); throws std::bad_alloc only.
  BetaQuantile(double alpha, double beta);

  // F^-1(u). Requires 0 <= u <= 1; gives 0 at 0 and 1 at 1.
  double operator()(double u) const;

  static constexpr std::size_t kKnots = 2048;

 private:
  // x(s) = F^-1(s^a) of Beta(a, b) for s in [0, s_end]: values and slopes at
  // the knots s = i step.
  struct Half {
    double inv_a = 1, step = 1;
    std::vector<double> x, slope;
    Half(double a, double b);
    double at(double u) const;  // x for 0 <= u <= 1/2
  };
  std::shared_ptr<const Half> low_, high_;  // Beta(alpha, beta), Beta(beta, alpha)
};

}  // namespace vestsim::engine
