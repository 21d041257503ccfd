// The `vestsim bench` report: paths per second and the RNG-bound ratio.
#pragma once

#include <cstdint>
#include <string>

#include "tools/report/format.hpp"

namespace vestsim::tools {

struct BenchResult {
  std::string scenario;
  std::uint64_t paths = 0;
  int threads = 0, cores = 0;
  double seconds = 0;             // simulate alone
  double end_to_end_seconds = 0;  // compile + simulate + statistics
  double columns_seconds = 0;     // of which allocating the result columns
  double summary_seconds = 0;     // of which the statistics
  double draws_per_path = 0, normals_per_path = 0;
  double rng_seconds = 0;     // the best target's lanes alone for the same draws
  std::string simd;           // the instruction set of the draws ("avx512", ...)
  double scalar_seconds = 0;  // simulate with the scalar reference draws, same run
  double rng_bound_ratio() const { return seconds / rng_seconds; }
  double scalar_speedup() const { return scalar_seconds / seconds; }
};

// JSON for json; the text report for any other format.
std::string bench_report(const BenchResult& b, Format format);

}  // namespace vestsim::tools
