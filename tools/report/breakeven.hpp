// The break-even report (`vestsim breakeven`).
#pragma once

#include <string>

#include "models/studies/breakeven.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// `be` as JSON, or as markdown; every other format prints the text report.
std::string breakeven_report(const models::BreakevenStudy& be, Format format);

}  // namespace vestsim::tools
