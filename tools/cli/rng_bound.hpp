// The random-number limit of a simulation (`vestsim bench`): the time the
// engine's own generator and inverse normal take to produce just the draws a
// run consumes, on the same threads and blocks as the run. Benchmark code: it
// lives with the command that reports it, not in the engine.
#pragma once

#include <cstdint>

namespace vestsim::tools {

// Seconds to draw round(uniforms_per_path) uniforms per path, of which
// round(normals_per_path) go through normal_quantile, for `paths` paths, on
// the lanes of the active target (engine/lanes.hpp).
double rng_only_seconds(std::uint64_t paths, double uniforms_per_path, double normals_per_path,
                        int threads, std::uint32_t block);

}  // namespace vestsim::tools
