// `vestsim run` (one scenario or a batch) and `vestsim validate`.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "engine/mpi.hpp"
#include "models/studies/effects.hpp"
#include "tools/cli/batch_ranks.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/paths_out.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/batch.hpp"
#include "tools/report/run.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

namespace {

// Every file loaded before anything runs; each invalid one is reported and
// left out (nullopt), the others still run.
std::vector<std::optional<Scenario>> load_all(const std::vector<std::string>& files,
                                              const std::vector<Override>& overrides) {
  std::vector<std::optional<Scenario>> scenarios;
  for (const std::string& f : files) {
    try {
      scenarios.emplace_back(load_or_throw(f, overrides));
    } catch (const UsageError& e) {
      std::cerr << e.what() << "\n";
      scenarios.emplace_back(std::nullopt);
    }
  }
  return scenarios;
}

// Where each report of a run goes: stdout, one file, or a folder of STEM.EXT.
struct Destination {
  std::string out;
  bool folder = false, batch = false;

  // The file of a report (empty: stdout).
  fs::path file(const std::string& stem, Format format) const {
    if (out.empty()) return {};
    return folder ? fs::path(out) / (stem + "." + extension(format)) : fs::path(out);
  }

  void write(const std::string& stem, Format format, const std::string& content) const {
    if (out.empty())
      std::cout << content << (batch ? "\n" : "");
    else
      write_file(file(stem, format), content);
  }

  void write_summary(Format format, const std::string& table) const {
    if (!out.empty()) return write_file(fs::path(out) / batch_file_name(format), table);
    if (format == Format::kText) std::cout << "Batch summary\n";
    std::cout << table;
  }
};

// Whether `path` is an existing folder; false when it cannot be told (a name too long, say: then
// writing it says why).
bool is_folder(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// One file a run will write (check_output_targets) and what writes it ("--out", "the report of
// X"), for check_outputs.
struct PlannedOutput : OutputTarget {
  std::string what;
};

// A file's name with its folders resolved, for comparing names.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? fs::absolute(p, ec).lexically_normal() : r;
}

// The device and inode of an existing file.
std::optional<std::pair<dev_t, ino_t>> inode_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  return std::pair{st.st_dev, st.st_ino};
}

// Refuses (UsageError) a run that would write one file twice, or over one of
// its input scenarios (the same inode, whatever the name).
void check_outputs(const std::vector<PlannedOutput>& outputs,
                   const std::vector<std::string>& inputs) {
  std::map<std::pair<dev_t, ino_t>, std::string> input_inodes;
  for (const std::string& in : inputs)
    if (const auto id = in.empty() ? std::nullopt : inode_of(in)) input_inodes.emplace(*id, in);
  std::map<fs::path, std::size_t> seen;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const PlannedOutput& out = outputs[i];
    if (const auto id = inode_of(out.file); id && input_inodes.count(*id))
      throw UsageError(fmt::format("{} would write over the input scenario {}; choose another name",
                                   out.what, input_inodes.at(*id)));
    const auto [it, fresh] = seen.emplace(resolved(out.file), i);
    if (!fresh)
      throw UsageError(fmt::format("{} and {} would both write the same file {}; nothing was run",
                                   outputs[it->second].what, out.what, out.file.string()));
  }
}

// Refuses (UsageError) an --out that must be a folder (a batch, or several formats) but names an
// existing file: said before the run, not when its first report is written.
void check_out_folder(const Destination& to, std::size_t formats) {
  std::error_code ec;
  if (!to.folder || !fs::exists(to.out, ec) || fs::is_directory(to.out, ec)) return;
  throw UsageError(fmt::format(
      "--out {}: {} write{} a folder of reports, and this is a file; "
      "give a folder's name",
      to.out, to.batch ? "a batch" : fmt::format("{} formats", formats), to.batch ? "s" : ""));
}

