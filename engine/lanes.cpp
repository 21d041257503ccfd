// The lane kernels of engine/lanes.hpp, compiled once per Highway target
// (foreach_target.h re-includes this file) and picked at run time by
// HWY_DYNAMIC_DISPATCH. Only +, -, *, /, sqrt, floor and integer operations:
// no MulAdd and none of Highway's Exp/Log, whose results differ by target;
// -ffp-contract=off keeps the compiler from fusing a multiply and an add.
#include "engine/lanes.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <type_traits>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/lanes.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/distributions.hpp"
#include "engine/ieee_math.hpp"
#include "engine/normal.hpp"

HWY_BEFORE_NAMESPACE();
namespace vestsim::engine {
namespace HWY_NAMESPACE {

namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<double>;
using DU = hn::RebindToUnsigned<DF>;
using VF = hn::Vec<DF>;
using VU = hn::Vec<DU>;

// 2^52 + 2^51: adding it to an integer-valued double |k| < 2^51 is exact and
// leaves k in the low bits (two's complement), and back.
constexpr std::uint64_t kMagicBits = 0x4338000000000000ull;
constexpr double kMagic = 0x1.8p52;

HWY_INLINE VF int_to_double(VU k) {
  const DF df;
  const DU du;
  return hn::Sub(hn::BitCast(df, hn::Add(k, hn::Set(du, kMagicBits))), hn::Set(df, kMagic));
}

// Philox4x32-10 (engine/rng.hpp) on lanes: each 64-bit lane holds one 32-bit
// word of one path's counter; MulEven gives the full 32x32 -> 64 product.
struct PhiloxLanes {
  VU c0, c1, c2, c3;
};

// a m for a, m < 2^32 in each 64-bit lane: the full product.
HWY_INLINE VU mul_32x32(VU a, std::uint64_t m) {
  const DU du;
#if HWY_TARGET == HWY_SCALAR
  return hn::Mul(a, hn::Set(du, m));  // one 64-bit lane: a plain 64-bit product
#else
  const hn::Repartition<std::uint32_t, DU> d32;
  return hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, hn::Set(du, m)));
#endif
}

// Philox4x32-10 of kSets independent sets of lanes at once, round by round: each round's
// products wait on the previous round's, so one set alone leaves the multiplier idle between
// rounds. Set k's counters (c0[k], c1[k], c2[k], 0), each word < 2^32, and key keys[k].
template <int kSets>
HWY_INLINE void philox_sets(const VU* c0, const VU* c1, const VU* c2, const StreamKey* keys,
                            PhiloxLanes* out) {
  const DU du;
  const VU low = hn::Set(du, 0xffffffffull);
  std::uint32_t k0[kSets], k1[kSets];
  for (int k = 0; k < kSets; ++k) {
    out[k] = PhiloxLanes{c0[k], c1[k], c2[k], hn::Zero(du)};
    k0[k] = keys[k].k0;
    k1[k] = keys[k].k1;
  }
  for (int round = 0; round < 10; ++round) {
    for (int k = 0; k < kSets; ++k) {
      PhiloxLanes& s = out[k];
      const VU p0 = mul_32x32(s.c0, 0xD2511F53ull);
      const VU p1 = mul_32x32(s.c2, 0xCD9E8D57ull);
      s = PhiloxLanes{
          hn::Xor(hn::Xor(hn::ShiftRight<32>(p1), s.c1), hn::Set(du, k0[k])), hn::And(p1, low),
          hn::Xor(hn::Xor(hn::ShiftRight<32>(p0), s.c3), hn::Set(du, k1[k])), hn::And(p0, low)};
      k0[k] += 0x9E3779B9u;
      k1[k] += 0xBB67AE85u;
    }
  }
}

// uniform_from_word((hi << 32) | lo): the top 52 bits k of the word give
// (2k + 1) 2^-53 = ((1 + k 2^-52) - 1) + 2^-53, every step exact.
HWY_INLINE VF uniform_of(VU lo, VU hi) {
  const DF df;
  const DU du;
  const VU k = hn::Or(hn::ShiftLeft<20>(hi), hn::ShiftRight<12>(lo));
  const VF one_plus = hn::BitCast(df, hn::Or(k, hn::Set(du, 0x3FF0000000000000ull)));
  return hn::Add(hn::Sub(one_plus, hn::Set(df, 1.0)), hn::Set(df, 0x1p-53));
}

HWY_INLINE VF horner(const as241::Coefficients& c, VF r) {
  const DF df;
  VF acc = hn::Set(df, c[0]);
  for (std::size_t i = 1; i < c.size(); ++i) acc = hn::Add(hn::Mul(acc, r), hn::Set(df, c[i]));
  return acc;
}

