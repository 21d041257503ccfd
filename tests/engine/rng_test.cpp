#include <set>

#include <catch2/catch.hpp>

#include "engine/rng.hpp"

using namespace vestsim::engine;

TEST_CASE("Philox4x32-10 matches Random123's published known-answer vectors", "[rng]") {
  // Random123 examples/kat_vectors, lines "philox4x32 10 ...": counter[4] key[2] -> output[4].
  CHECK(philox4x32_10({0, 0, 0, 0}, 0, 0) ==
        PhiloxBlock{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, 0xffffffff, 0xffffffff) ==
        PhiloxBlock{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0) ==
        PhiloxBlock{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("uniforms lie strictly inside (0, 1) on a 2^-52 grid", "[rng]") {
  CHECK(uniform_from_word(0) == 0x1p-53);
  CHECK(uniform_from_word(~0ull) < 1.0);
  CHECK(uniform_from_word(~0ull) == 1.0 - 0x1p-53);
  // Neighbouring values differ by exactly 2^-52; the low 12 bits are dropped.
  CHECK(uniform_from_word(1ull << 12) - uniform_from_word(0) == 0x1p-52);
  CHECK(uniform_from_word(0xfffull) == uniform_from_word(0));
  CHECK(uniform_from_word(0x8000000000000000ull) == 0.5 + 0x1p-53);
}

TEST_CASE("a draw is a pure function of (seed, stream, path, draw)", "[rng]") {
  const StreamKey a = make_stream_key(1, "departure");
  const StreamKey b = make_stream_key(1, "exit_time/huggingface");
  const StreamKey a2 = make_stream_key(2, "departure");
  CHECK_FALSE(a == b);
  CHECK_FALSE(a == a2);
  // Same address, same number, regardless of what else was drawn before.
  const double first = uniform(a, 12345, 7);
  for (int i = 0; i < 10; ++i) (void)uniform(b, 12345, static_cast<std::uint32_t>(i));
  CHECK(uniform(a, 12345, 7) == first);
  CHECK(uniform(a, 12346, 7) != first);
  CHECK(uniform(a, 12345, 6) != first);
}

TEST_CASE("stream keys of distinct names do not collide", "[rng]") {
  std::set<std::pair<std::uint32_t, std::uint32_t>> keys;
  for (int i = 0; i < 5000; ++i) {
    const StreamKey k = make_stream_key(7, "stream/" + std::to_string(i));
    keys.insert({k.k0, k.k1});
  }
  CHECK(keys.size() == 5000);
}
