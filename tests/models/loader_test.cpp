// The strict loader: each malformed scenario gives a precise message.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;

namespace {

const std::string kValid = vestsim::test::small_scenario();

using vestsim::test::all_messages;

std::string edit(const std::string& find, const std::string& replace) {
  return vestsim::test::edited(kValid, find, replace);
}

struct Case {
  const char* name;
  std::string text;
  const char* expect;  // a substring of some diagnostic
  int line;            // that diagnostic's line (0: not checked)
};

}  // namespace

TEST_CASE("the valid base scenario loads", "[loader]") {
  const LoadResult r = load_scenario_text(kValid, "base.yaml");
  INFO(all_messages(r));
  REQUIRE(r.ok());
  CHECK(r.scenario->name == "base");
  CHECK(r.scenario->offers.size() == 2);
  CHECK(r.scenario->compare.size() == 1);  // every pair in file order
  CHECK(r.scenario->paths == 100000);
  CHECK(r.scenario->percentiles == std::vector<double>{5, 10, 25, 50, 75, 90, 95});
}

TEST_CASE("malformed scenarios are rejected with precise messages", "[loader]") {
  const std::vector<Case> cases = {
      {"typo in a grant key",
       edit("        vesting: {years: 4, cliff", "        vestng: {years: 4, cliff"),
       "offers.a.grants[0].vestng: unknown key; did you mean 'vesting'?", 22},
      {"negative salary", edit("base: 100000", "base: -5"), "offers.a.base: must be a number >= 0",
       17},
      {"probabilities above 1", edit("outcomes: {ipo: 1}", "outcomes: {ipo: 0.7, failure: 0.5}"),
       "probabilities sum to 1.2", 8},
      {"cliff not a multiple",
       edit("cliff_months: 12, every_months: 1", "cliff_months: 4, every_months: 3"),
       "must be a multiple of every_months (3), got 4", 22},
      {"weights not summing to 1",
       edit("vesting: {years: 4}", "vesting: {years: 4, weights: [0.5, 0.5, 0.5, 0.5]}"),
       "weights: must sum to 1, sum to 2", 29},
      {"weights of the wrong count",
       edit("vesting: {years: 4}", "vesting: {years: 4, weights: [0.5, 0.5]}"),
       "needs one weight per vesting year (4), got 2", 29},
      {"public_rsu on a private company",
       edit("        type: private_rsu", "        type: public_rsu"),
       "a public_rsu must name a public company; 'hf' is private", 20},
      {"private_rsu on a public company",
       edit("        type: public_rsu", "        type: private_rsu"),
       "must name a private company; 'goog' is public", 27},
      {"unknown company", edit("      - company: hf", "      - company: nope"),
       "unknown company 'nope'; defined companies: hf, goog", 19},
      {"YAML syntax error", edit("base: 100000", "base: [100000"), "YAML syntax error", 0},
      {"a tab for indentation", edit("    base: 120000", "\tbase: 120000"),
       "(line 24 is indented with a tab; YAML indents with spaces only)", 0},
      {"a key of 1100 characters", std::string(1100, 'k') + ": 1\n" + kValid,
       "(a key is at most 1024 characters in YAML)", 1},
      {"empty file", "", "the scenario is empty", 0},
      {"only a comment", "# nothing here\n", "the scenario is empty", 0},
      {"binary file", std::string("currency: EUR\n\x00\x01\x02\xff", 18),
       "not a UTF-8 text file (byte 15 is binary)", 2},
      // 'name: "caf' is 10 bytes: C0 AF (an overlong '/') starts at byte 11; ED A0 80 is the
      // surrogate U+D800 encoded, F4 90 80 80 would be U+110000. JSON refuses all three.
      {"an overlong UTF-8 form", "name: \"caf\xc0\xaf\"\n" + kValid,
       "not a UTF-8 text file (the sequence at byte 11, \\xc0, is not UTF-8)", 1},
      {"a UTF-8 surrogate", "currency: EUR\nname: \"\xed\xa0\x80\"\n" + kValid.substr(14),
       "(the sequence at byte 22, \\xed, is not UTF-8)", 2},
      {"beyond U+10FFFF", "name: \"\xf4\x90\x80\x80\"\n" + kValid, "\\xf4", 1},
      {"a surrogate by a YAML escape", "name: \"\\uD800\"\n" + kValid, "invalid unicode", 1},
      {"huge number", edit("base: 100000", "base: 1e400"), "'1e400' is too large", 17},
      {"number beyond its range", edit("base: 100000", "base: 1e15"),
       "offers.a.base: must be a number >= 0 and <= 1000000000", 17},
      {"NaN", edit("base: 100000", "base: .nan"), "must be a finite number", 17},
      {"infinity", edit("price: 100", "price: .inf"),
       "companies.goog.price: must be a finite number", 12},
      {"missing currency", edit("currency: EUR\n", ""), "currency: missing required key", 0},
      {"missing offers", kValid.substr(0, kValid.find("offers:")), "offers: missing required key",
       1},
      {"wrong type", edit("base: 100000", "base: [1, 2]"),
       "offers.a.base: expected a number >= 0 and <= 1000000000, got a list", 17},
      {"string for a number", edit("base: 100000", "base: lots"),
       "expected a number >= 0 and <= 1000000000, got 'lots'", 17},
      {"unknown top-level key", "horizon: 4\n" + kValid,
       "horizon: unknown key; did you mean 'horizon_years'?", 1},
      {"unknown key, no near match", "zzzzzzzz: 4\n" + kValid, "valid keys here: name, currency",
       1},
      {"currency without fx", edit("  a:\n    base", "  a:\n    currency: USD\n    base"),
       "currency USD has no fx entry", 17},
      {"report currency in fx", "fx: {EUR: 0.9}\n" + kValid,
       "EUR is the report currency; its fx is 1", 1},
      {"liquidity before horizon", "horizon_years: 4\nliquidity_horizon_years: 2\n" + kValid,
       "liquidity_horizon_years: must be a number >= horizon_years (4) and <= 100, got 2", 2},
      {"liquidity left at its default before a longer horizon", "horizon_years: 12\n" + kValid,
       "liquidity_horizon_years: not given, so 10 (the default), which must be >= horizon_years "
       "(12); give liquidity_horizon_years",
       1},
      {"every_months not dividing 12", edit("every_months: 1}", "every_months: 5}"),
       "must divide 12", 22},
      {"unknown distribution", edit("time_years: 3", "time_years: {dist: gamma, shape: 2}"),
       "must be one of constant, uniform, normal, lognormal, triangular, pert, exponential, "
       "weibull, discrete",
       7},
      {"lognormal with one percentile",
       edit("time_years: 3", "time_years: {dist: lognormal, p10: 1}"),
       "exactly two of median, p1 ... p99 (got 1", 7},
      {"lognormal percentiles out of order",
       edit("time_years: 3", "time_years: {dist: lognormal, p10: 5, p90: 2}"),
       "p90: must be greater than p10 (5)", 7},
      {"lognormal bad percentile key",
       edit("time_years: 3", "time_years: {dist: lognormal, p10: 1, p100: 5}"), "p100: unknown key",
       7},
      {"constant outside min/max",
       edit("time_years: 3", "time_years: {dist: constant, value: 5, max: 3}"),
       "the constant lies outside its own [min, max]", 7},
      {"truncation with no mass",
       edit("time_years: 3", "time_years: {dist: uniform, low: 1, high: 2, min: 5}"),
       "has zero probability", 7},
      {"triangular out of order",
       edit("time_years: 3", "time_years: {dist: triangular, low: 3, mode: 1, high: 5}"),
       "needs low <= mode <= high", 7},
      {"acceleration on a public grant",
       edit("        vesting: {years: 4}\n",
            "        vesting: {years: 4}\n        acceleration: {trigger: single}\n"),
       "only private grants (private_rsu, option) accelerate", 30},
      {"expiry on a public grant",
       edit("        vesting: {years: 4}\n",
            "        vesting: {years: 4}\n        expiry_years: 7\n"),
       "only private grants (private_rsu, option) expire", 30},
      {"strike on an RSU",
       edit("        value: 300000\n", "        value: 300000\n        strike: 1\n"),
       "only an option has a strike", 22},
      {"compare an unknown offer", kValid + "compare: [{a: a, b: zzz}]\n",
       "unknown offer 'zzz'; defined offers: a, b", 30},
      {"compare an offer with itself", kValid + "compare: [{a: a, b: a}]\n",
       "compares an offer with itself", 30},
      {"duplicate key", edit("base: 100000", "base: 100000\n    base: 200000"),
       "offers.a.base: duplicate key", 18},
      // Ids are keys too: the second offer, company or rate of one id would otherwise replace
      // or mislabel the first.
      {"an offer id twice", edit("  b:\n    base: 120000", "  a:\n    base: 120000"),
       "offers.a: duplicate key", 23},
      {"a company id twice", edit("  goog:\n", "  hf:\n"), "companies.hf: duplicate key", 10},
      {"a currency twice", "fx: {USD: 0.9, USD: 2.0}\n" + kValid, "fx.USD: duplicate key", 1},
      {"IPO without multiple", edit("ipo: {multiple: 4}", "ipo: {lockup_months: 6}"),
       "an IPO with probability > 0 needs a multiple", 9},
      // Without the ipo map at all: at outcomes (line 8) that asks for an IPO, not at line 7.
      {"IPO without an ipo map", edit("      ipo: {multiple: 4}\n", ""),
       "companies.hf.exit.ipo.multiple: missing required key: an IPO with probability > 0", 8},
      {"percentile out of range", "report: {percentiles: [50, 150]}\n" + kValid,
       "report.percentiles[1]: must be a number >= 0 and <= 100", 1},
      {"zero paths", "simulation: {paths: 0}\n" + kValid,
       "simulation.paths: must be a whole number >= 1", 1},
      {"NaN where a whole number goes",
       edit("ipo: {multiple: 4}", "ipo: {multiple: 4, lockup_months: .nan}"),
       "lockup_months: must be a finite number", 9},
      {"dilution written as a percentage",
       edit("ipo: {multiple: 4}", "ipo: {multiple: 4, dilution: 15}"),
       "ipo.dilution: must be a fraction from 0 to 1 (0.15, not 15), got 15", 9},
      {"bonus target written as a percentage",
       edit("base: 100000", "base: 100000\n    bonus: {target: 15}"),
       "offers.a.bonus.target: must be a number >= 0 and <= 3", 18},
      {"fractional paths", "simulation: {paths: 10.5}\n" + kValid,
       "simulation.paths: must be a whole number", 1},
      {"preferred fraction of 1",
       edit("ipo: {multiple: 4}",
            "ipo: {multiple: 4}\n      acquisition: {multiple: 1, preference: {amount: 1e8, "
            "preferred_fraction: 1}}"),
       "preferred_fraction: must be a number > 0 and < 1", 10},
      {"bad currency code", edit("currency: EUR", "currency: euro"),
       "three-letter ISO currency code", 1},
      {"scalar root", "just a string\n", "a scenario is a YAML map", 1},
      {"kind misspelt", edit("kind: private", "kind: privat"),
       "must be one of private, public, got 'privat'", 4},
      {"double triggers disagree",
       edit("        vesting: {years: 4, cliff_months: 12, every_months: 1}\n",
            "        vesting: {years: 4, cliff_months: 12, every_months: 1}\n"
            "        acceleration: {trigger: double, probability: 0.5}\n"
            "      - company: hf\n        type: private_rsu\n        value: 1\n"
            "        vesting: {years: 1}\n        acceleration: {trigger: double, probability: "
            "0.7}\n"),
       "double-trigger grants on one company must share one probability", 24},
      {"missing vesting",
       edit("        vesting: {years: 4, cliff_months: 12, every_months: 1}\n", ""),
       "offers.a.grants[0].vesting: missing required key", 19},
      {"negative discount beyond -1", "discount_rate: -1\n" + kValid,
       "discount_rate: must be a number >= -0.9 and <= 1, got -1", 1},
      {"failure with keys",
       edit("ipo: {multiple: 4}", "ipo: {multiple: 4}\n      failure: {multiple: 0}"),
       "failure pays nothing and takes no keys", 10},
      {"exponential rate of 0", edit("time_years: 3", "time_years: {dist: exponential, rate: 0}"),
       "time_years.rate: must be a number > 0, got 0", 7},
      {"exponential with a negative mean",
       edit("time_years: 3", "time_years: {dist: exponential, mean: -2}"),
       "time_years.mean: must be a number > 0, got -2", 7},
      {"uniform with high below low",
       edit("time_years: 3", "time_years: {dist: uniform, low: 5, high: 2}"),
       "time_years.high: must be >= low (5)", 7},
      {"typo in a distribution key",
       edit("time_years: 3", "time_years: {dist: uniform, low: 1, hihg: 2}"),
       "time_years.hihg: unknown key; did you mean 'high'?", 7},
      {"a precision that does not parse", "simulation: {precision: \"p_win=5\"}\n" + kValid,
       "simulation.precision: 'p_win=5': p_win is a probability; its half-width target must be "
       "at most 0.5",
       1},
      {"an empty precision", "simulation: {precision: \"\"}\n" + kValid,
       "simulation.precision: '': not a quantity", 1},
      {"a precision naming no quantity", "simulation: {precision: \"p_lose=0.1\"}\n" + kValid,
       "simulation.precision: 'p_lose': not a quantity; the quantities are p_win, mean_diff", 1},
      {"a map given a number", "simulation: 5\n" + kValid,
       "simulation: expected a map with keys paths, seed, threads, block, precision, sampler, got "
       "'5'",
       1},
      {"unknown grant key, no near match",
       edit("        value: 300000\n", "        value: 300000\n        zzzzzzzz: 1\n"),
       "zzzzzzzz: unknown key; valid keys here: company, type, value, start_month, vesting, "
       "acceleration, expiry_years, strike",
       22},
      {"empty company id", edit("      - company: hf", "      - company: ''"),
       "unknown company ''; defined companies: hf, goog", 19},
      {"company id with a space", edit("  goog:\n", "  my goog:\n"),
       "companies.my goog: an id is letters, digits, '_' and '-' only, got 'my goog'", 10},
      {"offer id with a dot", edit("  b:\n    base: 120000", "  b.2:\n    base: 120000"),
       "offers.b.2: an id is letters, digits, '_' and '-' only, got 'b.2'", 23},
      {"dilution distribution written as a percentage",
       edit("ipo: {multiple: 4}",
            "ipo: {multiple: 4, dilution: {dist: triangular, low: 5, mode: 15, high: 25}}"),
       "ipo.dilution: must be a fraction from 0 to 1 (0.15, not 15); its median is 15", 9},
      {"per-round dilution with a median above 1",
       edit("      ipo: {multiple: 4}\n",
            "      ipo: {multiple: 4}\n    dilution:\n      rounds_per_year: 1\n"
            "      per_round: {dist: lognormal, median: 12, sigma: 0.3}\n"),
       "dilution.per_round: must be a fraction from 0 to 1 (0.15, not 15); its median is 12", 12},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    const LoadResult r = load_scenario_text(c.text, "bad.yaml");
    const std::string messages = all_messages(r);
    INFO(messages);
    CHECK_FALSE(r.ok());
    bool found = false;
    for (const Diagnostic& d : r.errors) {
      if (d.to_string().find(c.expect) == std::string::npos) continue;
      found = true;
      CHECK(d.file == "bad.yaml");
      if (c.line > 0) CHECK(d.line == c.line);
    }
    CHECK(found);
  }
  CHECK(cases.size() >= 30);
}

