// The basis a study solves on (docs/tax.md#t6-outputs): each offer's total before tax, or
// after it (total − tax, path by path). `breakeven`, `sweep` and `sensitivity` take
// `--basis`; the default is after tax when any offer of the scenario has a regime.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/simulate.hpp"

namespace vestsim::models {

enum class Basis { kPreTax, kAfterTax };

// "pre-tax" or "after-tax", as the command line and the JSON reports spell it.
const char* basis_name(Basis b);

// True when any offer of `s` has a tax regime (`offers.<id>.tax`).
bool any_regime(const Scenario& s);

// The regimes of `s`'s offers as RunSummary::regimes spells them, "fr-2026 (2026)",
// distinct, in offer order: what the one-line disclaimer of every after-tax report names.
std::vector<std::string> regime_labels(const Scenario& s);

// The basis a study of `s` runs on: `asked` (--basis) when given, else after tax; but pre-tax
// whenever no offer has a regime, as after tax is then the same figures and every report says
// "before tax" (docs/tax.md#t6-outputs).
Basis default_basis(const Scenario& s, std::optional<Basis> asked = std::nullopt);

// Offer `offer`'s column on `basis`: its total, r.total_at(offer, i) (pre-tax, or after tax when
// the run has no tax columns, as then after-tax = pre-tax bitwise), else total − tax path by
// path. Requires: a valid offer index. Allocates the returned column.
std::vector<double> basis_total(const SimResult& r, int offer, Basis basis);

// The difference a − b of the totals on `basis`, path by path, by path_difference (ties +0):
// of total_a and total_b (the bits of SimResult::diff_at for a comparison (a, b)) when pre-tax or
// without tax columns, else of (total_a − tax_a) and (total_b − tax_b). Requires: valid indices.
// Allocates the returned column.
std::vector<double> basis_diff(const SimResult& r, int a, int b, Basis basis);

}  // namespace vestsim::models
