// A check of YAML text before yaml-cpp builds a tree of it
// (docs/scenario-format.md#limits): one document, no tags, nesting at most
// kMaxDepth deep, at most kMaxNodes values once aliases are expanded, and no
// flow collection longer than kMaxNestedFlow inside another. It
// runs yaml-cpp's event parser and stops at the first violation, so neither a
// deep file nor an alias bomb ("billion laughs") can exhaust the stack or
// memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace vestsim::models::io {

inline constexpr int kMaxDepth = 64;                     // maps and lists inside each other
inline constexpr std::size_t kMaxNodes = 100'000;        // values, aliases expanded
inline constexpr std::size_t kMaxNestedFlow = 64 << 10;  // characters of a [ ] or { } in another

// A problem with the text as YAML: its 1-based line (0: none) and message.
struct YamlProblem {
  int line = 0;
  std::string message;
};

// nullopt when `text` may be loaded; else its first problem, a YAML syntax
// error included ("YAML syntax error: ..."). Throws nothing.
std::optional<YamlProblem> check_yaml(const std::string& text);

}  // namespace vestsim::models::io
