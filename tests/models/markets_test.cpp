// Markets (docs/model.md#m1-drivers-and-correlation, #m2-the-private-company-before-its-event):
// `correlations:` loading, correlated monthly shocks, monthly private growth and P(t), and grants
// priced at P(s). Statistical checks use fixed seeds and tolerances of 4 standard errors.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/distributions.hpp"
#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "models/company_paths.hpp"
#include "models/compiled.hpp"
#include "models/simulate.hpp"
#include "tests/test_support.hpp"

using namespace vestsim;
using namespace vestsim::models;
using vestsim::test::all_messages;
using vestsim::test::edited;
using vestsim::test::load_ok;

namespace {

// Three public stocks with monthly public RSUs (S is needed at every month 1..48) and a private
// company that never has an event (its P(t) runs to L) with a grant at month 1.
const std::string kMarkets = R"(currency: EUR
horizon_years: 4
liquidity_horizon_years: 4
companies:
  a: {kind: public, price: 10, drift: 0.05, volatility: 0.3}
  b: {kind: public, price: 10, drift: 0.02, volatility: 0.2}
  c: {kind: public, price: 10, drift: 0.0, volatility: 0.4}
  p:
    kind: private
    valuation: 1000
    exit: {time_years: 2, outcomes: {ipo: 0}}
    growth: {drift: 0.1, volatility: 0.5}
offers:
  o:
    base: 0
    grants:
      - {company: a, type: public_rsu, value: 1, vesting: {years: 4}}
      - {company: b, type: public_rsu, value: 1, vesting: {years: 4}}
      - {company: c, type: public_rsu, value: 1, vesting: {years: 4}}
      - {company: p, type: private_rsu, value: 1, start_month: 1, vesting: {years: 1}}
correlations:
  - {between: [a, b], rho: 0.6}
)";

struct Monthly {
  std::vector<std::vector<double>> returns;  // [driver][path * 48 + m - 1]
};

// Monthly log-returns of a, b, c (log S(m)/S(m-1)) and of p's value before the event
// (log P(m)/P(m-1)), m = 1..48, over `paths` paths, read through the kernel's own path functions.
Monthly monthly_returns(const CompiledScenario& cs, int paths) {
  Monthly out;
  out.returns.assign(4, std::vector<double>());
  PathDraws draws;
  CorrelatedShocks shocks(cs.markets);
  std::vector<std::vector<double>> tables(4);
  std::vector<CompanyState> st(4);
  for (int k = 0; k < 4; ++k) {
    tables[k].assign(price_table_size(cs, cs.companies[k]) + pre_table_size(cs), 1.0);
    st[k].price = tables[k].data();
    st[k].pre.bind(tables[k].data() + price_table_size(cs, cs.companies[k]), cs.L);
  }
  for (int i = 0; i < paths; ++i) {
    draws.start(i);
    shocks.start(draws);
    for (int k = 0; k < 3; ++k) public_path(cs.companies[k].pub, st[k], draws, shocks, nullptr);
    private_path(cs.companies[3].priv, cs.H, cs.L, st[3], draws, shocks, nullptr);
    REQUIRE(st[3].pre_last == 48);
    for (int m = 1; m <= 48; ++m) {
      for (int k = 0; k < 3; ++k)
        out.returns[k].push_back(std::log(st[k].price[m] / (m == 1 ? 1.0 : st[k].price[m - 1])));
      out.returns[3].push_back(std::log(st[3].pre.value(m) / st[3].pre.value(m - 1)));
    }
  }
  return out;
}

double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Sample correlation within 4 SE of rho: SE of a sample correlation ~ (1 - rho^2)/sqrt(n).
void check_correlation(const std::vector<double>& x, const std::vector<double>& y, double rho) {
  const double se = (1 - rho * rho) / std::sqrt(static_cast<double>(x.size()));
  const double r = correlation(x, y);
  INFO("sample " << r << " vs " << rho << ", SE " << se);
  CHECK(std::fabs(r - rho) < 4 * se);
}

}  // namespace

