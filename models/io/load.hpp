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
#include "models/tax/regime.hpp"

namespace vestsim::models {

// A file name or argument as messages show it: in single quotes, with control characters as
// \xNN, when `always` or when it is empty, starts or ends with white space, or holds a control
// character (" " would otherwise read as nothing in "  : cannot open the file"); else as it is.
// C1 controls show as \u00NN, U+FEFF as \ufeff, and in a name that is not UTF-8 each byte above
// 0x7f as \xNN.
std::string shown_file_name(const std::string& file, bool always = false);

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
  std::string flag =
      {};  // the command-line flag that gave it ("--paths"), for messages; "" for --set
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

// ---- Tax regime files (docs/tax.md#t1a-the-regime-file) ----

struct LoadRegimeResult {
  std::optional<TaxRegime> regime;
  std::vector<Diagnostic> errors;
  bool ok() const { return regime.has_value(); }
};

// Reads a regime file as strictly as a scenario: an unknown key (with a
// did-you-mean), a missing or out-of-range value, brackets that do not start
// at 0 or do not increase, and every other rule of docs/tax.md#t1a-the-regime-file
// is a Diagnostic with `file` and the line of the offending key.
// Requires: nothing. Throws: nothing (beyond std::bad_alloc).
// Guarantees: when ok(), regime_errors(*regime) is empty, so compile_regime()
// does not throw on it.
LoadRegimeResult load_regime_text(std::string_view text, const std::string& file,
                                  const std::vector<Override>& overrides = {});
// The same for the file at `path` (a folder, a missing or a too large file is
// one Diagnostic naming `path` at line 0).
LoadRegimeResult load_regime_file(const std::string& path,
                                  const std::vector<Override>& overrides = {});

// The names of the regimes built into the program (taxes/*.yaml, embedded at
// build time), sorted: fr-2026, none, us-nyc-2026.
std::vector<std::string_view> shipped_regime_names();
// The text of the shipped regime `name`; nullopt for an unknown name.
std::optional<std::string_view> shipped_regime_text(std::string_view name);
// How diagnostics name a shipped regime: "<built-in taxes/NAME.yaml>".
std::string shipped_regime_file(std::string_view name);
// Loads the shipped regime `name`. Requires: name is one of
// shipped_regime_names() (asserted). The tests check that each loads with no error.
LoadRegimeResult load_shipped_regime(std::string_view name);

// docs/tax.md#t1-where-a-regime-comes-from: a regime reference that contains '/' or ends
// in .yaml or .yml is a file path; anything else names a shipped regime.
// Requires: nothing. Throws: nothing.
bool is_regime_path(std::string_view ref);
// "unknown regime 'fr-2062'; did you mean 'fr-2026'? shipped regimes: fr-2026, none,
// us-nyc-2026 (or a path to a regime file ending in .yaml)". Requires: nothing.
std::string unknown_regime_message(std::string_view ref);

// Every key a regime file accepts, sorted (walking the regime's reader, as
// accepted_keys() does for scenarios); the docs test checks docs/tax.md.
std::vector<std::string> accepted_regime_keys();

// ---- vestsim validate ----

enum class FileType { kScenario, kRegime };

struct ValidateResult {
  FileType type = FileType::kScenario;
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

// Checks the file at `path` with the --set `overrides`, for `vestsim validate`,
// as a tax regime when its root map has neither `offers` nor `companies` and
// has a key only a regime takes (income_taxes, levies, long_term_months,
// qualified, sources, omissions, description, year), else as a scenario (whose
// messages then say what is missing). Requires: nothing. Throws: nothing
// (beyond std::bad_alloc). Guarantees: `errors` as load_scenario_file() or
// load_regime_file() gives them.
ValidateResult validate_file(const std::string& path, const std::vector<Override>& overrides = {});

}  // namespace vestsim::models