// ieee_log for positive normal x (the only inputs the inverse normal gives it).
HWY_INLINE VF log_positive_normal(VF x) {
  const DF df;
  const DU du;
  VU bits = hn::BitCast(du, x);
  VU hx = hn::ShiftRight<32>(bits);
  const VU exponent = hn::ShiftRight<20>(hx);
  hx = hn::And(hx, hn::Set(du, 0x000fffffull));
  const VU i = hn::And(hn::Add(hx, hn::Set(du, 0x95f64ull)), hn::Set(du, 0x100000ull));
  hx = hn::Or(hx, hn::Xor(i, hn::Set(du, 0x3ff00000ull)));
  const VU k = hn::Sub(hn::Add(exponent, hn::ShiftRight<20>(i)), hn::Set(du, 1023));
  bits = hn::Or(hn::ShiftLeft<32>(hx), hn::And(bits, hn::Set(du, 0xffffffffull)));
  const VF f = hn::Sub(hn::BitCast(df, bits), hn::Set(df, 1.0));
  const VF s = hn::Div(f, hn::Add(hn::Set(df, 2.0), f));
  const VF z = hn::Mul(s, s), w = hn::Mul(z, z);
  const auto c = [&](double v) { return hn::Set(df, v); };
  const auto madd = [](VF a, VF b, VF d) { return hn::Add(d, hn::Mul(a, b)); };  // d + a b
  const VF t1 = hn::Mul(
      w, madd(w, madd(w, c(ieee_detail::kLg6), c(ieee_detail::kLg4)), c(ieee_detail::kLg2)));
  const VF t2 = hn::Mul(
      z, madd(w, madd(w, madd(w, c(ieee_detail::kLg7), c(ieee_detail::kLg5)), c(ieee_detail::kLg3)),
              c(ieee_detail::kLg1)));
  const VF R = hn::Add(t2, t1);
  const VF hfsq = hn::Mul(hn::Mul(c(0.5), f), f);
  const VF dk = int_to_double(k);
  const VF inner = hn::Add(hn::Mul(s, hn::Add(hfsq, R)), hn::Mul(dk, c(ieee_detail::kLn2Lo)));
  return hn::Sub(hn::Mul(dk, c(ieee_detail::kLn2Hi)), hn::Sub(hn::Sub(hfsq, inner), f));
}

// ieee_exp for -708 <= x <= 709, where 2^k needs no scaling.
HWY_INLINE VF exp_in_range(VF x) {
  const DF df;
  const DU du;
  const auto c = [&](double v) { return hn::Set(df, v); };
  using namespace ieee_detail;
  const VF kd = hn::Floor(hn::Add(hn::Mul(x, c(kInvLn2)), c(0.5)));
  const VF hi = hn::Sub(x, hn::Mul(kd, c(kLn2Hi))), lo = hn::Mul(kd, c(kLn2Lo));
  const VF r = hn::Sub(hi, lo);
  const VF t = hn::Mul(r, r);
  const auto step = [&](VF acc, double p) { return hn::Add(c(p), hn::Mul(t, acc)); };
  const VF poly = step(step(step(step(c(kExpP5), kExpP4), kExpP3), kExpP2), kExpP1);
  const VF cc = hn::Sub(r, hn::Mul(t, poly));
  const VF frac = hn::Div(hn::Mul(r, cc), hn::Sub(c(2.0), cc));
  const VF y = hn::Sub(c(1.0), hn::Sub(hn::Sub(lo, frac), hi));
  const VU k = hn::Sub(hn::BitCast(du, hn::Add(kd, c(kMagic))), hn::Set(du, kMagicBits));
  const VU pow2 = hn::ShiftLeft<52>(hn::Add(k, hn::Set(du, 1023)));
  return hn::Mul(y, hn::BitCast(df, pow2));
}

// The central branch of normal_quantile on lanes (|p - 0.5| <= kCentralSplit), q = p - 0.5.
HWY_INLINE VF normal_central(VF q) {
  using namespace as241;
  const DF df;
  const VF rc = hn::Sub(hn::Set(df, kCentralConst), hn::Mul(q, q));
  return hn::Div(hn::Mul(q, horner(kCentralNum, rc)), horner(kCentralDen, rc));
}

// The tail branches of normal_quantile on lanes, for p outside the central split (any p in
// (0, 1) is a valid argument; only those lanes' results are used).
HWY_INLINE VF normal_tail(VF p) {
  using namespace as241;
  const DF df;
  const auto c = [&](double v) { return hn::Set(df, v); };
  const auto negative = hn::Lt(hn::Sub(p, c(0.5)), c(0.0));
  const VF tail_p = hn::IfThenElse(negative, p, hn::Sub(c(1.0), p));
  const VF r = hn::Sqrt(hn::Neg(log_positive_normal(tail_p)));
  const auto near = hn::Le(r, c(kFarSplit));
  const VF rn = hn::Sub(r, c(kNearShift));
  VF x = hn::Div(horner(kNearNum, rn), horner(kNearDen, rn));
  if (!hn::AllTrue(df, near)) {
    const VF rf = hn::Sub(r, c(kFarSplit));
    x = hn::IfThenElse(near, x, hn::Div(horner(kFarNum, rf), horner(kFarDen, rf)));
  }
  return hn::IfThenElse(negative, hn::Neg(x), x);
}

// Calls fn(p, at, i) for each vector of the values x[begin, end): i the index of its first value,
// p its values, `at` where fn stores its results for them. The last vector may be partial: p is
// then padded with 0.5 (a central value) and `at` is scratch, copied back to x.
template <class Fn>
HWY_INLINE void each_vector_in_place(double* x, std::size_t begin, std::size_t end, Fn fn) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  HWY_ALIGN double part[hn::MaxLanes(df)];
  for (std::size_t i = begin; i < end; i += w) {
    const bool whole = i + w <= end;
    if (!whole) {
      std::fill(part, part + w, 0.5);
      std::memcpy(part, x + i, (end - i) * sizeof(double));
    }
    double* at = whole ? x + i : part;
    fn(hn::LoadU(df, at), at, i);
    if (!whole) std::memcpy(x + i, part, (end - i) * sizeof(double));
  }
}

// hn::CompressStore, but through a register: Highway 1.0.3 stores with AVX-512's memory-destination
// compress, which is microcoded on AMD Zen 4 (a quarter of FillLanes' samples there, and a row pair
// of normals for 128 paths 1.44 us against 0.87 us so; bench/vestsim_bench BM_LaneRows/3/1). On
// Intel both forms are a compress and a store. Extra lanes are stored past the count.
template <class D>
HWY_INLINE std::size_t compress_store_u(hn::Vec<D> v, hn::Mask<D> mask, D d, hn::TFromD<D>* out) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  const hn::RebindToUnsigned<D> du;
  const __m512i packed =
      _mm512_maskz_compress_epi64(static_cast<__mmask8>(mask.raw), hn::BitCast(du, v).raw);
  hn::StoreU(hn::BitCast(d, hn::Vec<decltype(du)>{packed}), d, out);
  return hn::CountTrue(d, mask);