TEST_CASE("correlations: unknown drivers, |rho| >= 1, pairs given twice are errors at their line",
          "[markets]") {
  auto messages = [](const std::string& block) {
    return all_messages(load_scenario_text(
        edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n", block), "test.yaml"));
  };
  const std::string typo = messages("  - {between: [a, p.growht], rho: 0.6}\n");
  CHECK_THAT(typo, Catch::Contains("test.yaml:22: correlations[0].between[1]: unknown driver "
                                   "'p.growht'; did you mean 'p.growth'?"));
  CHECK_THAT(typo, Catch::Contains("drivers here: a, b, c, p.growth, p.post_ipo"));
  CHECK_THAT(messages("  - {between: [a, b], rho: 1}\n"),
             Catch::Contains("correlations[0].rho: must be a number > -1 and < 1"));
  CHECK_THAT(messages("  - {between: [a, b], rho: 0.2}\n  - {between: [b, a], rho: 0.3}\n"),
             Catch::Contains("test.yaml:23: correlations[1]: the pair b, a is given twice"));
  // A currency without a volatility is not a driver, and the message says how to make it one.
  const std::string still = all_messages(
      load_scenario_text(edited(edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n",
                                       "  - {between: [fx.USD, b], rho: 0.6}\n"),
                                "horizon_years: 4\n", "fx: {USD: 0.9}\nhorizon_years: 4\n"),
                         "test.yaml"));
  CHECK_THAT(still, Catch::Contains("correlations[0].between[0]: 'fx.USD' is not a driver: fx.USD "
                                    "has no volatility"));
  CHECK_THAT(still, Catch::Contains("fx: {USD: {rate: 0.9, volatility: 0.1}}"));
  CHECK_THAT(messages("  - {between: [a, a], rho: 0.2}\n"),
             Catch::Contains("correlates 'a' with itself"));
  CHECK_THAT(messages("  - {between: [a], rho: 0.2}\n"),
             Catch::Contains("expected a list of two driver names, got a list of 1"));
  CHECK_THAT(messages("  - {between: [a, b, c], rho: 0.2}\n"),
             Catch::Contains("expected a list of two driver names, got a list of 3"));
  CHECK_THAT(messages("  - {between: a, rho: 0.2}\n"),
             Catch::Contains("expected a list of two driver names, got 'a'"));
}

TEST_CASE(
    "a matrix that is not positive definite names its smallest eigenvalue and the nearest "
    "valid matrix, which loads when pasted back",
    "[markets]") {
  // 0.9, 0.9, -0.9: a and b move together, both with c, yet a and c move apart. R's eigenvalues
  // are 1.9, 1.9 and 1 - 1.8 = -0.8 (eigenvector (1, -1, 1)/sqrt(3): 1 - 0.9 - 0.9 ... each row
  // gives 1 - 0.9 + (-0.9) = -0.8).
  const std::string bad =
      "  - {between: [a, b], rho: 0.9}\n  - {between: [b, c], rho: 0.9}\n"
      "  - {between: [a, c], rho: -0.9}\n";
  const std::string text = edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n", bad);
  const LoadResult r = load_scenario_text(text, "test.yaml");
  REQUIRE_FALSE(r.ok());
  const std::string m = all_messages(r);
  CHECK_THAT(m, Catch::Contains("not positive definite (smallest eigenvalue -0.800000"));
  // Made so by --set (or a --vary point), the message says the command line is in it.
  const std::string fine = edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n",
                                  "  - {between: [a, b], rho: 0.5}\n  - {between: [b, c], rho: "
                                  "0.5}\n  - {between: [a, c], rho: 0.5}\n");
  CHECK(load_scenario_text(fine, "test.yaml").ok());
  CHECK_THAT(all_messages(load_scenario_text(fine, "test.yaml", {{"correlations[2].rho", "-0.9"}})),
             Catch::Contains("the correlation matrix, with the command line's values, is not "
                             "positive definite (smallest eigenvalue -"));
  const auto at = m.find("correlations:\n");
  REQUIRE(at != std::string::npos);
  const std::string block = m.substr(at);
  // Replace the whole correlations block (the last lines of the file) by the printed one.
  const std::string pasted = text.substr(0, text.find("correlations:\n")) + block;
  const Scenario s = load_ok(pasted);
  CHECK(s.correlations.size() == 3);
  for (const CorrelationPair& p : s.correlations) CHECK(std::fabs(p.rho) < 0.9);
  // The nearest matrix by hand (docs/model.md#m1-drivers-and-correlation): the eigenvalue -0.8
  // of v = (1, -1, 1)/sqrt(3) is lifted to 1e-4, adding 0.8001 v v^T: diagonal 1 + 0.8001/3,
  // off-diagonals +-(0.9 - 0.8001/3); rescaled to a unit diagonal, |rho| = (2.7 - 0.8001) /
  // (3 + 0.8001) = 0.4999605 (without the rescale it would print 0.633300).
  CHECK_THAT(block, Catch::Contains("{between: [a, b], rho: 0.499961}"));
  CHECK_THAT(block, Catch::Contains("{between: [a, c], rho: -0.499961}"));
  CHECK_THAT(block, Catch::Contains("{between: [b, c], rho: 0.499961}"));
}

TEST_CASE("two correlated stocks: sample correlation of monthly log-returns is rho (4 SE)",
          "[markets][stat]") {
  const Scenario s = load_ok(kMarkets);
  const CompiledScenario cs = compile(s, 7);
  const Monthly r = monthly_returns(cs, 4000);
  check_correlation(r.returns[0], r.returns[1], 0.6);
  check_correlation(r.returns[0], r.returns[2], 0.0);

  // A driver in no pair keeps its own normals: c's path is bitwise that of the scenario
  // without correlations.
  const Scenario plain =
      load_ok(edited(kMarkets, "correlations:\n  - {between: [a, b], rho: 0.6}\n", ""));
  const Monthly q = monthly_returns(compile(plain, 7), 4000);
  CHECK(q.returns[2] == r.returns[2]);
  CHECK(q.returns[0] == r.returns[0]);  // a is first in the factor: its row of L is (1)
  CHECK(q.returns[1] != r.returns[1]);
}

TEST_CASE("a 3-driver matrix of two stocks and a private company's growth", "[markets][stat]") {
  // R over (a, c, p.growth): 0.6, 0.3, -0.2; det = 0.96 - 0.6 x 0.66 + 0.3 x (-0.42) = 0.438 > 0.
  const Scenario s = load_ok(edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n",
                                    "  - {between: [a, c], rho: 0.6}\n"
                                    "  - {between: [a, p.growth], rho: 0.3}\n"
                                    "  - {between: [p.growth, c], rho: -0.2}\n"));
  const CompiledScenario cs = compile(s, 11);
  REQUIRE(cs.markets.factor.size() == 3);
  const Monthly r = monthly_returns(cs, 4000);
  check_correlation(r.returns[0], r.returns[2], 0.6);
  check_correlation(r.returns[0], r.returns[3], 0.3);
  check_correlation(r.returns[2], r.returns[3], -0.2);
  check_correlation(r.returns[1], r.returns[3], 0.0);
}

