// Which instruction set the lane kernels run (engine/lanes.hpp): Highway
// detects the CPU; forcing a target disables every better one with
// hwy::DisableTargets, so HWY_DYNAMIC_DISPATCH picks the forced one.
#include <atomic>
#include <cassert>

#include <hwy/targets.h>

#include "engine/lanes.hpp"

namespace vestsim::engine {

namespace {

constexpr SimdTarget kAll[] = {SimdTarget::kScalar, SimdTarget::kSse4, SimdTarget::kAvx2,
                               SimdTarget::kAvx512};

// The Highway target bit of each of ours (0 for the reference, which uses none).
std::int64_t hwy_bit(SimdTarget t) {
  switch (t) {
    case SimdTarget::kScalar:
      return 0;
    case SimdTarget::kSse4:
      return HWY_SSE4;
    case SimdTarget::kAvx2:
      return HWY_AVX2;
    case SimdTarget::kAvx512:
      return HWY_AVX3;
  }
  return 0;
}

// What the CPU offers, read once before any target is disabled.
std::int64_t cpu_targets() {
  static const std::int64_t bits = hwy::SupportedTargets();
  return bits;
}

SimdTarget best_supported() {
  SimdTarget best = SimdTarget::kScalar;
  for (SimdTarget t : kAll)
    if (simd_target_supported(t)) best = t;
  return best;
}

std::atomic<SimdTarget>& active() {
  static std::atomic<SimdTarget> target{best_supported()};
  return target;
}

}  // namespace

std::string_view simd_target_name(SimdTarget target) {
  switch (target) {
    case SimdTarget::kScalar:
      return "scalar";
    case SimdTarget::kSse4:
      return "sse4";
    case SimdTarget::kAvx2:
      return "avx2";
    case SimdTarget::kAvx512:
      return "avx512";
  }
  return "scalar";
}

std::optional<SimdTarget> parse_simd_target(std::string_view name) {
  for (SimdTarget t : kAll)
    if (simd_target_name(t) == name) return t;
  return std::nullopt;
}

bool simd_target_supported(SimdTarget target) {
  return target == SimdTarget::kScalar || (cpu_targets() & hwy_bit(target)) != 0;
}

std::vector<SimdTarget> supported_simd_targets() {
  std::vector<SimdTarget> out;
  for (SimdTarget t : kAll)
    if (simd_target_supported(t)) out.push_back(t);
  return out;
}

SimdTarget simd_target() {
  return active().load(std::memory_order_relaxed);
}

void set_simd_target(SimdTarget target) {
  assert(simd_target_supported(target));
  cpu_targets();  // detect before disabling anything
  // Highway's bits: a lower bit is a better target. Disable every bit below
  // the forced one (kScalar keeps all: its lanes are never used).
  const std::int64_t bit = hwy_bit(target);
  hwy::DisableTargets(bit == 0 ? 0 : bit - 1);
  active().store(target, std::memory_order_relaxed);
}

}  // namespace vestsim::engine
