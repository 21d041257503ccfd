// The steps every strict YAML load shares (scenarios and tax regimes): read a
// small text file, parse it as a YAML map, and collect the reader's
// diagnostics in order. Internal to models/io.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/io/load.hpp"
#include "models/io/reader.hpp"

namespace vestsim::models::io {

// What a file holds, for messages: "a scenario is YAML", "see docs/...".
struct FileKind {
  const char* noun;      // "scenario"
  const char* doc;       // where its format is described
  const char* map_keys;  // the keys its root map has, for "a scenario is a YAML map with ..."
};
inline constexpr FileKind kScenarioKind{"scenario", "docs/scenario-format.md",
                                        "currency, companies and offers"};
inline constexpr FileKind kRegimeKind{"regime", "docs/tax.md#t1a-the-regime-file",
                                      "name, currency, income_taxes and levies"};

// Reads the file at `path` into `text`, refusing without reading or blocking
// anything that is not a regular file of at most kMaxScenarioBytes.
// Requires: nothing. Throws: nothing (beyond std::bad_alloc). Returns what is
// wrong with the file ("is a folder; give a scenario file (.yaml)", "cannot
// open the file (does it exist?)", "cannot open the file: a part of its path
// is not a folder (X is a file)", "is too large (N bytes; at most 4 MiB)",
// "not a regular file (a device)"), without the path; empty on success.
std::string read_small_file(const std::string& path, const FileKind& kind, std::string& text);

// Parses `text` (named `file` in messages) as a YAML map. Requires: nothing.
// Throws: nothing. Returns the root map, or nullopt with the one reason it is
// not one (not UTF-8, a YAML syntax error, empty, not a map) in `failure`.
std::optional<YAML::Node> parse_yaml_map(std::string_view text, const std::string& file,
                                         const FileKind& kind, Diagnostic& failure);

// Checks each --set override against `root` (a map) and hands it to `reader`,
// which reads the override in place of the file's value (the tree is never
// changed, so an alias stays a copy); a bad path is reported in `reader`.
void apply_overrides(const YAML::Node& root, const std::vector<Override>& overrides,
                     Reader& reader);

// Sorts `errors` by line, those of `file` first, then each other file's
// (a scenario reports the problems of the regime files it names, each once).
void sort_diagnostics(std::vector<Diagnostic>& errors, const std::string& file);

// Loads `text` (named `file` in messages): parses it as a YAML map, writes the
// --set `overrides` into it, then runs `read(top)` (a schema reader) over it.
// Returns read's value when no problem was found; an exception from the reader
// becomes a diagnostic. Requires: nothing. Throws: nothing (beyond
// std::bad_alloc). Guarantees: `errors` holds every problem, sorted by
// sort_diagnostics().
template <class T, class Fn>
std::optional<T> load_document(std::string_view text, const std::string& file, const FileKind& kind,
                               const std::vector<Override>& overrides, Fn&& read,
                               std::vector<Diagnostic>& errors) {
  Diagnostic bad;
  const std::optional<YAML::Node> root = parse_yaml_map(text, file, kind, bad);
  if (!root) {
    errors.push_back(std::move(bad));
    return std::nullopt;
  }
  Reader reader(file);
  apply_overrides(*root, overrides, reader);
  std::optional<T> out;
  try {
    Node top(reader, *root, "");
    T value = read(top);
    reader.report_unread();
    if (reader.errors().empty()) out = std::move(value);
  } catch (const std::exception& e) {
    reader.errors().push_back(
        {file, 0, "", std::string("could not read the ") + kind.noun + ": " + e.what()});
  }
  errors = std::move(reader.errors());
  sort_diagnostics(errors, file);
  return out;
}

}  // namespace vestsim::models::io
