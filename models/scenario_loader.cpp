#include "models/scenario_loader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vestsim::models {

namespace {

using Keys = std::vector<std::string_view>;

// Every map the format has, with the keys it takes (SCENARIO_FORMAT.md).
const Keys kTopKeys = {
    "name",          "currency",   "fx",       "horizon_years", "liquidity_horizon_years",
    "discount_rate", "simulation", "employee", "companies",     "offers",
    "compare",       "report"};
const Keys kSimulationKeys = {"paths", "seed", "threads", "block"};
const Keys kEmployeeKeys = {"departure"};
const Keys kDepartureKeys = {"annual_rate"};
const Keys kReportKeys = {"percentiles", "risk_aversion", "wealth"};
const Keys kCompareKeys = {"a", "b"};
const Keys kPublicKeys = {"kind", "currency", "price", "drift", "volatility"};
const Keys kPrivateKeys = {"kind",   "currency", "valuation", "exit",
                           "growth", "dilution", "post_ipo"};
const Keys kExitKeys = {"time_years", "outcomes", "ipo", "acquisition", "failure"};
const Keys kOutcomeKeys = {"ipo", "acquisition", "failure"};
const Keys kIpoKeys = {"multiple", "dilution", "lockup_months"};
const Keys kAcquisitionKeys = {"multiple", "preference"};
const Keys kPreferenceKeys = {"amount", "preferred_fraction"};
const Keys kGbmKeys = {"drift", "volatility"};
const Keys kDilutionKeys = {"rounds_per_year", "per_round"};
const Keys kOfferKeys = {"label", "currency", "base",          "geo_band",
                         "raise", "bonus",    "signing_bonus", "grants"};
const Keys kBonusKeys = {"target", "multiplier"};
const Keys kSigningKeys = {"amount", "clawback_months"};
const Keys kGrantKeys = {"company", "type",         "value",        "start_month",
                         "vesting", "acceleration", "expiry_years", "strike"};
const Keys kVestingKeys = {"years", "cliff_months", "every_months", "weights"};
const Keys kAccelerationKeys = {"trigger", "fraction", "probability"};
const Keys kDistKeys = {"dist", "min", "max"};
const std::vector<std::pair<std::string_view, Keys>> kDistParams = {
    {"constant", {"value"}},
    {"uniform", {"low", "high"}},
    {"normal", {"mean", "sd"}},
    {"lognormal", {"median", "sigma", "mean", "sd"}},  // plus p1 ... p99
    {"triangular", {"low", "mode", "high"}},
    {"pert", {"low", "mode", "high"}},
    {"exponential", {"rate", "mean"}},
    {"weibull", {"shape", "scale"}},
    {"discrete", {"values", "weights"}},
};

constexpr double kInf = std::numeric_limits<double>::infinity();

// What a number must be, and how to say so.
struct Range {
  double lo = -kInf, hi = kInf;
  bool lo_open = false, hi_open = false, integer = false;

