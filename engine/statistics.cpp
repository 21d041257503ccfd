#include "engine/statistics.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <boost/math/distributions/binomial.hpp>

namespace vestsim::engine {

namespace {
constexpr std::size_t kSumChunk = 1 << 14;
}

double stable_sum(std::span<const double> x) {
  double total = 0;
  for (std::size_t i = 0; i < x.size(); i += kSumChunk) {
    const std::size_t end = std::min(x.size(), i + kSumChunk);
    double chunk = 0;
    for (std::size_t j = i; j < end; ++j) chunk += x[j];
    total += chunk;
  }
  return total;
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
  const double prob = q / 100.0;
  std::uint64_t l = binomial_quantile(n, prob, 0.025);
  std::uint64_t u = binomial_quantile(n, prob, 0.975) + 1;
  l = std::clamp<std::uint64_t>(l, 1, n);
  u = std::clamp<std::uint64_t>(u, 1, n);
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

double spearman(std::span<const double> x, std::span<const double> y) {
  const std::size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0;
  const std::vector<double> rx = ranks_of(x.first(n)), ry = ranks_of(y.first(n));
  const double mean = (static_cast<double>(n) + 1) / 2;  // of ranks 1..n, ties included
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

Summary summarize(std::span<const double> x, std::span<const double> q,
                  std::vector<double>& scratch) {
  Summary s;
  s.n = x.size();
  if (s.n == 0) return s;
  const double n = static_cast<double>(s.n);

  s.mean = stable_sum(x) / n;
  double sq = 0, total_sq = 0;
  std::uint64_t positive = 0, zero = 0;
  s.min = x[0];
  s.max = x[0];
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double d = x[i] - s.mean;
    sq += d * d;
    if ((i + 1) % kSumChunk == 0) total_sq += std::exchange(sq, 0.0);
    positive += x[i] > 0;
    zero += x[i] == 0;
    s.min = std::min(s.min, x[i]);
    s.max = std::max(s.max, x[i]);
  }
  total_sq += sq;
  s.sd = s.n > 1 ? std::sqrt(total_sq / (n - 1)) : 0.0;
  s.std_error = s.sd / std::sqrt(n);
  s.p_positive = static_cast<double>(positive) / n;
  s.p_zero = static_cast<double>(zero) / n;

  // Every order statistic the summary needs, selected in one pass.
  const std::uint64_t tail = (s.n + 19) / 20;
  std::vector<std::uint64_t> ranks{tail - 1};
  std::vector<std::pair<std::uint64_t, double>> pos;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ci;
  for (double qi : q) {
    pos.push_back(type7_position(s.n, qi));
    ranks.push_back(pos.back().first);
    if (pos.back().second != 0.0) ranks.push_back(pos.back().first + 1);
    ci.push_back(percentile_ci_ranks(s.n, qi));
    ranks.push_back(ci.back().first - 1);
    ranks.push_back(ci.back().second - 1);
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());

  scratch.assign(x.begin(), x.end());
  select_ranks(scratch, ranks);
  for (std::size_t i = 0; i < q.size(); ++i) {
    s.percentiles.push_back(type7_value(scratch, pos[i].first, pos[i].second));
    s.ci95.emplace_back(scratch[ci[i].first - 1], scratch[ci[i].second - 1]);
  }
  // The lowest `tail` values sit in scratch[0, tail); sort them so the sum's
  // order (and so its rounding) is canonical.
  std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(tail));
  s.cvar5 = stable_sum(std::span<const double>(scratch.data(), tail)) / static_cast<double>(tail);
  return s;
}

}  // namespace vestsim::engine
