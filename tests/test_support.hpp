// Helpers shared by the model tests.
#pragma once

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"

namespace vestsim::test {

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

}  // namespace vestsim::test
