// libFuzzer target: any bytes through the scenario loader, and any scenario it
// accepts through compile() and a few simulated paths; the same bytes through
// the tax regime loader, and any regime it accepts through compile_regime()
// and the tax of a few years. Neither loader may crash; what they accept must
// never make the kernel or the tax code read out of bounds or throw (the fuzz
// build runs under AddressSanitizer and UBSan).
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
#include "models/tax/tax_year.hpp"

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

// A regime the loader accepts compiles, and taxes a few years without throwing.
void fuzz_regime(std::string_view text, const std::vector<vestsim::models::Override>& overrides) {
  using namespace vestsim::models;
  const LoadRegimeResult r = load_regime_text(text, "fuzz-regime.yaml", overrides);
  if (!r.ok()) return;
  const CompiledTaxRegime c = compile_regime(*r.regime);
  double carry = 0;
  for (const CategoryAmounts& year :
       {CategoryAmounts{1e5, 0, 0, 0, 0, 0}, CategoryAmounts{2e5, 5e5, 1e5, 3e5, -4e5, 2e5},
        CategoryAmounts{0, 0, 0, 0, 1e6, 1e7}})
    carry = tax_of_year(c, year, carry).carry_out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = input.find(kSeparator);
  const std::string_view text = input.substr(0, split);
  const std::vector<vestsim::models::Override> overrides =
      split == std::string_view::npos ? std::vector<vestsim::models::Override>{}
                                      : overrides_of(input.substr(split + 1));
  fuzz_regime(text, overrides);
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
