// The strict reader of tax regime files (docs/tax.md#t1a-the-regime-file) and the
// scenario keys that name one (offers.ID.tax, grants[i].tax_treatment): each malformed
// file gives a precise message at the line of the offending key.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;
namespace fs = std::filesystem;
using vestsim::test::TempDir;

namespace {

// A small valid regime using every key; each case edits one line of it. Line numbers:
// 6 qualified, 10 weights of the first tax, 11 its deduction, 12 its brackets, 14 the
// second tax, 16 its deduction, 17 its brackets, 18 gains_flat, 21 the first levy's rate.
const std::string kRegime = R"(name: test-regime
description: a small regime for the loader tests
year: 2026
currency: USD
long_term_months: 12
qualified: {cap: 300000}
income_taxes:
  - name: federal
    source: made up
    weights: {wages: 1, gain_short: 1}
    deduction: {fixed: 16100}
    brackets: [[0, 0.10], [12400, 0.12], [50400, 0.22]]
    long_gains: [[0, 0.0], [49450, 0.15]]
  - name: flat part
    weights: {gain_short: 0, gain_long: 0}
    deduction: {rate: 0.08, min: 509, max: 14556, on: [wages, equity_income]}
    brackets: [[0, 0.0], [11600, 0.11]]
    gains_flat: 0.128
levies:
  - name: social security
    rate: 0.062
    on: [employment]
    up_to: 184500
  - name: niit
    rate: 0.038
    on: [gains]
    above: 200000
    measure: [employment, gains]
sources: [made up]
omissions: [everything]
)";

std::string regime_with(const std::string& find, const std::string& replace) {
  return vestsim::test::edited(kRegime, find, replace);
}

std::string messages_of(const std::vector<Diagnostic>& errors) {
  std::string s;
  for (const auto& d : errors) s += d.to_string() + "\n";
  return s;
}

// Some diagnostic of `errors` contains `expect`, in `file` at `line` (0: not checked).
void check_reported(const std::vector<Diagnostic>& errors, const std::string& expect,
                    const std::string& file, int line) {
  INFO(messages_of(errors));
  bool found = false;
  for (const Diagnostic& d : errors) {
    if (d.to_string().find(expect) == std::string::npos) continue;
    found = true;
    CHECK(d.file == file);
    if (line > 0) CHECK(d.line == line);
  }
  CHECK(found);
}

struct Case {
  const char* name;
  std::string text;
  const char* expect;  // a substring of some diagnostic
  int line;            // that diagnostic's line
};

// A scenario with one offer; `tax`, `treatment` and `fx` (last) are spliced into it.
// Line 12 is the grant's tax_treatment, line 13 the offer's tax (and `regime:` in it).
std::string scenario(const std::string& tax, const std::string& treatment = "employment",
                     const std::string& fx = "") {
  return R"(currency: EUR
companies:
  hf: {kind: private, valuation: 4.5e9, exit: {time_years: 3, outcomes: {ipo: 1}, ipo: {multiple: 4}}}
offers:
  a:
    base: 100000
    grants:
      - company: hf
        type: private_rsu
        value: 300000
        vesting: {years: 4}
        tax_treatment: )" +
         treatment + "\n    tax: " + tax + "\n" + fx;
}

}  // namespace

TEST_CASE("the base regime file loads with every key", "[regime]") {
  const LoadRegimeResult r = load_regime_text(kRegime, "regime.yaml");
  INFO(messages_of(r.errors));
  REQUIRE(r.ok());
  const TaxRegime& t = *r.regime;
  CHECK(t.name == "test-regime");
  CHECK(t.currency == "USD");
  CHECK(t.year == 2026);
  CHECK(t.qualified_cap == 300000);
  REQUIRE(t.income_taxes.size() == 2);
  CHECK(t.income_taxes[0].deduction.kind == Deduction::Kind::kFixed);
  CHECK(t.income_taxes[0].deduction.fixed == 16100);
  CHECK(t.income_taxes[0].weights == CategoryAmounts{1, 1, 1, 1, 1, 1});
  CHECK(t.income_taxes[0].brackets.size() == 3);
  CHECK(t.income_taxes[0].brackets[2].from == 50400);
  CHECK(t.income_taxes[0].brackets[2].rate == 0.22);
  CHECK(t.income_taxes[0].long_gains.size() == 2);
  const Deduction& d = t.income_taxes[1].deduction;
  CHECK(d.kind == Deduction::Kind::kRate);
  CHECK(d.min == 509);
  CHECK(d.max == 14556);
  CHECK(d.on == std::vector<TaxCategory>{TaxCategory::kWages, TaxCategory::kEquityIncome});
  CHECK(t.income_taxes[1].gains_flat == 0.128);
  REQUIRE(t.levies.size() == 2);
  CHECK(t.levies[0].up_to == 184500);
  CHECK(t.levies[1].measure ==
        std::vector<TaxCategory>{TaxCategory::kEmployment, TaxCategory::kGains});
  CHECK(t.sources == std::vector<std::string>{"made up"});
  CHECK(regime_errors(t).empty());
}