TEST_CASE("monthly growth: G(T) has mean exp(gT) and variance exp(2gT)(exp(v^2 T) - 1)",
          "[markets][stat]") {
  // T = 2.55 years: E = 31, a partial last month of 2.55 - 30/12 = 0.05 years.
  const Scenario s = load_ok(R"(currency: EUR
companies:
  p:
    kind: private
    valuation: 1
    exit: {time_years: 2.55, outcomes: {ipo: 1}, ipo: {multiple: 1}}
    growth: {drift: 0.1, volatility: 0.3}
offers:
  o: {base: 0, grants: [{company: p, type: private_rsu, value: 1, vesting: {years: 1}}]}
)");
  const CompiledScenario cs = compile(s, 3);
  std::vector<double> table(price_table_size(cs, cs.companies[0]) + pre_table_size(cs), 1.0);
  CompanyState st;
  st.price = table.data();
  st.pre.bind(table.data() + price_table_size(cs, cs.companies[0]), cs.L);
  PathDraws draws;
  CorrelatedShocks shocks(cs.markets);
  const int n = 100000;
  std::vector<double> g(n);
  for (int i = 0; i < n; ++i) {
    draws.start(i);
    private_path(cs.companies[0].priv, cs.H, cs.L, st, draws, shocks, nullptr);
    REQUIRE(st.E == 31);
    g[i] = st.R;  // G X D C with X = D = C = 1
  }
  double mean = 0, m2 = 0, m4 = 0;
  for (double x : g) mean += x / n;
  for (double x : g) m2 += (x - mean) * (x - mean) / (n - 1), m4 += std::pow(x - mean, 4) / n;
  const double T = 2.55, want_mean = std::exp(0.1 * T);
  const double want_var = std::exp(2 * 0.1 * T) * (std::exp(0.09 * T) - 1);
  CHECK(std::fabs(mean - want_mean) < 4 * std::sqrt(m2 / n));
  CHECK(std::fabs(m2 - want_var) < 4 * std::sqrt((m4 - m2 * m2) / n));
  // 31 growth normals per path: the whole months and the partial last one.
  draws.start(0);
  const std::uint64_t before = draws.normals();
  private_path(cs.companies[0].priv, cs.H, cs.L, st, draws, shocks, nullptr);
  CHECK(draws.normals() - before == 31);
}

TEST_CASE("P(t) before the event is valuation G(t/12) D(t) on a hand-built path", "[markets]") {
  // Growth 0.05 / 0.2, one round a year of 10% over T = 3 years, no event (outcome none): P(t)
  // runs to L = 48. The grant at month 12 makes vestsim compute P(t). Then 12 rounds a year of
  // 1% over T = 5 years: about 60 rounds, more than the 50 months of marks, on the same PreEvent,
  // path after path (each path starts from marks all 1 again).
  const auto [rate, cut, T] = GENERATE(std::tuple{1.0, 0.1, 3.0}, std::tuple{12.0, 0.01, 5.0});
  const Scenario s = load_ok(R"(currency: EUR
liquidity_horizon_years: 4
companies:
  p:
    kind: private
    valuation: 1000
    exit: {time_years: )" + std::to_string(T) +
                             R"(, outcomes: {ipo: 0}}
    growth: {drift: 0.05, volatility: 0.2}
    dilution: {rounds_per_year: )" +
                             std::to_string(rate) + ", per_round: " + std::to_string(cut) + R"(}
offers:
  o: {base: 0, grants: [{company: p, type: private_rsu, value: 1, start_month: 12,
                         vesting: {years: 1}}]}
)");
  const std::uint64_t seed = 5;
  const CompiledScenario cs = compile(s, seed);
  std::vector<double> table(price_table_size(cs, cs.companies[0]) + pre_table_size(cs), 1.0);
  CompanyState st;
  st.price = table.data();
  st.pre.bind(table.data() + price_table_size(cs, cs.companies[0]), cs.L);
  PathDraws draws;
  CorrelatedShocks shocks(cs.markets);
  const auto growth = engine::make_stream_key(seed, "growth/p");
  const auto rounds = engine::make_stream_key(seed, "dilution_rounds/p");
  const auto times = engine::make_stream_key(seed, "round_time/p");
  int rounds_seen = 0;
  for (std::uint64_t path = 0; path < 20; ++path) {
    draws.start(path);
    private_path(cs.companies[0].priv, cs.H, cs.L, st, draws, shocks, nullptr);
    REQUIRE(st.pre_last == 48);
    // K ~ Poisson(rate T) by inversion of draw 0; round k at 12 T u_k months.
    const std::uint32_t K = engine::poisson_quantile(rate * T, engine::uniform(rounds, path, 0));
    rounds_seen += static_cast<int>(K);
    double w = 0;
    for (int t = 0; t <= 48; ++t) {
      if (t > 0)
        w += engine::normal_quantile(engine::uniform(growth, path, t - 1)) / std::sqrt(12.0);
      double D = 1;
      for (std::uint32_t k = 0; k < K; ++k)
        if (12 * T * engine::uniform(times, path, k) < t) D *= 1 - cut;
      const double G = std::exp((0.05 - 0.5 * 0.04) * t / 12.0 + 0.2 * w);
      CHECK(1000 * st.pre.value(t) == Approx(1000 * G * D).epsilon(1e-12));
    }
  }
  CHECK(rounds_seen > (rate > 1 ? 20 * 50 : 20));  // the path sample does exercise rounds
}

TEST_CASE("a Year-2 refresh is priced at the year-2 value", "[markets]") {
  // No volatility, no dilution: G(t) = exp(0.1 t). IPO at T = 5 (E = 60) at multiple 1,
  // no lockup, flat post-IPO price. The initial grant of 100,000 pays 100,000 x G(5) at 60;
  // the refresh of 50,000 made at s = 24 has units 50,000 / P(24) and pays
  // 50,000 x G(5)/G(2) = 50,000 x exp(0.3).
  const Scenario s = load_ok(R"(currency: EUR
companies:
  p:
    kind: private
    valuation: 1000000000
    exit: {time_years: 5, outcomes: {ipo: 1}, ipo: {multiple: 1, lockup_months: 0}}
    growth: {drift: 0.1, volatility: 0}
offers:
  o:
    base: 0
    grants:
      - {company: p, type: private_rsu, value: 100000, vesting: {years: 4}}
      - {company: p, type: private_rsu, value: 50000, start_month: 24, vesting: {years: 1}}
      - {company: p, type: option, value: 50000, start_month: 24, strike: 1, vesting: {years: 1}}
)");
  const CompiledScenario cs = compile(s, 1);
  const PathValues v = simulate_path(cs, 0);
  // 100,000 x e^0.5 = 164,872.1270700...; 50,000 x e^0.3 = 67,492.9403788...; the option struck
  // at P(24) pays 50,000 x (e^0.3 - 1) = 17,492.9403788...
  const double want = 100000 * std::exp(0.5) + 50000 * std::exp(0.3) + 50000 * (std::exp(0.3) - 1);
  CHECK(v.equity[0] == Approx(want).margin(0.005));
}

