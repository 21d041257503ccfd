// docs/tax.md#t4-the-tax-of-one-year and #t5-baseline-income-the-rest-of-the-employees-life.
#include "models/tax/tax_year.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

#include "engine/lanes.hpp"

namespace vestsim::models {

namespace {

constexpr std::size_t kGainShort = static_cast<std::size_t>(TaxCategory::kGainShort);
constexpr std::size_t kGainLong = static_cast<std::size_t>(TaxCategory::kGainLong);

// 1 for every real category a list names (union: naming wages and employment counts wages once).
CategoryAmounts indicator(const std::vector<TaxCategory>& list) {
  std::uint8_t mask = 0;
  for (TaxCategory c : list) mask |= category_mask(c);
  CategoryAmounts out{};
  for (std::size_t k = 0; k < kTaxCategoryCount; ++k) out[k] = (mask >> k) & 1u ? 1.0 : 0.0;
  return out;
}

// Appends `scale` to the pool and its below[] (CompiledTaxRegime); returns its first index.
std::uint32_t append(CompiledTaxRegime& r, const std::vector<Bracket>& scale) {
  const auto first = static_cast<std::uint32_t>(r.brackets.size());
  r.brackets.insert(r.brackets.end(), scale.begin(), scale.end());
  double below = 0;
  for (std::size_t k = 0; k < scale.size(); ++k) {
    r.below.push_back(below);
    if (k + 1 < scale.size()) below += scale[k].rate * (scale[k + 1].from - scale[k].from);
  }
  return first;
}

// scale_tax() of the scale at brackets[first, first + count) from below[]: the same bits.
double compiled_scale_tax(const CompiledTaxRegime& r, std::uint32_t first, std::uint32_t count,
                          double base) {
  const Bracket* b = r.brackets.data() + first;
  std::uint32_t k = 0;
  while (k < count && base > b[k].from) ++k;
  if (k == 0) return 0;
  --k;
  return r.below[first + k] + b[k].rate * (base - b[k].from);
}

CompiledIncomeTax compile_income_tax(const IncomeTax& t, CompiledTaxRegime& pool) {
  CompiledIncomeTax c;
  c.weights = t.weights;
  if (!t.long_gains.empty()) c.weights[kGainLong] = 0;  // Lg is taxed on its own scale
  c.deduction = t.deduction.kind;
  c.fixed = t.deduction.fixed;
  c.rate = t.deduction.rate;
  c.min = t.deduction.min;
  c.max = t.deduction.max;
  c.on = indicator(t.deduction.on);
  c.first_bracket = append(pool, t.brackets);
  c.bracket_count = static_cast<std::uint32_t>(t.brackets.size());
  c.first_long = append(pool, t.long_gains);
  c.long_count = static_cast<std::uint32_t>(t.long_gains.size());
  c.gains_flat = t.gains_flat.value_or(0.0);
  c.weights_nz = SparseWeights(c.weights);
  c.on_nz = SparseWeights(c.on);
  return c;
}

CompiledLevy compile_levy(const Levy& l) {
  CompiledLevy c;
  c.rate = l.rate;
  c.on = indicator(l.on);
  c.up_to = l.up_to.value_or(c.up_to);
  c.has_above = l.above.has_value();
  c.above = l.above.value_or(0.0);
  c.measure = indicator(l.measure.empty() ? l.on : l.measure);
  c.on_nz = SparseWeights(c.on);
  c.measure_nz = SparseWeights(c.measure);
  return c;
}

// The base after deduction, max(0, B − deduction) (step 2).
double base_after_deduction(const CompiledIncomeTax& t, const CategoryAmounts& x, double base) {
  switch (t.deduction) {
    case Deduction::Kind::kFixed:
      return std::max(0.0, base - t.fixed);
    case Deduction::Kind::kRate: {
      const double on = t.on_nz.dot(x);
      if (on == 0) return std::max(0.0, base);  // no deduction when Σ_on x is 0
      return std::max(0.0, base - std::clamp(t.rate * on, t.min, t.max));
    }
    case Deduction::Kind::kNone:
      break;
  }
  return std::max(0.0, base);
}

double income_tax(const CompiledTaxRegime& r, const CompiledIncomeTax& t,
                  const CategoryAmounts& x) {
  const double b = base_after_deduction(t, x, t.weights_nz.dot(x));
  double tax = compiled_scale_tax(r, t.first_bracket, t.bracket_count, b);
  if (t.long_count > 0) {
    // The part of [b, b + Lg] in each long_gains bracket pays its rate.
    tax += compiled_scale_tax(r, t.first_long, t.long_count, b + x[kGainLong]) -
           compiled_scale_tax(r, t.first_long, t.long_count, b);
  }
  return tax + t.gains_flat * (x[kGainShort] + x[kGainLong]);
}

// A levy's base β (step 3): Σ_on x, capped by up_to, and only above `above` of the measure.
double levy_base(const CompiledLevy& l, const CategoryAmounts& x) {
  const double b = std::min(l.on_nz.dot(x), l.up_to);
  if (!l.has_above) return b;
  return std::min(b, std::max(0.0, l.measure_nz.dot(x) - l.above));
}

double levy(const CompiledLevy& l, const CategoryAmounts& x) {
  return l.rate * levy_base(l, x);
}

// Income tax `slot`, or levy `slot − income_taxes.size()`, on post-loss amounts `x`.
double slot_tax(const CompiledTaxRegime& r, std::size_t slot, const CategoryAmounts& x) {
  const std::size_t n = r.income_taxes.size();
  return slot < n ? income_tax(r, r.income_taxes[slot], x) : levy(r.levies[slot - n], x);
}

// The amounts of step 2 onwards: gain_short and gain_long replaced by S and Lg.
CategoryAmounts after_losses(const CategoryAmounts& amount, const NetGains& g) {
  CategoryAmounts x = amount;
  x[kGainShort] = g.short_gain;
  x[kGainLong] = g.long_gain;
  return x;
}

}  // namespace

CompiledTaxRegime compile_regime(const TaxRegime& regime) {
  const std::vector<std::string> errors = regime_errors(regime);
  if (!errors.empty()) {
    std::string message = "invalid tax regime '" + regime.name + "':";
    for (const std::string& e : errors) message += "\n  " + e;
    throw std::invalid_argument(message);
  }
  CompiledTaxRegime c;
  for (const IncomeTax& t : regime.income_taxes) {
    c.income_taxes.push_back(compile_income_tax(t, c));
  }
  for (const Levy& l : regime.levies) c.levies.push_back(compile_levy(l));
  c.long_term_months = regime.long_term_months;
  c.has_qualified = regime.qualified_cap.has_value();
  c.qualified_cap = regime.qualified_cap.value_or(0.0);
  return c;
}

NetGains net_gains(double gain_short, double gain_long, double carry_in) {
  assert(carry_in <= 0);
  double s = gain_short + carry_in;
  double lg = gain_long;
  if (s < 0) {
    lg += s;
    s = 0;
  }
  if (lg < 0) {
    s += lg;
    lg = 0;
  }
  if (s < 0) return {0, 0, s};
  return {s, lg, 0};
}

double scale_tax(std::span<const Bracket> scale, double base) {
  assert(scale.empty() || scale.front().from == 0);
  double tax = 0;
  for (std::size_t k = 0; k < scale.size() && base > scale[k].from; ++k) {
    const double top = k + 1 < scale.size() ? std::min(base, scale[k + 1].from) : base;
    tax += scale[k].rate * (top - scale[k].from);
  }
  return tax;
}

YearTax tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount, double carry_in,
                    std::span<double> breakdown) {
  assert(carry_in <= 0);
  assert(breakdown.empty() || breakdown.size() == regime.breakdown_size());
  // Wages may be negative (a negative bonus, docs/model.md#10-conventions); the other
  // income categories may not.
  for (std::size_t k = static_cast<std::size_t>(TaxCategory::kEquityIncome); k < kGainShort; ++k)
    assert(amount[k] >= 0);
  const NetGains g = net_gains(amount[kGainShort], amount[kGainLong], carry_in);
  const CategoryAmounts x = after_losses(amount, g);
  double total = 0;
  for (std::size_t slot = 0; slot < regime.breakdown_size(); ++slot) {
    const double part = slot_tax(regime, slot, x);
    total += part;
    if (!breakdown.empty()) breakdown[slot] = part;
  }
  return {std::max(0.0, total), g.carry_out, g.short_gain, g.long_gain};
}

