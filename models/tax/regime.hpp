// A tax regime as plain data: exactly the keys of a regime file
// (docs/tax.md#t1a-the-regime-file). Nothing here evaluates a tax; compile a
// regime with compile_regime() (models/tax/tax_year.hpp) to get the flat
// tables the per-path loop reads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vestsim::models {

// The six categories of a tax year's income (docs/tax.md#t2-the-income-of-one-tax-year),
// then two pseudo-sets that lists (`on`, `measure`) may name:
//   kEmployment = {kWages, kEquityIncome}
//   kGains      = {kGainShort, kGainLong}, i.e. S + Lg after losses
//   (docs/tax.md#t4-the-tax-of-one-year).
// Only the first kTaxCategoryCount values index amounts and weights.
enum class TaxCategory : std::uint8_t {
  kWages = 0,
  kEquityIncome = 1,
  kQualified = 2,
  kQualifiedExcess = 3,
  kGainShort = 4,
  kGainLong = 5,
  kEmployment = 6,
  kGains = 7,
};
inline constexpr std::size_t kTaxCategoryCount = 6;

// One amount per real category, indexed by static_cast<std::size_t>(TaxCategory).
using CategoryAmounts = std::array<double, kTaxCategoryCount>;

// The key spelling of each TaxCategory, in enum order (file keys, report labels).
inline constexpr std::array<std::string_view, 8> kTaxCategoryNames = {
    "wages",      "equity_income", "qualified",  "qualified_excess",
    "gain_short", "gain_long",     "employment", "gains"};

// Requires: nothing. Returns the key of `c` (e.g. "equity_income").
std::string_view tax_category_name(TaxCategory c);

// Requires: nothing. Returns the category spelled `key`, pseudo-sets included;
// nullopt for an unknown key (the loader reports it). `real_only` rejects the pseudo-sets
// (a `weights` map takes only real categories).
std::optional<TaxCategory> parse_tax_category(std::string_view key, bool real_only = false);

// Requires: nothing. Bit i set iff real category i belongs to `c` (a pseudo-set expands).
std::uint8_t category_mask(TaxCategory c);

// `[from, rate]`: `rate` applies to the part of a base between `from` and the next bracket's
// `from` (docs/tax.md#t4-the-tax-of-one-year, step 2).
struct Bracket {
  double from = 0;
  double rate = 0;
};

// `deduction: {fixed: D}` or `deduction: {rate: r, min: a, max: b, on: [...]}`.
struct Deduction {
  enum class Kind : std::uint8_t { kNone, kFixed, kRate };
  Kind kind = Kind::kNone;
  double fixed = 0;                                      // kFixed
  double rate = 0;                                       // kRate: r
  double min = 0;                                        // kRate: a
  double max = std::numeric_limits<double>::infinity();  // kRate: b (unbounded by default)
  std::vector<TaxCategory> on;                           // kRate: Σ_on x is the rate's base
};

struct IncomeTax {
  std::string name;
  std::string source;                            // free text, may be empty
  CategoryAmounts weights = {1, 1, 1, 1, 1, 1};  // default 1 per category
  Deduction deduction;
  std::vector<Bracket> brackets;     // required, from strictly increasing, first from 0
  std::vector<Bracket> long_gains;   // empty: none; else Lg is stacked on top of the base
  std::optional<double> gains_flat;  // adds r (S + Lg); excludes long_gains
};

struct Levy {
  std::string name;
  std::string source;
  double rate = 0;
  std::vector<TaxCategory> on;       // required, non-empty
  std::optional<double> up_to;       // caps the base
  std::optional<double> above;       // taxes only min(b, max(0, Σ_measure − above))
  std::vector<TaxCategory> measure;  // only with `above`; empty means `on`
};

struct TaxRegime {
  std::string name;
  std::string description;
  int year = 0;
  std::string currency;  // required when income_taxes or levies is non-empty
  int long_term_months = 12;
  std::optional<double> qualified_cap;  // without it a `qualified` grant is an error
  std::vector<IncomeTax> income_taxes;
  std::vector<Levy> levies;
  std::vector<std::string> sources;
  std::vector<std::string> omissions;
};

// Checks the rules of docs/tax.md#t1a-the-regime-file that do not depend on the YAML
// itself: name present; currency present when there is any tax; long_term_months ≥ 1;
// rates (bracket, levy, deduction, gains_flat) in [0, 1]; amounts and weights ≥ 0 and
// finite (an unbounded max or missing up_to aside); brackets non-empty, starting at 0,
// strictly increasing; long_gains and gains_flat not both; gains_flat only with both gain
// weights 0; a rate deduction with a non-empty `on` and min ≤ max; a levy with a non-empty
// `on`; `measure` only with `above`; qualified cap > 0.
// Requires: nothing. Throws: nothing (beyond std::bad_alloc). Returns one message per
// violation ("income_taxes[0].brackets: ..."); empty means valid.
std::vector<std::string> regime_errors(const TaxRegime& regime);

// How reports name a regime (docs/tax.md#t1a-the-regime-file): "name (year)", or the name alone
// when the file gives no year (year 0).
std::string regime_label(const TaxRegime& regime);

}  // namespace vestsim::models
