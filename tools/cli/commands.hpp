// The `vestsim` commands: each loads its scenarios, runs one study, renders
// one report and writes it. They throw UsageError (exit 2) or RunError (exit
// 1), or return the exit status.
#pragma once

#include "tools/cli/options.hpp"

namespace vestsim::tools {

int run_command(const RunOptions& o);
int validate_command(const ValidateOptions& o);
int breakeven_command(const BreakevenOptions& o);
int sweep_command(const SweepOptions& o);
int sensitivity_command(const SensitivityOptions& o);
int bench_command(const BenchOptions& o);
int taxes_command(const TaxesOptions& o);

}  // namespace vestsim::tools
