#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/bucket_summary.hpp"
#include "engine/distributions.hpp"
#include "engine/ieee_math.hpp"
#include "engine/lanes.hpp"
#include "engine/normal.hpp"
#include "engine/rng.hpp"

using namespace vestsim::engine;

namespace {

// Runs `check` once under every target this CPU supports, then restores the best.
template <class F>
void for_each_target(F check) {
  const std::vector<SimdTarget> targets = supported_simd_targets();
  for (SimdTarget t : targets) {
    set_simd_target(t);
    INFO("target " << simd_target_name(t));
    check(t);
  }
  set_simd_target(targets.back());
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// The mismatches of even[i] and odd[i] with the scalar generator's draws 2 pair(i) and
// 2 pair(i) + 1 of path path(i) (as normals when `normal`), i < n, and of even[n] and odd[n]
// with -7 (nothing written past n). Adds 2 n to `checked`.
template <class PathOf, class PairOf>
std::size_t lane_mismatches(StreamKey key, bool normal, PathOf path, PairOf pair, std::uint32_t n,
                            const std::vector<double>& even, const std::vector<double>& odd,
                            std::size_t& checked) {
  std::size_t mismatches = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    double e = uniform(key, path(i), 2 * pair(i)), o = uniform(key, path(i), 2 * pair(i) + 1);
    if (normal) {
      e = normal_quantile(e);
      o = normal_quantile(o);
    }
    mismatches += !same_bits(even[i], e) + !same_bits(odd[i], o);
    checked += 2;
  }
  return mismatches + (even[n] != -7.0 || odd[n] != -7.0);
}

}  // namespace

TEST_CASE("forcing a target makes Highway dispatch to it", "[lanes]") {
  REQUIRE(supported_simd_targets().front() == SimdTarget::kScalar);
  for_each_target([](SimdTarget t) {
    const std::string expected = t == SimdTarget::kScalar ? "scalar"
                                 : t == SimdTarget::kSse4 ? "SSE4"
                                 : t == SimdTarget::kAvx2 ? "AVX2"
                                                          : "AVX3";
    CHECK(std::string(dispatched_target_name()) == expected);
    const std::size_t lanes = t == SimdTarget::kScalar ? 1
                              : t == SimdTarget::kSse4 ? 2
                              : t == SimdTarget::kAvx2 ? 4
                                                       : 8;
    CHECK(simd_lanes() == lanes);
  });
}

TEST_CASE("target names parse both ways, unknown names do not", "[lanes]") {
  for (SimdTarget t :
       {SimdTarget::kScalar, SimdTarget::kSse4, SimdTarget::kAvx2, SimdTarget::kAvx512})
    CHECK(parse_simd_target(simd_target_name(t)) == t);
  CHECK_FALSE(parse_simd_target("avx3").has_value());
  CHECK_FALSE(parse_simd_target("").has_value());
}

TEST_CASE("lane draws equal the scalar generator bit for bit on every target", "[lanes]") {
  // Paths across the 2^32 boundary (the counter's high word), odd counts
  // (partial vectors; 300: more than the 256 values the normals gather tails over at once),
  // even and odd draws of small and large pairs.
  const std::uint64_t firsts[] = {0, 5, (std::uint64_t{1} << 32) - 3, 123456789012345};
  const std::uint32_t counts[] = {1, 3, 8, 37, 300};
  const std::uint32_t pairs[] = {0, 1, 23, (1u << 31) - 1};
  for_each_target([&](SimdTarget) {
    std::size_t mismatches = 0, checked = 0;
    for (const char* name : {"stock.google", "departure"})
      for (bool normal : {false, true})
        for (std::uint64_t first : firsts)
          for (std::uint32_t n : counts)
            for (std::uint32_t pair : pairs) {
              const StreamKey key = make_stream_key(42, name);
              std::vector<double> even(n + 1, -7.0), odd(n + 1, -7.0);
              fill_lanes({key, pair, normal}, first, n, even.data(), odd.data());
              mismatches += lane_mismatches(
                  key, normal, [&](std::uint32_t i) { return first + i; },
                  [&](std::uint32_t) { return pair; }, n, even, odd, checked);
            }
    CHECK(checked > 0);
    CHECK(mismatches == 0);
  });
}

