// What every command shares: its two kinds of failure, loading scenarios with
// the command line's overrides, naming offers, and writing files.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/studies/breakeven.hpp"
#include "models/studies/precision.hpp"
#include "models/studies/run.hpp"
#include "tools/cli/options.hpp"
#include "tools/cli/output.hpp"

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
// A --threads above the core count is lowered to it, saying so on stderr.
std::vector<models::Override> overrides_of(const SimulationFlags& f);

// Loads a scenario file ("" = the built-in default); prints every problem to
// stderr and throws UsageError if there is any. A thread count above the
// machine's cores is lowered to it, said once on stderr. The file with its --set overrides is
// checked first without the shorthand flags (--paths, --seed, --threads, --sampler), so that a
// value one of them replaces is still validated, unless `flags_checked` (an earlier load of the
// same file and flags did it: a sweep's grid points).
models::Scenario load_or_throw(const std::string& file,
                               const std::vector<models::Override>& overrides,
                               bool flags_checked = false);

// Scenario files named on the command line; a folder stands for its *.yaml,
// *.yml and *.json files, sorted. An entry of a folder that cannot be
// followed (a symlink loop) is said on stderr and counted in `problems`;
// it is never followed. Throws UsageError for a folder without any scenario.
struct Inputs {
  std::vector<std::string> files;
  int problems = 0;
};
Inputs expand_inputs(const std::vector<std::string>& inputs);

// The report name of a scenario file: its stem ("" = the built-in scenario's).
std::string stem_of(const std::string& file);

// The index of offer `id` in `s`; throws UsageError naming `flag` and the offers.
int offer_index(const models::Scenario& s, const std::string& id, const char* flag);

// "A:B" (or the scenario's first comparison when empty); throws UsageError.
models::Comparison resolve_comparison(const models::Scenario& s, const std::string& text);

// The one format of a single-report command (text if none); throws
// UsageError if several were given.
Format single_format(const SimulationFlags& f);

// Bytes per path of one run's columns (cash and equity per offer, tax per
// offer when any offer has a regime, outcomes, the timeline when asked) and
// the sorted copy its summary makes. Totals and differences are derived, not
// stored (models/simulate.hpp).
double column_bytes(const models::CompiledScenario& cs, bool timeline);

// The memory this process may still take: MemAvailable of /proc/meminfo
// (0 when unknown).
double available_memory();

// Throws RunError ("not enough memory: N paths need about X GB; Y GB
// available. Use fewer --paths.") when `paths` paths at `bytes_per_path`
// would take more than 80% of the available memory. Every command calls it
// before it allocates its columns.
void check_memory(std::uint64_t paths, double bytes_per_path);

// Runs the run study of `s` (compiled as `cs`) with a progress bar unless
// `quiet`; out of memory is a RunError. The caller has checked the memory.
models::RunStudy simulate_compiled(const models::Scenario& s, const models::CompiledScenario& cs,
                                   models::StudyOptions options, bool quiet);

// Compiles `s`, refuses it if its columns would not fit (RunError), and runs
// the run study as simulate_compiled does.
models::RunStudy simulate_scenario(const models::Scenario& s, models::StudyOptions options,
                                   bool quiet);

// Half the machine's RAM (MemTotal of /proc/meminfo; 0 when unknown): the
// default --memory-budget.
double default_memory_budget();

// Runs the run study of `s` in memory when its columns fit in `budget` bytes
// (0: no limit), else in two passes (models::run_study_two_pass), saying so
// on stderr. `in_memory_only`, when not empty, names what needs the paths in
// memory (HTML charts, --paths-out): then a run above the budget is a
// UsageError instead. Other failures as simulate_scenario.
models::RunStudy run_within_budget(const models::Scenario& s, models::StudyOptions options,
                                   bool quiet, double budget, const std::string& in_memory_only);

// Where a --precision run stops when --max-paths is not given.
inline constexpr std::uint64_t kDefaultMaxPaths = 10000000;

