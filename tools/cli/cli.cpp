// The `vestsim` command: parse, then run one command, mapping its failures to
// exit statuses.
#include "tools/cli/cli.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include <unistd.h>

#include <fmt/format.h>

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

namespace {

// The command, its failures mapped to exit statuses (README); `threw`: it ended by an exception.
int run_command_line(int argc, char** argv, bool& threw) {
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
    threw = true;
    std::cerr << "vestsim: " << e.what() << "\n";
    return 2;
  } catch (const RunError& e) {
    threw = true;
    std::cerr << "vestsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    threw = true;
    std::cerr << "vestsim: run failed: " << e.what() << "\n";
    return 1;
  }
}

// How long a rank that stopped early (an exception, or a failure before meeting the others)
// waits for them before it stops the job (engine::mpi::agree_on_exit): ranks that fail alike
// (the same invalid input) meet within moments of each other, launch skew included.
constexpr std::chrono::seconds kPatience{30};

// What a rank other than 0 said on std::cerr (`said`), each line prefixed with the rank, onto
// its real stderr `fd`.
void replay(const std::string& said, int fd, int rank) {
  std::string out;
  for (std::size_t at = 0; at < said.size();) {
    const std::size_t end = std::min(said.find('\n', at), said.size());
    std::string_view line(said.data() + at, end - at);
    if (line.starts_with("vestsim: ")) line.remove_prefix(9);
    out += fmt::format("vestsim (MPI rank {}): {}\n", rank, line);
    at = end + 1;
  }
  static_cast<void>(::write(fd, out.data(), out.size()));
}

}  // namespace

int run_cli(int argc, char** argv) {
  install_output_signal_handlers();
  const int rank = engine::mpi::rank();
  int own_stderr = -1;      // a rank other than 0: its real stderr
  std::ostringstream said;  // and what it says instead
  if (rank != 0) {
    // Ranks other than 0 compute their share and say nothing: rank 0 speaks and writes for the
    // job (its messages are theirs too: every rank reads the same inputs). What they would say
    // is kept, for the day their inputs differ (below). Every message goes through std::cerr;
    // the C stream (a progress bar, on a terminal only) goes to /dev/null.
    own_stderr = ::dup(STDERR_FILENO);
    static_cast<void>(std::freopen("/dev/null", "w", stdout));
    static_cast<void>(std::freopen("/dev/null", "w", stderr));
  }
  std::streambuf* const real_cerr = rank != 0 ? std::cerr.rdbuf(said.rdbuf()) : nullptr;
  bool threw = false;
  const int status = run_command_line(argc, argv, threw);
  // Under mpirun the ranks agree on how the job ends (docs/design.md#18-mpi-runs). Inputs that
  // differ between ranks (a file only rank 0's folder has, VESTSIM_SIMD set on some nodes) make
  // one rank stop where the others go on into a collective and would wait forever. A rank that
  // ended by an exception, or failed before meeting the others at all, may have left them
  // there: it stops the job when they do not come, after saying why. A rank that failed after
  // the collectives (a batch with an invalid file) waits for rank 0's writing, however long.
  const bool stopped = threw || (status != 0 && engine::mpi::collectives_made() == 0);
  const auto say_why = [&] {
    if (own_stderr >= 0) replay(said.str(), own_stderr, rank);
  };
  const std::vector<int> all = engine::mpi::agree_on_exit(status, stopped, kPatience, [&] {
    say_why();
    const std::string line = fmt::format(
        "{}: the other ranks of this MPI job did not end with this one within {} s "
        "(do they all see the same files and environment?); stopping the job\n",
        rank == 0 ? std::string("vestsim") : fmt::format("vestsim (MPI rank {})", rank),
        kPatience.count());
    if (rank == 0)
      std::cerr << line << std::flush;
    else if (own_stderr >= 0)
      static_cast<void>(::write(own_stderr, line.data(), line.size()));
  });
  // Every rank came. One whose end differs from rank 0's says why (rank 0 has said its own);
  // the job's status is rank 0's, else the worst of the others'.
  if (rank != 0 && status != all[0]) say_why();
  if (real_cerr != nullptr) std::cerr.rdbuf(real_cerr);  // `said` ends with this function
  int job = all[0];
  if (job == 0)
    for (int s : all) job = std::max(job, s);
  return job;
}

}  // namespace vestsim::tools