TEST_CASE("lane draws of listed paths and pairs equal the scalar generator bit for bit",
          "[lanes]") {
  // Each lane its own path and pair: paths out of order, repeated and across the 2^32 boundary,
  // pairs small and the last a 32-bit draw index reaches (2^31 - 1); counts that leave a partial
  // vector on every target.
  const std::uint64_t some_paths[] = {
      9, 3, (std::uint64_t{1} << 32) - 1, std::uint64_t{1} << 32, 3, 123456789012345, 0};
  const std::uint64_t some_pairs[] = {30, 0, 1, 31, (1u << 31) - 1, 59, 30, 2};
  const std::uint32_t counts[] = {1, 3, 7, 8, 37, 300};
  const StreamKey key = make_stream_key(42, "huggingface.growth");
  for_each_target([&](SimdTarget) {
    std::size_t mismatches = 0, checked = 0;
    for (bool normal : {false, true})
      for (std::uint32_t n : counts) {
        std::vector<std::uint64_t> paths(n), pairs(n);
        for (std::uint32_t i = 0; i < n; ++i) {
          paths[i] = some_paths[i % 7] + i / 7;
          pairs[i] = some_pairs[i % 8];
        }
        std::vector<double> even(n + 1, -7.0), odd(n + 1, -7.0);
        fill_lanes_at(key, normal, paths.data(), pairs.data(), n, even.data(), odd.data());
        mismatches += lane_mismatches(
            key, normal, [&](std::uint32_t i) { return paths[i]; },
            [&](std::uint32_t i) { return static_cast<std::uint32_t>(pairs[i]); }, n, even, odd,
            checked);
      }
    CHECK(checked == 2 * 2 * (1 + 3 + 7 + 8 + 37 + 300));
    CHECK(mismatches == 0);
  });
}

TEST_CASE("one path's draws on lanes of pairs equal the scalar generator bit for bit", "[lanes]") {
  // Paths across the 2^32 boundary, pair counts that fill no vector, one and several, first
  // pairs near the end of the counter's range; 131 pairs: many sets of vectors and a partial one.
  const std::uint64_t paths[] = {0, 7, (std::uint64_t{1} << 32) + 1, 123456789012345};
  const std::uint32_t firsts[] = {0, 3, (1u << 31) - 200};
  const std::uint32_t counts[] = {1, 5, 8, 19, 131};
  for_each_target([&](SimdTarget) {
    std::size_t mismatches = 0, checked = 0;
    for (bool normal : {false, true})
      for (std::uint64_t path : paths)
        for (std::uint32_t first : firsts)
          for (std::uint32_t n : counts) {
            const StreamKey key = make_stream_key(42, "growth.a");
            std::vector<double> out(2 * n + 1, -7.0);
            fill_path_draws(key, path, first, n, normal, out.data());
            for (std::uint32_t d = 0; d < 2 * n; ++d) {
              const double u = uniform(key, path, 2 * first + d);
              mismatches += !same_bits(out[d], normal ? normal_quantile(u) : u);
              ++checked;
            }
            mismatches += out[2 * n] != -7.0;  // nothing past 2 n
          }
    CHECK(checked > 0);
    CHECK(mismatches == 0);
  });
}

// Several streams of one path at once (the correlated drivers past the plan): each stream's
// draws from its own first pair, the same bits as the scalar generator. 1 to 5 streams (sets
// of 4, 2 and 1 vectors mixed), pair counts that fill no vector, one and several.
TEST_CASE("several streams' draws of one path on lanes equal the scalar generator", "[lanes]") {
  const std::uint64_t path = (std::uint64_t{1} << 32) + 5;
  for_each_target([&](SimdTarget) {
    std::size_t mismatches = 0, checked = 0;
    for (bool normal : {false, true})
      for (std::size_t streams = 1; streams <= 5; ++streams)
        for (std::uint32_t n : {1u, 3u, 8u, 19u}) {
          std::vector<StreamKey> keys;
          std::vector<std::uint32_t> firsts;
          std::vector<std::vector<double>> out(streams, std::vector<double>(2 * n + 1, -7.0));
          std::vector<double*> at;
          for (std::size_t k = 0; k < streams; ++k) {
            keys.push_back(make_stream_key(42, "driver" + std::to_string(k)));
            firsts.push_back(static_cast<std::uint32_t>(11 * k + 30));
            at.push_back(out[k].data());
          }
          fill_path_draws(keys, firsts, path, n, normal, at.data());
          for (std::size_t k = 0; k < streams; ++k) {
            for (std::uint32_t d = 0; d < 2 * n; ++d) {
              const double u = uniform(keys[k], path, 2 * firsts[k] + d);
              mismatches += !same_bits(out[k][d], normal ? normal_quantile(u) : u);
              ++checked;
            }
            mismatches += out[k][2 * n] != -7.0;  // nothing past 2 n
          }
        }
    CHECK(checked > 0);
    CHECK(mismatches == 0);
  });
}

