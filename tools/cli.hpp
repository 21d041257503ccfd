#pragma once

namespace vestsim::tools {

// Runs the `vestsim` command line; returns the process exit status.
int run_cli(int argc, char** argv);

}  // namespace vestsim::tools