  bool contains(double x) const {
    if (integer && x != std::floor(x)) return false;
    if (lo_open ? !(x > lo) : !(x >= lo)) return false;
    if (hi_open ? !(x < hi) : !(x <= hi)) return false;
    return true;
  }
  std::string describe() const {
    const char* what = integer ? "a whole number" : "a number";
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (has_lo && has_hi)
      return fmt::format("{} {} {} and {} {}", what, lo_open ? ">" : ">=", fmt_num(lo),
                         hi_open ? "<" : "<=", fmt_num(hi));
    if (has_lo) return fmt::format("{} {} {}", what, lo_open ? ">" : ">=", fmt_num(lo));
    if (has_hi) return fmt::format("{} {} {}", what, hi_open ? "<" : "<=", fmt_num(hi));
    return what;
  }
  static std::string fmt_num(double x) { return fmt::format("{}", x); }
};

Range any() {
  return {};
}
Range at_least(double lo) {
  return {lo, kInf};
}
Range above(double lo) {
  return {lo, kInf, true};
}
Range between(double lo, double hi) {
  return {lo, hi};
}
Range whole(double lo, double hi) {
  return {lo, hi, false, false, true};
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string join(const Keys& keys) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

bool is_percentile_key(std::string_view k) {
  static const std::regex re("p([1-9]|[1-9][0-9])");
  return std::regex_match(k.begin(), k.end(), re);
}

int line_of(const YAML::Node& n) {
  return n.Mark().is_null() ? 0 : n.Mark().line + 1;
}

std::string kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "nothing";
  return fmt::format("'{}'", n.Scalar());
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  std::vector<Diagnostic>& errors() { return errors_; }

  void error(const YAML::Node& at, const std::string& path, std::string msg) {
    // A value set on the command line is reported as --set, not at the file's line.
    const bool from_set = overridden_.count(path) != 0;
    errors_.push_back({file_, from_set ? 0 : line_of(at), path, std::move(msg)});
  }
  void mark_overridden(const std::string& path) { overridden_.insert(path); }
  void error_line(int line, const std::string& path, std::string msg) {
    errors_.push_back({file_, line, path, std::move(msg)});
  }

  Scenario load(const YAML::Node& root, const std::string& stem);

 private:
  static std::string sub(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  // True if n is a map; reports unknown and duplicate keys against `allowed`.
  bool map(const YAML::Node& n, const std::string& path, const Keys& allowed,
           const std::function<bool(std::string_view)>& also_allowed = nullptr) {
    if (!n.IsMap()) {
      error(n, path, fmt::format("expected a map with keys {}, got {}", join(allowed), kind_of(n)));
      return false;
    }
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (!seen.insert(key).second) {
        error(it->first, sub(path, key), "duplicate key");
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      if (also_allowed && also_allowed(key)) continue;
      unknown_key(it->first, sub(path, key), key, allowed);
    }
    return true;
  }

  void unknown_key(const YAML::Node& at, const std::string& path, std::string_view key,
                   const Keys& allowed) {
    std::string_view best;
    std::size_t best_d = 1000;
    for (std::string_view k : allowed) {
      const std::size_t d = edit_distance(key, k);
      if (d < best_d) best_d = d, best = k;
    }
    for (std::string_view k : allowed)  // "horizon" for "horizon_years"
      if (key.size() >= 3 && k.size() > key.size() && k.substr(0, key.size()) == key && best_d > 2)
        best = k, best_d = 0;
    if (!best.empty() && best_d <= std::max<std::size_t>(2, key.size() / 3))
      error(at, path, fmt::format("unknown key; did you mean '{}'?", best));
    else
      error(at, path, fmt::format("unknown key; valid keys here: {}", join(allowed)));
  }

  // A number at parent[key]: `def` when absent (nullopt: required).
  double number(const YAML::Node& parent, std::string_view key, const std::string& path,
                std::optional<double> def, const Range& range) {
    const YAML::Node n = parent[std::string(key)];
    const std::string p = sub(path, key);
    if (!n) {
      if (def) return *def;
      error(parent, p, fmt::format("missing required key (expected {})", range.describe()));
      return std::numeric_limits<double>::quiet_NaN();
    }
    return value(n, p, range);
  }

  // A whole number (range.integer set); 0 after an error, never a cast of NaN.
  long long integer(const YAML::Node& parent, std::string_view key, const std::string& path,
                    std::optional<double> def, const Range& range) {
    const double x = number(parent, key, path, def, range);
    return std::isfinite(x) ? static_cast<long long>(x) : 0;
  }

  double value(const YAML::Node& n, const std::string& p, const Range& range) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (!n.IsScalar()) {
      error(n, p, fmt::format("expected {}, got {}", range.describe(), kind_of(n)));
      return nan;
    }
    std::string text = n.Scalar();
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == ".nan" || lower == "nan" || lower.find(".inf") != std::string::npos ||
        lower == "inf" || lower == "-inf" || lower == "+inf" || lower == "infinity") {
      error(n, p,
            fmt::format("must be a finite number (expected {}), got '{}'", range.describe(), text));
      return nan;
    }
    std::string_view s = text;
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double x = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec == std::errc::result_out_of_range) {
      error(n, p, fmt::format("'{}' is too large (expected {})", text, range.describe()));
      return nan;
    }
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      error(n, p, fmt::format("expected {}, got '{}'", range.describe(), text));
      return nan;
    }
    if (!range.contains(x)) {
      error(n, p, fmt::format("must be {}, got {}", range.describe(), text));
      return nan;
    }
    return x;
  }

  std::string string(const YAML::Node& parent, std::string_view key, const std::string& path,
                     std::optional<std::string> def) {
    const YAML::Node n = parent[std::string(key)];
    const std::string p = sub(path, key);
    if (!n) {
      if (def) return *def;
      error(parent, p, "missing required key (expected a string)");
      return {};
    }
    if (!n.IsScalar()) {
      error(n, p, fmt::format("expected a string, got {}", kind_of(n)));
      return {};
    }
    return n.Scalar();
  }

  // One of `choices`; returns its index or -1.
  int choice(const YAML::Node& parent, std::string_view key, const std::string& path,
             const Keys& choices, int def) {
    const YAML::Node n = parent[std::string(key)];
    const std::string p = sub(path, key);
    if (!n) {
      if (def >= 0) return def;
      error(parent, p, fmt::format("missing required key (one of {})", join(choices)));
      return -1;
    }
    const std::string s = n.IsScalar() ? n.Scalar() : kind_of(n);
    for (std::size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == s) return static_cast<int>(i);
    error(n, p, fmt::format("must be one of {}, got '{}'", join(choices), s));
    return -1;
  }

  std::string currency_code(const YAML::Node& n, const std::string& p) {
    static const std::regex iso("[A-Z]{3}");
    if (!n.IsScalar() || !std::regex_match(n.Scalar(), iso)) {
      error(n, p,
            fmt::format("expected a three-letter ISO currency code such as EUR or USD, got {}",
                        kind_of(n)));
      return {};
    }
    return n.Scalar();
  }

  Sampler distribution(const YAML::Node& parent, std::string_view key, const std::string& path,
                       std::optional<double> def);
  Sampler distribution_map(const YAML::Node& n, const std::string& p);
  // A fraction of the company (dilution): random draws are clamped to [0, 1]
  // (MODEL.md §10), but a constant outside it is a typo such as 15 for 15%.
  Sampler fraction(const YAML::Node& parent, std::string_view key, const std::string& path,
                   std::optional<double> def) {
    Sampler s = distribution(parent, key, path, def);
    if (s.is_constant() && parent[std::string(key)] && (s(0.5) < 0 || s(0.5) > 1))
      error(parent[std::string(key)], sub(path, key),
            fmt::format("must be a fraction from 0 to 1 (0.15, not 15), got {}", s(0.5)));
    return s;
  }
  void company(const YAML::Node& n, const std::string& p, Company& c);
  void offer(const YAML::Node& n, const std::string& p, Offer& o, const Scenario& s);
  void grant(const YAML::Node& n, const std::string& p, Grant& g, const Scenario& s);
  void require_currency(const Scenario& s, const std::string& code, const YAML::Node& at,
                        const std::string& p);

  std::string file_;
  std::vector<Diagnostic> errors_;
  std::set<std::string> overridden_;
};

