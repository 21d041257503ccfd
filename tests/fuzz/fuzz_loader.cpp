// libFuzzer target: any bytes through the scenario loader, and any scenario it
// accepts through compile() and a few simulated paths. The loader must never
// crash; a scenario it accepts must never make the kernel read out of bounds
// (the fuzz build runs under AddressSanitizer and UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const vestsim::models::LoadResult r = vestsim::models::load_scenario_text(text, "fuzz.yaml");
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
