#include "engine/statistics.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>

#include <boost/math/distributions/binomial.hpp>

#include "engine/bucket_summary.hpp"

namespace vestsim::engine {

namespace {

// chunk_moments()' first pass, value v.
inline void first_pass(Moments& m, double v) {
  m.sum += v;
  m.positive += v > 0;
  m.zero += v == 0;
  m.min = std::min(m.min, v);
  m.max = std::max(m.max, v);
}

}  // namespace

Moments chunk_moments(std::span<const double> x) {
  assert(!x.empty() && x.size() <= kSumChunk);
  Moments m;
  m.n = x.size();
  for (double v : x) first_pass(m, v);
  const double mean = m.sum / static_cast<double>(m.n);
  for (double v : x) m.m2 += (v - mean) * (v - mean);
  return m;
}

void ChunkMoments::add(std::span<const double> x) {
  assert(!x.empty() && x.size() <= kSumChunk);
  Moments next;
  next.n = x.size();
  std::size_t i = 0;
  if (last_.n > 0) {  // the held chunk's second pass beside x's first
    const double mean = last_.sum / static_cast<double>(last_.n);
    const double* held = held_.data();
    const std::size_t both = std::min(held_.size(), x.size());
    double m2 = 0;  // a local: a member could alias the values, a load and store each time
    for (; i < both; ++i) {
      first_pass(next, x[i]);
      m2 += (held[i] - mean) * (held[i] - mean);
    }
    for (std::size_t j = both; j < held_.size(); ++j) m2 += (held[j] - mean) * (held[j] - mean);
    last_.m2 = m2;
    merge_moments(merged_, last_);
  }
  for (; i < x.size(); ++i) first_pass(next, x[i]);
  last_ = next;
  held_.assign(x.begin(), x.end());
}

Moments ChunkMoments::finish() {
  if (last_.n > 0) {
    const double mean = last_.sum / static_cast<double>(last_.n);
    double m2 = 0;
    for (double v : held_) m2 += (v - mean) * (v - mean);
    last_.m2 = m2;
    merge_moments(merged_, last_);
  }
  const Moments m = merged_;
  merged_ = last_ = Moments{};
  held_.clear();
  return m;
}

void merge_moments(Moments& into, const Moments& next) {
  if (next.n == 0) return;
  if (into.n == 0) {
    // 0 + sum is sum: the first chunk's bits are kept, as a running total starting at 0 would.
    into = next;
    return;
  }
  const double na = static_cast<double>(into.n), nb = static_cast<double>(next.n);
  const double delta = next.sum / nb - into.sum / na;
  into.m2 = into.m2 + next.m2 + delta * delta * (na * nb / (na + nb));
  into.sum += next.sum;
  into.n += next.n;
  into.min = std::min(into.min, next.min);
  into.max = std::max(into.max, next.max);
  into.positive += next.positive;
  into.zero += next.zero;
}

Moments column_moments(std::span<const double> x) {
  Moments m;
  for (std::size_t i = 0; i < x.size(); i += kSumChunk)
    merge_moments(m, chunk_moments(x.subspan(i, std::min<std::size_t>(kSumChunk, x.size() - i))));
  return m;
}

double mean_of(const Moments& m) {
  assert(m.n >= 1);
  return m.min == m.max ? m.min : std::clamp(m.sum / static_cast<double>(m.n), m.min, m.max);
}

double column_mean(std::span<const double> x) {
  assert(!x.empty());
  Moments m;
  m.n = x.size();
  m.sum = stable_sum(x);
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  m.min = *lo;
  m.max = *hi;
  return mean_of(m);
}

double stable_sum(std::span<const double> x) {
  // The same additions as column_moments(x).sum, without the rest.
  double total = 0;
  for (std::size_t i = 0; i < x.size(); i += kSumChunk) {
    const std::size_t end = std::min<std::size_t>(x.size(), i + kSumChunk);
    double chunk = 0;
    for (std::size_t j = i; j < end; ++j) chunk += x[j];
    total += chunk;
  }
  return total;
}

void ExactSum::add(double x) {
  // Shewchuk's grow-expansion: partials_ stay non-overlapping, increasing in magnitude.
  std::size_t i = 0;
  for (double y : partials_) {
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);
    if (lo != 0) partials_[i++] = lo;
    x = hi;
  }
  partials_.resize(i);
  partials_.push_back(x);
}

void ExactSum::add(const ExactSum& other) {
  for (double p : other.partials_) add(p);
}

namespace {
// Veltkamp's split of a into hi + lo, each of at most 26 significant bits (no FMA).
std::pair<double, double> split(double a) {
  const double c = 134217729.0 * a;  // 2^27 + 1
  const double hi = c - (c - a);
  return {hi, a - hi};
}
}  // namespace