Sampler Loader::distribution(const YAML::Node& parent, std::string_view key,
                             const std::string& path, std::optional<double> def) {
  const YAML::Node n = parent[std::string(key)];
  const std::string p = sub(path, key);
  if (!n) {
    if (def) return Sampler::constant(*def);
    error(parent, p, "missing required key (expected a number or a map with 'dist')");
    return {};
  }
  if (n.IsScalar()) return Sampler::constant(value(n, p, any()));
  if (!n.IsMap()) {
    error(n, p, fmt::format("expected a number or a map with 'dist', got {}", kind_of(n)));
    return {};
  }
  return distribution_map(n, p);
}

Sampler Loader::distribution_map(const YAML::Node& n, const std::string& p) {
  Keys names;
  for (const auto& [name, params] : kDistParams) names.push_back(name);
  const int kind = choice(n, "dist", p, names, -1);
  if (kind < 0) return {};
  const std::string_view dist = kDistParams[kind].first;
  Keys allowed = kDistKeys;
  for (std::string_view k : kDistParams[kind].second) allowed.push_back(k);
  const bool lognormal = dist == "lognormal";
  if (!map(n, p, allowed, lognormal ? is_percentile_key : nullptr)) return {};
  const std::size_t before = errors_.size();
  auto has = [&](const char* k) { return static_cast<bool>(n[k]); };

  Sampler s;
  if (dist == "constant") {
    s = Sampler::constant(number(n, "value", p, std::nullopt, any()));
  } else if (dist == "uniform") {
    const double lo = number(n, "low", p, std::nullopt, any());
    const double hi = number(n, "high", p, std::nullopt, any());
    if (hi < lo) error(n["high"], sub(p, "high"), fmt::format("must be >= low ({})", lo));
    s = Sampler::uniform(lo, hi);
  } else if (dist == "normal") {
    s = Sampler::normal(number(n, "mean", p, std::nullopt, any()),
                        number(n, "sd", p, std::nullopt, at_least(0)));
  } else if (lognormal) {
    std::vector<std::pair<double, std::string>> quantile_keys;
    for (auto it = n.begin(); it != n.end(); ++it)
      if (is_percentile_key(it->first.Scalar()))
        quantile_keys.push_back(
            {std::stod(it->first.Scalar().substr(1)) / 100, it->first.Scalar()});
    if (has("sigma")) {
      if (has("mean") || has("sd") || !quantile_keys.empty())
        error(n, p, "give one of: median and sigma; mean and sd; or two percentiles");
      s = Sampler::lognormal_median(number(n, "median", p, std::nullopt, above(0)),
                                    number(n, "sigma", p, std::nullopt, at_least(0)));
    } else if (has("mean") || has("sd")) {
      if (has("median") || !quantile_keys.empty())
        error(n, p, "give one of: median and sigma; mean and sd; or two percentiles");
      s = Sampler::lognormal_mean_sd(number(n, "mean", p, std::nullopt, above(0)),
                                     number(n, "sd", p, std::nullopt, at_least(0)));
    } else {
      if (has("median")) quantile_keys.push_back({0.5, "median"});
      if (quantile_keys.size() != 2) {
        error(n, p,
              fmt::format("lognormal needs median and sigma, mean and sd, or exactly two of "
                          "median, p1 ... p99 (got {} percentile keys)",
                          quantile_keys.size()));
        return {};
      }
      std::sort(quantile_keys.begin(), quantile_keys.end());
      const double x1 = number(n, quantile_keys[0].second, p, std::nullopt, above(0));
      const double x2 = number(n, quantile_keys[1].second, p, std::nullopt, above(0));
      if (quantile_keys[0].first == quantile_keys[1].first) {
        error(n, p, "the two percentiles must differ");
        return {};
      }
      if (!(x2 > x1)) {
        error(n[quantile_keys[1].second], sub(p, quantile_keys[1].second),
              fmt::format("must be greater than {} ({})", quantile_keys[0].second, x1));
        return {};
      }
      s = Sampler::lognormal_quantiles(quantile_keys[0].first, x1, quantile_keys[1].first, x2);
    }
  } else if (dist == "triangular" || dist == "pert") {
    const double lo = number(n, "low", p, std::nullopt, any());
    const double mode = number(n, "mode", p, std::nullopt, any());
    const double hi = number(n, "high", p, std::nullopt, any());
    if (!(lo <= mode && mode <= hi))
      error(n, p, fmt::format("needs low <= mode <= high, got {}, {}, {}", lo, mode, hi));
    s = dist == "pert" ? Sampler::pert(lo, mode, hi) : Sampler::triangular(lo, mode, hi);
  } else if (dist == "exponential") {
    if (has("rate") == has("mean")) {
      error(n, p, "exponential takes exactly one of 'rate' or 'mean'");
      return {};
    }
    s = has("rate") ? Sampler::exponential(number(n, "rate", p, std::nullopt, above(0)))
                    : Sampler::exponential(1.0 / number(n, "mean", p, std::nullopt, above(0)));
  } else if (dist == "weibull") {
    s = Sampler::weibull(number(n, "shape", p, std::nullopt, above(0)),
                         number(n, "scale", p, std::nullopt, above(0)));
  } else if (dist == "discrete") {
    std::vector<double> values, weights;
    for (const char* k : {"values", "weights"}) {
      const YAML::Node list = n[k];
      if (!list || !list.IsSequence() || list.size() == 0) {
        error(list ? list : n, sub(p, k), "expected a non-empty list of numbers");
        continue;
      }
      for (std::size_t i = 0; i < list.size(); ++i)
        (k[0] == 'v' ? values : weights)
            .push_back(value(list[i], fmt::format("{}.{}[{}]", p, k, i),
                             k[0] == 'v' ? any() : at_least(0)));
    }
    if (errors_.size() != before) return {};
    if (values.size() != weights.size()) {
      error(n["weights"], sub(p, "weights"),
            fmt::format("needs one weight per value ({} values, {} weights)", values.size(),
                        weights.size()));
      return {};
    }
    double total = 0;
    for (double w : weights) total += w;
    if (!(total > 0)) {
      error(n["weights"], sub(p, "weights"), "weights must not all be 0");
      return {};
    }
    s = Sampler::discrete(values, weights);
  }
  if (errors_.size() != before) return {};

  const double lo = number(n, "min", p, -kInf, any());
  const double hi = number(n, "max", p, kInf, any());
  if (errors_.size() != before) return {};
  if (hi < lo) {
    error(n["max"], sub(p, "max"), fmt::format("must be >= min ({})", lo));
    return {};
  }
  if ((has("min") || has("max")) && !s.truncate(lo, hi)) {
    error(n, p,
          s.is_constant()
              ? fmt::format("the constant lies outside its own [min, max] = [{}, {}]", lo, hi)
              : fmt::format("[min, max] = [{}, {}] has zero probability under this distribution",
                            lo, hi));
    return {};
  }
  return s;
}