namespace {

// The one diagnostic of a load that must fail with exactly one problem.
std::string only_problem(const std::string& text) {
  const LoadResult r = load_scenario_text(text, "bad.yaml");
  INFO(all_messages(r));
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.errors.size() == 1);
  return r.errors[0].to_string();
}

}  // namespace

TEST_CASE("a company that is not a map is told what a company is, and nothing more", "[loader]") {
  // Offer b's public_rsu names goog: a company read as having no kind is not taken for a
  // private one ("'goog' is private" was a second, false problem).
  const std::string goog =
      "  goog:\n    kind: public\n    price: 100\n    drift: 0\n"
      "    volatility: 0\n";
  const std::string keys =
      "companies.goog: expected a map with keys kind, currency, price, drift, volatility, "
      "valuation, exit, growth, dilution, post_ipo, tenders, got ";
  CHECK(only_problem(edit(goog, "  goog: abc\n")) == "bad.yaml:10: " + keys + "'abc'");
  CHECK(only_problem(edit(goog, "  goog: [1, 2]\n")) == "bad.yaml:10: " + keys + "a list");
  // An empty value is placed at its key, not at the next line (offers:).
  CHECK(only_problem(edit(goog, "  goog:\n")) == "bad.yaml:10: " + keys + "nothing");
  // A kind that cannot be read: its own problem only.
  CHECK(only_problem(edit("kind: public", "kind: publc")) ==
        "bad.yaml:11: companies.goog.kind: must be one of private, public, got 'publc'");
  CHECK(only_problem(edit("kind: public", "kind: [public]")) ==
        "bad.yaml:11: companies.goog.kind: expected one of private, public, got a list");
  CHECK(only_problem(edit("kind: public", "kind:")) ==
        "bad.yaml:11: companies.goog.kind: expected one of private, public, got nothing");
}

