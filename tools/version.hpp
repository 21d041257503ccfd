// The program's version and the commit it was built from. Defined in a file
// generated at configure time (tools/version.cpp.in), so that a new commit
// rebuilds one file, not every report.
#pragma once

#include <string>

namespace vestsim::tools {

// "0.1.0": the project version of CMakeLists.txt.
const char* version();
// The short hash of the commit configured from ("abcdef1"), or "unknown"
// when the sources were not a git checkout.
const char* commit();
// "vestsim 0.1.0 (commit abcdef1)": what --version prints and HTML pages end with.
std::string version_line();

}  // namespace vestsim::tools