TEST_CASE("malformed regime files are rejected with the file, line and key", "[regime]") {
  const std::vector<Case> cases = {
      {"unknown key", regime_with("    deduction: {fixed", "    deductoin: {fixed"),
       "income_taxes[0].deductoin: unknown key; did you mean 'deduction'?", 11},
      {"unknown top-level key", regime_with("levies:", "levys:"),
       "levys: unknown key; did you mean 'levies'?", 19},
      // 0 would read as no year at all (reports drop it): leave the key out for that.
      {"year 0", regime_with("year: 2026", "year: 0"),
       "year: must be a whole number >= 1 and <= 9999, got 0", 3},
      // An empty value is placed at its key, not where the next token starts (line 4).
      {"empty year", regime_with("year: 2026", "year:"),
       "year: expected a whole number >= 1 and <= 9999, got nothing", 3},
      {"brackets not increasing", regime_with("[12400, 0.12], [50400", "[12400, 0.12], [12400"),
       "income_taxes[0].brackets[2][0]: brackets must increase strictly: 12400 is not above the "
       "previous bracket's 12400",
       12},
      {"brackets not starting at 0", regime_with("[[0, 0.0], [11600", "[[100, 0.0], [11600"),
       "income_taxes[1].brackets[0][0]: the first bracket must start at 0, got 100", 17},
      {"a bracket rate of 1.5", regime_with("[12400, 0.12]", "[12400, 1.5]"),
       "income_taxes[0].brackets[1][1]: must be a number >= 0 and <= 1, got 1.5", 12},
      {"a levy rate of 1.5", regime_with("rate: 0.062", "rate: 1.5"),
       "levies[0].rate: must be a number >= 0 and <= 1, got 1.5", 21},
      {"a negative amount", regime_with("up_to: 184500", "up_to: -5"),
       "levies[0].up_to: must be a number >= 0 and <= 1000000000000, got -5", 23},
      {"gains_flat with long_gains",
       regime_with("    gains_flat: 0.128", "    long_gains: [[0, 0.0]]\n    gains_flat: 0.128"),
       "income_taxes[1].gains_flat: excludes long_gains", 19},
      {"gains_flat with a non-zero gain weight", regime_with("gain_long: 0}", "gain_long: 0.5}"),
       "income_taxes[1].gains_flat: needs weights gain_short: 0 and gain_long: 0, or the gains "
       "are taxed twice (got gain_short: 0, gain_long: 0.5)",
       18},
      {"unknown category in weights", regime_with("{wages: 1, gain_short: 1}", "{wagse: 1}"),
       "income_taxes[0].weights.wagse: unknown key; did you mean 'wages'?", 10},
      {"a set in weights", regime_with("{wages: 1, gain_short: 1}", "{employment: 1}"),
       "income_taxes[0].weights.employment: unknown key; valid keys here: wages, equity_income, "
       "qualified, qualified_excess, gain_short, gain_long",
       10},
      {"unknown category in a levy's on", regime_with("on: [employment]", "on: [employmnet]"),
       "levies[0].on[0]: unknown category 'employmnet'; did you mean 'employment'?", 22},
      {"unknown category in measure", regime_with("[employment, gains]", "[employment, gain]"),
       "levies[1].measure[1]: unknown category 'gain'; did you mean 'gains'?", 28},
      {"unknown category in a deduction's on", regime_with("equity_income]}", "salary]}"),
       "income_taxes[1].deduction.on[1]: unknown category 'salary'; categories: wages, "
       "equity_income, qualified, qualified_excess, gain_short, gain_long, employment, gains",
       16},
      {"measure without above", regime_with("    above: 200000\n", ""),
       "levies[1].measure: only together with above", 27},
      {"deduction with both forms", regime_with("{fixed: 16100}", "{fixed: 16100, rate: 0.1}"),
       "income_taxes[0].deduction: give either fixed or rate, not both", 11},
      {"deduction with neither form", regime_with("{fixed: 16100}", "{min: 5}"),
       "income_taxes[0].deduction: needs fixed: AMOUNT, or rate: R with on: [categories]", 11},
      {"a fixed deduction with min", regime_with("{fixed: 16100}", "{fixed: 16100, min: 5}"),
       "income_taxes[0].deduction.min: only a rate deduction takes min", 11},
      {"a rate deduction without on", regime_with(", on: [wages, equity_income]}", "}"),
       "income_taxes[1].deduction.on: missing required key", 16},
      {"a rate deduction with max below min", regime_with("max: 14556", "max: 100"),
       "income_taxes[1].deduction.max: must be >= min (509)", 16},
      {"missing name", regime_with("name: test-regime\n", ""), "name: missing required key", 1},
      {"missing name of a levy", regime_with("  - name: niit\n    rate", "  - rate"),
       "levies[1].name: missing required key", 24},
      {"missing currency with an income tax", regime_with("currency: USD\n", ""),
       "currency: missing required key: a regime with an income tax or a levy names its "
       "currency",
       1},
      {"a bracket that is not a pair", regime_with("[12400, 0.12]", "[12400]"),
       "income_taxes[0].brackets[1]: a bracket is a pair [from, rate], got a list of 1", 12},
      {"a bracket that is a number", regime_with("[12400, 0.12]", "12400"),
       "income_taxes[0].brackets[1]: a bracket is a pair [from, rate], got '12400'", 12},
      {"missing brackets", regime_with("    brackets: [[0, 0.0], [11600, 0.11]]\n", ""),
       "income_taxes[1].brackets: missing required key", 14},
      {"a duplicate key", regime_with("    rate: 0.062\n", "    rate: 0.062\n    rate: 0.07\n"),
       "levies[0].rate: duplicate key", 22},
      {"gains_flat of 12.8", regime_with("gains_flat: 0.128", "gains_flat: 12.8"),
       "income_taxes[1].gains_flat: must be a number >= 0 and <= 1, got 12.8", 18},
      {"a qualified cap of 0", regime_with("{cap: 300000}", "{cap: 0}"),
       "qualified.cap: must be a number > 0", 6},
      {"long_term_months of 0", regime_with("long_term_months: 12", "long_term_months: 0"),
       "long_term_months: must be a whole number >= 1", 5},
      {"a bad currency code", regime_with("currency: USD", "currency: dollars"),
       "currency: expected a three-letter ISO currency code", 4},
      {"levies not a list", regime_with("levies:\n", "levies: 5\nx:\n"),
       "levies: expected a list of maps, got '5'", 19},
      {"not a map", "- name: x\n", "a regime is a YAML map with name, currency", 1},
      {"YAML syntax error", regime_with("{cap: 300000}", "{cap: [300000}"), "YAML syntax error", 0},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    const LoadRegimeResult r = load_regime_text(c.text, "bad-regime.yaml");
    CHECK_FALSE(r.ok());
    check_reported(r.errors, c.expect, "bad-regime.yaml", c.line);
  }
  CHECK(cases.size() >= 15);
}

