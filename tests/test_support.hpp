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

// `text` with its first `find` replaced by `replace`; the test stops if `find` is absent.
inline std::string edited(std::string text, const std::string& find, const std::string& replace) {
  const auto at = text.find(find);
  REQUIRE(at != std::string::npos);
  text.replace(at, find.size(), replace);
  return text;
}

// Every diagnostic of a load, one a line.
inline std::string all_messages(const models::LoadResult& r) {
  std::string s;
  for (const auto& d : r.errors) s += d.to_string() + "\n";
  return s;
}

}  // namespace vestsim::test
