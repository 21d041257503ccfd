// `vestsim taxes`: docs/cli.md#taxes.
#include "tools/report/taxes.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tools/report/common.hpp"

namespace vestsim::tools {

using models::Payslip;
using models::PayslipLine;
using models::TaxRegime;

namespace {

// 14703.99 -> "14,703.99": a payslip is read to the cent.
std::string cents(double v) {
  const long long c = std::llround(std::fabs(v) * 100);
  return fmt::format("{}{}.{:02d}", v < 0 && c != 0 ? "-" : "", grouped(c / 100), c % 100);
}

// A rate as a regime file writes it: 0.03078 -> "3.078%", 0.22 -> "22%".
std::string rate_text(double r) {
  return fmt::format("{:.4g}%", r * 100);
}

std::string category_name(models::TaxCategory c) {
  return std::string(models::tax_category_name(c));
}

// A regime's year in JSON: null when the file gives none (docs/tax.md#t1a-the-regime-file).
nlohmann::ordered_json year_json(const TaxRegime& regime) {
  return regime.year == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(regime.year);
}

// The one line every tax report carries (docs/tax.md#t6-outputs).
std::string disclaimer(const TaxRegime& regime, const std::string& file) {
  return fmt::format("A model of tax, not tax advice: regime {}, from {}.", regime_label(regime),
                     file);
}

std::string payslip_json(const TaxRegime& regime, const std::string& file, const Payslip& p) {
  nlohmann::ordered_json amounts = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < models::kTaxCategoryCount; ++k)
    amounts[std::string(models::kTaxCategoryNames[k])] = p.amounts[k];
  nlohmann::ordered_json taxes = nlohmann::ordered_json::array();
  nlohmann::ordered_json levies = nlohmann::ordered_json::array();
  for (const PayslipLine& l : p.lines) {
    nlohmann::ordered_json line{{"name", l.name}, {"base", l.base}};
    // A base of 0 falls in no bracket: null, as the text's "-".
    line[l.levy ? "rate" : "bracket_rate"] =
        !l.levy && l.base == 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(l.rate);
    line["tax"] = l.tax;
    if (!l.levy) line["of_which_gains"] = l.gains;
    (l.levy ? levies : taxes).push_back(std::move(line));
  }
  return json_report({{"regime", regime.name},
                      {"file", file},
                      {"year", year_json(regime)},
                      {"currency", regime.currency},
                      {"description", regime.description},
                      {"category", category_name(p.category)},
                      {"income", p.income},
                      {"amounts", amounts},
                      {"income_taxes", taxes},
                      {"levies", levies},
                      {"total", p.total},
                      {"net", p.net},
                      {"effective_rate", p.effective_rate},
                      {"marginal_rate", p.marginal_rate},
                      {"disclaimer", disclaimer(regime, file)}});
}

}  // namespace

std::string regime_list_report(const std::vector<TaxRegime>& regimes, Format format) {
  if (format == Format::kJson) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const TaxRegime& r : regimes)
      list.push_back({{"name", r.name},
                      {"year", year_json(r)},
                      {"currency", r.currency},
                      {"description", r.description}});
    return json_report({{"regimes", list}});
  }
  std::size_t width = 4;
  for (const TaxRegime& r : regimes) width = std::max(width, r.name.size());
  std::string out = fmt::format("{:<{}}  year  currency  description\n", "name", width);
  for (const TaxRegime& r : regimes)
    out += fmt::format("{:<{}}  {:<4}  {:<8}  {}\n", r.name, width, r.year,
                       r.currency.empty() ? "-" : r.currency, r.description);
  out +=
      "\nAn offer uses one with `tax: {regime: NAME}` (or a path to your own file); "
      "`vestsim taxes NAME --income X` shows the tax on a salary of X, line by line.\n";
  return out;
}

std::string payslip_report(const TaxRegime& regime, const std::string& file, const Payslip& p,
                           Format format) {
  if (format == Format::kJson) return payslip_json(regime, file, p);
  const std::string cur = regime.currency.empty() ? "report currency" : regime.currency;
  const std::string year = regime.year == 0 ? "" : fmt::format("{}, ", regime.year);
  std::string out = fmt::format("{} ({}{}){}{}\n", regime.name, year, cur,
                                regime.description.empty() ? "" : ": ", regime.description);
  out += fmt::format("Tax on {} {} of {} in one tax year, the only income, no loss carried in",
                     cents(p.income), cur, category_name(p.category));
  if (p.category == models::TaxCategory::kQualified)
    out += fmt::format(
        " ({} qualified, {} above the cap)",
        cents(p.amounts[static_cast<std::size_t>(models::TaxCategory::kQualified)]),
        cents(p.amounts[static_cast<std::size_t>(models::TaxCategory::kQualifiedExcess)]));
  out += ".\n\n";
  std::size_t width = 20;
  for (const PayslipLine& l : p.lines) width = std::max(width, l.name.size() + 2);
  const auto row = [&](const std::string& name, const std::string& base, const std::string& rate,
                       const std::string& tax) {
    return fmt::format("{:<{}} {:>16} {:>8} {:>14}\n", name, width, base, rate, tax);
  };
  bool levies = false;
  if (!p.lines.empty() && !p.lines.front().levy)
    out += row("income taxes", "taxable base", "bracket", "tax");
  for (const PayslipLine& l : p.lines) {
    if (l.levy && !levies) {
      levies = true;
      out += row("levies", "base", "rate", "tax");
    }
    const bool no_bracket = !l.levy && l.base == 0;  // b = 0 falls in no bracket
    out += row("  " + l.name, cents(l.base), no_bracket ? "-" : rate_text(l.rate), cents(l.tax));
    if (std::fabs(l.gains) >= 0.005)
      out += row("    of which on gains, on top of the base", "", "", cents(l.gains));
  }
  if (p.lines.empty()) out += "This regime has no income tax and no levy.\n";
  out += '\n';  // not "\n" + row(...): GCC 12 warns (-Wrestrict, a false positive)
  out += row("total tax", "", "", cents(p.total));
  out += row("net", "", "", cents(p.net));
  out += fmt::format(
      "effective rate {:.2f}% (total / income); marginal rate {:.2f}% (the tax on "
      "one more unit)\n",
      p.effective_rate * 100, p.marginal_rate * 100);
  out += '\n';
  out += disclaimer(regime, file) + "\n";
  return out;
}

}  // namespace vestsim::tools
