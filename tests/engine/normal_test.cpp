#include <cmath>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include "engine/normal.hpp"

using vestsim::engine::normal_quantile;

TEST_CASE("AS241 inverse normal agrees with Boost.Math to 1e-12", "[normal]") {
  const boost::math::normal_distribution<> n01;
  double worst = 0;
  // A dense grid over the body and both tails down to 1e-300.
  for (int i = 1; i < 20000; ++i) {
    const double p = i / 20000.0;
    worst = std::max(worst, std::fabs(normal_quantile(p) - boost::math::quantile(n01, p)));
  }
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double ref = boost::math::quantile(n01, p);
    worst = std::max(worst, std::fabs(normal_quantile(p) - ref) / std::max(1.0, std::fabs(ref)));
    if (p > 1e-15) {             // below that, 1 - p is not representable apart from 1
      const double q = 1.0 - p;  // the upper tail at the exactly representable q
      const double refc = boost::math::quantile(n01, q);
      worst = std::max(worst, std::fabs(normal_quantile(q) - refc) / std::fabs(refc));
    }
  }
  CHECK(worst < 1e-12);
  CHECK(normal_quantile(0.5) == 0.0);
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
}
