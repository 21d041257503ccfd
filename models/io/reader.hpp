// A YAML reader that knows where it is: every node carries its key path, and
// every map remembers which keys the schema looked up. After a map is read,
// each key nobody looked up is reported as unknown (with a did-you-mean), so
// the schema is written once, as the reading code (models/io/schema_*.cpp).
// The same reading code, run over nothing in "walk" mode, lists every key the
// format accepts (accepted_keys) and the keys a map takes (error messages).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/io/load.hpp"

namespace vestsim::models::io {

using Keys = std::vector<std::string_view>;

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// What a number must be, and how to say so.
struct Range {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false, integer = false;
  // How describe() names lo when it is not a plain number: another key's value
  // ("horizon_years (4)") or a fraction ("1/24"); empty: lo itself.
  std::string lo_name = {};

  bool contains(double x) const;
  std::string describe() const;
};

inline Range any() {
  return {};
}
inline Range at_least(double lo) {
  return {lo, kInf};
}
inline Range above(double lo) {
  return {lo, kInf, true};
}
inline Range between(double lo, double hi) {
  return {lo, hi};
}
inline Range whole(double lo, double hi) {
  return {lo, hi, false, false, true};
}

// "a, b, c".
std::string join(const Keys& keys);

// The entry of `allowed` that `key` is most likely a typo of ("horizon" for
// "horizon_years", "wagse" for "wages"); empty when none is close.
std::string_view nearest_key(std::string_view key, const Keys& allowed);

// The state one reading shares: the file's name, the problems found, the
// --set overrides. In walk mode there is no YAML and no problem is ever
// reported; every key and choice looked up is collected instead.
//
// Overrides never change the YAML tree: a node whose key path has one reads
// the override instead, so an alias (`b: *a`) stays a copy and an override
// changes only its own path. An override the schema never reads is reported.
class Reader {
 public:
  // Reads a file named `file` (used in every diagnostic).
  explicit Reader(std::string file) : file_(std::move(file)) {}
  // A walk: `keys` (may be null) receives every key name and choice value.
  static Reader walker(std::set<std::string>* keys);

  bool walking() const { return walking_; }
  // The file being read, as named in diagnostics (empty in a walk).
  const std::string& file() const { return file_; }
  // Reports at `at`'s line, or line 0 when --set wrote `path`. Walk: ignored.
  void error(const YAML::Node& at, const std::string& path, std::string msg);
  // Registers --set `path` (canonical: "a.b[2].c") = `value`; the last wins.
  void add_override(const std::string& path, const std::string& value);
  // The override at exactly `path`, marked read; null when there is none.
  const std::string* override_at(const std::string& path);
  // True when an override gives exactly `path` (for messages about a key that depends on it).
  bool has_override(const std::string& path) const { return overrides_.count(path) != 0; }
  // True when some override lies strictly below `path` ("path.x", "path[i]").
  bool overrides_below(const std::string& path) const;
  // The overrides strictly below `path` not yet read, as (path, next key below `path`).
  std::vector<std::pair<std::string, std::string>> unread_below(const std::string& path) const;
  // Marks the override at `path` read (it was reported).
  void mark_read(const std::string& path);
  // Reports every override nothing read, unless other problems were found.
  void report_unread();
  void note_key(std::string_view key);
  std::vector<Diagnostic>& errors() { return errors_; }
  std::size_t error_count() const { return errors_.size(); }

 private:
  std::string file_;
  bool walking_ = false;
  std::set<std::string>* keys_ = nullptr;
  std::vector<Diagnostic> errors_;
  struct Setting {
    std::string value;
    bool read = false;
  };
  std::map<std::string, Setting> overrides_;  // by canonical key path
};

// One place in the YAML tree: the node (possibly absent), its key path, and,
// for a map, the keys looked up so far. A walk node is absent but acts as a
// present map and a one-item list, so the schema visits every branch.
class Node {
 public:
  // `reader` must outlive the node. `yaml` may be undefined (an absent key).
  Node(Reader& reader, YAML::Node yaml, std::string path);
  Node(const Node&) = default;
  Node& operator=(const Node&) = delete;  // YAML::Node's assignment rewrites the tree

  const std::string& path() const { return path_; }
  bool walking() const { return reader_->walking(); }
  // True for `taken`, and always in a walk: guards a branch of the schema.
  bool branch(bool taken) const { return taken || walking(); }
  bool present() const { return walking() || yaml_.IsDefined(); }
  bool is_map() const { return walking() || (present() && yaml_.IsMap()); }
  bool is_list() const { return walking() || (present() && yaml_.IsSequence()); }
  bool is_scalar() const { return !walking() && present() && yaml_.IsScalar(); }
  bool is_null() const { return !walking() && present() && yaml_.IsNull(); }
  std::size_t size() const { return walking() ? 1 : present() ? yaml_.size() : 0; }
  // The scalar text; empty for anything else.
  std::string scalar() const { return is_scalar() ? yaml_.Scalar() : std::string(); }
  // "a map", "a list", "nothing" or the quoted scalar, for messages.
  std::string kind() const;

