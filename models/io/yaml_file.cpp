#include "models/io/yaml_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "engine/mpi.hpp"

#include "models/io/overrides.hpp"
#include "models/io/utf8.hpp"
#include "models/io/yaml_guard.hpp"

namespace vestsim::models::io {

namespace {

// The file's text: UTF-8 (valid_utf8()) without a NUL, which no text file holds.
bool valid_utf8_text(std::string_view s, std::size_t& bad_at) {
  if (const std::size_t nul = s.find('\0'); nul != std::string_view::npos) {
    if (!valid_utf8(s.substr(0, nul), bad_at)) return false;
    return bad_at = nul, false;
  }
  return valid_utf8(s, bad_at);
}

}  // namespace

namespace {

std::string too_large(std::uintmax_t bytes, const FileKind& kind) {
  return fmt::format("is too large ({} bytes; at most {} MiB); a {} is a small YAML file", bytes,
                     kMaxScenarioBytes >> 20, kind.noun);
}

// Why `st` is not a file to read; empty for a regular file of at most the cap.
std::string not_readable(const struct stat& st, const FileKind& kind) {
  if (S_ISDIR(st.st_mode)) return fmt::format("is a folder; give a {} file (.yaml)", kind.noun);
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISFIFO(st.st_mode)                         ? "a named pipe"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                       : S_ISSOCK(st.st_mode)                       ? "a socket"
                                                                    : "not a file";
    return fmt::format("not a regular file ({}); a {} is a YAML file", what, kind.noun);
  }
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxScenarioBytes)
    return too_large(static_cast<std::uintmax_t>(st.st_size), kind);
  return {};
}

// Why `path` fails with ENOTDIR: the first of the folders it goes through that is not one.
std::string not_a_folder_in(const std::string& path) {
  std::string prefix;
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    prefix = path.substr(0, slash);
    struct stat st {};
    if (::stat(prefix.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
      return fmt::format("a part of its path is not a folder ({} is {})", shown_file_name(prefix),
                         S_ISREG(st.st_mode) ? "a file" : "not a folder");
  }
  return "a part of its path is not a folder";
}

}  // namespace

std::string read_small_file(const std::string& path, const FileKind& kind, std::string& text) {
  // Look before opening (a FIFO would block in open), open without blocking,
  // look again (the path may have been replaced), then read at most one byte
  // past the cap: /dev/zero or a file that grows costs 4 MiB, never all memory.
  // First its name: reports are UTF-8 and carry it (a scenario's default `name`, a batch's
  // report files and their index), so a Latin-1 "caf\xe9.yaml" would fail them after the run;
  // refused here, `validate` and `run` say the same (docs/scenario-format.md#limits).
  if (std::size_t bad_at = 0; !valid_utf8(std::filesystem::path(path).filename().string(), bad_at))
    return "the file's name is not UTF-8 text; rename the file (its reports carry the name)";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOTDIR) return "cannot open the file: " + not_a_folder_in(path);
    if (err == ELOOP)
      return "cannot open the file: a symlink loop in its path (it never reaches a file)";
    if (err != ENOENT) return fmt::format("cannot open the file ({})", std::strerror(err));
    // A missing "a.b=1" is most often a second value after one --set, which takes one each time.
    return path.find('=') != std::string::npos
               ? "cannot open the file (does it exist? an override needs its own --set)"
               : "cannot open the file (does it exist?)";
  }
  if (std::string why = not_readable(st, kind); !why.empty()) return why;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fmt::format("cannot open the file ({})", std::strerror(errno));
  std::string why;
  if (::fstat(fd, &st) != 0 || !(why = not_readable(st, kind)).empty()) {
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
  if (why.empty() && got > kMaxScenarioBytes) why = too_large(got, kind);  // it grew
  if (why.empty()) engine::mpi::note_input(path, text);  // every rank must read the same
  return why;
}

std::optional<YAML::Node> parse_yaml_map(std::string_view text, const std::string& file,
                                         const FileKind& kind, Diagnostic& failure) {
  failure = {file, 0, "", ""};
  if (text.size() > kMaxScenarioBytes) {
    failure.message = too_large(text.size(), kind);
    return std::nullopt;
  }
  std::size_t bad_at = 0;
  if (!valid_utf8_text(text, bad_at)) {
    // Bytes count from 1, as in Node::text()'s messages; the line is the bad byte's.
    failure.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + bad_at, '\n'));
    failure.message =
        text[bad_at] == '\0'
            ? fmt::format("not a UTF-8 text file (byte {} is binary); a {} is YAML", bad_at + 1,
                          kind.noun)
            : fmt::format(
                  "not a UTF-8 text file (the sequence at byte {}, \\x{:02x}, is not UTF-8); "
                  "a {} is UTF-8 YAML",
                  bad_at + 1, static_cast<unsigned char>(text[bad_at]), kind.noun);
    return std::nullopt;
  }
  const std::string yaml(text);
  if (const auto problem = check_yaml(yaml)) {  // documents, tags, depth, size: before yaml-cpp
    failure.line = problem->line;
    failure.message = problem->message;
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    failure.line = e.mark.is_null() ? 0 : e.mark.line + 1;
    failure.message = "YAML syntax error: " + e.msg;
    return std::nullopt;
  }
  if (!root || root.IsNull()) {
    failure.message = fmt::format("the {} is empty; see {}", kind.noun, kind.doc);
    return std::nullopt;
  }
  if (!root.IsMap()) {
    failure.line = 1;
    failure.message = fmt::format("a {} is a YAML map with {}", kind.noun, kind.map_keys);
    return std::nullopt;
  }
  return root;
}

void apply_overrides(const YAML::Node& root, const std::vector<Override>& overrides,
                     Reader& reader) {
  for (const Override& o : overrides) {
    std::string path;
    const std::string err = check_override(root, o, path);
    if (err.empty())
      reader.add_override(path, o.value);
    else
      reader.errors().push_back({reader.file(), 0, o.path, err});
  }
}

void sort_diagnostics(std::vector<Diagnostic>& errors, const std::string& file) {
  // A regime file named by several offers is read once per offer: list its problems once.
  std::set<std::string> seen;
  std::erase_if(errors, [&](const Diagnostic& d) {
    return d.file != file && !seen.insert(d.file + '\n' + d.to_string()).second;
  });
  std::stable_sort(errors.begin(), errors.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::make_tuple(a.file != file, std::string_view(a.file), a.line) <
           std::make_tuple(b.file != file, std::string_view(b.file), b.line);
  });
}

}  // namespace vestsim::models::io
