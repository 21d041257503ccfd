// The scenario format (docs/scenario-format.md) as reading code, one reader
// per map. This code is the only list of the format's keys: a key is known
// because a reader looks it up, and accepted_keys() walks these readers.
//
// To add a key: add its lookup to the reader of its map (e.g.
// `o.x = n.number("x", 0.0, between(0, 1));` in read_offer) and document it
// in docs/scenario-format.md (tests/docs_test.cpp checks that). Nothing else.
// A map's keys are listed in messages in the order its reader looks them up.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/io/reader.hpp"
#include "models/scenario.hpp"

namespace vestsim::models::io {

// parent[key]: a number (a constant) or a map with `dist`; `def` (a constant)
// when absent, nullopt makes it required. Sampler{} after an error.
Sampler read_distribution(Node& parent, std::string_view key, std::optional<double> def);

// Load-time bounds that keep every output of a run finite
// (docs/scenario-format.md#limits).
inline constexpr double kMaxMultiple = 1e4;        // ipo and acquisition multiples
inline constexpr double kMaxMultiplier = 100;      // bonus multiplier
inline constexpr double kMaxValuation = 1e15;      // valuations, preference amounts
inline constexpr double kMaxPrice = 1e9;           // share prices
inline constexpr double kTailProbability = 1e-12;  // where a distribution's bound is checked

// read_distribution whose values stay within [-bound, bound]: a constant,
// and a distribution's quantiles at kTailProbability and 1 - kTailProbability
// (within min and max when given), else reported.
Sampler read_bounded(Node& parent, std::string_view key, std::optional<double> def, double bound);

// A fraction of the company (dilution): random draws are clamped to [0, 1]
// (docs/model.md#10-conventions), but a constant or a median outside it is a typo such as
// 15 for 15%, and is reported.
Sampler read_fraction(Node& parent, std::string_view key, std::optional<double> def);

// One entry of `companies`; c.id is set by the caller. c.currency stays
// empty when the company has none of its own. False (reported) when the entry
// is not a map or its kind is not private or public: then c.is_public means nothing.
bool read_company(Node& n, Company& c);

// One entry of `offers`; o.id is set by the caller. `s` holds the companies,
// currency and fx read so far; a grant naming one of `kindless` (companies
// whose kind was not read, already reported) is not checked against its kind.
void read_offer(Node& n, Offer& o, const Scenario& s, const std::vector<std::string>& kindless);

// The top-level `correlations` list (docs/model.md#m1-drivers-and-correlation), read after
// the companies and fx: known driver names (did-you-mean), no pair twice, |rho| < 1, and a
// positive definite matrix (else the nearest valid one, printed to paste) into s.correlations.
void read_correlations(Node& root, Scenario& s);

// The driver names a scenario's correlations may use, sorted
// (docs/model.md#m1-drivers-and-correlation).
std::vector<std::string> driver_names(const Scenario& s);

// The whole file; `stem` is the default name.
Scenario read_scenario(Node& root, const std::string& stem);

// A top-level key that only a tax regime file has (docs/tax.md#t1a-the-regime-file):
// income_taxes, levies, long_term_months, qualified, sources, omissions, description, year.
bool regime_only_key(std::string_view key);

// A tax regime file (docs/tax.md#t1a-the-regime-file), every rule checked at
// the line of its key. Walked by accepted_regime_keys().
TaxRegime read_regime(Node& root);

// The offer's `tax` key (docs/tax.md#t1-where-a-regime-comes-from), read after
// its grants: loads the regime it names (a path is relative to the folder of
// the file `offer` belongs to; the regime file's own problems are reported
// with its name and lines) into o.tax, and checks each grant's tax_treatment
// against it. o.tax stays empty when there is no `tax` or it has a problem.
void read_offer_tax(Node& offer, Offer& o, const Scenario& s);

// Reports at `at` when `code` is neither the report currency nor in fx.
void require_currency(const Scenario& s, const std::string& code, const Node& at);

}  // namespace vestsim::models::io