TEST_CASE("offers and grants that are not maps are told what they are", "[loader]") {
  const std::string b =
      "  b:\n    base: 120000\n    grants:\n      - company: goog\n"
      "        type: public_rsu\n        value: 400000\n"
      "        vesting: {years: 4}\n";
  CHECK(only_problem(edit(b, "  b: abc\n")) ==
        "bad.yaml:23: offers.b: expected a map with keys label, currency, base, geo_band, raise, "
        "bonus, signing_bonus, grants, tax, got 'abc'");
  CHECK(only_problem(edit(b, "  b: {base: 1, grants: abc}\n")) ==
        "bad.yaml:23: offers.b.grants: expected a list of grants, got 'abc'");
  CHECK_THAT(only_problem(edit(b, "  b: {base: 1, grants: [abc]}\n")),
             Catch::StartsWith("bad.yaml:23: offers.b.grants[0]: expected a map with keys "
                               "company, type, value,") &&
                 Catch::EndsWith(", got 'abc'"));
}

TEST_CASE("range and choice messages state what is valid", "[loader]") {
  // One range for discount_rate: the value the first message allows is not refused by a second.
  CHECK(only_problem("discount_rate: 1.5\n" + kValid) ==
        "bad.yaml:1: discount_rate: must be a number >= -0.9 and <= 1, got 1.5");
  CHECK(only_problem("discount_rate: -0.95\n" + kValid) ==
        "bad.yaml:1: discount_rate: must be a number >= -0.9 and <= 1, got -0.95");
  CHECK(load_scenario_text("discount_rate: -0.9\n" + kValid, "ok.yaml").ok());
  // liquidity_horizon_years: its lower bound is horizon_years, not 0.
  CHECK(only_problem("liquidity_horizon_years: -1\n" + kValid) ==
        "bad.yaml:1: liquidity_horizon_years: must be a number >= horizon_years (4) and <= 100, "
        "got -1");
  CHECK(only_problem("liquidity_horizon_years: lots\n" + kValid) ==
        "bad.yaml:1: liquidity_horizon_years: expected a number >= horizon_years (4) and <= "
        "100, got 'lots'");
  // horizon_years: the month it must round to is the range, not a second rule.
  CHECK(only_problem("horizon_years: 0\n" + kValid) ==
        "bad.yaml:1: horizon_years: must be a number >= 1/24 (one month after rounding) and <= "
        "50, got 0");
  CHECK(load_scenario_text("horizon_years: 0.0417\n" + kValid, "ok.yaml").ok());
  // A choice given a list, a map or nothing names its kind, never a quoted 'a list'.
  CHECK(only_problem("simulation: {sampler: [a]}\n" + kValid) ==
        "bad.yaml:1: simulation.sampler: expected one of philox, sobol, got a list");
  CHECK(only_problem("simulation: {sampler: }\n" + kValid) ==
        "bad.yaml:1: simulation.sampler: expected one of philox, sobol, got nothing");
  CHECK(only_problem(edit("        type: public_rsu", "        type: {a: 1}")) ==
        "bad.yaml:27: offers.b.grants[0].type: expected one of private_rsu, option, public_rsu, "
        "got a map");
  // Empty maps and lists are called empty.
  CHECK(only_problem(kValid.substr(0, kValid.find("offers:")) + "offers: {}\n") ==
        "bad.yaml:15: offers: expected a map of at least one offer, got an empty map");
  CHECK(only_problem(edit("base: 100000", "base: {}")) ==
        "bad.yaml:17: offers.a.base: expected a number >= 0 and <= 1000000000, got an empty map");
  // No company at all: said, not "defined companies: " and nothing after.
  const std::string no_companies =
      "currency: EUR\ncompanies: {}\noffers:\n  a:\n    base: 1\n    grants:\n"
      "      - {company: hf, type: private_rsu, value: 1, vesting: {years: 1}}\n";
  CHECK(only_problem(no_companies) ==
        "bad.yaml:7: offers.a.grants[0].company: unknown company 'hf': no company is defined");
}

