// The run report says what the scenario's correlations and tenders change and why a certainty
// equivalent sits at its floor (docs/cli.md#the-json-report,
// docs/model.md#m7-what-correlation-and-tenders-change); the tornado says n/a for a rank
// correlation that does not exist.
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/studies/effects.hpp"
#include "models/studies/run.hpp"
#include "tools/report/html.hpp"
#include "tools/report/run.hpp"
#include "tools/report/sensitivity.hpp"

using namespace vestsim::models;
using namespace vestsim::tools;
using nlohmann::json;

namespace {

bool has(const std::string& text, const std::string& part) {
  INFO(part);
  return text.find(part) != std::string::npos;
}

// The built-in scenario (correlated, taxed) at 3,000 paths, with its counterfactuals.
RunStudy default_run() {
  const LoadResult l = load_scenario_text(std::string(default_scenario_text()), "default.yaml",
                                          {{"simulation.paths", "3000"}, {"simulation.seed", "4"}});
  REQUIRE(l.ok());
  const Scenario& s = *l.scenario;
  REQUIRE_FALSE(s.correlations.empty());
  RunStudy run = run_study(s, compile(s, s.seed));
  add_market_effects(s, run.result, run.summary);
  return run;
}

}  // namespace

TEST_CASE("the run report shows what independent markets and tenders would change",
          "[report][effects]") {
  RunStudy run = default_run();
  RunSummary& sum = run.summary;
  REQUIRE(!sum.comparisons.empty());
  const ComparisonSummary& c = sum.comparisons[0];
  REQUIRE(c.independent.paths == 3000);
  CHECK(c.no_tenders.paths == 0);  // no company of the built-in scenario has tenders
  // A synthetic tender effect on the first offer, to see every writer print it.
  TenderEffect& t = sum.offers[0].tenders;
  t = {3000, {"acme"}, 0.25, 12000, 10000, 150};

  const json j = json::parse(to_json(sum));
  REQUIRE(j["correlations"].is_array());
  CHECK(j["correlations"][0]["rho"] == sum.correlations[0].rho);
  const json& x = j["comparisons"][0]["independent_markets"];
  for (const char* k :
       {"paths", "p_a_beats_b", "p_a_beats_b_as_given", "stderr", "p_a_beats_b_after_tax",
        "p_a_beats_b_after_tax_as_given", "stderr_after_tax"}) {
    INFO(k);
    CHECK(x.contains(k));
  }
  // As given on the same (all) paths is the headline figure, on both bases.
  CHECK(x["p_a_beats_b_as_given"] == j["comparisons"][0]["p_a_beats_b"]);
  CHECK(x["p_a_beats_b_after_tax_as_given"] == j["comparisons"][0]["p_a_beats_b_after_tax"]);
  CHECK_FALSE(j["comparisons"][0].contains("without_tenders"));
  const json& jt = j["offers"][sum.offers[0].id]["tenders"];
  CHECK(jt["p_sale"] == 0.25);
  CHECK(jt["equity_mean_without"] == 10000.0);
  CHECK(jt["companies"][0] == "acme");

  const std::string text = to_text(sum), md = to_markdown(sum),
                    html = to_html(sum, chart_data(run.result));
  const std::string head = "P(" + c.a + " beats " + c.b + ") after tax ";
  CHECK(has(text, "with independent markets: " + head));
  CHECK(has(md, "With independent markets: " + head));
  CHECK(has(html, "with independent markets: " + head));
  const std::string pair = "ρ(" + sum.correlations[0].a + ", " + sum.correlations[0].b + ")";
  for (const std::string* out : {&text, &md, &html}) {
    CHECK(has(*out, pair));
    CHECK(has(*out, "on the same 3,000 futures"));
    CHECK(has(*out,
              "enders (acme): a sale in 25.0% of futures; mean equity €12,000 with them, "
              "€10,000 without (+€2,000, SE €150)"));  // "Tenders" in markdown
  }
  const std::string csv = to_csv(sum);
  CHECK(has(csv, ",independent_markets,p_a_beats_b,"));
  CHECK(has(csv, fmt::format("comparison,{}:{},independent_markets,stderr,{:.17g}\n", c.a, c.b,
                             c.independent.se)));
  const std::string offer = "offer," + sum.offers[0].id + ",tenders,";
  CHECK(has(csv, offer + "p_sale,0.25\n"));
  CHECK(has(csv, offer + "equity_mean_without,10000\n"));
  CHECK(has(csv, offer + "effect_stderr,150\n"));

  // One future has no standard error: undefined in text, null in JSON, empty in CSV.
  t.paths = 1;
  sum.comparisons[0].independent.paths = 1;
  const json one = json::parse(to_json(sum));
  CHECK(one["offers"][sum.offers[0].id]["tenders"]["effect_stderr"].is_null());
  CHECK(one["comparisons"][0]["independent_markets"]["stderr"].is_null());
  CHECK(has(to_text(sum), "standard error of each change undefined (one future)"));
  CHECK(has(to_text(sum), "(+€2,000, SE undefined, one future)"));
  CHECK(has(to_csv(sum), offer + "effect_stderr,\n"));
}

