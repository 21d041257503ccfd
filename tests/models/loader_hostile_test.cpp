// The loader against hostile input (issue #14): files that are not files,
// YAML beyond plain data, --set paths that do not exist, values that would
// make a run overflow. Each case asserts the message and its line.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "tests/test_support.hpp"

using namespace vestsim::models;

namespace {

const std::string kBase = vestsim::test::small_scenario("hf_ask");

using vestsim::test::all_messages;

std::string edit(const std::string& find, const std::string& replace) {
  return vestsim::test::edited(kBase, find, replace);
}

// The load fails with a diagnostic containing `expect` at line `line`.
void require_error(const LoadResult& r, const std::string& expect, int line) {
  const std::string messages = all_messages(r);
  INFO(messages);
  CHECK_FALSE(r.ok());
  bool found = false;
  for (const Diagnostic& d : r.errors)
    if (d.to_string().find(expect) != std::string::npos) {
      found = true;
      CHECK(d.line == line);
    }
  CHECK(found);
}

void require_text_error(const std::string& text, const std::string& expect, int line,
                        const std::vector<Override>& overrides = {}) {
  require_error(load_scenario_text(text, "bad.yaml", overrides), expect, line);
}

Scenario require_ok(const std::string& text, const std::vector<Override>& overrides = {}) {
  const LoadResult r = load_scenario_text(text, "ok.yaml", overrides);
  INFO(all_messages(r));
  REQUIRE(r.ok());
  return *r.scenario;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A fresh empty folder under the system temporary folder.
std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("vestsim-hostile-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("what is not a regular file is refused unread, at once", "[loader][hostile]") {
  const auto t0 = std::chrono::steady_clock::now();
  require_error(load_scenario_file("/dev/zero"),
                "/dev/zero: not a regular file (a device); a scenario is a YAML file", 0);
  const auto dir = scratch("fifo");
  const std::string fifo = (dir / "fifo.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // no writer: an open for reading would block
  require_error(load_scenario_file(fifo), "fifo.yaml: not a regular file (a named pipe)", 0);
  require_error(load_scenario_file(dir.string()), "is a folder", 0);
  require_error(load_scenario_file((dir / "none.yaml").string()), "cannot open the file", 0);
  CHECK(seconds_since(t0) < 1.0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a path that cannot lead to a file says why, not 'does it exist?'", "[loader][hostile]") {
  const auto dir = scratch("enotdir");
  const std::string file = (dir / "tiny.yaml").string();
  std::ofstream(file) << "currency: EUR\n";
  // A file used as a folder (ENOTDIR): the part that is a file is named.
  require_error(load_scenario_file(file + "/x.yaml"),
                "cannot open the file: a part of its path is not a folder (" + file + " is a file)",
                0);
  // A symlink loop (ELOOP).
  std::filesystem::create_symlink("l2.yaml", dir / "l3.yaml");
  std::filesystem::create_symlink("l3.yaml", dir / "l2.yaml");
  require_error(load_scenario_file((dir / "l2.yaml").string()), "a symlink loop", 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a file name that would read as nothing is quoted in messages", "[loader][hostile]") {
  require_error(load_scenario_file(" "), "' ': cannot open the file (does it exist?)", 0);
  // `--set a=1 b=2` reads b=2 as a scenario file: the message says what was meant.
  require_error(load_scenario_file("offers.b.base=2"),
                "cannot open the file (does it exist? an override needs its own --set)", 0);
  require_error(load_scenario_file("a.yaml\t"), "'a.yaml\\x09': cannot open", 0);
  require_error(load_scenario_file("x\x1by.yaml"), "'x\\x1by.yaml': cannot open", 0);
  require_error(load_scenario_file("no such.yaml"), "no such.yaml: cannot open", 0);  // as it is
  CHECK(shown_file_name("") == "''");
  CHECK(shown_file_name("a b.yaml") == "a b.yaml");
  CHECK(shown_file_name("a b.yaml", true) == "'a b.yaml'");
  CHECK(shown_file_name("\x7f") == "'\\x7f'");
}

TEST_CASE("a file above 4 MiB is refused by its size, unread", "[loader][hostile]") {
  const auto dir = scratch("big");
  const auto big = dir / "big.yaml";
  std::ofstream(big).put('x');
  std::filesystem::resize_file(big, std::uintmax_t{2} << 30);  // 2 GiB, sparse
  const auto t0 = std::chrono::steady_clock::now();
  require_error(load_scenario_file(big.string()), "is too large (2147483648 bytes; at most 4 MiB)",
                0);
  CHECK(seconds_since(t0) < 1.0);
  std::filesystem::resize_file(big, kMaxScenarioBytes + 1);
  require_error(load_scenario_file(big.string()), "(4194305 bytes; at most 4 MiB)", 0);
  std::filesystem::remove_all(dir);
  // The same cap holds for text handed over directly.
  require_text_error(std::string(kMaxScenarioBytes + 1, ' '), "is too large (4194305 bytes", 0);
}

TEST_CASE("a second YAML document is refused, naming where it starts", "[loader][hostile]") {
  require_text_error(kBase + "---\ncurrency: USD\n",
                     "one document per file; a second starts at line 30", 30);
  require_text_error(kBase + "---\n", "a second starts at line 30", 30);
  require_ok("---\n" + kBase + "...\n");  // explicit start and end markers of one document
}

TEST_CASE("explicit YAML tags are refused, naming the line", "[loader][hostile]") {
  require_text_error("name: !!python/object:os.system x\n" + kBase,
                     "YAML tags such as '!!python/object:os.system' are not accepted", 1);
  require_text_error(edit("base: 100000", "base: !!binary MTM1MDAw"),
                     "YAML tags such as '!!binary' are not accepted", 17);
  require_text_error(edit("base: 100000", "base: !!float 100000"), "'!!float'", 17);
  require_text_error(edit("  goog:\n", "  goog: !thing\n"), "'!thing'", 10);
}

TEST_CASE("a quoted number is a string", "[loader][hostile]") {
  require_text_error(edit("base: 100000", "base: \"135000\""),
                     "offers.hf_ask.base: expected a number >= 0 and <= 1000000000, got the string "
                     "\"135000\" (quoted)",
                     17);
  require_text_error(edit("base: 100000", "base: '135000'"), "got the string \"135000\" (quoted)",
                     17);
  // Quoted strings stay fine where a string goes.
  CHECK(require_ok(edit("  hf_ask:\n", "  hf_ask:\n    label: \"2024\"\n")).offers[0].label ==
        "2024");
}

TEST_CASE("underflow is reported as underflow, overflow as too large", "[loader][hostile]") {
  require_text_error("discount_rate: 1e-400\n" + kBase,
                     "discount_rate: '1e-400' is too small to represent (underflows to 0", 1);
  require_text_error("discount_rate: -1e-400\n" + kBase, "is too small to represent", 1);
  require_text_error(edit("base: 100000", "base: 1e400"), "'1e400' is too large", 17);
}

TEST_CASE("deep nesting is refused before yaml-cpp recurses", "[loader][hostile]") {
  auto nested = [](int depth) {
    return kBase + "x: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
  };
  // The root map is one level: 63 lists inside it are fine (x is then merely unknown).
  require_text_error(nested(63), "x: unknown key", 30);
  require_text_error(nested(64), "nested too deep (line 30): at most 64 levels", 30);
  require_text_error(nested(200000), "nested too deep (line 30)", 30);
  std::string block = "currency: EUR\n";
  for (int i = 0; i < 100; ++i) block += std::string(2 * i, ' ') + "k:\n";
  require_text_error(block, "nested too deep (line 66)", 66);  // the 65th map starts there
}

TEST_CASE("a long list inside flow brackets is refused before yaml-cpp buffers it",
          "[loader][hostile]") {
  std::string wide = kBase + "x: [[";
  for (int i = 0; i < 1000000; ++i) wide += "1, ";
  wide += "1]]\n";
  const auto t0 = std::chrono::steady_clock::now();
  require_text_error(wide, "a [ ] or { } inside another is longer than 64 KiB", 30);
  CHECK(seconds_since(t0) < 1.0);
  // Brackets in quoted, block and commented text are not flow collections.
  std::string deep_text(100, '[');
  require_ok("name: '" + deep_text + "'\n" + kBase);
  require_ok("name: \"" + deep_text + "\"  # " + deep_text + "\n" + kBase);
  require_ok("name: |\n  " + deep_text + "\n  " + deep_text + "\n" + kBase);
}

TEST_CASE("aliases are copies, and an alias bomb is refused", "[loader][hostile]") {
  // offers.b becomes an alias of offers.hf_ask.
  std::string with_alias = edit("  hf_ask:\n", "  hf_ask: &ask\n");
  const std::size_t b = with_alias.find("  b:\n");
  with_alias.replace(b, std::string::npos, "  b: *ask\n");
  const Scenario s = require_ok(with_alias, {{"offers.hf_ask.base", "200000"}});
  REQUIRE(s.offers.size() == 2);
  CHECK(s.offers[0].base == 200000);
  CHECK(s.offers[1].base == 100000);  // the alias kept the file's value
  CHECK(s.offers[1].grants.size() == 1);

  std::string bomb = "currency: EUR\nl0: &l0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i < 9; ++i) {  // l_i: ten aliases of l_{i-1}; append() avoids GCC 12's -Wrestrict
    const std::string name = std::to_string(i), prev = std::to_string(i - 1);
    bomb.append("l").append(name).append(": &l").append(name).append(" [");
    for (int j = 0; j < 10; ++j) bomb.append(j ? ", *l" : "*l").append(prev);
    bomb.append("]\n");
  }
  const auto t0 = std::chrono::steady_clock::now();
  require_text_error(bomb, "more than 100000 values (aliases expanded)", 6);  // 10^5 at l4
  CHECK(seconds_since(t0) < 1.0);
}

TEST_CASE("an override (--set) of a path that does not exist is an error (the last key too)",
          "[loader][hostile]") {
  SECTION("a misspelt offer id is never added") {
    require_text_error(kBase,
                       "--set offers.hf_aks.base: offers has no entry 'hf_aks' (--set "
                       "changes an entry, never adds one); did you mean 'hf_ask'?",
                       0, {{"offers.hf_aks.base", "1"}});
  }
  SECTION("a new company or fx entry is never added") {
    require_text_error(kBase, "companies has no entry 'gooog'", 0,
                       {{"companies.gooog.price", "1"}});
    require_text_error(kBase, "--set fx.GBP: fx has no entry 'GBP'", 0, {{"fx.GBP", "1.2"}});
    // An empty map has no entry to suggest: no "did you mean one of ?".
    require_text_error(
        "fx: {}\n" + kBase,
        "fx has no entry 'GBP' (--set changes an entry, never adds one); it has none", 0,
        {{"fx.GBP", "1.2"}});
  }
  SECTION("a misspelt key, at the end or at the top") {
    require_text_error(kBase, "--set offers.hf_ask.bse: unknown key; did you mean 'base'?", 0,
                       {{"offers.hf_ask.bse", "1"}});
    require_text_error(kBase, "--set horizon_yaers: unknown key; did you mean 'horizon_years'?", 0,
                       {{"horizon_yaers", "5"}});
    require_text_error(kBase,
                       "--set offers.hf_ask.bonus.tagret: unknown key; did you mean 'target'", 0,
                       {{"offers.hf_ask.bonus.tagret", "0.1"}});
  }
  SECTION("a list item is never added; the message gives the list's length") {
    require_text_error(kBase, "[1]: index out of range (the list has 1 entry)", 0,
                       {{"offers.b.grants[1].value", "1"}});
    require_text_error(kBase, "--set never adds a list or a list item", 0,
                       {{"offers.hf_ask.bonus[0]", "1"}});
  }
  SECTION("a map replaced by a scalar is a clean error") {
    require_text_error(kBase, "--set offers.hf_ask: expected a map with keys label, currency, base",
                       0, {{"offers.hf_ask", "1"}});
  }
  SECTION("a value too long") {
    require_text_error(kBase, "is longer than 4096 characters", 0,
                       {{"offers.hf_ask.label", std::string(5000, 'x')}});
  }
  SECTION("an optional key absent from the file may be set where the schema takes it") {
    const Scenario s = require_ok(kBase, {{"offers.hf_ask.raise", "0.05"},
                                          {"offers.hf_ask.bonus.target", "0.1"},
                                          {"offers.hf_ask.grants[0].value", "250000"}});
    CHECK(s.offers[0].raise == 0.05);
    CHECK(s.offers[0].bonus_target == 0.1);
    CHECK(s.offers[0].grants[0].value == 250000);
  }
}

TEST_CASE("values that would overflow a run are refused at load", "[loader][hostile]") {
  require_text_error(edit("volatility: 0", "volatility: 1000"),
                     "companies.goog.volatility: must be a number >= 0 and <= 3, got 1000", 14);
  require_text_error(edit("drift: 0", "drift: 1e10"), "companies.goog.drift: must be a number", 13);
  require_text_error(edit("ipo: {multiple: 4}", "ipo: {multiple: 1e308}"),
                     "ipo.multiple: must be from -10000 to 10000 (a bound that keeps results "
                     "finite), got 1e+308",
                     9);
  require_text_error(edit("ipo: {multiple: 4}",
                          "ipo: {multiple: {dist: lognormal, median: 3, "
                          "sigma: 2}}"),
                     "ipo.multiple: must stay from -10000 to 10000 (a bound that keeps results "
                     "finite), but its 1-in-10^12 tail reaches",
                     9);
  require_ok(edit("ipo: {multiple: 4}",
                  "ipo: {multiple: {dist: lognormal, median: 3, sigma: 2, max: 1000}}"));
  require_text_error("fx: {USD: 4e-320}\n" + kBase,
                     "fx.USD: must be a number >= 1e-06 and <= 1000000, got 4e-320", 1);
  require_text_error(edit("valuation: 4.5e9", "valuation: 1e308"),
                     "valuation: must be a number > 0 and <= 1000000000000000", 5);
  require_text_error(edit("price: 100", "price: 1e10"),
                     "price: must be a number > 0 and <= 1000000000", 12);
  require_text_error("horizon_years: 0.01\n" + kBase,
                     "horizon_years: must be a number >= 1/24 (one month after rounding) and "
                     "<= 50, got 0.01",
                     1);
  CHECK(require_ok("horizon_years: 0.042\n" + kBase).horizon_years == 0.042);
  require_text_error("discount_rate: -0.95\n" + kBase,
                     "discount_rate: must be a number >= -0.9 and <= 1, got -0.95", 1);
  require_text_error(
      edit("base: 100000",
           "base: 100000\n    bonus: {target: 0.1, multiplier: {dist: normal, mean: 1e300, sd: "
           "1e300}}"),
      "offers.hf_ask.bonus.multiplier: must stay from -100 to 100", 18);
  require_text_error(edit("time_years: 3",
                          "time_years: {dist: discrete, values: [1, 2], weights: [1e308, 1e308]}"),
                     "weights: weights sum beyond the largest number", 7);
  // Heavy-tailed exit times are valid.
  require_ok(edit("time_years: 3", "time_years: {dist: lognormal, median: 5, sigma: 40}"));
  require_ok(edit("time_years: 3", "time_years: {dist: weibull, shape: 0.02, scale: 5}"));
}

TEST_CASE("at most 100 offers, since every pair is compared by default", "[loader][hostile]") {
  std::string text = "currency: EUR\ncompanies: {}\noffers:\n";
  for (int i = 0; i < 101; ++i) text += "  o" + std::to_string(i) + ": {base: 1}\n";
  require_text_error(text, "offers: has 101 offers; at most 100", 4);
  // 100 ids and one of them twice: the duplicate is the problem (line 104), not the count.
  std::string twice = "currency: EUR\ncompanies: {}\noffers:\n";
  for (int i = 0; i < 100; ++i) twice += "  o" + std::to_string(i) + ": {base: 1}\n";
  twice += "  o7: {base: 2}\n";
  const LoadResult r = load_scenario_text(twice, "bad.yaml");
  require_error(r, "offers.o7: duplicate key", 104);
  CHECK_THAT(all_messages(r), !Catch::Contains("at most 100"));
}

TEST_CASE("percentiles are distinct and within 0 to 100", "[loader][hostile]") {
  require_text_error("report: {percentiles: [50, 50, 90]}\n" + kBase,
                     "report.percentiles: 50 is listed twice", 1);
  require_text_error("report: {percentiles: [50, 101]}\n" + kBase,
                     "report.percentiles[1]: must be a number >= 0 and <= 100, got 101", 1);
  require_text_error("report: {percentiles: [-1]}\n" + kBase, "must be a number >= 0", 1);
}

TEST_CASE("a text holding a control character is refused, and tabs and new lines are kept",
          "[loader][hostile]") {
  // A report prints names as they are: ESC would reach the terminal, NUL the HTML.
  require_text_error("name: \"d\\x1b[31m\"\n" + kBase, "name: holds the control character \\x1b",
                     1);
  require_text_error(edit("  b:\n    base: 120000", "  b:\n    label: \"q\\0\"\n    base: 120000"),
                     "offers.b.label: holds the control character \\x00 (byte 2)", 24);
  require_text_error(
      edit("  b:\n    base: 120000", "  b:\n    label: \"c1 \\u009b\"\n    base: 120000"),
      "offers.b.label: holds the control character \\x9b (byte 4)", 24);
  CHECK(require_ok("name: \"a\\tb\\nc\"\n" + kBase).name == "a\tb\nc");
}

TEST_CASE("a null given with --set is YAML's null, as in the file", "[loader][hostile]") {
  for (const std::string value : {"null", "~", "NULL"}) {
    INFO(value);
    require_text_error(kBase, "--set offers.b.label: expected a string, got nothing", 0,
                       {{"offers.b.label", value}});
  }
  CHECK(require_ok(kBase, {{"offers.b.label", "nullx"}}).offers[1].label == "nullx");
}

TEST_CASE("a whole number past 2^53 is refused by its digits, not its rounding",
          "[loader][hostile]") {
  // 9007199254740993 = 2^53 + 1 reads as the double 2^53, which is in range.
  require_text_error("simulation: {seed: 9007199254740993}\n" + kBase,
                     "simulation.seed: must be a whole number >= 0 and <= 9007199254740992, got "
                     "9007199254740993",
                     1);
  require_text_error(kBase, "--set simulation.seed: must be", 0,
                     {{"simulation.seed", "99999999999999999999999"}});
  require_text_error(kBase, "--set simulation.seed: must be", 0,
                     {{"simulation.seed", "9.007199254740993e15"}});
  CHECK(require_ok(kBase, {{"simulation.seed", "9.007199254740992e15"}}).seed == 9007199254740992u);
  CHECK(require_ok("simulation: {seed: 9007199254740992}\n" + kBase).seed == 9007199254740992u);
}

TEST_CASE("ranges whose width overflows, and truncations too thin to sample, are refused",
          "[loader][hostile]") {
  // uniform(-1e308, 1e308) has high - low = inf: every draw was inf, an event never.
  require_text_error(edit("time_years: 3", "time_years: {dist: uniform, low: -1e308, high: 1e308}"),
                     "companies.hf.exit.time_years.low: must be a number >= -1e+307 and <= 1e+307",
                     7);
  // A PERT's 4 (mode - low) overflowed into Boost's "Alpha argument is inf", with no line.
  require_text_error(
      edit("time_years: 3", "time_years: {dist: pert, low: 0, mode: 1e308, high: 1.5e308}"),
      "companies.hf.exit.time_years.mode: must be a number >= -1e+307", 7);
  // P(X <= -38) of a standard normal is 2.9e-316, a subnormal: no uniform lands in it.
  require_text_error(edit("multiple: 4", "multiple: {dist: normal, mean: 0, sd: 1, max: -38}"),
                     "has zero probability under this distribution (or less than 2.2e-308", 9);
  // P(X <= 3) of normal(40, 1) is 5.7e-300, small but a normal double: kept.
  require_ok(edit("multiple: 4", "multiple: {dist: normal, mean: 40, sd: 1, max: 3}"));
}

TEST_CASE("what a run would refuse across sections is refused at load, with its line",
          "[loader][hostile]") {
  // validate said ok and run refused both, naming neither file nor line.
  require_text_error("simulation: {paths: 8, sampler: sobol}\n" + kBase,
                     "simulation.paths: sobol sampling needs at least 16 paths, one per replicate",
                     1);
  // A p50 target without p50 is run's to refuse (--precision may replace it, sweep ignores it),
  // and validate's to report, at its line.
  const std::string no_p50 =
      "simulation: {precision: \"p50_total=10\"}\nreport: {percentiles: [10, 49, 90]}\n" + kBase;
  require_ok(no_p50);
  const auto dir = scratch("p50");
  std::ofstream(dir / "no-p50.yaml") << no_p50;
  const ValidateResult v = validate_file((dir / "no-p50.yaml").string());
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].line == 1);
  CHECK(v.errors[0].to_string().find(
            "no-p50.yaml:1: simulation.precision: p50_total needs 50 among report.percentiles") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
  require_ok("simulation: {paths: 16, sampler: sobol, precision: \"p50_total=10\"}\n" + kBase);
  // Each percentile is a column of every report: a thousand at the most.
  std::string many = "report: {percentiles: [0";
  for (int i = 1; i <= 1000; ++i) many += fmt::format(", {}", i / 10.0);
  require_text_error(many + "]}\n" + kBase,
                     "report.percentiles: at most 1000 percentiles, got 1001", 1);
}
