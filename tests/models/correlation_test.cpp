#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "models/markets/correlation.hpp"

using namespace vestsim;
using models::compile_correlation;
using models::CorrelationPair;

TEST_CASE("a 2x2 correlation factors by hand: L = [[1, 0], [rho, sqrt(1 - rho^2)]]", "[markets]") {
  // Drivers sort by name: "alpha" before "beta", whatever order the pair names them.
  const auto r = compile_correlation({{"beta", "alpha", 0.6}});
  REQUIRE(r.ok);
  REQUIRE(r.factor.drivers == std::vector<std::string>{"alpha", "beta"});
  // sqrt(1 - 0.36) = 0.8
  REQUIRE(r.factor.lower.size() == 3);
  CHECK(r.factor.lower[0] == Approx(1.0).margin(1e-15));
  CHECK(r.factor.lower[1] == Approx(0.6).margin(1e-15));
  CHECK(r.factor.lower[2] == Approx(0.8).margin(1e-15));
  const double eps[2] = {2.0, -1.0}, want[2] = {2.0, 0.6 * 2.0 + 0.8 * -1.0};
  double z[2];
  r.factor.apply(eps, z);
  CHECK(z[0] == Approx(want[0]).margin(1e-15));
  CHECK(z[1] == Approx(want[1]).margin(1e-15));
}

TEST_CASE("a driver in no pair keeps its own normal", "[markets]") {
  // a-c correlated, b only paired at 0: its row of L is the unit row.
  const auto r = compile_correlation({{"a", "c", -0.3}, {"a", "b", 0.0}});
  REQUIRE(r.ok);
  const double eps[3] = {0.5, 1.7, -0.2};
  double z[3];
  r.factor.apply(eps, z);
  CHECK(z[0] == 0.5);
  CHECK(z[1] == 1.7);
}

TEST_CASE("three drivers at rho 0.6: sample correlations of z within 4 standard errors",
          "[markets]") {
  const auto r = compile_correlation({{"x", "y", 0.6}, {"x", "z", 0.3}, {"y", "z", -0.2}});
  REQUIRE(r.ok);
  const engine::StreamKey key = engine::make_stream_key(5, "correlation-test");
  const int n = 200000;
  double s[3] = {0, 0, 0}, ss[3][3] = {};
  for (int i = 0; i < n; ++i) {
    double eps[3], z[3];
    for (int d = 0; d < 3; ++d)
      eps[d] = engine::normal_quantile(engine::uniform(key, i, static_cast<std::uint32_t>(d)));
    r.factor.apply(eps, z);
    for (int a = 0; a < 3; ++a) {
      s[a] += z[a];
      for (int b = 0; b < 3; ++b) ss[a][b] += z[a] * z[b];
    }
  }
  auto corr = [&](int a, int b) {
    const double ca = ss[a][b] / n - s[a] / n * s[b] / n;
    return ca /
           std::sqrt((ss[a][a] / n - s[a] * s[a] / n / n) * (ss[b][b] / n - s[b] * s[b] / n / n));
  };
  // Standard error of a sample correlation: (1 - rho^2) / sqrt(n).
  auto se = [&](double rho) { return (1 - rho * rho) / std::sqrt(double(n)); };
  CHECK(std::abs(corr(0, 1) - 0.6) < 4 * se(0.6));
  CHECK(std::abs(corr(0, 2) - 0.3) < 4 * se(0.3));
  CHECK(std::abs(corr(1, 2) + 0.2) < 4 * se(0.2));
}

TEST_CASE("an impossible matrix names its smallest eigenvalue and the nearest valid one",
          "[markets]") {
  // x-y 0.9 and x-z 0.9 force y-z near +0.62 at least; -0.9 is impossible.
  // det = 1 - 3(0.81) + 2(0.9)(0.9)(-0.9) = 1 - 2.43 - 1.458 < 0.
  const std::vector<CorrelationPair> bad = {{"x", "y", 0.9}, {"x", "z", 0.9}, {"y", "z", -0.9}};
  const auto r = compile_correlation(bad);
  REQUIRE_FALSE(r.ok);
  CHECK(r.problem.smallest_eigenvalue < 0);
  // The eigenvalues sum to the trace, 3; with one negative the printed one is valid.
  const std::vector<double>& m = r.problem.nearest;
  REQUIRE(m.size() == 9);
  for (int i = 0; i < 3; ++i) CHECK(m[4 * i] == 1.0);
  // Pasting the printed block back gives a valid matrix.
  std::vector<CorrelationPair> pasted = {{"x", "y", m[1]}, {"x", "z", m[2]}, {"y", "z", m[5]}};
  CHECK(compile_correlation(pasted).ok);
  const std::string yaml = r.problem.as_yaml();
  CHECK(yaml.rfind("correlations:\n  - {between: [x, y], rho: ", 0) == 0);
}

TEST_CASE("a pair given twice or a driver with itself is a programming error", "[markets]") {
  CHECK_THROWS(compile_correlation({{"a", "a", 0.1}}));
  CHECK_THROWS(compile_correlation({{"a", "b", 0.1}, {"b", "a", 0.2}}));
  CHECK_THROWS(compile_correlation({{"a", "b", 1.0}}));
}
