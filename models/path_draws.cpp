#include "models/path_draws.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/lanes.hpp"

namespace vestsim::models {

DrawPlan::DrawPlan(const DrawLog& log, std::uint64_t paths, double min_share,
                   std::span<const StreamKey> extended, double extended_share) {
  assert(paths > 0);
  // Per (stream, kind): one past the last draw read often enough. An extended stream read by
  // min_share keeps at least its first pair, so that it stays on lanes: its reads past the plan
  // then get chunks on lanes (read_tail), not one scalar draw each.
  for (const auto& [address, count] : log.reads()) {
    const auto& [k0, k1, normal, draw] = address;
    const StreamKey key{k0, k1};
    const bool more = std::find(extended.begin(), extended.end(), key) != extended.end();
    const double share = static_cast<double>(count) / static_cast<double>(paths);
    std::uint32_t draws = 0;
    if (share >= (more ? extended_share : min_share))
      draws = draw + 1;
    else if (more && share >= min_share)
      draws = std::min(draw + 1, kExtendedKeep);
    if (draws == 0) continue;
    auto it = std::find_if(streams_.begin(), streams_.end(),
                           [&](const Stream& s) { return s.key == key && s.normal == normal; });
    if (it == streams_.end()) it = streams_.insert(streams_.end(), Stream{key, normal, 0, 0});
    it->draws = std::max(it->draws, draws);
  }
  // A stream read both ways keeps its more-drawn kind; the other reads fall back.
  std::stable_sort(streams_.begin(), streams_.end(),
                   [](const Stream& a, const Stream& b) { return a.draws > b.draws; });
  std::vector<Stream> kept;
  for (const Stream& s : streams_)
    if (std::none_of(kept.begin(), kept.end(), [&](const Stream& k) { return k.key == s.key; }))
      kept.push_back(s);
  // The smallest table (then the lowest shift) where no two keys share an index.
  for (std::uint32_t bits = 0; bits <= 12 && !kept.empty(); ++bits) {
    if ((std::size_t{1} << bits) < kept.size()) continue;
    const std::uint32_t mask = (1u << bits) - 1;
    for (std::uint32_t shift = 0; shift + bits <= 32; ++shift) {
      std::vector<bool> used(std::size_t{1} << bits, false);
      bool clash = false;
      for (const Stream& s : kept) {
        const std::uint32_t i = (s.key.k0 >> shift) & mask;
        clash = clash || used[i];
        used[i] = true;
      }
      if (clash) continue;
      shift_ = shift;
      mask_ = mask;
      table_.assign(std::size_t{1} << bits, Stream{});
      for (Stream& s : kept) {
        s.first = slots_;
        slots_ += s.draws;
        table_[(s.key.k0 >> shift) & mask] = s;
      }
      streams_ = kept;
      return;
    }
  }
  streams_.clear();  // no table without clashes (never seen): every read falls back
}

void SobolDims::add(StreamKey key) {
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) return;
  assert(keys.size() < engine::kMaxSobolDimension);
  keys.push_back(key);
  for (std::uint32_t r = 0; r < engine::kReplicates; ++r)
    shifts.push_back(engine::digital_shift(key, r));
}

void PathDraws::use_sobol(const SobolDims* dims) {
  assert(dims);
  if (dims->empty()) return;
  sobol_ = dims;
  points_.emplace(static_cast<std::uint32_t>(dims->keys.size()));
  point_.assign(dims->keys.size(), 0);
  pins_.assign(dims->bridges.size(), Pin{});
  point_index_ = std::numeric_limits<std::uint64_t>::max();
}

// Path i is in replicate i % kReplicates and takes point i / kReplicates: a
// new point every kReplicates consecutive paths.
void PathDraws::next_point(std::uint64_t path) {
  for (Pin& p : pins_) p.months = 0;
  replicate_ = static_cast<std::uint32_t>(path % engine::kReplicates);
  const std::uint64_t k = path / engine::kReplicates;
  if (k == point_index_) return;
  points_->point(k, point_.data());
  point_index_ = k;
}