TEST_CASE("an empty --set value says so", "[loader]") {
  Override o;
  CHECK(parse_override("offers.x.base=", o) ==
        "--set 'offers.x.base=': the value after '=' is empty; give one (e.g. "
        "offers.hf.base=140000), or ~ for no value (a value is a plain scalar as written: --set "
        "cannot give an empty text, and '' would be two quote characters)");
  CHECK_THAT(parse_override("=5", o), Catch::Contains("expected PATH=VALUE"));
  // ~ is YAML's null: no value, as in the file.
  const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"offers.a.base", "~"}});
  CHECK_THAT(all_messages(r), Catch::Contains("s.yaml: --set offers.a.base: expected a number >= 0 "
                                              "and <= 1000000000, got nothing"));
}

TEST_CASE("a horizon from the command line is named in the liquidity check", "[loader]") {
  // The message points at the file's liquidity line, which the user did not change.
  const LoadResult r = load_scenario_text("liquidity_horizon_years: 5\n" + kValid, "s.yaml",
                                          {{"horizon_years", "20"}});
  CHECK_THAT(all_messages(r),
             Catch::Contains("s.yaml:1: liquidity_horizon_years: must be a number >= "
                             "horizon_years (20, from the command line) and <= 100, got 5"));
  // Without the key, its default of 10 is named.
  const LoadResult d = load_scenario_text(kValid, "s.yaml", {{"horizon_years", "20"}});
  CHECK_THAT(all_messages(d), Catch::Contains("not given, so 10 (the default), which must be >= "
                                              "horizon_years (20, from the command line)"));
}