TEST_CASE("one output of a pair can be skipped", "[lanes]") {
  const StreamKey key = make_stream_key(3, "bonus");
  for_each_target([&](SimdTarget) {
    std::vector<double> odd(9);
    fill_lanes({key, 4, false}, 100, 9, nullptr, odd.data());
    for (std::uint32_t i = 0; i < 9; ++i) CHECK(same_bits(odd[i], uniform(key, 100 + i, 9)));
  });
}

TEST_CASE("lane exp, log and inverse normal equal the scalar ones bit for bit", "[lanes]") {
  // Random arguments over the fast ranges and beyond, plus the special values.
  const StreamKey key = make_stream_key(9, "lanes-math");
  std::vector<double> xs, ps;
  for (std::uint64_t i = 0; i < 200000; ++i) {
    const double u = uniform(key, i, 0), v = uniform(key, i, 1);
    xs.push_back((2 * u - 1) * (v < 0.5 ? 40.0 : 800.0));            // exp: in and out of range
    xs.push_back(std::ldexp(u, static_cast<int>(v * 2100) - 1075));  // log: subnormal .. huge
    ps.push_back(u);
    ps.push_back(std::ldexp(u, -static_cast<int>(v * 60)));  // deep lower tail
    ps.push_back(1 - std::ldexp(u, -static_cast<int>(v * 53)));
  }
  const double inf = std::numeric_limits<double>::infinity();
  for (double x : {0.0, -0.0, inf, -inf, std::nan(""), 709.78, -745.1, 1e-310, -1.0})
    xs.push_back(x);
  for (double p : {0x1p-53, 1 - 0x1p-53, 0.075, 0.925, 0.5, 0x1p-1022}) ps.push_back(p);
  for (double& p : ps) p = std::clamp(p, 0x1p-1022, 1 - 0x1p-53);
  for_each_target([&](SimdTarget) {
    std::vector<double> e(xs.size()), l(xs.size()), z(ps.size());
    lanes_exp(xs.data(), xs.size(), e.data());
    lanes_log(xs.data(), xs.size(), l.data());
    lanes_normal_quantile(ps.data(), ps.size(), z.data());
    std::size_t bad_exp = 0, bad_log = 0, bad_normal = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      bad_exp += !same_bits(e[i], ieee_exp(xs[i]));
      bad_log += !same_bits(l[i], ieee_log(xs[i]));
    }
    for (std::size_t i = 0; i < ps.size(); ++i)
      bad_normal += !same_bits(z[i], normal_quantile(ps[i]));
    CHECK(bad_exp == 0);
    CHECK(bad_log == 0);
    CHECK(bad_normal == 0);
    // In place (the kernel's price tables): the same bits.
    std::vector<double> in_place = xs, z_in_place = ps;
    lanes_exp(in_place.data(), in_place.size(), in_place.data());
    lanes_normal_quantile(z_in_place.data(), z_in_place.size(), z_in_place.data());
    std::size_t bad_in_place = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) bad_in_place += !same_bits(in_place[i], e[i]);
    for (std::size_t i = 0; i < ps.size(); ++i) bad_in_place += !same_bits(z_in_place[i], z[i]);
    CHECK(bad_in_place == 0);
    lanes_normal_quantile(nullptr, 0, nullptr);  // nothing to do (a sanitizer build checks it)
  });
}

