#include "models/studies/precision.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "engine/sobol.hpp"
#include "engine/statistics.hpp"
#include "models/simulate.hpp"

namespace vestsim::models {

namespace {

constexpr double kZ95 = 1.959963984540054;  // the 97.5% normal quantile

double wilson_half_width(double p, double n) {
  const double z2 = kZ95 * kZ95;
  return kZ95 / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
}

// The Summary of x that a run reports (its median, with the 95% CI).
engine::Summary median_summary(std::span<const double> x) {
  static const std::vector<double> kMedian = {50};
  std::vector<double> scratch;
  return engine::summarize(x, kMedian, scratch);
}

double ci_half(const std::pair<double, double>& ci) {
  return (ci.second - ci.first) / 2;
}

double p50_half_width(const RunSummary& s, const engine::Summary& x) {
  for (std::size_t i = 0; i < s.percentiles.size(); ++i)
    if (s.percentiles[i] == 50) return ci_half(x.ci95[i]);
  assert(false && "p50 targets need 50 among the percentiles");
  return 0;
}

}  // namespace

const std::vector<std::string_view>& precision_names() {
  static const std::vector<std::string_view> kNames = {"p_win", "mean_diff", "p50_diff",
                                                       "mean_total", "p50_total"};
  return kNames;
}

const PrecisionTarget* p50_without_p50(const std::vector<PrecisionTarget>& targets,
                                       const std::vector<double>& percentiles) {
  if (std::find(percentiles.begin(), percentiles.end(), 50.0) != percentiles.end()) return nullptr;
  for (const PrecisionTarget& t : targets)
    if (t.name.rfind("p50", 0) == 0) return &t;
  return nullptr;
}

std::string p50_problem(std::string_view text, const std::vector<double>& percentiles) {
  std::string error;
  const auto targets = text.empty() ? std::nullopt : parse_precision(text, error);
  const PrecisionTarget* t = targets ? p50_without_p50(*targets, percentiles) : nullptr;
  return t ? t->name + " needs 50 among report.percentiles" : std::string();
}

std::optional<std::vector<PrecisionTarget>> parse_precision(std::string_view text,
                                                            std::string& error) {
  std::vector<PrecisionTarget> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = text.substr(at, comma - at);
    const std::size_t eq = item.find('=');
    const std::string name(item.substr(0, eq == std::string_view::npos ? item.size() : eq));
    const auto& names = precision_names();
    std::string list;
    for (std::string_view n : names) list += (list.empty() ? "" : ", ") + std::string(n);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      error = fmt::format("'{}': not a quantity; the quantities are {}", name, list);
      return std::nullopt;
    }
    const std::string value = eq == std::string_view::npos ? "" : std::string(item.substr(eq + 1));
    char* end = nullptr;
    errno = 0;
    const double v = value.empty() ? 0 : std::strtod(value.c_str(), &end);
    // 1e-400: strtod gives 0 (ERANGE), yet the number is above 0.
    const bool underflow = errno == ERANGE && std::fabs(v) < 1 && !std::signbit(v);
    // Decimal only: strtod would also take hex ("0x1p-3"), "inf" and "nan".
    const bool decimal = value.find_first_not_of("0123456789.eE+-") == std::string::npos;
    // A subnormal target (below 2.2e-308) prints as 0 and can never be met: refused too.
    if (value.empty() || !decimal || end != value.c_str() + value.size() || !(v > 0 || underflow) ||
        !std::isfinite(v)) {
      error = fmt::format("'{}': expected {}=HALF_WIDTH with a decimal half-width > 0", item, name);
      return std::nullopt;
    }
    if (v < std::numeric_limits<double>::min()) {
      error =
          fmt::format("'{}': a half-width below 2.2e-308 cannot be met; give a larger one", item);
      return std::nullopt;
    }
    // A probability's 95% interval is never wider than [0, 1]: a target above 0.5 always holds.
    if (name == "p_win" && v > 0.5) {
      error = fmt::format("'{}': p_win is a probability; its half-width target must be at most 0.5",
                          item);
      return std::nullopt;
    }
    for (const PrecisionTarget& t : out)
      if (t.name == name) {
        error = fmt::format("'{}' is named twice", name);
        return std::nullopt;
      }
    out.push_back({name, v});
    at = comma + 1;
  }
  return out;
}

