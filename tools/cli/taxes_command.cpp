// `vestsim taxes` (docs/cli.md#taxes): the shipped regimes, or one year's tax on an income.
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "models/io/load.hpp"
#include "models/tax/payslip.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/taxes.hpp"

namespace vestsim::tools {

using namespace vestsim::models;

namespace {

// The regime `ref` names (a file, or a shipped name) and the file it came from. Every
// problem of a file goes to stderr; throws UsageError for an unknown name or a bad file.
std::pair<TaxRegime, std::string> load_regime_or_throw(const std::string& ref) {
  if (!is_regime_path(ref) && !shipped_regime_text(ref))
    throw UsageError(unknown_regime_message(ref));
  const LoadRegimeResult r = is_regime_path(ref) ? load_regime_file(ref) : load_shipped_regime(ref);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
    throw UsageError(fmt::format("{}: {} problem{}", shown_file_name(ref), r.errors.size(),
                                 r.errors.size() == 1 ? "" : "s"));
  }
  return {*r.regime, is_regime_path(ref) ? ref : shipped_regime_file(ref)};
}

}  // namespace

int taxes_command(const TaxesOptions& o) {
  if (o.regime.empty()) {
    if (o.income) throw UsageError("--income needs a regime: vestsim taxes NAME --income X");
    if (o.category_given)
      throw UsageError(
          "--category needs a regime and an income: vestsim taxes NAME --income X --category C");
    std::vector<TaxRegime> regimes;
    for (std::string_view name : shipped_regime_names())
      regimes.push_back(*load_shipped_regime(name).regime);  // the tests load each cleanly
    std::cout << regime_list_report(regimes, o.format);
    return 0;
  }
  const auto [regime, file] = load_regime_or_throw(o.regime);
  if (!o.income)
    throw UsageError(fmt::format(
        "give --income X: the income to tax under {}, in {} (e.g. vestsim taxes {} --income "
        "100000)",
        regime.name, regime.currency.empty() ? "the report currency" : regime.currency, o.regime));
  Payslip p;
  try {
    p = payslip(regime, o.category, *o.income + 0.0);  // -0 is 0 (JSON printed -0.0)
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--category qualified: {}", e.what()));
  }
  std::cout << payslip_report(regime, file, p, o.format);
  return 0;
}

}  // namespace vestsim::tools
