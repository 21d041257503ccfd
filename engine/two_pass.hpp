// Exact summaries in bounded memory, by simulating twice
// (docs/design.md#17-two-pass-runs-exact-summaries-in-bounded-memory).
//
// A path is a pure function of (seed, path index), so the columns need not be
// stored: pass 1 streams every chunk of kSumChunk paths into per-chunk moments
// (engine/statistics.hpp) and integer counts over fixed bucket edges; pass 2
// produces the same chunks again and keeps only the values in the buckets that
// hold a requested rank (percentiles, their CI ranks, the CVaR cut), plus an
// exact sum of the values below the CVaR cut. Selection among the kept values
// is exact, so every summary has the bits summarize() gives on the stored
// column. The bucket edges come from a pilot sample of the first paths: they
// decide how much is kept, never a result.
//
// Memory: one chunk of values per worker, the bucket counts, one Moments per
// chunk per column (48 bytes per 16384 paths), and the kept values (about
// paths / buckets per requested rank when the pilot is representative).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/parallel.hpp"
#include "engine/statistics.hpp"

namespace vestsim::engine {

// What one column's summary needs: percentiles q and, with `full`, their
// 95% CIs and the CVaR5 (summarize()'s `full`).
struct ColumnSpec {
  std::vector<double> q;
  bool full = true;
};

// Produces paths [begin, end) (end - begin <= kSumChunk, begin a multiple of
// kSumChunk): column c's value of path begin + i goes to values[c * kSumChunk + i],
// and the chunk's integer tallies are added to tallies[0 .. tally_count).
// Called concurrently for different chunks; `worker` (0 <= worker < the
// resolved thread count) names the calling thread, for per-thread scratch.
// Must give the same values whenever it is called for the same paths.
using ChunkFill = FunctionRef<void(int worker, std::uint64_t begin, std::uint64_t end,
                                   double* values, std::uint64_t* tallies)>;

struct TwoPassOptions {
  std::uint64_t paths = 0;        // >= 1
  int threads = 0;                // 0 = all cores
  std::uint64_t pilot = 1 << 16;  // paths whose values set the bucket edges
  std::size_t buckets = 1 << 14;  // target buckets per column (between pilot quantiles)
  std::atomic<std::uint64_t>* progress = nullptr;  // counts paths produced, both passes
};

struct TwoPassResult {
  std::vector<Summary> columns;        // one per ColumnSpec, as summarize() would give
  std::vector<std::uint64_t> tallies;  // summed over every path (pass 1)
  std::uint64_t kept = 0;              // values kept in pass 2 (a memory figure)
};

// Summarises `specs.size()` columns of `options.paths` paths produced by `fill`
// (called about twice per path; once when no spec needs ranks: no pilot, no pass 2). On an MPI job
// of several ranks (engine/mpi.hpp) each rank produces its own share of the chunks, and the result
// (columns and tallies) is complete on rank 0 only: other ranks get empty columns. Collective.
// Requires options.paths >= 1. Throws what fill throws, and std::bad_alloc.
TwoPassResult two_pass_summaries(const std::vector<ColumnSpec>& specs, std::size_t tally_count,
                                 const TwoPassOptions& options, ChunkFill fill);

}  // namespace vestsim::engine