namespace {

// A half-width that cannot be measured is infinite, never 0, so that no target counts as met on
// it: one path has no spread, and a sobol run needs a path in each of its 16 replicates.
double measurable(double half_width, std::uint64_t paths, bool sobol) {
  if (paths < (sobol ? engine::kReplicates : 2) || !std::isfinite(half_width))
    return std::numeric_limits<double>::infinity();
  return half_width;
}

}  // namespace

double precision_half_width(const RunSummary& s, std::string_view name) {
  double worst = 0;
  const double n = static_cast<double>(s.paths);
  // A sobol run's means and P(a beats b) have replicate errors: t(15) standard errors.
  const double z = s.sobol ? engine::kT15 : kZ95;
  // Every figure the report prints: before tax and, with a regime, after tax (which it leads
  // with), so a target holds on both.
  for (const ComparisonSummary& c : s.comparisons)
    for (const bool after : {false, true}) {
      if (after && !s.has_tax) continue;
      const double p = after ? c.p_a_beats_b_after_tax : c.p_a_beats_b;
      const double p_error = after ? c.p_a_beats_b_after_tax_stderr : c.p_a_beats_b_stderr;
      const engine::Summary& diff = after ? c.diff_after_tax : c.diff;
      if (name == "p_win") worst = std::max(worst, s.sobol ? z * p_error : wilson_half_width(p, n));
      if (name == "mean_diff") worst = std::max(worst, z * diff.std_error);
      if (name == "p50_diff") worst = std::max(worst, p50_half_width(s, diff));
    }
  for (const OfferSummary& o : s.offers)
    for (const bool after : {false, true}) {
      if (after && !o.has_regime) continue;
      const engine::Summary& total = after ? o.after_tax : o.total;
      if (name == "mean_total") worst = std::max(worst, z * total.std_error);
      if (name == "p50_total") worst = std::max(worst, p50_half_width(s, total));
    }
  return measurable(worst, s.paths, s.sobol);
}

double pair_half_width(std::span<const double> a, std::span<const double> b,
                       std::string_view name) {
  assert(a.size() == b.size() && !a.empty());
  if (name == "mean_total" || name == "p50_total") {
    const engine::Summary sa = median_summary(a), sb = median_summary(b);
    return measurable(name == "mean_total" ? kZ95 * std::max(sa.std_error, sb.std_error)
                                           : std::max(ci_half(sa.ci95[0]), ci_half(sb.ci95[0])),
                      a.size(), false);
  }
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = path_difference(a[i], b[i]);
  if (name == "p_win")
    return measurable(wilson_half_width(share_positive(d), static_cast<double>(d.size())), d.size(),
                      false);
  const engine::Summary sd = median_summary(d);
  assert(name == "mean_diff" || name == "p50_diff");
  return measurable(name == "mean_diff" ? kZ95 * sd.std_error : ci_half(sd.ci95[0]), d.size(),
                    false);
}

double pair_quantity(std::span<const double> a, std::span<const double> b, std::string_view name) {
  assert(a.size() == b.size() && !a.empty());
  if (name == "mean_total") return engine::column_mean(a);
  if (name == "p50_total") return median(a);
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = path_difference(a[i], b[i]);
  if (name == "p_win") return share_positive(d);
  if (name == "mean_diff") return engine::column_mean(d);
  assert(name == "p50_diff");
  return median(d);
}

std::uint64_t next_paths(std::uint64_t paths, const std::vector<PrecisionTarget>& targets,
                         const std::vector<double>& reached, std::uint64_t max_paths) {
  assert(paths < max_paths && targets.size() == reached.size());
  double ratio = 1;
  // A half-width not yet defined (too few paths: infinite, or NaN) says nothing of how many are
  // needed: it doubles the run (docs/design.md#19-runs-that-stop-at-a-precision), not max_paths
  // at once.
  bool undefined = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!std::isfinite(reached[i])) {
      undefined = true;
      continue;
    }
    ratio = std::max(ratio,
                     (reached[i] / targets[i].half_width) * (reached[i] / targets[i].half_width));
  }
  const double want = std::ceil(static_cast<double>(paths) * ratio * 1.1);
  const std::uint64_t block = engine::kSumChunk;
  std::uint64_t next = want >= static_cast<double>(max_paths)
                           ? max_paths
                           : (static_cast<std::uint64_t>(want) + block - 1) / block * block;
  next = std::max(next, (paths / block + 1) * block);
  if (undefined) next = std::max(next, (2 * paths + block - 1) / block * block);
  return std::min(next, max_paths);
}

}  // namespace vestsim::models