#else
  return hn::CompressStore(v, mask, d, out);
#endif
}

// normal_quantile of the n values at x (each in [2^-1022, 1)), in place, on lanes. About 15% of
// uniforms fall in a tail, so most vectors of 8 hold one: rather than both branches on every such
// vector, the central branch runs on every vector and the tail branches only on the tail lanes,
// gathered into vectors of their own. Each value goes through normal_quantile's operations for
// its branch, in its order: the same bits.
HWY_INLINE void normal_row(double* x, std::size_t n) {
  const DF df;
  const DU du;
  const std::size_t w = hn::Lanes(df);
  constexpr std::size_t kChunk = 256;
  // CompressStore may write a whole vector past the count.
  HWY_ALIGN double tail_p[kChunk + hn::MaxLanes(df)];
  HWY_ALIGN std::uint64_t tail_at[kChunk + hn::MaxLanes(df)];
  for (std::size_t begin = 0; begin < n; begin += kChunk) {
    std::size_t m = 0;
    each_vector_in_place(
        x, begin, std::min(n, begin + kChunk), [&](VF p, double* at, std::size_t i) {
          const VF q = hn::Sub(p, hn::Set(df, 0.5));
          const auto central = hn::Le(hn::Abs(q), hn::Set(df, as241::kCentralSplit));
          hn::StoreU(normal_central(q), df, at);
          if (hn::AllTrue(df, central)) return;
          const auto tail = hn::Not(central);
          compress_store_u(hn::Iota(du, i), hn::RebindMask(du, tail), du, tail_at + m);
          m += compress_store_u(p, tail, df, tail_p + m);
        });
    for (std::size_t j = m; j % w != 0; ++j) tail_p[j] = 0.25;  // padding: results unused
    for (std::size_t j = 0; j < m; j += w)
      hn::Store(normal_tail(hn::Load(df, tail_p + j)), df, tail_p + j);
    for (std::size_t j = 0; j < m; ++j) x[tail_at[j]] = tail_p[j];
  }
}

// normal_row for a few values (a path's 16 draws past the plan): both branches on any vector
// with a tail lane, each lane keeping its own. Gathering the tails does not pay for so few: 16
// normals of one path took 136 ns gathered, 116 ns so on AVX-512 (197 and 150 ns on AVX2;
// bench/vestsim_bench BM_PathTail).
HWY_INLINE void normal_short(double* x, std::size_t n) {
  const DF df;
  each_vector_in_place(x, 0, n, [&](VF p, double* at, std::size_t) {
    const VF q = hn::Sub(p, hn::Set(df, 0.5));
    const auto central = hn::Le(hn::Abs(q), hn::Set(df, as241::kCentralSplit));
    VF z = normal_central(q);
    if (!hn::AllTrue(df, central)) z = hn::IfThenElse(central, z, normal_tail(p));
    hn::StoreU(z, df, at);
  });
}

// normal_quantile of a row of values in place: their tails gathered (normal_row) where a compress
// is cheap, both branches per vector (normal_short) on AVX2, whose 4-lane compress of doubles is
// emulated and costs more than it saves: a row pair of normals for 128 paths took 2.2-2.9 us
// gathered, 1.5-1.8 us not (on AVX-512: 0.61-0.64 us gathered, 0.84-0.90 us not; BM_LaneRows,
// two sessions).
HWY_INLINE void normal_rows(double* x, std::size_t n) {
#if HWY_TARGET == HWY_AVX2
  normal_short(x, n);
#else
  normal_row(x, n);
#endif
}

// Stores the first n lanes of v at out (all of them when n >= Lanes).
HWY_INLINE void store_first(VF v, std::size_t n, double* out) {
  const DF df;
  if (n >= hn::Lanes(df)) {
    hn::StoreU(v, df, out);
    return;
  }
  HWY_ALIGN double tmp[hn::MaxLanes(df)];
  hn::Store(v, df, tmp);
  std::memcpy(out, tmp, n * sizeof(double));
}

void FillLanes(const LaneSlot& s, std::uint64_t first_path, std::uint32_t n, double* even,
               double* odd) {
  const DF df;
  const DU du;
  const std::size_t w = hn::Lanes(df);
  // Paths at .. at + kSets w - 1 (those below n), kSets vectors at once.
  const VU low = hn::Set(du, 0xffffffffull), pair = hn::Set(du, s.pair);
  const auto run = [&](auto sets, std::size_t at) {
    constexpr int kSets = decltype(sets)::value;
    VU c0[kSets], c1[kSets], c2[kSets];
    for (int k = 0; k < kSets; ++k) {
      const VU path = hn::Iota(du, first_path + at + static_cast<std::size_t>(k) * w);
      c0[k] = hn::And(path, low);
      c1[k] = hn::ShiftRight<32>(path);
      c2[k] = pair;
    }
    PhiloxLanes r[kSets];
    StreamKey keys[kSets];
    std::fill(keys, keys + kSets, s.key);
    philox_sets<kSets>(c0, c1, c2, keys, r);
    for (int k = 0; k < kSets; ++k) {
      const std::size_t first = at + static_cast<std::size_t>(k) * w;
      if (even) store_first(uniform_of(r[k].c0, r[k].c1), n - first, even + first);
      if (odd) store_first(uniform_of(r[k].c2, r[k].c3), n - first, odd + first);
    }
  };
  // Four sets of lanes at a time, then the rest one at a time: on AVX-512, a row pair of
  // uniforms for 128 paths took 562 ns one set at a time, 302 ns two at a time, 170 ns four at a
  // time, 298-366 ns eight at a time (their 32 state vectors spill) (BM_LaneRows).
  std::size_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) run(std::integral_constant<int, 4>(), i);
  for (; i < n; i += w) run(std::integral_constant<int, 1>(), i);
  if (!s.normal) return;
  if (even) normal_rows(even, n);
  if (odd) normal_rows(odd, n);
}

