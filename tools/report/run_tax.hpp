// The after-tax parts of the HTML run report (docs/tax.md#t6-outputs): the effective tax
// rate of each offer and the bar of tax by category on the median future.
#pragma once

#include <cstddef>
#include <string>

#include "models/summary.hpp"
#include "tools/report/run.hpp"

namespace vestsim::tools {

// "<p>Effective tax rate (tax ÷ total, present values): P10 a · P50 b · P90 c.</p>" for
// offer k, over the futures whose total is > 0 (saying their share when it is not all of
// them); "No tax regime" for an offer without one; "" when `c` has no tax rates.
std::string tax_rate_line(const models::OfferSummary& o, const ChartData& c, std::size_t k);

// A section with one horizontal bar per offer with a regime: the tax charged on its median
// future, split by category (c.median_tax); "" when there is none.
std::string tax_category_chart(const models::RunSummary& s, const ChartData& c);

}  // namespace vestsim::tools
