#include "tools/cli/rng_bound.hpp"

#include <chrono>
#include <cmath>
#include <vector>

#include "engine/normal.hpp"
#include "engine/parallel.hpp"
#include "engine/rng.hpp"

namespace vestsim::tools {

using namespace vestsim::engine;

double rng_only_seconds(std::uint64_t paths, double uniforms_per_path, double normals_per_path,
                        int threads, std::uint32_t block) {
  const auto n_uniform = static_cast<std::uint32_t>(std::lround(uniforms_per_path));
  const auto n_normal =
      std::min(n_uniform, static_cast<std::uint32_t>(std::lround(normals_per_path)));
  const StreamKey key = make_stream_key(1, "rng_bound");
  const BlockPlan plan{paths, block};
  std::vector<double> sink(plan.blocks(), 0.0);  // keeps the work observable
  const auto start = std::chrono::steady_clock::now();
  run_blocks(plan, threads, [&](std::uint64_t b, std::uint64_t begin, std::uint64_t end) {
    double acc = 0;
    for (std::uint64_t i = begin; i < end; ++i) {
      for (std::uint32_t d = 0; d < n_normal; ++d) acc += normal_quantile(uniform(key, i, d));
      for (std::uint32_t d = n_normal; d < n_uniform; ++d) acc += uniform(key, i, d);
    }
    sink[b] = acc;
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  volatile double keep = 0;
  for (double x : sink) keep = keep + x;
  return seconds;
}

}  // namespace vestsim::tools