// FillLanes of listed paths and pairs: lane i draws pair pairs[i] of path paths[i]. A copy of
// its loop rather than one template for both: with the consecutive paths' counters made from the
// same template, a row pair of uniforms took 249-299 ns against 219-229 ns (BM_LaneRows/3/0).
void FillListedLanes(const LaneSlot& s, const std::uint64_t* paths, const std::uint64_t* pairs,
                     std::uint32_t n, double* even, double* odd) {
  const DF df;
  const DU du;
  const std::size_t w = hn::Lanes(df);
  const VU low = hn::Set(du, 0xffffffffull);
  const auto load = [&](const std::uint64_t* x, std::size_t first) {
    if (first + w <= n) return hn::LoadU(du, x + first);
    HWY_ALIGN std::uint64_t rest[hn::MaxLanes(du)] = {};  // a partial vector: no read past n
    std::copy(x + first, x + n, rest);
    return hn::Load(du, rest);
  };
  const auto run = [&](auto sets, std::size_t at) {
    constexpr int kSets = decltype(sets)::value;
    VU c0[kSets], c1[kSets], c2[kSets];
    for (int k = 0; k < kSets; ++k) {
      const std::size_t first = at + static_cast<std::size_t>(k) * w;
      const VU path = load(paths, first);
      c0[k] = hn::And(path, low);
      c1[k] = hn::ShiftRight<32>(path);
      c2[k] = load(pairs, first);
    }
    PhiloxLanes r[kSets];
    StreamKey keys[kSets];
    std::fill(keys, keys + kSets, s.key);
    philox_sets<kSets>(c0, c1, c2, keys, r);
    for (int k = 0; k < kSets; ++k) {
      const std::size_t first = at + static_cast<std::size_t>(k) * w;
      store_first(uniform_of(r[k].c0, r[k].c1), n - first, even + first);
      store_first(uniform_of(r[k].c2, r[k].c3), n - first, odd + first);
    }
  };
  std::size_t i = 0;
  for (; i + 4 * w <= n; i += 4 * w) run(std::integral_constant<int, 4>(), i);
  for (; i < n; i += w) run(std::integral_constant<int, 1>(), i);
  if (!s.normal) return;
  normal_rows(even, n);
  normal_rows(odd, n);
}

void FillPathDraws(const StreamKey* keys, const std::uint32_t* first_pairs, std::size_t streams,
                   std::uint64_t path, std::uint32_t pairs, bool normal, double* const* out) {
  const DF df;
  const DU du;
  const auto w = static_cast<std::uint32_t>(hn::Lanes(df));
  const VU lo = hn::Set(du, path & 0xffffffffull), hi = hn::Set(du, path >> 32);
  HWY_ALIGN double even[hn::MaxLanes(df)], odd[hn::MaxLanes(df)];
  // The vectors to fill: stream s's pairs at .. at + w - 1 (those below `pairs`), taken in
  // order, kSets at once (as FillLanes), each set with its own stream's key.
  const std::uint32_t per_stream = (pairs + w - 1) / w;
  const auto total = static_cast<std::uint32_t>(streams) * per_stream;
  const auto run = [&](auto sets, std::uint32_t job) {
    constexpr int kSets = decltype(sets)::value;
    VU c0[kSets], c1[kSets], c2[kSets];
    StreamKey key[kSets];
    for (int k = 0; k < kSets; ++k) {
      const std::uint32_t stream = (job + k) / per_stream, at = (job + k) % per_stream * w;
      c0[k] = lo;
      c1[k] = hi;
      c2[k] = hn::Iota(du, std::uint64_t{first_pairs[stream]} + at);
      key[k] = keys[stream];
    }
    PhiloxLanes r[kSets];
    philox_sets<kSets>(c0, c1, c2, key, r);
    for (int k = 0; k < kSets; ++k) {
      hn::Store(uniform_of(r[k].c0, r[k].c1), df, even);
      hn::Store(uniform_of(r[k].c2, r[k].c3), df, odd);
      const std::uint32_t stream = (job + k) / per_stream, at = (job + k) % per_stream * w;
      for (std::uint32_t j = 0; j < w && at + j < pairs; ++j) {
        out[stream][2 * (at + j)] = even[j];
        out[stream][2 * (at + j) + 1] = odd[j];
      }
    }
  };
  std::uint32_t job = 0;
  for (; job + 4 <= total; job += 4) run(std::integral_constant<int, 4>(), job);
  for (; job + 2 <= total; job += 2) run(std::integral_constant<int, 2>(), job);
  for (; job < total; ++job) run(std::integral_constant<int, 1>(), job);
  if (normal)
    for (std::size_t k = 0; k < streams; ++k) normal_short(out[k], 2 * std::size_t{pairs});
}

// Applies `lanes` where every lane of a vector passes `fast`, the scalar
// definition otherwise (out-of-range arguments are rare and need its branches).
template <class Fast, class Lanes, class Scalar>
HWY_INLINE void map_lanes(const double* x, std::size_t n, double* out, Fast fast, Lanes lanes,
                          Scalar scalar) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  std::size_t i = 0;
  for (; i + w <= n; i += w) {
    const VF v = hn::LoadU(df, x + i);
    if (hn::AllTrue(df, fast(v))) {
      hn::StoreU(lanes(v), df, out + i);
    } else {
      for (std::size_t j = i; j < i + w; ++j) out[j] = scalar(x[j]);
    }
  }
  for (; i < n; ++i) out[i] = scalar(x[i]);
}

