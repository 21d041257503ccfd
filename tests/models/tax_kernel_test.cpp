// The per-path tax of the kernel (docs/tax.md#t2-the-income-of-one-tax-year to #t6-outputs):
// golden figures on deterministic scenarios (fixed departure, zero volatilities, certain
// outcomes), each worked by hand in the comments and checked to the cent, and the
// identities of docs/tax.md#t6-outputs over many random paths.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"
#include "tests/models/flat_tax_identity.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
using vestsim::test::load_ok;

namespace {

constexpr double kCent = 0.005;

// Every digit of x (std::to_string keeps only 6 decimals).
std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// One grant line of Setup::grants: `value` vesting over one year every `every_months`.
std::string grant(const std::string& company, const std::string& type, double value,
                  int every_months) {
  return "      - {company: " + company + ", type: " + type + ", value: " + num(value) +
         ", vesting: {years: 1, every_months: " + std::to_string(every_months) + "}}\n";
}

TaxRegime regime_of(const std::string& text) {
  const LoadRegimeResult r = load_regime_text(text, "inline-regime.yaml");
  std::string messages;
  for (const Diagnostic& d : r.errors) messages += d.to_string() + "\n";
  INFO(messages);
  REQUIRE(r.ok());
  return *r.regime;
}

// A small progressive regime whose figures are easy to work by hand: a scale of 10% to
// 100K, 30% to 200K, 50% above; qualified income at weight 0.5 up to a 300K cap; long gains
// stacked on top of the ordinary base, 0% to 150K and 15% above. No levy.
const char* const kProgressive = R"(name: prog
year: 2026
currency: USD
qualified: {cap: 300000}
income_taxes:
  - name: income
    weights: {qualified: 0.5}
    brackets: [[0, 0.1], [100000, 0.3], [200000, 0.5]]
    long_gains: [[0, 0.0], [150000, 0.15]]
)";

// A scenario in USD with one offer `a` (salary `base`, the grants given) under the
// progressive regime, a private company `p` (valuation 1e8, an IPO or acquisition after
// `exit_years` at `multiple`, no dilution, post-IPO drift `drift`, no volatility), a public
// company `q` (price 100, flat) and a fixed departure month (-1: never leaves).
struct Setup {
  double base = 100000;
  std::string grants;
  double exit_years = 1;
  std::string outcome = "ipo";
  double multiple = 2;
  int lockup = 6;
  double drift = 0;
  int departure = -1;
  double horizon = 2;
  double discount = 0;
  double baseline = 0;
  std::string extra_companies;
};

Scenario scenario(const Setup& u) {
  const std::string departure =
      u.departure < 0 ? "{annual_rate: 0}" : "{at_month: " + std::to_string(u.departure) + "}";
  // The loader checks `tax_treatment: qualified` against the loaded regime, so the offer
  // loads with fr-2026 (EUR, hence the fx entry) and then gets the regime under test.
  std::string text =
      "currency: USD\nfx: {EUR: 1.1}\nhorizon_years: " + num(u.horizon) +
      "\nliquidity_horizon_years: 6\ndiscount_rate: " + num(u.discount) +
      "\nemployee: {departure: " + departure +
      "}\ncompanies:\n  p:\n    kind: private\n    valuation: 1.0e8\n    exit:\n"
      "      time_years: " +
      num(u.exit_years) + "\n      outcomes: {" + u.outcome +
      ": 1}\n      ipo: {multiple: " + num(u.multiple) +
      ", dilution: 0, lockup_months: " + std::to_string(u.lockup) +
      "}\n      acquisition: {multiple: " + num(u.multiple) +
      "}\n    post_ipo: {drift: " + num(u.drift) +
      ", volatility: 0}\n  q: {kind: public, price: 100, drift: 0, volatility: 0}\n" +
      u.extra_companies + "offers:\n  a:\n    base: " + num(u.base) +
      "\n    tax: {regime: fr-2026, baseline_income: " + num(u.baseline) + "}\n    grants:\n" +
      u.grants + "  b:\n    base: 1\ncompare:\n  - {a: a, b: b}\n";
  Scenario s = load_ok(text);
  s.offers[0].tax->regime = regime_of(kProgressive);
  return s;
}

// Path 0 of the scenario (every path is the same: nothing is random).
PathValues path_of(const Scenario& s) {
  return simulate_path(compile(s, 1), 0);
}

std::vector<double> charged(const PathValues& v) {
  std::vector<double> out;
  for (const TaxLedger::Year& y : v.tax_years[0]) out.push_back(y.charged);
  return out;
}

constexpr std::size_t kWages = 0, kEquityIncome = 1, kQualified = 2, kQualifiedExcess = 3,
                      kGainShort = 4, kGainLong = 5;

}  // namespace