// Where a run's precision targets come from, for messages: "--precision" when `flag` (its
// value) is given, else "simulation.precision".
std::string precision_source(const std::string& flag);

// The precision targets of one run or break-even of `s`: those of `flag`
// (--precision) if given, else of simulation.precision; none if neither.
// `*max_paths` is --max-paths (0: not given); it becomes kDefaultMaxPaths when
// not given, and, given without any target, it is said on stderr (unless
// `quiet`) rather than silently ignored. Throws UsageError naming the source
// of a target that does not parse.
std::vector<models::PrecisionTarget> precision_targets(const models::Scenario& s,
                                                       const std::string& flag,
                                                       std::uint64_t* max_paths, bool quiet);

// Runs `s` as run_within_budget does, first at min(s.paths, max_paths) paths,
// then at more (models::next_paths: whole blocks in path order) until every
// target holds or max_paths is reached; the summary is the last run's, with
// the targets and the half-widths reached. Throws UsageError for a p50 target
// when 50 is not among the scenario's percentiles. `source`: where the targets
// came from (precision_source()), for messages. Collective on an MPI job.
models::RunStudy run_to_precision(models::Scenario s,
                                  const std::vector<models::PrecisionTarget>& targets,
                                  const std::string& source, std::uint64_t max_paths,
                                  models::StudyOptions options, bool quiet, double budget,
                                  const std::string& in_memory_only);

// The break-even study of `req` on one run of `s` at s.paths (and, when
// needs_first_grant_run, one of its first grant alone), with a progress bar
// unless `quiet`. Refuses (RunError) columns that would not fit. Collective:
// the study is on rank 0, empty elsewhere. Throws what study_breakeven throws.
models::BreakevenStudy breakeven_once(const models::Scenario& s,
                                      const models::BreakevenRequest& req, bool quiet);

// breakeven_once at min(s.paths, max_paths) paths, then, for the metrics
// whose req.targets do not all hold at their solution, again at more paths
// (models::next_paths from the worst of them: whole blocks in path order)
// until they hold or max_paths; a metric without a solution stops at once.
// Each result is that of the run it stopped at (BreakevenResult::paths), with
// precision_met set; the study's paths are the largest run's. `source`: where
// the targets came from (precision_source()), for messages. Requires
// non-empty req.targets. Collective.
models::BreakevenStudy breakeven_to_precision(models::Scenario s, models::BreakevenRequest req,
                                              const std::string& source, std::uint64_t max_paths,
                                              bool quiet);

// The one format of a command that writes only `supported`: the format
// given (the first of `supported` if none). Throws UsageError naming the
// supported formats for any other, or for several.
Format supported_format(const SimulationFlags& f, const std::vector<Format>& supported,
                        const char* command);

// A file a command will write, and the option that names it (`flag` `value`: "--out"
// "report/"); `role` says what the file is when its name alone does not ("the batch summary";
// empty when it does).
struct OutputTarget {
  std::filesystem::path file;
  std::string flag, value, role;
};

// Refuses (UsageError, naming the option, the file and what would do instead) a command with a
// file it could not write, where that can be told before it runs (output_problem(): a file that
// is a folder, a folder of its path that is a file or a symlink loop, a folder that does not
// exist and that the option does not make: only --out makes its folders; docs/cli.md), so that a
// long run is not lost and no run leaves part of its files. Rank 0 writes the files, so rank 0
// looks, and every rank of an MPI job stops or goes on with it: collective. Call it after the
// inputs are read.
void check_output_targets(const std::vector<OutputTarget>& targets);

// The same for --out of a command writing one report (breakeven, sweep, sensitivity), which
// also refuses (UsageError) an --out that is one of the inputs read so far (protect_input()).
void check_out_target(const SimulationFlags& f);

// Writes `content` whole to --out (see OutputFile), or to stdout without one.
void emit(const SimulationFlags& f, const std::string& content);

}  // namespace vestsim::tools
