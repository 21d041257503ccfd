#include "models/simulate.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/columns.hpp"
#include "engine/lanes.hpp"
#include "engine/mpi.hpp"
#include "engine/parallel.hpp"
#include "engine/statistics.hpp"
#include "models/company_paths.hpp"
#include "models/offer_pricing.hpp"

namespace vestsim::models {

namespace {
constexpr double kFloatMax = std::numeric_limits<float>::max();
}  // namespace

namespace {

// Where one path's results go. A column sink for the run; a vector sink for one path.
struct Outputs {
  double* cash;              // [offer]
  double* equity;            // [offer]
  double* salary_bonus;      // [offer]
  Outcome* outcome;          // [company]
  double* buckets;           // [offer * (years + 1) + year] realised in that year (year 0: month 0)
  double* inputs = nullptr;  // input_slots(); null unless recording
  double* tax = nullptr;     // [offer] PV of the tax charged; null unless cs.has_tax
  std::vector<TaxLedger::Year>* tax_years = nullptr;  // [offer]; tests only (allocates)
  // >= 0: the taxes are not finished now but kept in this column of each ledger's block, for
  // PathKernel::finish_taxes() (`tax` is then not written).
  int tax_column = -1;
};

// Evaluates paths of one compiled scenario: every company's path, then every
// offer priced on them. Scratch is sized once; run() allocates nothing.
// kTimeline records realised flows by year.
template <bool kTimeline>
class PathKernel {
 public:
  // `draws`: the reference (default), logging, or lanes (models/path_draws.hpp).
  explicit PathKernel(const CompiledScenario& cs, PathDraws draws = PathDraws())
      : cs_(cs),
        state_(cs.companies.size()),
        draws_(std::move(draws)),
        shocks_(cs.markets),
        ledgers_(cs.offers.size(), TaxLedger(std::max(1, cs.timeline_years))) {
    std::size_t size = 0;
    for (const CompiledCompany& c : cs.companies)
      size += price_table_size(cs, c) + (c.is_public ? 0 : pre_table_size(cs));
    prices_.assign(size, 1.0);
    double* p = prices_.data();
    for (std::size_t k = 0; k < cs.companies.size(); ++k) {
      state_[k].price = p;
      p += price_table_size(cs, cs.companies[k]);
      if (cs.companies[k].is_public) continue;
      state_[k].pre.bind(p, cs.L);
      p += pre_table_size(cs);
    }
    std::size_t windows = 0;
    for (const CompiledCompany& c : cs.companies) windows += c.priv.max_tenders;
    tender_months_.assign(windows, 0);
    tender_prices_.assign(windows, 0.0);
    for (std::size_t k = 0, at = 0; k < cs.companies.size();
         at += cs.companies[k].priv.max_tenders, ++k) {
      state_[k].tender_month = tender_months_.data() + at;
      state_[k].tender_price = tender_prices_.data() + at;
    }
    draws_.use_sobol(&cs.sobol);
    held_.assign(cs.max_grant_tranches, 1.0);
    let_go_.assign(cs.companies.size(), 0);
    fx_.assign(cs.fx_rates.size() * (cs.max_month + 1), 0.0);
    for (std::size_t k = 0; k < cs.fx_rates.size(); ++k)
      fx_paths_.push_back(fx_.data() + k * (cs.max_month + 1));
    // A timeline needs each payout's year per path, which the block pass does not keep.
    equity_lanes_.resize(cs.offers.size());
    for (std::size_t o = 0; o < cs.offers.size(); ++o)
      if (!kTimeline && public_equity_on_lanes(cs, cs.offers[o]))
        equity_lanes_[o].emplace(cs, cs.offers[o]);
    equity_block_.assign(cs.offers.size(), 0);
    bonus_.resize(cs.offers.size());
  }

  const PathDraws& draws() const { return draws_; }
  PathDraws& draws() { return draws_; }

