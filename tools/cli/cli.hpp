#pragma once

namespace vestsim::tools {

// Runs the `vestsim` command line (docs/cli.md); returns the process exit
// status: 0 success, 1 a run that failed at run time, 2 bad usage or an
// invalid scenario. Never throws.
int run_cli(int argc, char** argv);

}  // namespace vestsim::tools
