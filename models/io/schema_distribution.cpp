// Distributions: `key: 3` or `key: {dist: NAME, ...parameters, min, max}`.
// How to add a key: see models/io/schema.hpp.
#include <algorithm>
#include <cmath>
#include <regex>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/io/schema.hpp"

namespace vestsim::models::io {

namespace {

bool is_percentile_key(std::string_view k) {
  static const std::regex re("p([1-9]|[1-9][0-9])");
  return std::regex_match(k.begin(), k.end(), re);
}

const std::optional<double> kRequired = std::nullopt;

// True in a walk, or once reading `n` has recorded a problem since `before`:
// then no sampler is built, since its factory asserts on NaN or disordered
// parameters (docs/design.md#10-every-declaration-states-its-contract).
bool unusable(Node& n, std::size_t before) {
  return n.walking() || n.reader().error_count() != before;
}

Sampler read_constant(Node& n) {
  const std::size_t before = n.reader().error_count();
  const double value = n.number("value", kRequired, any());
  if (unusable(n, before)) return {};
  return Sampler::constant(value);
}

// The bounds of a uniform, triangular or PERT: high - low, and the PERT's 4 (mode - low), must
// stay finite in double precision.
Range range_bound() {
  return between(-1e307, 1e307);
}

Sampler read_uniform(Node& n) {
  const std::size_t before = n.reader().error_count();
  const double lo = n.number("low", kRequired, range_bound());
  const double hi = n.number("high", kRequired, range_bound());
  if (unusable(n, before)) return {};  // a bound already reported: no NaN in the next message
  if (hi < lo) {
    n.child("high").error(fmt::format("must be >= low ({})", lo));
    return {};
  }
  return Sampler::uniform(lo, hi);
}

Sampler read_normal(Node& n) {
  const std::size_t before = n.reader().error_count();
  const double mean = n.number("mean", kRequired, any());
  const double sd = n.number("sd", kRequired, at_least(0));
  if (unusable(n, before)) return {};
  return Sampler::normal(mean, sd);
}

// Two percentiles (pN keys, or median for p50).
Sampler read_lognormal_quantiles(Node& n, std::vector<std::pair<double, std::string>> q) {
  if (n.has("median")) q.push_back({0.5, "median"});
  if (q.size() != 2) {
    n.error(
        fmt::format("lognormal needs median and sigma, mean and sd, or exactly two of "
                    "median, p1 ... p99 (got {} percentile keys)",
                    q.size()));
    return {};
  }
  std::sort(q.begin(), q.end());
  const std::size_t before = n.reader().error_count();
  const double x1 = n.number(q[0].second, kRequired, above(0));
  const double x2 = n.number(q[1].second, kRequired, above(0));
  if (q[0].first == q[1].first) {
    n.error("the two percentiles must differ");
    return {};
  }
  if (!(x2 > x1)) {
    n.child(q[1].second).error(fmt::format("must be greater than {} ({})", q[0].second, x1));
    return {};
  }
  if (unusable(n, before)) return {};
  return Sampler::lognormal_quantiles(q[0].first, x1, q[1].first, x2);
}

Sampler read_lognormal(Node& n) {
  const bool median = n.has("median"), sigma = n.has("sigma"), mean = n.has("mean"),
             sd = n.has("sd");
  std::vector<std::pair<double, std::string>> quantiles;
  for (const std::string& k : n.keys_matching(is_percentile_key))
    quantiles.push_back({std::stod(k.substr(1)) / 100, k});
  const char* one_of = "give one of: median and sigma; mean and sd; or two percentiles";
  const std::size_t before = n.reader().error_count();
  if (sigma) {
    if (mean || sd || !quantiles.empty()) n.error(one_of);
    const double m = n.number("median", kRequired, above(0));
    const double v = n.number("sigma", kRequired, at_least(0));
    if (unusable(n, before)) return {};
    return Sampler::lognormal_median(m, v);
  }
  if (mean || sd) {
    if (median || !quantiles.empty()) n.error(one_of);
    const double m = n.number("mean", kRequired, above(0));
    const double v = n.number("sd", kRequired, at_least(0));
    if (unusable(n, before)) return {};
    return Sampler::lognormal_mean_sd(m, v);
  }
  return read_lognormal_quantiles(n, std::move(quantiles));
}

Sampler read_triangular_or_pert(Node& n, bool pert) {
  const std::size_t before = n.reader().error_count();
  const double lo = n.number("low", kRequired, range_bound());
  const double mode = n.number("mode", kRequired, range_bound());
  const double hi = n.number("high", kRequired, range_bound());
  if (unusable(n, before)) return {};  // a bound already reported: no NaN in the next message
  if (!(lo <= mode && mode <= hi)) {
    n.error(fmt::format("needs low <= mode <= high, got {}, {}, {}", lo, mode, hi));
    return {};
  }
  return pert ? Sampler::pert(lo, mode, hi) : Sampler::triangular(lo, mode, hi);
}

Sampler read_triangular(Node& n) {
  return read_triangular_or_pert(n, false);
}
Sampler read_pert(Node& n) {
  return read_triangular_or_pert(n, true);
}

Sampler read_exponential(Node& n) {
  const bool rate = n.has("rate"), mean = n.has("mean");
  if (rate == mean) {
    n.error("exponential takes exactly one of 'rate' or 'mean'");
    return {};
  }
  const std::size_t before = n.reader().error_count();
  const double r =
      rate ? n.number("rate", kRequired, above(0)) : 1.0 / n.number("mean", kRequired, above(0));
  if (unusable(n, before)) return {};
  return Sampler::exponential(r);
}

Sampler read_weibull(Node& n) {
  const std::size_t before = n.reader().error_count();
  const double shape = n.number("shape", kRequired, above(0));
  const double scale = n.number("scale", kRequired, above(0));
  if (unusable(n, before)) return {};
  return Sampler::weibull(shape, scale);
}

// n[key]: a non-empty list of numbers in `range`.
std::vector<double> number_list(Node& n, std::string_view key, const Range& range) {
  Node list = n.child(key);
  std::vector<double> out;
  if (!list.is_list() || list.size() == 0) {
    list.error("expected a non-empty list of numbers");
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(list.item(i).value(range));
  return out;
}

Sampler read_discrete(Node& n) {
  const std::size_t before = n.reader().error_count();
  const std::vector<double> values = number_list(n, "values", any());
  const std::vector<double> weights = number_list(n, "weights", at_least(0));
  if (unusable(n, before)) return {};
  if (values.size() != weights.size()) {
    n.child("weights").error(fmt::format("needs one weight per value ({} values, {} weights)",
                                         values.size(), weights.size()));
    return {};
  }
  double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) {
    n.child("weights").error("weights must not all be 0");
    return {};
  }
  if (!std::isfinite(total)) {
    n.child("weights").error("weights sum beyond the largest number; scale them down");
    return {};
  }
  return Sampler::discrete(values, weights);
}

// Every distribution: its name and the reader of its parameters.
const std::vector<std::pair<std::string_view, Sampler (*)(Node&)>> kDistributions = {
    {"constant", read_constant},       {"uniform", read_uniform},       {"normal", read_normal},
    {"lognormal", read_lognormal},     {"triangular", read_triangular}, {"pert", read_pert},
    {"exponential", read_exponential}, {"weibull", read_weibull},       {"discrete", read_discrete},
};

// [min, max] truncation of `s`, read once its parameters are fine.
Sampler truncated(Node& n, Sampler s, bool bounded, std::size_t before) {
  const double lo = n.number("min", -kInf, any());
  const double hi = n.number("max", kInf, any());
  if (n.reader().error_count() != before) return {};
  if (hi < lo) {
    n.child("max").error(fmt::format("must be >= min ({})", lo));
    return {};
  }
  if (bounded && !n.walking() && !s.truncate(lo, hi)) {
    n.error(s.is_constant()
                ? fmt::format("the constant lies outside its own [min, max] = [{}, {}]", lo, hi)
                : fmt::format("[min, max] = [{}, {}] has zero probability under this "
                              "distribution (or less than 2.2e-308, too little to sample)",
                              lo, hi));
    return {};
  }
  return s;
}

Sampler read_distribution_map(Node& n) {
  Keys names;
  for (const auto& [name, reader] : kDistributions) names.push_back(name);
  const int kind = n.choice("dist", names, -1);
  if (kind < 0) return {};
  Sampler s;
  n.map(s, [&](Node& m, Sampler& out) {
    // Both looked up here, so that messages list them right after dist.
    const bool has_min = m.has("min"), has_max = m.has("max");
    const std::size_t before = m.reader().error_count();
    for (std::size_t i = 0; i < kDistributions.size(); ++i)
      if (m.branch(static_cast<int>(i) == kind)) out = kDistributions[i].second(m);
    out = m.reader().error_count() != before ? Sampler{}
                                             : truncated(m, out, has_min || has_max, before);
  });
  return s;
}

}  // namespace

Sampler read_distribution(Node& parent, std::string_view key, std::optional<double> def) {
  Node n = parent.child(key);
  if (!n.present()) {
    if (def) return Sampler::constant(*def);
    n.error("missing required key (expected a number or a map with 'dist')");
    return {};
  }
  if (n.is_scalar()) return Sampler::constant(n.value(any()));
  if (!n.is_map()) {
    n.error(fmt::format("expected a number or a map with 'dist', got {}", n.kind()));
    return {};
  }
  return read_distribution_map(n);
}

Sampler read_bounded(Node& parent, std::string_view key, std::optional<double> def, double bound) {
  const std::size_t before = parent.reader().error_count();
  const Sampler s = read_distribution(parent, key, def);
  if (parent.walking() || parent.reader().error_count() != before || !parent.has(key)) return s;
  const double lo = s(kTailProbability), hi = s(1 - kTailProbability);
  if (std::fabs(lo) <= bound && std::fabs(hi) <= bound) return s;
  const double worst = std::fabs(lo) > std::fabs(hi) || std::isnan(lo) ? lo : hi;
  parent.child(key).error(
      s.is_constant()
          ? fmt::format("must be from {} to {} (a bound that keeps results finite), got {}", -bound,
                        bound, worst)
          : fmt::format("must stay from {} to {} (a bound that keeps results finite), but its "
                        "1-in-10^12 tail reaches {}; narrow it or add min/max",
                        -bound, bound, worst));
  return s;
}

Sampler read_fraction(Node& parent, std::string_view key, std::optional<double> def) {
  const Sampler s = read_distribution(parent, key, def);
  if (parent.walking() || !parent.has(key)) return s;
  const double median = s(0.5);  // the constant itself, or the (truncated) median
  if (median < 0 || median > 1)
    parent.child(key).error(
        s.is_constant()
            ? fmt::format("must be a fraction from 0 to 1 (0.15, not 15), got {}", median)
            : fmt::format("must be a fraction from 0 to 1 (0.15, not 15); its median is {}",
                          median));
  return s;
}

}  // namespace vestsim::models::io
