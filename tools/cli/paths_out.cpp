#include "tools/cli/paths_out.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "tools/cli/output.hpp"
#include "tools/cli/support.hpp"
#include "tools/report/common.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

bool is_npy(const std::string& file) {
  std::string ext = fs::path(file).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".npy";
}

namespace {

// One output column: its value on path i. Totals and differences are derived from the stored
// cash and equity (SimResult::total_at, ::diff_at), so nothing is copied whole.
using Column = std::function<double(std::uint64_t)>;

void write_npy(OutputFile& out, std::uint64_t paths, const std::vector<Column>& cols) {
  std::string header = fmt::format(
      "{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}", paths, cols.size());
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  std::string head("\x93NUMPY\x01\x00", 8);
  head += static_cast<char>(len & 0xff);
  head += static_cast<char>(len >> 8);
  out.write(head + header);
  std::string row(cols.size() * sizeof(double), '\0');
  for (std::uint64_t i = 0; i < paths; ++i) {
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const double x = cols[c](i);
      std::memcpy(row.data() + c * sizeof(double), &x, sizeof(double));
    }
    out.write(row);
  }
}

void write_csv(OutputFile& out, std::uint64_t paths, const std::vector<std::string>& names,
               const std::vector<Column>& cols) {
  std::string line = "path";
  for (const auto& n : names) {  // two appends: GCC 12 warns falsely (-Wrestrict) on "," + s
    line += ',';
    line += csv_field(n);
  }
  out.write(line + "\n");
  fmt::memory_buffer buf;
  for (std::uint64_t i = 0; i < paths; ++i) {
    buf.clear();
    fmt::format_to(std::back_inserter(buf), "{}", i);
    for (const Column& c : cols) fmt::format_to(std::back_inserter(buf), ",{:.17g}", c(i));
    buf.push_back('\n');
    out.write(std::string_view(buf.data(), buf.size()));
  }
}

}  // namespace

void write_paths(const Scenario& scenario, const SimResult& result, const std::string& file) {
  std::vector<std::string> names;
  std::vector<Column> cols;
  std::map<std::size_t, std::size_t> comparison_of;  // column -> its comparison, for the names
  for (std::size_t o = 0; o < scenario.offers.size(); ++o) {
    const std::string& id = scenario.offers[o].id;
    names.insert(names.end(), {id + ".cash", id + ".equity", id + ".total"});
    cols.push_back([&result, o](std::uint64_t i) { return result.cash[o][i]; });
    cols.push_back([&result, o](std::uint64_t i) { return result.equity[o][i]; });
    cols.push_back([&result, o](std::uint64_t i) { return result.total_at(o, i); });
  }
  for (std::size_t k = 0; k < scenario.compare.size(); ++k) {
    const auto& c = scenario.compare[k];
    names.push_back("diff." + scenario.offers[c.a].id + "-" + scenario.offers[c.b].id);
    comparison_of[names.size() - 1] = k;
    cols.push_back([&result, k](std::uint64_t i) { return result.diff_at(k, i); });
  }
  // After tax (docs/tax.md#t6-outputs), after the pre-tax columns so that theirs keep their
  // places: the columns the summaries have, with the same arithmetic (models/run_columns.cpp).
  const auto taxed = [&](int o) {
    return scenario.offers[static_cast<std::size_t>(o)].tax.has_value();
  };
  for (int o = 0; o < static_cast<int>(scenario.offers.size()); ++o) {
    if (!taxed(o)) continue;
    const std::string& id = scenario.offers[static_cast<std::size_t>(o)].id;
    names.insert(names.end(), {id + ".tax", id + ".after_tax"});
    cols.push_back(
        [&result, o](std::uint64_t i) { return result.tax[static_cast<std::size_t>(o)][i]; });
    cols.push_back([&result, o](std::uint64_t i) {
      return result.after_tax_at(static_cast<std::size_t>(o), i);
    });
  }
  for (std::size_t k = 0; k < scenario.compare.size(); ++k) {
    const auto& c = scenario.compare[k];
    if (!taxed(c.a) && !taxed(c.b)) continue;
    names.push_back("diff_after_tax." + scenario.offers[c.a].id + "-" + scenario.offers[c.b].id);
    comparison_of[names.size() - 1] = k;
    cols.push_back([&result, a = static_cast<std::size_t>(c.a),
                    b = static_cast<std::size_t>(c.b)](std::uint64_t i) {
      return models::path_difference(result.after_tax_at(a, i), result.after_tax_at(b, i));
    });
  }
  // Offer ids may hold '-': comparisons x vs y-z and x-y vs z would both be "diff.x-y-z", and
  // so would one comparison listed twice. Each such column gets its place in `compare`.
  std::map<std::string, int> uses;
  for (const std::string& n : names) ++uses[n];
  for (const auto& [column, k] : comparison_of)
    if (uses[names[column]] > 1) names[column] += fmt::format("(compare[{}])", k);
  OutputFile out(file);
  if (is_npy(file)) {
    write_npy(out, result.paths, cols);
    std::string list;
    for (const auto& n : names) list += n + "\n";
    write_file(file + ".columns.txt", list, false);
  } else {
    write_csv(out, result.paths, names, cols);
  }
  out.commit();
}

}  // namespace vestsim::tools