namespace {

// An offer paid in USD (rate 0.9 EUR) with a refresh-like public grant made at month 12 on a
// flat EUR stock: its value is converted at X(12) and pays 1,000 x X(12) EUR in total.
const std::string kFx = R"(currency: EUR
fx: {USD: {rate: 0.9, volatility: 0.2}}
companies:
  pub: {kind: public, price: 10, drift: 0, volatility: 0}
offers:
  o:
    currency: USD
    base: 120000
    grants:
      - {company: pub, type: public_rsu, value: 1000, start_month: 12, vesting: {years: 1}}
)";

}  // namespace

TEST_CASE("stochastic fx: each salary month at its month's rate, a grant at its grant month's",
          "[markets]") {
  const std::uint64_t seed = 9;
  const CompiledScenario cs = compile(load_ok(kFx), seed);
  REQUIRE(cs.fx_rates.size() == 1);
  const auto key = engine::make_stream_key(seed, "fx/USD");
  for (std::uint64_t path = 0; path < 10; ++path) {
    const PathValues v = simulate_path(cs, path);
    // X(m) = 0.9 exp(-0.04 m / 24 + 0.2 sum_{k<=m} z(k) / sqrt(12)), z(k) draw k - 1.
    double w = 0, cash = 0, x12 = 0;
    for (int m = 1; m <= 48; ++m) {
      w += engine::normal_quantile(engine::uniform(key, path, m - 1)) / std::sqrt(12.0);
      const double x = 0.9 * std::exp(-0.04 * m / 24.0 + 0.2 * w);
      cash += 10000 * x;  // 120,000 / 12 USD a month
      if (m == 12) x12 = x;
    }
    CHECK(v.cash[0] == Approx(cash).epsilon(1e-12));
    CHECK(v.equity[0] == Approx(1000 * x12).epsilon(1e-12));
  }
}

TEST_CASE("fx volatility 0 gives bitwise the fixed-rate results", "[markets]") {
  const Scenario fixed = load_ok(edited(kFx, "{USD: {rate: 0.9, volatility: 0.2}}", "{USD: 0.9}"));
  const Scenario zero = load_ok(edited(kFx, "volatility: 0.2", "volatility: 0"));
  const CompiledScenario a = compile(fixed, 1), b = compile(zero, 1);
  CHECK(b.fx_rates.empty());
  for (std::uint64_t path = 0; path < 5; ++path) {
    const PathValues x = simulate_path(a, path), y = simulate_path(b, path);
    CHECK(x.cash == y.cash);
    CHECK(x.equity == y.equity);
  }
  // And the fixed rate is the month-0 rate: 48 x 10,000 x 0.9, 1,000 x 0.9.
  CHECK(simulate_path(a, 0).cash[0] == Approx(432000).margin(1e-6));
  CHECK(simulate_path(a, 0).equity[0] == Approx(900).margin(1e-9));
}

namespace {

// A private company with no growth and no dilution, its event at month 60 (`OUTCOME` with
// probability 1), no lockup and a flat post-IPO price: P(t) = valuation before the event and
// P_E = valuation at it. One grant of 48,000 vesting 1,000 a month over 48 months.
std::string tender_scenario(const std::string& outcome, const std::string& tenders,
                            const std::string& grant_extra, const std::string& employee) {
  return "currency: EUR\ndiscount_rate: 0.1\n" + employee + R"(
companies:
  p:
    kind: private
    valuation: 1000000
    exit: {time_years: 5, outcomes: {)" +
         outcome + R"(: 1}, ipo: {multiple: 1, lockup_months: 0}}
    growth: {drift: GROWTH, volatility: 0})" +
         tenders + R"(
offers:
  o:
    base: 0
    grants:
      - {company: p, value: 48000, vesting: {years: 4})" +
         grant_extra + "}\n";
}

double equity_of(std::string text, double growth = 0) {
  text = edited(text, "GROWTH", std::to_string(growth));
  return simulate_path(compile(load_ok(text), 1), 0).equity[0];
}

double df(int month) {
  return std::pow(1.1, -month / 12.0);
}

const std::string kTender24 =
    "\n    tenders: {first_month: 24, every_months: 1000, probability: 1, price: 1, "
    "sell_fraction: SELL, eligible: WHO}";

std::string tenders(const std::string& sell, const std::string& who) {
  return edited(edited(kTender24, "SELL", sell), "WHO", who);
}

}  // namespace

TEST_CASE("a certain tender at month 24 pays its share of the vested units, to the cent",
          "[markets]") {
  const std::string rsu = ", type: private_rsu";
  // 24 tranches of 1,000 vested by 24, P(24) = valuation: 0.25 x 24,000 = 6,000 at 24; the
  // exit at 60 pays the 48,000 - 6,000 still held.
  CHECK(equity_of(tender_scenario("ipo", tenders("0.25", "employees"), rsu, "")) ==
        Approx(6000 * df(24) + 42000 * df(60)).margin(0.005));
  // sell_fraction 1: the tender takes the 24,000 vested; the exit pays only the later 24.
  CHECK(equity_of(tender_scenario("ipo", tenders("1", "employees"), rsu, "")) ==
        Approx(24000 * df(24) + 24000 * df(60)).margin(0.005));
  // A failure at 60 still leaves the tender cash.
  CHECK(equity_of(tender_scenario("failure", tenders("0.25", "employees"), rsu, "")) ==
        Approx(6000 * df(24)).margin(0.005));
  // Leaving at 18 (17 tranches vested): employees excludes the leaver at 24, holders does not.
  const std::string leaves = "employee: {departure: {at_month: 18}}";
  CHECK(equity_of(tender_scenario("ipo", tenders("0.25", "employees"), rsu, leaves)) ==
        Approx(17000 * df(60)).margin(0.005));
  CHECK(equity_of(tender_scenario("ipo", tenders("0.25", "holders"), rsu, leaves)) ==
        Approx(4250 * df(24) + 12750 * df(60)).margin(0.005));
  // A tender that never opens changes nothing.
  CHECK(equity_of(tender_scenario(
            "ipo", edited(tenders("0.25", "holders"), "probability: 1", "probability: 0"), rsu,
            "")) == Approx(48000 * df(60)).margin(0.005));
}