TEST_CASE("a regime file with no tax needs no currency", "[regime]") {
  const LoadRegimeResult r = load_regime_text("name: nothing\nyear: 2026\n", "n.yaml");
  INFO(messages_of(r.errors));
  REQUIRE(r.ok());
  CHECK(r.regime->currency.empty());
  CHECK(r.regime->long_term_months == 12);
}

TEST_CASE("every regime key is documented in docs/tax.md", "[regime][docs]") {
  std::ifstream in(std::string(VESTSIM_SOURCE_DIR) + "/docs/tax.md");
  REQUIRE(in);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto from = doc.find("## T1a."), to = doc.find("## T2.");
  REQUIRE(to != std::string::npos);
  const std::string t1a = doc.substr(from, to - from);
  const std::vector<std::string> keys = accepted_regime_keys();
  for (const std::string& key : keys) {
    INFO(key);  // a key of the T1a example, or a category in backticks
    CHECK((t1a.find(key + ":") != std::string::npos ||
           doc.find("`" + key + "`") != std::string::npos));
  }
  for (const char* k : {"income_taxes", "gains_flat", "measure", "up_to", "cap", "gain_long"})
    CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());
}

TEST_CASE("an offer's tax names a shipped regime or a file", "[regime][loader]") {
  SECTION("a shipped regime, with the grant's treatment") {
    const LoadResult r = load_scenario_text(
        scenario("{regime: fr-2026, baseline_income: 60000}", "qualified"), "s.yaml");
    INFO(messages_of(r.errors));
    REQUIRE(r.ok());
    const Offer& o = r.scenario->offers[0];
    REQUIRE(o.tax);
    CHECK(o.tax->regime.name == "fr-2026");
    CHECK(o.tax->source == "fr-2026");
    CHECK(o.tax->file == "<built-in taxes/fr-2026.yaml>");
    CHECK(o.tax->baseline_income == 60000);
    CHECK(o.grants[0].tax_treatment == TaxTreatment::kQualified);
    CHECK(r.scenario->tax_currency(o) == "EUR");
  }
  SECTION("no tax key: no regime, employment treatment") {
    std::string s = scenario("{regime: none}");
    s = vestsim::test::edited(s, "    tax: {regime: none}\n", "");
    s = vestsim::test::edited(s, "        tax_treatment: employment\n", "");
    const LoadResult r = load_scenario_text(s, "s.yaml");
    INFO(messages_of(r.errors));
    REQUIRE(r.ok());
    CHECK_FALSE(r.scenario->offers[0].tax);
    CHECK(r.scenario->offers[0].grants[0].tax_treatment == TaxTreatment::kEmployment);
  }
  SECTION("the regime none has no currency: tax in the report currency") {
    const LoadResult r = load_scenario_text(scenario("{regime: none}"), "s.yaml");
    REQUIRE(r.ok());
    CHECK(r.scenario->tax_currency(r.scenario->offers[0]) == "EUR");
  }
  SECTION("an unknown shipped name suggests the nearest") {
    const LoadResult r = load_scenario_text(scenario("{regime: fr-2025}"), "s.yaml");
    CHECK_FALSE(r.ok());
    check_reported(r.errors,
                   "offers.a.tax.regime: unknown regime 'fr-2025'; did you mean 'fr-2026'? shipped "
                   "regimes: fr-2026, none, us-nyc-2026",
                   "s.yaml", 13);
  }
  SECTION("qualified with a regime that has no qualified cap") {
    const LoadResult r = load_scenario_text(
        scenario("{regime: us-nyc-2026}", "qualified", "fx: {USD: 0.9}\n"), "s.yaml");
    CHECK_FALSE(r.ok());
    check_reported(r.errors,
                   "offers.a.grants[0].tax_treatment: regime 'us-nyc-2026' has no qualified rule",
                   "s.yaml", 12);
  }
  SECTION("a tax_treatment that is not one of the two") {
    const LoadResult r = load_scenario_text(scenario("{regime: none}", "qualifed"), "s.yaml");
    check_reported(r.errors, "must be one of employment, qualified, got 'qualifed'", "s.yaml", 12);
  }
  SECTION("a regime in a currency with no fx entry") {
    const LoadResult r = load_scenario_text(scenario("{regime: us-nyc-2026}"), "s.yaml");
    check_reported(r.errors, "offers.a.tax.regime: regime 'us-nyc-2026' is in USD, which has no fx",
                   "s.yaml", 13);
  }
  SECTION("an unknown key in tax") {
    const LoadResult r = load_scenario_text(scenario("{regime: none, baseline: 5}"), "s.yaml");
    check_reported(r.errors, "offers.a.tax.baseline: unknown key; did you mean 'baseline_income'?",
                   "s.yaml", 13);
  }
  SECTION("--set offers.a.tax.baseline_income") {
    const LoadResult r = load_scenario_text(scenario("{regime: none}"), "s.yaml",
                                            {{"offers.a.tax.baseline_income", "45000"}});
    REQUIRE(r.ok());
    CHECK(r.scenario->offers[0].tax->baseline_income == 45000);
    const LoadResult bad = load_scenario_text(scenario("{regime: none}"), "s.yaml",
                                              {{"offers.a.tax.baseline_income", "-1"}});
    check_reported(bad.errors, "s.yaml: --set offers.a.tax.baseline_income: must be a number >= 0",
                   "s.yaml", 0);
  }
  SECTION("--set offers.a.tax.regime to a shipped name") {
    const LoadResult r = load_scenario_text(scenario("{regime: none}", "qualified"), "s.yaml",
                                            {{"offers.a.tax.regime", "fr-2026"}});
    INFO(messages_of(r.errors));
    REQUIRE(r.ok());
    CHECK(r.scenario->offers[0].tax->regime.name == "fr-2026");
  }
}