// With xi_k the stream's own normals and e = max(1, ceil(12 t)), X(t) = sum_{k<e} xi_k /
// sqrt(12) + sqrt(t - (e - 1)/12) xi_e is the walk the draws make to t. Subtracting
// (s/t)(X(t) - b) from the walk at each grid time s (whole months < t, then t) gives a Brownian
// motion with B(t) = b exactly when b ~ N(0, t) is independent of X: the bridge from 0 to b plus
// its end. Its standardised increments are again independent standard normals: draw k - 1
// becomes xi_k - delta / sqrt(12) for k < e and xi_e - delta sqrt(t - (e - 1)/12) for k = e,
// delta = (X(t) - b) / t; later draws are unchanged.
void PathDraws::pin_bridge(std::size_t b, double t) {
  assert(sobol_ && b < pins_.size());
  pins_[b].months = 0;
  if (!(t > 0)) return;
  const SobolDims::Bridge& bridge = sobol_->bridges[b];
  const auto e = static_cast<std::uint32_t>(std::max(1.0, std::ceil(12.0 * t)));
  const double last = std::sqrt(std::max(0.0, t - (e - 1) / 12.0));
  double walk = 0;
  for (std::uint32_t k = 1; k < e; ++k) walk += read_philox(bridge.stream, k - 1, true);
  walk = walk / std::sqrt(12.0) + last * read_philox(bridge.stream, e - 1, true);
  const double end = std::sqrt(t) * read_sobol(bridge.terminal, 0, true);
  const double delta = (walk - end) / t;
  pins_[b] = Pin{e, delta / std::sqrt(12.0), delta * last};
}

PathDraws::PathDraws(const DrawPlan* plan)
    : plan_(plan), buffer_(static_cast<std::size_t>(plan->slots()) * kBlock) {}

const PathDraws::Tail* PathDraws::find_tail(StreamKey key, bool normal, std::uint32_t first) const {
  for (std::uint32_t i = 0; i < tails_used_; ++i) {
    const Tail& t = tails_[i];
    if (t.key == key && t.normal == normal && t.first == first) return &t;
  }
  return nullptr;
}

// The free ones first; once all are used, replaced in turn from the first. So up to kTails calls
// in a row return distinct tails (z_row() fills that many at once).
PathDraws::Tail& PathDraws::next_tail() {
  if (tails_used_ < tails_.size()) {
    Tail& t = tails_[tails_used_++];
    if (tails_used_ == tails_.size()) tail_next_ = 0;
    return t;
  }
  return tails_[tail_next_++ % tails_.size()];
}

double PathDraws::read_tail(StreamKey key, std::uint32_t draw, bool normal, std::uint32_t planned) {
  assert(draw >= planned);
  const std::uint32_t first = tail_first(planned, draw);
  if (const Tail* t = find_tail(key, normal, first)) return t->v[draw - first];
  Tail& t = next_tail();
  t.key = key;
  t.normal = normal;
  t.first = first;
  engine::fill_path_draws(key, path_, first / 2, kTail / 2, normal, t.v);
  return t.v[draw - first];
}

void PathDraws::z_rows(std::span<const StreamKey> keys, std::uint32_t first, std::uint32_t count,
                       double* out) {
  const std::size_t n = keys.size();
  bool runs = !sobol_ && plan_ && n <= kTails;
  for (std::size_t k = 0; k < n && runs; ++k) runs = plan_->planned_draws(keys[k], true) > 0;
  if (!runs) {  // no plan, a sobol run, a stream off lanes, or more streams than tails
    for (std::uint32_t d = 0; d < count; ++d)
      for (std::size_t k = 0; k < n; ++k) out[d * n + k] = z(keys[k], first + d);
    return;
  }
  uniforms_ += n * count;
  normals_ += n * count;
  const std::uint32_t end = first + count;
  for (std::uint32_t d = first; d < end;) {
    // Where each stream's draws d .. until - 1 are: a row of the plan (stride kBlock) or a chunk
    // past it (stride 1), made below if missing. A chunk found is read before any is made, since
    // making one may take the place of another (next_tail()).
    const double* from[kTails];
    std::size_t stride[kTails];
    std::uint32_t until = end;
    StreamKey missing[kTails];
    std::uint32_t chunk_first[kTails], pair[kTails];
    std::size_t at[kTails], m = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t planned = plan_->planned_draws(keys[k], true);
      if (d < planned) {
        from[k] = buffer_.data() +
                  static_cast<std::size_t>(plan_->slot(keys[k], d, true)) * kBlock + column_;
        stride[k] = kBlock;
        until = std::min(until, planned);
        continue;
      }
      const std::uint32_t f = tail_first(planned, d);
      until = std::min(until, f + kTail);
      stride[k] = 1;
      if (const Tail* t = find_tail(keys[k], true, f)) {
        from[k] = t->v + (d - f);
        continue;
      }
      from[k] = nullptr;
      missing[m] = keys[k];
      chunk_first[m] = f;
      pair[m] = f / 2;
      at[m++] = k;
    }
    auto copy = [&](std::size_t k) {
      for (std::uint32_t j = 0; j < until - d; ++j)
        out[(d - first + j) * n + k] = from[k][j * stride[k]];
    };
    for (std::size_t k = 0; k < n; ++k)
      if (from[k]) copy(k);
    if (m > 0) {
      double* chunk[kTails];
      for (std::size_t j = 0; j < m; ++j) {
        Tail& t = next_tail();
        t.key = missing[j];
        t.normal = true;
        t.first = chunk_first[j];
        chunk[j] = t.v;
      }
      engine::fill_path_draws(std::span(missing, m), std::span(pair, m), path_, kTail / 2, true,
                              chunk);
      for (std::size_t j = 0; j < m; ++j) {
        from[at[j]] = chunk[j] + (d - chunk_first[j]);
        copy(at[j]);
      }
    }
    d = until;
  }
}

