#include "tools/cli/cli.hpp"

int main(int argc, char** argv) {
  return vestsim::tools::run_cli(argc, argv);
}
