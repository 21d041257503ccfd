// The sweep study: its grid, and P(a beats b) and medians at each point.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/studies/sweep.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;

TEST_CASE("sweep grids run from FROM to TO by STEP, row-major", "[studies]") {
  CHECK(sweep_values(1, 3, 1) == std::vector<double>{1, 2, 3});
  CHECK(sweep_values(0, 1, 0.1).size() == 11);  // 1.0 is reached despite rounding
  CHECK(sweep_values(5, 5, 1) == std::vector<double>{5});
  // 0.09 + 13 x 0.07 rounds to 1.0000000000000002: the last point is TO itself, so a key bounded
  // by 1 (geo_band) takes it. 0.1 + 3 x 0.3 lands just under 1, 0.9999999999999999: TO as well.
  CHECK(sweep_values(0.09, 1, 0.07).size() == 14);
  CHECK(sweep_values(0.09, 1, 0.07).back() == 1.0);
  CHECK(sweep_values(0.1, 1, 0.3).back() == 1.0);
  CHECK(sweep_values(0, 1, 0.3).back() == Approx(0.9));  // a grid that stops short of TO
  // A STEP above 1e9 x (TO - FROM): FROM is the only point, and stays FROM.
  CHECK(sweep_values(100000, 100001, 1e15) == std::vector<double>{100000});
  // Near the largest double TO + 1e-9 STEP is infinite: the grid still ends, at its 18 points
  // 1, 1 + 1e307, ..., 1 + 17e307 (1 + 18e307 > TO = 1.797...e308), none infinite.
  const std::vector<double> huge = sweep_values(1, 1.7976931348623157e308, 1e307);
  REQUIRE(huge.size() == 18);
  CHECK(huge.back() == 1 + 17 * 1e307);
  CHECK(sweep_values(0, 1.7976931348623157e308, 1.7976931348623157e308).size() == 2);
  const std::vector<SweepAxis> axes{{"x", {1, 2}}, {"y", {10, 20, 30}}};
  const auto points = sweep_points(axes);
  REQUIRE(points.size() == 6);
  CHECK(points[1] == std::vector<double>{1, 20});
  CHECK(points[3] == std::vector<double>{2, 10});
}

TEST_CASE("a sweep over a certain base flips P(a beats b) where the bases cross", "[studies]") {
  // Cash only, no randomness: over 4 years a earns 4 x base_a, b earns 600,000.
  const std::string text = R"(currency: EUR
simulation: {paths: 500}
companies:
  pub: {kind: public, price: 10, drift: 0, volatility: 0}
offers:
  a:
    base: 100000
  b:
    base: 150000
)";
  const std::vector<SweepAxis> axes{{"offers.a.base", sweep_values(140000, 160000, 10000)}};
  std::vector<Scenario> scenarios;
  for (const auto& point : sweep_points(axes))
    scenarios.push_back(
        vestsim::test::load_ok(text, {{"offers.a.base", std::to_string(point[0])}}));
  const SweepResult r = run_sweep(scenarios, axes, {0, 1});
  REQUIRE(r.points.size() == 3);
  CHECK(r.a == "a");
  CHECK(r.params == std::vector<std::string>{"offers.a.base"});
  CHECK(r.points[0].p_a_beats_b == 0);
  CHECK(r.points[1].p_a_beats_b == 0);  // a tie loses
  CHECK(r.points[2].p_a_beats_b == 1);
  CHECK(r.points[0].p50_a == Approx(r.points[0].p50_b - 4 * 10000));
  CHECK(r.points[1].p50_diff == Approx(0).margin(1e-6));
  CHECK(r.points[2].p50_b == Approx(r.points[0].p50_b));
}
