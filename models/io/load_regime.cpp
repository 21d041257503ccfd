// Loading tax regime files (docs/tax.md#t1a-the-regime-file): from text, a file
// or the copies built into the program; and `vestsim validate`'s choice
// between a scenario and a regime.
#include <cassert>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/io/load.hpp"
#include "models/io/schema.hpp"
#include "models/io/yaml_file.hpp"
#include "models/studies/precision.hpp"

namespace vestsim::models {

namespace {

LoadRegimeResult regime_failure(Diagnostic d) {
  LoadRegimeResult r;
  r.errors.push_back(std::move(d));
  return r;
}

bool looks_like_regime(const YAML::Node& root) {
  if (!root.IsMap() || root["offers"] || root["companies"]) return false;
  for (auto it = root.begin(); it != root.end(); ++it)
    if (it->first.IsScalar() && io::regime_only_key(it->first.Scalar())) return true;
  return false;
}

}  // namespace

LoadRegimeResult load_regime_text(std::string_view text, const std::string& file,
                                  const std::vector<Override>& overrides) {
  LoadRegimeResult result;
  result.regime = io::load_document<TaxRegime>(
      text, file, io::kRegimeKind, overrides, [](io::Node& top) { return io::read_regime(top); },
      result.errors);
  // The reader checks every rule at its line; regime_errors() is the same rules on the
  // data, so that a regime this returns always compiles. Anything it finds is a reader bug.
  if (result.regime) {
    for (const std::string& e : regime_errors(*result.regime))
      result.errors.push_back({file, 0, "", "(internal: not caught by the reader) " + e});
    if (!result.errors.empty()) result.regime.reset();
  }
  return result;
}

LoadRegimeResult load_regime_file(const std::string& path, const std::vector<Override>& overrides) {
  std::string text;
  const std::string problem = io::read_small_file(path, io::kRegimeKind, text);
  if (!problem.empty()) return regime_failure({path, 0, "", problem});
  return load_regime_text(text, path, overrides);
}

bool is_regime_path(std::string_view ref) {
  const auto ends = [&](std::string_view x) {
    return ref.size() >= x.size() && ref.substr(ref.size() - x.size()) == x;
  };
  return ref.find('/') != std::string_view::npos || ends(".yaml") || ends(".yml");
}

std::string unknown_regime_message(std::string_view ref) {
  const std::vector<std::string_view> names = shipped_regime_names();
  const std::string_view near = io::nearest_key(ref, names);
  return fmt::format(
      "unknown regime {}; {}shipped regimes: {} (or a path to a regime file ending in .yaml)",
      shown_file_name(std::string(ref), true),
      near.empty() ? "" : fmt::format("did you mean '{}'? ", near), io::join(names));
}

std::string shipped_regime_file(std::string_view name) {
  return fmt::format("<built-in taxes/{}.yaml>", name);
}

LoadRegimeResult load_shipped_regime(std::string_view name) {
  const std::optional<std::string_view> text = shipped_regime_text(name);
  assert(text && "load_shipped_regime: not a shipped regime");
  if (!text) return regime_failure({shipped_regime_file(name), 0, "", "no such shipped regime"});
  return load_regime_text(*text, shipped_regime_file(name));
}

std::vector<std::string> accepted_regime_keys() {
  std::set<std::string> keys;
  io::Reader walk = io::Reader::walker(&keys);
  io::Node top(walk, YAML::Node(), "");
  (void)io::read_regime(top);
  return {keys.begin(), keys.end()};
}

ValidateResult validate_file(const std::string& path, const std::vector<Override>& overrides) {
  ValidateResult out;
  std::string text;
  if (const std::string problem = io::read_small_file(path, io::kScenarioKind, text);
      !problem.empty()) {
    out.errors.push_back({path, 0, "", problem});
    return out;
  }
  Diagnostic not_yaml;  // the scenario loader reports it
  const auto root = io::parse_yaml_map(text, path, io::kScenarioKind, not_yaml);
  if (root && looks_like_regime(*root)) {
    out.type = FileType::kRegime;
    out.errors = load_regime_text(text, path, overrides).errors;
  } else {
    const LoadResult r = load_scenario_text(text, path, overrides);
    out.errors = r.errors;
    // What `run` alone would refuse of a valid file, unless --precision replaces its target.
    if (r.ok())
      if (const std::string p = p50_problem(r.scenario->precision, r.scenario->percentiles);
          !p.empty())
        out.errors.push_back({path, r.scenario->precision_line, "simulation.precision", p});
  }
  return out;
}

}  // namespace vestsim::models
