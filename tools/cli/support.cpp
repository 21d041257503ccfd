#include "tools/cli/support.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "engine/columns.hpp"
#include "engine/mpi.hpp"
#include "engine/sobol.hpp"
#include "tools/cli/progress.hpp"
#include "tools/report/common.hpp"

namespace vestsim::tools {

namespace {

// "1 path needs", "2 paths need": the start of the memory messages.
std::string paths_need(unsigned long long paths) {
  return fmt::format("{} {} {}", paths, paths_noun(paths), paths == 1 ? "needs" : "need");
}

}  // namespace

namespace fs = std::filesystem;
using namespace vestsim::models;

std::vector<Override> overrides_of(const SimulationFlags& f) {
  std::vector<Override> out = f.sets;
  if (f.paths) out.push_back({"simulation.paths", std::to_string(*f.paths), "--paths"});
  if (f.seed) out.push_back({"simulation.seed", std::to_string(*f.seed), "--seed"});
  if (!f.sampler.empty()) out.push_back({"simulation.sampler", f.sampler, "--sampler"});
  if (f.threads) {
    const int cores = static_cast<int>(std::thread::hardware_concurrency());
    int threads = *f.threads;
    if (cores > 0 && threads > cores) {
      std::cerr << fmt::format(
          "vestsim: --threads {}: this machine has {} core{}; using {} threads\n", threads, cores,
          cores == 1 ? "" : "s", cores);
      threads = cores;
    }
    out.push_back({"simulation.threads", std::to_string(threads), "--threads"});
  }
  return out;
}

namespace {

// A problem with a value the user gave as a flag names the flag, not the
// scenario key the flag sets ("--paths (simulation.paths): ...", not "--set ..."); one given
// with --set keeps its --set name. The last override of a key is the one that holds.
std::string described(const Diagnostic& d, const std::vector<Override>& overrides) {
  if (d.line == 0)
    for (auto o = overrides.rbegin(); o != overrides.rend(); ++o)
      if (o->path == d.path) {
        if (o->flag.empty()) break;
        return fmt::format("{}: {} ({}): {}", shown_file_name(d.file), o->flag, d.path, d.message);
      }
  return d.to_string();
}

}  // namespace

// Loads a scenario file ("" = the built-in default); prints every problem and
// throws UsageError if there is any.
Scenario load_or_throw(const std::string& file, const std::vector<Override>& overrides,
                       bool flags_checked) {
  const auto load = [&file](const std::vector<Override>& with) {
    return file.empty() ? load_scenario_text(default_scenario_text(), kDefaultScenarioFile, with)
                        : load_scenario_file(file, with);
  };
  // A shorthand flag (--paths, --seed, --threads, --sampler) wins over the file's value and the
  // --set of its key, but a file or a --set that `vestsim validate` refuses is refused here too:
  // first without those flags, so that a value a flag replaces is still checked.
  const auto shorthand = [](const Override& o) {
    return !o.flag.empty() && o.path.rfind("simulation.", 0) == 0;
  };
  std::vector<Override> sets;
  std::copy_if(overrides.begin(), overrides.end(), std::back_inserter(sets),
               [&](const Override& o) { return !shorthand(o); });
  const bool two = !flags_checked && sets.size() != overrides.size();
  LoadResult r = load(two ? sets : overrides);
  const bool alone = two && !r.ok();  // the file and its --set, before the flags
  if (two && r.ok()) r = load(overrides);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) {
      std::cerr << described(d, alone ? sets : overrides);
      // Said for a key a flag sets: the value it replaces is the one refused.
      if (alone)
        for (const Override& o : overrides)
          if (shorthand(o) && d.path == o.path) {
            std::cerr << fmt::format(
                " (checked before {} replaces it: the file and --set must "
                "be valid on their own)",
                o.flag);
            break;
          }
      std::cerr << "\n";
    }
    throw UsageError(fmt::format("{}: {} problem{}; nothing was run",
                                 file.empty() ? kDefaultScenarioFile : shown_file_name(file),
                                 r.errors.size(), r.errors.size() == 1 ? "" : "s"));
  }
  Scenario s = *r.scenario;
  if (!file.empty()) protect_input(file);
  for (const Offer& o : s.offers)
    if (o.tax && is_regime_path(o.tax->source)) protect_input(o.tax->file);  // not a shipped one
  // More threads than cores only adds overhead (and a warning from TBB): the
  // cores are used instead, which never changes a result.
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  static bool said = false;
  if (cores > 0 && s.threads > cores) {
    if (!said)
      std::cerr << fmt::format(
          "vestsim: simulation.threads {}: this machine has {} core{}; using {} threads\n",
          s.threads, cores, cores == 1 ? "" : "s", cores);
    said = true;
    s.threads = cores;
  }
  return s;
}

