// libFuzzer target: any bytes through the scenario loader, and any scenario it
// accepts through compile() and a few simulated paths. The loader must never
// crash; a scenario it accepts must never make the kernel read out of bounds
// (the fuzz build runs under AddressSanitizer and UBSan).
//
// The input is YAML text, then optionally --set overrides: everything after
// the first NUL byte is split at further NULs into PATH=VALUE texts (a NUL
// never belongs in a scenario), so override paths are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"

namespace {

constexpr char kSeparator = '\0';

// Splits `rest` at kSeparator into overrides; malformed ones are skipped,
// as the command line would refuse them before loading.
std::vector<vestsim::models::Override> overrides_of(std::string_view rest) {
  std::vector<vestsim::models::Override> out;
  while (!rest.empty()) {
    const std::size_t end = rest.find(kSeparator);
    vestsim::models::Override o;
    if (vestsim::models::parse_override(rest.substr(0, end), o).empty()) out.push_back(o);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find(kSeparator);
  const std::string_view text = input.substr(0, split);
  const std::vector<vestsim::models::Override> overrides =
      split == std::string_view::npos ? std::vector<vestsim::models::Override>{}
                                      : overrides_of(input.substr(split + 1));
  const vestsim::models::LoadResult r =
      vestsim::models::load_scenario_text(text, "fuzz.yaml", overrides);
  if (!r.ok()) return 0;
  const vestsim::models::CompiledScenario c = vestsim::models::compile(*r.scenario, 1);
  vestsim::models::SimOptions o;
  o.paths = 8;
  o.threads = 1;
  o.timeline = true;
  o.record_inputs = true;
  (void)vestsim::models::simulate(c, o);
  return 0;
}