TEST_CASE("an option exercised 3 months after leaving at 18 pays units K at 21", "[markets]") {
  const std::string leaves = "employee: {departure: {at_month: 18}}";
  auto option = [](const std::string& policy) {
    return ", type: option, strike: 1, exercise_window_months: 3, exercise_policy: " + policy;
  };
  // 17 tranches vested by d0 = 18: units 17,000 / valuation, K = valuation, so units K = 17,000
  // paid at d = 21. With growth 0.05, P(21) = valuation e^(0.05 x 21/12) > K: in the money.
  const double g = 0.05;
  // A later IPO at 60 pays units P(60) = 17,000 e^(0.05 x 5), the shares no longer net of K.
  CHECK(equity_of(tender_scenario("ipo", "", option("always"), leaves), g) ==
        Approx(17000 * std::exp(g * 5) * df(60) - 17000 * df(21)).margin(0.005));
  CHECK(equity_of(tender_scenario("ipo", "", option("in_the_money"), leaves), g) ==
        Approx(17000 * std::exp(g * 5) * df(60) - 17000 * df(21)).margin(0.005));
  // A failure leaves the strike paid.
  CHECK(equity_of(tender_scenario("failure", "", option("always"), leaves), g) ==
        Approx(-17000 * df(21)).margin(0.005));
  // never forfeits: nothing paid, nothing received.
  CHECK(equity_of(tender_scenario("ipo", "", option("never"), leaves), g) == 0);
  // in_the_money forfeits when P(21) <= K: growth -0.05 puts P(21) below the valuation; even
  // though an IPO at 60 comes later, nothing is paid.
  CHECK(equity_of(tender_scenario("ipo", "", option("in_the_money"), leaves), -g) == 0);
  // Exercised at 21, then a tender at 24 open to holders buys shares at P(24) = e^0.1: the strike
  // is of all 17,000 exercised at 21, the shares the tender takes included (M5, M4).
  CHECK(
      equity_of(tender_scenario("ipo", tenders("0.25", "holders"), option("always"), leaves), g) ==
      Approx(4250 * std::exp(g * 2) * df(24) + 12750 * std::exp(g * 5) * df(60) - 17000 * df(21))
          .margin(0.005));
  CHECK(equity_of(tender_scenario("ipo", tenders("1", "holders"), option("always"), leaves), g) ==
        Approx(17000 * std::exp(g * 2) * df(24) - 17000 * df(21)).margin(0.005));
  // Without a window the options wait for the event: 17,000 (e^0.25 - 1) at 60.
  CHECK(equity_of(tender_scenario("ipo", "", ", type: option, strike: 1", leaves), g) ==
        Approx(17000 * (std::exp(g * 5) - 1) * df(60)).margin(0.005));
}

TEST_CASE("an unexercised option sold at a tender pays max(0, f_p P(t) - K), its units gone",
          "[markets]") {
  // docs/model.md M4. Options struck at the grant value (K = 1 per unit of P), growth 0.05, a
  // certain tender at 24 takes a quarter of the 24,000 vested: P(24) = e^0.1.
  const std::string option = ", type: option, strike: 1";
  const double g = 0.05;
  auto priced = [&](const std::string& price) {
    return edited(tender_scenario("ipo", tenders("0.25", "employees"), option, ""), "price: 1,",
                  "price: " + price + ",");
  };
  // f_p = 1.2: 6,000 (1.2 e^0.1 - 1) at 24, and the 42,000 still held pay (e^0.25 - 1) at 60.
  CHECK(equity_of(priced("1.2"), g) ==
        Approx(6000 * (1.2 * std::exp(0.1) - 1) * df(24) + 42000 * (std::exp(0.25) - 1) * df(60))
            .margin(0.005));
  // f_p = 0.9: 0.9 e^0.1 = 0.995 < K, the sale pays 0, and the 6,000 sold are still gone.
  CHECK(equity_of(priced("0.9"), g) == Approx(42000 * (std::exp(0.25) - 1) * df(60)).margin(0.005));
}

