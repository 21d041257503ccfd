#include "models/io/yaml_guard.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

namespace vestsim::models::io {

namespace {

// What yaml-cpp's own words ("end of map not found", "illegal map value") leave out, for the
// two causes a person cannot see: a tab in a line's leading white space (YAML indents with
// spaces only), on the syntax error's line or before it; and a key longer than YAML's 1024
// characters on the error's line.
std::string syntax_hint(const std::string& text, int line) {
  int n = 1;
  for (std::size_t at = 0; at < text.size() && (line == 0 || n <= line); ++n) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    for (std::size_t i = at; i < end && (text[i] == ' ' || text[i] == '\t'); ++i)
      if (text[i] == '\t')
        return fmt::format(" (line {} is indented with a tab; YAML indents with spaces only)", n);
    if (const std::size_t colon = text.find(':', at); n == line && colon < end && colon - at > 1024)
      return " (a key is at most 1024 characters in YAML)";
    at = end + 1;
  }
  return "";
}

int line_of(const YAML::Mark& m) {
  return m.is_null() ? 0 : m.line + 1;
}

// How a tag is written in the file: "!!binary" for tag:yaml.org,2002:binary.
std::string written(const std::string& tag) {
  constexpr std::string_view kCore = "tag:yaml.org,2002:";
  if (tag.compare(0, kCore.size(), kCore) == 0) return "!!" + tag.substr(kCore.size());
  return tag;
}

// Counts as it parses; throws YamlProblem at the first violation.
class Guard : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& m) override {
    if (++documents_ > 1)
      throw YamlProblem{
          line_of(m), fmt::format("one document per file; a second starts at line {}", line_of(m))};
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    count(m, 1);
    attach({1, 0}, anchor);
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw YamlProblem{line_of(m), "an alias inside its own anchor (a cycle) is not accepted"};
    if (static_cast<int>(open_.size()) + it->second.height > kMaxDepth) too_deep(m);
    count(m, it->second.nodes);
    attach(it->second, YAML::NullAnchor);
  }
  void OnScalar(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor,
                const std::string&) override {
    check_tag(m, tag);
    count(m, 1);
    attach({1, 0}, anchor);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(m, tag, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(m, tag, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Size {
    std::size_t nodes = 0;
    int height = 0;  // 0 for a scalar, 1 + the deepest child for a map or list
  };
  struct Open {
    YAML::anchor_t anchor;
    Size size;
  };

  static void check_tag(const YAML::Mark& m, const std::string& tag) {
    // "?": plain, "!": quoted (non-specific); anything else was written as a tag.
    if (!tag.empty() && tag != "?" && tag != "!")
      throw YamlProblem{line_of(m),
                        fmt::format("YAML tags such as '{}' are not accepted; a scenario is "
                                    "plain YAML (remove the tag)",
                                    written(tag))};
  }

  void count(const YAML::Mark& m, std::size_t nodes) {
    total_ += nodes;
    if (total_ > kMaxNodes)
      throw YamlProblem{line_of(m),
                        fmt::format("more than {} values (aliases expanded); a scenario has a "
                                    "few hundred",
                                    kMaxNodes)};
  }
  // A finished value of `size` into the innermost open map or list.
  void attach(Size size, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = size;
    if (open_.empty()) return;
    Size& parent = open_.back().size;
    parent.nodes += size.nodes;
    parent.height = std::max(parent.height, size.height + 1);
  }
  void open(const YAML::Mark& m, const std::string& tag, YAML::anchor_t anchor) {
    check_tag(m, tag);
    if (static_cast<int>(open_.size()) >= kMaxDepth) too_deep(m);
    count(m, 1);
    open_.push_back({anchor, {1, 1}});
  }
  void close() {
    const Open done = open_.back();
    open_.pop_back();
    attach(done.size, done.anchor);
  }
  [[noreturn]] static void too_deep(const YAML::Mark& m) {
    throw YamlProblem{line_of(m), fmt::format("nested too deep (line {}): at most {} levels of "
                                              "maps and lists",
                                              line_of(m), kMaxDepth)};
  }

  int documents_ = 0;
  std::size_t total_ = 0;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Size> anchors_;  // only closed ones: an alias to an open one is a cycle
};

// A textual pass over flow collections ([...] and {...}) before yaml-cpp's
// scanner sees them: it buffers every token of a collection nested in another
// until that one closes (it might be a key), which for a few MB takes
// gigabytes and many seconds. Conservative: it may misread an unusual plain
// scalar, but only ever to refuse depth > kMaxDepth or a nested collection
// longer than kMaxNestedFlow, which no scenario has.
class FlowScan {
 public:
  explicit FlowScan(const std::string& text) : t_(text) {}

  void run() {
    while (i_ < t_.size()) {
      if (open_.empty())
        block_line();
      else
        flow_char();
    }
  }

 private:
  struct Open {
    std::size_t at;
    int line;
  };

  bool blank(std::size_t k) const {
    return k >= t_.size() || t_[k] == ' ' || t_[k] == '\t' || t_[k] == '\n' || t_[k] == '\r';
  }
  void newline() { ++line_; }
  void skip_to_eol() {
    while (i_ < t_.size() && t_[i_] != '\n') ++i_;
  }
  // A quoted scalar starting at i_ (single: '' escapes; double: \ escapes).
  void quoted() {
    const char q = t_[i_++];
    while (i_ < t_.size() && t_[i_] != q) {
      if (t_[i_] == '\n') newline();
      if (q == '"' && t_[i_] == '\\') ++i_;
      ++i_;
      if (q == '\'' && i_ + 1 < t_.size() && t_[i_] == '\'' && t_[i_ + 1] == '\'') i_ += 2;
    }
    ++i_;
  }
  void open_flow() {
    if (static_cast<int>(open_.size()) >= kMaxDepth)
      throw YamlProblem{line_, fmt::format("nested too deep (line {}): at most {} levels of maps "
                                           "and lists",
                                           line_, kMaxDepth)};
    open_.push_back({i_++, line_});
  }
  void close_flow() {
    const Open o = open_.back();
    open_.pop_back();
    if (!open_.empty() && i_ - o.at > kMaxNestedFlow)
      throw YamlProblem{o.line, fmt::format("a [ ] or {{ }} inside another is longer than {} "
                                            "KiB; write it in block style (one item a line)",
                                            kMaxNestedFlow >> 10)};
    ++i_;
  }
  // Block context: one line (or up to a flow collection that starts on it).
  void block_line() {
    const std::size_t start = i_;
    while (i_ < t_.size() && t_[i_] == ' ') ++i_;
    const std::size_t indent = i_ - start;
    bool value_start = true;
    while (i_ < t_.size() && t_[i_] != '\n') {
      const char c = t_[i_];
      if (value_start && (c == ' ' || ((c == '-' || c == '?') && blank(i_ + 1)))) {
        ++i_;
      } else if (value_start && (c == '[' || c == '{')) {
        open_flow();
        return;
      } else if (value_start && (c == '"' || c == '\'')) {
        quoted();
        value_start = false;
      } else if (value_start && (c == '|' || c == '>')) {
        skip_to_eol();
        block_scalar(indent);
        return;
      } else if (c == '#' && (i_ == start || blank(i_ - 1))) {
        skip_to_eol();
      } else {
        value_start = c == ':' && blank(i_ + 1);
        ++i_;
      }
    }
    if (i_ < t_.size()) ++i_, newline();
  }
  // The lines of a | or > scalar: blank or indented more than its key.
  void block_scalar(std::size_t indent) {
    if (i_ < t_.size()) ++i_, newline();
    while (i_ < t_.size()) {
      std::size_t k = i_;
      while (k < t_.size() && t_[k] == ' ') ++k;
      if (k < t_.size() && t_[k] != '\n' && k - i_ <= indent) return;
      i_ = k;
      skip_to_eol();
      if (i_ < t_.size()) ++i_, newline();
    }
  }
  void flow_char() {
    const char c = t_[i_];
    const bool after_separator =
        i_ == 0 || blank(i_ - 1) ||
        std::string_view("[{,:").find(t_[i_ - 1]) != std::string_view::npos;
    if (c == '[' || c == '{') {
      open_flow();
    } else if (c == ']' || c == '}') {
      close_flow();
    } else if ((c == '"' || c == '\'') && after_separator) {
      quoted();
    } else if (c == '#' && i_ > 0 && blank(i_ - 1)) {
      skip_to_eol();
    } else {
      if (c == '\n') newline();
      ++i_;
    }
  }

  const std::string& t_;
  std::size_t i_ = 0;
  int line_ = 1;
  std::vector<Open> open_;
};

}  // namespace

std::optional<YamlProblem> check_yaml(const std::string& text) {
  try {
    FlowScan(text).run();
    std::istringstream in(text);
    YAML::Parser parser(in);
    Guard guard;
    while (parser.HandleNextDocument(guard)) {
    }
  } catch (const YamlProblem& p) {
    return p;
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    return YamlProblem{line, "YAML syntax error: " + e.msg + syntax_hint(text, line)};
  } catch (const std::exception& e) {
    return YamlProblem{0, std::string("could not read the YAML: ") + e.what()};
  }
  return std::nullopt;
}

}  // namespace vestsim::models::io
