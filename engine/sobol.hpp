// Randomised quasi-Monte Carlo: Sobol points with a random digital shift
// (docs/design.md#20-quasi-monte-carlo-sobol-points).
//
// Point k of a d-dimensional Sobol sequence (Gray-code order, point 0 the
// origin) comes from boost::random::sobol, whose own first point is point 1:
// so point k >= 1 is that engine seeded at k - 1. The first 2^m points are a
// (t, m, d)-net in base 2: every dyadic box of volume 2^-m (within t) holds
// exactly one of them.
//
// A randomised replicate r XORs every 64-bit coordinate word of dimension j
// with a shift word drawn from the run seed (a digital shift): each point is
// then uniform on [0, 1)^d, replicates are independent, and the net's
// stratification survives. The uniform of a shifted word is
// engine::uniform_from_word, like every Philox draw: in [2^-53, 1 - 2^-53].
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <boost/random/sobol.hpp>

#include "engine/rng.hpp"

namespace vestsim::engine {

// Replicates of a randomised QMC run: path i is in replicate i % kReplicates
// and takes point i / kReplicates of the sequence.
inline constexpr std::uint32_t kReplicates = 16;

// The largest dimension boost::random::sobol's default table supports.
inline constexpr std::uint32_t kMaxSobolDimension = 3667;

class SobolPoints {
 public:
  // A sequence of `dims` dimensions. Requires 1 <= dims <= kMaxSobolDimension.
  // Allocates (the direction numbers); never throws for valid dims except bad_alloc.
  explicit SobolPoints(std::uint32_t dims);

  std::uint32_t dims() const { return dims_; }

  // The raw 64-bit coordinate words of point k into out[0 .. dims - 1]
  // (coordinate = word / 2^64). Allocates nothing. Requires k < 2^63.
  void point(std::uint64_t k, std::uint64_t* out);

 private:
  std::uint32_t dims_;
  boost::random::sobol gen_;
};

// The digital shift of one dimension in replicate r: a 64-bit word from
// Philox4x32-10 on the dimension's stream key (so from the run seed) at the
// counter (r, 0, 0, 1). Draws use counters (path lo, path hi, pair, 0), so no
// draw of any stream ever equals a shift word's source. Pure, never throws.
std::uint64_t digital_shift(StreamKey key, std::uint32_t replicate);

// The standard error of the mean of x from interleaved replicates (x[i] in
// replicate i % replicates): the sd of the replicate means over
// sqrt(replicates). With `positive`, of the share of x > 0 instead. Sums run
// in index order, so the result does not depend on threads. NaN when
// x.size() < replicates or replicates < 2.
double replicate_std_error(std::span<const double> x, std::uint32_t replicates,
                           bool positive = false);

// Student's t quantile 0.975 with kReplicates - 1 = 15 degrees of freedom:
// a 95% CI of a replicate estimate is estimate +- kT15 * standard error.
inline constexpr double kT15 = 2.131449545559323;

}  // namespace vestsim::engine
