// What every command shares: its two kinds of failure, loading scenarios with
// the command line's overrides, naming offers, and writing files.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/studies/run.hpp"
#include "tools/cli/options.hpp"

namespace vestsim::tools {

// A usage or scenario problem: exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A run-time failure (memory, output): exit 1.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// --set values, then --paths, --seed and --threads as overrides, in that order.
std::vector<models::Override> overrides_of(const SimulationFlags& f);

// Loads a scenario file ("" = the built-in default); prints every problem to
// stderr and throws UsageError if there is any.
models::Scenario load_or_throw(const std::string& file,
                               const std::vector<models::Override>& overrides);

// Scenario files named on the command line; a folder stands for its *.yaml,
// *.yml and *.json files, sorted. Throws UsageError for a folder without any.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// The report name of a scenario file: its stem ("" = the built-in scenario's).
std::string stem_of(const std::string& file);

// The index of offer `id` in `s`; throws UsageError naming `flag` and the offers.
int offer_index(const models::Scenario& s, const std::string& id, const char* flag);

// "A:B" (or the scenario's first comparison when empty); throws UsageError.
models::Comparison resolve_comparison(const models::Scenario& s, const std::string& text);

// The one format of a single-report command (text if none); throws
// UsageError if several were given.
Format single_format(const SimulationFlags& f);

// Throws RunError when the per-path columns of `paths` paths would not fit
// in memory.
void check_memory(const models::CompiledScenario& cs, std::uint64_t paths, bool timeline);

// Compiles `s`, refuses it if its columns would not fit (RunError), and runs
// the run study with a progress bar unless `quiet`; out of memory is a RunError.
models::RunStudy simulate_scenario(const models::Scenario& s, models::StudyOptions options,
                                   bool quiet);

// Writes `content` to `path`, creating its folder; throws RunError on failure.
void write_file(const std::filesystem::path& path, const std::string& content);

// Writes `content` to --out, or to stdout without one.
void emit(const SimulationFlags& f, const std::string& content);

}  // namespace vestsim::tools
