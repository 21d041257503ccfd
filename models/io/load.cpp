// Files, the built-in default, and the two passes of a load: --set
// overrides into the YAML tree, then the schema (models/io/schema_*.cpp).
#include "models/io/load.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/io/overrides.hpp"
#include "models/io/schema.hpp"

namespace vestsim::models {

namespace {

bool valid_utf8_text(std::string_view s, std::size_t& bad_at) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return bad_at = i, false;
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return bad_at = i, false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return bad_at = i, false;
    i += len;
  }
  return true;
}

std::string stem_of(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

LoadResult failure(const std::string& file, int line, std::string msg) {
  LoadResult r;
  r.errors.push_back({file, line, "", std::move(msg)});
  return r;
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string where = line > 0 ? fmt::format("{}:{}", file, line) : file;
  if (path.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", path, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides) {
  std::size_t bad_at = 0;
  if (!valid_utf8_text(text, bad_at))
    return failure(
        file, 0,
        fmt::format("not a UTF-8 text file (byte {} is binary); a scenario is YAML", bad_at));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return failure(file, e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
  }
  if (!root || root.IsNull())
    return failure(file, 0, "the scenario is empty; see docs/scenario-format.md");
  if (!root.IsMap())
    return failure(file, 1, "a scenario is a YAML map with currency, companies and offers");

  io::Reader reader(file);
  for (const Override& o : overrides) {
    const std::string err = io::apply_override(root, o);
    if (!err.empty()) reader.errors().push_back({file, 0, o.path, err});
    reader.mark_overridden(o.path);
  }
  LoadResult result;
  try {
    io::Node top(reader, root, "");
    Scenario s = io::read_scenario(top, stem_of(file));
    if (reader.errors().empty()) result.scenario = std::move(s);
  } catch (const std::exception& e) {
    reader.errors().push_back(
        {file, 0, "", std::string("could not read the scenario: ") + e.what()});
  }
  result.errors = std::move(reader.errors());
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return failure(path, 0, "is a folder; give a scenario file (.yaml)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure(path, 0, "cannot open the file (does it exist?)");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (text.size() > (16u << 20))
    return failure(path, 0, "is larger than 16 MiB; a scenario is a small YAML file");
  return load_scenario_text(text, path, overrides);
}

std::vector<std::string> accepted_keys() {
  std::set<std::string> keys;
  io::Reader walk = io::Reader::walker(&keys);
  io::Node top(walk, YAML::Node(), "");
  (void)io::read_scenario(top, "");
  return {keys.begin(), keys.end()};
}

}  // namespace vestsim::models
