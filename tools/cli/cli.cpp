// The `vestsim` command: parse, then run one command, mapping its failures to
// exit statuses.
#include "tools/cli/cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "engine/lanes.hpp"

#include "engine/mpi.hpp"

#include "tools/cli/commands.hpp"
#include "tools/cli/options.hpp"
#include "tools/cli/output.hpp"
#include "tools/cli/support.hpp"

namespace vestsim::tools {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};

int dispatch(const Command& command) {
  return std::visit(Overloaded{[](const RunOptions& o) { return run_command(o); },
                               [](const ValidateOptions& o) { return validate_command(o); },
                               [](const BreakevenOptions& o) { return breakeven_command(o); },
                               [](const SweepOptions& o) { return sweep_command(o); },
                               [](const SensitivityOptions& o) { return sensitivity_command(o); },
                               [](const BenchOptions& o) { return bench_command(o); },
                               [](const TaxesOptions& o) { return taxes_command(o); }},
                    command);
}

// VESTSIM_SIMD=scalar|sse4|avx2|avx512 forces the instruction set of the
// draws (docs/cli.md#environment); a value this CPU cannot run is a usage error.
void apply_simd_environment() {
  const char* value = std::getenv("VESTSIM_SIMD");
  if (value == nullptr || *value == '\0') return;
  std::string supported;
  for (engine::SimdTarget t : engine::supported_simd_targets()) {
    if (!supported.empty()) supported += ", ";
    supported += engine::simd_target_name(t);
  }
  const auto target = engine::parse_simd_target(value);
  if (!target)
    throw UsageError(std::string("VESTSIM_SIMD=") + value +
                     " is not an instruction set: use scalar, sse4, avx2 or avx512 (this CPU: " +
                     supported + ")");
  if (!engine::simd_target_supported(*target))
    throw UsageError(std::string("VESTSIM_SIMD=") + value +
                     ": this CPU does not support it (it runs " + supported + ")");
  engine::set_simd_target(*target);
}

}  // namespace

int run_cli(int argc, char** argv) {
  install_output_signal_handlers();
  if (!engine::mpi::root()) {
    // Ranks other than 0 compute their share and say nothing: rank 0 speaks and writes
    // for the job (its messages are theirs too: every rank reads the same inputs).
    static_cast<void>(std::freopen("/dev/null", "w", stdout));
    static_cast<void>(std::freopen("/dev/null", "w", stderr));
  }
  const ParsedCommand parsed = parse_command_line(argc, argv, std::cout, std::cerr);
  try {
    if (!parsed.command) {  // --help, --version or a usage error: whatever VESTSIM_SIMD says
      check_stdout();
      return parsed.exit_code;
    }
    apply_simd_environment();
    const int status = dispatch(*parsed.command);
    check_stdout();  // everything written to stdout reached it, or exit 1
    return status;
  } catch (const UsageError& e) {
    std::cerr << "vestsim: " << e.what() << "\n";
    return 2;
  } catch (const RunError& e) {
    std::cerr << "vestsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "vestsim: run failed: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace vestsim::tools
