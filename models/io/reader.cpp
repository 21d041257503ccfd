#include "models/io/reader.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdlib>
#include <regex>

#include <fmt/format.h>

#include "models/io/utf8.hpp"

namespace vestsim::models::io {

namespace {

std::string fmt_num(double x) {
  return fmt::format("{}", x);
}

int line_of(const YAML::Node& n) {
  return !n.IsDefined() || n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

bool Range::contains(double x) const {
  if (integer && x != std::floor(x)) return false;
  if (lo_open ? !(x > lo) : !(x >= lo)) return false;
  if (hi_open ? !(x < hi) : !(x <= hi)) return false;
  return true;
}

std::string Range::describe() const {
  const char* what = integer ? "a whole number" : "a number";
  const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  const std::string low = lo_name.empty() ? fmt_num(lo) : lo_name;
  if (has_lo && has_hi)
    return fmt::format("{} {} {} and {} {}", what, lo_open ? ">" : ">=", low,
                       hi_open ? "<" : "<=", fmt_num(hi));
  if (has_lo) return fmt::format("{} {} {}", what, lo_open ? ">" : ">=", low);
  if (has_hi) return fmt::format("{} {} {}", what, hi_open ? "<" : "<=", fmt_num(hi));
  return what;
}

std::string join(const Keys& keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

std::string_view nearest_key(std::string_view key, const Keys& allowed) {
  std::string_view best;
  std::size_t best_d = 1000;
  for (std::string_view k : allowed) {
    const std::size_t d = edit_distance(key, k);
    if (d < best_d) best_d = d, best = k;
  }
  for (std::string_view k : allowed)  // "horizon" for "horizon_years"
    if (key.size() >= 3 && k.size() > key.size() && k.substr(0, key.size()) == key && best_d > 2)
      best = k, best_d = 0;
  if (!best.empty() && best_d <= std::max<std::size_t>(2, key.size() / 3)) return best;
  return {};
}

Reader Reader::walker(std::set<std::string>* keys) {
  Reader r("");
  r.walking_ = true;
  r.keys_ = keys;
  return r;
}

namespace {

// The key or index right below `base` in `path`, empty when `path` is not below it.
std::string next_below(const std::string& base, const std::string& path) {
  std::size_t at = 0;
  if (!base.empty()) {
    if (path.size() <= base.size() || path.compare(0, base.size(), base) != 0) return {};
    at = base.size();
    if (path[at] == '.')
      ++at;
    else if (path[at] != '[')
      return {};
  }
  const std::size_t end = path[at] == '[' ? path.find(']', at) + 1 : path.find_first_of(".[", at);
  return path.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

void Reader::error(const YAML::Node& at, const std::string& path, std::string msg) {
  if (walking_) return;
  // A value set on the command line is reported as --set, not at the file's line.
  const bool from_set = overrides_.count(path) != 0;
  // A problem of a map found at its line whose values --set changed (outcomes that no longer sum
  // to at most 1) says so: the file alone has no such problem.
  std::string set_below;
  if (!from_set && !path.empty())
    for (auto it = overrides_.lower_bound(path); it != overrides_.end(); ++it) {
      if (it->first.compare(0, path.size(), path) != 0) break;
      if (next_below(path, it->first).empty()) continue;
      set_below +=
          fmt::format("{}{}={}", set_below.empty() ? "" : ", ", it->first, it->second.value);
    }
  if (!set_below.empty()) msg += fmt::format(" (with --set {})", set_below);
  errors_.push_back({file_, from_set ? 0 : line_of(at), path, std::move(msg)});
}

void Reader::add_override(const std::string& path, const std::string& value) {
  overrides_[path] = {value, false};
}

const std::string* Reader::override_at(const std::string& path) {
  const auto it = overrides_.find(path);
  if (it == overrides_.end()) return nullptr;
  it->second.read = true;
  return &it->second.value;
}

bool Reader::overrides_below(const std::string& path) const {
  for (auto it = overrides_.lower_bound(path); it != overrides_.end(); ++it) {
    if (it->first.compare(0, path.size(), path) != 0) break;
    if (!next_below(path, it->first).empty()) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> Reader::unread_below(
    const std::string& path) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [p, setting] : overrides_) {
    if (setting.read) continue;
    std::string next = next_below(path, p);
    if (!next.empty()) out.emplace_back(p, std::move(next));
  }
  return out;
}

void Reader::mark_read(const std::string& path) {
  if (const auto it = overrides_.find(path); it != overrides_.end()) it->second.read = true;
}

void Reader::report_unread() {
  if (!errors_.empty()) return;  // an earlier problem may have stopped the reading there
  for (auto& [path, setting] : overrides_)
    if (!setting.read) errors_.push_back({file_, 0, path, "the scenario takes no such key here"});
}

void Reader::note_key(std::string_view key) {
  if (keys_ && !key.empty()) keys_->insert(std::string(key));
}

Node::Node(Reader& reader, YAML::Node yaml, std::string path)
    : Node(reader, yaml, yaml, std::move(path)) {}

Node::Node(Reader& reader, YAML::Node yaml, YAML::Node at, std::string path)
    : reader_(&reader), yaml_(yaml), at_(at), path_(std::move(path)) {}

Node Node::resolved(YAML::Node yaml, YAML::Node at, std::string path) const {
  if (walking()) return Node(*reader_, yaml, at, std::move(path));
  if (const std::string* value = reader_->override_at(path)) {
    // A plain scalar, as the file's would be: null, ~ and nothing are YAML's null (core schema),
    // not the text "null". No mark: reported as --set.
    const bool null =
        value->empty() || *value == "~" || *value == "null" || *value == "Null" || *value == "NULL";
    const YAML::Node scalar = null ? YAML::Node(YAML::NodeType::Null) : YAML::Node(*value);
    return Node(*reader_, scalar, scalar, std::move(path));
  }
  if (!yaml.IsDefined() && reader_->overrides_below(path)) {
    const YAML::Node map(YAML::NodeType::Map);  // keys come from the overrides below
    return Node(*reader_, map, map, std::move(path));
  }
  return Node(*reader_, yaml, at, std::move(path));
}

void Node::report_new_entries() {
  std::vector<std::string> names;
  const YAML::Node& map = yaml_;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar()) names.push_back(it->first.Scalar());
  const Keys ids(names.begin(), names.end());
  for (const auto& [path, next] : reader_->unread_below(path_)) {
    if (std::find(ids.begin(), ids.end(), next) != ids.end()) continue;
    reader_->mark_read(path);
    const std::string best(nearest_key(next, ids));
    reader_->error(YAML::Node(), path,
                   fmt::format("{} has no entry '{}' (--set changes an entry, never adds one); {}",
                               path_, next,
                               ids.empty()    ? std::string("it has none")
                               : best.empty() ? "did you mean one of " + join(ids) + "?"
                                              : fmt::format("did you mean '{}'?", best)));
  }
}

bool Node::duplicate_entry(const YAML::Node& key, std::vector<std::string>& seen) {
  if (!key.IsScalar()) return false;  // not an id: reported by the entry's reader
  if (std::find(seen.begin(), seen.end(), key.Scalar()) == seen.end()) {
    seen.push_back(key.Scalar());
    return false;
  }
  reader_->error(key, sub_path(key.Scalar()), "duplicate key");
  return true;
}

std::string Node::sub_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::string Node::kind() const {
  if (!present() || yaml_.IsNull()) return "nothing";
  if (yaml_.IsMap()) return yaml_.size() == 0 ? "an empty map" : "a map";
  if (yaml_.IsSequence()) return yaml_.size() == 0 ? "an empty list" : "a list";
  return fmt::format("'{}'", yaml_.Scalar());
}

void Node::error(std::string msg) const {
  reader_->error(at_, path_, std::move(msg));
}

void Node::error_below(std::string_view below, std::string msg) const {
  reader_->error(at_, sub_path(below), std::move(msg));
}

void Node::error_at(const Node& where, std::string msg) const {
  reader_->error(where.at_, path_, std::move(msg));
}

void Node::declare(std::string_view key) {
  if (std::find(declared_.begin(), declared_.end(), key) == declared_.end())
    declared_.emplace_back(key);
  reader_->note_key(key);
}

Keys Node::declared_keys() const {
  return {declared_.begin(), declared_.end()};
}

Node Node::child(std::string_view key) {
  declare(key);
  if (!walking() && present() && yaml_.IsMap()) {
    const YAML::Node& map = yaml_;
    const YAML::Node found = map[std::string(key)];
    if (found && found.IsNull()) {
      // An empty value (`year:` then a new line) is marked where the next token starts, often
      // the next line: its problems are placed at its key instead.
      for (const auto& entry : map)
        if (entry.first.IsScalar() && entry.first.Scalar() == key)
          return resolved(found, entry.first, sub_path(key));
    }
    if (found) return resolved(found, found, sub_path(key));
  }
  return resolved(YAML::Node(YAML::NodeType::Undefined), at_, sub_path(key));
}

double Node::number(std::string_view key, std::optional<double> def, const Range& range) {
  const Node n = child(key);
  if (walking()) return def.value_or(std::numeric_limits<double>::quiet_NaN());
  if (!n.present()) {
    if (def) return *def;
    n.error(fmt::format("missing required key (expected {})", range.describe()));
    return std::numeric_limits<double>::quiet_NaN();
  }
  return n.value(range);
}

long long Node::integer(std::string_view key, std::optional<double> def, const Range& range) {
  const double x = number(key, def, range);
  return std::isfinite(x) ? static_cast<long long>(x) : 0;
}

namespace {

// Blank: nothing but ASCII white space and no-break spaces (U+00A0, C2 A0 in UTF-8).
bool blank(std::string_view rest) {
  while (!rest.empty()) {
    if (std::string_view(" \t\n\r\f\v").find(rest.front()) != std::string_view::npos)
      rest.remove_prefix(1);
    else if (rest.starts_with("\xc2\xa0"))
      rest.remove_prefix(2);
    else
      return false;
  }
  return true;
}

}  // namespace

std::string Node::heading(std::string_view key, const std::string& def) {
  std::string s = string(key, def);
  // The scalar as written: a text() refused (a control character) reads as "" and has been
  // reported for what it holds; it is not also blank.
  if (Node n = child(key); n.is_scalar() && blank(s) && blank(n.scalar())) {
    n.error(n.line() == 0 ? std::string("must not be blank: it heads the reports")
                          : fmt::format("must not be blank: it heads the reports; leave the key "
                                        "out for the default, '{}'",
                                        def));
    return def;
  }
  return s;
}

std::string Node::string(std::string_view key, std::optional<std::string> def) {
  const Node n = child(key);
  if (walking()) return def.value_or("");
  if (!n.present()) {
    if (def) return *def;
    n.error("missing required key (expected a string)");
    return {};
  }
  if (!n.is_scalar()) {
    n.error(fmt::format("expected a string, got {}", n.kind()));
    return {};
  }
  return n.text();
}

int Node::line() const {
  return walking() ? 0 : line_of(at_);
}

std::string Node::text() const {
  const std::string& s = yaml_.Scalar();
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) <= 0x9f;  // U+0080..U+009F in UTF-8
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f || c1) {
      error(
          fmt::format("holds the control character \\x{:02x} (byte {}); a text is printed in "
                      "reports as it is, so it may hold tabs and new lines but no other "
                      "control character",
                      c1 ? static_cast<unsigned char>(s[i + 1]) : c, i + 1));
      return {};
    }
  }
  // The file's bytes were checked whole (parse_yaml_map()); a --set value was not, and a
  // report's JSON refuses what is not UTF-8 (docs/scenario-format.md#limits).
  if (std::size_t bad_at = 0; !valid_utf8(s, bad_at)) {
    error(fmt::format("is not UTF-8 text: the sequence at byte {} (\\x{:02x}) is not UTF-8",
                      bad_at + 1, static_cast<unsigned char>(s[bad_at])));
    return {};
  }
  return s;
}

int Node::choice(std::string_view key, const Keys& choices, int def) {
  const Node n = child(key);
  if (walking()) {
    for (std::string_view c : choices) reader_->note_key(c);
    return std::max(def, 0);
  }
  if (!n.present()) {
    if (def >= 0) return def;
    n.error(fmt::format("missing required key (one of {})", join(choices)));
    return -1;
  }
  if (!n.is_scalar()) {  // a list, a map or null: its kind, never quoted as if it were a name
    n.error(fmt::format("expected one of {}, got {}", join(choices), n.kind()));
    return -1;
  }
  const std::string s = n.scalar();
  for (std::size_t i = 0; i < choices.size(); ++i)
    if (choices[i] == s) return static_cast<int>(i);
  n.error(fmt::format("must be one of {}, got '{}'", join(choices), s));
  return -1;
}

std::vector<std::string> Node::keys_matching(bool (*pred)(std::string_view)) {
  std::vector<std::string> out;
  if (!is_map() || walking()) return out;
  const YAML::Node& map = yaml_;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && pred(it->first.Scalar())) out.push_back(it->first.Scalar());
  for (const std::string& k : out) declare(k);
  return out;
}

double Node::value(const Range& range) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (walking()) return nan;
  if (!is_scalar()) {
    error(fmt::format("expected {}, got {}", range.describe(), kind()));
    return nan;
  }
  const std::string text = yaml_.Scalar();
  if (yaml_.Tag() == "!") {  // quoted (or a block scalar): a string, whatever it spells
    error(fmt::format("expected {}, got the string \"{}\" (quoted)", range.describe(), text));
    return nan;
  }
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == ".nan" || lower == "nan" || lower.find(".inf") != std::string::npos ||
      lower == "inf" || lower == "-inf" || lower == "+inf" || lower == "infinity") {
    error(fmt::format("must be a finite number (expected {}), got '{}'", range.describe(), text));
    return nan;
  }
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double x = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec == std::errc::result_out_of_range) {
    const bool underflow = std::fabs(std::strtod(std::string(s).c_str(), nullptr)) < 1;
    error(underflow ? fmt::format("'{}' is too small to represent (underflows to 0; expected {})",
                                  text, range.describe())
                    : fmt::format("'{}' is too large (expected {})", text, range.describe()));
    return nan;
  }
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    error(fmt::format("expected {}, got '{}'", range.describe(), text));
    return nan;
  }
  // A whole number past 2^53 has no double of its own (9007199254740993, or 9.007199254740993e15,
  // reads as ...992): it is compared with the bounds in long double (64 bits of mantissa), not
  // its rounding.
  if (range.integer && std::fabs(x) >= 0x1p53) {
    const long double wide = std::strtold(std::string(s).c_str(), nullptr);
    if (wide > static_cast<long double>(range.hi) || wide < static_cast<long double>(range.lo)) {
      error(fmt::format("must be {}, got {}", range.describe(), text));
      return nan;
    }
  }
  if (!range.contains(x)) {
    error(fmt::format("must be {}, got {}", range.describe(), text));
    return nan;
  }
  return x;
}

