// Tornado bars (issue: negotiation analytics): each uncertain input in turn is
// held at its own low quantile (P10) and then its high quantile (P90) while
// everything else stays random on the same futures, and the swing of the
// median difference and of P(a beats b) is recorded. A rank-correlation view
// (Spearman of each sampled input with the difference) comes from one run.
//
// Uncertain inputs (models/inputs.hpp): every random distribution of the scenario, the departure
// time, and each price process (public stock, private growth, post-IPO price),
// held on the path that sits at its quantile at every date: W(t) = z_q sqrt(t).
// The outcome draw (IPO / acquisition / failure / none) is categorical and has
// no P10 / P90: it stays random and gets no bar.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "models/compiled.hpp"
#include "models/inputs.hpp"
#include "models/scenario.hpp"
#include "models/simulate.hpp"
#include "models/studies/basis.hpp"

namespace vestsim::models {

struct TornadoBar {
  std::string input;
  double low_value = 0, high_value = 0;    // the input held at q_low, q_high
  double median_low = 0, median_high = 0;  // median difference a - b
  double win_low = 0, win_high = 0;        // P(a beats b)
  double spearman = 0;                     // rank correlation with the difference
  // False for an input with no per-path value to rank (a parameter of the markets, or the
  // tender price, drawn per window), or when the input or the difference is the same on every
  // path (`constant`): spearman is then 0 and means nothing; reports say n/a.
  bool has_spearman = true, constant = false;
  double swing() const { return median_high - median_low; }
};

struct TornadoResult {
  std::string a, b, currency;
  double q_low = 0.1, q_high = 0.9;
  double median_base = 0, win_base = 0;
  Basis basis = Basis::kPreTax;      // the difference a − b is of totals on this basis
  std::vector<std::string> regimes;  // regime_labels() of the scenario
  std::vector<TornadoBar> bars;      // sorted by |swing of the median|, largest first
};

// Runs 1 + 2 x inputs simulations of `paths` paths (same seed: common random numbers).
// The difference, its median, P(a beats b) and the rank correlations are on `basis`.
// On an MPI job the runs are shared among ranks and the result is complete on
// rank 0 only (collective).
// Requires cmp.a, cmp.b to index s.offers, paths > 0 and 0 < q_low, q_high < 1.
// Throws what compile() throws.
TornadoResult run_sensitivity(const Scenario& s, Comparison cmp, std::uint64_t paths, int threads,
                              double q_low = 0.1, double q_high = 0.9,
                              std::atomic<std::uint64_t>* progress = nullptr,
                              Basis basis = Basis::kPreTax);

}  // namespace vestsim::models