// Short rows (a path's post-IPO months): every row length from 0 to 19, so every count of
// arguments past the last whole vector on every width, in place or not, with arguments in range,
// out of range (exp past 709, log of -1, 0 or a subnormal) and special, the odd one at each place.
TEST_CASE("lane exp and log of short rows equal the scalar ones bit for bit", "[lanes]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> odd = {800.0, -800.0, -1.0, 0.0, 1e-310, inf, -inf, std::nan("")};
  for_each_target([&](SimdTarget) {
    std::size_t bad = 0, rows = 0;
    for (std::size_t n = 0; n < 20; ++n)
      for (std::size_t at = 0; at <= n; ++at)
        for (const double special : odd) {
          std::vector<double> x(n);
          for (std::size_t i = 0; i < n; ++i) x[i] = 0.37 * static_cast<double>(i) - 2.5;
          if (at < n) x[at] = special;  // at == n: every argument in range
          std::vector<double> e(n), l(n), in_place = x;
          lanes_exp(x.data(), n, e.data());
          lanes_log(x.data(), n, l.data());
          lanes_exp(in_place.data(), n, in_place.data());
          for (std::size_t i = 0; i < n; ++i) {
            bad += !same_bits(e[i], ieee_exp(x[i])) + !same_bits(l[i], ieee_log(x[i])) +
                   !same_bits(in_place[i], e[i]);
          }
          ++rows;
        }
    CHECK(rows == 1680);
    CHECK(bad == 0);
  });
}

// lanes_poisson (the rounds' counts of a sub-block, models/company_paths.cpp): poisson_quantile's
// count on every target. Means over (0, 100] and past it (Boost's branch), 0, the smallest
// subnormal and 100 itself; uniforms anywhere, at 0, at 1 (the loop ends on p = 0; not past 100)
// and at a term's own cdf; counts that need 0 to several hundred terms; a last vector partial on
// every width.
TEST_CASE("lane Poisson counts equal poisson_quantile on every target", "[lanes]") {
  const StreamKey key = make_stream_key(9, "lanes-poisson");
  std::vector<double> mean, u;
  for (std::uint64_t i = 0; i < 20000; ++i) {
    const double a = uniform(key, i, 0), b = uniform(key, i, 1);
    mean.push_back(a < 0.7 ? 6 * a : a < 0.95 ? 120 * a : 200 * a);
    u.push_back(b);
  }
  for (double m : {0.0, 0x1p-1074, 1e-300, 0.4, 1.0, 4.4, 99.5, 100.0, 100.0000001, 300.0})
    for (double x : {0.0, 1e-300, 0.5, 1 - 0x1p-53, 1.0, ieee_exp(-m)}) {
      if (x == 1.0 && m > 100) continue;  // Boost's quantile overflows there; no draw is 1
      mean.push_back(m);
      u.push_back(x);
    }
  while (mean.size() % 8 != 7) {
    mean.push_back(2.5);
    u.push_back(uniform(key, mean.size(), 2));
  }
  std::vector<std::uint32_t> expected(mean.size());
  for (std::size_t i = 0; i < mean.size(); ++i) expected[i] = poisson_quantile(mean[i], u[i]);
  CHECK(*std::max_element(expected.begin(), expected.end()) > 150);  // long loops are covered
  for_each_target([&](SimdTarget) {
    std::vector<std::uint32_t> k(mean.size(), 12345);
    lanes_poisson(mean.data(), u.data(), mean.size(), k.data());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < mean.size(); ++i) bad += k[i] != expected[i];
    CHECK(bad == 0);
  });
}