void ExpLanes(const double* x, std::size_t n, double* out) {
  const DF df;
  map_lanes(
      x, n, out,
      [&](VF v) { return hn::And(hn::Ge(v, hn::Set(df, -708.0)), hn::Le(v, hn::Set(df, 709.0))); },
      [](VF v) { return exp_in_range(v); }, [](double v) { return ieee_exp(v); });
}

// poisson_quantile() on lanes: p = exp(-mean) by exp_in_range (ieee_exp's bits), then a term of
// the cdf on every lane that still needs one (p *= mean / k; cdf += p), each lane stopping where
// the scalar loop does: cdf >= u, k = 10000, or p = 0. A mean not in (0, 100] (0, or Boost's
// quantile past 100) takes poisson_quantile() itself.
void PoissonLanes(const double* mean, const double* u, std::size_t n, std::uint32_t* out) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF zero = hn::Zero(df), one = hn::Set(df, 1.0), most = hn::Set(df, 100.0),
           cap = hn::Set(df, 10000.0);
  HWY_ALIGN double count[hn::MaxLanes(df)];
  std::size_t i = 0;
  for (; i + w <= n; i += w) {
    const VF m = hn::LoadU(df, mean + i), x = hn::LoadU(df, u + i);
    const auto in = hn::And(hn::Gt(m, zero), hn::Le(m, most));
    VF p = exp_in_range(hn::Neg(hn::IfThenElseZero(in, m))), cdf = p, k = zero;
    auto more = hn::And(in, hn::Lt(cdf, x));
    while (!hn::AllFalse(df, more)) {
      k = hn::IfThenElse(more, hn::Add(k, one), k);
      p = hn::IfThenElse(more, hn::Mul(p, hn::Div(m, k)), p);
      cdf = hn::IfThenElse(more, hn::Add(cdf, p), cdf);
      more = hn::And(hn::And(more, hn::Ne(p, zero)), hn::And(hn::Lt(cdf, x), hn::Lt(k, cap)));
    }
    hn::Store(k, df, count);
    for (std::size_t j = 0; j < w; ++j)
      out[i + j] = mean[i + j] > 0 && mean[i + j] <= 100 ? static_cast<std::uint32_t>(count[j])
                                                         : poisson_quantile(mean[i + j], u[i + j]);
  }
  for (; i < n; ++i) out[i] = poisson_quantile(mean[i], u[i]);
}

void LogLanes(const double* x, std::size_t n, double* out) {
  const DF df;
  map_lanes(
      x, n, out,
      [&](VF v) {
        return hn::And(hn::Ge(v, hn::Set(df, 0x1p-1022)),
                       hn::Le(v, hn::Set(df, 0x1.fffffffffffffp1023)));
      },
      [](VF v) { return log_positive_normal(v); }, [](double v) { return ieee_log(v); });
}

void NormalLanes(const double* p, std::size_t n, double* out) {
  if (n == 0) return;
  if (out != p) std::memmove(out, p, n * sizeof(double));
  normal_rows(out, n);
}

// The walk steps of engine/lanes.hpp: one operation order per function, the scalar tail the same.
void WalkDivLanes(const double* prev, const double* x, double d, std::size_t n, double* out) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF vd = hn::Set(df, d);
  std::size_t i = 0;
  for (; i + w <= n; i += w)
    hn::StoreU(hn::Add(hn::LoadU(df, prev + i), hn::Div(hn::LoadU(df, x + i), vd)), df, out + i);
  for (; i < n; ++i) out[i] = prev[i] + x[i] / d;
}

void WalkAffineLanes(const double* prev, const double* x, double a, double b, std::size_t n,
                     double* out) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF va = hn::Set(df, a), vb = hn::Set(df, b);
  std::size_t i = 0;
  for (; i + w <= n; i += w)
    hn::StoreU(hn::Add(hn::LoadU(df, prev + i), hn::Add(va, hn::Mul(vb, hn::LoadU(df, x + i)))), df,
               out + i);
  for (; i < n; ++i) out[i] = prev[i] + (a + b * x[i]);
}

void AddScaledLanes(const double* x, double c, std::size_t n, double* out) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF vc = hn::Set(df, c);
  std::size_t i = 0;
  for (; i + w <= n; i += w)
    hn::StoreU(hn::Add(hn::LoadU(df, out + i), hn::Mul(vc, hn::LoadU(df, x + i))), df, out + i);
  for (; i < n; ++i) out[i] = out[i] + c * x[i];
}

void RatioLanes(double a, const double* num, const double* den, std::size_t n, double* out) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF va = hn::Set(df, a);
  std::size_t i = 0;
  for (; i + w <= n; i += w)
    hn::StoreU(hn::Div(hn::Mul(va, hn::LoadU(df, num + i)), hn::LoadU(df, den + i)), df, out + i);
  for (; i < n; ++i) out[i] = a * num[i] / den[i];
}

