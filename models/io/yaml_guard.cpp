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

}  // namespace

std::optional<YamlProblem> check_yaml(const std::string& text) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Guard guard;
    while (parser.HandleNextDocument(guard)) {
    }
  } catch (const YamlProblem& p) {
    return p;
  } catch (const YAML::Exception& e) {
    return YamlProblem{e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg};
  } catch (const std::exception& e) {
    return YamlProblem{0, std::string("could not read the YAML: ") + e.what()};
  }
  return std::nullopt;
}

}  // namespace vestsim::models::io
