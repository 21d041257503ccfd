// Draws on SIMD lanes of paths (docs/design.md#15-lanes-of-paths).
//
// One vector holds the same draw of W consecutive paths (W = 2 doubles for
// SSE4, 4 for AVX2, 8 for AVX-512), chosen at run time by Google Highway's
// dynamic dispatch: one binary, no -march. Every lane function computes
// exactly what the scalar definitions of engine/rng.hpp, engine/normal.hpp and
// engine/ieee_math.hpp compute, bit for bit, on every target: Philox is
// integer arithmetic, and the inverse normal, exp and log are the scalar
// operations (+ - * / sqrt, no FMA, no library call) in the same order.
// tests/engine/lanes_test.cpp compares them on every target the CPU has.
//
// Contracts: nothing here throws; set_simd_target() asserts its argument is
// supported (callers check simd_target_supported() first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/rng.hpp"

namespace vestsim::engine {

// The instruction sets a run can use. kScalar is the reference definition:
// no lanes, every draw from engine::uniform().
enum class SimdTarget : std::uint8_t { kScalar, kSse4, kAvx2, kAvx512 };

// "scalar", "sse4", "avx2", "avx512" (the values of VESTSIM_SIMD).
std::string_view simd_target_name(SimdTarget target);
std::optional<SimdTarget> parse_simd_target(std::string_view name);

// Whether this CPU runs `target` (kScalar always).
bool simd_target_supported(SimdTarget target);
// Every supported target, kScalar first, best last.
std::vector<SimdTarget> supported_simd_targets();

// The target lane functions use: the best supported one unless
// set_simd_target() chose another. set_simd_target requires a supported
// target and no lane function running on another thread (call it at start).
SimdTarget simd_target();
void set_simd_target(SimdTarget target);

// Doubles per vector of the active target (1 for kScalar).
std::size_t simd_lanes();
// The Highway target the dispatch actually runs ("SSE4", "AVX2", "AVX3"...,
// "scalar" for kScalar): lets tests check that forcing a target took effect.
std::string_view dispatched_target_name();

// One Philox call's worth of draws for consecutive paths: draws 2 pair and
// 2 pair + 1 of stream `key` (either may be skipped), as uniforms or as
// standard normals (normal_quantile of the uniform).
struct LaneSlot {
  StreamKey key;
  std::uint32_t pair = 0;
  bool normal = false;
};

// even[i] = draw 2 s.pair, odd[i] = draw 2 s.pair + 1 of path first_path + i,
// i < n, each exactly what uniform() (and normal_quantile()) give. A null
// output is skipped. Requires n > 0 and first_path + n not to wrap.
void fill_lanes(const LaneSlot& s, std::uint64_t first_path, std::uint32_t n, double* even,
                double* odd);
// The same for any paths and pairs of stream `key`: even[i] = draw 2 pairs[i] and odd[i] = draw
// 2 pairs[i] + 1 of path paths[i], i < n, in any order, repeats allowed. Requires pairs[i] <
// 2^31 (draw indices are 32 bits) and both outputs (not null).
void fill_lanes_at(StreamKey key, bool normal, const std::uint64_t* paths,
                   const std::uint64_t* pairs, std::uint32_t n, double* even, double* odd);

// One path's draws on lanes of pairs: out[2 i] and out[2 i + 1] are draws 2 (first_pair + i) and
// 2 (first_pair + i) + 1 of stream `key` on path `path`, i < pairs, each exactly what uniform()
// (and normal_quantile()) give. Requires out to hold 2 pairs values and first_pair + pairs not
// to wrap.
void fill_path_draws(StreamKey key, std::uint64_t path, std::uint32_t first_pair,
                     std::uint32_t pairs, bool normal, double* out);
// The same for several streams of one path at once, their vectors sharing Philox's rounds (one
// stream's few vectors leave the multiplier idle between rounds): out[k] gets stream keys[k]'s
// pairs from first_pairs[k], as fill_path_draws(keys[k], path, first_pairs[k], ...) would.
// Requires keys and first_pairs of one size.
void fill_path_draws(std::span<const StreamKey> keys, std::span<const std::uint32_t> first_pairs,
                     std::uint64_t path, std::uint32_t pairs, bool normal, double* const* out);

// out[i] = ieee_exp(x[i]) / ieee_log(x[i]) for i < n, bit for bit, on lanes
// (any x: lanes out of the fast range take the scalar definition). out may be x (in place);
// otherwise the two must not overlap.
void lanes_exp(const double* x, std::size_t n, double* out);
void lanes_log(const double* x, std::size_t n, double* out);
// out[i] = poisson_quantile(mean[i], u[i]) (engine/distributions.hpp) for i < n, on lanes: the
// same count, the cdf's terms made with the same operations in the same order.
void lanes_poisson(const double* mean, const double* u, std::size_t n, std::uint32_t* out);
// out[i] = normal_quantile(p[i]), bit for bit. Requires 2^-1022 <= p[i] < 1
// (every engine uniform is in [2^-53, 1 - 2^-53]). out may be p (in place);
// otherwise the two must not overlap.
void lanes_normal_quantile(const double* p, std::size_t n, double* out);

// The steps of a walk over lanes of paths, each element exactly its scalar expression (no FMA):
//   lanes_walk_div:    out[i] = prev[i] + x[i] / d
//   lanes_walk_affine: out[i] = prev[i] + (a + b * x[i])
//   lanes_add_scaled:  out[i] = out[i] + c * x[i]
// out may be prev; otherwise no output overlaps an input.
void lanes_walk_div(const double* prev, const double* x, double d, std::size_t n, double* out);
void lanes_walk_affine(const double* prev, const double* x, double a, double b, std::size_t n,
                       double* out);
void lanes_add_scaled(const double* x, double c, std::size_t n, double* out);

// out[i] = a * num[i] / den[i] ((a num[i]) / den[i]) for i < n, bit for bit.
void lanes_ratio(double a, const double* num, const double* den, std::size_t n, double* out);

// acc[i] = acc[i] + x[i] * c1 * c2 ((x[i] c1) c2) for each i < n with j < limit[i]; every
// other acc[i] keeps its bits. Returns whether any term added is infinite or NaN. No output
// overlaps an input.
bool lanes_masked_add_scaled(const double* x, double c1, double c2, const double* limit, double j,
                             std::size_t n, double* acc);

// out[i] = the number of edges <= x[i] (bucket_of() of engine/bucket_summary.hpp) for i < n, on
// lanes of values, one comparison per edge, with the same results on every target. Requires
// edges sorted, without NaN, fewer than 256 (a byte each).
void lanes_buckets(std::span<const double> edges, const double* x, std::size_t n,
                   std::uint8_t* out);

}  // namespace vestsim::engine
