#include "models/io/yaml_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "models/io/overrides.hpp"

namespace vestsim::models::io {

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

}  // namespace

std::string read_small_file(const std::string& path, const FileKind& kind, std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return fmt::format("is a folder; give a {} file (.yaml)", kind.noun);
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open the file (does it exist?)";
  // Read at most one byte past the limit: /dev/zero or a huge file costs 16 MiB, not all memory.
  constexpr std::size_t kLimit = 16u << 20;
  text.resize(kLimit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kLimit)
    return fmt::format("is larger than 16 MiB; a {} is a small YAML file", kind.noun);
  return {};
}

std::optional<YAML::Node> parse_yaml_map(std::string_view text, const std::string& file,
                                         const FileKind& kind, Diagnostic& failure) {
  failure = {file, 0, "", ""};
  std::size_t bad_at = 0;
  if (!valid_utf8_text(text, bad_at)) {
    failure.message =
        fmt::format("not a UTF-8 text file (byte {} is binary); a {} is YAML", bad_at, kind.noun);
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
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

void apply_overrides(YAML::Node root, const std::vector<Override>& overrides, Reader& reader) {
  for (const Override& o : overrides) {
    const std::string err = apply_override(root, o);
    if (!err.empty()) reader.errors().push_back({reader.file(), 0, o.path, err});
    reader.mark_overridden(o.path);
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