  void run(std::uint64_t i, const Outputs& out) {
    draws_.start(i);
    if (draws_.generation() != generation_) fill_blocks();
    shocks_.start(draws_);
    if (!cs_.sobol.bridges.empty()) pin_growth_bridges(cs_, draws_);
    double* rec = out.inputs;
    const double tau_m = departure_months(cs_, draws_, departure_);
    tau_block_[draws_.column()] = tau_m;
    if (rec) rec[input_slot_departure()] = tau_m / 12.0;
    const int n_companies = static_cast<int>(cs_.companies.size());
    for (int c = 0; c < n_companies; ++c) {
      const CompiledCompany& company = cs_.companies[c];
      double* company_rec = rec ? rec + input_slot(c, InputField::kExitTime) : nullptr;
      if (company.is_public)
        public_path(company.pub, state_[c], draws_, shocks_, company_rec);
      else
        private_path(company.priv, cs_.H, cs_.L, state_[c], draws_, shocks_, company_rec);
      out.outcome[c] = state_[c].outcome;
    }
    for (std::size_t k = 0; k < cs_.fx_rates.size(); ++k)
      fx_path(cs_.fx_rates[k], cs_.max_month, fx_paths_[k], draws_, shocks_);
    const int years = cs_.timeline_years;
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      const CompiledOffer& offer = cs_.offers[o];
      double* buckets = kTimeline ? out.buckets + o * (years + 1) : nullptr;
      if constexpr (kTimeline) std::fill(buckets, buckets + years + 1, 0.0);
      if (rec)
        rec[input_slot_bonus(n_companies, static_cast<int>(o))] =
            mean_bonus_multiplier(offer, draws_);
      if (offer.has_regime) {  // docs/tax.md#t2-the-income-of-one-tax-year to
                               // docs/tax.md#t5-baseline-income-the-rest-of-the-employees-life: the
                               // per-year ledger of this offer
        TaxLedger& ledger = ledgers_[o];
        ledger.start(offer.tax, fx_paths_.data());
        price(o, tau_m, buckets, out, ledger);
        if (out.tax_column >= 0) {
          // finish_equity() adds this path's equity to the block later, or nothing does.
          const auto column = static_cast<std::uint32_t>(out.tax_column);
          if (equity_block_[o])
            ledger.defer(column);
          else
            ledger.defer_closed(column);
        } else {
          const double tax = ledger.finish(out.tax_years ? out.tax_years + o : nullptr);
          if (out.tax) out.tax[o] = tax;
        }
      } else {
        NoTaxSink none;
        price(o, tau_m, buckets, out, none);
        if (out.tax && out.tax_column < 0) out.tax[o] = 0;
      }
    }
  }

  // The equity of the offers priced a sub-block at once (PublicEquityLanes) for its n paths
  // run since the last call, into equity[o][p] for offer o and the path in column p; the other
  // offers' are left as run() wrote them. Before finish_taxes(), which taxes that equity.
  void finish_equity(std::uint32_t n, double* const* equity) {
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      if (!equity_block_[o]) continue;
      equity_lanes_[o]->run(state_.data(), tau_block_.data(), n, equity[o],
                            cs_.offers[o].has_regime ? &ledgers_[o] : nullptr);
    }
  }