TEST_CASE("a report currency from the command line meets the file's fx for it", "[loader]") {
  // fx.USD is right for an EUR report; --set currency=USD makes it the report currency's, and
  // "remove the entry" alone would ask for what the command line cannot do.
  const LoadResult r =
      load_scenario_text("fx: {USD: 0.9}\n" + kValid, "s.yaml", {{"currency", "USD"}});
  CHECK_THAT(all_messages(r), Catch::Contains("s.yaml:1: fx.USD: USD is the report currency "
                                              "(from the command line); its fx is 1: report in "
                                              "another currency, or remove the entry"));
  const LoadResult f = load_scenario_text("fx: {EUR: 0.9}\n" + kValid, "s.yaml");
  CHECK_THAT(all_messages(f), Catch::Contains("fx.EUR: EUR is the report currency; its fx is 1 "
                                              "(remove the entry)"));
}

TEST_CASE("a dilution distribution with a fractional median loads", "[loader]") {
  const LoadResult r =
      load_scenario_text(edit("ipo: {multiple: 4}",
                              "ipo: {multiple: 4, dilution: {dist: uniform, low: 0.5, high: 1.4}}"),
                         "ok.yaml");
  INFO(all_messages(r));
  CHECK(r.ok());  // draws above 1 are clamped; only the median must be a fraction
}

