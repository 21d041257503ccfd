// Counter-based random streams (docs/model.md#9-randomness-and-reproducibility,
// docs/design.md#1-randomness-is-a-value-not-a-place).
//
// A draw is a pure function of (run seed, stream, path index, draw index):
// no generator state lives anywhere, so path i sees the same numbers on any
// thread count, block size, or set of other streams.
//
// Layout of one Philox4x32-10 call:
//   key     = (lo32, hi32) of mix(seed, FNV-1a-64(stream name))
//   counter = (path lo32, path hi32, draw / 2, 0)
// Each call yields 128 bits = two 64-bit words; draw d uses word d % 2.
// A uniform keeps the top 52 bits k of its word and returns (2k + 1) / 2^53:
// 2^52 equally spaced values, each exactly representable, spanning
// [2^-53, 1 - 2^-53], so strictly inside (0, 1). (With 53 bits the top value
// (2^53 - 0.5) / 2^53 would round to 1.0.)
//
// Contracts: every function here accepts any argument values and throws nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <Random123/philox.h>

namespace vestsim::engine {

struct StreamKey {
  std::uint32_t k0 = 0;
  std::uint32_t k1 = 0;
  friend bool operator==(StreamKey, StreamKey) = default;
};

// 64-bit FNV-1a of a stream name; stable across platforms and releases.
constexpr std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// SplitMix64 finaliser: a bijection, so distinct (seed ^ hash) stay distinct.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr StreamKey make_stream_key(std::uint64_t seed, std::string_view name) {
  const std::uint64_t h = mix64(mix64(seed) ^ hash_name(name));
  return {static_cast<std::uint32_t>(h), static_cast<std::uint32_t>(h >> 32)};
}

using PhiloxBlock = std::array<std::uint32_t, 4>;

// Raw Philox4x32-10 on an explicit counter and key (KAT tests, bench).
inline PhiloxBlock philox4x32_10(const PhiloxBlock& ctr, std::uint32_t k0, std::uint32_t k1) {
  r123::Philox4x32 gen;
  r123::Philox4x32::ctr_type c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
  r123::Philox4x32::key_type k = {{k0, k1}};
  const auto r = gen(c, k);
  return {r[0], r[1], r[2], r[3]};
}

// The uniform of one 64-bit word: in [2^-53, 1 - 2^-53] for every word.
inline double uniform_from_word(std::uint64_t word) {
  return static_cast<double>(((word >> 12) << 1) | 1u) * 0x1p-53;
}

// The pair of uniforms (draws 2j and 2j + 1) of one Philox call. The kernel
// reads one of them per call (uniform()); reading both would change the
// stream layout every report rests on.
inline std::array<double, 2> uniform_pair(StreamKey key, std::uint64_t path, std::uint32_t pair) {
  const PhiloxBlock r = philox4x32_10(
      {static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32), pair, 0}, key.k0,
      key.k1);
  return {uniform_from_word((std::uint64_t{r[1]} << 32) | r[0]),
          uniform_from_word((std::uint64_t{r[3]} << 32) | r[2])};
}

// Draw `draw` of stream `key` on path `path`: the definition every faster
// reader must reproduce bit for bit.
inline double uniform(StreamKey key, std::uint64_t path, std::uint32_t draw) {
  return uniform_pair(key, path, draw >> 1)[draw & 1u];
}

}  // namespace vestsim::engine