TEST_CASE("tax kernel: an RSU vest lands in a higher bracket", "[tax][kernel]") {
  // Salary 120K and public RSUs worth 120K vesting at month 12 (price flat): year 1 holds
  // wages 120,000 and equity income 120,000, taxable 240,000:
  //   0.1 x 100,000 + 0.3 x 100,000 + 0.5 x 40,000 = 10,000 + 30,000 + 20,000 = 60,000.
  // Without the vest the salary alone would pay 10,000 + 0.3 x 20,000 = 16,000: the vest
  // costs 44,000. The tax of year 1 is paid at month 12 and discounted at 10%: the PV is
  // 60,000 / 1.1 = 54,545.4545...
  Setup u;
  u.base = 120000;
  u.horizon = 1;
  u.discount = 0.1;
  u.grants = grant("q", "public_rsu", 120000, 12);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 1);
  CHECK(v.tax_years[0][0].amounts[kWages] == Approx(120000).margin(kCent));
  CHECK(v.tax_years[0][0].amounts[kEquityIncome] == Approx(120000).margin(kCent));
  CHECK(charged(v)[0] == Approx(60000).margin(kCent));
  CHECK(v.tax[0] == Approx(60000 / 1.1).margin(kCent));
  CHECK(v.tax[1] == 0);  // offer b has no regime
}

TEST_CASE("tax kernel: an IPO year, then a short-term gain after a 6-month lockup",
          "[tax][kernel]") {
  // IPO at month 12 (exit 1 year), multiple 2: each unit is worth R = 2 at E. RSUs worth
  // 100K vest at month 12 = E, so their income is 100,000 x 2 = 200,000 at E (year 1); they
  // are sold at E + 6 = 18 (year 2) at P_E x exp(drift x 6/12) = 1.5 P_E with drift =
  // 2 ln 1.5, a gain of 200,000 x 0.5 = 100,000 held 6 months: short-term.
  //   year 1: wages 100,000 + income 200,000 = 300,000:
  //           10,000 + 30,000 + 0.5 x 100,000 = 90,000
  //   year 2: wages 100,000 + short gain 100,000 (weight 1, on the scale) = 200,000:
  //           10,000 + 30,000 = 40,000
  Setup u;
  u.drift = 2 * std::log(1.5);
  u.grants = grant("p", "private_rsu", 100000, 12);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 2);
  CHECK(v.tax_years[0][0].amounts[kEquityIncome] == Approx(200000).margin(kCent));
  CHECK(v.tax_years[0][1].amounts[kGainShort] == Approx(100000).margin(kCent));
  CHECK(v.tax_years[0][1].amounts[kGainLong] == 0);
  CHECK(charged(v)[0] == Approx(90000).margin(kCent));
  CHECK(charged(v)[1] == Approx(40000).margin(kCent));
  CHECK(v.tax[0] == Approx(130000).margin(kCent));
  CHECK(v.equity[0] == Approx(300000).margin(kCent));  // 200,000 x 1.5, paid at 18
}

TEST_CASE("tax kernel: a long-term gain is stacked on ordinary income", "[tax][kernel]") {
  // As above with a 12-month lockup and drift ln 1.5: sold at 24 (year 2) at 1.5 P_E, a gain
  // of 100,000 held 12 months: long-term.
  //   year 1: 90,000 as above.
  //   year 2: ordinary base = wages 100,000 -> 0.1 x 100,000 = 10,000; the long gain sits on
  //           [100,000, 200,000]: 0% to 150,000, 15% on the 50,000 above: 7,500.
  //           Total 17,500.
  Setup u;
  u.lockup = 12;
  u.drift = std::log(1.5);
  u.grants = grant("p", "private_rsu", 100000, 12);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 2);
  CHECK(v.tax_years[0][1].amounts[kGainLong] == Approx(100000).margin(kCent));
  CHECK(charged(v)[0] == Approx(90000).margin(kCent));
  CHECK(charged(v)[1] == Approx(17500).margin(kCent));
}

