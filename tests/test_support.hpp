// Helpers shared by the model tests.
#pragma once

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"
#include "models/simulate.hpp"

namespace vestsim::test {

// A fresh folder under the system's temporary folder, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag)
      : path(std::filesystem::temp_directory_path() /
             ("vestsim-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

// Loads a scenario that must be valid; on failure the test stops with every message.
inline models::Scenario load_ok(const std::string& text,
                                const std::vector<models::Override>& overrides = {}) {
  const models::LoadResult r = models::load_scenario_text(text, "test.yaml", overrides);
  std::string messages;
  for (const auto& d : r.errors) messages += d.to_string() + "\n";
  INFO(messages);
  REQUIRE(r.ok());
  return *r.scenario;
}

// Whether two lists of result columns (SimResult::cash, ::outcome, ...) have the same sizes and
// the same bits, column by column.
template <class Columns>
bool same_columns(const Columns& a, const Columns& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k].size() != b[k].size()) return false;
    if (!a[k].empty() && std::memcmp(a[k].data(), b[k].data(), a[k].size() * sizeof(a[k][0])) != 0)
      return false;
  }
  return true;
}

// Every offer's derived total column (SimResult::total_column), or every comparison's
// difference column (::diff_column), in order.
inline std::vector<std::vector<double>> total_columns(const models::SimResult& r) {
  std::vector<std::vector<double>> out;
  for (std::size_t o = 0; o < r.cash.size(); ++o) out.push_back(r.total_column(o));
  return out;
}
inline std::vector<std::vector<double>> diff_columns(const models::SimResult& r) {
  std::vector<std::vector<double>> out;
  for (std::size_t k = 0; k < r.compare.size(); ++k) out.push_back(r.diff_column(k));
  return out;
}

// CHECKs that two results hold the same bits in every column (cash, equity, the derived totals,
// salary and bonus, the derived comparisons, tax, outcomes, timeline, recorded inputs), naming
// the column that differs.
inline void check_same_results(const models::SimResult& r, const models::SimResult& ref) {
  CHECK(same_columns(r.cash, ref.cash));
  CHECK(same_columns(r.equity, ref.equity));
  CHECK(same_columns(total_columns(r), total_columns(ref)));
  CHECK(same_columns(r.salary_bonus, ref.salary_bonus));
  CHECK(same_columns(diff_columns(r), diff_columns(ref)));
  CHECK(same_columns(r.tax, ref.tax));
  CHECK(same_columns(r.outcome, ref.outcome));
  CHECK(same_columns(r.timeline, ref.timeline));
  CHECK(same_columns(r.inputs, ref.inputs));
}

// `text` with its first `find` replaced by `replace`; the test stops if `find` is absent.
inline std::string edited(std::string text, const std::string& find, const std::string& replace) {
  const auto at = text.find(find);
  REQUIRE(at != std::string::npos);
  text.replace(at, find.size(), replace);
  return text;
}

// A: base 50,000 + a grant of 100,000 at a certain 2x IPO after 1 year (lockup 0), under
// `regime_a` when given (a shipped name or a file path); B: base 250,000; no discounting.
// Pre-tax A = 200,000 + 2 x 100,000 over 4 years, B = 1,000,000, on every path.
inline std::string certain_ipo_scenario(const std::string& regime_a = "") {
  return R"(currency: EUR
simulation: {paths: 2000}
companies:
  priv:
    kind: private
    valuation: 1.0e9
    exit: {time_years: 1, outcomes: {ipo: 1}, ipo: {multiple: 2, lockup_months: 0}}
offers:
  a:
    base: 50000
)" + (regime_a.empty() ? std::string() : "    tax: {regime: " + regime_a + "}\n") +
         R"(    grants:
      - {company: priv, type: private_rsu, value: 100000, vesting: {years: 4}}
  b:
    base: 250000
)";
}

// A small valid scenario, 30 lines, that loader tests edit one line at a time (their expected
// line numbers refer to it): a private company hf (IPO at year 3, multiple 4), a public goog with
// no volatility, offer `first` with an hf grant and offer b with a goog grant.
inline std::string small_scenario(const std::string& first = "a") {
  return R"(currency: EUR
companies:
  hf:
    kind: private
    valuation: 4.5e9
    exit:
      time_years: 3
      outcomes: {ipo: 1}
      ipo: {multiple: 4}
  goog:
    kind: public
    price: 100
    drift: 0
    volatility: 0
offers:
  )" + first +
         R"(:
    base: 100000
    grants:
      - company: hf
        type: private_rsu
        value: 300000
        vesting: {years: 4, cliff_months: 12, every_months: 1}
  b:
    base: 120000
    grants:
      - company: goog
        type: public_rsu
        value: 400000
        vesting: {years: 4}
)";
}

// Every diagnostic of a load, one a line.
inline std::string all_messages(const models::LoadResult& r) {
  std::string s;
  for (const auto& d : r.errors) s += d.to_string() + "\n";
  return s;
}

}  // namespace vestsim::test
