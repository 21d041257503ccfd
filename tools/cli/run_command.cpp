// `vestsim run` (one scenario or a batch) and `vestsim validate`.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "tools/cli/commands.hpp"
#include "tools/cli/paths_out.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/batch.hpp"
#include "tools/report/run.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

namespace {

// Every file loaded before anything runs; each invalid one is reported.
// Returns nothing if any is invalid.
std::optional<std::vector<Scenario>> load_all(const std::vector<std::string>& files,
                                              const std::vector<Override>& overrides) {
  std::vector<Scenario> scenarios;
  bool invalid = false;
  for (const std::string& f : files) {
    try {
      scenarios.push_back(load_or_throw(f, overrides));
    } catch (const UsageError& e) {
      std::cerr << e.what() << "\n";
      invalid = true;
    }
  }
  if (invalid) return std::nullopt;
  return scenarios;
}

// Where each report of a run goes: stdout, one file, or a folder of STEM.EXT.
struct Destination {
  std::string out;
  bool folder = false, batch = false;

  void write(const std::string& stem, Format format, const std::string& content) const {
    if (out.empty())
      std::cout << content << (batch ? "\n" : "");
    else if (folder)
      write_file(fs::path(out) / (stem + "." + extension(format)), content);
    else
      write_file(out, content);
  }

  void write_summary(Format format, const std::string& table) const {
    if (!out.empty()) return write_file(fs::path(out) / batch_file_name(format), table);
    if (format == Format::kText) std::cout << "Batch summary\n";
    std::cout << table;
  }
};

// The formats asked for, each once (text if none). Several need --out.
std::vector<Format> distinct_formats(const SimulationFlags& f) {
  std::vector<Format> formats = f.formats.empty() ? std::vector<Format>{Format::kText} : f.formats;
  std::sort(formats.begin(), formats.end());
  formats.erase(std::unique(formats.begin(), formats.end()), formats.end());
  return formats;
}

}  // namespace

int run_command(const RunOptions& o) {
  const SimulationFlags& f = o.sim;
  const std::vector<std::string> files =
      o.scenarios.empty() ? std::vector<std::string>{""} : expand_inputs(o.scenarios);
  const std::vector<Format> formats = distinct_formats(f);
  const bool batch = files.size() > 1;
  if (!o.paths_out.empty() && batch) throw UsageError("--paths-out takes a single scenario");
  if (f.out.empty() && formats.size() > 1)
    throw UsageError("several --format values need --out FOLDER");
  const Destination to{f.out,
                       !f.out.empty() && (batch || formats.size() > 1 || f.out.back() == '/' ||
                                          fs::is_directory(f.out)),
                       batch};
  const std::optional<std::vector<Scenario>> scenarios = load_all(files, overrides_of(f));
  if (!scenarios) return 2;

  const bool html = std::find(formats.begin(), formats.end(), Format::kHtml) != formats.end();
  std::vector<BatchRow> rows;
  std::vector<std::string> stems;
  for (std::size_t k = 0; k < scenarios->size(); ++k) {
    const RunStudy run = simulate_scenario((*scenarios)[k], {.timeline = html}, f.quiet);
    stems.push_back(stem_of(files[k]));
    for (Format format : formats) to.write(stems.back(), format, render_run(run, format));
    if (!o.paths_out.empty()) write_paths((*scenarios)[k], run.result, o.paths_out);
    const std::vector<BatchRow> r = batch_rows(run.summary);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (batch)
    for (Format format : formats) to.write_summary(format, batch_table(rows, stems, format));
  if (!f.out.empty() && !f.quiet) std::cerr << "reports written to " << f.out << "\n";
  return 0;
}

int validate_command(const ValidateOptions& o) {
  int bad = 0;
  for (const std::string& f : expand_inputs(o.scenarios)) {
    const LoadResult r = load_scenario_file(f, o.sets);
    if (r.ok()) {
      std::cout << f << ": ok\n";
    } else {
      for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
      std::cerr << fmt::format("{}: {} problem{}\n", f, r.errors.size(),
                               r.errors.size() == 1 ? "" : "s");
      ++bad;
    }
  }
  return bad ? 2 : 0;
}

}  // namespace vestsim::tools