void Loader::require_currency(const Scenario& s, const std::string& code, const YAML::Node& at,
                              const std::string& p) {
  if (code.empty() || code == s.currency || s.fx.count(code)) return;
  error(at, p,
        fmt::format("currency {} has no fx entry; add fx: {{{}: <value of 1 {} in {}>}}", code,
                    code, code, s.currency));
}

void Loader::company(const YAML::Node& n, const std::string& p, Company& c) {
  const int kind = choice(n, "kind", p, {"private", "public"}, -1);
  if (kind < 0) return;
  c.is_public = kind == 1;
  if (!map(n, p, c.is_public ? kPublicKeys : kPrivateKeys)) return;
  if (n["currency"]) c.currency = currency_code(n["currency"], sub(p, "currency"));
  if (c.is_public) {
    c.pub.price = number(n, "price", p, std::nullopt, above(0));
    c.pub.drift = number(n, "drift", p, std::nullopt, between(-1, 1));
    c.pub.volatility = number(n, "volatility", p, std::nullopt, between(0, 3));
    return;
  }
  PrivateCompany& v = c.priv;
  v.valuation = number(n, "valuation", p, std::nullopt, above(0));
  const YAML::Node exit = n["exit"];
  const std::string ep = sub(p, "exit");
  if (!exit) {
    error(n, ep, "missing required key (a map with time_years and outcomes)");
  } else if (map(exit, ep, kExitKeys)) {
    v.exit_time = distribution(exit, "time_years", ep, std::nullopt);
    const YAML::Node out = exit["outcomes"];
    const std::string op = sub(ep, "outcomes");
    if (!out) {
      error(exit, op, "missing required key (a map of ipo, acquisition, failure probabilities)");
    } else if (map(out, op, kOutcomeKeys)) {
      v.p_ipo = number(out, "ipo", op, 0.0, between(0, 1));
      v.p_acquisition = number(out, "acquisition", op, 0.0, between(0, 1));
      v.p_failure = number(out, "failure", op, 0.0, between(0, 1));
      const double sum = v.p_ipo + v.p_acquisition + v.p_failure;
      if (sum > 1 + 1e-12)
        error(out, op,
              fmt::format("probabilities sum to {} (ipo + acquisition + failure must be <= 1; "
                          "the rest is 'no event')",
                          sum));
    }
    const YAML::Node ipo = exit["ipo"];
    if (ipo) {
      if (map(ipo, sub(ep, "ipo"), kIpoKeys)) {
        if (ipo["multiple"]) v.ipo_multiple = distribution(ipo, "multiple", sub(ep, "ipo"), {});
        v.ipo_dilution = fraction(ipo, "dilution", sub(ep, "ipo"), 0.0);
        v.lockup_months =
            static_cast<int>(integer(ipo, "lockup_months", sub(ep, "ipo"), 6.0, whole(0, 120)));
      }
    }
    if (v.p_ipo > 0 && !(ipo && ipo.IsMap() && ipo["multiple"]))
      error(ipo ? ipo : exit, sub(ep, "ipo.multiple"),
            "missing required key: an IPO with probability > 0 needs a multiple");
    const YAML::Node acq = exit["acquisition"];
    if (acq) {
      const std::string ap = sub(ep, "acquisition");
      if (map(acq, ap, kAcquisitionKeys)) {
        if (acq["multiple"]) v.acquisition_multiple = distribution(acq, "multiple", ap, {});
        const YAML::Node pref = acq["preference"];
        if (pref && map(pref, sub(ap, "preference"), kPreferenceKeys)) {
          v.has_preference = true;
          v.preference_amount =
              number(pref, "amount", sub(ap, "preference"), std::nullopt, at_least(0));
          v.preferred_fraction = number(pref, "preferred_fraction", sub(ap, "preference"),
                                        std::nullopt, {0, 1, true, true});
        }
      }
    }
    if (v.p_acquisition > 0 && !(acq && acq.IsMap() && acq["multiple"]))
      error(acq ? acq : exit, sub(ep, "acquisition.multiple"),
            "missing required key: an acquisition with probability > 0 needs a multiple");
    const YAML::Node fail = exit["failure"];
    if (fail && !fail.IsNull() && !(fail.IsMap() && fail.size() == 0))
      error(fail, sub(ep, "failure"), "failure pays nothing and takes no keys; leave it empty");
  }
  if (const YAML::Node g = n["growth"]; g && map(g, sub(p, "growth"), kGbmKeys)) {
    v.growth_drift = number(g, "drift", sub(p, "growth"), 0.0, between(-1, 1));
    v.growth_volatility = number(g, "volatility", sub(p, "growth"), 0.0, between(0, 3));
  }
  if (const YAML::Node d = n["dilution"]; d && map(d, sub(p, "dilution"), kDilutionKeys)) {
    v.rounds_per_year =
        number(d, "rounds_per_year", sub(p, "dilution"), std::nullopt, between(0, 12));
    v.per_round = fraction(d, "per_round", sub(p, "dilution"), std::nullopt);
  }
  if (const YAML::Node g = n["post_ipo"]; g && map(g, sub(p, "post_ipo"), kGbmKeys)) {
    v.post_ipo_drift = number(g, "drift", sub(p, "post_ipo"), 0.0, between(-1, 1));
    v.post_ipo_volatility = number(g, "volatility", sub(p, "post_ipo"), 0.0, between(0, 3));
  }
}

