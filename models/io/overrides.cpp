#include "models/io/overrides.hpp"

#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace vestsim::models {

std::string parse_override(std::string_view text, Override& out) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fmt::format("--set '{}': expected PATH=VALUE, e.g. offers.hf.base=140000", text);
  // A value is a plain scalar, taken as written: '' would be two quote characters, not an
  // empty text, so there is no empty text to point to; ~ (YAML's null) is "no value".
  if (eq + 1 == text.size())
    return fmt::format(
        "--set '{}': the value after '=' is empty; give one (e.g. offers.hf.base=140000), or "
        "~ for no value (a value is a plain scalar as written: --set cannot give an empty text, "
        "and '' would be two quote characters)",
        text);
  out.path = std::string(text.substr(0, eq));
  out.value = std::string(text.substr(eq + 1));
  return {};
}

}  // namespace vestsim::models

namespace vestsim::models::io {

namespace {

// One step of a key path: a map key, or a list index.
struct Segment {
  std::string key;
  long index = -1;
};

// Splits "a.b[2].c" into keys and indices; nullopt when malformed. A dot is followed by a key:
// "a.", "a.[0]" and "a..b" are malformed.
std::optional<std::vector<Segment>> split_path(std::string_view path) {
  std::vector<Segment> out;
  std::size_t i = 0;
  auto after_dot = [&] {
    return i == path.size() || path[i] == '[' || path[i] == '.';  // no key after it: malformed
  };
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      long idx = 0;
      const auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, idx);
      if (ec != std::errc() || end != path.data() + close || idx < 0) return std::nullopt;
      out.push_back({"", idx});
      i = close + 1;
      if (i < path.size() && path[i] == '.' && (++i, after_dot())) return std::nullopt;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (end == i) return std::nullopt;
    out.push_back({std::string(path.substr(i, end - i)), -1});
    i = end;
    if (i < path.size() && path[i] == '.' && (++i, after_dot())) return std::nullopt;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::string check_override(const YAML::Node& root, const Override& o, std::string& canonical) {
  if (o.path.size() > kMaxOverrideText || o.value.size() > kMaxOverrideText)
    return fmt::format("is longer than {} characters", kMaxOverrideText);
  const auto segments = split_path(o.path);
  if (!segments) return "is not a key path (expected e.g. offers.hf.grants[0].value)";
  canonical.clear();
  YAML::Node cur = root;  // undefined once the path leaves the file
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const Segment& s = (*segments)[i];
    const bool last = i + 1 == segments->size();
    const std::string before = canonical;
    if (s.index >= 0) {
      canonical += fmt::format("[{}]", s.index);
      if (!cur.IsDefined())
        return fmt::format("{} is not in the file: --set never adds a list or a list item", before);
      if (!cur.IsSequence()) return fmt::format("[{}]: the value there is not a list", s.index);
      if (static_cast<std::size_t>(s.index) >= cur.size())
        return fmt::format("[{}]: index out of range (the list has {} {})", s.index, cur.size(),
                           cur.size() == 1 ? "entry" : "entries");
      const YAML::Node& list = cur;
      const YAML::Node next = list[static_cast<std::size_t>(s.index)];
      cur.reset(next);
    } else {
      canonical += (canonical.empty() ? "" : ".") + s.key;
      if (!cur.IsDefined()) continue;  // an absent optional key: the schema decides
      if (!cur.IsMap() && !cur.IsNull())
        return fmt::format("'{}': the value before it is not a map", s.key);
      const YAML::Node& map = cur;
      const YAML::Node next = map[s.key];
      if (last && next && next.IsSequence())
        return fmt::format("'{}' is a list; set one entry, e.g. {}[0]", s.key, o.path);
      cur.reset(next ? next : YAML::Node(YAML::NodeType::Undefined));
    }
  }
  return {};
}

}  // namespace vestsim::models::io