TEST_CASE("samplers on lanes give each uniform's sample bit for bit on every target", "[lanes]") {
  // The scenario's kinds: the lognormal exit time and multiples, the bonus multiplier (a normal
  // truncated at 0), the exponential departure, ranges truncated on both sides or deep in a tail
  // (where lo + u (hi - lo) rounds to 1 and the chunk takes the scalar definition), and kinds
  // without lanes.
  std::vector<std::pair<const char*, Sampler>> samplers = {
      {"lognormal p10/p90", Sampler::lognormal_quantiles(0.1, 1.5, 0.9, 8)},
      {"lognormal median", Sampler::lognormal_median(1.2, 0.7)},
      {"normal", Sampler::normal(1, 0.2)},
      {"uniform", Sampler::uniform(0.05, 0.2)},
      {"exponential", Sampler::exponential(0.15)},
      {"triangular", Sampler::triangular(1, 2, 5)},
      {"constant", Sampler::constant(0.1)},
  };
  auto truncated = [](Sampler s, double lo, double hi) {
    REQUIRE(s.truncate(lo, hi));
    return s;
  };
  const double inf = std::numeric_limits<double>::infinity();
  samplers.emplace_back("normal, min 0", truncated(Sampler::normal(1, 0.2), 0, inf));
  samplers.emplace_back("normal in [0.9, 1.1]", truncated(Sampler::normal(1, 0.2), 0.9, 1.1));
  samplers.emplace_back("normal above 8 sd", truncated(Sampler::normal(0, 1), 8, inf));
  samplers.emplace_back("lognormal below 3", truncated(Sampler::lognormal(0, 1), 0, 3));
  samplers.emplace_back("exponential in [0.5, 5]", truncated(Sampler::exponential(0.15), 0.5, 5));
  samplers.emplace_back("exponential above 200", truncated(Sampler::exponential(0.15), 200, inf));
  const StreamKey key = make_stream_key(11, "lanes-samplers");
  std::vector<double> us;
  for (std::uint64_t i = 0; i < 4096; ++i) us.push_back(uniform(key, i, 0));
  for (double u : {0x1p-53, 1 - 0x1p-53, 0.5, 0.1, 0.9}) us.push_back(u);
  for (const auto& [name, s] : samplers) {
    INFO(name);
    for_each_target([&](SimdTarget) {
      // Lengths 1, 2, 3, 5, 8, 13 and 19 (partial vectors on every width), then the whole list.
      for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5},
                            std::size_t{8}, std::size_t{13}, std::size_t{19}, us.size()}) {
        INFO("n " << n);
        const std::size_t first = us.size() - n;  // the edge values are at the end
        std::vector<double> out(n), in_place(us.begin() + first, us.end());
        s.sample_lanes(us.data() + first, n, out.data());
        s.sample_lanes(in_place.data(), n, in_place.data());
        std::size_t bad = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const double want = s(us[first + i]);
          bad += !same_bits(out[i], want) + !same_bits(in_place[i], want);
        }
        CHECK(bad == 0);
      }
    });
  }
  // A truncated range at u = 0 and u = 1 stays on lanes (lo > 0, hi < 1): the quantile there
  // can round past the range's end, and the clamp brings it back, as operator() does.
  for (auto [lo, hi] : {std::pair{0.9, 1.1}, std::pair{0.5, 1.7}, std::pair{0.95, 1.3}}) {
    Sampler n = Sampler::normal(1, 0.2), ln = Sampler::lognormal(0, 0.3),
            e = Sampler::exponential(0.8);
    REQUIRE(n.truncate(lo, hi));
    REQUIRE(ln.truncate(lo, hi));
    REQUIRE(e.truncate(lo, hi));
    for (const Sampler* t : {&n, &ln, &e}) {
      const double both[] = {0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0};
      double out[9];
      for_each_target([&](SimdTarget) {
        t->sample_lanes(both, 9, out);
        for (int i = 0; i < 9; ++i) CHECK(same_bits(out[i], (*t)(both[i])));
      });
    }
  }
}