YearTax charged_tax_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& with_baseline,
                            const CategoryAmounts& baseline_only, double carry_in,
                            std::span<double> breakdown) {
  assert(baseline_only[kGainShort] == 0 && baseline_only[kGainLong] == 0);
  YearTax with = tax_of_year(regime, with_baseline, carry_in);
  // baseline_only has no gains: step 1 leaves it unchanged whatever the carry.
  const double baseline_tax = tax_of_year(regime, baseline_only, 0.0).tax;
  if (!breakdown.empty()) {
    assert(breakdown.size() == regime.breakdown_size());
    const CategoryAmounts x = after_losses(
        with_baseline, net_gains(with_baseline[kGainShort], with_baseline[kGainLong], carry_in));
    for (std::size_t slot = 0; slot < breakdown.size(); ++slot) {
      breakdown[slot] = slot_tax(regime, slot, x) - slot_tax(regime, slot, baseline_only);
    }
  }
  with.tax -= baseline_tax;
  return with;
}

namespace {

// Lanes of paths: dst[p] = sum over the nonzero weights of w x[c][p], in category order, from
// +0: one pass over the paths for a count K known when compiling (a regime has at most
// kTaxCategoryCount), each path's sum the same additions in the same order.
template <std::size_t K>
[[gnu::always_inline]] inline void dot_fixed(const SparseWeights& w, const double (*x)[kTaxLanes],
                                             std::size_t n, double* __restrict dst) {
  std::array<const double*, K> xs{};
  std::array<double, K> ws{};
  for (std::size_t k = 0; k < K; ++k) {
    xs[k] = x[w.category[k]];
    ws[k] = w.weight[k];
  }
  for (std::size_t p = 0; p < n; ++p) {
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += ws[k] * xs[k][p];
    dst[p] = sum;
  }
}

// dot_fixed<w.count>: the count made a constant by trying each in turn.
template <std::size_t... K>
[[gnu::always_inline]] inline void dot_counted(std::index_sequence<K...>, const SparseWeights& w,
                                               const double (*x)[kTaxLanes], std::size_t n,
                                               double* __restrict dst) {
  ((w.count == K ? (dot_fixed<K>(w, x, n, dst), true) : false) || ...);
}

[[gnu::always_inline]] inline void dot_lanes(const SparseWeights& w, const double (*x)[kTaxLanes],
                                             std::size_t n, double* __restrict dst) {
  assert(w.count <= kTaxCategoryCount);
  dot_counted(std::make_index_sequence<kTaxCategoryCount + 1>{}, w, x, n, dst);
}

// compiled_scale_tax() on lanes: brackets are strictly increasing, so the last bracket whose
// `from` the base exceeds is the last one selected. One pass over the paths for a count K known
// when compiling (scales of up to 8 brackets), one pass per bracket beyond.
template <std::size_t K>
[[gnu::always_inline]] inline void scale_fixed(const CompiledTaxRegime& r, std::uint32_t first,
                                               const double* __restrict base, std::size_t n,
                                               double* __restrict dst) {
  std::array<double, K> from{}, rate{}, below{};
  for (std::size_t k = 0; k < K; ++k) {
    from[k] = r.brackets[first + k].from;
    rate[k] = r.brackets[first + k].rate;
    below[k] = r.below[first + k];
  }
  for (std::size_t p = 0; p < n; ++p) {
    double tax = 0;
    for (std::size_t k = 0; k < K; ++k)
      tax = base[p] > from[k] ? below[k] + rate[k] * (base[p] - from[k]) : tax;
    dst[p] = tax;
  }
}

// scale_fixed<count>, count <= 8: the count made a constant by trying each in turn.
template <std::size_t... K>
[[gnu::always_inline]] inline void scale_counted(std::index_sequence<K...>,
                                                 const CompiledTaxRegime& r, std::uint32_t first,
                                                 std::uint32_t count, const double* __restrict base,
                                                 std::size_t n, double* __restrict dst) {
  ((count == K ? (scale_fixed<K>(r, first, base, n, dst), true) : false) || ...);
}

[[gnu::always_inline]] inline void scale_tax_lanes(const CompiledTaxRegime& r, std::uint32_t first,
                                                   std::uint32_t count,
                                                   const double* __restrict base, std::size_t n,
                                                   double* __restrict dst) {
  scale_counted(std::make_index_sequence<9>{}, r, first, std::min(count, 8u), base, n, dst);
  for (std::uint32_t k = 8; k < count; ++k) {
    const double from = r.brackets[first + k].from, rate = r.brackets[first + k].rate;
    const double below = r.below[first + k];
    for (std::size_t p = 0; p < n; ++p)
      dst[p] = base[p] > from ? below + rate * (base[p] - from) : dst[p];
  }
}

// The body of tax_of_year_lanes(), compiled once per instruction set below: plain loops over
// the paths that the compiler vectorizes. Every operation is an IEEE one with no FMA
// (-ffp-contract=off), so each instruction set gives the same bits.
[[gnu::always_inline]] inline void tax_of_year_lanes_body(
    const CompiledTaxRegime& regime, const std::array<const double*, kTaxCategoryCount>& amount,
    const double* carry_in, std::size_t n, double* tax, double* carry_out) {
  alignas(64) double x[kTaxCategoryCount][kTaxLanes];  // after step 1
  alignas(64) double base[kTaxLanes], on[kTaxLanes], part[kTaxLanes], low[kTaxLanes],
      high[kTaxLanes];
  for (std::size_t c = 0; c < kGainShort; ++c) std::copy(amount[c], amount[c] + n, x[c]);
  for (std::size_t p = 0; p < n; ++p) {  // net_gains()
    double s = amount[kGainShort][p] + carry_in[p];
    double lg = amount[kGainLong][p];
    const bool short_loss = s < 0;
    lg = short_loss ? lg + s : lg;
    s = short_loss ? 0.0 : s;
    const bool long_loss = lg < 0;
    s = long_loss ? s + lg : s;
    lg = long_loss ? 0.0 : lg;
    const bool carried = s < 0;
    x[kGainShort][p] = carried ? 0.0 : s;
    x[kGainLong][p] = carried ? 0.0 : lg;
    carry_out[p] = carried ? s : 0.0;
  }
  double* total = tax;
  for (std::size_t p = 0; p < n; ++p) total[p] = 0;
  const std::size_t n_income = regime.income_taxes.size();
  for (std::size_t slot = 0; slot < regime.breakdown_size(); ++slot) {
    if (slot < n_income) {  // income_tax()
      const CompiledIncomeTax& t = regime.income_taxes[slot];
      dot_lanes(t.weights_nz, x, n, base);
      switch (t.deduction) {  // base_after_deduction()
        case Deduction::Kind::kFixed:
          for (std::size_t p = 0; p < n; ++p) base[p] = std::max(0.0, base[p] - t.fixed);
          break;
        case Deduction::Kind::kRate:
          dot_lanes(t.on_nz, x, n, on);
          for (std::size_t p = 0; p < n; ++p) {  // both arms computed: a select vectorizes
            const double deducted = base[p] - std::clamp(t.rate * on[p], t.min, t.max);
            base[p] = on[p] == 0 ? std::max(0.0, base[p]) : std::max(0.0, deducted);
          }
          break;
        case Deduction::Kind::kNone:
          for (std::size_t p = 0; p < n; ++p) base[p] = std::max(0.0, base[p]);
          break;
      }
      scale_tax_lanes(regime, t.first_bracket, t.bracket_count, base, n, part);
      if (t.long_count > 0) {
        for (std::size_t p = 0; p < n; ++p) on[p] = base[p] + x[kGainLong][p];
        scale_tax_lanes(regime, t.first_long, t.long_count, on, n, high);
        scale_tax_lanes(regime, t.first_long, t.long_count, base, n, low);
        for (std::size_t p = 0; p < n; ++p) part[p] += high[p] - low[p];
      }
      for (std::size_t p = 0; p < n; ++p)
        part[p] = part[p] + t.gains_flat * (x[kGainShort][p] + x[kGainLong][p]);
    } else {  // levy()
      const CompiledLevy& l = regime.levies[slot - n_income];
      dot_lanes(l.on_nz, x, n, part);
      for (std::size_t p = 0; p < n; ++p) part[p] = std::min(part[p], l.up_to);
      if (l.has_above) {
        dot_lanes(l.measure_nz, x, n, on);
        for (std::size_t p = 0; p < n; ++p)
          part[p] = std::min(part[p], std::max(0.0, on[p] - l.above));
      }
      for (std::size_t p = 0; p < n; ++p) part[p] = l.rate * part[p];
    }
    for (std::size_t p = 0; p < n; ++p) total[p] += part[p];
  }
  for (std::size_t p = 0; p < n; ++p) tax[p] = std::max(0.0, total[p]);
}

void tax_lanes_baseline(const CompiledTaxRegime& regime,
                        const std::array<const double*, kTaxCategoryCount>& amount,
                        const double* carry_in, std::size_t n, double* tax, double* carry_out) {
  tax_of_year_lanes_body(regime, amount, carry_in, n, tax, carry_out);
}

#if defined(__x86_64__)
[[gnu::target("avx2")]] void tax_lanes_avx2(
    const CompiledTaxRegime& regime, const std::array<const double*, kTaxCategoryCount>& amount,
    const double* carry_in, std::size_t n, double* tax, double* carry_out) {
  tax_of_year_lanes_body(regime, amount, carry_in, n, tax, carry_out);
}

[[gnu::target("avx512f")]] void tax_lanes_avx512(
    const CompiledTaxRegime& regime, const std::array<const double*, kTaxCategoryCount>& amount,
    const double* carry_in, std::size_t n, double* tax, double* carry_out) {
  tax_of_year_lanes_body(regime, amount, carry_in, n, tax, carry_out);
}
#endif

}  // namespace

