#include "models/sensitivity.hpp"

#include <algorithm>
#include <cmath>

#include "engine/normal.hpp"
#include "engine/statistics.hpp"

namespace vestsim::models {

using Kind = UncertainInput::Kind;

std::vector<UncertainInput> uncertain_inputs(const Scenario& s) {
  std::vector<UncertainInput> out;
  const int n_companies = static_cast<int>(s.companies.size());
  if (s.departure_rate > 0)
    out.push_back({Kind::kDeparture, 0, input_slot_departure(), "departure time (years)"});
  for (int c = 0; c < n_companies; ++c) {
    const Company& co = s.companies[c];
    const std::string& id = co.id;
    if (co.is_public) {
      if (co.pub.volatility > 0)
        out.push_back(
            {Kind::kStock, c, input_slot(c, InputField::kStock), id + " share price (Z)"});
      continue;
    }
    const PrivateCompany& p = co.priv;
    if (!p.exit_time.is_constant())
      out.push_back(
          {Kind::kExitTime, c, input_slot(c, InputField::kExitTime), id + " time to exit (years)"});
    if (p.p_ipo > 0 && !p.ipo_multiple.is_constant())
      out.push_back(
          {Kind::kIpoMultiple, c, input_slot(c, InputField::kIpoMultiple), id + " IPO multiple"});
    if (p.p_ipo > 0 && !p.ipo_dilution.is_constant())
      out.push_back(
          {Kind::kIpoDilution, c, input_slot(c, InputField::kIpoDilution), id + " IPO dilution"});
    if (p.p_acquisition > 0 && !p.acquisition_multiple.is_constant())
      out.push_back({Kind::kAcquisitionMultiple, c, input_slot(c, InputField::kAcquisitionMultiple),
                     id + " acquisition multiple"});
    if (p.rounds_per_year > 0 && !p.per_round.is_constant())
      out.push_back(
          {Kind::kPerRound, c, input_slot(c, InputField::kRounds), id + " dilution per round"});
    if (p.growth_volatility > 0)
      out.push_back(
          {Kind::kGrowth, c, input_slot(c, InputField::kGrowth), id + " value growth (Z)"});
    if (p.p_ipo > 0 && p.post_ipo_volatility > 0)
      out.push_back(
          {Kind::kPostIpo, c, input_slot(c, InputField::kPostIpo), id + " post-IPO price (Z)"});
  }
  for (int o = 0; o < static_cast<int>(s.offers.size()); ++o) {
    const Offer& of = s.offers[o];
    if (of.bonus_target > 0 && !of.bonus_multiplier.is_constant())
      out.push_back(
          {Kind::kBonus, o, input_slot_bonus(n_companies, o), of.id + " bonus multiplier"});
  }
  return out;
}

double pin_input(CompiledScenario& c, const UncertainInput& in, double q) {
  const double z = engine::normal_quantile(q);
  switch (in.kind) {
    case Kind::kDeparture: {
      const double years = -std::log1p(-q) / c.departure_rate;
      c.pinned_departure_years = years;
      return years;
    }
    case Kind::kStock:
      c.companies[in.index].pub.pinned_z = z;
      return z;
    case Kind::kGrowth:
      c.companies[in.index].priv.pinned_growth_z = z;
      return z;
    case Kind::kPostIpo:
      c.companies[in.index].priv.pinned_post_z = z;
      return z;
    case Kind::kBonus: {
      Sampler& m = c.offers[in.index].bonus_multiplier;
      const double v = m(q);
      m = Sampler::constant(v);
      return v;
    }
    default:
      break;
  }
  CompiledPrivate& p = c.companies[in.index].priv;
  Sampler* target = in.kind == Kind::kExitTime              ? &p.exit_time
                    : in.kind == Kind::kIpoMultiple         ? &p.ipo_multiple
                    : in.kind == Kind::kIpoDilution         ? &p.ipo_dilution
                    : in.kind == Kind::kAcquisitionMultiple ? &p.acquisition_multiple
                                                            : &p.per_round;
  const double v = (*target)(q);
  *target = Sampler::constant(v);
  return v;
}

namespace {

struct Point {
  double median = 0, win = 0;
};

Point measure(const CompiledScenario& c, std::uint64_t paths, int threads, bool record,
              SimResult* keep, std::atomic<std::uint64_t>* progress) {
  SimOptions o;
  o.paths = paths;
  o.threads = threads;
  o.record_inputs = record;
  SimResult r = simulate(c, o);
  if (progress) progress->fetch_add(1);
  std::vector<double> d = r.diff[0];
  std::size_t wins = 0;
  for (double x : d) wins += x > 0;
  const double q[] = {50};
  Point p{engine::select_percentiles(d, q)[0],
          static_cast<double>(wins) / static_cast<double>(paths)};
  if (keep) *keep = std::move(r);
  return p;
}

}  // namespace

TornadoResult run_sensitivity(const Scenario& s, Comparison cmp, std::uint64_t paths, int threads,
                              double q_low, double q_high, std::atomic<std::uint64_t>* progress) {
  Scenario one = s;
  one.compare = {cmp};
  CompiledScenario base = compile(one, one.seed);
  TornadoResult out;
  out.a = s.offers[cmp.a].id;
  out.b = s.offers[cmp.b].id;
  out.currency = s.currency;
  out.q_low = q_low;
  out.q_high = q_high;
  SimResult main_run;
  const Point b = measure(base, paths, threads, true, &main_run, progress);
  out.median_base = b.median;
  out.win_base = b.win;
  for (const UncertainInput& in : uncertain_inputs(one)) {
    TornadoBar bar;
    bar.input = in.name;
    CompiledScenario lo = base, hi = base;
    bar.low_value = pin_input(lo, in, q_low);
    bar.high_value = pin_input(hi, in, q_high);
    const Point pl = measure(lo, paths, threads, false, nullptr, progress);
    const Point ph = measure(hi, paths, threads, false, nullptr, progress);
    bar.median_low = pl.median;
    bar.median_high = ph.median;
    bar.win_low = pl.win;
    bar.win_high = ph.win;
    bar.spearman = engine::spearman(main_run.inputs[in.slot], main_run.diff[0]);
    out.bars.push_back(bar);
  }
  std::stable_sort(out.bars.begin(), out.bars.end(), [](const TornadoBar& x, const TornadoBar& y) {
    return std::fabs(x.swing()) > std::fabs(y.swing());
  });
  return out;
}

}  // namespace vestsim::models