  // The taxes of the n paths run with tax_column 0 .. n - 1 since the last call, into
  // tax[o][p] for offer o and column p (TaxLedger::finish_block).
  void finish_taxes(std::uint32_t n, double* const* tax) {
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      if (cs_.offers[o].has_regime)
        ledgers_[o].finish_block(n, tax[o]);
      else
        std::fill(tax[o], tax[o] + n, 0.0);
    }
  }

 private:
  // The block tables of a new sub-block of the draws (docs/design.md#15-lanes-of-paths).
  void fill_blocks() {
    generation_ = draws_.generation();
    departure_.fill(cs_.departure, cs_.departure_key, 1, draws_);
    shocks_.fill_block(draws_);
    for (std::size_t c = 0; c < cs_.companies.size(); ++c) {
      const CompiledCompany& company = cs_.companies[c];
      if (company.is_public)
        fill_public_block(company.pub, state_[c], draws_, shocks_);
      else {
        state_[c].pre.fill_block(company.priv, draws_, shocks_);
        fill_private_block(company.priv, cs_.H, cs_.L, state_[c], draws_);
      }
    }
    // The growth shocks past the block that private companies will read: a correlated driver's
    // made by the shocks for every company's needs, an own stream's by its company's PreEvent.
    need_.fill(0);
    for (std::size_t c = 0; c < cs_.companies.size(); ++c)
      if (!cs_.companies[c].is_public && cs_.companies[c].priv.growth_corr >= 0)
        growth_reach(cs_.companies[c].priv, cs_.L, state_[c], draws_, need_.data());
    shocks_.extend_block(draws_, need_.data());
    for (std::size_t c = 0; c < cs_.companies.size(); ++c) {
      const CompiledCompany& company = cs_.companies[c];
      if (company.is_public) continue;
      own_need_.fill(0);
      if (company.priv.growth_corr < 0)
        growth_reach(company.priv, cs_.L, state_[c], draws_, own_need_.data());
      state_[c].pre.extend_block(company.priv, draws_, shocks_, own_need_.data());
    }
    // An offer's equity waits for the sub-block's end when every company it reads has the
    // block's prices.
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      const CompiledOffer& offer = cs_.offers[o];
      bonus_[o].fill(offer.bonus_multiplier, offer.bonus_key,
                     static_cast<std::uint32_t>(offer.bonus_pv.size()), draws_);
      bool on = equity_lanes_[o].has_value();
      for (std::uint32_t g = offer.first_grant; on && g < offer.first_grant + offer.grant_count;
           ++g)
        on = state_[cs_.grants[g].company].block_prices;
      equity_block_[o] = on;
    }
    // A public company's prices are copied path by path only for an offer priced path by path.
    for (CompanyState& st : state_) st.path_prices = false;
    for (std::size_t o = 0; o < cs_.offers.size(); ++o) {
      const CompiledOffer& offer = cs_.offers[o];
      for (std::uint32_t g = offer.first_grant; g < offer.first_grant + offer.grant_count; ++g)
        state_[cs_.grants[g].company].path_prices |= !equity_block_[o];
    }
  }

  template <class Tax>
  void price(std::size_t o, double tau_m, double* buckets, const Outputs& out, Tax& tax) {
    const CompiledOffer& offer = cs_.offers[o];
    double salary_bonus = 0;
    out.cash[o] = offer_cash<kTimeline>(cs_, offer, tau_m, fx_paths_.data(), buckets, salary_bonus,
                                        draws_, bonus_[o], tax);
    out.salary_bonus[o] = salary_bonus;
    if (equity_block_[o]) {  // finish_equity() prices it; a deferred ledger takes its income
      assert(!Tax::kActive || out.tax_column >= 0);
      out.equity[o] = 0;
      return;
    }
    out.equity[o] = offer_equity<kTimeline>(cs_, offer, tau_m, state_.data(), fx_paths_.data(),
                                            let_go_.data(), held_.data(), buckets, draws_, tax);
  }

  const CompiledScenario& cs_;
  std::vector<CompanyState> state_;
  std::vector<double> prices_;
  std::vector<std::uint8_t> let_go_;
  PathDraws draws_;
  CorrelatedShocks shocks_;
  std::vector<double> fx_;         // X(0 .. max_month) of each stochastic currency
  std::vector<double*> fx_paths_;  // into fx_
  std::vector<int> tender_months_;
  std::vector<double> tender_prices_;
  std::vector<double> held_;        // scratch: the share of each tranche of a grant still held
  std::vector<TaxLedger> ledgers_;  // [offer]: each keeps its own years' last tax
  // Per offer: its equity priced a sub-block at once, when public_equity_on_lanes() (and no
  // timeline); and whether the sub-block's equity waits for finish_equity().
  std::vector<std::optional<PublicEquityLanes>> equity_lanes_;
  std::vector<std::uint8_t> equity_block_;
  std::vector<BlockSample> bonus_;  // [offer]: its bonus multipliers for the sub-block
  BlockSample departure_;           // tau (years) of the sub-block's paths: cs.departure
  std::array<double, PathDraws::kBlock> tau_block_{};  // 12 tau of the sub-block's paths
  // Per column: the months of correlated shocks it needs, and of one company's own growth stream.
  std::array<int, PathDraws::kBlock> need_{}, own_need_{};
  std::uint64_t generation_ = 0;  // the draws' sub-block the block tables hold
};