  // Reports a problem here: at this node's line, or its parent's if absent.
  void error(std::string msg) const;
  // The same at this node's line, for the key path `below` under it.
  void error_below(std::string_view below, std::string msg) const;
  // A problem of this node's key path, placed at `where`'s line: the line that asks for an
  // absent key (outcomes.ipo for a missing ipo.multiple) says more than its parent's.
  void error_at(const Node& where, std::string msg) const;
  Reader& reader() const { return *reader_; }

  // Lookups in this map. Each declares `key` as one this map takes.
  Node child(std::string_view key);
  bool has(std::string_view key) { return child(key).present(); }
  // A number: `def` when absent; nullopt makes the key required.
  double number(std::string_view key, std::optional<double> def, const Range& range);
  // A whole number (range.integer set); 0 after an error, never a cast of NaN.
  long long integer(std::string_view key, std::optional<double> def, const Range& range);
  // A text, printed in reports as it is: one holding a control character (C0 but tab and new
  // line, DEL, C1: a terminal would act on ESC) is an error, and reads as "".
  std::string string(std::string_view key, std::optional<std::string> def);
  // string() for a text that heads reports (a scenario's name, an offer's label): given, it must
  // not be blank (an error, and `def` is used); left out, `def`.
  std::string heading(std::string_view key, const std::string& def);
  // The same check of this node's own scalar (an item of a list of texts).
  std::string text() const;
  // The file line the node's problems are placed at (1-based); 0 for a --set value or none.
  int line() const;
  // The index of one of `choices`, `def` when absent (-1: required); -1 on error.
  int choice(std::string_view key, const Keys& choices, int def);
  // The keys of this map for which `pred` holds, in file order; declared too.
  std::vector<std::string> keys_matching(bool (*pred)(std::string_view));

  // This node's own value.
  double value(const Range& range) const;
  std::string currency_code() const;

  // The i-th item of this list (path "p[i]"); requires i < size().
  Node item(std::size_t i);

  // Every entry of this map, none of them unknown: fn(key, value), the key
  // node with this map's path, the value with the key's. A key given twice is
  // reported (duplicate key) and only its first entry visited. A walk visits one
  // blank entry.
  // An override below this map must name an existing key: --set never adds
  // an entry (an offer, a company, an fx rate).
  template <class Fn>
  void entries(Fn&& fn) {
    if (walking()) {
      Node key(*reader_, YAML::Node(), path_), value(*reader_, YAML::Node(), path_);
      fn(key, value);
      return;
    }
    const YAML::Node& map = yaml_;
    std::vector<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (duplicate_entry(it->first, seen)) continue;  // reported; the first one is read
      Node key(*reader_, it->first, path_);
      // An empty value (`goog:` then a new line) is marked where the next token starts, often
      // the next line: its problems are placed at its key instead, as child() does.
      Node value = resolved(it->second, it->second.IsNull() ? it->first : it->second,
                            sub_path(key.scalar()));
      fn(key, value);
    }
    report_new_entries();
  }

  // Reads this map: fn(*this, out) looks its keys up, then every key it did
  // not look up is reported (unknown, with a did-you-mean) as are duplicate
  // keys. Not a map: reports which keys it takes (listed by walking fn over
  // a copy of `out`) and returns false, `out` untouched.
  template <class T, class Fn>
  bool map(T& out, Fn&& fn) {
    if (!is_map()) {
      T scratch = out;
      Reader walk = Reader::walker(nullptr);
      Node listing(walk, YAML::Node(), path_);
      fn(listing, scratch);
      error("expected a map with keys " + join(listing.declared_keys()) + ", got " + kind());
      return false;
    }
    const std::size_t first_error = reader_->error_count();
    fn(*this, out);
    finish(first_error);
    return true;
  }

 private:
  Node(Reader& reader, YAML::Node yaml, YAML::Node at, std::string path);
  // The node at `path`: the override there if any; an empty map standing for
  // an absent key that overrides lie below; else `yaml`.
  Node resolved(YAML::Node yaml, YAML::Node at, std::string path) const;
  void report_new_entries();
  // Whether `key` is in `seen` (then reported as a duplicate key); adds it to `seen` if not.
  bool duplicate_entry(const YAML::Node& key, std::vector<std::string>& seen);
  std::string sub_path(std::string_view key) const;
  void declare(std::string_view key);
  Keys declared_keys() const;
  void finish(std::size_t first_error);
  void unknown_key(const YAML::Node& at, const std::string& key);

  Reader* reader_;
  YAML::Node yaml_;  // undefined when absent
  YAML::Node at_;    // where problems are reported: yaml_, else the nearest present parent
  std::string path_;
  std::vector<std::string> declared_;
};

}  // namespace vestsim::models::io
