// Users never see our internal spec: docs/scenario-format.md must document
// every key the loader accepts.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "models/io/load.hpp"

TEST_CASE("every key the loader accepts is documented in docs/scenario-format.md", "[docs]") {
  std::ifstream in(std::string(VESTSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  REQUIRE(in);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string doc = buf.str();
  for (const std::string& key : vestsim::models::accepted_keys()) {
    INFO(key);
    CHECK(doc.find("`" + key + "`") != std::string::npos);
  }
  CHECK(doc.find("`p1`") != std::string::npos);  // percentile keys of a lognormal
}