TEST_CASE("tax kernel: a loss carried into a later year, tax years after departure",
          "[tax][kernel]") {
  // Leaves at month 24 (salary 120K, months 1..23 paid: 120,000 in year 1, 110,000 in
  // year 2). Company p: IPO at 12, R = 2, RSUs worth 100K vested at 12: income 200,000 in
  // year 1; sold at 18 at P_E exp(2 ln 0.75 x 6/12) = 0.75 P_E: a short loss of -50,000 in
  // year 2. Company r: IPO at 36 (exit 3 years), R = 4, RSUs worth 60K vested at 12:
  // income 240,000 in year 3, sold at 42 at 1.5 P_E: a short gain of 120,000 in year 4.
  //   year 1: wages 120,000 + income 200,000 = 320,000:
  //           10,000 + 30,000 + 0.5 x 120,000 = 100,000
  //   year 2: the loss offsets no income: tax on wages 110,000 = 10,000 + 3,000 = 13,000;
  //           carry out -50,000
  //   year 3 (after departure): income 240,000: 10,000 + 30,000 + 20,000 = 60,000
  //   year 4: gain 120,000 - 50,000 carried = 70,000: 0.1 x 70,000 = 7,000
  //           (without the carry: 10,000 + 0.3 x 20,000 = 16,000)
  Setup u;
  u.base = 120000;
  u.departure = 24;
  u.drift = 2 * std::log(0.75);
  u.extra_companies =
      "  r:\n    kind: private\n    valuation: 1.0e8\n    exit:\n      time_years: 3\n"
      "      outcomes: {ipo: 1}\n      ipo: {multiple: 4, dilution: 0, lockup_months: 6}\n"
      "    post_ipo: {drift: " +
      num(2 * std::log(1.5)) + ", volatility: 0}\n";
  u.grants = grant("p", "private_rsu", 100000, 12) + grant("r", "private_rsu", 60000, 12);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 4);
  CHECK(v.tax_years[0][1].amounts[kWages] == Approx(110000).margin(kCent));
  CHECK(v.tax_years[0][1].amounts[kGainShort] == Approx(-50000).margin(kCent));
  CHECK(v.tax_years[0][1].carry_out == Approx(-50000).margin(kCent));
  CHECK(v.tax_years[0][2].amounts[kEquityIncome] == Approx(240000).margin(kCent));
  CHECK(v.tax_years[0][3].amounts[kGainShort] == Approx(120000).margin(kCent));
  const std::vector<double> t = charged(v);
  CHECK(t[0] == Approx(100000).margin(kCent));
  CHECK(t[1] == Approx(13000).margin(kCent));
  CHECK(t[2] == Approx(60000).margin(kCent));
  CHECK(t[3] == Approx(7000).margin(kCent));
  CHECK(v.tax[0] == Approx(180000).margin(kCent));  // 100,000 + 13,000 + 60,000 + 7,000
}

TEST_CASE("tax kernel: a qualified grant crossing the cap, counted in the year of sale",
          "[tax][kernel]") {
  // Qualified RSUs worth 400K vest at the IPO (month 12, R = 1, flat price) and are sold
  // at 18: the income of 400,000 counts in year 2 (the sale), not year 1. 300,000 fills the
  // cap (weight 0.5), 100,000 is qualified_excess (weight 1).
  //   year 1: wages 100,000: 10,000
  //   year 2: 100,000 + 0.5 x 300,000 + 100,000 = 350,000:
  //           10,000 + 30,000 + 0.5 x 150,000 = 115,000
  Setup u;
  u.multiple = 1;
  u.grants =
      "      - {company: p, type: private_rsu, value: 400000, tax_treatment: qualified, vesting: "
      "{years: 1, every_months: 12}}\n";
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 2);
  CHECK(v.tax_years[0][0].amounts[kQualified] == 0);
  CHECK(v.tax_years[0][0].amounts[kEquityIncome] == 0);
  CHECK(v.tax_years[0][1].amounts[kQualified] == Approx(300000).margin(kCent));
  CHECK(v.tax_years[0][1].amounts[kQualifiedExcess] == Approx(100000).margin(kCent));
  CHECK(charged(v)[0] == Approx(10000).margin(kCent));
  CHECK(charged(v)[1] == Approx(115000).margin(kCent));
}

TEST_CASE("tax kernel: the baseline income's marginal charge", "[tax][kernel]") {
  // Salary 60K (5,000 a month), baseline 120K (10,000 a month), leaves at month 6: salary
  // for months 1..5 = 25,000, baseline for months 6..12 = 70,000. Public RSUs worth 100K
  // vest quarterly (25,000 at 3, 6, 9, 12): only month 3 < 6 vests, 25,000.
  //   with the baseline: wages 95,000 + income 25,000 = 120,000: 10,000 + 6,000 = 16,000
  //   baseline alone: 70,000: 7,000
  //   charged: 9,000 (the offer's own 50,000 alone would pay 5,000)
  Setup u;
  u.base = 60000;
  u.baseline = 120000;
  u.departure = 6;
  u.horizon = 1;
  u.grants = grant("q", "public_rsu", 100000, 3);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 1);
  CHECK(v.tax_years[0][0].baseline == Approx(70000).margin(kCent));
  CHECK(v.tax_years[0][0].amounts[kWages] == Approx(25000).margin(kCent));
  CHECK(charged(v)[0] == Approx(9000).margin(kCent));
}

