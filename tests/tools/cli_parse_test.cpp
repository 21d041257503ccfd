// The command line parses into typed options: counts in e notation, grids,
// metric and format names; bad usage is refused with exit status 2.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tools/cli/options.hpp"

using namespace vestsim;
using namespace vestsim::tools;

namespace {

struct Parsed {
  ParsedCommand result;
  std::string out, err;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "vestsim");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Parsed p{parse_command_line(static_cast<int>(argv.size()), argv.data(), out, err), "", ""};
  p.out = out.str();
  p.err = err.str();
  return p;
}

template <class T>
const T& command(const Parsed& p) {
  INFO(p.err);
  REQUIRE(p.result.command.has_value());
  REQUIRE(std::holds_alternative<T>(*p.result.command));
  return std::get<T>(*p.result.command);
}

bool usage_error(const Parsed& p) {
  return !p.result.command && p.result.exit_code == 2 && !p.err.empty();
}

}  // namespace

TEST_CASE("counts are whole numbers, also in e notation", "[cli]") {
  CHECK(command<RunOptions>(parse({"run", "--paths", "1e6"})).sim.paths == 1000000u);
  CHECK(command<RunOptions>(parse({"run", "--paths", "250"})).sim.paths == 250u);
  CHECK(command<RunOptions>(parse({"run", "--seed", "0"})).sim.seed == 0u);
  CHECK(command<RunOptions>(parse({"run", "--threads", "2"})).sim.threads == 2);
  CHECK_FALSE(command<RunOptions>(parse({"run"})).sim.paths.has_value());
  CHECK(command<BenchOptions>(parse({"bench"})).paths == 1000000u);
  CHECK(command<BenchOptions>(parse({"bench", "--paths", "2e4"})).paths == 20000u);
  CHECK(command<BenchOptions>(parse({"bench"})).scenario.empty());
  CHECK(command<BenchOptions>(parse({"bench", "x.yaml"})).scenario == "x.yaml");
  for (const char* bad : {"1.5", "lots", "0", "-3", "1e20", ""}) {
    INFO(bad);
    const Parsed p = parse({"run", "--paths", bad});
    CHECK(usage_error(p));
  }
  CHECK(parse({"run", "--paths", "lots"}).err.find("--paths: expected a whole number") !=
        std::string::npos);
  CHECK(usage_error(parse({"run", "--threads", "-1"})));
  // At most 1024 threads, as simulation.threads; beyond an int it was CLI11's raw message.
  for (const char* command : {"run", "bench"})
    for (const char* many : {"1025", "2147483648", "1e9"}) {
      INFO(command << " --threads " << many);
      const Parsed p = parse({command, "--threads", many});
      CHECK(usage_error(p));
      CHECK(p.err.find("--threads: expected a whole number from 0 to 1024") != std::string::npos);
    }
  CHECK(command<RunOptions>(parse({"run", "--threads", "1024"})).sim.threads == 1024);
}

TEST_CASE("an empty file, path or name is bad usage, not its default", "[cli]") {
  // Giving no file asks for the built-in scenario (for taxes, the list of regimes), no --out
  // for standard output, no --offer for the first comparison's; "" is most often an unset shell
  // variable, so it is refused, with a message saying what to do instead.
  for (const char* command :
       {"run", "validate", "breakeven", "sweep", "sensitivity", "bench", "taxes"}) {
    INFO(command);
    const Parsed p = parse({command, ""});
    CHECK(usage_error(p));
    CHECK(p.err.find("an empty") != std::string::npos);
  }
  const std::vector<std::vector<std::string>> empty_options = {
      {"run", "a.yaml", ""},
      {"run", "--out", ""},
      {"run", "--paths-out", ""},
      {"breakeven", "--offer", ""},
      {"breakeven", "--against", ""},
      {"breakeven", "--out", ""},
      {"sweep", "--vary", "scale:a=1:2:1", "--compare", ""},
      {"sensitivity", "--compare", ""}};
  for (const auto& args : empty_options) {
    INFO(args[0] << " " << args[args.size() - 2]);
    const Parsed p = parse(args);
    CHECK(usage_error(p));
    CHECK(p.err.find("an empty") != std::string::npos);
  }
  CHECK(command<RunOptions>(parse({"run", "a.yaml"})).scenarios.size() == 1);
  CHECK(command<RunOptions>(parse({"run", "--out", "r.json"})).sim.out == "r.json");
  CHECK(command<BreakevenOptions>(parse({"breakeven", "--offer", "x"})).offer == "x");
}

