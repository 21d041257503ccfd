// Golden tests of docs/tax.md (T2, T4, T5) on the shipped regimes taxes/*.yaml, each total
// computed by hand in the comments and checked to the cent; identities; a monotonicity
// property over random incomes.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/lanes.hpp"
#include "models/io/load.hpp"
#include "models/tax/tax_year.hpp"

using namespace vestsim::models;

namespace {

// The shipped regime `name`, read by the product's loader from the copy built into the
// program; the test stops with every message if it does not load.
TaxRegime shipped_regime(const std::string& name) {
  const LoadRegimeResult r = load_shipped_regime(name);
  std::string messages;
  for (const Diagnostic& d : r.errors) messages += d.to_string() + "\n";
  INFO(name << ":\n" << messages);
  REQUIRE(r.ok());
  return *r.regime;
}

constexpr double kCent = 0.005;

struct Income {
  double wages = 0, equity_income = 0, qualified = 0, qualified_excess = 0;
  double gain_short = 0, gain_long = 0;
  CategoryAmounts amounts() const {
    return {wages, equity_income, qualified, qualified_excess, gain_short, gain_long};
  }
};

const CompiledTaxRegime& fr() {
  static const CompiledTaxRegime r = compile_regime(shipped_regime("fr-2026"));
  return r;
}
const CompiledTaxRegime& us() {
  static const CompiledTaxRegime r = compile_regime(shipped_regime("us-nyc-2026"));
  return r;
}

// The tax of one year with no loss carried in; `parts` receives the breakdown.
double tax(const CompiledTaxRegime& r, const Income& x, std::vector<double>* parts = nullptr) {
  std::vector<double> local(r.breakdown_size());
  const double t = tax_of_year(r, x.amounts(), 0.0, local).tax;
  if (parts) *parts = local;
  return t;
}

// Breakdown slots of us-nyc-2026: income taxes, then levies, in file order.
enum UsSlot { kFederal, kState, kCity, kSocialSecurity, kMedicare, kAddMedicare, kNiit };
// Breakdown slots of fr-2026.
enum FrSlot {
  kIncomeTax,
  kHighIncome,
  kPaySocial,
  kGainsSocial,
  kQualSocial,
  kExcessCsg,
  kExcess10
};

std::string read_source(const std::string& path) {
  std::ifstream in(std::string(VESTSIM_SOURCE_DIR) + "/" + path);
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

TEST_CASE("the shipped regime files are valid and list sources and omissions", "[tax]") {
  CHECK(shipped_regime_names() == std::vector<std::string_view>{"fr-2026", "none", "us-nyc-2026"});
  for (const char* name : {"fr-2026", "us-nyc-2026", "none"}) {
    INFO(name);
    // The copy built into the program is the file in taxes/, and both load with no message.
    const std::string file = "taxes/" + std::string(name) + ".yaml";
    CHECK(shipped_regime_text(name) == std::optional<std::string_view>(read_source(file)));
    const LoadRegimeResult from_file =
        load_regime_file(std::string(VESTSIM_SOURCE_DIR) + "/" + file);
    CHECK(from_file.ok());
    CHECK(from_file.errors.empty());
    CHECK(load_shipped_regime(name).errors.empty());
    const TaxRegime r = shipped_regime(name);
    CHECK(r.name == name);
    CHECK(regime_errors(r).empty());
    if (!r.income_taxes.empty()) {
      CHECK_FALSE(r.sources.empty());
      CHECK_FALSE(r.omissions.empty());
    }
  }
}

TEST_CASE("fr-2026: a 100,000 EUR salary", "[tax]") {
  std::vector<double> p;
  // Income tax: base 0.8 x 100,000 = 80,000; deduction clamp(0.08 x 100,000, 509, 14,556)
  // = 8,000; taxable 72,000.
  //   11% x (29,579 - 11,600) = 0.11 x 17,979 = 1,977.69
  //   30% x (72,000 - 29,579) = 0.30 x 42,421 = 12,726.30      -> 14,703.99
  // High-income contribution: 72,000 < 250,000 -> 0. Social: 22% x 100,000 = 22,000.
  const double t = tax(fr(), {.wages = 100000}, &p);
  CHECK(p[kIncomeTax] == Approx(14703.99).margin(kCent));
  CHECK(p[kHighIncome] == 0);
  CHECK(p[kPaySocial] == Approx(22000).margin(kCent));
  CHECK(t == Approx(36703.99).margin(kCent));
}

TEST_CASE("us-nyc-2026: a 250,000 USD salary", "[tax]") {
  std::vector<double> p;
  const double t = tax(us(), {.wages = 250000}, &p);
  // Federal: 250,000 - 16,100 = 233,900.
  //   10% x 12,400 = 1,240; 12% x 38,000 = 4,560; 22% x 55,300 = 12,166;
  //   24% x 96,075 = 23,058; 32% x (233,900 - 201,775) = 32% x 32,125 = 10,280 -> 51,304
  CHECK(p[kFederal] == Approx(51304).margin(kCent));
  // New York State: 250,000 - 8,000 = 242,000.
  //   3.9% x 8,500 = 331.50; 4.4% x 3,200 = 140.80; 5.15% x 2,200 = 113.30;
  //   5.4% x 66,750 = 3,604.50; 5.9% x 134,750 = 7,950.25; 6.85% x 26,600 = 1,822.10
  //   -> 13,962.45
  CHECK(p[kState] == Approx(13962.45).margin(kCent));
  // New York City on 242,000: 3.078% x 12,000 = 369.36; 3.762% x 13,000 = 489.06;
  //   3.819% x 25,000 = 954.75; 3.876% x 192,000 = 7,441.92 -> 9,255.09
  CHECK(p[kCity] == Approx(9255.09).margin(kCent));
  // FICA: 6.2% x 184,500 = 11,439; 1.45% x 250,000 = 3,625; 0.9% x 50,000 = 450.
  CHECK(p[kSocialSecurity] == Approx(11439).margin(kCent));
  CHECK(p[kMedicare] == Approx(3625).margin(kCent));
  CHECK(p[kAddMedicare] == Approx(450).margin(kCent));
  CHECK(p[kNiit] == 0);
  // 51,304 + 13,962.45 + 9,255.09 + 11,439 + 3,625 + 450 = 90,035.54
  CHECK(t == Approx(90035.54).margin(kCent));
}

TEST_CASE("fr-2026: an RSU vest on top of a salary lands in the 41% bracket", "[tax]") {
  std::vector<double> p;
  // 100,000 salary + 100,000 RSU income (employment treatment: pay, every wage rule).
  // Base 0.8 x 200,000 = 160,000; deduction 0.08 x 200,000 = 16,000, capped at 14,556;
  // taxable 145,444.
  //   1,977.69 + 30% x 54,998 = 16,499.40 + 41% x (145,444 - 84,577) = 41% x 60,867
  //   = 24,955.47 -> 43,432.56. Social 22% x 200,000 = 44,000. Total 87,432.56.
  const double both = tax(fr(), {.wages = 100000, .equity_income = 100000}, &p);
  CHECK(p[kIncomeTax] == Approx(43432.56).margin(kCent));
  CHECK(both == Approx(87432.56).margin(kCent));
  // The vest costs 87,432.56 - 36,703.99 = 50,728.57, over half of it.
  CHECK(both - tax(fr(), {.wages = 100000}) == Approx(50728.57).margin(kCent));
  // Equity income under `employment` is taxed exactly as the same wages.
  CHECK(both == Approx(tax(fr(), {.wages = 200000})).margin(kCent));
}

TEST_CASE("a short-term gain: ordinary income in the US, the 31.4% flat tax in France", "[tax]") {
  std::vector<double> p;
  // US: 100,000 wages + 20,000 short gain. Federal on 120,000 - 16,100 = 103,900:
  //   1,240 + 4,560 + 22% x 53,500 = 11,770 -> 17,570
  // NYS on 112,000: 331.50 + 140.80 + 113.30 + 3,604.50 + 5.9% x 31,350 = 1,849.65 -> 6,039.75
  // NYC on 112,000: 369.36 + 489.06 + 954.75 + 3.876% x 62,000 = 2,403.12 -> 4,216.29
  // FICA on the wages: 6,200 + 1,450. NIIT: 120,000 < 200,000 -> 0.
  // 17,570 + 6,039.75 + 4,216.29 + 6,200 + 1,450 = 35,476.04
  CHECK(tax(us(), {.wages = 100000, .gain_short = 20000}, &p) == Approx(35476.04).margin(kCent));
  CHECK(p[kFederal] == Approx(17570).margin(kCent));
  // France: 10,000 of gain alone: 12.8% = 1,280 + 18.6% = 1,860 -> 3,140 (31.4%).
  CHECK(tax(fr(), {.gain_short = 10000}, &p) == Approx(3140).margin(kCent));
  CHECK(p[kGainsSocial] == Approx(1860).margin(kCent));
}

TEST_CASE("us-nyc-2026: a long-term gain is stacked on ordinary income", "[tax]") {
  std::vector<double> p;
  // 40,000 wages + 30,000 long gain. Federal ordinary base 40,000 - 16,100 = 23,900:
  //   1,240 + 12% x 11,500 = 1,380 -> 2,620. The gain fills [23,900, 53,900]:
  //   25,550 of it below 49,450 at 0%, 4,450 above at 15% = 667.50. Federal 3,287.50.
  tax(us(), {.wages = 40000, .gain_long = 30000}, &p);
  CHECK(p[kFederal] == Approx(3287.50).margin(kCent));
  // 100,000 wages + 150,000 long gain. Federal: ordinary 83,900 -> 1,240 + 4,560 +
  //   22% x 33,500 = 7,370 -> 13,170; gain [83,900, 233,900] all at 15% = 22,500 -> 35,670.
  // NYS and NYC tax the gain as income: on 242,000 as for a 250,000 salary,
  //   13,962.45 and 9,255.09. FICA on the wages 6,200 + 1,450.
  // NIIT: 3.8% x min(150,000, 250,000 - 200,000) = 3.8% x 50,000 = 1,900.
  // 35,670 + 13,962.45 + 9,255.09 + 6,200 + 1,450 + 1,900 = 68,437.54
  CHECK(tax(us(), {.wages = 100000, .gain_long = 150000}, &p) == Approx(68437.54).margin(kCent));
  CHECK(p[kFederal] == Approx(35670).margin(kCent));
  CHECK(p[kNiit] == Approx(1900).margin(kCent));
}

TEST_CASE("tax years and holding periods", "[tax]") {
  CHECK(tax_year_of_month(0) == 1);  // the signing bonus counts in year 1
  CHECK(tax_year_of_month(1) == 1);
  CHECK(tax_year_of_month(12) == 1);
  CHECK(tax_year_of_month(13) == 2);
  CHECK(tax_year_of_month(72) == 6);
  CHECK_FALSE(is_long_term(us(), 11));
  CHECK(is_long_term(us(), 12));
}

TEST_CASE("losses net within the year, then carry forward and only offset gains", "[tax]") {
  // T4 step 1 by hand.
  // Year 1: short -30,000, long 10,000, C = 0. S = -30,000 < 0: Lg = 10,000 - 30,000
  //   = -20,000, S = 0; Lg < 0: S = -20,000, Lg = 0; S < 0: carry out -20,000.
  const NetGains y1 = net_gains(-30000, 10000, 0);
  CHECK(y1.short_gain == 0);
  CHECK(y1.long_gain == 0);
  CHECK(y1.carry_out == Approx(-20000));
  // Year 2: short 5,000, long 25,000, C = -20,000. S = -15,000: Lg = 10,000, S = 0; carry 0.
  const NetGains y2 = net_gains(5000, 25000, y1.carry_out);
  CHECK(y2.short_gain == 0);
  CHECK(y2.long_gain == Approx(10000));
  CHECK(y2.carry_out == 0);
  // Short gains absorb the carry first: short 8,000, long 1,000, C = -5,000 -> S 3,000.
  const NetGains y3 = net_gains(8000, 1000, -5000);
  CHECK(y3.short_gain == Approx(3000));
  CHECK(y3.long_gain == Approx(1000));

  // The same sequence through the French year function, with a 100,000 salary each year.
  const double salary_tax = 36703.99;
  Income year1{.wages = 100000, .gain_short = -30000, .gain_long = 10000};
  const YearTax t1 = tax_of_year(fr(), year1.amounts(), 0.0);
  CHECK(t1.tax == Approx(salary_tax).margin(kCent));  // the loss does not reduce pay's tax
  CHECK(t1.carry_out == Approx(-20000));
  Income year2{.wages = 100000, .gain_short = 5000, .gain_long = 25000};
  const YearTax t2 = tax_of_year(fr(), year2.amounts(), t1.carry_out);
  // Taxable gain 10,000 at 31.4% = 3,140 on top of the salary's tax.
  CHECK(t2.tax == Approx(salary_tax + 3140).margin(kCent));
  CHECK(t2.long_gain == Approx(10000));
  CHECK(t2.carry_out == 0);
}

TEST_CASE("fr-2026: qualified free shares crossing the 300,000 EUR cap", "[tax]") {
  // Two sales in one year, in month order: 200,000 then 250,000 of acquisition gain.
  const double cap = 300000;
  double counted = 0;
  const QualifiedSplit a = split_qualified(200000, counted, cap);
  counted += a.qualified;
  const QualifiedSplit b = split_qualified(250000, counted, cap);
  counted += b.qualified;
  CHECK(a.qualified == 200000);
  CHECK(a.excess == 0);
  CHECK(b.qualified == 100000);
  CHECK(b.excess == 150000);
  CHECK(counted == cap);
  CHECK(split_qualified(5000, counted, cap).excess == 5000);  // the cap is full

  std::vector<double> p;
  // Income tax: base 0.5 x 300,000 + 1 x 150,000 = 300,000; no wages, so no deduction.
  //   1,977.69 + 16,499.40 + 41% x 97,340 = 39,909.40 + 45% x (300,000 - 181,917)
  //   = 45% x 118,083 = 53,137.35 -> 111,523.84
  // High-income contribution on the reference income 300,000 + 150,000 = 450,000:
  //   3% x 200,000 = 6,000.
  // Levies: 18.6% x 300,000 = 55,800; 9.7% x 150,000 = 14,550; 10% x 150,000 = 15,000.
  // 111,523.84 + 6,000 + 55,800 + 14,550 + 15,000 = 202,873.84
  const double t = tax(
      fr(), {.qualified = a.qualified + b.qualified, .qualified_excess = a.excess + b.excess}, &p);
  CHECK(p[kIncomeTax] == Approx(111523.84).margin(kCent));
  CHECK(p[kHighIncome] == Approx(6000).margin(kCent));
  CHECK(p[kQualSocial] == Approx(55800).margin(kCent));
  CHECK(p[kExcessCsg] == Approx(14550).margin(kCent));
  CHECK(p[kExcess10] == Approx(15000).margin(kCent));
  CHECK(t == Approx(202873.84).margin(kCent));
}

TEST_CASE("T5: the offer is charged the tax on top of the baseline income", "[tax]") {
  // A year after leaving: baseline 100,000 of wages, the offer's IPO brings a 150,000
  // long gain. With baseline: 68,437.54 (see the long-gain case). Baseline alone:
  //   federal 13,170; NYS on 92,000: 331.50 + 140.80 + 113.30 + 3,604.50 + 5.9% x 11,350
  //   = 669.65 -> 4,859.75; NYC on 92,000: 369.36 + 489.06 + 954.75 + 3.876% x 42,000
  //   = 1,627.92 -> 3,441.09; FICA 6,200 + 1,450 -> 29,120.84.
  // Charged: 68,437.54 - 29,120.84 = 39,316.70
  //   = federal 22,500 + NYS 9,102.70 + NYC 5,814.00 + NIIT 1,900.
  const Income baseline{.wages = 100000};
  const Income with{.wages = 100000, .gain_long = 150000};
  std::vector<double> p(us().breakdown_size());
  const YearTax c = charged_tax_of_year(us(), with.amounts(), baseline.amounts(), 0.0, p);
  CHECK(c.tax == Approx(39316.70).margin(kCent));
  CHECK(p[kFederal] == Approx(22500).margin(kCent));
  CHECK(p[kState] == Approx(9102.70).margin(kCent));
  CHECK(p[kCity] == Approx(5814.00).margin(kCent));
  CHECK(p[kSocialSecurity] == Approx(0).margin(kCent));
  CHECK(p[kNiit] == Approx(1900).margin(kCent));
  // A loss year charges nothing (a loss never reduces the baseline's tax) and the loss
  // is the offer's to carry.
  const Income loss{.wages = 100000, .gain_short = -50000};
  const YearTax l = charged_tax_of_year(us(), loss.amounts(), baseline.amounts(), -1000);
  CHECK(l.tax == Approx(0).margin(kCent));
  CHECK(l.carry_out == Approx(-51000));
}

TEST_CASE("fr-2026: a deduction's minimum binds on a small wage", "[tax]") {
  std::vector<double> p;
  // 5,000 wages + 40,000 qualified (under the 300,000 cap). Income tax: B = 0.8 x 5,000 +
  // 0.5 x 40,000 = 24,000; deduction clamp(0.08 x 5,000 = 400, 509, 14,556) = 509 (only wages
  // and equity_income count for it); b = 23,491; 11% x (23,491 - 11,600) = 1,308.01.
  // High income: B = 4,000 + 40,000 - 509 < 250,000 -> 0. Levies: 22% x 5,000 = 1,100 on pay,
  // 18.6% x 40,000 = 7,440 on the qualified shares. Total 9,848.01.
  const double t = tax(fr(), {.wages = 5000, .qualified = 40000}, &p);
  CHECK(p[kIncomeTax] == Approx(1308.01).margin(kCent));
  CHECK(p[kHighIncome] == 0);
  CHECK(p[kPaySocial] == Approx(1100).margin(kCent));
  CHECK(p[kQualSocial] == Approx(7440).margin(kCent));
  CHECK(t == Approx(9848.01).margin(kCent));
}

TEST_CASE("fr-2026: one euro of wages can lower the tax (the deduction's minimum)", "[tax]") {
  // docs/tax.md "The charged tax is not clamped". 100,000 of qualified income alone: income tax
  // on 0.5 x 100,000 = 50,000 with no deduction (its sum is 0):
  //   11% x 17,979 = 1,977.69; 30% x (50,000 - 29,579) = 6,126.30 -> 8,103.99;
  //   levies 18.6% x 100,000 = 18,600. Total 26,703.99.
  // With 1 euro of wages the deduction takes its minimum 509: b = 50,000.8 - 509 = 49,491.8,
  //   30% x (49,491.8 - 29,579) = 5,973.84 -> 7,951.53; levies 18,600 + 0.22. Total 26,551.75.
  CHECK(tax(fr(), {.qualified = 100000}) == Approx(26703.99).margin(kCent));
  CHECK(tax(fr(), {.wages = 1, .qualified = 100000}) == Approx(26551.75).margin(kCent));
}

TEST_CASE("negative wages (a negative bonus) net within the year, the tax stays >= 0", "[tax]") {
  // docs/model.md#10-conventions allows a negative bonus multiplier, so a year's wages can be
  // below 0. -120,000 alone: income tax B = -96,000, the deduction's sum -120,000 is not 0 so
  // clamp(-9,600, 509, 14,556) = 509, b = max(0, -96,509) = 0; social 22% x -120,000 = -26,400;
  // the year's tax max(0, -26,400) = 0.
  std::vector<double> p;
  CHECK(tax(fr(), {.wages = -120000}, &p) == 0);
  CHECK(p[kIncomeTax] == 0);
  CHECK(p[kPaySocial] == Approx(-26400).margin(kCent));
  // With 200,000 of RSU income the same year: employment 80,000. B = 0.8 x 80,000 = 64,000,
  // deduction clamp(6,400, 509, 14,556) = 6,400, b = 57,600:
  //   11% x (29,579 - 11,600) = 1,977.69; 30% x (57,600 - 29,579) = 8,406.30 -> 10,383.99.
  // Social 22% x 80,000 = 17,600. Total 27,983.99.
  CHECK(tax(fr(), {.wages = -120000, .equity_income = 200000}, &p) ==
        Approx(27983.99).margin(kCent));
  CHECK(p[kIncomeTax] == Approx(10383.99).margin(kCent));
  // The lanes give the same bits.
  alignas(64) std::array<std::array<double, kTaxLanes>, kTaxCategoryCount> lanes{};
  lanes[0][0] = -120000;
  lanes[0][1] = -120000;
  lanes[1][1] = 200000;
  std::array<const double*, kTaxCategoryCount> at{};
  for (std::size_t c = 0; c < kTaxCategoryCount; ++c) at[c] = lanes[c].data();
  alignas(64) std::array<double, kTaxLanes> carry_in{}, out{}, carry_out{};
  tax_of_year_lanes(fr(), at, carry_in.data(), 2, out.data(), carry_out.data());
  CHECK(out[0] == 0);
  CHECK(out[1] == tax(fr(), {.wages = -120000, .equity_income = 200000}));
}

TEST_CASE("levies: a cap with a threshold, a category named twice, NIIT's lesser base", "[tax]") {
  TaxRegime r;
  r.name = "levies";
  r.currency = "EUR";
  Levy capped;  // 10% on wages up to 100,000, only above 50,000 of employment income
  capped.name = "capped";
  capped.rate = 0.1;
  capped.on = {TaxCategory::kWages};
  capped.up_to = 100000;
  capped.above = 50000;
  capped.measure = {TaxCategory::kWages, TaxCategory::kEquityIncome};
  Levy twice;  // wages named twice, once inside employment
  twice.name = "twice";
  twice.rate = 0.1;
  twice.on = {TaxCategory::kWages, TaxCategory::kEmployment};
  r.levies = {capped, twice};
  const CompiledTaxRegime c = compile_regime(r);
  std::vector<double> p;
  // Wages 200,000: beta = min(min(200,000, 100,000), max(0, 200,000 - 50,000)) = 100,000 ->
  // 10,000 (capping the measure instead would give 5,000). Twice: 10% x 200,000 = 20,000.
  tax(c, {.wages = 200000}, &p);
  CHECK(p[0] == Approx(10000).margin(kCent));
  CHECK(p[1] == Approx(20000).margin(kCent));
  // Wages 80,000: min(80,000, 30,000) = 30,000 -> 3,000.
  tax(c, {.wages = 80000}, &p);
  CHECK(p[0] == Approx(3000).margin(kCent));
  // 10,000 wages + 5,000 RSU income: capped 0 (15,000 < 50,000); twice 10% x 15,000 = 1,500
  // (counting wages twice would give 2,500).
  tax(c, {.wages = 10000, .equity_income = 5000}, &p);
  CHECK(p[0] == 0);
  CHECK(p[1] == Approx(1500).margin(kCent));
  // us-nyc-2026's NIIT, 3.8% of min(gains, income above 200,000): wages 300,000 + a long gain
  // of 20,000 -> 3.8% x min(20,000, 120,000) = 760 (taxing M - A would give 4,560).
  tax(us(), {.wages = 300000, .gain_long = 20000}, &p);
  CHECK(p[kNiit] == Approx(760).margin(kCent));
}

TEST_CASE("identities: one flat 30% income tax, and the regime none", "[tax]") {
  TaxRegime flat;
  flat.name = "flat";
  flat.currency = "EUR";
  IncomeTax t;
  t.name = "flat";
  t.brackets = {{0, 0.30}};
  flat.income_taxes = {t};
  const CompiledTaxRegime f = compile_regime(flat);
  const CompiledTaxRegime none = compile_regime(shipped_regime("none"));
  std::mt19937_64 rng(20261130);
  std::uniform_real_distribution<double> u(0, 1e6);
  for (int i = 0; i < 200; ++i) {
    const Income x{u(rng), u(rng), u(rng), u(rng), u(rng) - 5e5, u(rng) - 5e5};
    const NetGains g = net_gains(x.gain_short, x.gain_long, 0);
    const double income =
        x.wages + x.equity_income + x.qualified + x.qualified_excess + g.short_gain + g.long_gain;
    CHECK(tax(f, x) == Approx(0.30 * income).epsilon(1e-12));
    CHECK(tax(none, x) == 0);
  }
}

TEST_CASE("an invalid regime does not compile", "[tax]") {
  TaxRegime r;
  r.name = "bad";
  r.currency = "EUR";
  IncomeTax t;
  t.name = "scale";
  t.brackets = {{0, 0.1}, {1000, 0.2}, {1000, 0.3}};  // not strictly increasing
  t.gains_flat = 0.128;                               // but the gain weights are 1
  r.income_taxes = {t};
  CHECK(regime_errors(r).size() == 2);
  CHECK_THROWS_AS(compile_regime(r), std::invalid_argument);
}

TEST_CASE("tax never falls when wage income rises (both shipped regimes)", "[tax]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> wage(0, 3e6), step(0, 5e4), other(0, 4e5);
  for (const CompiledTaxRegime* r : {&fr(), &us()}) {
    for (int i = 0; i < 2000; ++i) {
      Income x{.wages = wage(rng),
               .equity_income = other(rng),
               .gain_short = other(rng) - 2e5,
               .gain_long = other(rng)};
      if (r == &fr()) x.qualified = other(rng);
      const double before = tax(*r, x);
      x.wages += step(rng);
      INFO("wages " << x.wages);
      CHECK(tax(*r, x) >= before - 1e-9);
    }
  }
}

namespace {

// Random regimes for the lanes test below: every deduction kind, zero weights, long_gains scales
// or a flat rate on gains, levies with and without up_to, above and measure.
std::vector<Bracket> random_scale(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> nb(1, 6);
  std::uniform_real_distribution<double> rate(0, 1), step(1, 200000);
  std::vector<Bracket> b;
  double from = 0;
  const int n = nb(rng);
  for (int k = 0; k < n; ++k) {
    b.push_back({from, rate(rng) < 0.15 ? 0.0 : rate(rng)});
    from += std::floor(step(rng));
  }
  return b;
}

std::vector<TaxCategory> random_set(std::mt19937_64& rng) {
  std::vector<TaxCategory> out;
  std::uniform_int_distribution<int> c(0, 7);
  const int n = 1 + static_cast<int>(rng() % 3);
  for (int k = 0; k < n; ++k) out.push_back(static_cast<TaxCategory>(c(rng)));
  return out;
}

TaxRegime random_regime(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  TaxRegime r;
  r.name = "x";
  r.currency = "EUR";
  r.qualified_cap = 100000;
  const int ni = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < ni; ++i) {
    IncomeTax t;
    t.name = "t";
    for (double& w : t.weights) w = u(rng) < 0.4 ? 0.0 : (u(rng) < 0.5 ? 1.0 : u(rng) * 2);
    const int kind = static_cast<int>(rng() % 3);
    if (kind == 1) {
      t.deduction.kind = Deduction::Kind::kFixed;
      t.deduction.fixed = std::floor(u(rng) * 20000);
    } else if (kind == 2) {
      t.deduction.kind = Deduction::Kind::kRate;
      t.deduction.rate = u(rng) * 0.3;
      t.deduction.min = std::floor(u(rng) * 1000);
      t.deduction.max = u(rng) < 0.3 ? std::numeric_limits<double>::infinity()
                                     : t.deduction.min + std::floor(u(rng) * 20000);
      t.deduction.on = random_set(rng);
    }
    t.brackets = random_scale(rng);
    const int g = static_cast<int>(rng() % 3);
    if (g == 1) t.long_gains = random_scale(rng);
    if (g == 2) {
      t.gains_flat = u(rng) * 0.3;
      t.weights[4] = t.weights[5] = 0;
    }
    r.income_taxes.push_back(t);
  }
  const int nl = static_cast<int>(rng() % 4);
  for (int i = 0; i < nl; ++i) {
    Levy l;
    l.name = "l";
    l.rate = u(rng) * 0.2;
    l.on = random_set(rng);
    if (u(rng) < 0.4) l.up_to = std::floor(u(rng) * 200000);
    if (u(rng) < 0.5) {
      l.above = std::floor(u(rng) * 200000);
      if (u(rng) < 0.5) l.measure = random_set(rng);
    }
    r.levies.push_back(l);
  }
  REQUIRE(regime_errors(r).empty());
  return r;
}

double odd_amount(std::mt19937_64& rng, bool gain) {
  std::uniform_real_distribution<double> u(0, 1);
  const double v = u(rng);
  if (v < 0.15) return 0.0;
  if (gain && v < 0.25) return -0.0;
  if (v < 0.3) return std::floor(u(rng) * 10) * 10000;  // round numbers hit bracket edges
  if (v < 0.33) return 1e300 * u(rng);                  // huge
  if (v < 0.36) return 5e-324;                          // subnormal
  const double x = u(rng) * 600000;
  return gain ? x - 300000 : x;
}

}  // namespace

// docs/design.md#15-lanes-of-paths: tax_of_year_lanes gives each path the bits tax_of_year gives it
// alone, on every target this CPU has: both shipped regimes and 400 random ones (random_regime),
// blocks of 1 to 128 paths (every vector width's leftover lanes), amounts of 0, -0, round numbers
// on bracket edges, huge and subnormal ones, losses with and without a carried loss (0, -0 or
// negative).
TEST_CASE("tax_of_year_lanes gives tax_of_year's bits on every target", "[tax][simd]") {
  using vestsim::engine::SimdTarget;
  std::mt19937_64 rng(7);
  const SimdTarget best = vestsim::engine::simd_target();
  int differ = 0, total = 0, charged = 0;
  for (int trial = 0; trial < 402; ++trial) {
    const CompiledTaxRegime regime = trial == 0   ? fr()
                                     : trial == 1 ? us()
                                                  : compile_regime(random_regime(rng));
    const std::size_t n = trial < 2 ? kTaxLanes : 1 + rng() % kTaxLanes;
    std::array<std::vector<double>, kTaxCategoryCount> x;
    std::vector<double> carry(n);
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t c = 0; c < kTaxCategoryCount; ++c) x[c].push_back(odd_amount(rng, c >= 4));
      const double v = std::uniform_real_distribution<double>(0, 1)(rng);
      carry[p] = v < 0.2 ? 0.0 : v < 0.3 ? -0.0 : -300000 * v;
    }
    std::array<const double*, kTaxCategoryCount> rows{};
    for (std::size_t c = 0; c < kTaxCategoryCount; ++c) rows[c] = x[c].data();
    for (const SimdTarget t : vestsim::engine::supported_simd_targets()) {
      vestsim::engine::set_simd_target(t);
      std::vector<double> tax(n, -1), carry_out(n, 1);
      tax_of_year_lanes(regime, rows, carry.data(), n, tax.data(), carry_out.data());
      for (std::size_t p = 0; p < n; ++p) {
        CategoryAmounts a{};
        for (std::size_t c = 0; c < kTaxCategoryCount; ++c) a[c] = x[c][p];
        const YearTax ref = tax_of_year(regime, a, carry[p]);
        ++total;
        charged += ref.tax > 0;
        if (std::memcmp(&ref.tax, &tax[p], sizeof(double)) != 0 ||
            std::memcmp(&ref.carry_out, &carry_out[p], sizeof(double)) != 0) {
          if (differ < 5)
            UNSCOPED_INFO("trial " << trial << ", path " << p << ", target "
                                   << vestsim::engine::simd_target_name(t) << ": " << ref.tax
                                   << " alone, " << tax[p] << " on lanes");
          ++differ;
        }
      }
    }
  }
  vestsim::engine::set_simd_target(best);
  INFO(total << " paths compared");
  CHECK(differ == 0);
  CHECK(charged > total / 2);  // the test can fail: most paths pay tax
}
