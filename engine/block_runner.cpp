#include "engine/block_runner.hpp"

#include <tbb/info.h>

namespace vestsim::engine {

int resolve_threads(int threads) {
  return threads > 0 ? threads : tbb::info::default_concurrency();
}

}  // namespace vestsim::engine