TEST_CASE("a vary option gives a grid, and malformed or oversized ones are refused", "[cli]") {
  const Parsed one = parse({"sweep", "--vary", "a.b=1:3:1"});
  const SweepOptions& o = command<SweepOptions>(one);
  REQUIRE(o.axes.size() == 1);
  CHECK(o.axes[0].path == "a.b");
  CHECK(o.axes[0].values == std::vector<double>{1, 2, 3});
  const Parsed p2 =
      parse({"sweep", "--vary", "x=0:1:0.5", "--vary", "offers.a.grants[0].value=1e5:2e5:1e5"});
  const SweepOptions& two = command<SweepOptions>(p2);
  REQUIRE(two.axes.size() == 2);
  CHECK(two.axes[0].values.size() == 3);
  CHECK(two.axes[1].values == std::vector<double>{100000, 200000});
  // The simulation settings are the run's, one for every point (the header gives one count and
  // one seed).
  for (const char* bad : {"a.b=3:1:1", "a.b=1:3:0", "a.b=1:3", "a.b", "a.b=1:3:1x", "a.b=1:1e9:1",
                          "a.b=1:inf:1", "simulation.paths=1000:3000:1000", "simulation.seed=1:3:1",
                          // A report setting changes no sweep figure: the grid would be flat.
                          "report.risk_aversion=1:3:1", "report.wealth=1e5:2e5:1e5"}) {
    INFO(bad);
    CHECK(usage_error(parse({"sweep", "--vary", bad})));
  }
  CHECK(usage_error(parse({"sweep"})));  // --vary is required
  CHECK(
      usage_error(parse({"sweep", "--vary", "a=1:2:1", "--vary", "b=1:2:1", "--vary", "c=1:2:1"})));
}

// docs/cli.md: --set, --format, --metric and --vary repeat, one value each time, so the
// scenario file may follow them (it used to be taken for one more value, and refused as one).
TEST_CASE("a repeatable option takes one value, and a scenario file may follow it", "[cli]") {
  const Parsed run = parse({"run", "--format", "json", "a.yaml", "--set", "x.y=1", "b.yaml",
                            "--format", "csv", "--set", "z=2"});
  INFO(run.err);
  const RunOptions& r = command<RunOptions>(run);
  CHECK(r.scenarios == std::vector<std::string>{"a.yaml", "b.yaml"});
  CHECK(r.sim.formats == std::vector<Format>{Format::kJson, Format::kCsv});
  REQUIRE(r.sim.sets.size() == 2);
  CHECK(r.sim.sets[1].path == "z");
  const Parsed sweep = parse({"sweep", "--vary", "a.b=1:2:1", "s.yaml"});
  INFO(sweep.err);
  CHECK(command<SweepOptions>(sweep).scenario == "s.yaml");
  const Parsed be = parse({"breakeven", "--metric", "win", "s.yaml"});
  INFO(be.err);
  CHECK(command<BreakevenOptions>(be).scenario == "s.yaml");
  const Parsed validate = parse({"validate", "--set", "x.y=1", "a.yaml", "b.yaml"});
  INFO(validate.err);
  CHECK(command<ValidateOptions>(validate).scenarios.size() == 2);
}

