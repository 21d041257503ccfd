// The sweep report (`vestsim sweep`).
#pragma once

#include <string>

#include "models/studies/sweep.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// `r` in `format`. Requires r.points to hold every grid point, row-major.
std::string sweep_report(const models::SweepResult& r, Format format);

}  // namespace vestsim::tools
