#include "engine/sobol.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace vestsim::engine {

SobolPoints::SobolPoints(std::uint32_t dims) : dims_(dims), gen_(dims) {
  assert(dims >= 1 && dims <= kMaxSobolDimension);
}

void SobolPoints::point(std::uint64_t k, std::uint64_t* out) {
  assert(k < (std::uint64_t{1} << 63));
  if (k == 0) {
    std::fill(out, out + dims_, std::uint64_t{0});
    return;
  }
  // seed(n) recomputes the state from n's Gray code: the engine's n-th point
  // (0-based), which is point n + 1 of the sequence.
  gen_.seed(k - 1);
  gen_.generate(out, out + dims_);
}

std::uint64_t digital_shift(StreamKey key, std::uint32_t replicate) {
  const PhiloxBlock r = philox4x32_10({replicate, 0, 0, 1}, key.k0, key.k1);
  return (std::uint64_t{r[1]} << 32) | r[0];
}

double replicate_std_error(std::span<const double> x, std::uint32_t replicates, bool positive) {
  if (replicates < 2 || x.size() < replicates) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> sum(replicates, 0.0);
  std::vector<std::uint64_t> count(replicates, 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t r = i % replicates;
    sum[r] += positive ? (x[i] > 0 ? 1.0 : 0.0) : x[i];
    ++count[r];
  }
  double mean = 0;
  for (std::uint32_t r = 0; r < replicates; ++r) {
    sum[r] /= static_cast<double>(count[r]);
    mean += sum[r];
  }
  mean /= replicates;
  double m2 = 0;
  for (std::uint32_t r = 0; r < replicates; ++r) m2 += (sum[r] - mean) * (sum[r] - mean);
  return std::sqrt(m2 / (replicates - 1) / replicates);
}

}  // namespace vestsim::engine
