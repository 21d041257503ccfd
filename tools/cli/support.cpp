#include "tools/cli/support.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "tools/cli/progress.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

std::vector<Override> overrides_of(const SimulationFlags& f) {
  std::vector<Override> out = f.sets;
  if (f.paths) out.push_back({"simulation.paths", std::to_string(*f.paths)});
  if (f.seed) out.push_back({"simulation.seed", std::to_string(*f.seed)});
  if (f.threads) out.push_back({"simulation.threads", std::to_string(*f.threads)});
  return out;
}

// Loads a scenario file ("" = the built-in default); prints every problem and
// throws UsageError if there is any.
Scenario load_or_throw(const std::string& file, const std::vector<Override>& overrides) {
  const LoadResult r =
      file.empty() ? load_scenario_text(default_scenario_text(), kDefaultScenarioFile, overrides)
                   : load_scenario_file(file, overrides);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
    throw UsageError(fmt::format("{}: {} problem{}; nothing was run",
                                 file.empty() ? kDefaultScenarioFile : file, r.errors.size(),
                                 r.errors.size() == 1 ? "" : "s"));
  }
  return *r.scenario;
}

// Scenario files named on the command line; a folder stands for its *.yaml files.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty())
        throw UsageError(in + ": no scenario files (.yaml, .yml, .json) in this folder");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
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

// Refuses runs whose columns would not fit in memory.
void check_memory(const CompiledScenario& cs, std::uint64_t paths, bool timeline) {
  const double per_path = 8.0 * (3 * cs.offers.size() + cs.compare.size()) + cs.companies.size() +
                          (timeline ? 4.0 * cs.offers.size() * cs.timeline_years : 0.0) + 16.0;
  const double need = per_path * static_cast<double>(paths);
  const double have = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  if (have > 0 && need > 0.8 * have)
    throw RunError(
        fmt::format("{} paths need about {:.1f} GB for the per-path columns; this machine has "
                    "{:.1f} GB. Use fewer --paths.",
                    paths, need / 1e9, have / 1e9));
}

RunStudy simulate_scenario(const Scenario& s, StudyOptions options, bool quiet) {
  const CompiledScenario cs = compile(s, s.seed);
  check_memory(cs, s.paths, options.timeline);
  Progress progress(s.paths, quiet);
  options.progress = progress.counter();
  try {
    return run_study(s, cs, options);
  } catch (const std::bad_alloc&) {
    throw RunError("out of memory while simulating; use fewer --paths");
  }
}

void write_file(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw RunError(fmt::format("cannot write {}", path.string()));
}

void emit(const SimulationFlags& f, const std::string& content) {
  if (f.out.empty())
    std::cout << content;
  else
    write_file(f.out, content);
}

}  // namespace vestsim::tools