// A folder's scenario files, sorted; an entry that cannot be followed is
// said (in name order, as the files run) and counted, never followed.
std::vector<std::string> scan_folder(const fs::path& folder, int& problems) {
  std::vector<std::string> found, said;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string ext = p.extension().string();
    const bool scenario = ext == ".yaml" || ext == ".yml" || ext == ".json";
    std::error_code status_ec;
    const fs::file_status st = fs::status(p, status_ec);
    if (status_ec == std::errc::too_many_symbolic_link_levels) {
      said.push_back(p.string() + ": a symlink loop; not followed");
    } else if (scenario && st.type() == fs::file_type::not_found && fs::is_symlink(p, status_ec)) {
      said.push_back(p.string() + ": a broken symlink (its target does not exist); skipped");
    } else if (scenario && (status_ec || !fs::is_regular_file(st))) {
      said.push_back(p.string() + ": not a regular file; skipped");
    } else if (scenario) {
      found.push_back(p.string());
    }
  }
  if (ec)
    throw UsageError(fmt::format("{}: cannot read this folder: {}", folder.string(), ec.message()));
  std::sort(said.begin(), said.end());
  for (const std::string& line : said) std::cerr << line << "\n";
  problems += static_cast<int>(said.size());
  std::sort(found.begin(), found.end());
  return found;
}

Inputs expand_inputs(const std::vector<std::string>& inputs) {
  Inputs out;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!fs::is_directory(in, ec)) {
      out.files.push_back(in);
      continue;
    }
    const int before = out.problems;
    const std::vector<std::string> found = scan_folder(in, out.problems);
    if (found.empty() && out.problems == before)
      throw UsageError(in + ": no scenario files (.yaml, .yml, .json) in this folder");
    out.files.insert(out.files.end(), found.begin(), found.end());
  }
  return out;
}

std::string stem_of(const std::string& file) {
  return file.empty() ? "hf-paris-vs-google-l5" : fs::path(file).stem().string();
}

int offer_index(const Scenario& s, const std::string& id, const char* flag) {
  for (std::size_t i = 0; i < s.offers.size(); ++i)
    if (s.offers[i].id == id) return static_cast<int>(i);
  std::string ids;
  for (const auto& o : s.offers) ids += (ids.empty() ? "" : ", ") + o.id;
  throw UsageError(
      fmt::format("{} '{}': no such offer; offers in this scenario: {}", flag, id, ids));
}

// "A:B" (or the scenario's first comparison when empty).
Comparison resolve_comparison(const Scenario& s, const std::string& text) {
  if (text.empty()) {
    if (s.compare.empty()) throw UsageError("the scenario compares nothing; give --compare A:B");
    return s.compare.front();
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) throw UsageError("--compare: expected A:B, e.g. hf_ask:google");
  const int a = offer_index(s, text.substr(0, colon), "--compare");
  const int b = offer_index(s, text.substr(colon + 1), "--compare");
  if (a == b) throw UsageError("--compare: A and B are the same offer");
  return {a, b};
}

Format single_format(const SimulationFlags& f) {
  if (f.formats.size() > 1) throw UsageError("this command writes one --format at a time");
  return f.formats.empty() ? Format::kText : f.formats.front();
}

