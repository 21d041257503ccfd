// Strict scenario loading (docs/scenario-format.md): every problem in a file is
// found and reported with its file, line, key path and what would be valid;
// a scenario with any problem is never returned.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario.hpp"

namespace vestsim::models {

struct Diagnostic {
  std::string file;
  int line = 0;      // 1-based; 0 when the value came from --set or has no place
  std::string path;  // key path, e.g. offers.hf.grants[0].vesting
  std::string message;

  // "file:line: path: message" (or "file: --set path: message").
  std::string to_string() const;
};

// A --set PATH=VALUE override, applied to the YAML tree before validation.
struct Override {
  std::string path, value;
};

// Parses "PATH=VALUE"; returns an error message, empty on success.
std::string parse_override(std::string_view text, Override& out);

struct LoadResult {
  std::optional<Scenario> scenario;
  std::vector<Diagnostic> errors;
  bool ok() const { return scenario.has_value(); }
};

// The largest scenario file (docs/scenario-format.md#limits).
inline constexpr std::size_t kMaxScenarioBytes = std::size_t{4} << 20;

// `file` names the source in messages; `name` defaults to the file's stem.
// Never throws for bad input: every problem is in the result's errors.
LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides = {});
// Refuses, without reading or blocking, a path that is not a regular file
// or is larger than kMaxScenarioBytes; then load_scenario_text.
LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides = {});

// The built-in default scenario (scenarios/hf-paris-vs-google-l5.yaml,
// embedded at build time so `vestsim run` works from any directory).
std::string_view default_scenario_text();
inline constexpr const char* kDefaultScenarioFile = "<built-in hf-paris-vs-google-l5.yaml>";

// Every key name the loader accepts anywhere, and every value a choice key
// takes (kind, type, trigger, dist), sorted: found by walking the schema's
// readers (models/io/schema.hpp), so it cannot drift from what loads. The
// docs test checks each is documented in docs/scenario-format.md.
std::vector<std::string> accepted_keys();

}  // namespace vestsim::models