// Paths whose reads decide the draw plan, and the share of them that must
// read a (stream, draw) for it to be generated on lanes: a lane draw costs
// about a fifth of a reference one, so rarer reads stay with the reference.
constexpr std::uint64_t kPlanPaths = 256;
constexpr double kPlanShare = 0.2;
// The share for extended_streams(): past the plan, the months each path's growth will read are
// drawn on lanes of those paths only, at about 1.3 times the cost of a lane draw made for every
// path (callgrind), so a month is worth making for every path when about 3 paths in 4 read it.
constexpr double kExtendedShare = 0.75;

// The streams whose draws past the block are made for the paths that need them
// (CorrelatedShocks::extend_block(), PreEvent::extend_block(), the post-IPO walk of
// fill_private_block()), planned only where most paths read them: every correlated driver's when
// a private company's growth is one of them, the growth streams of the others, and every post-IPO
// walk's own stream; not a growth that tenders or options read before the event.
std::vector<StreamKey> extended_streams(const CompiledScenario& cs) {
  std::vector<StreamKey> keys;
  bool correlated = false;
  for (const CompiledCompany& c : cs.companies) {
    if (c.is_public) continue;
    const PrivateCompany& p = c.priv.params;
    if (p.post_ipo_volatility > 0 && std::isnan(c.priv.pinned_post_z) && c.priv.post_ipo_corr < 0)
      keys.push_back(c.priv.post_ipo_key);  // extend_post_walk() in company_paths.cpp
    // Tenders and options read a company's growth before its event on paths and at months
    // growth_reach() does not predict: its plan stays at min_share.
    if (!(p.growth_volatility > 0) || !std::isnan(c.priv.pinned_growth_z) || c.priv.pre_to_event)
      continue;
    if (c.priv.growth_corr >= 0)
      correlated = true;
    else
      keys.push_back(c.priv.growth_key);
  }
  if (correlated) keys.insert(keys.end(), cs.markets.keys.begin(), cs.markets.keys.end());
  return keys;
}

// The (stream, draw) pairs the paths of `cs` read, from the reference kernel
// on paths 0 .. kPlanPaths - 1. Only speed depends on it, never a result.
DrawPlan plan_draws(const CompiledScenario& cs) {
  DrawLog log;
  PathKernel<false> kernel(cs, PathDraws(&log));
  std::vector<double> a(cs.offers.size()), b(cs.offers.size()), c(cs.offers.size());
  std::vector<Outcome> o(cs.companies.size());
  for (std::uint64_t i = 0; i < kPlanPaths; ++i)
    kernel.run(i, Outputs{a.data(), b.data(), c.data(), o.data(), nullptr});
  return DrawPlan(log, kPlanPaths, kPlanShare, extended_streams(cs), kExtendedShare);
}

// Runs ranges of paths of one compiled scenario into result columns. Allocates the kernel and
// one path's scratch once; run() allocates nothing, so one runner per worker serves every block
// the worker takes.
template <bool kTimeline>
class RangeRunner {
 public:
  RangeRunner(const CompiledScenario& cs, const SimOptions& opt, const DrawPlan* plan)
      : cs_(cs),
        opt_(opt),
        kernel_(cs, plan ? PathDraws(plan) : PathDraws()),
        cash_(cs.offers.size()),
        equity_(cs.offers.size()),
        salary_(cs.offers.size()),
        outcome_(cs.companies.size()),
        buckets_(kTimeline ? cs.offers.size() * (cs.timeline_years + 1) : 0),
        slots_(
            input_slots(static_cast<int>(cs.companies.size()), static_cast<int>(cs.offers.size()))),
        inputs_(opt.record_inputs ? slots_ : 0),
        tax_(cs.has_tax ? cs.offers.size() : 0),
        tax_at_(cs.has_tax ? cs.offers.size() : 0),
        equity_at_(cs.offers.size()),
        lanes_(plan != nullptr),
        defer_tax_(cs.has_tax && plan) {}

