// Files, the built-in default, and the two passes of a load: --set
// overrides into the YAML tree, then the schema (models/io/schema_*.cpp).
#include "models/io/load.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/mpi.hpp"
#include "models/io/schema.hpp"
#include "models/io/yaml_file.hpp"

namespace vestsim::models {

namespace {

std::string stem_of(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

}  // namespace

std::string shown_file_name(const std::string& file, bool always) {
  auto space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  auto control = [](unsigned char c) { return c < 0x20 || c == 0x7f; };
  const bool plain = !always && !file.empty() && !space(file.front()) && !space(file.back()) &&
                     std::none_of(file.begin(), file.end(), control);
  if (plain) return file;
  std::string shown = "'";
  for (const char c : file)
    shown += control(static_cast<unsigned char>(c))
                 ? fmt::format("\\x{:02x}", static_cast<unsigned char>(c))
                 : std::string(1, c);
  return shown + "'";
}

std::string Diagnostic::to_string() const {
  const std::string name = shown_file_name(file);
  const std::string where = line > 0 ? fmt::format("{}:{}", name, line) : name;
  if (path.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", path, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides) {
  // The ranks of an MPI run must load the same scenario (docs/design.md#18-mpi-runs): the values
  // given on the command line count with the files read (engine::mpi::note_input), but for the
  // thread count, which changes no result and may suit each node.
  for (const Override& o : overrides)
    if (o.path != "simulation.threads") engine::mpi::note_input("option " + o.path, o.value);
  LoadResult result;
  result.scenario = io::load_document<Scenario>(
      text, file, io::kScenarioKind, overrides,
      [&](io::Node& top) { return io::read_scenario(top, stem_of(file)); }, result.errors);
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  std::string text;
  const std::string problem = io::read_small_file(path, io::kScenarioKind, text);
  if (problem.empty()) return load_scenario_text(text, path, overrides);
  LoadResult failure;
  failure.errors.push_back({path, 0, "", problem});
  return failure;
}

std::vector<std::string> accepted_keys() {
  std::set<std::string> keys;
  io::Reader walk = io::Reader::walker(&keys);
  io::Node top(walk, YAML::Node(), "");
  (void)io::read_scenario(top, "");
  return {keys.begin(), keys.end()};
}

}  // namespace vestsim::models