TEST_CASE("names map to enums and unknown names are refused", "[cli]") {
  const Parsed p = parse({"breakeven", "--metric", "win", "--metric", "p50", "--solve", "base"});
  const BreakevenOptions& be = command<BreakevenOptions>(p);
  CHECK(be.metrics == std::vector<models::Metric>{models::Metric::kWin, models::Metric::kP50});
  CHECK(be.solve == models::Solve::kBase);
  CHECK(command<BreakevenOptions>(parse({"breakeven"})).solve == models::Solve::kEquity);
  CHECK(usage_error(parse({"breakeven", "--metric", "median"})));
  CHECK(usage_error(parse({"breakeven", "--metric", "0"})));
  CHECK(usage_error(parse({"breakeven", "--solve", "bonus"})));

  const Parsed pr = parse({"run", "--format", "html", "--format", "json"});
  const RunOptions& run = command<RunOptions>(pr);
  CHECK(run.sim.formats == std::vector<Format>{Format::kHtml, Format::kJson});
  CHECK(usage_error(parse({"run", "--format", "pdf"})));
  CHECK(command<BenchOptions>(parse({"bench", "--format", "json"})).format == Format::kJson);
  CHECK(usage_error(parse({"bench", "--format", "csv"})));
}

TEST_CASE("set options are split into path and value in order", "[cli]") {
  const Parsed p = parse({"run", "--set", "offers.a.base=1", "--set", "report.wealth=2"});
  const RunOptions& o = command<RunOptions>(p);
  REQUIRE(o.sim.sets.size() == 2);
  CHECK(o.sim.sets[0].path == "offers.a.base");
  CHECK(o.sim.sets[1].value == "2");
  CHECK(usage_error(parse({"run", "--set", "no-equals-sign"})));
  CHECK(command<ValidateOptions>(parse({"validate", "x.yaml", "--set", "a=1"})).sets.size() == 1);
}

TEST_CASE("help exits 0 with an example, and no command is bad usage", "[cli]") {
  for (const char* cmd : {"run", "validate", "breakeven", "sweep", "sensitivity", "bench"}) {
    INFO(cmd);
    const Parsed p = parse({cmd, "--help"});
    CHECK_FALSE(p.result.command.has_value());
    CHECK(p.result.exit_code == 0);
    CHECK(p.out.find("vestsim " + std::string(cmd)) != std::string::npos);
  }
  CHECK(usage_error(parse({})));
  CHECK(usage_error(parse({"run", "--frobnicate"})));
}

TEST_CASE("help wins over every other argument, and extra arguments are quoted", "[cli]") {
  // Arguments that alone are bad usage do not hide the help of the command they follow.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"run", "", "--help"},
                                             {"run", "--help", ""},
                                             {"run", "--paths", "x", "-h"},
                                             {"taxes", "--help", "", "extra"}}) {
    INFO(args[0] << " " << args[1] << " " << args[2]);
    const Parsed p = parse(args);
    CHECK_FALSE(p.result.command.has_value());
    CHECK(p.result.exit_code == 0);
    CHECK(p.err.empty());
    CHECK(p.out.find("Usage:") != std::string::npos);
    CHECK(p.out.find(" " + args[0] + " [OPTIONS]") != std::string::npos);  // its own help
  }
  // After "--", "--help" is a file name like any other.
  CHECK(command<RunOptions>(parse({"run", "--", "--help"})).scenarios ==
        std::vector<std::string>{"--help"});
  const Parsed empty = parse({"taxes", "fr-2026", ""});
  CHECK(usage_error(empty));
  CHECK(empty.err == "vestsim taxes: '' was not expected; see vestsim taxes --help\n");
  // Before a command, only --help and --version, and --version alone.
  const Parsed bogus = parse({"--paths", "10", "run"});
  CHECK(usage_error(bogus));
  CHECK(bogus.err.find("'--paths' is not an option of vestsim itself; give a command first") !=
        std::string::npos);
  const Parsed version = parse({"--version", "extra"});
  CHECK(usage_error(version));
  CHECK(version.err == "vestsim: --version takes nothing after it; 'extra' was not expected\n");
  // --help before a command takes at most a command, whose help it is.
  const Parsed help_run = parse({"--help", "run"});
  CHECK(help_run.result.exit_code == 0);
  CHECK(help_run.out.find(" run [OPTIONS]") != std::string::npos);
  const Parsed help_bogus = parse({"--help", "frobnicate"});
  CHECK(usage_error(help_bogus));
  CHECK(help_bogus.err.find("unknown command 'frobnicate'") != std::string::npos);
  const Parsed help_flag = parse({"--help", "--threads", "1"});
  CHECK(usage_error(help_flag));
  CHECK(help_flag.err ==
        "vestsim: --help takes at most a command after it (vestsim --help run); '--threads' was "
        "not expected\n");
  const Parsed dashes = parse({"taxes", "--", "fr-2026", "x"});  // "--" itself was expected
  CHECK(dashes.err == "vestsim taxes: 'x' was not expected; see vestsim taxes --help\n");
  const Parsed two = parse({"taxes", "fr-2026", "a b", "c"});
  CHECK(usage_error(two));
  CHECK(two.err == "vestsim taxes: 'a b', 'c' were not expected; see vestsim taxes --help\n");
}