  // Paths [begin, end) into r, path i at index i - base.
  void run(std::uint64_t begin, std::uint64_t end, std::uint64_t base, SimResult& r) {
    const CompiledScenario& cs = cs_;
    const std::size_t n_offers = cs.offers.size(), n_companies = cs.companies.size();
    const int years = cs.timeline_years;
    kernel_.draws().set_end(end);
    Outputs out{cash_.data(),
                equity_.data(),
                salary_.data(),
                outcome_.data(),
                buckets_.data(),
                opt_.record_inputs ? inputs_.data() : nullptr,
                cs.has_tax ? tax_.data() : nullptr};
    // On lanes, a sub-block of the draws is finished at its end: the equity priced for all its
    // paths at once (PathKernel::finish_equity()), then the taxes, kTaxLanes paths at a time
    // (TaxLedger::finish_block). The scalar reference finishes each path. Totals and differences
    // are not stored: SimResult derives them from cash and equity.
    static_assert(kTaxLanes == PathDraws::kBlock);
    std::uint64_t block_first = begin;
    for (std::uint64_t path = begin; path < end; ++path) {
      if (defer_tax_) out.tax_column = static_cast<int>(path - block_first);
      kernel_.run(path, out);
      assert(!lanes_ || kernel_.draws().column() == path - block_first);
      const std::uint64_t i = path - base;
      for (std::size_t o = 0; o < n_offers; ++o) {
        r.cash[o][i] = cash_[o];
        r.equity[o][i] = equity_[o];
        if (cs.has_tax && !defer_tax_) r.tax[o][i] = tax_[o];
        if (opt_.salary_column) r.salary_bonus[o][i] = salary_[o];
        if constexpr (kTimeline) {
          // Bucket 0 holds month 0 (signing bonus); bucket y holds months 12(y-1)+1 .. 12y.
          const double* b = buckets_.data() + o * (years + 1);
          double cum = b[0];
          for (int y = 1; y <= years; ++y) {
            cum += b[y];
            // Saturated: a double beyond float's range has no float (the cast would be
            // undefined); the HTML report leaves such a fan chart out (docs/model.md Appendix A).
            r.timeline[o * years + y - 1][i] =
                static_cast<float>(std::clamp(cum, -kFloatMax, kFloatMax));
          }
        }
      }
      for (std::size_t c = 0; c < n_companies; ++c)
        if (!r.outcome[c].empty()) r.outcome[c][i] = static_cast<std::uint8_t>(outcome_[c]);
      if (opt_.record_inputs)
        for (int k = 0; k < slots_; ++k) r.inputs[k][i] = inputs_[k];
      if (lanes_ && path + 1 - block_first < PathDraws::kBlock && path + 1 < end) continue;
      const auto n = static_cast<std::uint32_t>(path + 1 - block_first);
      const std::uint64_t at = block_first - base;
      if (lanes_) {
        for (std::size_t o = 0; o < n_offers; ++o) equity_at_[o] = r.equity[o].data() + at;
        kernel_.finish_equity(n, equity_at_.data());
      }
      if (defer_tax_) {
        for (std::size_t o = 0; o < n_offers; ++o) tax_at_[o] = r.tax[o].data() + at;
        kernel_.finish_taxes(n, tax_at_.data());
      }
      block_first = path + 1;
    }
  }