TEST_CASE("tax kernel: the baseline fills only the months the offer pays no salary",
          "[tax][kernel]") {
  // docs/tax.md T5. Salary 0, baseline 120K, never leaves, horizon 1: months 1..12 are
  // employed, so paid (a salary of 0 still counts), and the baseline is 0. Public RSUs of 120K
  // vest at 12: 0.1 x 100,000 + 0.3 x 20,000 = 16,000 charged (with the baseline added it
  // would be tax(240,000) - tax(120,000) = 60,000 - 16,000 = 44,000).
  Setup u;
  u.base = 0;
  u.baseline = 120000;
  u.horizon = 1;
  u.grants = grant("q", "public_rsu", 120000, 12);
  const PathValues v = path_of(scenario(u));
  REQUIRE(v.tax_years[0].size() == 1);
  CHECK(v.tax_years[0][0].baseline == 0);
  CHECK(charged(v)[0] == Approx(16000).margin(kCent));
  // A private RSU of 120K vesting at 12, a 1x IPO at month 36 (no lockup), horizon 2: years 1
  // and 2 are employed; year 3 (months 25..36, after H) takes the whole baseline, 120,000, and
  // the 120,000 of income lands on it: tax(240,000) - tax(120,000) = 44,000.
  Setup w = u;
  w.horizon = 2;
  w.exit_years = 3;
  w.multiple = 1;
  w.lockup = 0;
  w.grants = grant("p", "private_rsu", 120000, 12);
  const PathValues late = path_of(scenario(w));
  REQUIRE(late.tax_years[0].size() == 3);
  CHECK(late.tax_years[0][0].baseline == 0);
  CHECK(late.tax_years[0][1].baseline == 0);
  CHECK(late.tax_years[0][2].baseline == Approx(120000).margin(kCent));
  CHECK(late.tax_years[0][2].amounts[kEquityIncome] == Approx(120000).margin(kCent));
  CHECK(charged(late)[2] == Approx(44000).margin(kCent));
}

TEST_CASE("tax kernel: regime none leaves after-tax equal to pre-tax, bitwise",
          "[tax][kernel][identity]") {
  Scenario s = load_ok(std::string(default_scenario_text()));
  for (Offer& o : s.offers) {
    o.tax.emplace();
    o.tax->regime.name = "none";
  }
  const CompiledScenario c = compile(s, 3);
  SimOptions opt;
  opt.paths = 4000;
  opt.threads = 2;
  const SimResult r = simulate(c, opt);
  REQUIRE(r.tax.size() == s.offers.size());
  const RunSummary sum = summarize_run(s, c, r, 2, 3);
  CHECK(sum.has_tax);
  for (const OfferSummary& o : sum.offers) {
    CHECK(o.has_regime);
    CHECK(o.tax.max == 0);
    CHECK(o.after_tax.percentiles == o.total.percentiles);
    CHECK(o.after_tax.mean == o.total.mean);
  }
  for (const ComparisonSummary& k : sum.comparisons) {
    CHECK(k.p_a_beats_b_after_tax == k.p_a_beats_b);
    CHECK(k.diff_after_tax.mean == k.diff.mean);
    CHECK(k.ce_a_after_tax == k.ce_a);
    CHECK(k.ce_b_after_tax == k.ce_b);
  }
}

TEST_CASE("tax kernel: a flat 30% income tax is 0.3 x the nominal total, paid at year ends",
          "[tax][kernel][identity]") {
  // One income tax, 30% from 0, every category at weight 1, no levy, no deduction: each
  // year's tax is 0.3 x the year's nominal total N_y (a baseline adds 0.3 b to both terms of
  // docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life and cancels). Tax is paid at
  // month 12y, so the PV identity is
  //   tax = 0.3 x Σ_y N_y df(12 y)   (regime currency, then converted at the fixed fx).
  // With discount_rate 0 every df is 1 and the right side is 0.3 x the nominal total in
  // the report currency, which is the offer's `total` column: tax == 0.3 x total per path.
  // Losses would break it (a loss never offsets income): post-IPO prices only rise here,
  // and options pay their spread as income. The regime is in USD, reported in EUR.
  Scenario s = vestsim::test::flat_tax_scenario("{USD: 0.9}", "EUR", 6);
  s.offers[0].tax->regime = regime_of(R"(name: flat30
year: 2026
currency: USD
income_taxes:
  - {name: flat, brackets: [[0, 0.3]]}
)");
  const CompiledScenario c = compile(s, 5);
  SimOptions opt;
  opt.paths = 20000;
  opt.threads = 2;
  CHECK(vestsim::test::flat_tax_mismatches(simulate(c, opt)) == 0);
}
