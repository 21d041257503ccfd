// Tornado bars: zero swing for inputs that cannot matter, sign flips with the
// quantiles, and the ordering a closed form predicts.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "models/studies/sensitivity.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {
const TornadoBar& bar(const TornadoResult& t, const std::string& name) {
  for (const auto& b : t.bars)
    if (b.input == name) return b;
  FAIL("no bar " << name);
  return t.bars.front();
}
}  // namespace

TEST_CASE("an input that does not touch the comparison has zero swing", "[sensitivity]") {
  // hf_ask vs hf_floor: Google's share price and bonus enter neither offer.
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const TornadoResult t = run_sensitivity(s, {0, 1}, 5000, 2);
  CHECK(bar(t, "google share price (Z)").swing() == 0);
  CHECK(bar(t, "google bonus multiplier").swing() == 0);
  CHECK(bar(t, "google share price (Z)").win_high == bar(t, "google share price (Z)").win_low);
  CHECK(std::fabs(bar(t, "huggingface IPO multiple").swing()) > 0);
}

TEST_CASE("swapping an input's P10 and P90 flips its bar", "[sensitivity]") {
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const TornadoResult t = run_sensitivity(s, {0, 2}, 5000, 2, 0.1, 0.9);
  const TornadoResult f = run_sensitivity(s, {0, 2}, 5000, 2, 0.9, 0.1);
  REQUIRE(t.bars.size() == f.bars.size());
  for (const auto& b : t.bars) {
    INFO(b.input);
    CHECK(bar(f, b.input).swing() == -b.swing());
    CHECK(bar(f, b.input).low_value == b.high_value);
  }
  // Sorted by the size of the swing, largest first.
  for (std::size_t i = 1; i < t.bars.size(); ++i)
    CHECK(std::fabs(t.bars[i - 1].swing()) >= std::fabs(t.bars[i].swing()));
}

TEST_CASE("the tornado's order and size follow the closed form", "[sensitivity]") {
  // A: a grant of 100,000 at a certain 1-year IPO, multiple X ~ lognormal(median 2, sigma 0.8),
  // IPO dilution d ~ U(0, 0.1); B: nothing. diff = 100,000 X (1 - d) on every path.
  // Holding X at x, the median difference is 100,000 x median(1 - d) = 95,000 x.
  // Holding d at its P10 / P90 (0.01 / 0.09), it is 100,000 x 2 x (1 - d).
  const Scenario s = load_ok(R"(currency: EUR
companies:
  priv:
    kind: private
    valuation: 1.0e9
    exit:
      time_years: 1
      outcomes: {ipo: 1}
      ipo:
        multiple: {dist: lognormal, median: 2, sigma: 0.8}
        dilution: {dist: uniform, low: 0, high: 0.1}
        lockup_months: 0
offers:
  a:
    base: 0
    grants:
      - {company: priv, type: private_rsu, value: 100000, vesting: {years: 1}}
  b:
    base: 0
)");
  constexpr std::uint64_t n = 40000;
  const TornadoResult t = run_sensitivity(s, {0, 1}, n, 2);
  REQUIRE(t.bars.size() == 2);
  CHECK(t.bars[0].input == "priv IPO multiple");
  CHECK(t.bars[1].input == "priv IPO dilution");
  const double z = 1.2815515655446004;  // Phi^-1(0.9)
  const double x10 = 2 * std::exp(-0.8 * z), x90 = 2 * std::exp(0.8 * z);
  CHECK(t.bars[0].low_value == Approx(x10).epsilon(1e-12));
  CHECK(t.bars[0].high_value == Approx(x90).epsilon(1e-12));
  // The sample median of 1 - d (density 10 on [0.9, 1]) has standard error 1 / (2 x 10 x sqrt(n)).
  const double se_median = 1 / (20 * std::sqrt(double(n)));
  CHECK(std::fabs(t.bars[0].swing() - 100000 * (x90 - x10) * 0.95) <
        4 * 100000 * (x90 - x10) * se_median);
  // For d, the median of X is 2 up to its own sampling error: median of a lognormal has
  // standard error median x sigma x sqrt(pi / 2) / sqrt(n).
  const double se_x = 2 * 0.8 * std::sqrt(M_PI / 2) / std::sqrt(double(n));
  CHECK(std::fabs(t.bars[1].swing() - 100000 * 2 * (0.01 - 0.09)) <
        4 * 100000 * 0.08 * se_x + 1e-6);
  // Spearman: the multiple drives the difference; dilution pushes it down.
  CHECK(t.bars[0].spearman > 0.9);
  CHECK(t.bars[1].spearman < 0);
}

