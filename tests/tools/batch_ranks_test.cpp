// A batch folder on an MPI job (docs/design.md#18-mpi-runs): file k on rank
// k mod N; what each file gave travels to rank 0 whole, errors included. In a
// one-process test every file is this rank's.
#include <cmath>
#include <iostream>
#include <string>

#include <catch2/catch.hpp>

#include "tools/cli/batch_ranks.hpp"
#include "tools/cli/support.hpp"

using namespace vestsim::tools;

TEST_CASE("file k belongs to rank k mod N", "[batch]") {
  CHECK(file_owner(0, 3) == 0);
  CHECK(file_owner(4, 3) == 1);
  CHECK(file_owner(5, 3) == 2);
  CHECK(file_owner(7, 1) == 0);
}

TEST_CASE("each file's outcome comes back in place, its errors and messages kept", "[batch]") {
  const auto ran = run_files_on_ranks(
      {"a.yaml", "b.yaml", "c.yaml", "d.yaml"}, [](std::size_t k) { return k != 1; },
      [](std::size_t k) {
        std::cerr << "file " << k << " says hello\n";
        if (k == 2) throw RunError("out of memory");
        if (k == 3) throw UsageError("bad file");
        FileOutcome o;
        o.reports = {"report A", ""};
        o.rows = {{"s", "EUR", "a", "b", 0.25, 1.5, -2, std::nan(""), false, 0, 0, 0, 0, {}}};
        return o;
      });
  REQUIRE(ran.size() == 4);
  REQUIRE(ran[0]);
  CHECK_FALSE(ran[1]);
  CHECK(ran[0]->status == FileOutcome::Status::kRan);
  CHECK(ran[0]->said == "file 0 says hello\n");
  CHECK(ran[0]->reports == std::vector<std::string>{"report A", ""});
  REQUIRE(ran[0]->rows.size() == 1);
  CHECK(ran[0]->rows[0].currency == "EUR");
  CHECK(ran[0]->rows[0].p50_b == -2);
  CHECK(std::isnan(ran[0]->rows[0].p50_diff));
  CHECK(ran[2]->status == FileOutcome::Status::kRunError);
  CHECK(ran[2]->said == "file 2 says hello\n");
  CHECK_THROWS_AS(replay(*ran[2]), RunError);
  CHECK_THROWS_WITH(replay(*ran[3]), "bad file");
  CHECK_THROWS_AS(replay(*ran[3]), UsageError);
  CHECK_NOTHROW(replay(*ran[0]));
}
