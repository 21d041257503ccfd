// The random inputs of a scenario, in one table (models/inputs.cpp): for each,
// the column it is recorded in (SimOptions::record_inputs), its name in the
// tornado, whether a scenario makes it random, and how sensitivity analysis
// holds it at one of its quantiles.
//
// Recorded columns: slot 0 the departure time in years; per company c,
// kCompanyInputSlots slots from 1 + kCompanyInputSlots c (public: the log
// return of the share price to its last needed month; private: exit years T,
// IPO multiple, IPO dilution, acquisition multiple, the share of the company
// lost to dilution rounds (1 - D), growth shock Z, post-IPO 12-month shock);
// then per offer the mean bonus multiplier. Every value is drawn whatever the
// outcome, from the same streams, so recording never changes a result.
#pragma once

#include <string>
#include <vector>

#include "models/compiled.hpp"
#include "models/scenario.hpp"

namespace vestsim::models {

// A company's recorded inputs, by offset from its first slot.
enum class InputField {
  kStock = 0,  // public companies: their one column
  kExitTime = 0,
  kIpoMultiple,
  kIpoDilution,
  kAcquisitionMultiple,
  kRounds,
  kGrowth,
  kPostIpo,
};
inline constexpr int kCompanyInputSlots = static_cast<int>(InputField::kPostIpo) + 1;

inline int input_slot_departure() {
  return 0;
}
// Requires company >= 0.
inline int input_slot(int company, InputField f) {
  return 1 + kCompanyInputSlots * company + static_cast<int>(f);
}
// Requires companies >= 0, offer >= 0.
inline int input_slot_bonus(int companies, int offer) {
  return 1 + kCompanyInputSlots * companies + offer;
}
inline int input_slots(int companies, int offers) {
  return 1 + kCompanyInputSlots * companies + offers;
}

// What an input is: a random input of the table, or a parameter of the markets
// (docs/model.md#m1-drivers-and-correlation, #m4-tender-offers) swung to a low and a high value.
enum class InputKind {
  kRandom,
  kTenderPrice,
  kCorrelation,
  kTenderProbability,
  kTenderSellFraction
};

// One input of one scenario: a row of the table applied to a company or offer, or a parameter.
struct UncertainInput {
  int row = 0;    // row of the input table (models/inputs.cpp); kRandom only
  int index = 0;  // company or offer (0 for the departure time); a correlation: its pair
  int slot = 0;   // recorded column; -1 when none is recorded (a parameter, a tender price)
  std::string name;
  InputKind kind = InputKind::kRandom;
};

// The inputs of `s` that are random and can move an offer's outcome, in table
// order: the departure time, then per company, then each offer's bonus; then each private
// company's random tender price, each correlation, each company's tender probability and
// sell fraction.
std::vector<UncertainInput> uncertain_inputs(const Scenario& s);

// Holds `in` at its quantile q in `c` (c compiled from the scenario `in` came
// from); returns the value it is held at in the input's own units (years,
// multiple, fraction, or the Z of a price path). A parameter is not random: q < 0.5 holds it
// at its low value, else its high one: a correlation at rho -/+ 0.3 (within [-0.95, 0.95], and
// nearer rho while the matrix would not be valid), a tender probability at 0 and 1, a sell
// fraction at half and 1.5 times its value (at most 1). Requires 0 < q < 1; throws nothing.
double pin_input(CompiledScenario& c, const UncertainInput& in, double q);

}  // namespace vestsim::models
