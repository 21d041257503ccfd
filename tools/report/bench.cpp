// The `vestsim bench` report.
#include "tools/report/bench.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"

namespace vestsim::tools {

std::string bench_report(const BenchResult& b, Format format) {
  if (format == Format::kJson) {
    nlohmann::ordered_json j{{"scenario", b.scenario},
                             {"paths", b.paths},
                             {"threads", b.threads},
                             {"cores", b.cores},
                             {"seconds", b.seconds},
                             {"paths_per_second", b.paths / b.seconds},
                             {"draws_per_path", b.draws_per_path},
                             {"normals_per_path", b.normals_per_path},
                             {"rng_seconds", b.rng_seconds},
                             {"rng_bound_ratio", b.rng_bound_ratio()},
                             {"end_to_end_seconds", b.end_to_end_seconds},
                             {"columns_seconds", b.columns_seconds},
                             {"summary_seconds", b.summary_seconds},
                             {"simd", b.simd},
                             {"scalar_seconds", b.scalar_seconds},
                             {"scalar_speedup", b.scalar_speedup()}};
    return json_report(std::move(j));
  }
  return fmt::format(
      "{}\n  cores {} · threads {} · {} paths\n  simulate {:.3f} s = {:.0f} paths/s\n  end to end "
      "{:.3f} s: compile, result columns {:.3f} s, simulate, statistics {:.3f} s\n  draws per "
      "path {:.1f} ({:.1f} through the normal transform)\n  RNG alone {:.3f} s for the same draws "
      "on {} lanes\n  RNG-bound ratio {:.2f} (1.0 is the limit; the budget is <= 2.5)\n  scalar "
      "reference draws {:.3f} s: lanes {:.2f}x faster\n",
      b.scenario, b.cores, b.threads, b.paths, b.seconds, b.paths / b.seconds, b.end_to_end_seconds,
      b.columns_seconds, b.summary_seconds, b.draws_per_path, b.normals_per_path, b.rng_seconds,
      b.simd, b.rng_bound_ratio(), b.scalar_seconds, b.scalar_speedup());
}

}  // namespace vestsim::tools