void Loader::grant(const YAML::Node& n, const std::string& p, Grant& g, const Scenario& s) {
  if (!map(n, p, kGrantKeys)) return;
  const std::string company = string(n, "company", p, std::nullopt);
  const Company* c = nullptr;
  for (std::size_t i = 0; i < s.companies.size(); ++i)
    if (s.companies[i].id == company) g.company = static_cast<int>(i), c = &s.companies[i];
  if (!company.empty() && !c) {
    Keys ids;
    for (const Company& k : s.companies) ids.push_back(k.id);
    error(n["company"], sub(p, "company"),
          fmt::format("unknown company '{}'; defined companies: {}", company, join(ids)));
  }
  const int type = choice(n, "type", p, {"private_rsu", "option", "public_rsu"}, -1);
  if (type >= 0) g.type = static_cast<GrantType>(type);
  if (c && type >= 0) {
    if (g.type == GrantType::kPublicRsu && !c->is_public)
      error(n["type"], sub(p, "type"),
            fmt::format("a public_rsu must name a public company; '{}' is private (use "
                        "private_rsu or option)",
                        company));
    if (g.type != GrantType::kPublicRsu && c->is_public)
      error(n["type"], sub(p, "type"),
            fmt::format("a {} must name a private company; '{}' is public (use public_rsu)",
                        type == 0 ? "private_rsu" : "option", company));
  }
  g.value = number(n, "value", p, std::nullopt, between(0, 1e12));
  g.start_month = static_cast<int>(integer(n, "start_month", p, 0.0, whole(0, 1200)));
  const YAML::Node vest = n["vesting"];
  const std::string vp = sub(p, "vesting");
  if (!vest) {
    error(n, vp, "missing required key (a map with years, cliff_months, every_months)");
  } else if (map(vest, vp, kVestingKeys)) {
    g.years = static_cast<int>(integer(vest, "years", vp, std::nullopt, whole(1, 20)));
    g.every_months = static_cast<int>(integer(vest, "every_months", vp, 1.0, whole(1, 12)));
    if (g.every_months > 0 && 12 % g.every_months != 0) {
      error(vest["every_months"], sub(vp, "every_months"),
            fmt::format("must divide 12 (1, 2, 3, 4, 6 or 12), got {}", g.every_months));
      g.every_months = 1;
    }
    g.cliff_months = static_cast<int>(integer(vest, "cliff_months", vp, 0.0, whole(0, 240)));
    if (g.every_months > 0 && g.cliff_months % g.every_months != 0)
      error(vest["cliff_months"], sub(vp, "cliff_months"),
            fmt::format("must be a multiple of every_months ({}), got {}", g.every_months,
                        g.cliff_months));
    if (g.years > 0 && g.cliff_months > 12 * g.years)
      error(vest["cliff_months"], sub(vp, "cliff_months"),
            fmt::format("must not exceed the vesting period ({} months)", 12 * g.years));
    if (const YAML::Node w = vest["weights"]) {
      if (!w.IsSequence()) {
        error(w, sub(vp, "weights"), fmt::format("expected a list of {} numbers", g.years));
      } else {
        double sum = 0;
        for (std::size_t i = 0; i < w.size(); ++i) {
          g.weights.push_back(value(w[i], fmt::format("{}.weights[{}]", vp, i), between(0, 1)));
          sum += g.weights.back();
        }
        if (g.years > 0 && w.size() != static_cast<std::size_t>(g.years))
          error(w, sub(vp, "weights"),
                fmt::format("needs one weight per vesting year ({}), got {}", g.years, w.size()));
        else if (std::fabs(sum - 1) > 1e-6)
          error(w, sub(vp, "weights"), fmt::format("must sum to 1, sum to {}", sum));
      }
    }
    if (g.weights.empty() && g.years > 0) g.weights.assign(g.years, 1.0 / g.years);
  }
  const bool is_private = g.type != GrantType::kPublicRsu;
  if (const YAML::Node a = n["acceleration"]) {
    if (!is_private)
      error(a, sub(p, "acceleration"), "only private grants (private_rsu, option) accelerate");
    else if (map(a, sub(p, "acceleration"), kAccelerationKeys)) {
      const int t = choice(a, "trigger", sub(p, "acceleration"), {"none", "single", "double"}, -1);
      if (t >= 0) g.trigger = static_cast<Trigger>(t);
      g.accel_fraction = number(a, "fraction", sub(p, "acceleration"), 1.0, between(0, 1));
      g.accel_probability = number(a, "probability", sub(p, "acceleration"), 1.0, between(0, 1));
    }
  }
  if (n["expiry_years"]) {
    if (!is_private)
      error(n["expiry_years"], sub(p, "expiry_years"),
            "only private grants (private_rsu, option) expire");
    else
      g.expiry_years = number(n, "expiry_years", p, std::nullopt, {0, 100, true});
  }
  if (n["strike"]) {
    if (g.type != GrantType::kOption)
      error(n["strike"], sub(p, "strike"), "only an option has a strike");
    else
      g.strike = number(n, "strike", p, std::nullopt, between(0, 1000));
  }
}

