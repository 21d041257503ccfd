// Writers for the negotiation analytics: sweeps and tornado (sensitivity) bars.
#pragma once

#include <string>
#include <vector>

#include "models/sensitivity.hpp"

namespace vestsim::tools {

struct SweepPoint {
  std::vector<double> values;  // one per varied parameter
  double p_a_beats_b = 0, p50_a = 0, p50_b = 0, p50_diff = 0;
};

struct SweepResult {
  std::string scenario, currency, a, b;
  std::vector<std::string> params;  // the varied key paths
  std::vector<std::vector<double>> grids;
  std::vector<SweepPoint> points;  // row-major over grids (last parameter fastest)
  std::uint64_t paths = 0, seed = 0;
};

std::string sweep_report(const SweepResult& r, const std::string& format);
std::string tornado_report(const models::TornadoResult& t, const std::string& scenario,
                           std::uint64_t paths, std::uint64_t seed, const std::string& format);

}  // namespace vestsim::tools
