// The random draws of one path, read by address (stream, draw index)
// (docs/design.md#15-lanes-of-paths). Every model reads its draws through
// PathDraws::u and PathDraws::z; how they are produced is PathDraws' business:
// - the reference: each draw from engine::uniform (and normal_quantile), one path at a time;
// - lanes: the (stream, draw) pairs most paths read (a DrawPlan, compiled once
//   per scenario) are generated ahead for a sub-block of consecutive paths on
//   SIMD lanes (engine/lanes.hpp) into a buffer laid out [slot][path]; a read past the plan's
//   last draw of such a stream gets the path's next 16 draws on lanes of Philox pairs
//   (engine::fill_path_draws); any other read falls back to the reference.
// Both give the same bits for every read, so results never depend on the plan
// or on the instruction set. With --sampler sobol, draw 0 of a few streams
// comes from digitally shifted Sobol points instead (SobolDims).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "engine/normal.hpp"
#include "engine/rng.hpp"
#include "engine/sobol.hpp"

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
  // Every (stream, draw) read by at least `min_share` of `paths` logged paths (of a stream in
  // `extended`, by `extended_share` of them, and at least its first kExtendedKeep draws read by
  // min_share), each stream up to its last such draw. Requires paths > 0.
  DrawPlan(const DrawLog& log, std::uint64_t paths, double min_share,
           std::span<const StreamKey> extended = {}, double extended_share = 1);
  static constexpr std::uint32_t kExtendedKeep = 2;

  // The slot holding (key, draw) read as a normal (or a uniform), or -1.
  int slot(StreamKey key, std::uint32_t draw, bool normal) const {
    const Stream& s = table_[(key.k0 >> shift_) & mask_];
    if (s.key == key && s.normal == normal && draw < s.draws)
      return static_cast<int>(s.first + draw);
    return -1;
  }
  // Whether stream `key` is on lanes (read as a normal or a uniform), whatever the draw.
  bool has_stream(StreamKey key, bool normal) const { return planned_draws(key, normal) > 0; }
  // How many draws of stream `key` are on lanes (0: none).
  std::uint32_t planned_draws(StreamKey key, bool normal) const {
    const Stream& s = table_[(key.k0 >> shift_) & mask_];
    return s.key == key && s.normal == normal ? s.draws : 0;
  }
  std::uint32_t slots() const { return slots_; }
  const std::vector<Stream>& streams() const { return streams_; }

 private:
  std::vector<Stream> streams_;
  std::vector<Stream> table_ = std::vector<Stream>(1);  // empty entries have draws == 0
  std::uint32_t shift_ = 0, mask_ = 0, slots_ = 0;
};

// The scenario-level draws of a --sampler sobol run
// (docs/design.md#20-quasi-monte-carlo-sobol-points): Sobol dimension j is draw 0 of stream
// keys[j]; path i takes point i / kReplicates, shifted by shifts[j * kReplicates + i %
// kReplicates]. Empty: every draw is Philox.
//
// A bridge makes a monthly normal stream (a private company's growth driver) end at a Sobol
// value: pinned at time t on a path, the stream's draws become the standardised increments of a
// Brownian bridge from 0 to sqrt(t) z, z the normal of the Sobol dimension `terminal`. They are
// still independent standard normals (docs/design.md#20-quasi-monte-carlo-sobol-points).
struct SobolDims {
  struct Bridge {
    StreamKey stream, terminal;  // terminal: one of `keys`
  };
  std::vector<StreamKey> keys;
  std::vector<std::uint64_t> shifts;
  std::vector<Bridge> bridges;
  // Appends `key` as the next dimension, with its shifts (engine::digital_shift);
  // a key already there is kept once. Requires fewer than kMaxSobolDimension keys.
  void add(StreamKey key);
  bool empty() const { return keys.empty(); }
};

class PathDraws {
 public:
  // Paths generated together on lanes: the buffer is slots x kBlock doubles.
  static constexpr std::uint32_t kBlock = 128;

  PathDraws() = default;                           // the reference
  explicit PathDraws(DrawLog* log) : log_(log) {}  // the reference, logging every read
  // Lanes for `plan`, which must outlive this. Allocates the buffer.
  explicit PathDraws(const DrawPlan* plan);

  // Draw 0 of the streams of `dims` (which must outlive this) from its shifted
  // Sobol points from now on; nothing changes when dims is empty. Allocates.
  void use_sobol(const SobolDims* dims);