void Loader::offer(const YAML::Node& n, const std::string& p, Offer& o, const Scenario& s) {
  if (!map(n, p, kOfferKeys)) return;
  o.label = string(n, "label", p, o.id);
  o.currency = s.currency;
  if (n["currency"]) {
    o.currency = currency_code(n["currency"], sub(p, "currency"));
    require_currency(s, o.currency, n["currency"], sub(p, "currency"));
  }
  o.base = number(n, "base", p, std::nullopt, between(0, 1e9));
  o.geo_band = number(n, "geo_band", p, 1.0, {0, 1, true});
  o.raise = number(n, "raise", p, 0.0, between(-0.5, 1));
  if (const YAML::Node b = n["bonus"]; b && map(b, sub(p, "bonus"), kBonusKeys)) {
    o.bonus_target = number(b, "target", sub(p, "bonus"), std::nullopt, between(0, 3));
    o.bonus_multiplier = distribution(b, "multiplier", sub(p, "bonus"), 1.0);
  }
  if (const YAML::Node b = n["signing_bonus"]; b && map(b, sub(p, "signing_bonus"), kSigningKeys)) {
    o.signing_amount = number(b, "amount", sub(p, "signing_bonus"), std::nullopt, between(0, 1e9));
    o.clawback_months = static_cast<int>(
        integer(b, "clawback_months", sub(p, "signing_bonus"), 0.0, whole(0, 120)));
  }
  if (const YAML::Node gs = n["grants"]) {
    if (!gs.IsSequence()) {
      error(gs, sub(p, "grants"), fmt::format("expected a list of grants, got {}", kind_of(gs)));
      return;
    }
    for (std::size_t i = 0; i < gs.size(); ++i) {
      Grant g;
      grant(gs[i], fmt::format("{}.grants[{}]", p, i), g, s);
      o.grants.push_back(g);
    }
    // All of an offer's double-trigger grants on one company share one let-go draw (MODEL.md §6).
    for (std::size_t i = 0; i < o.grants.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (o.grants[i].trigger == Trigger::kDouble && o.grants[j].trigger == Trigger::kDouble &&
            o.grants[i].company == o.grants[j].company &&
            o.grants[i].accel_probability != o.grants[j].accel_probability)
          error(gs[i], fmt::format("{}.grants[{}].acceleration.probability", p, i),
                fmt::format("double-trigger grants on one company must share one probability "
                            "(grants[{}] has {})",
                            j, o.grants[j].accel_probability));
  }
}

Scenario Loader::load(const YAML::Node& root, const std::string& stem) {
  Scenario s;
  if (!map(root, "", kTopKeys)) return s;
  s.name = string(root, "name", "", stem);
  if (root["currency"])
    s.currency = currency_code(root["currency"], "currency");
  else
    error(root, "currency", "missing required key (the report currency, e.g. EUR)");

  if (const YAML::Node fx = root["fx"]) {
    if (!fx.IsMap()) {
      error(fx, "fx", fmt::format("expected a map of currency code to value, got {}", kind_of(fx)));
    } else {
      for (auto it = fx.begin(); it != fx.end(); ++it) {
        const std::string code = currency_code(it->first, "fx");
        const double v = value(it->second, "fx." + code, above(0));
        if (code.empty()) continue;
        if (code == s.currency && v != 1.0)
          error(it->second, "fx." + code,
                fmt::format("{} is the report currency; its fx is 1 (remove the entry)", code));
        s.fx[code] = v;
      }
    }
  }
  s.horizon_years = number(root, "horizon_years", "", 4.0, {0, 50, true});
  s.liquidity_horizon_years = number(root, "liquidity_horizon_years", "", 10.0, between(0, 100));
  if (s.liquidity_horizon_years < s.horizon_years)
    error(root["liquidity_horizon_years"], "liquidity_horizon_years",
          fmt::format("must be >= horizon_years ({})", s.horizon_years));
  s.discount_rate = number(root, "discount_rate", "", 0.0, {-1, 1, true});

  if (const YAML::Node sim = root["simulation"]; sim && map(sim, "simulation", kSimulationKeys)) {
    s.paths =
        static_cast<std::uint64_t>(integer(sim, "paths", "simulation", 100000.0, whole(1, 1e9)));
    s.seed = static_cast<std::uint64_t>(
        integer(sim, "seed", "simulation", 1.0, whole(0, 9.007199254740992e15)));
    s.threads = static_cast<int>(integer(sim, "threads", "simulation", 0.0, whole(0, 1024)));
    s.block =
        static_cast<std::uint32_t>(integer(sim, "block", "simulation", 4096.0, whole(1, 1 << 24)));
  }
  if (const YAML::Node e = root["employee"]; e && map(e, "employee", kEmployeeKeys)) {
    if (const YAML::Node d = e["departure"]; d && map(d, "employee.departure", kDepartureKeys))
      s.departure_rate = number(d, "annual_rate", "employee.departure", 0.0, between(0, 10));
  }
  if (const YAML::Node r = root["report"]; r && map(r, "report", kReportKeys)) {
    if (const YAML::Node q = r["percentiles"]) {
      if (!q.IsSequence() || q.size() == 0) {
        error(q, "report.percentiles", "expected a non-empty list of numbers from 0 to 100");
      } else {
        s.percentiles.clear();
        for (std::size_t i = 0; i < q.size(); ++i)
          s.percentiles.push_back(
              value(q[i], fmt::format("report.percentiles[{}]", i), between(0, 100)));
      }
    }
    s.risk_aversion = number(r, "risk_aversion", "report", 2.0, between(0, 20));
    s.wealth = number(r, "wealth", "report", 100000.0, between(0, 1e12));
  }

  const YAML::Node companies = root["companies"];
  if (!companies) {
    error(root, "companies", "missing required key (a map of company id to company)");
  } else if (!companies.IsMap()) {
    error(companies, "companies",
          fmt::format("expected a map of company id to company, got {}", kind_of(companies)));
  } else {
    for (auto it = companies.begin(); it != companies.end(); ++it) {
      Company c;
      c.id = it->first.Scalar();
      company(it->second, "companies." + c.id, c);
      if (c.currency.empty())
        c.currency = s.currency;
      else
        require_currency(s, c.currency, it->second["currency"], "companies." + c.id + ".currency");
      s.companies.push_back(std::move(c));
    }
  }

  const YAML::Node offers = root["offers"];
  if (!offers) {
    error(root, "offers", "missing required key (a map of offer id to offer, at least one)");
  } else if (!offers.IsMap() || offers.size() == 0) {
    error(offers, "offers",
          fmt::format("expected a map of at least one offer, got {}", kind_of(offers)));
  } else {
    for (auto it = offers.begin(); it != offers.end(); ++it) {
      Offer o;
      o.id = it->first.Scalar();
      offer(it->second, "offers." + o.id, o, s);
      s.offers.push_back(std::move(o));
    }
  }

  auto offer_index = [&](const YAML::Node& n, const std::string& p) {
    const std::string id = n && n.IsScalar() ? n.Scalar() : "";
    for (std::size_t i = 0; i < s.offers.size(); ++i)
      if (s.offers[i].id == id) return static_cast<int>(i);
    Keys ids;
    for (const Offer& o : s.offers) ids.push_back(o.id);
    error(n, p, fmt::format("unknown offer '{}'; defined offers: {}", id, join(ids)));
    return -1;
  };
  if (const YAML::Node cmp = root["compare"]) {
    if (!cmp.IsSequence()) {
      error(cmp, "compare", "expected a list of {a: OFFER, b: OFFER}");
    } else {
      for (std::size_t i = 0; i < cmp.size(); ++i) {
        const std::string p = fmt::format("compare[{}]", i);
        if (!map(cmp[i], p, kCompareKeys)) continue;
        if (!cmp[i]["a"] || !cmp[i]["b"]) {
          error(cmp[i], p, "needs both a and b (offer ids)");
          continue;
        }
        const int a = offer_index(cmp[i]["a"], p + ".a"), b = offer_index(cmp[i]["b"], p + ".b");
        if (a >= 0 && b >= 0 && a == b) error(cmp[i], p, "compares an offer with itself");
        if (a >= 0 && b >= 0) s.compare.push_back({a, b});
      }
    }
  } else {
    for (std::size_t i = 0; i < s.offers.size(); ++i)
      for (std::size_t j = i + 1; j < s.offers.size(); ++j)
        s.compare.push_back({static_cast<int>(i), static_cast<int>(j)});
  }
  return s;
}

// Splits "a.b[2].c" into keys and indices.
struct Segment {
  std::string key;
  long index = -1;
};

std::optional<std::vector<Segment>> split_path(std::string_view path) {
  std::vector<Segment> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos || close == i + 1) return std::nullopt;
      long idx = 0;
      const auto [end, ec] = std::from_chars(path.data() + i + 1, path.data() + close, idx);
      if (ec != std::errc() || end != path.data() + close || idx < 0) return std::nullopt;
      out.push_back({"", idx});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) end = path.size();
    if (end == i) return std::nullopt;
    out.push_back({std::string(path.substr(i, end - i)), -1});
    i = end;
    if (i < path.size() && path[i] == '.') ++i;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string apply_override(YAML::Node root, const Override& o) {
  const auto segments = split_path(o.path);
  if (!segments) return "is not a key path (expected e.g. offers.hf.grants[0].value)";
  YAML::Node cur = root;
  for (std::size_t i = 0; i < segments->size(); ++i) {
    const Segment& s = (*segments)[i];
    const bool last = i + 1 == segments->size();
    if (s.index >= 0) {
      if (!cur.IsSequence()) return fmt::format("[{}]: the value there is not a list", s.index);
      if (static_cast<std::size_t>(s.index) >= cur.size())
        return fmt::format("[{}]: index out of range (the list has {} entries)", s.index,
                           cur.size());
      if (last) {
        cur[s.index] = o.value;
        return {};
      }
      YAML::Node next = cur[s.index];
      cur.reset(next);
    } else {
      if (cur.IsDefined() && !cur.IsMap() && !cur.IsNull())
        return fmt::format("'{}': the value before it is not a map", s.key);
      if (last) {
        const YAML::Node existing = cur[s.key];
        if (existing && existing.IsSequence())
          return fmt::format("'{}' is a list; set one entry, e.g. {}[0]", s.key, o.path);
        cur[s.key] = o.value;
        return {};
      }
      YAML::Node next = cur[s.key];
      cur.reset(next);
    }
  }
  return {};
}