// A lane that is not added to keeps its bits (IfThenElse, not a + 0, which turns -0 into +0).
bool MaskedAddScaledLanes(const double* x, double c1, double c2, const double* limit, double j,
                          std::size_t n, double* acc) {
  const DF df;
  const std::size_t w = hn::Lanes(df);
  const VF v1 = hn::Set(df, c1), v2 = hn::Set(df, c2), vj = hn::Set(df, j), zero = hn::Zero(df);
  auto any_bad = hn::FirstN(df, 0);  // no lane
  std::size_t i = 0;
  for (; i + w <= n; i += w) {
    const auto on = hn::Lt(vj, hn::LoadU(df, limit + i));
    const VF term = hn::Mul(hn::Mul(hn::LoadU(df, x + i), v1), v2);
    const VF a = hn::LoadU(df, acc + i);
    hn::StoreU(hn::IfThenElse(on, hn::Add(a, term), a), df, acc + i);
    // term - term is 0 for a finite term, NaN for an infinite or NaN one. Not Ne: it is
    // false for NaN on some targets (an ordered comparison), where C++'s != is true.
    any_bad = hn::Or(any_bad, hn::AndNot(hn::Eq(hn::Sub(term, term), zero), on));
  }
  bool bad = !hn::AllFalse(df, any_bad);
  for (; i < n; ++i) {
    if (!(j < limit[i])) continue;
    const double term = x[i] * c1 * c2;
    acc[i] = acc[i] + term;
    bad = bad || term - term != 0;
  }
  return bad;
}

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || HWY_TARGET == HWY_AVX2
// bucket_groups()' edges in up to kGroups groups of g consecutive ones: table[j][k] is edge k g +
// j, or NaN past the last (never <= x). Returns g; `groups` gets the number of groups.
template <std::size_t kGroups>
std::size_t edge_groups(const double* edges, std::size_t size, double (*table)[kGroups],
                        std::size_t& groups) {
  const std::size_t g = (size + kGroups - 1) / kGroups;
  groups = (size + g - 1) / g;
  for (std::size_t j = 0; j < g; ++j)
    for (std::size_t k = 0; k < kGroups; ++k)
      table[j][k] = k * g + j < size ? edges[k * g + j] : std::numeric_limits<double>::quiet_NaN();
  return g;
}
#endif

#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// BucketLanes on AVX-512 past 16 edges: the edges in up to 16 groups of g consecutive ones.
// Edges are sorted, so the groups whose first edge is <= x are a prefix, say c of them past the
// first, and every edge of the groups before group c is <= x and none after it: x's count is
// c g plus the edges of group c that are <= x. A lane reads group c's j-th edge from a table of
// 16 doubles (two registers) with one permute, not a gather. Padding is NaN, never <= x. Up to
// 15 + 2 g operations per vector instead of one per edge (84 edges: 27 against 84).
void bucket_groups(const double* edges, std::size_t size, const double* x, std::size_t n,
                   std::uint8_t* out) {
  HWY_ALIGN double table[16][16];
  std::size_t groups = 0;
  const std::size_t g = edge_groups<16>(edges, size, table, groups);
  const __m512i one = _mm512_set1_epi64(1), vg = _mm512_set1_epi64(static_cast<long long>(g));
  const auto search = [&](__m512d v) {
    // Two counts at each level, so that consecutive comparisons do not wait on one another.
    __m512i a = _mm512_setzero_si512(), b = _mm512_setzero_si512();
    std::size_t k = 1;
    for (; k + 2 <= groups; k += 2) {
      a = _mm512_mask_add_epi64(a, _mm512_cmp_pd_mask(_mm512_set1_pd(edges[k * g]), v, _CMP_LE_OQ),
                                a, one);
      b = _mm512_mask_add_epi64(
          b, _mm512_cmp_pd_mask(_mm512_set1_pd(edges[(k + 1) * g]), v, _CMP_LE_OQ), b, one);
    }
    if (k < groups)
      a = _mm512_mask_add_epi64(a, _mm512_cmp_pd_mask(_mm512_set1_pd(edges[k * g]), v, _CMP_LE_OQ),
                                a, one);
    const __m512i c = _mm512_add_epi64(a, b);
    __m512i below = _mm512_mullo_epi64(c, vg);
    __m512i more = _mm512_setzero_si512();
    for (std::size_t j = 0; j < g; ++j) {
      const __m512d e =
          _mm512_permutex2var_pd(_mm512_load_pd(table[j]), c, _mm512_load_pd(table[j] + 8));
      const __mmask8 le = _mm512_cmp_pd_mask(e, v, _CMP_LE_OQ);
      if (j % 2)
        more = _mm512_mask_add_epi64(more, le, more, one);
      else
        below = _mm512_mask_add_epi64(below, le, below, one);
    }
    // 8 counts < 256, as bytes (the masked form: the plain one reads an undefined register)
    return _mm512_maskz_cvtepi64_epi8(0xFF, _mm512_add_epi64(below, more));
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), search(_mm512_loadu_pd(x + i)));
  if (i == n) return;
  const __mmask8 rest = static_cast<__mmask8>((1u << (n - i)) - 1);
  _mm_mask_storeu_epi8(out + i, rest, search(_mm512_maskz_loadu_pd(rest, x + i)));
}
#elif HWY_TARGET == HWY_AVX2
// BucketLanes on AVX2 past 8 edges: AVX-512's groups (above), up to 8 of them, each lane's j-th
// edge of its group read from a table of 8 doubles: a register of 4 per half, each read by a
// permute of 32-bit pairs, the half picked by c >= 4. Up to 7 + 4 g comparisons, permutes and
// blends per vector instead of one comparison per edge (84 edges, g = 11: 51 against 84).
void bucket_groups(const double* edges, std::size_t size, const double* x, std::size_t n,
                   std::uint8_t* out) {
  HWY_ALIGN double table[32][8];
  std::size_t groups = 0;
  const std::size_t g = edge_groups<8>(edges, size, table, groups);
  const __m256i one = _mm256_set1_epi64x(1), three = _mm256_set1_epi64x(3),
                vg = _mm256_set1_epi64x(static_cast<long long>(g));
  // count - (all ones where e <= v): one more there.
  const auto count_le = [](__m256i count, __m256d e, __m256d v) {
    return _mm256_sub_epi64(count, _mm256_castpd_si256(_mm256_cmp_pd(e, v, _CMP_LE_OQ)));
  };
  HWY_ALIGN std::int64_t at[4];
  const auto search = [&](__m256d v) {
    __m256i a = _mm256_setzero_si256(), b = _mm256_setzero_si256();
    std::size_t k = 1;
    for (; k + 2 <= groups; k += 2) {
      a = count_le(a, _mm256_set1_pd(edges[k * g]), v);
      b = count_le(b, _mm256_set1_pd(edges[(k + 1) * g]), v);
    }
    if (k < groups) a = count_le(a, _mm256_set1_pd(edges[k * g]), v);
    const __m256i c = _mm256_add_epi64(a, b);
    // Entry c of a table: 32-bit indices 2 (c mod 4) and 2 (c mod 4) + 1 in each half, the
    // upper half where c >= 4.
    const __m256i twice = _mm256_slli_epi64(_mm256_and_si256(c, three), 1);
    const __m256i pair =
        _mm256_or_si256(twice, _mm256_slli_epi64(_mm256_add_epi64(twice, one), 32));
    const __m256d upper = _mm256_castsi256_pd(_mm256_cmpgt_epi64(c, three));
    __m256i below = _mm256_mul_epu32(c, vg), more = _mm256_setzero_si256();
    for (std::size_t j = 0; j < g; ++j) {
      const __m256d lo = _mm256_castps_pd(
          _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(table[j])), pair));
      const __m256d hi = _mm256_castps_pd(
          _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(table[j] + 4)), pair));
      const __m256d e = _mm256_blendv_pd(lo, hi, upper);
      if (j % 2)
        more = count_le(more, e, v);
      else
        below = count_le(below, e, v);
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(at), _mm256_add_epi64(below, more));
  };
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    search(_mm256_loadu_pd(x + i));
    for (std::size_t k = 0; k < 4; ++k) out[i + k] = static_cast<std::uint8_t>(at[k]);
  }
  if (i == n) return;
  HWY_ALIGN double rest[4] = {};
  std::copy(x + i, x + n, rest);
  search(_mm256_load_pd(rest));
  for (std::size_t k = 0; i + k < n; ++k) out[i + k] = static_cast<std::uint8_t>(at[k]);
}
#endif

