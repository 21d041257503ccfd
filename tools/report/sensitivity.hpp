// The sensitivity report (`vestsim sensitivity`).
#pragma once

#include <cstdint>
#include <string>

#include "models/studies/sensitivity.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// Tornado bars of `t` for `scenario`, run on `paths` paths with `seed` (Sobol points when
// `sobol`).
std::string tornado_report(const models::TornadoResult& t, const std::string& scenario,
                           std::uint64_t paths, std::uint64_t seed, bool sobol, Format format);

}  // namespace vestsim::tools
