#include "models/summary.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/ieee_math.hpp"
#include "engine/lanes.hpp"
#include "engine/parallel.hpp"
#include "engine/sobol.hpp"
#include "models/run_columns.hpp"

namespace vestsim::models {

namespace {

// docs/model.md#8-summaries-over-paths: within this of 1 (not 1), gamma's utilities w^(1 - gamma)
// round to 1 plus a few ulp, which the CE's power 1/(1 - gamma) would magnify into nonsense, so
// they are kept as w^(1 - gamma) - 1 = expm1((1 - gamma) log w) and the CE inverted with log1p.
// At the edge the power's relative error is about 1e-16 / 1e-4 = 1e-12 of the certain wealth
// wealth + CE, so the two forms agree to far below a cent there.
constexpr double kNearLog = 1e-4;
bool near_log(double gamma) {
  return gamma != 1 && std::abs(1 - gamma) < kNearLog;
}

// A mean of w^(1 - gamma) that carries the CE to full precision: a normal double with 53 bits,
// not near the top of the range. Outside it (w far from 1 for a large gamma: every utility
// under- or overflowed, or left subnormal) certainty_equivalent_shifted() takes over.
constexpr double kLowestUsable = 0x1p-960, kHighestUsable = 0x1p960;
bool power_mean_usable(double mean_utility, double gamma) {
  return gamma == 1 || near_log(gamma) ||
         (mean_utility >= kLowestUsable && mean_utility <= kHighestUsable);
}

}  // namespace

void crra_utilities(std::span<const double> total, double gamma, double wealth, double* out) {
  assert(gamma > 0);
  // Work in units of `scale` so that w^(1 - gamma) stays representable.
  const double scale = std::max(1.0, wealth);
  const std::size_t n = total.size();
  for (std::size_t i = 0; i < n; ++i)
    out[i] = std::max(0.0, (wealth + total[i]) / scale);  // w <= 0 counts as 0
  // log w, then w^(1 - gamma) = exp((1 - gamma) log w): ieee_log and ieee_pow's bits, on lanes.
  engine::lanes_log(out, n, out);
  if (gamma == 1) return;
  if (near_log(gamma)) {
    for (std::size_t i = 0; i < n; ++i) out[i] = engine::ieee_expm1((1 - gamma) * out[i]);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = (1 - gamma) * out[i];
  engine::lanes_exp(out, n, out);
}

bool certainty_equivalent_floored(double min_total, double gamma, double wealth) {
  // Some path leaves no wealth: for gamma >= 1 its utility is -infinity.
  return (wealth + min_total) / std::max(1.0, wealth) <= 0 && gamma >= 1;
}

double certainty_equivalent_from(double mean_utility, double min_total, double gamma,
                                 double wealth) {
  assert(gamma > 0);
  const double scale = std::max(1.0, wealth);
  if (certainty_equivalent_floored(min_total, gamma, wealth)) return -wealth;
  if (!power_mean_usable(mean_utility, gamma)) return NAN;  // the caller needs the column
  const double w = gamma == 1 ? engine::ieee_exp(mean_utility)
                   : near_log(gamma)
                       ? engine::ieee_exp(engine::ieee_log1p(mean_utility) / (1 - gamma))
                       : engine::ieee_pow(mean_utility, 1 / (1 - gamma));
  return w * scale - wealth;
}

double certainty_equivalent(std::span<const double> total, double gamma, double wealth,
                            std::vector<double>& scratch) {
  const std::size_t n = total.size();
  if (n == 0) return 0;
  if (gamma == 0) return engine::column_mean(total);
  scratch.resize(n);
  crra_utilities(total, gamma, wealth, scratch.data());
  const double ce = certainty_equivalent_from(
      engine::column_mean(scratch), *std::min_element(total.begin(), total.end()), gamma, wealth);
  return std::isnan(ce) ? certainty_equivalent_shifted(total, gamma, wealth, scratch) : ce;
}

double utility_shift(double extreme_total, double gamma, double wealth) {
  assert(gamma > 0 && gamma != 1);
  double e = std::max(0.0, (wealth + extreme_total) / std::max(1.0, wealth));
  engine::lanes_log(&e, 1, &e);  // the bits shifted_utilities gives that total
  return (1 - gamma) * e;
}

void shifted_utilities(std::span<const double> total, double gamma, double wealth, double shift,
                       double* out) {
  const std::size_t n = total.size();
  const double scale = std::max(1.0, wealth);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::max(0.0, (wealth + total[i]) / scale);
  engine::lanes_log(out, n, out);
  for (std::size_t i = 0; i < n; ++i) out[i] = (1 - gamma) * out[i] - shift;
  engine::lanes_exp(out, n, out);
}

double certainty_equivalent_from_shifted(double mean, double shift, double gamma, double wealth) {
  if (!(shift > -INFINITY)) return -wealth;  // gamma < 1 and every path left no wealth
  const double log_mean = shift + engine::ieee_log(mean);
  return engine::ieee_exp(log_mean / (1 - gamma)) * std::max(1.0, wealth) - wealth;
}

double certainty_equivalent_shifted(std::span<const double> total, double gamma, double wealth,
                                    std::vector<double>& scratch) {
  assert(gamma > 0 && gamma != 1 && !near_log(gamma) && !total.empty());
  const auto [lo, hi] = std::minmax_element(total.begin(), total.end());
  if (certainty_equivalent_floored(*lo, gamma, wealth)) return -wealth;
  const double shift = utility_shift(gamma > 1 ? *lo : *hi, gamma, wealth);
  if (!(shift > -INFINITY)) return -wealth;
  scratch.resize(total.size());
  shifted_utilities(total, gamma, wealth, shift, scratch.data());
  return certainty_equivalent_from_shifted(engine::column_mean(scratch), shift, gamma, wealth);
}

double median(std::span<const double> column) {
  assert(!column.empty());
  std::vector<double> copy(column.begin(), column.end());
  const double q[] = {50};
  return engine::select_percentiles(copy, q)[0];
}

double share_positive(std::span<const double> diff) {
  assert(!diff.empty());
  std::size_t wins = 0;
  for (double x : diff) wins += x > 0;
  return static_cast<double>(wins) / static_cast<double>(diff.size());
}

std::optional<double> percentile_at(const RunSummary& s, const engine::Summary& x, double q) {
  for (std::size_t i = 0; i < s.percentiles.size(); ++i)
    if (s.percentiles[i] == q) return x.percentiles[i];
  return std::nullopt;
}

RunSummary summary_header(const Scenario& s, std::uint64_t paths, int threads, std::uint64_t seed) {
  RunSummary out;
  out.scenario = s.name;
  out.currency = s.currency;
  out.paths = paths;
  out.seed = seed;
  out.threads = engine::resolve_threads(threads);
  out.percentiles = s.percentiles;
  out.risk_aversion = s.risk_aversion;
  out.wealth = s.wealth;
  out.horizon_years = s.horizon_years;
  out.liquidity_horizon_years = s.liquidity_horizon_years;
  out.departure_at_month = s.departure_at_month;
  out.correlations = s.correlations;
  return out;
}

RunSummary summarize_run(const Scenario& s, const CompiledScenario& cs, const SimResult& r,
                         int threads, std::uint64_t seed) {
  // One task per column of the table, each with its own scratch; results land in fixed slots.
  const std::vector<RunColumn> table = run_columns(s, cs);
  std::vector<engine::Summary> columns(table.size());
  const bool sobol = !cs.sobol.empty();
  std::vector<double> p_win_error(table.size(), NAN);  // sobol: of the diff columns
  engine::for_each_index(table.size(), threads, [&](std::size_t j) {
    const engine::ColumnSpec spec = column_spec(s, table[j]);
    columns[j] = engine::summarize(
        r.paths,
        [&](std::uint64_t begin, std::uint64_t end, std::vector<double>& buffer) {
          return column_of(s, cs, r, table[j], begin, end, buffer);
        },
        spec.q, spec.full);
    if (!sobol) return;
    // A sobol run is in memory (docs/design.md#20-quasi-monte-carlo-sobol-points): the whole
    // column, for its replicate errors.
    std::vector<double> values;
    const std::span<const double> x = column_of(s, cs, r, table[j], 0, r.paths, values);
    columns[j].std_error = engine::replicate_std_error(x, engine::kReplicates);
    p_win_error[j] = engine::replicate_std_error(x, engine::kReplicates, true);
  });
  std::vector<std::uint64_t> tallies(tally_count(cs), 0);
  add_tallies(r, r.paths, tallies.data());
  RunSummary out = assemble_summary(s, cs, table, columns, tallies, r.paths, threads, seed);
  // A CE the mean of utilities could not carry (NaN from assemble_summary): from the column.
  std::vector<double> column, scratch;
  const auto shifted = [&](double& ce, int offer, bool after) {
    if (!std::isnan(ce) || s.risk_aversion <= 0) return;
    const RunColumn c{
        after && out.offers[offer].has_regime ? ColumnKind::kAfterTax : ColumnKind::kTotal, offer};
    const std::span<const double> x = column_of(s, cs, r, c, 0, r.paths, column);
    ce = certainty_equivalent_shifted(x, s.risk_aversion, s.wealth, scratch);
  };
  for (std::size_t k = 0; k < out.comparisons.size(); ++k) {
    ComparisonSummary& c = out.comparisons[k];
    shifted(c.ce_a, s.compare[k].a, false);
    shifted(c.ce_b, s.compare[k].b, false);
    shifted(c.ce_a_after_tax, s.compare[k].a, true);
    shifted(c.ce_b_after_tax, s.compare[k].b, true);
  }
  out.seconds = r.seconds;
  out.sobol = sobol;
  for (std::size_t j = 0; j < table.size() && sobol; ++j) {
    ComparisonSummary& c = out.comparisons[static_cast<std::size_t>(table[j].index)];
    if (table[j].kind == ColumnKind::kDiff)
      c.p_a_beats_b_stderr = c.p_a_beats_b_after_tax_stderr = p_win_error[j];
  }
  for (std::size_t j = 0; j < table.size() && sobol; ++j)  // after the pre-tax copies above
    if (table[j].kind == ColumnKind::kDiffAfterTax)
      out.comparisons[static_cast<std::size_t>(table[j].index)].p_a_beats_b_after_tax_stderr =
          p_win_error[j];
  const std::size_t n_offers = s.offers.size();

  if (!r.timeline.empty()) {
    const int years = r.timeline_years;
    out.fan.assign(n_offers, std::vector<std::array<double, 5>>(years));
    const std::vector<double> q = {10, 25, 50, 75, 90};
    engine::for_each_index(r.timeline.size(), threads, [&](std::size_t j) {
      std::vector<double> col(r.timeline[j].begin(), r.timeline[j].end());
      const std::vector<double> v = engine::select_percentiles(col, q);
      std::copy(v.begin(), v.end(), out.fan[j / years][j % years].begin());
    });
  }
  return out;
}

}  // namespace vestsim::models