// Every file a run writes, for check_outputs.
std::vector<PlannedOutput> planned_outputs(const Destination& to,
                                           const std::vector<Format>& formats,
                                           const std::vector<std::string>& files,
                                           const std::string& paths_out) {
  std::vector<PlannedOutput> outputs;
  if (!to.out.empty())
    for (const std::string& file : files)
      for (Format format : formats)
        outputs.push_back({{to.file(stem_of(file), format), "--out", to.out,
                            to.batch ? "the report of " + file : ""},
                           to.batch ? "the report of " + file : std::string("--out")});
  if (!to.out.empty() && to.batch)
    for (Format format : formats)
      outputs.push_back(
          {{fs::path(to.out) / batch_file_name(format), "--out", to.out, "the batch summary"},
           "the batch summary"});
  if (!paths_out.empty()) {
    outputs.push_back({{paths_out, "--paths-out", paths_out, ""}, "--paths-out"});
    if (is_npy(paths_out))
      outputs.push_back({{paths_out + ".columns.txt", "--paths-out", paths_out, "the column names"},
                         "--paths-out"});
  }
  return outputs;
}

// The formats asked for, each once (text if none). Several need --out.
std::vector<Format> distinct_formats(const SimulationFlags& f) {
  std::vector<Format> formats = f.formats.empty() ? std::vector<Format>{Format::kText} : f.formats;
  std::sort(formats.begin(), formats.end());
  formats.erase(std::unique(formats.begin(), formats.end()), formats.end());
  return formats;
}

// One scenario's run: to its --precision (or simulation.precision) if any,
// within the memory budget. Throws UsageError for a bad simulation.precision.
RunStudy run_one(const Scenario& s, const RunOptions& o, bool html, double budget,
                 const std::string& in_memory_only) {
  std::uint64_t max_paths = o.max_paths;
  const auto targets = precision_targets(s, o.precision, &max_paths, o.sim.quiet);
  if (targets.empty())
    return run_within_budget(s, {.timeline = html}, o.sim.quiet, budget, in_memory_only);
  return run_to_precision(s, targets, precision_source(o.precision), max_paths, {.timeline = html},
                          o.sim.quiet, budget, in_memory_only);
}

}  // namespace