TEST_CASE("tender cash and an exercise reach the tax ledger as docs/tax.md T3 says",
          "[markets][tax]") {
  // The `none` regime charges nothing but the ledger still sorts every payout by year and
  // category. Year 2 holds months 13..24.
  const std::string regime = "\n    tax: {regime: none}";
  auto at = [](const TaxLedger::Year& y, TaxCategory c) {
    return y.amounts[static_cast<std::size_t>(c)];
  };
  auto years_of = [&](std::string text, double growth) {
    text = edited(text, "GROWTH", std::to_string(growth));
    text = edited(text, "    base: 0", "    base: 0" + regime);
    return simulate_path(compile(load_ok(text), 1), 0).tax_years.at(0);
  };
  // A certain tender at 24 selling a quarter of 24,000 of vested RSUs: 6,000 of equity income
  // in year 2; the rest is income when it vests at the IPO (year 5, E = 60).
  const auto tender =
      years_of(tender_scenario("ipo", tenders("0.25", "employees"), ", type: private_rsu", ""), 0);
  CHECK(at(tender.at(1), TaxCategory::kEquityIncome) == Approx(6000).margin(0.005));
  CHECK(at(tender.at(4), TaxCategory::kEquityIncome) == Approx(42000).margin(0.005));
  // Exercise at d = 21 of 17,000 of options struck at the grant value, growth 0.05: the spread
  // 17,000 (e^(0.05 x 21/12) - 1) is income in year 2; the IPO sale at 60 pays
  // 17,000 (e^0.25 - 1) net of the strike, the rest of it a gain in year 5 held from 21.
  const double g = 0.05;
  const auto ex = years_of(tender_scenario("ipo", "",
                                           ", type: option, strike: 1, exercise_window_months: 3, "
                                           "exercise_policy: always",
                                           "employee: {departure: {at_month: 18}}"),
                           g);
  const double spread = 17000 * (std::exp(g * 21 / 12) - 1);
  CHECK(at(ex.at(1), TaxCategory::kEquityIncome) == Approx(spread).margin(0.005));
  CHECK(at(ex.at(4), TaxCategory::kGainLong) + at(ex.at(4), TaxCategory::kGainShort) ==
        Approx(17000 * (std::exp(g * 5) - 1) - spread).margin(0.005));

  // The basis is max(P(d), K), and the gain's holding period runs from d (T3's last row).
  const std::string exercise =
      ", type: option, strike: 1, exercise_window_months: 3, exercise_policy: always";
  const std::string leaves = "employee: {departure: {at_month: 18}}";
  // (a) Growth -0.05: P(21) = e^-0.0875 < K = 1. No income at 21; the IPO sale at 60 is a loss
  // from the strike paid, 17,000 (e^-0.25 - 1) = -3,760.39, long (held 39 months), year 5.
  // (A basis of P(d) would give 17,000 (e^-0.25 - e^-0.0875) = -2,336.11.)
  const auto under = years_of(tender_scenario("ipo", "", exercise, leaves), -0.05);
  CHECK(at(under.at(1), TaxCategory::kEquityIncome) == 0);
  CHECK(at(under.at(4), TaxCategory::kGainLong) == Approx(-3760.39).margin(0.005));
  CHECK(at(under.at(4), TaxCategory::kGainShort) == 0);
  // (b) Growth 0.05 and a failure at 60: the spread 17,000 (e^0.0875 - 1) = 1,554.52 is income
  // at 21 and no loss is recognised (T8).
  const auto failed = years_of(tender_scenario("failure", "", exercise, leaves), g);
  CHECK(at(failed.at(1), TaxCategory::kEquityIncome) == Approx(1554.52).margin(0.005));
  for (const TaxLedger::Year& y : failed) {
    CHECK(at(y, TaxCategory::kGainShort) == 0);
    CHECK(at(y, TaxCategory::kGainLong) == 0);
  }
  // (c) Growth 0.05, a tender at 24 open to holders takes a quarter of the exercised shares:
  // 4,250 (e^0.1 - e^0.0875) = 58.35 is a short gain in year 2 (held 3 months from d = 21; from
  // the vest months it would be long), and the IPO sale of the rest at 60 a long gain,
  // 12,750 (e^0.25 - e^0.0875) = 2,455.44.
  const auto sold =
      years_of(tender_scenario("ipo", tenders("0.25", "holders"), exercise, leaves), g);
  CHECK(at(sold.at(1), TaxCategory::kEquityIncome) == Approx(1554.52).margin(0.005));
  CHECK(at(sold.at(1), TaxCategory::kGainShort) == Approx(58.35).margin(0.005));
  CHECK(at(sold.at(1), TaxCategory::kGainLong) == 0);
  CHECK(at(sold.at(4), TaxCategory::kGainLong) == Approx(2455.44).margin(0.005));
}

// docs/design.md#15-lanes-of-paths: the block tables stop where the draw plan stops and each path
// goes on alone, with the bits of the reference. A hand-made plan holds months 1..10 of the
// correlated drivers a and b and of p's growth (p.growth correlated with a here), and c's own 48;
// the tables must
// cover exactly those months, and z, W and every public price of every path of the sub-block
// must equal the reference kernel's (no plan, every draw scalar), month by month to 48.
TEST_CASE("a constant sampler reads no draw, and any other reads its own uniform", "[markets]") {
  const StreamKey key = engine::make_stream_key(7, "bonus/o");
  PathDraws draws;
  draws.start(5);
  const BlockSample unfilled;  // no draw of it on lanes: each read falls to the draws
  const engine::Sampler constant = engine::Sampler::constant(1.25);
  const engine::Sampler uniform = engine::Sampler::uniform(2.0, 4.0);
  const std::uint64_t before = draws.uniforms();
  CHECK(unfilled(constant, key, 3, draws) == 1.25);
  CHECK(draws.uniforms() == before);
  CHECK(unfilled(uniform, key, 3, draws) == uniform(engine::uniform(key, 5, 3)));
  CHECK(draws.uniforms() == before + 1);
}

namespace {

// Compares values bit for bit, counting the comparisons and the mismatches.
struct SameBits {
  std::size_t checked = 0, mismatches = 0;
  void operator()(double x, double y) {
    ++checked;
    mismatches += std::memcmp(&x, &y, sizeof x) != 0;
  }
};

// kMarkets with p's growth correlated with a: drivers a, b and p.growth.
CompiledScenario three_drivers() {
  const CompiledScenario cs =
      compile(load_ok(edited(kMarkets, "  - {between: [a, b], rho: 0.6}\n",
                             "  - {between: [a, b], rho: 0.6}\n  - {between: [p.growth, a], rho: "
                             "-0.3}\n")),
              5);
  REQUIRE(cs.markets.factor.size() == 3);
  return cs;
}

}  // namespace

