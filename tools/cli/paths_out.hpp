// `vestsim run --paths-out`: the per-path columns for the user's own analysis.
#pragma once

#include <string>

#include "models/scenario.hpp"
#include "models/simulate.hpp"

namespace vestsim::tools {

// True when `file` ends in .npy, in any case (".NPY" too).
bool is_npy(const std::string& file);

// Writes cash, equity and total of every offer and every comparison's
// difference, one row per path: CSV (header fields quoted where needed), or
// .npy (float64, paths x columns, with the column names in FILE.columns.txt).
// Each file is written whole or not at all (OutputFile); throws RunError if
// it cannot write, e.g. into a folder that does not exist.
void write_paths(const models::Scenario& scenario, const models::SimResult& result,
                 const std::string& file);

}  // namespace vestsim::tools
