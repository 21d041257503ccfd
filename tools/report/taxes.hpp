// The `vestsim taxes` reports (docs/cli.md#taxes): the shipped regimes, and one year's tax
// on a single income, line by line.
#pragma once

#include <string>
#include <vector>

#include "models/tax/payslip.hpp"
#include "models/tax/regime.hpp"
#include "tools/report/format.hpp"

namespace vestsim::tools {

// `regimes` in the order given: name, year, currency, description. JSON for json, the text
// table for any other format. Requires: nothing.
std::string regime_list_report(const std::vector<models::TaxRegime>& regimes, Format format);

// The tax of `p` under `regime`, read from `file` (named in the disclaimer line): each income
// tax's base and tax, each levy's base, rate and tax, total, net, effective and marginal
// rates. JSON for json, text for any other format. Requires: `p` computed from `regime`.
std::string payslip_report(const models::TaxRegime& regime, const std::string& file,
                           const models::Payslip& p, Format format);

}  // namespace vestsim::tools