int run_command(const RunOptions& o) {
  const SimulationFlags& f = o.sim;
  const Inputs inputs = o.scenarios.empty() ? Inputs{{""}, 0} : expand_inputs(o.scenarios);
  const std::vector<std::string>& files = inputs.files;
  if (files.empty()) return 2;  // only entries that could not be read, each said
  const std::vector<Format> formats = distinct_formats(f);
  // A folder is a batch even of one file: it gets its summary (index.html).
  const bool batch =
      files.size() > 1 || std::any_of(o.scenarios.begin(), o.scenarios.end(), is_folder);
  if (!o.paths_out.empty() && batch) throw UsageError("--paths-out takes a single scenario");
  if (f.out.empty() && formats.size() > 1)
    throw UsageError("several --format values need --out FOLDER");
  // A batch's reports and summary to standard output one after the other are one readable stream
  // only as text or markdown: several JSON, CSV or HTML documents back to back are none.
  if (f.out.empty() && batch && formats.front() != Format::kText &&
      formats.front() != Format::kMarkdown)
    throw UsageError(fmt::format(
        "a batch writes a report per scenario and a summary: with --format {} they need --out "
        "FOLDER (to standard output they would be several {} documents back to back)",
        format_name(formats.front()), format_name(formats.front())));
  const Destination to{
      f.out,
      !f.out.empty() && (batch || formats.size() > 1 || f.out.back() == '/' || is_folder(f.out)),
      batch};
  const std::vector<PlannedOutput> outputs = planned_outputs(to, formats, files, o.paths_out);
  check_outputs(outputs, files);
  check_out_folder(to, formats.size());
  std::vector<std::optional<Scenario>> scenarios = load_all(files, overrides_of(f));
  // A file's own precision target that its run would refuse (p50 without p50) is that file's
  // problem alone, said at its line, and the batch's other files run. --precision replaces it.
  if (o.precision.empty())
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      if (!scenarios[k]) continue;
      const std::string p = p50_problem(scenarios[k]->precision, scenarios[k]->percentiles);
      if (p.empty()) continue;
      if (engine::mpi::root())
        std::cerr << Diagnostic{files[k], scenarios[k]->precision_line, "simulation.precision", p}
                         .to_string()
                  << "\n"
                  << fmt::format("{}: 1 problem; not run\n", shown_file_name(files[k]));
      scenarios[k].reset();
    }
  // After the loads: a collective, and every rank has read its inputs (engine/mpi.hpp compares
  // them there).
  if (!outputs.empty()) check_output_targets({outputs.begin(), outputs.end()});
  // The regime files the scenarios read are inputs too (protect_input(), by load_or_throw()):
  // refused before the run rather than when its report is written.
  for (const PlannedOutput& out : outputs)
    if (const auto input = protected_input(out.file))
      throw UsageError(fmt::format("{} would write over the input {}; choose another name",
                                   out.what, shown_file_name(*input)));
  const bool invalid = inputs.problems > 0 || std::find(scenarios.begin(), scenarios.end(),
                                                        std::nullopt) != scenarios.end();

  const bool html = std::find(formats.begin(), formats.end(), Format::kHtml) != formats.end();
  const double budget = o.memory_budget ? *o.memory_budget : default_memory_budget();
  const std::string in_memory_only = html                  ? "HTML charts"
                                     : o.paths_out.empty() ? ""
                                                           : "--paths-out files";
  // A file's reports, in the order of `formats`, and its rows of the batch summary.
  const auto reports_of = [&](const RunStudy& run, const Scenario& s) {
    FileOutcome out;
    for (Format format : formats) out.reports.push_back(render_run(run, format, &s));
    out.rows = batch_rows(run.summary);
    return out;
  };
  // On an MPI job a batch's files are shared out whole (batch_ranks.hpp); otherwise each
  // file's paths are shared among the ranks.
  const bool by_file = batch && engine::mpi::size() > 1;
  std::vector<std::optional<FileOutcome>> ran;
  if (by_file)
    ran = run_files_on_ranks(
        files, [&](std::size_t k) { return scenarios[k].has_value(); },
        [&](std::size_t k) {
          RunStudy run = run_one(*scenarios[k], o, html, budget, in_memory_only);
          models::add_market_effects(*scenarios[k], run.result, run.summary);
          return reports_of(run, *scenarios[k]);
        });
  std::vector<BatchRow> rows;
  std::vector<std::string> stems;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    if (!scenarios[k]) continue;
    FileOutcome out;
    std::optional<RunStudy> run;  // in this process, when not shared out by file
    if (by_file) {
      if (!engine::mpi::root()) break;  // rank 0 holds every file's reports and writes
      out = std::move(*ran[k]);
      replay(out);
    } else {
      run = run_one(*scenarios[k], o, html, budget, in_memory_only);
      if (!engine::mpi::root()) continue;  // rank 0 holds the summary and writes
      // What the correlations and tenders change: at most kEffectPaths more paths per effect.
      models::add_market_effects(*scenarios[k], run->result, run->summary);
      out = reports_of(*run, *scenarios[k]);
    }
    stems.push_back(stem_of(files[k]));
    for (std::size_t i = 0; i < formats.size(); ++i)
      to.write(stems.back(), formats[i], out.reports[i]);
    if (run && !o.paths_out.empty()) write_paths(*scenarios[k], run->result, o.paths_out);
    rows.insert(rows.end(), out.rows.begin(), out.rows.end());
  }
  if (batch && !stems.empty())
    for (Format format : formats) to.write_summary(format, batch_table(rows, stems, format));
  if (!f.out.empty() && !f.quiet && !stems.empty())
    std::cerr << "reports written to " << shown_file_name(f.out) << "\n";
  if (invalid)
    std::cerr << "vestsim: some inputs were invalid (above); "
              << (stems.empty() ? "nothing was run\n" : "the others were run\n");
  return invalid ? 2 : 0;
}

int validate_command(const ValidateOptions& o) {
  const Inputs inputs = expand_inputs(o.scenarios);
  int bad = inputs.problems;
  for (const std::string& f : inputs.files) {
    const ValidateResult r = validate_file(f, o.sets);  // a scenario or a tax regime
    if (r.ok()) {
      std::cout << shown_file_name(f)
                << (r.type == FileType::kRegime ? ": ok (tax regime)\n" : ": ok\n");
    } else {
      for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
      std::cerr << fmt::format("{}: {} problem{}\n", shown_file_name(f), r.errors.size(),
                               r.errors.size() == 1 ? "" : "s");
      ++bad;
    }
  }
  return bad ? 2 : 0;
}

}  // namespace vestsim::tools
