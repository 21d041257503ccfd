#include "engine/two_pass.hpp"

#include "engine/bucket_summary.hpp"
#include "engine/mpi.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <span>
#include <utility>

namespace vestsim::engine {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Edges at `buckets` quantiles of the pilot values, each followed by its
// successor, so that a value the pilot repeats (a point mass: no equity,
// a fixed salary) gets a bucket of its own instead of filling a wide one.
std::vector<double> edges_from(std::vector<double> pilot, std::size_t buckets) {
  std::sort(pilot.begin(), pilot.end());
  std::vector<double> edges;
  for (std::size_t k = 1; k < buckets && !pilot.empty(); ++k) {
    const double v = pilot[k * pilot.size() / buckets];
    edges.push_back(v);
    edges.push_back(std::nextafter(v, kInf));
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

bool needs_ranks(const ColumnSpec& spec) {
  return !spec.q.empty() || spec.full;
}

// Per-worker storage for one chunk of every column.
struct ChunkBuffers {
  ChunkBuffers(int workers, std::size_t columns, std::size_t tallies)
      : values(workers, std::vector<double>(columns * kSumChunk)),
        tallies(workers, std::vector<std::uint64_t>(tallies)) {}
  std::vector<std::vector<double>> values;
  std::vector<std::vector<std::uint64_t>> tallies;
};

// Runs fn(chunk, worker, values) for every chunk [c0, c1) of paths [0, paths)
// after `fill` produced it into the worker's buffer.
template <class Fn>
void for_each_chunk(std::uint64_t paths, std::uint64_t c0, std::uint64_t c1,
                    const TwoPassOptions& o, ChunkBuffers& buf, ChunkFill fill, Fn&& fn) {
  for_each_index_on_worker(c1 - c0, o.threads, [&](std::size_t i, int w) {
    const std::uint64_t c = c0 + i;
    const std::uint64_t begin = c * kSumChunk, end = std::min(paths, begin + kSumChunk);
    fill(w, begin, end, buf.values[w].data(), buf.tallies[w].data());
    fn(c, w, end - begin, buf.values[w].data());
    if (o.progress) o.progress->fetch_add(end - begin, std::memory_order_relaxed);
  });
}

// Per worker, per column: the kept values by slot and the exact sum below the cut.
struct Kept {
  std::vector<std::vector<double>> slots;
  ExactSum below;
};

// The column's summary on rank 0 (an empty one on other ranks): kept values
// and tail partials of every worker and rank, gathered (their order does not
// matter: selection and ExactSum are exact).
Summary finish_column(const BucketColumn& c, std::vector<Kept>& kept, std::uint64_t& kept_count) {
  std::vector<std::vector<double>> slots(c.slot_bucket.size());
  ExactSum tail;
  for (Kept& k : kept) {
    for (std::size_t s = 0; s < slots.size(); ++s) {
      slots[s].insert(slots[s].end(), k.slots[s].begin(), k.slots[s].end());
      std::vector<double>().swap(k.slots[s]);
    }
    tail.add(k.below);
  }
  if (mpi::size() > 1) {
    for (auto& s : slots) s = mpi::values_of<double>(mpi::gather(mpi::bytes_of(s)));
    const std::vector<double> partials =
        mpi::values_of<double>(mpi::gather(mpi::bytes_of(tail.partials())));
    tail = ExactSum();
    for (double p : partials) tail.add(p);
    if (!mpi::root()) return {};
  }
  for (const auto& s : slots) kept_count += s.size();
  return finish_buckets(c, slots, std::move(tail));
}

}  // namespace

TwoPassResult two_pass_summaries(const std::vector<ColumnSpec>& specs, std::size_t tally_count,
                                 const TwoPassOptions& o, ChunkFill fill) {
  assert(o.paths >= 1);
  const std::size_t n_cols = specs.size();
  const int workers = resolve_threads(o.threads);
  ChunkBuffers buf(workers, n_cols, tally_count);
  std::vector<BucketColumn> cols(n_cols);

  // Moments alone (no column ranked) need neither the pilot nor pass 2: one pass.
  const bool ranked = std::any_of(specs.begin(), specs.end(), needs_ranks);
  // Pilot: the first paths set the edges of every ranked column (on every rank alike).
  const std::uint64_t pilot = std::min(o.paths, std::max<std::uint64_t>(o.pilot, 1));
  if (ranked) {
    std::vector<std::vector<double>> values(n_cols, std::vector<double>(pilot));
    TwoPassOptions quiet = o;
    quiet.progress = nullptr;
    for_each_chunk(pilot, 0, (pilot + kSumChunk - 1) / kSumChunk, quiet, buf, fill,
                   [&](std::size_t c, int, std::uint64_t len, const double* v) {
                     for (std::size_t k = 0; k < n_cols; ++k)
                       std::copy(v + k * kSumChunk, v + k * kSumChunk + len,
                                 values[k].begin() + c * kSumChunk);
                   });
    for (std::size_t k = 0; k < n_cols; ++k)
      if (needs_ranks(specs[k])) cols[k].edges = edges_from(std::move(values[k]), o.buckets);
  }

  // This rank's chunks (docs/design.md#18-mpi-runs): a contiguous range, in rank order.
  const std::uint64_t chunks = (o.paths + kSumChunk - 1) / kSumChunk;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (int r = 0; r < mpi::size(); ++r) ranges.push_back(mpi::share(chunks, r));
  const auto [c0, c1] = ranges[mpi::rank()];

  // Pass 1: moments per chunk, counts per bucket per worker, tallies.
  std::vector<std::vector<Moments>> moments(n_cols, std::vector<Moments>(chunks));
  std::vector<std::vector<std::vector<std::uint64_t>>> counts(workers);
  for (auto& w : counts)
    for (const BucketColumn& c : cols) w.emplace_back(c.edges.size() + 1);
  for (auto& t : buf.tallies) std::fill(t.begin(), t.end(), 0);
  for_each_chunk(o.paths, c0, c1, o, buf, fill,
                 [&](std::size_t c, int w, std::uint64_t len, const double* v) {
                   for (std::size_t k = 0; k < n_cols; ++k) {
                     const double* x = v + k * kSumChunk;
                     moments[k][c] = chunk_moments({x, len});
                     if (!needs_ranks(specs[k])) continue;
                     std::uint64_t* n = counts[w][k].data();
                     for (std::uint64_t i = 0; i < len; ++i) ++n[bucket_of(cols[k].edges, x[i])];
                   }
                 });
  TwoPassResult out;
  out.tallies.assign(tally_count, 0);
  for (const auto& t : buf.tallies)
    for (std::size_t j = 0; j < tally_count; ++j) out.tallies[j] += t[j];
  mpi::sum_all(out.tallies);
  for (std::size_t k = 0; k < n_cols; ++k) {
    // Chunk moments travel to rank 0 and merge there in chunk order.
    std::vector<Moments>& m = moments[k];
    mpi::gather_ranges(std::as_bytes(std::span(m).subspan(c0, c1 - c0)),
                       mpi::root() ? std::as_writable_bytes(std::span(m)) : std::span<std::byte>(),
                       sizeof(Moments), ranges);
    if (mpi::root())
      for (const Moments& chunk : m) merge_moments(cols[k].moments, chunk);
    std::vector<Moments>().swap(m);
    std::vector<std::uint64_t> total(cols[k].edges.size() + 1, 0);
    for (const auto& w : counts)
      for (std::size_t b = 0; b < total.size(); ++b) total[b] += w[k][b];
    mpi::sum_all(total);
    plan_buckets(cols[k], specs[k].q, specs[k].full, total, o.paths);
  }
  counts.clear();

  // Pass 2: keep the values of the buckets holding a rank; sum the tail below the cut exactly.
  std::vector<std::vector<Kept>> kept(n_cols, std::vector<Kept>(workers));
  for (std::size_t k = 0; k < n_cols; ++k)
    for (Kept& w : kept[k]) w.slots.resize(cols[k].slot_bucket.size());
  if (ranked)
    for_each_chunk(o.paths, c0, c1, o, buf, fill,
                   [&](std::size_t, int w, std::uint64_t len, const double* v) {
                     for (std::size_t k = 0; k < n_cols; ++k) {
                       const BucketColumn& c = cols[k];
                       if (!c.ranked()) continue;
                       const double* x = v + k * kSumChunk;
                       Kept& mine = kept[k][w];
                       for (std::uint64_t i = 0; i < len; ++i) c.keep(x[i], mine.slots, mine.below);
                     }
                   });

  for (std::size_t k = 0; k < n_cols; ++k)
    out.columns.push_back(finish_column(cols[k], kept[k], out.kept));
  return out;
}

}  // namespace vestsim::engine