// The copy of the active SIMD target (engine::simd_target(), which VESTSIM_SIMD forces): AVX-512
// and AVX2 have their own, SSE4 and the scalar reference take the baseline's two-double vectors.
void tax_of_year_lanes(const CompiledTaxRegime& regime,
                       const std::array<const double*, kTaxCategoryCount>& amount,
                       const double* carry_in, std::size_t n, double* tax, double* carry_out) {
  assert(n <= kTaxLanes);
#if defined(__x86_64__)
  switch (engine::simd_target()) {
    case engine::SimdTarget::kAvx512:
      return tax_lanes_avx512(regime, amount, carry_in, n, tax, carry_out);
    case engine::SimdTarget::kAvx2:
      return tax_lanes_avx2(regime, amount, carry_in, n, tax, carry_out);
    case engine::SimdTarget::kSse4:
    case engine::SimdTarget::kScalar:
      break;
  }
#endif
  tax_lanes_baseline(regime, amount, carry_in, n, tax, carry_out);
}

void tax_bases_of_year(const CompiledTaxRegime& regime, const CategoryAmounts& amount,
                       double carry_in, std::span<double> bases) {
  assert(carry_in <= 0);
  assert(bases.size() == regime.breakdown_size());
  const CategoryAmounts x =
      after_losses(amount, net_gains(amount[kGainShort], amount[kGainLong], carry_in));
  const std::size_t n = regime.income_taxes.size();
  for (std::size_t slot = 0; slot < bases.size(); ++slot) {
    if (slot < n) {
      const CompiledIncomeTax& t = regime.income_taxes[slot];
      bases[slot] = base_after_deduction(t, x, t.weights_nz.dot(x));
    } else {
      bases[slot] = levy_base(regime.levies[slot - n], x);
    }
  }
}

}  // namespace vestsim::models
