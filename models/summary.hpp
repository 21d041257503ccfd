// Summaries of a run over paths (docs/model.md#8-summaries-over-paths): what every report prints.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/statistics.hpp"
#include "models/compiled.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"

namespace vestsim::models {

// Share of paths by the private company's liquidity event within the
// liquidity horizon; the four shares sum to 1.
struct OutcomeShares {
  double ipo = 0, acquisition = 0, failure = 0, none = 0;
};

// P(a beats b) from a second simulation of the first `paths` futures with one market feature
// changed (models/studies/effects.hpp): the figure as given and the changed one on those same
// paths, on both bases, with the standard error of their paired difference. paths == 0: not
// computed.
struct Counterfactual {
  std::uint64_t paths = 0;
  double p_given = 0, p = 0, se = 0;
  double p_given_after_tax = 0, p_after_tax = 0, se_after_tax = 0;
};

// What an offer's tenders (docs/model.md#m4-tender-offers) do to its equity, from the same
// futures simulated without any tender window (models/studies/effects.hpp). paths == 0: the
// offer holds no grant of a company with tenders, or it was not computed.
struct TenderEffect {
  std::uint64_t paths = 0;
  std::vector<std::string> companies;  // the companies with tenders the offer holds grants of
  double p_sale = 0;  // share of futures whose equity the tenders change: a sale happened
  double equity_mean = 0, equity_mean_without = 0;  // mean equity PV with and without tenders
  double effect_se = 0;  // standard error of the paired difference of those means
};

struct OfferSummary {
  std::string id, label;
  engine::Summary total, cash, equity;
  // docs/tax.md#t6-outputs: the PV of the tax charged and total - tax, summarised like
  // `total`. Without a regime tax is all zeros and after_tax equals total (bitwise).
  engine::Summary tax, after_tax;
  bool has_regime = false;
  double p_equity_zero = 0;
  // An offer with an option exercised on leaving can lose the strike it paid
  // (docs/model.md#m5-options-when-the-employee-leaves): P(equity < 0), reported only then.
  bool can_pay_strike = false;
  double p_equity_negative = 0;
  bool has_private = false;
  OutcomeShares outcomes;  // meaningful only when has_private
  TenderEffect tenders;
};

struct ComparisonSummary {
  std::string a, b;
  double p_a_beats_b = 0;  // P(diff > 0), ties lose
  engine::Summary diff;
  double ce_a = 0, ce_b = 0;
  // The same after tax (docs/tax.md#t6-outputs); equal to the pre-tax values when neither
  // offer has a regime.
  double p_a_beats_b_after_tax = 0;
  engine::Summary diff_after_tax;
  double ce_a_after_tax = 0, ce_b_after_tax = 0;
  // The same futures with independent markets (the correlation factor replaced by the
  // identity) and without tenders; see models/studies/effects.hpp.
  Counterfactual independent, no_tenders;
  // A sobol run's replicate standard errors of P(a beats b), before and after tax
  // (docs/design.md#20-quasi-monte-carlo-sobol-points); NaN in a philox run.
  double p_a_beats_b_stderr = NAN, p_a_beats_b_after_tax_stderr = NAN;
};

struct RunSummary {
  std::string scenario, currency;
  std::uint64_t paths = 0, seed = 0;
  int threads = 0;
  double seconds = 0;
  bool two_pass = false;  // simulated twice instead of stored (models/studies/run.hpp)
  // simulation.sampler sobol: every Summary::std_error and the comparisons' P(a beats b)
  // errors come from the spread of engine::kReplicates replicates.
  bool sobol = false;
  // A run that stopped at a precision (models/studies/precision.hpp): each
  // target and the half-width reached at `paths`; empty otherwise.
  struct Precision {
    std::string name;
    double target = 0, half_width = 0;
  };
  std::vector<Precision> precision;
  bool precision_met = false;
  // What stopped the growth of a run whose targets were not all met: --max-paths, or the memory
  // budget when it held fewer paths than that and the paths had to be kept in memory (HTML
  // charts, --paths-out, sobol sampling; tools/cli run_to_precision), `memory_budget` bytes.
  enum class PathCap { kMaxPaths, kMemoryBudget };
  PathCap precision_cap = PathCap::kMaxPaths;
  double memory_budget = 0;  // with PathCap::kMemoryBudget
  std::vector<double> percentiles;
  double risk_aversion = 0, wealth = 0;
  double horizon_years = 0, liquidity_horizon_years = 0;
  int departure_at_month = -1;  // employee.departure.at_month, -1 when departure is random
  std::vector<OfferSummary> offers;
  std::vector<ComparisonSummary> comparisons;
  bool has_tax = false;                       // any offer has a regime
  std::vector<std::string> regimes;           // distinct regimes in offer order, "fr-2026 (2026)"
  std::vector<CorrelationPair> correlations;  // the scenario's, as loaded
  // Fan chart: per offer, per year 1..Y, percentiles 10, 25, 50, 75, 90 of
  // the PV realised by the end of that year (empty unless the run kept a timeline).
  std::vector<std::vector<std::array<double, 5>>> fan;
};

// CRRA certainty equivalent of `total` (docs/model.md#8-summaries-over-paths): u^-1(E[u(wealth +
// total)]) - wealth.
double certainty_equivalent(std::span<const double> total, double gamma, double wealth,
                            std::vector<double>& scratch);

// CRRA utility of each total, in units of scale = max(1, wealth):
// log(w) (gamma = 1), w^(1 - gamma) - 1 (gamma within 1e-4 of 1, where w^(1 - gamma) would round
// away what the CE needs) or w^(1 - gamma), w = max(0, (wealth + total) / scale): affine maps of
// u(w) of docs/model.md#8-summaries-over-paths, inverted by certainty_equivalent_from.
// Writes total.size() values to out, which may be total.data() (value i is read before it is
// written). Requires gamma > 0.
void crra_utilities(std::span<const double> total, double gamma, double wealth, double* out);

// True when the certainty equivalent is floored at -wealth (docs/model.md#8-summaries-over-paths):
// gamma >= 1 and the smallest total leaves no wealth on some path.
bool certainty_equivalent_floored(double min_total, double gamma, double wealth);

// The certainty equivalent from the mean of crra_utilities and the smallest
// total: -wealth when certainty_equivalent_floored; NaN when that mean cannot carry it (every
// utility under- or overflowed: totals or a wealth far from 1 in units of max(1, wealth) with a
// large gamma), and the caller must use certainty_equivalent_shifted on the column.
// Requires gamma > 0.
double certainty_equivalent_from(double mean_utility, double min_total, double gamma,
                                 double wealth);

// certainty_equivalent by a log-sum-exp, exact where the plain mean of utilities under- or
// overflows (docs/model.md#8-summaries-over-paths). Requires gamma > 0, gamma not within 1e-4
// of 1, total non-empty. Made of the three parts below, which a run that does not keep its
// columns (models/studies/run.hpp, two passes) takes one chunk of paths at a time:
double certainty_equivalent_shifted(std::span<const double> total, double gamma, double wealth,
                                    std::vector<double>& scratch);
// The shift c: e = (1 - gamma) log w at the column's smallest total (gamma > 1) or its largest
// (gamma < 1), the largest e of any path; -infinity when that total leaves no wealth.
double utility_shift(double extreme_total, double gamma, double wealth);
// exp(e - c) of each total into out (which may be total.data()): every value at most about 1.
void shifted_utilities(std::span<const double> total, double gamma, double wealth, double shift,
                       double* out);
// The CE from the mean of shifted_utilities (engine::column_mean): w = exp((c + log mean) /
// (1 - gamma)); -wealth when the shift is -infinity.
double certainty_equivalent_from_shifted(double mean, double shift, double gamma, double wealth);

// The median (P50, the engine's percentile rule) of a column; copies it.
// Requires a non-empty column.
double median(std::span<const double> column);

// P(a beats b) from the difference column a - b: the share of entries > 0
// (ties lose). Requires a non-empty column.
double share_positive(std::span<const double> diff);

// x's percentile q if q is among the summary's requested percentiles.
std::optional<double> percentile_at(const RunSummary& s, const engine::Summary& x, double q);

// A RunSummary with the run's description filled in and no statistics.
RunSummary summary_header(const Scenario& s, std::uint64_t paths, int threads, std::uint64_t seed);

// Summarises the stored columns of r (models/run_columns.hpp), the fan chart
// too when r kept a timeline.
RunSummary summarize_run(const Scenario& s, const CompiledScenario& cs, const SimResult& r,
                         int threads, std::uint64_t seed);

}  // namespace vestsim::models
