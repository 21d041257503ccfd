// The `vestsim` command line (docs/cli.md), parsed into one typed option
// struct per command. Parsing is separate from running so that it can be
// tested: parse_command_line never simulates, loads or writes anything.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/io/load.hpp"
#include "models/studies/basis.hpp"
#include "models/studies/breakeven.hpp"
#include "models/studies/sweep.hpp"
#include "models/tax/regime.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// Options shared by the simulating commands. Counts are whole numbers,
// accepted plainly or in e notation ("1e6").
struct SimulationFlags {
  std::vector<models::Override> sets;  // --set PATH=VALUE, in order
  std::optional<std::uint64_t> paths;  // --paths, >= 1
  std::optional<std::uint64_t> seed;   // --seed
  std::optional<int> threads;          // --threads, 0 = all cores
  std::string sampler;                 // --sampler philox|sobol ("" = the scenario's)
  std::vector<Format> formats;         // --format, as given (may repeat)
  std::string out;                     // --out: a file or a folder
  bool quiet = false;                  // --quiet: no progress bar
};

struct RunOptions {
  std::vector<std::string> scenarios;   // files or folders; empty = the built-in scenario
  std::string paths_out;                // --paths-out: per-path columns (.csv or .npy)
  std::optional<double> memory_budget;  // --memory-budget, bytes (default: half the RAM)
  std::string precision;        // --precision NAME=HALF_WIDTH,... (else simulation.precision)
  std::uint64_t max_paths = 0;  // --max-paths (0: not given): where a --precision run stops anyway
  SimulationFlags sim;
};

struct ValidateOptions {
  std::vector<std::string> scenarios;  // at least one
  std::vector<models::Override> sets;
};

struct BreakevenOptions {
  std::string scenario;                 // "" = the built-in scenario
  std::string offer, against;           // both or neither ("" = the first comparison)
  std::vector<models::Metric> metrics;  // empty = p50, mean, ce, win
  models::Solve solve = models::Solve::kEquity;
  models::Scale scale = models::Scale::kFirst;  // --scale: equity solves only
  std::optional<double> risk_aversion, wealth;  // override the scenario's report values
  std::optional<models::Basis> basis;           // --basis; default: models::default_basis
  // --precision NAME=HALF_WIDTH,... (else simulation.precision): each metric's solve runs
  // until its targets hold at its solution, or --max-paths.
  std::string precision;
  std::uint64_t max_paths = 0;  // --max-paths (0: not given)
  SimulationFlags sim;
};

struct SweepOptions {
  std::string scenario;
  // One or two, each with 1..400 values. A path "scale:OFFER" multiplies the
  // offer's first grant value, "scale-all:OFFER" all its grant values.
  std::vector<models::SweepAxis> axes;
  std::string compare;                 // "A:B", or "" for the scenario's first comparison
  std::optional<models::Basis> basis;  // --basis; default: models::default_basis
  SimulationFlags sim;
};

struct SensitivityOptions {
  std::string scenario;
  std::string compare;                 // "A:B", or "" for the scenario's first comparison
  std::optional<models::Basis> basis;  // --basis; default: models::default_basis
  SimulationFlags sim;
};

struct BenchOptions {
  std::string scenario;  // "" = the built-in scenario
  std::uint64_t paths = 1000000;
  std::optional<int> threads;
  Format format = Format::kText;  // text or json
};

// `vestsim taxes [NAME|FILE --income X]` (docs/cli.md#taxes).
struct TaxesOptions {
  std::string regime;            // "" = list the shipped regimes
  std::optional<double> income;  // --income, finite and >= 0; required with a regime
  models::TaxCategory category = models::TaxCategory::kWages;
  bool category_given = false;    // --category was given (it needs a regime, as --income)
  Format format = Format::kText;  // text or json
};

using Command = std::variant<RunOptions, ValidateOptions, BreakevenOptions, SweepOptions,
                             SensitivityOptions, BenchOptions, TaxesOptions>;

struct ParsedCommand {
  std::optional<Command> command;  // empty: stop with exit_code
  int exit_code = 0;               // 0 after --help, 2 after bad usage
};

// Parses argv (argv[0] is the program). Help goes to `out`; usage errors,
// with what was wrong, to `err`. Never throws for bad input.
ParsedCommand parse_command_line(int argc, const char* const* argv, std::ostream& out,
                                 std::ostream& err);

// "PATH=FROM:TO:STEP" with FROM <= TO and STEP > 0, at most 400 values;
// nullopt, with `error` set, otherwise.
std::optional<models::SweepAxis> parse_vary(const std::string& text, std::string& error);

// The largest count accepted: 2^53, the largest whole number a JSON reader
// (which reads numbers as doubles) keeps exactly.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 53;

// A whole number in [lo, kMaxCount] written plainly (read exactly) or in e
// notation; nullopt otherwise.
std::optional<std::uint64_t> parse_count(const std::string& text, double lo);

// A size in bytes: a number (e notation too) with an optional unit B, KB, MB,
// GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), the B
// optional ("100MB", "1.5G", "512k"). nullopt for anything else or a size < 1 byte.
std::optional<double> parse_bytes(const std::string& text);

}  // namespace vestsim::tools