TEST_CASE("numbers are decimal: hexadecimal, inf, nan and leading spaces are refused", "[cli]") {
  for (const std::string bad : {"0x10", "0X10", "inf", "nan", " 10", "1e999"}) {
    INFO(bad);
    CHECK(usage_error(parse({"run", "--paths", bad})));
    CHECK(usage_error(parse({"taxes", "fr-2026", "--income", bad})));
    CHECK(usage_error(parse({"run", "--memory-budget", bad + "MB"})));
  }
  CHECK(command<RunOptions>(parse({"run", "--paths", "+1e3"})).sim.paths == 1000u);
  // One sign at the most; every option that takes a number, breakeven's ce inputs included.
  CHECK(usage_error(parse({"run", "--seed", "+-0"})));
  CHECK(usage_error(parse({"breakeven", "--risk-aversion", "0x15"})));
  CHECK(usage_error(parse({"breakeven", "--wealth", " 0"})));
  CHECK(*command<BreakevenOptions>(parse({"breakeven", "--wealth", "+5e4"})).wealth == 50000);
  const Parsed vary = parse({"sweep", "--vary", "offers.a.base=+100:200:+50"});
  REQUIRE(vary.result.command.has_value());
  CHECK(command<SweepOptions>(vary).axes.at(0).values == std::vector<double>{100, 150, 200});
}

TEST_CASE("counts go up to 2^53 exactly, and larger ones say why they are refused", "[cli]") {
  CHECK(command<RunOptions>(parse({"run", "--seed", "9007199254740992"})).sim.seed ==
        9007199254740992u);
  CHECK(command<RunOptions>(parse({"run", "--seed", "9007199254740991"})).sim.seed ==
        9007199254740991u);
  for (const char* big : {"9007199254740993", "1e16", "18446744073709551616"}) {
    INFO(big);
    const Parsed p = parse({"run", "--seed", big});
    CHECK(usage_error(p));
    CHECK(p.err.find("2^53") != std::string::npos);
    CHECK(p.err.find("--seed") != std::string::npos);
  }
  const Parsed zero = parse({"run", "--paths", "0"});
  CHECK(zero.err.find("--paths") != std::string::npos);
}

TEST_CASE("an unknown command is named, and --version prints the version and the commit", "[cli]") {
  const Parsed p = parse({"frobnicate"});
  CHECK(usage_error(p));
  CHECK(p.err.find("unknown command 'frobnicate'") != std::string::npos);
  const Parsed v = parse({"--version"});
  CHECK_FALSE(v.result.command.has_value());
  CHECK(v.result.exit_code == 0);
  CHECK(v.out.rfind("vestsim 0.", 0) == 0);
  CHECK(v.out.find("(commit ") != std::string::npos);
}

TEST_CASE("breakeven scales the first grant unless told --scale all", "[cli]") {
  CHECK(command<BreakevenOptions>(parse({"breakeven"})).scale == models::Scale::kFirst);
  CHECK(command<BreakevenOptions>(parse({"breakeven", "--scale", "all"})).scale ==
        models::Scale::kAll);
  const Parsed p = parse({"breakeven", "--scale", "some"});
  CHECK(usage_error(p));
  CHECK(p.err.find("--scale") != std::string::npos);
}