bool valid_utf8_text(std::string_view s, std::size_t& bad_at) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return bad_at = i, false;
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return bad_at = i, false;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return bad_at = i, false;
    i += len;
  }
  return true;
}

std::string stem_of(const std::string& file) {
  return std::filesystem::path(file).stem().string();
}

}  // namespace

std::string Diagnostic::to_string() const {
  const std::string where = line > 0 ? fmt::format("{}:{}", file, line) : file;
  if (path.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}{}: {}", where, line > 0 ? "" : "--set ", path, message);
}

std::string parse_override(std::string_view text, Override& out) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
    return fmt::format("--set '{}': expected PATH=VALUE, e.g. offers.hf.base=140000", text);
  out.path = std::string(text.substr(0, eq));
  out.value = std::string(text.substr(eq + 1));
  return {};
}

LoadResult load_scenario_text(std::string_view text, const std::string& file,
                              const std::vector<Override>& overrides) {
  LoadResult result;
  auto fail = [&](int line, std::string msg) {
    result.errors.push_back({file, line, "", std::move(msg)});
    return result;
  };
  std::size_t bad_at = 0;
  if (!valid_utf8_text(text, bad_at))
    return fail(
        0, fmt::format("not a UTF-8 text file (byte {} is binary); a scenario is YAML", bad_at));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return fail(e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax error: " + e.msg);
  }
  if (!root || root.IsNull()) return fail(0, "the scenario is empty; see docs/scenario-format.md");
  if (!root.IsMap()) return fail(1, "a scenario is a YAML map with currency, companies and offers");

  Loader loader(file);
  for (const Override& o : overrides) {
    const std::string err = apply_override(root, o);
    if (!err.empty()) loader.errors().push_back({file, 0, o.path, err});
    loader.mark_overridden(o.path);
  }
  try {
    Scenario s = loader.load(root, stem_of(file));
    if (loader.errors().empty()) result.scenario = std::move(s);
  } catch (const std::exception& e) {
    loader.errors().push_back(
        {file, 0, "", std::string("could not read the scenario: ") + e.what()});
  }
  result.errors = std::move(loader.errors());
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  return result;
}