void ExactSum::add_multiple(std::uint64_t k, double v) {
  assert(k < (std::uint64_t{1} << 53));
  // Dekker's exact product: k * v = p + e exactly.
  const double a = static_cast<double>(k);
  const double p = a * v;
  const auto [ah, al] = split(a);
  const auto [vh, vl] = split(v);
  const double e = ((ah * vh - p) + ah * vl + al * vh) + al * vl;
  add(p);
  add(e);
}

double ExactSum::value() const {
  // The exactly rounded sum of the partials (CPython's math.fsum, final step).
  std::size_t n = partials_.size();
  if (n == 0) return 0.0;
  double hi = partials_[--n], lo = 0;
  while (n > 0) {
    const double x = hi, y = partials_[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0) break;
  }
  if (n > 0 && ((lo < 0 && partials_[n - 1] < 0) || (lo > 0 && partials_[n - 1] > 0))) {
    const double y = lo * 2, x = hi + y;
    if (y == x - hi) hi = x;
  }
  return hi;
}

std::uint64_t binomial_quantile(std::uint64_t n, double prob, double p) {
  assert(prob >= 0 && prob <= 1 && p >= 0 && p <= 1);
  const boost::math::binomial_distribution<> b(static_cast<double>(n), prob);
  std::uint64_t lo = 0, hi = n;  // cdf(n) = 1 >= p, so the answer is in [lo, hi]
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (boost::math::cdf(b, static_cast<double>(mid)) >= p)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

std::pair<std::uint64_t, std::uint64_t> percentile_ci_ranks(std::uint64_t n, double q) {
  assert(n >= 1 && q >= 0 && q <= 100);
  // Every column of a run asks for the same few (n, q), and each answer takes about 40
  // evaluations of the binomial cdf: each thread keeps its last answers (a pure function).
  struct Known {
    std::uint64_t n = 0;
    double q = -1;
    std::pair<std::uint64_t, std::uint64_t> ranks;
  };
  thread_local std::array<Known, 16> known;
  thread_local std::size_t next = 0;
  for (const Known& k : known)
    if (k.n == n && k.q == q) return k.ranks;
  const double prob = q / 100.0;
  std::uint64_t l = binomial_quantile(n, prob, 0.025);
  std::uint64_t u = binomial_quantile(n, prob, 0.975) + 1;
  l = std::clamp<std::uint64_t>(l, 1, n);
  u = std::clamp<std::uint64_t>(u, 1, n);
  known[next] = {n, q, {l, u}};
  next = (next + 1) % known.size();
  return {l, u};
}

namespace {
// Type 7: h = (n - 1) q / 100, 0-based; interpolate between floor(h) and floor(h) + 1.
std::pair<std::uint64_t, double> type7_position(std::uint64_t n, double q) {
  assert(n >= 1 && q >= 0 && q <= 100);
  const double h = static_cast<double>(n - 1) * q / 100.0;
  auto lo = static_cast<std::uint64_t>(std::floor(h));
  if (lo >= n - 1) return {n - 1, 0.0};
  return {lo, h - static_cast<double>(lo)};
}

double type7_value(std::span<const double> v, std::uint64_t lo, double frac) {
  if (frac == 0.0) return v[lo];
  return v[lo] + frac * (v[lo + 1] - v[lo]);
}

void select_range(std::span<double> v, std::size_t first, std::size_t last,
                  std::span<const std::uint64_t> ranks) {
  if (ranks.empty() || first >= last) return;
  const std::size_t mid = ranks.size() / 2;
  const std::uint64_t r = ranks[mid];
  std::nth_element(v.begin() + first, v.begin() + r, v.begin() + last);
  select_range(v, first, r, ranks.first(mid));
  select_range(v, r + 1, last, ranks.subspan(mid + 1));
}
}  // namespace

void select_ranks(std::span<double> v, std::span<const std::uint64_t> ranks) {
  assert(std::is_sorted(ranks.begin(), ranks.end()));
  assert(ranks.empty() || ranks.back() < v.size());
  select_range(v, 0, v.size(), ranks);
}

std::vector<double> select_percentiles(std::span<double> v, std::span<const double> q) {
  std::vector<double> out;
  if (v.empty()) return out;
  std::vector<std::uint64_t> ranks;
  std::vector<std::pair<std::uint64_t, double>> pos;
  for (double qi : q) {
    pos.push_back(type7_position(v.size(), qi));
    ranks.push_back(pos.back().first);
    if (pos.back().second != 0.0) ranks.push_back(pos.back().first + 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  select_ranks(v, ranks);
  for (const auto& [lo, frac] : pos) out.push_back(type7_value(v, lo, frac));
  return out;
}

namespace {
// Ranks 1..n, ties sharing their average rank.
std::vector<double> ranks_of(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}
}  // namespace

std::optional<double> spearman(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return std::nullopt;
  const std::vector<double> rx = ranks_of(x.first(n)), ry = ranks_of(y.first(n));
  const double mean = (static_cast<double>(n) + 1) / 2;  // of ranks 1..n, ties included
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (!(sxx > 0 && syy > 0)) return std::nullopt;
  return sxy / std::sqrt(sxx * syy);
}

RankPlan plan_ranks(std::uint64_t n, std::span<const double> q, bool full) {
  RankPlan p;
  p.n = n;
  if (n == 0) return p;
  if (full) {
    p.tail = (n + 19) / 20;
    p.ranks.push_back(p.tail - 1);
  }
  for (double qi : q) {
    p.pos.push_back(type7_position(n, qi));
    p.ranks.push_back(p.pos.back().first);
    if (p.pos.back().second != 0.0) p.ranks.push_back(p.pos.back().first + 1);
    if (!full) continue;
    p.ci.push_back(percentile_ci_ranks(n, qi));
    p.ranks.push_back(p.ci.back().first - 1);
    p.ranks.push_back(p.ci.back().second - 1);
  }
  std::sort(p.ranks.begin(), p.ranks.end());
  p.ranks.erase(std::unique(p.ranks.begin(), p.ranks.end()), p.ranks.end());
  return p;
}

Summary finish_summary(const Moments& m, const RankPlan& plan, std::span<const double> at_ranks,
                       double tail_sum) {
  assert(m.n == plan.n && at_ranks.size() == plan.ranks.size());
  Summary s;
  s.n = m.n;
  if (s.n == 0) return s;
  const double n = static_cast<double>(s.n);
  // A sum of n values over n can land an ulp outside [min, max] (a constant column's mean above
  // its max); the mean is held inside, and a constant column has its value and sd 0 exactly.
  s.mean = mean_of(m);
  s.sd = s.n > 1 && m.min != m.max ? std::sqrt(m.m2 / (n - 1)) : 0.0;
  s.std_error = s.sd / std::sqrt(n);
  s.min = m.min;
  s.max = m.max;
  s.p_positive = static_cast<double>(m.positive) / n;
  s.p_zero = static_cast<double>(m.zero) / n;
  s.p_negative = static_cast<double>(m.n - m.positive - m.zero) / n;
  auto at = [&](std::uint64_t rank) {
    const auto it = std::lower_bound(plan.ranks.begin(), plan.ranks.end(), rank);
    assert(it != plan.ranks.end() && *it == rank);
    return at_ranks[static_cast<std::size_t>(it - plan.ranks.begin())];
  };
  for (const auto& [lo, frac] : plan.pos)
    s.percentiles.push_back(frac == 0.0 ? at(lo) : at(lo) + frac * (at(lo + 1) - at(lo)));
  for (const auto& [l, u] : plan.ci) s.ci95.emplace_back(at(l - 1), at(u - 1));
  if (plan.tail > 0) s.cvar5 = std::clamp(tail_sum / static_cast<double>(plan.tail), m.min, m.max);
  return s;
}

namespace {

// Columns shorter than this are copied and selected whole.
constexpr std::uint64_t kCopyBelow = 4 * kSumChunk;
// Values read at a fixed stride to place the edges around each needed rank.
constexpr std::uint64_t kPilot = 1 << 13;
// Columns needing more ranks than this are copied and selected whole.
constexpr std::size_t kMaxBucketedRanks = 60;

// Each edge placed may be followed by its successor (a point mass): 2 doubles.
constexpr std::size_t kOuterEdges = 2 * 2, kAllEdges = 4 * 2;  // per rank
static_assert(kMaxBucketedRanks * kOuterEdges <= kMaxEdges);

// For each rank r of `plan`: the pilot values about 4 sd of a sample quantile
// below and above r / n and, when the edges still fit a byte's buckets (up to 31 ranks), 1 sd
// below and above (r's bucket is then about a quarter as wide, and is kept whole when r falls in
// it, about 2 times in 3), each followed by its successor when the pilot
// repeats it, so that a point mass gets a one-value bucket. Only how much is
// kept depends on it. Returns at most kMaxEdges edges when plan.ranks.size() <=
// kMaxBucketedRanks.
std::vector<double> edges_around(const RankPlan& plan, std::vector<double> pilot) {
  std::sort(pilot.begin(), pilot.end());
  const double s = static_cast<double>(pilot.size()), n = static_cast<double>(plan.n);
  const bool inner = plan.ranks.size() * kAllEdges <= kMaxEdges;
  std::vector<double> edges;
  for (std::uint64_t r : plan.ranks) {
    const double p = (static_cast<double>(r) + 0.5) / n;
    const double margin = 4 * std::sqrt(s * p * (1 - p)) + 2;
    std::array<double, 4> at{p * s - margin, p * s + margin, p * s - margin / 4,
                             p * s + margin / 4};
    for (double k : std::span(at).first(inner ? 4 : 2)) {
      if (k < 0 || k >= s) continue;
      const auto i = static_cast<std::size_t>(k);
      const double v = pilot[i];
      edges.push_back(v);
      if ((i > 0 && pilot[i - 1] == v) || (i + 1 < pilot.size() && pilot[i + 1] == v))
        edges.push_back(std::nextafter(v, std::numeric_limits<double>::infinity()));
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// Runs fn(values) for each kSumChunk chunk of the column, in path order.
template <class Fn>
void for_each_chunk(std::uint64_t n, ColumnSource source, std::vector<double>& buffer, Fn&& fn) {
  for (std::uint64_t b = 0; b < n; b += kSumChunk)
    fn(source(b, std::min(n, b + kSumChunk), buffer));
}

Summary summarize_source(std::uint64_t n, ColumnSource source, std::span<const double> q,
                         std::vector<double>& scratch, bool full) {
  if (n == 0) return {};
  const RankPlan plan = plan_ranks(n, q, full);
  std::vector<double> buffer;
  Moments m;
  // Each rank adds at most kAllEdges edges (kOuterEdges past 31 ranks), and a value's bucket
  // must fit a byte.
  if (n < kCopyBelow || plan.ranks.empty() || plan.ranks.size() > kMaxBucketedRanks) {
    // Moments chunk by chunk (column_moments), then selection over a whole copy.
    scratch.clear();
    for_each_chunk(n, source, buffer, [&](std::span<const double> v) {
      merge_moments(m, chunk_moments(v));
      if (!plan.ranks.empty()) scratch.insert(scratch.end(), v.begin(), v.end());
    });
    if (plan.ranks.empty()) return finish_summary(m, plan, {}, 0.0);
    select_ranks(scratch, plan.ranks);
    std::vector<double> at_ranks;
    for (std::uint64_t r : plan.ranks) at_ranks.push_back(scratch[r]);
    // The lowest `tail` values sit in scratch[0, tail): their exact sum does not depend on their
    // order.
    ExactSum tail;
    for (std::uint64_t i = 0; i < plan.tail; ++i) tail.add(scratch[i]);
    return finish_summary(m, plan, at_ranks, tail.value());
  }
  // Count over edges around the needed ranks (with the moments), then keep only their buckets.
  BucketColumn c;
  std::vector<double> pilot;
  for (std::uint64_t k = 0; k < kPilot; ++k) {
    const std::uint64_t i = k * n / kPilot;
    pilot.push_back(source(i, i + 1, buffer)[0]);
  }
  c.edges = edges_around(plan, std::move(pilot));
  // Each value's bucket, found once (the edges are few: one byte each).
  assert(c.edges.size() <= kMaxEdges);
  std::vector<std::uint8_t> bucket(n);
  std::vector<std::uint64_t> counts(c.edges.size() + 1, 0);
  std::uint64_t at = 0;
  ChunkMoments moments;
  for_each_chunk(n, source, buffer, [&](std::span<const double> v) {
    moments.add(v);
    count_buckets(c.edges, v, bucket.data() + at, counts.data());
    at += v.size();
  });
  c.moments = moments.finish();
  plan_buckets(c, q, full, counts, n);
  std::vector<std::vector<double>> slots(c.slot_bucket.size());
  for (std::size_t s = 0; s < slots.size(); ++s) slots[s].reserve(counts[c.slot_bucket[s]]);
  ExactSum below;
  at = 0;
  for_each_chunk(n, source, buffer, [&](std::span<const double> v) {
    for (double x : v) c.keep(x, bucket[at++], slots, below);
  });
  return finish_buckets(c, slots, below);
}

}  // namespace

Summary summarize(std::span<const double> x, std::span<const double> q,
                  std::vector<double>& scratch, bool full) {
  return summarize_source(
      x.size(),
      [x](std::uint64_t b, std::uint64_t e, std::vector<double>&) { return x.subspan(b, e - b); },
      q, scratch, full);
}

Summary summarize(std::uint64_t n, ColumnSource source, std::span<const double> q, bool full) {
  std::vector<double> scratch;
  return summarize_source(n, source, q, scratch, full);
}

}  // namespace vestsim::engine