Format supported_format(const SimulationFlags& f, const std::vector<Format>& supported,
                        const char* command) {
  const Format format = f.formats.empty() ? supported.front() : single_format(f);
  if (std::find(supported.begin(), supported.end(), format) != supported.end()) return format;
  std::string names;
  for (Format s : supported) names += (names.empty() ? "" : ", ") + std::string(format_name(s));
  throw UsageError(fmt::format("{} does not write --format {}; it writes {}", command,
                               format_name(format), names));
}

double column_bytes(const CompiledScenario& cs, bool timeline) {
  return 8.0 * (cs.has_tax ? 3 : 2) * cs.offers.size() + cs.companies.size() +
         (timeline ? 4.0 * cs.offers.size() * cs.timeline_years : 0.0) + 16.0;
}

namespace {

// What needs a run's paths in memory: `in_memory_only` (HTML charts, --paths-out), else a sobol
// run's replicate errors, computed from the stored columns (models/summary.hpp); "" when nothing.
std::string needs_paths_in_memory(const Scenario& s, const std::string& in_memory_only) {
  if (!in_memory_only.empty() || s.sampler != DrawSource::kSobol) return in_memory_only;
  return "sobol sampling's replicate errors";
}

}  // namespace

double available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024.0;
  const long pages = sysconf(_SC_AVPHYS_PAGES);
  return pages > 0 ? static_cast<double>(pages) * sysconf(_SC_PAGE_SIZE) : 0.0;
}

void check_memory(std::uint64_t paths, double bytes_per_path) {
  engine::release_freed_memory();  // counted as available from here on
  const double need = bytes_per_path * static_cast<double>(paths);
  const double have = available_memory();
  if (have > 0 && need > 0.8 * have)
    throw RunError(fmt::format("not enough memory: {} about {}; {} available. Use fewer --paths.",
                               paths_need(paths), bytes_text(need), bytes_text(have)));
}

RunStudy simulate_compiled(const Scenario& s, const CompiledScenario& cs, StudyOptions options,
                           bool quiet) {
  Progress progress(s.paths, quiet);
  options.progress = progress.counter();
  try {
    return run_study(s, cs, options);
  } catch (const std::bad_alloc&) {
    throw RunError("out of memory while simulating; use fewer --paths");
  }
}

RunStudy simulate_scenario(const Scenario& s, StudyOptions options, bool quiet) {
  const CompiledScenario cs = compile(s, s.seed);
  check_memory(s.paths, column_bytes(cs, options.timeline) +
                            (options.salary_column ? 8.0 * cs.offers.size() : 0.0));
  return simulate_compiled(s, cs, options, quiet);
}

double default_memory_budget() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kb = 0;
  while (in >> key >> kb >> unit)
    if (key == "MemTotal:") return kb * 1024.0 / 2;
  return 0;
}

RunStudy run_within_budget(const Scenario& s, StudyOptions options, bool quiet, double budget,
                           const std::string& in_memory_only) {
  if (s.sampler == DrawSource::kSobol && s.paths < engine::kReplicates)
    throw UsageError(fmt::format(
        "sobol sampling needs at least {} paths, one per replicate, for its errors; got {}",
        engine::kReplicates, s.paths));
  const CompiledScenario cs = compile(s, s.seed);
  const double need = column_bytes(cs, options.timeline) * static_cast<double>(s.paths);
  if (budget <= 0 || need <= budget) return simulate_scenario(s, options, quiet);
  const std::string only = needs_paths_in_memory(s, in_memory_only);
  if (!only.empty())
    throw UsageError(
        fmt::format("{} need the paths in memory: {} about {}, above the memory budget of "
                    "{}; raise --memory-budget or use fewer --paths",
                    only, paths_need(s.paths), bytes_text(need), bytes_text(budget)));
  std::cerr << fmt::format(
      "vestsim: {} about {} in memory, above the budget of {} "
      "(--memory-budget): running in two passes (about twice the time, the same report)\n",
      paths_need(s.paths), bytes_text(need), bytes_text(budget));
  Progress progress(2 * s.paths, quiet);
  options.progress = progress.counter();
  try {
    return run_study_two_pass(s, cs, options);
  } catch (const std::bad_alloc&) {
    throw RunError("out of memory while simulating in two passes");
  }
}

