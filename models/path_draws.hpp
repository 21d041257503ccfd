// The random draws of one path, read by address (stream, draw index)
// (docs/design.md#15-lanes-of-paths). Every model reads its draws through
// PathDraws::u and PathDraws::z; how they are produced is PathDraws' business:
// - the reference: each draw from engine::uniform (and normal_quantile), one path at a time;
// - lanes: the (stream, draw) pairs most paths read (a DrawPlan, compiled once
//   per scenario) are generated ahead for a sub-block of consecutive paths on
//   SIMD lanes (engine/lanes.hpp) into a buffer laid out [slot][path]; any
//   other read falls back to the reference.
// Both give the same bits for every read, so results never depend on the plan
// or on the instruction set.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

#include "engine/normal.hpp"
#include "engine/rng.hpp"

namespace vestsim::models {

using engine::StreamKey;

// Counts of reads by (stream, draw, as a normal), from reference paths.
class DrawLog {
 public:
  void note(StreamKey key, std::uint32_t draw, bool normal) {
    ++reads_[std::make_tuple(key.k0, key.k1, normal, draw)];
  }
  const auto& reads() const { return reads_; }

 private:
  std::map<std::tuple<std::uint32_t, std::uint32_t, bool, std::uint32_t>, std::uint64_t> reads_;
};

// The draws generated on lanes: per stream (read as uniforms or as normals),
// draws 0 .. draws - 1 in consecutive slots. A stream is found by a
// collision-free table indexed by bits of its key picked at compile time: an
// array index per read, no hashing.
class DrawPlan {
 public:
  struct Stream {
    StreamKey key;
    bool normal = false;
    std::uint32_t first = 0, draws = 0;  // slots first .. first + draws - 1
  };

  DrawPlan() = default;  // empty: every read falls back to the reference
  // Every (stream, draw) read by at least `min_share` of `paths` logged paths,
  // each stream up to its last such draw. Requires paths > 0.
  DrawPlan(const DrawLog& log, std::uint64_t paths, double min_share);

  // The slot holding (key, draw) read as a normal (or a uniform), or -1.
  int slot(StreamKey key, std::uint32_t draw, bool normal) const {
    const Stream& s = table_[(key.k0 >> shift_) & mask_];
    if (s.key == key && s.normal == normal && draw < s.draws)
      return static_cast<int>(s.first + draw);
    return -1;
  }
  std::uint32_t slots() const { return slots_; }
  const std::vector<Stream>& streams() const { return streams_; }

 private:
  std::vector<Stream> streams_;
  std::vector<Stream> table_ = std::vector<Stream>(1);  // empty entries have draws == 0
  std::uint32_t shift_ = 0, mask_ = 0, slots_ = 0;
};

class PathDraws {
 public:
  // Paths generated together on lanes: the buffer is slots x kBlock doubles.
  static constexpr std::uint32_t kBlock = 128;

  PathDraws() = default;                           // the reference
  explicit PathDraws(DrawLog* log) : log_(log) {}  // the reference, logging every read
  // Lanes for `plan`, which must outlive this. Allocates the buffer.
  explicit PathDraws(const DrawPlan* plan);

  // Paths from here on are below `end` (sizes the last sub-block; optional).
  void set_end(std::uint64_t end) { end_ = end; }
  void start(std::uint64_t path) {
    path_ = path;
    if (plan_) {
      if (path - first_ >= count_) refill(path);
      column_ = static_cast<std::uint32_t>(path - first_);
    }
  }
  double u(StreamKey key, std::uint32_t draw) {
    ++uniforms_;
    return read(key, draw, false);
  }
  // A standard normal by inversion of one uniform.
  double z(StreamKey key, std::uint32_t draw) {
    ++uniforms_;
    ++normals_;
    return read(key, draw, true);
  }
  std::uint64_t uniforms() const { return uniforms_; }
  std::uint64_t normals() const { return normals_; }

 private:
  double read(StreamKey key, std::uint32_t draw, bool normal) {
    if (plan_) {
      const int s = plan_->slot(key, draw, normal);
      if (s >= 0) return buffer_[static_cast<std::size_t>(s) * kBlock + column_];
    } else if (log_) {
      log_->note(key, draw, normal);
    }
    const double u = engine::uniform(key, path_, draw);
    return normal ? engine::normal_quantile(u) : u;
  }
  void refill(std::uint64_t path);

  const DrawPlan* plan_ = nullptr;
  DrawLog* log_ = nullptr;
  std::vector<double> buffer_;
  std::uint64_t first_ = 0, count_ = 0, end_ = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t column_ = 0;
  std::uint64_t path_ = 0, uniforms_ = 0, normals_ = 0;
};

}  // namespace vestsim::models