TEST_CASE("block tables stop where the draw plan stops and paths go on with the reference bits",
          "[markets][simd]") {
  const CompiledScenario cs = three_drivers();
  DrawLog log;
  for (StreamKey key : cs.markets.keys)
    for (std::uint32_t d = 0; d < 10; ++d) log.note(key, d, true);
  for (std::uint32_t d = 0; d < 48; ++d) log.note(cs.companies[2].pub.key, d, true);  // c whole
  const DrawPlan plan(log, 1, 0.5);
  PathDraws lanes(&plan), reference;
  const std::uint64_t first = 1000, n = 37;  // a partial sub-block
  lanes.set_end(first + n);
  lanes.start(first);
  CorrelatedShocks block(cs.markets), ref(cs.markets);
  block.fill_block(lanes);
  CHECK(block.block_months() == 10);
  const int p = 3;
  REQUIRE(!cs.companies[p].is_public);
  std::vector<double> scratch_block(pre_table_size(cs)), scratch_ref(pre_table_size(cs));
  PreEvent pre_block, pre_ref;
  pre_block.bind(scratch_block.data(), cs.L);
  pre_ref.bind(scratch_ref.data(), cs.L);
  pre_block.fill_block(cs.companies[p].priv, lanes, block);
  std::vector<CompanyState> st_block(3), st_ref(3);
  std::vector<std::vector<double>> prices(
      6, std::vector<double>(price_table_size(cs, cs.companies[0])));
  for (int c = 0; c < 3; ++c) {
    st_block[c].price = prices[c].data();
    st_ref[c].price = prices[3 + c].data();
    fill_public_block(cs.companies[c].pub, st_block[c], lanes, block);
  }
  CHECK(!st_block[0].block_prices);  // a needs months to 48, past the plan: made per path
  CHECK(st_block[2].block_prices);   // c's own draws are planned to 48: made for the block
  SameBits same;
  for (std::uint64_t path = first; path < first + n; ++path) {
    lanes.start(path);
    reference.start(path);
    block.start(lanes);
    ref.start(reference);
    pre_block.start(cs.companies[p].priv, lanes, block);
    pre_ref.start(cs.companies[p].priv, reference, ref);
    // Ask in a scrambled order: months past the table first, then inside it.
    for (int m : {30, 11, 2, 48, 10, 1, 25})
      for (int i = 0; i < 3; ++i) same(block.z(i, m, lanes), ref.z(i, m, reference));
    for (int t : {40, 3, 10, 11, 0, 47}) same(pre_block.w(t), pre_ref.w(t));
    for (int c = 0; c < 3; ++c) {
      public_path(cs.companies[c].pub, st_block[c], lanes, block, nullptr);
      public_path(cs.companies[c].pub, st_ref[c], reference, ref, nullptr);
      for (int m : cs.companies[c].pub.months) same(st_block[c].price[m], st_ref[c].price[m]);
    }
  }
  CHECK(same.checked > 0);
  CHECK(same.mismatches == 0);
}

// CorrelatedShocks::extend_block() makes months past the block for each path up to its own
// need, on lanes of the paths that need them: a need below the block, at its end, one month past
// it (an odd draw: the block ends on an even one), odd and even needs, and one past the last
// month. Every month of every driver, asked in any order, must be the reference's bits, and a
// path must read its extended months without drawing (the reads counted are those past them).
TEST_CASE("shocks extended past the block for some paths give the reference bits",
          "[markets][simd]") {
  const CompiledScenario cs = three_drivers();
  const int months = cs.markets.months;
  REQUIRE(months > 40);  // past every need but the last
  DrawLog log;
  for (StreamKey key : cs.markets.keys)
    for (std::uint32_t d = 0; d < 9; ++d) log.note(key, d, true);
  const DrawPlan plan(log, 1, 0.5);
  PathDraws lanes(&plan), reference;
  const std::uint64_t first = 1000, n = 37;
  lanes.set_end(first + n);
  lanes.start(first);
  CorrelatedShocks block(cs.markets), ref(cs.markets);
  block.fill_block(lanes);
  REQUIRE(block.block_months() == 9);
  std::vector<int> need(PathDraws::kBlock, 0);
  for (std::uint64_t p = 0; p < n; ++p)
    need[p] = std::array<int, 6>{0, 9, 10, static_cast<int>(9 + p), 40, 1000}[p % 6];
  block.extend_block(lanes, need.data());
  SameBits same;
  std::size_t drawn_inside = 0, drawn_past = 0;
  for (std::uint64_t path = first; path < first + n; ++path) {
    lanes.start(path);
    reference.start(path);
    block.start(lanes);
    ref.start(reference);
    const int made = std::min(std::max(need[path - first], 9), months);
    const std::uint64_t before = lanes.normals();
    // The extended months first, in a scrambled order, then every month.
    for (int m : {made, 1, 10, made / 2 + 5, 9, 11})
      for (int i = 0; i < 3; ++i)
        same(block.z(i, std::min(m, made), lanes), ref.z(i, std::min(m, made), reference));
    drawn_inside += lanes.normals() - before;
    for (int m = months; m >= 1; --m)
      for (int i = 0; i < 3; ++i) same(block.z(i, m, lanes), ref.z(i, m, reference));
    drawn_past += lanes.normals() - before;
  }
  CHECK(same.checked == n * (6 + static_cast<std::size_t>(months)) * 3);
  CHECK(same.mismatches == 0);
  CHECK(drawn_inside == 0);  // every month up to a path's need came from the extension
  CHECK(drawn_past > 0);     // and the others were drawn per path
}