TEST_CASE("every problem in a file is listed, not just the first", "[loader]") {
  std::string s = kValid;
  s.replace(s.find("base: 100000"), 12, "base: -1");
  s.replace(s.find("price: 100"), 10, "price: 0");
  s.replace(s.find("vesting: {years: 4}"), 19, "vestin: {years: 4}");
  const LoadResult r = load_scenario_text(s, "many.yaml");
  CHECK_FALSE(r.ok());
  CHECK(r.errors.size() >= 3);
  // Sorted by line.
  for (std::size_t i = 1; i < r.errors.size(); ++i) CHECK(r.errors[i - 1].line <= r.errors[i].line);
}

TEST_CASE("overrides (--set) go through the same validation", "[loader]") {
  SECTION("a valid override changes the value") {
    const LoadResult r =
        load_scenario_text(kValid, "s.yaml", {{"offers.a.grants[0].value", "250000"}});
    REQUIRE(r.ok());
    CHECK(r.scenario->offers[0].grants[0].value == 250000);
  }
  SECTION("an IPO asked for by --set, without an ipo map, is placed at a line of the file") {
    // outcomes.ipo from --set has no line: the problem goes to the exit map's (7), never to a
    // "--set companies.hf.exit.ipo.multiple" the user did not give.
    std::string s = kValid;
    s.replace(s.find("      ipo: {multiple: 4}\n"), 25, "");
    s.replace(s.find("outcomes: {ipo: 1}"), 18, "outcomes: {failure: 1}");
    const LoadResult r = load_scenario_text(
        s, "s.yaml",
        {{"companies.hf.exit.outcomes.failure", "0"}, {"companies.hf.exit.outcomes.ipo", "1"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 7);
    CHECK(r.errors[0].path == "companies.hf.exit.ipo.multiple");
  }
  SECTION("a blank name or label is refused, naming the default") {
    const LoadResult blank = load_scenario_text("name: ''\n" + kValid, "s.yaml");
    REQUIRE(blank.errors.size() == 1);
    CHECK(blank.errors[0].line == 1);
    CHECK(blank.errors[0].message ==
          "must not be blank: it heads the reports; leave the key out for the default, 's'");
    std::string labelled = kValid;
    labelled.replace(labelled.find("    base: 100000"), 16, "    label: \"  \"\n    base: 100000");
    const LoadResult label = load_scenario_text(labelled, "s.yaml");
    REQUIRE(label.errors.size() == 1);
    CHECK(label.errors[0].path == "offers.a.label");
    CHECK(label.errors[0].message.find("default, 'a'") != std::string::npos);
    // From --set (no line, and no key to leave out): blank is refused all the same.
    const LoadResult set = load_scenario_text(kValid, "s.yaml", {{"offers.a.label", " "}});
    REQUIRE(set.errors.size() == 1);
    CHECK(set.errors[0].line == 0);
    CHECK(set.errors[0].message == "must not be blank: it heads the reports");
  }
  SECTION("a map's problem that --set made names the --set, at the map's line") {
    // The file's outcomes {ipo: 1} are valid; --set adds failure 0.5: 1.5 in all. The sum is
    // the outcomes map's problem, at its line (8), and the file alone does not have it.
    const LoadResult r =
        load_scenario_text(kValid, "s.yaml", {{"companies.hf.exit.outcomes.failure", "0.5"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].line == 8);
    CHECK(r.errors[0].path == "companies.hf.exit.outcomes");
    CHECK_THAT(r.errors[0].message,
               Catch::Matchers::EndsWith("(with --set companies.hf.exit.outcomes.failure=0.5)"));
  }
  SECTION("a key the file leaves out can be set") {
    const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"simulation.paths", "1e6"}});
    REQUIRE(r.ok());
    CHECK(r.scenario->paths == 1000000);
  }
  SECTION("a distribution can be replaced by a number") {
    std::string s = kValid;
    s.replace(s.find("time_years: 3"), 13, "time_years: {dist: lognormal, p10: 1, p90: 8}");
    const LoadResult r = load_scenario_text(s, "s.yaml", {{"companies.hf.exit.time_years", "5"}});
    REQUIRE(r.ok());
    CHECK(r.scenario->companies[0].priv.exit_time.is_constant());
  }
  SECTION("an unknown key is an error naming --set") {
    const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"offers.a.bse", "1"}});
    REQUIRE_FALSE(r.ok());
    CHECK(all_messages(r).find("s.yaml: --set offers.a.bse: unknown key; did you mean 'base'?") !=
          std::string::npos);
  }
  SECTION("an out-of-range value is an error naming --set") {
    const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"offers.a.base", "-3"}});
    REQUIRE_FALSE(r.ok());
    CHECK(all_messages(r).find("--set offers.a.base: must be a number >= 0") != std::string::npos);
  }
  SECTION("an index out of range") {
    const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"offers.a.grants[3].value", "1"}});
    REQUIRE_FALSE(r.ok());
    CHECK(all_messages(r).find("index out of range (the list has 1 entry)") != std::string::npos);
  }
  SECTION("a text that is not UTF-8") {  // the command line's bytes, unlike the file's
    const LoadResult r = load_scenario_text(kValid, "s.yaml", {{"offers.a.label", "caf\xc0\xaf"}});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].to_string() ==
          "s.yaml: --set offers.a.label: is not UTF-8 text: the sequence at byte 4 (\\xc0) is not "
          "UTF-8");
  }
  SECTION("a dot is followed by a key") {
    for (const char* path : {"offers.a.base.", "offers.a.", "offers..a.base", "offers.a.grants.[0]",
                             "offers.a.grants[0]."}) {
      INFO(path);
      const LoadResult r = load_scenario_text(kValid, "s.yaml", {{path, "1"}});
      REQUIRE_FALSE(r.ok());
      CHECK(all_messages(r).find("is not a key path") != std::string::npos);
    }
  }
  SECTION("a malformed PATH=VALUE") {
    Override o;
    CHECK_FALSE(parse_override("offers.a.base", o).empty());
    CHECK(parse_override("offers.a.base=5", o).empty());
    CHECK(o.path == "offers.a.base");
    CHECK(o.value == "5");
  }
}