// bucket_of() on lanes of values: each lane counts the edges <= its value, one comparison per
// edge (no gathers: they are slow on CPUs patched against Gather Data Sampling).
void BucketLanes(const double* edges, std::size_t size, const double* x, std::size_t n,
                 std::uint8_t* out) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  if (size > 16) return bucket_groups(edges, size, x, n, out);
#elif HWY_TARGET == HWY_AVX2
  if (size > 8) return bucket_groups(edges, size, x, n, out);
#endif
  const DF df;
  const hn::RebindToSigned<DF> di;
  const std::size_t w = hn::Lanes(df);
  HWY_ALIGN std::int64_t at[hn::MaxLanes(di)];
  const auto one = hn::Set(di, 1);
  const auto is_at_most = [&](std::size_t e, VF v) {  // 1 where edges[e] <= v
    return hn::IfThenElseZero(hn::RebindMask(di, hn::Le(hn::Set(df, edges[e]), v)), one);
  };
  const auto search = [&](VF v) {
    // Two counts, so that consecutive edges do not wait on one another's addition.
    auto a = hn::Zero(di), b = hn::Zero(di);
    std::size_t e = 0;
    for (; e + 2 <= size; e += 2) {
      a = hn::Add(a, is_at_most(e, v));
      b = hn::Add(b, is_at_most(e + 1, v));
    }
    if (e < size) a = hn::Add(a, is_at_most(e, v));
    hn::Store(hn::Add(a, b), di, at);
  };
  std::size_t i = 0;
  for (; i + w <= n; i += w) {
    search(hn::LoadU(df, x + i));
    for (std::size_t k = 0; k < w; ++k) out[i + k] = static_cast<std::uint8_t>(at[k]);
  }
  if (i == n) return;
  HWY_ALIGN double rest[hn::MaxLanes(df)] = {};
  std::copy(x + i, x + n, rest);
  search(hn::Load(df, rest));
  for (std::size_t k = 0; i + k < n; ++k) out[i + k] = static_cast<std::uint8_t>(at[k]);
}

std::size_t LanesOfDouble() {
  return hn::Lanes(DF());
}

std::int64_t TargetBits() {
  return HWY_TARGET;
}

}  // namespace HWY_NAMESPACE
}  // namespace vestsim::engine
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace vestsim::engine {

HWY_EXPORT(FillLanes);
HWY_EXPORT(FillListedLanes);
HWY_EXPORT(FillPathDraws);
HWY_EXPORT(ExpLanes);
HWY_EXPORT(LogLanes);
HWY_EXPORT(PoissonLanes);
HWY_EXPORT(NormalLanes);
HWY_EXPORT(WalkDivLanes);
HWY_EXPORT(WalkAffineLanes);
HWY_EXPORT(AddScaledLanes);
HWY_EXPORT(RatioLanes);
HWY_EXPORT(MaskedAddScaledLanes);
HWY_EXPORT(BucketLanes);
HWY_EXPORT(LanesOfDouble);
HWY_EXPORT(TargetBits);

namespace {

// fill_lanes() of the scalar target: lane i draws pair pair_of(i) of path path_of(i).
template <class PathOf, class PairOf>
void fill_reference(StreamKey key, bool normal, PathOf path_of, PairOf pair_of, std::uint32_t n,
                    double* even, double* odd) {
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::array<double, 2> u =
        uniform_pair(key, path_of(i), static_cast<std::uint32_t>(pair_of(i)));
    if (even) even[i] = normal ? normal_quantile(u[0]) : u[0];
    if (odd) odd[i] = normal ? normal_quantile(u[1]) : u[1];
  }
}

}  // namespace