TEST_CASE("a regime file path is relative to the scenario file", "[regime][loader]") {
  const TempDir dir("relative");
  dir.write("regimes/mine.yaml", kRegime);
  const std::string fx = "fx: {USD: 0.9}\n";
  SECTION("it loads") {
    const std::string s =
        dir.write("s.yaml", scenario("{regime: regimes/mine.yaml}", "employment", fx));
    const LoadResult r = load_scenario_file(s);
    INFO(messages_of(r.errors));
    REQUIRE(r.ok());
    const OfferTax& t = *r.scenario->offers[0].tax;
    CHECK(t.regime.name == "test-regime");
    CHECK(t.source == "regimes/mine.yaml");
    CHECK(fs::equivalent(t.file, dir.path / "regimes" / "mine.yaml"));
  }
  SECTION("a name ending in .yaml is a path too") {
    dir.write("flat.yaml", "name: flat\n");
    const LoadResult r = load_scenario_file(dir.write("s.yaml", scenario("{regime: flat.yaml}")));
    INFO(messages_of(r.errors));
    REQUIRE(r.ok());
    CHECK(r.scenario->offers[0].tax->regime.name == "flat");
  }
  SECTION("a problem in the regime file is reported with its name and line") {
    const std::string bad = dir.write("regimes/bad.yaml", regime_with("rate: 0.062", "rate: 2"));
    const std::string s =
        dir.write("s.yaml", scenario("{regime: regimes/bad.yaml}", "employment", fx));
    const LoadResult r = load_scenario_file(s);
    CHECK_FALSE(r.ok());
    check_reported(r.errors, "levies[0].rate: must be a number >= 0 and <= 1, got 2",
                   fs::path(bad).lexically_normal().string(), 21);
    check_reported(r.errors, "offers.a.tax.regime: the regime in", s, 13);
    CHECK(r.errors.front().file == s);  // the scenario's own problems first
    // Named by a second offer too: the regime's problem is still listed once.
    const LoadResult twice = load_scenario_file(
        dir.write("s.yaml", scenario("{regime: regimes/bad.yaml}", "employment",
                                     "  b: {base: 1, tax: {regime: regimes/bad.yaml}}\n" + fx)));
    CHECK(std::count_if(twice.errors.begin(), twice.errors.end(),
                        [](const Diagnostic& d) { return d.path == "levies[0].rate"; }) == 1);
    check_reported(twice.errors, "offers.b.tax.regime: the regime in", s, 14);
  }
  SECTION("a missing file, a folder and a too large file name the scenario's line") {
    dir.write("huge.yaml", std::string(kMaxScenarioBytes + 1, '#'));
    fs::create_directories(dir.path / "folder.yaml");
    for (const char* ref : {"nowhere/x.yaml", "folder.yaml", "huge.yaml", "/dev/zero"}) {
      INFO(ref);
      const std::string s =
          dir.write("s.yaml", scenario("{regime: " + std::string(ref) + "}", "employment", fx));
      const LoadResult r = load_scenario_file(s);
      CHECK_FALSE(r.ok());
      const std::string expect = std::string(ref) == "nowhere/x.yaml" ? "cannot open the file"
                                 : std::string(ref) == "folder.yaml"  ? "is a folder"
                                 : std::string(ref) == "/dev/zero"    ? "not a regular file"
                                                                      : "is too large";
      check_reported(r.errors, "offers.a.tax.regime: regime file '", s, 13);
      check_reported(r.errors, expect, s, 13);
    }
  }
}