 private:
  const CompiledScenario& cs_;
  const SimOptions& opt_;
  PathKernel<kTimeline> kernel_;
  std::vector<double> cash_, equity_, salary_;
  std::vector<Outcome> outcome_;
  std::vector<double> buckets_;
  int slots_;
  std::vector<double> inputs_, tax_;
  std::vector<double*> tax_at_, equity_at_;
  bool lanes_, defer_tax_;
};

// Paths [first, last) into r, path i at index i - base, in blocks of opt.block: one runner per
// worker, made at its first block.
template <bool kTimeline>
void run_all(const CompiledScenario& cs, const SimOptions& opt, std::uint64_t first,
             std::uint64_t last, std::uint64_t base, SimResult& r) {
  const bool lanes = engine::simd_target() != engine::SimdTarget::kScalar;
  const DrawPlan plan = lanes ? plan_draws(cs) : DrawPlan();
  std::vector<std::optional<RangeRunner<kTimeline>>> runners(engine::resolve_threads(opt.threads));
  engine::run_blocks_on_worker(
      engine::BlockPlan{last - first, opt.block}, opt.threads,
      [&](std::uint64_t, std::uint64_t begin, std::uint64_t end, int worker) {
        std::optional<RangeRunner<kTimeline>>& runner = runners[static_cast<std::size_t>(worker)];
        if (!runner) runner.emplace(cs, opt, lanes ? &plan : nullptr);
        runner->run(first + begin, first + end, base, r);
      },
      opt.progress);
}

// Sends this rank's share of every column to rank 0, where they land in path order. Every rank
// makes the same gathers, one per column that exists (allocate_result), whatever its share: a
// rank with no paths has empty columns, and skipping them left rank 0 in gathers it made alone
// (harmless with Open MPI's linear gather of nothing, a deadlock for any other collective).
void gather_columns(const CompiledScenario& cs, SimResult& r, std::uint64_t paths,
                    std::uint64_t block) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (int k = 0; k < engine::mpi::size(); ++k)
    ranges.push_back(engine::mpi::share_paths(paths, block, k));
  const auto [first, last] = ranges[engine::mpi::rank()];
  const auto gather_one = [&](auto& col) {
    using T = typename std::decay_t<decltype(col)>::value_type;
    const std::span<const std::byte> mine = std::as_bytes(std::span(col).first(last - first));
    engine::mpi::gather_ranges(
        mine, engine::mpi::root() ? std::as_writable_bytes(std::span(col)) : std::span<std::byte>(),
        sizeof(T), ranges);
  };
  const auto gather = [&](auto& columns) {
    for (auto& col : columns) gather_one(col);
  };
  gather(r.cash);
  gather(r.equity);
  gather(r.salary_bonus);
  gather(r.tax);
  for (std::size_t c = 0; c < r.outcome.size(); ++c)
    if (!cs.companies[c].is_public) gather_one(r.outcome[c]);  // a public one: no column
  gather(r.timeline);
  gather(r.inputs);
}

}  // namespace

SimResult allocate_result(const CompiledScenario& cs, const SimOptions& opt, std::uint64_t n) {
  engine::release_freed_memory();  // what earlier runs kept (engine/columns.hpp)
  SimResult r;
  r.paths = n;
  const std::size_t n_offers = cs.offers.size();
  r.cash.resize(n_offers);
  r.equity.resize(n_offers);
  if (opt.salary_column) r.salary_bonus.resize(n_offers);
  r.compare = cs.compare;
  if (cs.has_tax) r.tax.resize(n_offers);
  r.outcome.resize(cs.companies.size());
  if (opt.timeline) {
    r.timeline_years = cs.timeline_years;
    r.timeline.resize(n_offers * cs.timeline_years);
  }
  if (opt.record_inputs)
    r.inputs.resize(input_slots(static_cast<int>(cs.companies.size()), static_cast<int>(n_offers)));
  // Each column is zeroed by one worker: the first touch of fresh pages costs more than the
  // zeroing (a page fault each, about 3 us on a VM), and the workers take them side by side, on
  // huge pages where the kernel offers them (engine/columns.hpp).
  std::vector<std::vector<double>*> doubles;
  for (auto* group : {&r.cash, &r.equity, &r.salary_bonus, &r.tax, &r.inputs})
    for (std::vector<double>& col : *group) doubles.push_back(&col);
  std::vector<std::vector<std::uint8_t>*> bytes;
  for (std::size_t c = 0; c < cs.companies.size(); ++c)
    if (!cs.companies[c].is_public) bytes.push_back(&r.outcome[c]);  // a public one: no column
  const std::size_t jobs = doubles.size() + bytes.size() + r.timeline.size();
  engine::for_each_index(jobs, opt.threads, [&](std::size_t k) {
    if (k < doubles.size()) return engine::resize_fresh(*doubles[k], n);
    k -= doubles.size();
    if (k < bytes.size()) return engine::resize_fresh(*bytes[k], n);
    engine::resize_fresh(r.timeline[k - bytes.size()], n);
  });
  return r;
}

