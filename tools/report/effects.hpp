// What the scenario's correlations and tenders change, and why a certainty equivalent sits at
// its floor, in words every run report (text, markdown, HTML) prints the same way
// (docs/model.md#m7-what-correlation-and-tenders-change, #8-summaries-over-paths).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/summary.hpp"

namespace vestsim::tools {

// Offer `offer`'s certainty equivalent `ce` for reading: money(ce), followed by
// " (floor: some futures lose at least the whole wealth)" when it is the floor −wealth
// (models::certainty_equivalent_floored on the offer's smallest total, after tax when
// `after_tax`). An offer id not in s.offers gets no note.
std::string certainty_text(const models::RunSummary& s, const std::string& offer, double ce,
                           bool after_tax);

// A standard error of a probability in points ("0.35 points"), or why there is none: "undefined
// (one future)" below 2 paths.
std::string points_se(double se, std::uint64_t paths);

// Whether that certainty equivalent is at its floor.
bool certainty_floored(const models::RunSummary& s, const std::string& offer, bool after_tax);

// The lines that say what comparison `c` would be with independent markets and without
// tenders (models/studies/effects.hpp), plain text without indentation; the first line of each
// effect names it, the next ones qualify it. Empty when neither was computed.
std::vector<std::vector<std::string>> market_effect_lines(const models::RunSummary& s,
                                                          const models::ComparisonSummary& c);

// "tenders (anthropic): a sale in 55.3% of futures; mean equity $X with them, $Y without
// (+$Z, SE $W)", or "" when offer `o` holds no grant of a company with tenders.
std::string tender_line(const models::RunSummary& s, const models::OfferSummary& o);

// The JSON keys of the effects: a comparison's "independent_markets", "without_tenders" and
// certainty-equivalent floors, an offer's "tenders" (docs/cli.md#the-json-report).
void add_effect_keys(const models::RunSummary& s, const models::ComparisonSummary& c,
                     nlohmann::ordered_json& j);
void add_effect_keys(const models::OfferSummary& o, nlohmann::ordered_json& j);

}  // namespace vestsim::tools
