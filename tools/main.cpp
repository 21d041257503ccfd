#include "engine/mpi.hpp"
#include "tools/cli/cli.hpp"

int main(int argc, char** argv) {
  // Under mpirun/srun every rank runs the same command (docs/design.md#18-mpi-runs).
  const vestsim::engine::mpi::Session mpi(&argc, &argv);
  return vestsim::tools::run_cli(argc, argv);
}