TEST_CASE("a certainty equivalent at its floor says why, in every format", "[report][effects]") {
  RunStudy run = default_run();
  RunSummary& sum = run.summary;
  ComparisonSummary& c = sum.comparisons[0];
  // Make offer a lose more than the wealth on some future after tax: its CE is -wealth.
  for (OfferSummary& o : sum.offers)
    if (o.id == c.a) o.after_tax.min = -2 * sum.wealth;
  c.ce_a_after_tax = -sum.wealth;
  const json j = json::parse(to_json(sum));
  CHECK(j["comparisons"][0]["certainty_equivalent_after_tax_floor"]["a"] == true);
  CHECK(j["comparisons"][0]["certainty_equivalent_after_tax_floor"]["b"] == false);
  CHECK(j["comparisons"][0]["certainty_equivalent_floor"]["a"] == false);
  const std::string note = "-€100,000 (floor: some futures lose at least the whole wealth)";
  CHECK(has(to_text(sum), note));
  CHECK(has(to_markdown(sum), note));
  CHECK(has(to_html(sum, chart_data(run.result)), note));
}

TEST_CASE("a tornado bar without a per-path value prints n/a and not a rank correlation of 0",
          "[report][sensitivity]") {
  TornadoResult t{.a = "a",
                  .b = "b",
                  .currency = "EUR",
                  .regimes = {},
                  .bars = {}};  // (assignments trip GCC 12 -Wrestrict)
  t.bars.push_back({"stock", 1, 2, -100, 300, 0.4, 0.6, 0.5});
  t.bars.push_back({"x ~ y correlation", -0.1, 0.5, -50, 50, 0.45, 0.55, 0.0, false});
  const json j = json::parse(tornado_report(t, "s", 100, 1, false, Format::kJson));
  CHECK(j["bars"][0]["spearman_defined"] == true);
  CHECK(j["bars"][1]["spearman_defined"] == false);
  CHECK(j["bars"][1]["spearman"] == 0.0);  // the contract's key stays, marked undefined
  const std::string text = tornado_report(t, "s", 100, 1, false, Format::kText);
  // The name column is as wide as the longest name: "x ~ y correlation" (17), a space, "  n/a".
  CHECK(has(text, "  x ~ y correlation   n/a\n"));
  CHECK(has(text, "n/a: a parameter of the scenario"));
  CHECK(has(tornado_report(t, "s", 100, 1, false, Format::kMarkdown), "| n/a |"));
  const std::string csv = tornado_report(t, "s", 100, 1, false, Format::kCsv);
  const std::string row = csv.substr(csv.find("\"x ~ y"));
  CHECK(row.substr(row.size() - 2) == ",\n");  // an empty last field
}

TEST_CASE("a tornado's names are never cut, and one path's rank correlations are n/a",
          "[report][sensitivity]") {
  TornadoResult t{.a = "a", .b = "b", .currency = "EUR", .regimes = {}, .bars = {}};
  const std::string name = "correlation huggingface.growth ~ anthropic.growth";  // 49 characters
  t.bars.push_back({name, -0.1, 0.5, -50, 50, 0.45, 0.55, 0.0, false});
  t.bars.push_back({"stock", 1, 2, -100, 300, 0.4, 0.6, 0.0, false});
  const std::string text = tornado_report(t, "s", 1, 1, false, Format::kText);
  CHECK(has(text, "  " + name + "   n/a\n"));
  CHECK(has(text, "  stock" + std::string(name.size() - 5, ' ') + "   n/a\n"));
  CHECK(has(text, "n/a: one future has no ranks to correlate."));
  CHECK_FALSE(has(text, "a parameter of the scenario"));
}
