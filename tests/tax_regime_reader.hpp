// A test-only reader of the shipped regime files (taxes/*.yaml) into TaxRegime, so the
// golden tests check the figures the files ship. It fails the test on any key outside
// docs/tax.md#t1a-the-regime-file. The product's loader (with file:line messages) is a
// separate, later piece; this reader only has to be right for well-formed files.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include "models/tax/regime.hpp"

namespace vestsim::test {

inline void only_keys(const YAML::Node& map, std::initializer_list<std::string> keys) {
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    INFO("unknown regime key: " << key);
    CHECK(std::find(keys.begin(), keys.end(), key) != keys.end());
  }
}

inline models::TaxCategory tax_category(const std::string& key, bool real_only = false) {
  const auto c = models::parse_tax_category(key, real_only);
  INFO("category: " << key);
  REQUIRE(c.has_value());
  return *c;
}

inline std::vector<models::TaxCategory> tax_categories(const YAML::Node& list) {
  std::vector<models::TaxCategory> out;
  for (const auto& n : list) out.push_back(tax_category(n.as<std::string>()));
  return out;
}

inline std::vector<models::Bracket> brackets(const YAML::Node& list) {
  std::vector<models::Bracket> out;
  for (const auto& pair : list) out.push_back({pair[0].as<double>(), pair[1].as<double>()});
  return out;
}

inline models::Deduction deduction(const YAML::Node& n) {
  only_keys(n, {"fixed", "rate", "min", "max", "on"});
  models::Deduction d;
  if (n["fixed"]) {
    d.kind = models::Deduction::Kind::kFixed;
    d.fixed = n["fixed"].as<double>();
    return d;
  }
  d.kind = models::Deduction::Kind::kRate;
  d.rate = n["rate"].as<double>();
  if (n["min"]) d.min = n["min"].as<double>();
  if (n["max"]) d.max = n["max"].as<double>();
  d.on = tax_categories(n["on"]);
  return d;
}

inline models::IncomeTax income_tax(const YAML::Node& n) {
  only_keys(n, {"name", "source", "weights", "deduction", "brackets", "long_gains", "gains_flat"});
  models::IncomeTax t;
  t.name = n["name"].as<std::string>();
  if (n["source"]) t.source = n["source"].as<std::string>();
  for (const auto& kv : n["weights"]) {
    const auto c = tax_category(kv.first.as<std::string>(), true);
    t.weights[static_cast<std::size_t>(c)] = kv.second.as<double>();
  }
  if (n["deduction"]) t.deduction = deduction(n["deduction"]);
  t.brackets = brackets(n["brackets"]);
  if (n["long_gains"]) t.long_gains = brackets(n["long_gains"]);
  if (n["gains_flat"]) t.gains_flat = n["gains_flat"].as<double>();
  return t;
}

inline models::Levy levy(const YAML::Node& n) {
  only_keys(n, {"name", "source", "rate", "on", "up_to", "above", "measure"});
  models::Levy l;
  l.name = n["name"].as<std::string>();
  if (n["source"]) l.source = n["source"].as<std::string>();
  l.rate = n["rate"].as<double>();
  l.on = tax_categories(n["on"]);
  if (n["up_to"]) l.up_to = n["up_to"].as<double>();
  if (n["above"]) l.above = n["above"].as<double>();
  if (n["measure"]) l.measure = tax_categories(n["measure"]);
  return l;
}

// Reads taxes/<name>.yaml of the source tree.
inline models::TaxRegime shipped_regime(const std::string& name) {
  const YAML::Node root =
      YAML::LoadFile(std::string(VESTSIM_SOURCE_DIR) + "/taxes/" + name + ".yaml");
  only_keys(root, {"name", "description", "year", "currency", "long_term_months", "qualified",
                   "income_taxes", "levies", "sources", "omissions"});
  models::TaxRegime r;
  r.name = root["name"].as<std::string>();
  if (root["description"]) r.description = root["description"].as<std::string>();
  if (root["year"]) r.year = root["year"].as<int>();
  if (root["currency"]) r.currency = root["currency"].as<std::string>();
  if (root["long_term_months"]) r.long_term_months = root["long_term_months"].as<int>();
  if (root["qualified"]) {
    only_keys(root["qualified"], {"cap"});
    r.qualified_cap = root["qualified"]["cap"].as<double>();
  }
  for (const auto& t : root["income_taxes"]) r.income_taxes.push_back(income_tax(t));
  for (const auto& l : root["levies"]) r.levies.push_back(levy(l));
  for (const auto& s : root["sources"]) r.sources.push_back(s.as<std::string>());
  for (const auto& s : root["omissions"]) r.omissions.push_back(s.as<std::string>());
  return r;
}

}  // namespace vestsim::test