TEST_CASE("lane buckets equal bucket_of on every target, and count_buckets counts them",
          "[lanes]") {
  const StreamKey key = make_stream_key(9, "lanes-buckets");
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t size :
       {0, 1, 2, 3, 7, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 84, 200, 241, 255}) {
    INFO("edges " << size);
    std::vector<double> edges;
    for (std::size_t i = 0; i < size; ++i) edges.push_back(200 * uniform(key, i, 0) - 100);
    if (size >= 2) edges[1] = size % 2 ? -0.0 : 0.0;  // a zero edge, of either sign
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    // Random values, each edge and its neighbours, both zeros, subnormals, the largest and
    // infinite values, NaN; then random values up to a count that leaves the last vector
    // partial on every width (2, 4 and 8 doubles).
    std::vector<double> x;
    for (std::uint64_t i = 0; i < 1001; ++i) x.push_back(240 * uniform(key, i, 1) - 120);
    for (double e : edges)
      for (double v : {e, std::nextafter(e, -inf), std::nextafter(e, inf)}) x.push_back(v);
    const double big = std::numeric_limits<double>::max(), tiny = 0x1p-1074;
    for (double v : {0.0, -0.0, tiny, -tiny, big, -big, inf, -inf, std::nan("")}) x.push_back(v);
    while (x.size() % 8 != 7) x.push_back(240 * uniform(key, x.size(), 2) - 120);
    std::vector<std::uint64_t> expected(edges.size() + 1, 0);
    for (double v : x) ++expected[bucket_of(edges, v)];
    for_each_target([&](SimdTarget) {
      std::vector<std::uint8_t> b(x.size());
      lanes_buckets(edges, x.data(), x.size(), b.data());
      std::size_t bad = 0;
      for (std::size_t i = 0; i < x.size(); ++i) bad += b[i] != bucket_of(edges, x[i]);
      CHECK(bad == 0);
      std::vector<std::uint64_t> counts(edges.size() + 1, 1);  // counts add to what is there
      std::vector<std::uint8_t> again(x.size());
      count_buckets(edges, x, again.data(), counts.data());
      CHECK(again == b);
      for (std::uint64_t& c : counts) --c;
      CHECK(counts == expected);
    });
  }
}

// lanes_ratio and lanes_masked_add_scaled (models/offer_pricing.cpp's public grants on lanes):
// every element is its scalar expression's bits, on every target. Random amounts, zeros of both
// signs in the accumulators (a lane not added to keeps its -0), limits below, at and above j,
// an infinite or a NaN term on a lane added to (reported) or on one not added to (ignored);
// 1 to 19 lanes, so the last vector is partial on every width.
TEST_CASE("lane ratios and masked sums equal their scalar expressions bit for bit", "[lanes]") {
  const StreamKey key = make_stream_key(9, "lanes-masked");
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t n = 1; n <= 19; ++n) {
    std::vector<double> num(n), den(n), acc(n), limit(n);
    for (std::size_t i = 0; i < n; ++i) {
      num[i] = 1000 * uniform(key, i, 0);
      den[i] = 0.5 + uniform(key, i, 1);
      acc[i] = i % 5 == 0 ? -0.0 : i % 5 == 1 ? 0.0 : 1e5 * uniform(key, i, 2);
      limit[i] = static_cast<double>(i % 4);  // j = 2: lanes with limit 3 add, the rest keep
    }
    const double a = 1234.5, c1 = 0.97, c2 = 1.1, j = 2;
    // None; on lane 3 (limit 3: added) inf, then NaN; on lane 2 (masked) NaN, then inf.
    for (const int special : {0, 1, 2, 3, 4}) {
      std::vector<double> x(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = a * num[i] / den[i];
      if (special == 1 && n > 3) x[3] = inf;
      if (special == 2 && n > 2) x[2] = std::nan("");
      if (special == 3 && n > 3) x[3] = std::nan("");
      if (special == 4 && n > 2) x[2] = -inf;
      std::vector<double> expected = acc;
      bool bad = false;
      for (std::size_t i = 0; i < n; ++i) {
        if (!(j < limit[i])) continue;
        expected[i] = expected[i] + x[i] * c1 * c2;
        bad = bad || !std::isfinite(x[i] * c1 * c2);
      }
      INFO("n " << n << ", special " << special);
      // The test can fail: lane 3 adds, lane 2 does not.
      CHECK(bad == ((special == 1 || special == 3) && n > 3));
      for_each_target([&](SimdTarget) {
        std::vector<double> ratio(n), sum = acc;
        lanes_ratio(a, num.data(), den.data(), n, ratio.data());
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < n; ++i) wrong += !same_bits(ratio[i], a * num[i] / den[i]);
        CHECK(wrong == 0);
        CHECK(lanes_masked_add_scaled(x.data(), c1, c2, limit.data(), j, n, sum.data()) == bad);
        for (std::size_t i = 0; i < n; ++i) wrong += !same_bits(sum[i], expected[i]);
        CHECK(wrong == 0);
      });
    }
  }
}