TEST_CASE("validate_file tells a regime from a scenario", "[regime][loader]") {
  const TempDir dir("validate");
  const ValidateResult regime = validate_file(dir.write("r.yaml", kRegime));
  CHECK(regime.type == FileType::kRegime);
  CHECK(regime.ok());
  const ValidateResult none = validate_file(std::string(VESTSIM_SOURCE_DIR) + "/taxes/none.yaml");
  CHECK(none.type == FileType::kRegime);
  CHECK(none.ok());
  const std::string bad = dir.write("bad.yaml", regime_with("rate: 0.062", "rate: 2"));
  const ValidateResult bad_regime = validate_file(bad);
  CHECK(bad_regime.type == FileType::kRegime);
  check_reported(bad_regime.errors, "levies[0].rate: must be a number", bad, 21);
  const ValidateResult s = validate_file(dir.write("s.yaml", scenario("{regime: none}")));
  CHECK(s.type == FileType::kScenario);
  CHECK(s.ok());
  const ValidateResult empty = validate_file(dir.write("e.yaml", "name: x\n"));
  CHECK(empty.type == FileType::kScenario);  // neither: read as a scenario, which says why
  check_reported(empty.errors, "offers: missing required key", (dir.path / "e.yaml").string(), 0);
  const std::string r2 = dir.write("r2.yaml", kRegime);
  const ValidateResult set = validate_file(r2, {{"levies[0].rate", "3"}});
  check_reported(set.errors, "--set levies[0].rate: must be a number >= 0 and <= 1", r2, 0);
}

