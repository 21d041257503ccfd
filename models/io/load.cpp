// Files, the built-in default, and the two passes of a load: --set
// overrides into the YAML tree, then the schema (models/io/schema_*.cpp).
#include "models/io/load.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/io/schema.hpp"
#include "models/io/yaml_file.hpp"

namespace vestsim::models {

namespace {

std::string stem_of(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string where = line > 0 ? fmt::format("{}:{}", file, line) : file;
  if (path.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", path, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides) {
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