std::string precision_source(const std::string& flag) {
  return flag.empty() ? "simulation.precision" : "--precision";
}

std::vector<PrecisionTarget> precision_targets(const Scenario& s, const std::string& flag,
                                               std::uint64_t* max_paths, bool quiet) {
  const std::string& text = flag.empty() ? s.precision : flag;
  if (text.empty()) {
    if (*max_paths != 0 && !quiet && engine::mpi::root())
      std::cerr << fmt::format(
          "vestsim: scenario '{}': --max-paths has no effect without --precision or "
          "simulation.precision; "
          "running --paths ({})\n",
          s.name, s.paths);
    *max_paths = kDefaultMaxPaths;
    return {};
  }
  if (*max_paths == 0) *max_paths = kDefaultMaxPaths;
  if (s.sampler == DrawSource::kSobol && *max_paths < engine::kReplicates)
    throw UsageError(fmt::format(
        "--max-paths {}: sobol sampling needs at least {} paths, one per replicate, for its errors",
        *max_paths, engine::kReplicates));
  if (*max_paths < s.paths && !quiet && engine::mpi::root())
    std::cerr << fmt::format(
        "vestsim: scenario '{}': --max-paths {} is below the run's {} paths: it starts, and stops, "
        "at {} paths\n",
        s.name, *max_paths, s.paths, *max_paths);
  std::string error;
  const auto targets = parse_precision(text, error);
  if (!targets) throw UsageError(precision_source(flag) + " " + error);
  return *targets;
}

RunStudy run_to_precision(Scenario s, const std::vector<PrecisionTarget>& targets,
                          const std::string& source, std::uint64_t max_paths, StudyOptions options,
                          bool quiet, double budget, const std::string& in_memory_only) {
  if (const PrecisionTarget* t = p50_without_p50(targets, s.percentiles))
    throw UsageError(fmt::format("{} {}: needs 50 among report.percentiles", source, t->name));
  s.paths = std::min(s.paths, max_paths);
  // What needs the paths in memory caps the growth at the most paths the budget holds, said once,
  // rather than refusing a step after the runs before it (docs/cli.md). A first run that does not
  // fit is refused by run_within_budget ("use fewer --paths").
  const std::string only = needs_paths_in_memory(s, in_memory_only);
  bool capped_by_budget = false;
  if (!only.empty() && budget > 0) {
    const double per_path = column_bytes(compile(s, s.seed), options.timeline);
    const auto fit = static_cast<std::uint64_t>(std::floor(budget / per_path));
    if (fit >= s.paths && fit < max_paths) {
      if (!quiet && engine::mpi::root())
        std::cerr << fmt::format(
            "vestsim: {} need the paths in memory: the {} targets stop at {} paths at most, "
            "all that fit in the memory budget of {} (raise --memory-budget for more)\n",
            only, source, fit, bytes_text(budget));
      max_paths = fit;
      capped_by_budget = true;
    }
  }
  for (;;) {
    RunStudy run = run_within_budget(s, options, quiet, budget, in_memory_only);
    std::vector<double> reached;
    bool met = true;
    for (const PrecisionTarget& t : targets) {
      reached.push_back(engine::mpi::root() ? precision_half_width(run.summary, t.name) : 0.0);
      met = met && reached.back() <= t.half_width;
    }
    // Rank 0 decides for the job: the other ranks hold no summary.
    std::uint64_t next =
        met || s.paths >= max_paths ? 0 : next_paths(s.paths, targets, reached, max_paths);
    next = engine::mpi::broadcast_number(next);
    if (next == 0) {
      for (std::size_t i = 0; i < targets.size(); ++i)
        run.summary.precision.push_back({targets[i].name, targets[i].half_width, reached[i]});
      run.summary.precision_met = met;
      if (!met && capped_by_budget) {
        run.summary.precision_cap = RunSummary::PathCap::kMemoryBudget;
        run.summary.memory_budget = budget;
      }
      return run;
    }
    if (!quiet)
      std::cerr << fmt::format("vestsim: {} {} not reach the {} targets; running {}\n", s.paths,
                               s.paths == 1 ? "path does" : "paths do", source, next);
    s.paths = next;
  }
}

