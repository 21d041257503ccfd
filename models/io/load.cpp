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
#include "models/io/utf8.hpp"
#include "models/io/yaml_file.hpp"

namespace vestsim::models {

namespace {

std::string stem_of(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

// `text` as a terminal may show it (docs/cli.md): its control characters as \xNN, but for new
// lines and tabs when `layout`. A message quotes what a file holds ("got '...'"), and a
// terminal must not run an escape sequence it holds (ESC ] 0 ; sets the window's title, CSI 2 J
// clears the screen). C1 controls (U+0080..U+009F, C2 80..C2 9F in UTF-8) as \u00NN: some
// terminals run CSI as U+009B. U+FEFF as \ufeff: it shows as nothing, and a byte-order mark past
// the file's start would make "currency: unknown key" unreadable. A text that is not UTF-8
// (a Latin-1 file name, "caf\xe9.yaml") shows every byte above 0x7f as \xNN.
std::string printable(const std::string& text, bool layout) {
  std::size_t bad_at = 0;
  const bool utf8 = io::valid_utf8(text, bad_at);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((c < 0x20 && !(layout && (c == '\n' || c == '\t'))) || c == 0x7f || (!utf8 && c > 0x7f)) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      out += fmt::format("\\u{:04x}", next);
      ++i;
    } else if (std::string_view(text).substr(i, 3) == "\xef\xbb\xbf") {
      out += "\\ufeff";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string shown_file_name(const std::string& file, bool always) {
  auto space = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::string shown = printable(file, false);
  if (!always && !file.empty() && !space(file.front()) && !space(file.back()) && shown == file)
    return file;
  return "'" + shown + "'";
}

std::string Diagnostic::to_string() const {
  const std::string name = shown_file_name(file);
  const std::string where = line > 0 ? fmt::format("{}:{}", name, line) : name;
  if (path.empty()) return fmt::format("{}: {}", where, printable(message, true));
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", printable(path, true),
                     printable(message, true));
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