LoadResult load_scenario_file(const std::string& path, const std::vector<Override>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    LoadResult r;
    r.errors.push_back({path, 0, "", "is a folder; give a scenario file (.yaml)"});
    return r;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.errors.push_back({path, 0, "", "cannot open the file (does it exist?)"});
    return r;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (text.size() > (16u << 20)) {
    LoadResult r;
    r.errors.push_back({path, 0, "", "is larger than 16 MiB; a scenario is a small YAML file"});
    return r;
  }
  return load_scenario_text(text, path, overrides);
}

std::vector<std::string> accepted_keys() {
  std::set<std::string> keys;
  for (const Keys* k :
       {&kTopKeys,          &kSimulationKeys,  &kEmployeeKeys,   &kDepartureKeys, &kReportKeys,
        &kCompareKeys,      &kPublicKeys,      &kPrivateKeys,    &kExitKeys,      &kOutcomeKeys,
        &kIpoKeys,          &kAcquisitionKeys, &kPreferenceKeys, &kGbmKeys,       &kDilutionKeys,
        &kOfferKeys,        &kBonusKeys,       &kSigningKeys,    &kGrantKeys,     &kVestingKeys,
        &kAccelerationKeys, &kDistKeys})
    for (std::string_view s : *k) keys.insert(std::string(s));
  for (const auto& [name, params] : kDistParams) {
    keys.insert(std::string(name));
    for (std::string_view s : params) keys.insert(std::string(s));
  }
  return {keys.begin(), keys.end()};
}

}  // namespace vestsim::models