  // sobol: on this path, bridge b of the SobolDims ends at time t (years; t <= 0: no bridge)
  // (docs/design.md#20-quasi-monte-carlo-sobol-points). Call after start() and before any read
  // of the bridge's stream. Requires use_sobol and b < bridges.size(); allocates nothing.
  void pin_bridge(std::size_t b, double t);

  // Paths from here on are below `end` (sizes the last sub-block; optional).
  void set_end(std::uint64_t end) { end_ = end; }
  void start(std::uint64_t path) {
    path_ = path;
    tails_used_ = 0;
    if (sobol_) next_point(path);  // and unpins every bridge
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
  // out[k] = z(keys[k], draw) for every k: the same values and counts. Streams past the plan
  // that need new chunks get them filled together (engine::fill_path_draws of several streams).
  void z_row(std::span<const StreamKey> keys, std::uint32_t draw, double* out) {
    z_rows(keys, draw, 1, out);
  }
  // z_row() of draws first .. first + count - 1, row d at out + d * keys.size(): the same values
  // and counts, each stream's draws found once per run of them in one place (the plan, or a
  // chunk past it).
  void z_rows(std::span<const StreamKey> keys, std::uint32_t first, std::uint32_t count,
              double* out);
  // The sub-block on lanes (docs/design.md#15-lanes-of-paths): `generation` changes at every
  // refill (0: none yet), the block holds block_paths() consecutive paths and this path is its
  // column(). lane_row() is the row of (key, draw) read as a normal or a uniform for the block's
  // paths, element column() this path's, or null when that draw is not on lanes or a sobol run
  // may change it: models that make a whole block at once read it (models/company_paths.hpp).
  // These reads are not counted in uniforms() and normals().
  std::uint64_t generation() const { return generation_; }
  std::uint32_t column() const { return column_; }
  std::uint32_t block_paths() const { return static_cast<std::uint32_t>(count_); }
  std::uint64_t block_first() const { return first_; }  // the path of column 0
  // Whether draws are made on lanes ahead of the reads: a plan, and no sobol points to change
  // them. Models may then make a block's draws themselves (DrawsPastBlock), with the same bits.
  bool ahead() const { return plan_ && !sobol_; }
  const double* lane_row(StreamKey key, std::uint32_t draw, bool normal) const {
    if (!plan_ || sobol_) return nullptr;
    const int s = plan_->slot(key, draw, normal);
    return s < 0 ? nullptr : buffer_.data() + static_cast<std::size_t>(s) * kBlock;
  }

  std::uint64_t uniforms() const { return uniforms_; }
  std::uint64_t normals() const { return normals_; }

 private:
  double read(StreamKey key, std::uint32_t draw, bool normal) {
    if (sobol_) [[unlikely]]
      return read_sobol(key, draw, normal);
    return read_philox(key, draw, normal);
  }
  double read_sobol(StreamKey key, std::uint32_t draw, bool normal) {
    const std::vector<StreamKey>& keys = sobol_->keys;
    for (std::size_t j = 0; j < keys.size() && draw == 0; ++j) {
      if (!(keys[j] == key)) continue;
      const double u = engine::uniform_from_word(
          point_[j] ^ sobol_->shifts[j * engine::kReplicates + replicate_]);
      return normal ? engine::normal_quantile(u) : u;
    }
    double x = read_philox(key, draw, normal);
    for (std::size_t b = 0; b < pins_.size(); ++b)
      if (pins_[b].months > 0 && sobol_->bridges[b].stream == key)
        x -= draw + 1 < pins_[b].months    ? pins_[b].whole
             : draw + 1 == pins_[b].months ? pins_[b].last
                                           : 0;
    return x;
  }
  double read_philox(StreamKey key, std::uint32_t draw, bool normal) {
    if (plan_) {
      const int s = plan_->slot(key, draw, normal);
      if (s >= 0) return buffer_[static_cast<std::size_t>(s) * kBlock + column_];
      if (const std::uint32_t planned = plan_->planned_draws(key, normal); planned > 0)
        return read_tail(key, draw, normal, planned);
    } else if (log_) {
      log_->note(key, draw, normal);
    }
    const double u = engine::uniform(key, path_, draw);
    return normal ? engine::normal_quantile(u) : u;
  }
  // A draw past the plan of a stream on lanes (its `planned` draws): the walk goes on past what
  // most paths read, so its next kTail draws are made at once for this path on lanes
  // (engine::fill_path_draws), in chunks that start at the plan's end (rounded down to a pair),
  // and kept until the path ends. The same bits as the reference.
  double read_tail(StreamKey key, std::uint32_t draw, bool normal, std::uint32_t planned);
  // The first draw of the chunk past the plan (`planned` draws) that holds `draw`.
  static std::uint32_t tail_first(std::uint32_t planned, std::uint32_t draw) {
    const std::uint32_t start = planned / 2 * 2;  // a whole Philox pair
    return start + (draw - start) / kTail * kTail;
  }
  struct Tail;
  const Tail* find_tail(StreamKey key, bool normal, std::uint32_t first) const;
  Tail& next_tail();  // a free one, else the next in turn
  void refill(std::uint64_t path);
  void next_point(std::uint64_t path);

  // A pinned bridge on this path: draw d < months - 1 less `whole`, draw months - 1 less `last`.
  struct Pin {
    std::uint32_t months = 0;  // 0: not pinned
    double whole = 0, last = 0;
  };

  const SobolDims* sobol_ = nullptr;
  std::vector<Pin> pins_;                      // per bridge
  std::optional<engine::SobolPoints> points_;  // set by use_sobol
  std::vector<std::uint64_t> point_;           // the words of point point_index_
  std::uint64_t point_index_ = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t replicate_ = 0;
  const DrawPlan* plan_ = nullptr;
  DrawLog* log_ = nullptr;
  std::vector<double> buffer_;
  std::uint64_t first_ = 0, count_ = 0, end_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t generation_ = 0;
  static constexpr std::uint32_t kTail = 16;  // draws made at once past the plan (8 pairs)
  struct Tail {
    StreamKey key;
    bool normal = false;
    std::uint32_t first = 0;  // the plan's end rounded down to a pair, plus a multiple of kTail
    double v[kTail] = {};
  };
  static constexpr std::size_t kTails = 4;
  std::array<Tail, kTails> tails_;  // this path's, tails_used_ of them; then replaced in turn
  std::uint32_t tails_used_ = 0, tail_next_ = 0;
  std::uint32_t column_ = 0;
  std::uint64_t path_ = 0, uniforms_ = 0, normals_ = 0;
};

// Normal draws past a block, for the columns of the draws' sub-block that need them
// (docs/design.md#15-lanes-of-paths): month m is draw m - 1 of a stream. plan() takes a month
// count per column; the columns that need month m are then ranks 0 .. count(m) - 1, most months
// first, and draw() makes one stream's draws of every (rank, month) planned, on lanes of those
// paths (engine::fill_lanes_at): the reference's bits. Allocates only to grow.
class DrawsPastBlock {
 public:
  static constexpr std::size_t kB = PathDraws::kBlock;
  // Months first + 1 .. min(need[p], last) of each column p of the draws' current sub-block, for
  // `streams` streams; returns the last month any column needs (first when none needs more).
  // Requires first >= 0.
  int plan(const PathDraws& draws, int first, int last, const int* need, std::size_t streams);
  // Makes the plan's draws of stream `key` as its stream number `stream` (< the plan's streams).
  void draw(std::size_t stream, StreamKey key);
  // Month m's draws of stream `stream`, element r rank r's, for ranks below count(m);
  // first < m <= top().
  const double* row(std::size_t stream, int m) const {
    const auto d = static_cast<std::uint32_t>(m - 1);
    return eps_.data() + (2 * stream + d % 2) * entries_ + base_[d / 2 - first_pair_];
  }
  std::uint32_t count(int m) const { return count_[m - first_ - 1]; }
  int top() const { return top_; }
  // Column p's last month planned (at least first), its rank, and the column of rank r.
  int last(std::uint32_t p) const { return last_[p]; }
  std::uint32_t rank(std::uint32_t p) const { return rank_[p]; }
  std::uint32_t column(std::uint32_t r) const { return order_[r]; }

 private:
  int first_ = 0, top_ = 0;
  std::array<int, kB> last_{};
  std::array<std::uint32_t, kB> rank_{}, order_{};
  std::vector<std::uint32_t> count_;  // [m - first_ - 1]
  std::vector<std::uint32_t> at_;     // plan()'s scratch: per count of months
  // Entry e is Philox pair pairs_[e] of path paths_[e]; pair q's entries start at
  // base_[q - first_pair_], one per rank that needs its first month past `first`.
  std::vector<std::uint64_t> paths_, pairs_;
  std::vector<std::uint32_t> base_;
  std::uint32_t first_pair_ = 0;
  std::size_t entries_ = 0;
  std::vector<double> eps_;  // [stream][even, odd][entry]
};

}  // namespace vestsim::models