TEST_CASE("every shipped scenario validates", "[loader]") {
  for (const char* f : {"hf-paris-vs-google-l5.yaml", "hf-nyc-vs-anthropic.yaml",
                        "hf-remote-vs-meta-e6.yaml", "hf-paris-vs-criteo.yaml"}) {
    const LoadResult r = load_scenario_file(std::string(VESTSIM_SOURCE_DIR) + "/scenarios/" + f);
    INFO(f << "\n" << all_messages(r));
    CHECK(r.ok());
  }
  const LoadResult d = load_scenario_text(default_scenario_text(), kDefaultScenarioFile);
  REQUIRE(d.ok());
  CHECK(d.scenario->name == "Hugging Face Staff (Paris) vs Google L5 (Paris)");
}

TEST_CASE("accepted_keys lists the keys the readers look up, and the choices", "[loader]") {
  const std::vector<std::string> keys = accepted_keys();
  auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  for (const char* k : {"name", "horizon_years", "annual_rate", "preferred_fraction", "per_round",
                        "post_ipo", "clawback_months", "weights", "strike", "min", "rate", "values",
                        "lognormal", "private_rsu", "double", "public"})
    CHECK(has(k));
  CHECK_FALSE(has(""));
  CHECK_FALSE(has("p10"));  // percentile keys are a pattern, documented as p1 ... p99
  CHECK(std::is_sorted(keys.begin(), keys.end()));
}

