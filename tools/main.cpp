#include "engine/columns.hpp"
#include "engine/mpi.hpp"
#include "tools/cli/cli.hpp"

int main(int argc, char** argv) {
  vestsim::engine::keep_freed_memory();  // fewer page faults (docs/design.md#15-lanes-of-paths)
  // Under mpirun/srun every rank runs the same command (docs/design.md#18-mpi-runs).
  const vestsim::engine::mpi::Session mpi(&argc, &argv);
  return vestsim::tools::run_cli(argc, argv);
}
