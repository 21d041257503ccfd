// --set PATH=VALUE: overrides read in place of the file's value at their key
// path (models/io/reader.hpp), so they pass the same validation as the file.
#pragma once

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

#include "models/io/load.hpp"

namespace vestsim::models::io {

inline constexpr std::size_t kMaxOverrideText = 4096;

// Checks o.path ("a.b[2].c") against the file's tree `root` (unchanged): a
// list index must exist, a value on the way must be a map, a list is set one
// entry at a time. Keys absent from the file are left to the schema. Sets
// `canonical` to the path as the reader spells it. Returns what is wrong,
// empty when the path may be read.
std::string check_override(const YAML::Node& root, const Override& o, std::string& canonical);

}  // namespace vestsim::models::io
