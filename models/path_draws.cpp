#include "models/path_draws.hpp"

#include <algorithm>
#include <cassert>

#include "engine/lanes.hpp"

namespace vestsim::models {

DrawPlan::DrawPlan(const DrawLog& log, std::uint64_t paths, double min_share) {
  assert(paths > 0);
  // Per (stream, kind): one past the last draw read often enough.
  for (const auto& [address, count] : log.reads()) {
    const auto& [k0, k1, normal, draw] = address;
    if (static_cast<double>(count) < min_share * static_cast<double>(paths)) continue;
    const StreamKey key{k0, k1};
    auto it = std::find_if(streams_.begin(), streams_.end(),
                           [&](const Stream& s) { return s.key == key && s.normal == normal; });
    if (it == streams_.end()) it = streams_.insert(streams_.end(), Stream{key, normal, 0, 0});
    it->draws = std::max(it->draws, draw + 1);
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

PathDraws::PathDraws(const DrawPlan* plan)
    : plan_(plan), buffer_(static_cast<std::size_t>(plan->slots()) * kBlock) {}

void PathDraws::refill(std::uint64_t path) {
  assert(path < end_);
  first_ = path;
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

}  // namespace vestsim::models
