#include "tools/cli/rng_bound.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "engine/lanes.hpp"
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
  // As models/path_draws.hpp does: sub-blocks of kSub paths, a row per draw,
  // the two draws of one Philox call together.
  constexpr std::uint32_t kSub = 128;
  run_blocks(plan, threads, [&](std::uint64_t b, std::uint64_t begin, std::uint64_t end) {
    std::vector<double> rows(2 * kSub);
    double acc = 0;
    for (std::uint64_t first = begin; first < end; first += kSub) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(kSub, end - first));
      for (std::uint32_t d = 0; d < n_uniform; d += 2) {
        const bool normal = d < n_normal;
        const bool both = d + 1 < n_uniform && (d + 1 < n_normal) == normal;
        fill_lanes({key, d / 2, normal}, first, n, rows.data(),
                   both ? rows.data() + kSub : nullptr);
        if (!both && d + 1 < n_uniform)  // the pair straddles normals and uniforms
          fill_lanes({key, d / 2, !normal}, first, n, nullptr, rows.data() + kSub);
        acc += rows[0] + rows[kSub];
      }
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