void check_output_targets(const std::vector<OutputTarget>& outputs) {
  const auto problem_of = [](const OutputTarget& out) -> std::optional<OutputProblem> {
    if (auto problem = output_problem(out.file, /*create_folder=*/out.flag == "--out"))
      return problem;
    if (out.flag == "--paths-out" && out.value.back() == '/')  // a folder's name
      return OutputProblem{OutputProblem::Kind::kFolder, out.file};
    return std::nullopt;
  };
  std::size_t first = 0;  // 1 + the index of the first output with a problem; 0: none
  if (engine::mpi::root())
    while (first < outputs.size() && !problem_of(outputs[first])) ++first;
  first =
      engine::mpi::broadcast_number(engine::mpi::root() && first < outputs.size() ? first + 1 : 0);
  if (first == 0) return;
  const OutputTarget& out = outputs[first - 1];
  const auto problem = problem_of(out);
  if (!problem)  // a rank that sees the file otherwise: rank 0 has said what it sees
    throw UsageError(
        fmt::format("{} {}: MPI rank 0 cannot write {}", out.flag, out.value, out.file.string()));
  const bool whole = out.file == fs::path(out.value);  // the option's own file, not one in it
  using Kind = OutputProblem::Kind;
  if (out.flag == "--paths-out" && whole && problem->kind == Kind::kFolder)
    throw UsageError(fmt::format(
        "--paths-out {}: a folder; give a file name in it (paths.csv, or paths.npy)", out.value));
  // An existing folder (".", "~/Documents") where a file goes: never advise removing it.
  if (whole && problem->kind == Kind::kFolder)
    throw UsageError(
        fmt::format("{} {}: a folder; give a file name (in it, or elsewhere); "
                    "nothing was run",
                    out.flag, out.value));
  if (problem->kind == Kind::kNoFolder)
    throw UsageError(fmt::format("{} {}: {}; create it first; nothing was run", out.flag, out.value,
                                 problem->text()));
  // "--out rep/: it would write rep/index.html (the batch summary), but rep/index.html is a
  // folder"; the option's own file is not said twice.
  const std::string said =
      whole ? problem->text()
            : fmt::format("it would write {}{}, but {}", shown_file_name(out.file.string()),
                          out.role.empty() ? "" : fmt::format(" ({})", out.role), problem->text());
  // What would be valid instead.
  const std::string instead =
      problem->kind == Kind::kNotAFolder ? fmt::format("give {} another path", out.flag)
      : problem->kind == Kind::kDangling
          ? fmt::format("create the folder it names, or give {} another path", out.flag)
          : fmt::format("remove {} or give {} another {}",
                        problem->kind == Kind::kLoop ? "the loop" : "that folder", out.flag,
                        out.flag == "--out" && !whole ? "folder" : "name");
  throw UsageError(
      fmt::format("{} {}: {}; {}; nothing was run", out.flag, out.value, said, instead));
}

void check_out_target(const SimulationFlags& f) {
  if (f.out.empty()) return;
  if (const auto why = over_an_input(f.out)) throw UsageError("--out " + *why);
  // One file: "rep/" names a folder, which the write would make and then refuse, after the run.
  if (f.out.back() == '/')
    throw UsageError(fmt::format(
        "--out {}: names a folder; this command writes one file: give a file name (in it, or "
        "elsewhere); nothing was run",
        f.out));
  check_output_targets({{f.out, "--out", f.out, ""}});
}

void emit(const SimulationFlags& f, const std::string& content) {
  if (!engine::mpi::root()) return;  // rank 0 writes for an MPI job
  if (!f.out.empty()) return write_file(f.out, content);
  std::cout << content;
  check_stdout();
}

}  // namespace vestsim::tools