void fill_lanes(const LaneSlot& s, std::uint64_t first_path, std::uint32_t n, double* even,
                double* odd) {
  if (simd_target() == SimdTarget::kScalar)
    return fill_reference(
        s.key, s.normal, [&](std::uint32_t i) { return first_path + i; },
        [&](std::uint32_t) { return s.pair; }, n, even, odd);
  HWY_DYNAMIC_DISPATCH(FillLanes)(s, first_path, n, even, odd);
}

void fill_lanes_at(StreamKey key, bool normal, const std::uint64_t* paths,
                   const std::uint64_t* pairs, std::uint32_t n, double* even, double* odd) {
  if (n == 0) return;
  if (simd_target() == SimdTarget::kScalar)
    return fill_reference(
        key, normal, [&](std::uint32_t i) { return paths[i]; },
        [&](std::uint32_t i) { return pairs[i]; }, n, even, odd);
  HWY_DYNAMIC_DISPATCH(FillListedLanes)({key, 0, normal}, paths, pairs, n, even, odd);
}

void fill_path_draws(StreamKey key, std::uint64_t path, std::uint32_t first_pair,
                     std::uint32_t pairs, bool normal, double* out) {
  fill_path_draws(std::span(&key, 1), std::span(&first_pair, 1), path, pairs, normal, &out);
}

void fill_path_draws(std::span<const StreamKey> keys, std::span<const std::uint32_t> first_pairs,
                     std::uint64_t path, std::uint32_t pairs, bool normal, double* const* out) {
  assert(keys.size() == first_pairs.size());
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t k = 0; k < keys.size(); ++k) {
      for (std::uint32_t i = 0; i < pairs; ++i) {
        const std::array<double, 2> u = uniform_pair(keys[k], path, first_pairs[k] + i);
        out[k][2 * i] = normal ? normal_quantile(u[0]) : u[0];
        out[k][2 * i + 1] = normal ? normal_quantile(u[1]) : u[1];
      }
    }
    return;
  }
  HWY_DYNAMIC_DISPATCH(FillPathDraws)
  (keys.data(), first_pairs.data(), keys.size(), path, pairs, normal, out);
}

void lanes_exp(const double* x, std::size_t n, double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = ieee_exp(x[i]);
    return;
  }
  HWY_DYNAMIC_DISPATCH(ExpLanes)(x, n, out);
}

void lanes_poisson(const double* mean, const double* u, std::size_t n, std::uint32_t* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = poisson_quantile(mean[i], u[i]);
    return;
  }
  HWY_DYNAMIC_DISPATCH(PoissonLanes)(mean, u, n, out);
}

void lanes_log(const double* x, std::size_t n, double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = ieee_log(x[i]);
    return;
  }
  HWY_DYNAMIC_DISPATCH(LogLanes)(x, n, out);
}

void lanes_normal_quantile(const double* p, std::size_t n, double* out) {
  assert(std::all_of(p, p + n, [](double v) { return v >= 0x1p-1022 && v < 1; }));
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = normal_quantile(p[i]);
    return;
  }
  HWY_DYNAMIC_DISPATCH(NormalLanes)(p, n, out);
}

void lanes_walk_div(const double* prev, const double* x, double d, std::size_t n, double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = prev[i] + x[i] / d;
    return;
  }
  HWY_DYNAMIC_DISPATCH(WalkDivLanes)(prev, x, d, n, out);
}

void lanes_walk_affine(const double* prev, const double* x, double a, double b, std::size_t n,
                       double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = prev[i] + (a + b * x[i]);
    return;
  }
  HWY_DYNAMIC_DISPATCH(WalkAffineLanes)(prev, x, a, b, n, out);
}

void lanes_add_scaled(const double* x, double c, std::size_t n, double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = out[i] + c * x[i];
    return;
  }
  HWY_DYNAMIC_DISPATCH(AddScaledLanes)(x, c, n, out);
}

void lanes_ratio(double a, const double* num, const double* den, std::size_t n, double* out) {
  if (simd_target() == SimdTarget::kScalar) {
    for (std::size_t i = 0; i < n; ++i) out[i] = a * num[i] / den[i];
    return;
  }
  HWY_DYNAMIC_DISPATCH(RatioLanes)(a, num, den, n, out);
}

bool lanes_masked_add_scaled(const double* x, double c1, double c2, const double* limit, double j,
                             std::size_t n, double* acc) {
  if (simd_target() == SimdTarget::kScalar) {
    bool bad = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!(j < limit[i])) continue;
      const double term = x[i] * c1 * c2;
      acc[i] = acc[i] + term;
      bad = bad || term - term != 0;
    }
    return bad;
  }
  return HWY_DYNAMIC_DISPATCH(MaskedAddScaledLanes)(x, c1, c2, limit, j, n, acc);
}

void lanes_buckets(std::span<const double> edges, const double* x, std::size_t n,
                   std::uint8_t* out) {
  assert(edges.size() < 256 && std::is_sorted(edges.begin(), edges.end()));
  if (simd_target() == SimdTarget::kScalar || edges.empty()) {  // the definition
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<std::uint8_t>(
          std::count_if(edges.begin(), edges.end(), [&](double e) { return e <= x[i]; }));
    return;
  }
  HWY_DYNAMIC_DISPATCH(BucketLanes)(edges.data(), edges.size(), x, n, out);
}

std::size_t simd_lanes() {
  return simd_target() == SimdTarget::kScalar ? 1 : HWY_DYNAMIC_DISPATCH(LanesOfDouble)();
}

std::string_view dispatched_target_name() {
  if (simd_target() == SimdTarget::kScalar) return "scalar";
  return hwy::TargetName(HWY_DYNAMIC_DISPATCH(TargetBits)());
}

}  // namespace vestsim::engine
#endif  // HWY_ONCE
