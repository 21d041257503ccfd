// Files, the built-in default, and the two passes of a load: --set
// overrides into the YAML tree, then the schema (models/io/schema_*.cpp).
#include "models/io/load.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "models/io/overrides.hpp"
#include "models/io/schema.hpp"
#include "models/io/yaml_guard.hpp"

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

std::string too_large(std::uintmax_t bytes) {
  return fmt::format("is too large ({} bytes; at most {} MiB); a scenario is a small YAML file",
                     bytes, kMaxScenarioBytes >> 20);
}

// Why `st` is no scenario file; empty for a regular file of at most the cap.
std::string not_a_scenario(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "is a folder; give a scenario file (.yaml)";
  if (!S_ISREG(st.st_mode)) {
    const char* kind = S_ISFIFO(st.st_mode)                         ? "a named pipe"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                    : "not a file";
    return fmt::format("not a regular file ({}); a scenario is a YAML file", kind);
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxScenarioBytes)
    return too_large(static_cast<std::uintmax_t>(st.st_size));
  return {};
}

// Reads at most kMaxScenarioBytes + 1 bytes of the regular file `path`
// into `text`, without blocking on, or reading, anything else. Returns
// what is wrong, empty on success.
std::string read_capped(const std::string& path, std::string& text) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "cannot open the file (does it exist?)";
  if (std::string why = not_a_scenario(st); !why.empty()) return why;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fmt::format("cannot open the file ({})", std::strerror(errno));
  std::string why;
  if (::fstat(fd, &st) != 0 || !(why = not_a_scenario(st)).empty()) {  // replaced since stat
    ::close(fd);
    return why.empty() ? "cannot read the file" : why;
  }
  text.assign(kMaxScenarioBytes + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) why = fmt::format("cannot read the file ({})", std::strerror(errno));
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  if (why.empty() && got > kMaxScenarioBytes) why = too_large(got);  // it grew
  return why;
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string where = line > 0 ? fmt::format("{}:{}", file, line) : file;
  if (path.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", path, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides) {
  if (text.size() > kMaxScenarioBytes) return failure(file, 0, too_large(text.size()));
  std::size_t bad_at = 0;
  if (!valid_utf8_text(text, bad_at))
    return failure(
        file, 0,
        fmt::format("not a UTF-8 text file (byte {} is binary); a scenario is YAML", bad_at));
  const std::string yaml(text);
  if (const auto problem = io::check_yaml(yaml))
    return failure(file, problem->line, problem->message);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return failure(file, e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
  }
  if (!root || root.IsNull())
    return failure(file, 0, "the scenario is empty; see docs/scenario-format.md");
  if (!root.IsMap())
    return failure(file, 1, "a scenario is a YAML map with currency, companies and offers");

  io::Reader reader(file);
  for (const Override& o : overrides) {
    std::string path;
    const std::string err = io::check_override(root, o, path);
    if (err.empty())
      reader.add_override(path, o.value);
    else
      reader.errors().push_back({file, 0, o.path, err});
  }
  LoadResult result;
  try {
    io::Node top(reader, root, "");
    Scenario s = io::read_scenario(top, stem_of(file));
    reader.report_unread();
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
  std::string text;
  if (std::string why = read_capped(path, text); !why.empty()) return failure(path, 0, why);
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