// PreEvent::extend_block() for a growth on its own stream: W and the shocks past the block for
// each column up to its need, past a block of 3 months (an odd draw first) and with no block at
// all (the stream planned nowhere: W from 0). Every W(t) and z(k), asked in any order, must be the
// reference's bits, and a path must read its extended months without drawing.
TEST_CASE("an own growth stream extended past its block gives the reference bits",
          "[markets][simd]") {
  const CompiledScenario cs = compile(load_ok(kMarkets), 5);
  const int p = 3;
  const CompiledPrivate& priv = cs.companies[p].priv;
  REQUIRE(priv.growth_corr < 0);
  const int top = cs.L + 1;  // W's last month
  for (const std::uint32_t planned : {3u, 0u}) {
    INFO("growth planned to " << planned << " draws");
    DrawLog log;
    for (std::uint32_t d = 0; d < planned; ++d) log.note(priv.growth_key, d, true);
    log.note(priv.exit_key, 0, false);  // a plan, so that draws are made ahead
    const DrawPlan plan(log, 1, 0.5);
    PathDraws lanes(&plan), reference;
    const std::uint64_t first = 300, n = 41;
    lanes.set_end(first + n);
    lanes.start(first);
    CorrelatedShocks shocks_lanes(cs.markets), shocks_ref(cs.markets);
    shocks_lanes.fill_block(lanes);
    std::vector<double> scratch_lanes(pre_table_size(cs)), scratch_ref(pre_table_size(cs));
    PreEvent pre_lanes, pre_ref;
    pre_lanes.bind(scratch_lanes.data(), cs.L);
    pre_ref.bind(scratch_ref.data(), cs.L);
    pre_lanes.fill_block(priv, lanes, shocks_lanes);
    std::vector<int> need(PathDraws::kBlock, 0);
    for (std::uint64_t c = 0; c < n; ++c)
      need[c] = std::array<int, 5>{0, 3, 4, static_cast<int>(c % 30), 1000}[c % 5];
    pre_lanes.extend_block(priv, lanes, shocks_lanes, need.data());
    SameBits same;
    std::size_t drawn_inside = 0;
    for (std::uint64_t path = first; path < first + n; ++path) {
      lanes.start(path);
      reference.start(path);
      shocks_lanes.start(lanes);
      shocks_ref.start(reference);
      pre_lanes.start(priv, lanes, shocks_lanes);
      pre_ref.start(priv, reference, shocks_ref);
      const int made = std::min(std::max(need[path - first], static_cast<int>(planned)), top);
      const std::uint64_t before = lanes.normals();
      for (int t : {made, std::min(1, made), made / 2, std::max(made - 1, 0)})
        same(pre_lanes.w(t), pre_ref.w(t));
      // (z(k) of the block's months is read from the plan, and counted: not asked here.)
      for (int k = static_cast<int>(planned) + 1; k <= made; ++k)
        same(pre_lanes.z(k), pre_ref.z(k));
      drawn_inside += lanes.normals() - before;
      for (int t = top; t >= 0; --t) same(pre_lanes.w(t), pre_ref.w(t));
    }
    CHECK(same.checked > n * static_cast<std::size_t>(top));
    CHECK(same.mismatches == 0);
    CHECK(drawn_inside == 0);  // every month up to a path's need came from the extension
  }
}

TEST_CASE("the draw plan keeps an extended stream's draws only where most paths read them",
          "[markets][simd]") {
  const StreamKey growth = engine::make_stream_key(3, "growth"),
                  other = engine::make_stream_key(3, "x");
  DrawLog log;
  // 10 paths: draws 0..4 read by all, 5..7 by 8 of them, 8..9 by 3.
  for (int path = 0; path < 10; ++path)
    for (std::uint32_t d = 0; d < 10; ++d)
      if (d < 5 || (d < 8 && path < 8) || path < 3)
        for (StreamKey key : {growth, other}) log.note(key, d, true);
  const StreamKey extended[] = {growth};
  const DrawPlan plain(log, 10, 0.2), plan(log, 10, 0.2, extended, 0.75);
  CHECK(plain.planned_draws(growth, true) == 10);
  CHECK(plan.planned_draws(growth, true) == 8);  // 8 of 10 >= 0.75; 3 of 10 is not
  CHECK(plan.planned_draws(other, true) == 10);  // not extended: 0.2 still
  CHECK(DrawPlan(log, 10, 0.2, extended, 0.9).planned_draws(growth, true) == 5);
  // Read by too few for extended_share, it keeps its first pair: on lanes, its later reads are
  // chunks on lanes, not scalar draws.
  CHECK(DrawPlan(log, 10, 0.2, extended, 1.5).planned_draws(growth, true) ==
        DrawPlan::kExtendedKeep);
}

// PathDraws::z_rows reads runs of draws of several streams, each run from one place: a row of the
// plan, or a chunk of kTail past it (made when missing, several at once, taking the place of
// another when all kTails are used). Streams planned to different lengths (10, 23, 4, 31, so
// runs end at different draws), four of them (every tail in use), ranges that start and end
// inside the plan, on its end, across chunks and past them, a fifth stream off lanes and a
// sixth key (more streams than tails: one read at a time): every value must be the reference's,
// bit for bit, and the counts must be one uniform and one normal per value.
TEST_CASE("runs of several streams' draws give the reference's values and counts",
          "[markets][simd]") {
  std::vector<StreamKey> keys;
  for (const char* name : {"k0", "k1", "k2", "k3", "off", "k5"})
    keys.push_back(engine::make_stream_key(11, name));
  DrawLog log;
  const std::uint32_t planned[] = {10, 23, 4, 31, 0, 7};
  for (std::size_t k = 0; k < keys.size(); ++k)
    for (std::uint32_t d = 0; d < planned[k]; ++d) log.note(keys[k], d, true);
  const DrawPlan plan(log, 1, 0.5);
  PathDraws lanes(&plan), reference;
  const std::uint64_t first = 300, n = 5;
  lanes.set_end(first + n);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges = {
      {0, 1},  {0, 4},  {3, 8},   {9, 2},  {10, 1}, {8, 20},   {22, 2},
      {30, 3}, {0, 64}, {17, 40}, {60, 5}, {5, 70}, {33, 300}, {40, 129}};
  const std::vector<std::vector<std::size_t>> sets = {{0},          {1, 3}, {0, 1, 2, 3},
                                                      {3, 2, 1, 0}, {0, 4}, {0, 1, 2, 3, 5}};
  std::size_t mismatches = 0, checked = 0;
  for (std::uint64_t path = first; path < first + n; ++path) {
    lanes.start(path);
    reference.start(path);
    for (const auto& set : sets) {
      std::vector<StreamKey> ks;
      for (std::size_t k : set) ks.push_back(keys[k]);
      for (const auto& [from, count] : ranges) {
        std::vector<double> out(ks.size() * count);
        const std::uint64_t uniforms = lanes.uniforms(), normals = lanes.normals();
        lanes.z_rows(ks, from, count, out.data());
        CHECK(lanes.uniforms() - uniforms == ks.size() * count);
        CHECK(lanes.normals() - normals == ks.size() * count);
        for (std::uint32_t d = 0; d < count; ++d)
          for (std::size_t k = 0; k < ks.size(); ++k) {
            const double want = reference.z(ks[k], from + d);
            ++checked;
            mismatches += std::memcmp(&out[d * ks.size() + k], &want, sizeof want) != 0;
          }
      }
    }
  }
  CHECK(checked == 5 * 18 * 649);  // paths x keys of the sets x draws of the ranges
  CHECK(mismatches == 0);
}