RangeSimulator::RangeSimulator(const CompiledScenario& cs, const SimOptions& options)
    : cs_(cs),
      options_(options),
      lanes_(engine::simd_target() != engine::SimdTarget::kScalar),
      plan_(lanes_ ? plan_draws(cs) : DrawPlan()) {
  assert(!options.timeline);
}

void RangeSimulator::run(std::uint64_t begin, std::uint64_t end, SimResult& into) const {
  assert(begin <= end && end - begin <= into.paths);
  RangeRunner<false>(cs_, options_, lanes_ ? &plan_ : nullptr).run(begin, end, begin, into);
}

SimResult simulate(const CompiledScenario& cs, const SimOptions& opt) {
  assert(opt.block > 0);
  const bool split = opt.distribute && engine::mpi::size() > 1;
  const auto [first, last] =
      split ? engine::mpi::share_paths(opt.paths, engine::kSumChunk, engine::mpi::rank())
            : std::pair<std::uint64_t, std::uint64_t>{0, opt.paths};
  // Rank 0 holds every path; another rank only its own share, from index 0.
  const std::uint64_t base = engine::mpi::root() ? 0 : first;
  SimResult r = allocate_result(cs, opt, engine::mpi::root() || !split ? opt.paths : last - first);
  const auto start = std::chrono::steady_clock::now();
  if (opt.timeline)
    run_all<true>(cs, opt, first, last, split ? base : 0, r);
  else
    run_all<false>(cs, opt, first, last, split ? base : 0, r);
  if (split) gather_columns(cs, r, opt.paths, engine::kSumChunk);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

PathValues simulate_path(const CompiledScenario& cs, std::uint64_t path) {
  PathKernel<false> kernel(cs);
  PathValues v;
  v.cash.resize(cs.offers.size());
  v.equity.resize(cs.offers.size());
  v.salary_bonus.resize(cs.offers.size());
  v.outcome.resize(cs.companies.size());
  v.tax.resize(cs.offers.size());
  v.tax_years.resize(cs.offers.size());
  kernel.run(path, Outputs{v.cash.data(), v.equity.data(), v.salary_bonus.data(), v.outcome.data(),
                           nullptr, nullptr, v.tax.data(), v.tax_years.data()});
  v.draws = kernel.draws().uniforms();
  return v;
}

DrawCounts count_draws(const CompiledScenario& cs, std::uint64_t sample) {
  assert(sample > 0);
  PathKernel<false> kernel(cs);
  std::vector<double> a(cs.offers.size()), b(cs.offers.size()), c(cs.offers.size());
  std::vector<Outcome> o(cs.companies.size());
  for (std::uint64_t i = 0; i < sample; ++i)
    kernel.run(i, Outputs{a.data(), b.data(), c.data(), o.data(), nullptr});
  const double n = static_cast<double>(sample);
  return {static_cast<double>(kernel.draws().uniforms()) / n,
          static_cast<double>(kernel.draws().normals()) / n};
}

}  // namespace vestsim::models
