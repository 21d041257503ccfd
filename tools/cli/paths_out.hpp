// `vestsim run --paths-out`: the per-path columns for the user's own analysis.
#pragma once

#include <string>

#include "models/scenario.hpp"
#include "models/simulate.hpp"

namespace vestsim::tools {

// Writes cash, equity and total of every offer and every comparison's
// difference, one row per path: CSV, or .npy (float64, paths x columns, with
// the column names in FILE.columns.txt). Throws RunError if it cannot write.
void write_paths(const models::Scenario& scenario, const models::SimResult& result,
                 const std::string& file);

}  // namespace vestsim::tools