TEST_CASE("a pinned input is what its recorded column reads on every path", "[sensitivity]") {
  // The input table gives each input both its column and its pin: for the inputs recorded
  // as themselves (not a Z or the share lost to rounds), the two must agree.
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const std::vector<UncertainInput> inputs = uncertain_inputs(s);
  int checked = 0;
  for (const UncertainInput& in : inputs) {
    const std::string& n = in.name;
    const bool as_itself =
        n.find("(Z)") == std::string::npos && n.find("dilution per round") == std::string::npos;
    if (!as_itself || in.slot < 0) continue;  // a parameter has no recorded column
    INFO(n);
    CompiledScenario c = compile(s, s.seed);
    const double v = pin_input(c, in, 0.3);
    SimOptions o;
    o.paths = 64;
    o.threads = 1;
    o.record_inputs = true;
    const SimResult r = simulate(c, o);
    for (double x : r.inputs.at(in.slot)) CHECK(x == Approx(v).epsilon(1e-12));
    ++checked;
  }
  CHECK(checked >= 4);
}

TEST_CASE("a correlation swings by 0.3 within +-0.95, and never past its own rho",
          "[sensitivity]") {
  // docs/cli.md (sensitivity): rho - 0.3 and rho + 0.3 within +-0.95; a rho beyond 0.95 is its
  // own high end. Two stocks only, so every rho in (-1, 1) gives a valid matrix.
  const auto swing = [](double rho) {
    const Scenario s = load_ok(fmt::format(R"(currency: EUR
companies:
  a: {{kind: public, price: 10, drift: 0.05, volatility: 0.3}}
  b: {{kind: public, price: 10, drift: 0.02, volatility: 0.2}}
offers:
  x:
    base: 0
    grants: [{{company: a, type: public_rsu, value: 1, vesting: {{years: 1}}}}]
  y:
    base: 0
    grants: [{{company: b, type: public_rsu, value: 1, vesting: {{years: 1}}}}]
correlations:
  - {{between: [a, b], rho: {}}}
)",
                                           rho));
    const std::vector<UncertainInput> inputs = uncertain_inputs(s);
    const auto in = std::find_if(inputs.begin(), inputs.end(), [](const UncertainInput& u) {
      return u.kind == InputKind::kCorrelation;
    });
    REQUIRE(in != inputs.end());
    CompiledScenario lo = compile(s, s.seed), hi = compile(s, s.seed);
    return std::pair{pin_input(lo, *in, 0.1), pin_input(hi, *in, 0.9)};
  };
  CHECK(swing(0.2).first == Approx(-0.1));
  CHECK(swing(0.2).second == Approx(0.5));
  CHECK(swing(0.8).second == Approx(0.95));  // 1.1 clipped
  CHECK(swing(0.99).first == Approx(0.69));
  CHECK(swing(0.99).second == Approx(0.99));  // not "up" to 0.95
  CHECK(swing(-0.99).first == Approx(-0.99));
  CHECK(swing(-0.99).second == Approx(-0.69));
}

TEST_CASE("one path has no rank correlation to report", "[sensitivity]") {
  const Scenario s = load_ok(std::string(default_scenario_text()));
  const TornadoResult one = run_sensitivity(s, {0, 2}, 1, 1);
  for (const auto& b : one.bars) CHECK_FALSE(b.has_spearman);
  const TornadoResult two = run_sensitivity(s, {0, 2}, 2, 1);
  CHECK(
      std::any_of(two.bars.begin(), two.bars.end(), [](const auto& b) { return b.has_spearman; }));
}

TEST_CASE("a difference that is the same in every future has no rank correlation",
          "[sensitivity]") {
  // Two identical offers: the difference is 0 on every path, so no input's ranks can correlate
  // with it (0/0). Reported as n/a for that reason, not as a correlation of 0.
  const LoadResult r =
      load_scenario_file(std::string(VESTSIM_SOURCE_DIR) + "/tests/tools/identical_offers.yaml");
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  const TornadoResult t = run_sensitivity(s, {0, 1}, 500, 1);
  const TornadoBar& z = bar(t, "pub share price (Z)");
  CHECK_FALSE(z.has_spearman);
  CHECK(z.constant);
  CHECK(z.spearman == 0);
}