TEST_CASE("a control character in a text is one problem, and no message prints one raw",
          "[loader]") {
  // The label's ESC is its own problem; the label is not also "blank" for having been refused.
  const LoadResult label = load_scenario_text(kValid, "s.yaml", {{"offers.a.label", "x\x1b[2Jy"}});
  REQUIRE(label.errors.size() == 1);
  CHECK(label.errors[0].message.find("holds the control character \\x1b") != std::string::npos);
  // A currency is quoted back ("got '...'"): its ESC ] 0 ; ... BEL (a terminal's window title)
  // and CSI U+009B (C2 9B) are shown as escapes, never written to the terminal as they are.
  std::string s = kValid;
  s.replace(s.find("currency: EUR"), 13, "currency: \"\\e]0;pwned\\a\\u009b2J\"");
  const LoadResult currency = load_scenario_text(s, "s.yaml");
  REQUIRE_FALSE(currency.ok());
  const std::string said = all_messages(currency);
  INFO(said);
  CHECK(said.find("\\x1b]0;pwned\\x07\\u009b2J") != std::string::npos);
  CHECK(std::none_of(said.begin(), said.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f;
  }));
  CHECK(said.find("\xc2\x9b") == std::string::npos);
  // A second byte-order mark, before a key: "\ufeffcurrency: unknown key", not "currency: ...".
  const LoadResult bom = load_scenario_text("\xef\xbb\xbf\xef\xbb\xbf" + kValid, "s.yaml");
  REQUIRE_FALSE(bom.ok());
  CHECK(all_messages(bom).find("s.yaml:1: \\ufeffcurrency: unknown key") != std::string::npos);
}

TEST_CASE("a scenario file whose name is not UTF-8 is refused before it is read", "[loader]") {
  // Reports carry the name (the default `name`, a batch's files and index); Latin-1 "café".
  const LoadResult r = load_scenario_file("/nonexistent/caf\xe9.yaml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].to_string() ==
        "'/nonexistent/caf\\xe9.yaml': the file's name is not UTF-8 text; rename the file (its "
        "reports carry the name)");
  // validate says what run says: the check is read_small_file()'s, which both go through.
  const ValidateResult v = validate_file("/nonexistent/caf\xe9.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].message == r.errors[0].message);
  // A name holding U+009B (CSI to some terminals) or a tab is shown escaped, never raw.
  CHECK(shown_file_name("a\xc2\x9b"
                        "2Jb.yaml") == "'a\\u009b2Jb.yaml'");
  CHECK(shown_file_name("a\tb.yaml") == "'a\\x09b.yaml'");
  CHECK(shown_file_name("caf\xc3\xa9.yaml") == "caf\xc3\xa9.yaml");  // UTF-8 é: as it is
}
