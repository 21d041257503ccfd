// --set PATH=VALUE: overrides written into the YAML tree before it is read,
// so they pass the same validation as the file.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "models/io/load.hpp"

namespace vestsim::models::io {

// Writes o.value at o.path ("a.b[2].c") in `root`, creating missing map keys
// (an unknown one is then reported by the reader). Returns what is wrong with
// the path, empty on success; `root` must be a map.
std::string apply_override(YAML::Node root, const Override& o);

}  // namespace vestsim::models::io
