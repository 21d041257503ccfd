#include "tools/cli/paths_out.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "tools/cli/support.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

void write_paths(const Scenario& scenario, const SimResult& result, const std::string& file) {
  std::vector<std::string> names;
  std::vector<const std::vector<double>*> cols;
  for (std::size_t o = 0; o < scenario.offers.size(); ++o) {
    const std::string& id = scenario.offers[o].id;
    names.insert(names.end(), {id + ".cash", id + ".equity", id + ".total"});
    cols.insert(cols.end(), {&result.cash[o], &result.equity[o], &result.total[o]});
  }
  for (std::size_t k = 0; k < scenario.compare.size(); ++k) {
    const auto& c = scenario.compare[k];
    names.push_back("diff." + scenario.offers[c.a].id + "-" + scenario.offers[c.b].id);
    cols.push_back(&result.diff[k]);
  }
  std::ofstream out(file, std::ios::binary);
  if (!out) throw RunError("cannot write " + file);
  if (fs::path(file).extension() == ".npy") {
    std::string header =
        fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}", result.paths,
                    cols.size());
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    out.write("\x93NUMPY\x01\x00", 8);
    const std::uint16_t len = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out << header;
    for (std::uint64_t i = 0; i < result.paths; ++i)
      for (const auto* c : cols) out.write(reinterpret_cast<const char*>(&(*c)[i]), sizeof(double));
    write_file(file + ".columns.txt", [&] {
      std::string s;
      for (const auto& n : names) s += n + "\n";
      return s;
    }());
  } else {
    out << "path";
    for (const auto& n : names) out << "," << n;
    out << "\n";
    for (std::uint64_t i = 0; i < result.paths; ++i) {
      out << i;
      for (const auto* c : cols) out << fmt::format(",{:.17g}", (*c)[i]);
      out << "\n";
    }
  }
  if (!out) throw RunError("cannot write " + file);
}

}  // namespace vestsim::tools