TEST_CASE("a regime file loaded as a scenario says what it is, once", "[regime][loader]") {
  // A regime in a folder of scenarios (vestsim run FOLDER) is loaded as a scenario: one problem
  // naming it a regime, not every scenario key it lacks and every regime key it has.
  const LoadResult r = load_scenario_text(kRegime, "r.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        "r.yaml:1: this is a tax regime file, not a scenario (it has description, year, "
        "long_term_months, qualified, income_taxes, levies, sources, omissions and no offers or "
        "companies); keep regimes out of the scenarios folder or in a subfolder of it (a "
        "folder's batch runs only its own files), and name one from an offer as tax: {regime: "
        "PATH}");
  const LoadResult none = load_scenario_file(std::string(VESTSIM_SOURCE_DIR) + "/taxes/none.yaml");
  REQUIRE(none.errors.size() == 1);
  CHECK_THAT(none.errors[0].message,
             Catch::StartsWith("this is a tax regime file, not a scenario (it has description, "
                               "year and no offers or companies)"));
  // A scenario that has offers is read as one, whatever else it holds.
  const LoadResult s = load_scenario_text(
      "currency: EUR\nlevies: []\ncompanies: {}\noffers: {a: {base: 1}}\n", "s.yaml");
  CHECK_THAT(messages_of(s.errors), Catch::Contains("s.yaml:2: levies: unknown key"));
}

TEST_CASE("a scenario loaded as a regime says what it is, once", "[regime][loader]") {
  // vestsim taxes scenario.yaml: one problem naming it a scenario, not every key it has.
  const LoadRegimeResult r = load_regime_text(vestsim::test::small_scenario(), "s.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        "s.yaml:1: this is a scenario, not a tax regime file (it has offers or companies and none "
        "of income_taxes, levies); give a regime file (see docs/tax.md#t1a-the-regime-file), or "
        "run the scenario with vestsim run");
  // A regime that has a stray `companies` key is still read as a regime, and told of the key.
  const LoadRegimeResult stray = load_regime_text("companies: {}\n" + kRegime, "r.yaml");
  CHECK_THAT(messages_of(stray.errors), Catch::Contains("r.yaml:1: companies: unknown key"));
}

TEST_CASE("a category given a list or a map names its kind", "[regime]") {
  const LoadRegimeResult r =
      load_regime_text(regime_with("on: [employment]", "on: [[employment]]"), "r.yaml");
  CHECK_THAT(messages_of(r.errors),
             Catch::Contains("r.yaml:22: levies[0].on[0]: expected one of wages, equity_income, "
                             "qualified, qualified_excess, gain_short, gain_long, employment, "
                             "gains, got a list"));
}

TEST_CASE("the scenario format accepts the tax keys", "[regime][loader]") {
  const std::vector<std::string> keys = accepted_keys();
  for (const char* k :
       {"tax", "regime", "baseline_income", "tax_treatment", "employment", "qualified"})
    CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());
}