void PathDraws::refill(std::uint64_t path) {
  assert(path < end_);
  first_ = path;
  ++generation_;
  count_ = std::min<std::uint64_t>(kBlock, end_ - path);
  const auto n = static_cast<std::uint32_t>(count_);
  for (const DrawPlan::Stream& s : plan_->streams()) {
    double* row = buffer_.data() + static_cast<std::size_t>(s.first) * kBlock;
    for (std::uint32_t d = 0; d < s.draws; d += 2) {
      double* odd = d + 1 < s.draws ? row + kBlock : nullptr;
      engine::fill_lanes({s.key, d / 2, s.normal}, path, n, row, odd);
      row += 2 * kBlock;
    }
  }
}

int DrawsPastBlock::plan(const PathDraws& draws, int first, int last, const int* need,
                         std::size_t streams) {
  assert(first >= 0);
  first_ = top_ = first;
  entries_ = 0;
  const std::uint32_t paths = draws.block_paths();
  // Each column's months past `first` (capped at `last`), counted by value: a counting sort puts
  // the columns most months first, then by column, and count(m) is a suffix sum.
  const auto span = static_cast<std::size_t>(std::max(last - first, 0));
  if (at_.size() < span + 2) at_.resize(span + 2);
  std::fill(at_.begin(), at_.begin() + static_cast<std::ptrdiff_t>(span + 2), 0u);
  int most = 0;
  for (std::uint32_t p = 0; p < paths; ++p) {
    const int more = std::max(0, std::min(need[p], last) - first);
    last_[p] = first + more;
    ++at_[static_cast<std::size_t>(more)];
    most = std::max(most, more);
  }
  if (most == 0) return top_;
  top_ = first + most;
  const auto months = static_cast<std::size_t>(most);
  if (count_.size() < months) count_.resize(months);
  std::uint32_t above = 0;  // columns with more months than c
  for (auto c = static_cast<std::size_t>(most); c >= 1; --c) {
    const std::uint32_t here = at_[c];
    at_[c] = above;  // the rank of the first column with c months
    above += here;
    count_[c - 1] = above;
  }
  for (std::uint32_t p = 0; p < paths; ++p) {
    const auto c = static_cast<std::size_t>(last_[p] - first);
    if (c == 0) continue;
    rank_[p] = at_[c]++;
    order_[rank_[p]] = p;
  }
  // Month m is draw m - 1: the even or the odd of Philox pair (m - 1) / 2. Each pair's entries
  // are the ranks that need its first month past `first`.
  first_pair_ = static_cast<std::uint32_t>(first) / 2;
  const std::uint32_t last_pair = static_cast<std::uint32_t>(top_ - 1) / 2;
  if (base_.size() < last_pair - first_pair_ + 1) base_.resize(last_pair - first_pair_ + 1);
  for (std::uint32_t q = first_pair_; q <= last_pair; ++q)
    entries_ += count(std::max(static_cast<int>(2 * q + 1), first + 1));
  if (paths_.size() < entries_) {
    paths_.resize(entries_);
    pairs_.resize(entries_);
  }
  if (eps_.size() < 2 * streams * entries_) eps_.resize(2 * streams * entries_);
  std::size_t e = 0;
  for (std::uint32_t q = first_pair_; q <= last_pair; ++q) {
    base_[q - first_pair_] = static_cast<std::uint32_t>(e);
    const std::uint32_t n = count(std::max(static_cast<int>(2 * q + 1), first + 1));
    for (std::uint32_t r = 0; r < n; ++r, ++e) {
      paths_[e] = draws.block_first() + order_[r];
      pairs_[e] = q;
    }
  }
  return top_;
}

void DrawsPastBlock::draw(std::size_t stream, StreamKey key) {
  if (entries_ == 0) return;
  double* even = eps_.data() + 2 * stream * entries_;
  engine::fill_lanes_at(key, true, paths_.data(), pairs_.data(),
                        static_cast<std::uint32_t>(entries_), even, even + entries_);
}

}  // namespace vestsim::models