std::string Node::currency_code() const {
  static const std::regex iso("[A-Z]{3}");
  if (walking()) return {};
  if (!is_scalar() || !std::regex_match(yaml_.Scalar(), iso)) {
    error(fmt::format("expected a three-letter ISO currency code such as EUR or USD, got {}",
                      kind()));
    return {};
  }
  return yaml_.Scalar();
}

Node Node::item(std::size_t i) {
  assert(i < size());
  const std::string p = fmt::format("{}[{}]", path_, i);
  if (walking()) return Node(*reader_, YAML::Node(), at_, p);
  const YAML::Node& list = yaml_;
  return resolved(list[i], list[i], p);
}

void Node::finish(std::size_t first_error) {
  if (walking()) return;
  const std::size_t before = reader_->error_count();
  std::set<std::string> seen;
  const YAML::Node& map = yaml_;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
    if (!seen.insert(key).second) {
      reader_->error(it->first, sub_path(key), "duplicate key");
      continue;
    }
    if (std::find(declared_.begin(), declared_.end(), key) == declared_.end())
      unknown_key(it->first, key);
  }
  // An override of a key this map does not take (it is in no file line).
  for (const auto& [path, key] : reader_->unread_below(path_)) {
    if (std::find(declared_.begin(), declared_.end(), key) != declared_.end()) continue;
    reader_->mark_read(path);
    if (seen.insert(key).second) unknown_key(YAML::Node(), key);
  }
  // The map's own problems come first, as they would had it been checked before reading.
  auto& errors = reader_->errors();
  std::rotate(errors.begin() + static_cast<std::ptrdiff_t>(first_error),
              errors.begin() + static_cast<std::ptrdiff_t>(before), errors.end());
}

void Node::unknown_key(const YAML::Node& at, const std::string& key) {
  const Keys allowed = declared_keys();
  const std::string_view best = nearest_key(key, allowed);
  if (!best.empty())
    reader_->error(at, sub_path(key), fmt::format("unknown key; did you mean '{}'?", best));
  else
    reader_->error(at, sub_path(key),
                   fmt::format("unknown key; valid keys here: {}", join(allowed)));
}

}  // namespace vestsim::models::io
