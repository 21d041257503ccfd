// Report writers: the JSON contract of docs/cli.md#the-json-report, and every format agreeing with
// it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/compiled.hpp"
#include "models/io/load.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"
#include "tools/report/batch.hpp"
#include "tools/report/common.hpp"
#include "tools/report/html.hpp"
#include "tools/report/run.hpp"
#include "tools/report/sensitivity.hpp"
#include "tools/report/sweep.hpp"
#include "tools/version.hpp"

using namespace vestsim::models;
using namespace vestsim::tools;
using nlohmann::json;

namespace {

// The built-in scenario, which names fr-2026 for every offer (docs/tax.md); without
// `taxed`, every tax key dropped, so that no offer has a regime.
std::string fixture_text(bool taxed) {
  std::istringstream in{std::string(default_scenario_text())};
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (taxed || (line.find("tax: {regime:") == std::string::npos &&
                  line.find("tax_treatment:") == std::string::npos))
      out += line + "\n";
  return out;
}

struct Fixture {
  Scenario s;
  SimResult r;
  RunSummary sum;
  explicit Fixture(bool taxed = false) {
    const LoadResult l =
        load_scenario_text(fixture_text(taxed), "default.yaml",
                           {{"simulation.paths", "4000"}, {"report.percentiles[0]", "2.5"}});
    REQUIRE(l.ok());
    s = *l.scenario;
    const CompiledScenario c = compile(s, s.seed);
    SimOptions o;
    o.paths = s.paths;
    o.timeline = true;
    r = simulate(c, o);
    sum = summarize_run(s, c, r, 0, s.seed);
  }
};

void check_summary_shape(const json& j, const std::vector<std::string>& keys) {
  for (const char* k : {"mean", "sd", "stderr", "min", "max", "cvar5"}) {
    INFO(k);
    REQUIRE(j.contains(k));
    CHECK(j[k].is_number());
  }
  REQUIRE(j["percentiles"].is_object());
  REQUIRE(j["percentile_ci95"].is_object());
  CHECK(j["percentiles"].size() == keys.size());
  for (const auto& k : keys) {
    INFO(k);
    CHECK(j["percentiles"][k].is_number());
    REQUIRE(j["percentile_ci95"][k].is_array());
    CHECK(j["percentile_ci95"][k].size() == 2);
    CHECK(j["percentile_ci95"][k][0].get<double>() <= j["percentiles"][k].get<double>());
    CHECK(j["percentile_ci95"][k][1].get<double>() >= j["percentiles"][k].get<double>());
  }
}

// A minimal XML well-formedness check: every tag closes in order, no stray '&'.
bool well_formed(const std::string& doc, std::string& why) {
  std::vector<std::string> stack;
  std::size_t i = doc.find("<html");
  while (i < doc.size()) {
    const std::size_t lt = doc.find('<', i);
    const std::string text = doc.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    for (std::size_t a = text.find('&'); a != std::string::npos; a = text.find('&', a + 1))
      if (text.find(';', a) == std::string::npos || text.find(';', a) - a > 8)
        return why = "bare & in text", false;
    if (lt == std::string::npos) break;
    const std::size_t gt = doc.find('>', lt);
    if (gt == std::string::npos) return why = "unterminated tag", false;
    std::string tag = doc.substr(lt + 1, gt - lt - 1);
    if (tag.rfind("!--", 0) == 0) {
      i = doc.find("-->", lt) + 3;
      continue;
    }
    if (tag.front() == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name)
        return why = "closing </" + name + "> does not match <" +
                     (stack.empty() ? "" : stack.back()) + ">",
               false;
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    if (tag.rfind("style", 0) == 0) {  // CSS text may contain '>' and '&'-free text
      i = doc.find("</style>", gt);
      continue;
    }
    i = gt + 1;
  }
  if (!stack.empty()) return why = "unclosed <" + stack.back() + ">", false;
  return true;
}

}  // namespace

TEST_CASE("JSON report follows the contract of docs/cli.md", "[report]") {
  Fixture f;
  const json j = json::parse(to_json(f.sum));
  CHECK(j["scenario"] == f.s.name);
  CHECK(j["currency"] == "EUR");
  CHECK(j["paths"] == 4000);
  CHECK(j["seed"] == 1);
  const std::vector<std::string> keys = {"2.5", "10", "25", "50", "75", "90", "95"};
  REQUIRE(j["offers"].is_object());
  CHECK(j["offers"].size() == 3);
  for (const char* id : {"hf_ask", "hf_floor", "google"}) {
    INFO(id);
    const json& o = j["offers"][id];
    CHECK(o["label"].is_string());
    for (const char* out : {"total", "cash", "equity"}) check_summary_shape(o[out], keys);
    CHECK(o["p_equity_zero"].is_number());
  }
  // outcomes only for offers with a private grant, shares summing to 1
  CHECK_FALSE(j["offers"]["google"].contains("outcomes"));
  const json& oc = j["offers"]["hf_ask"]["outcomes"];
  CHECK(oc["ipo"].get<double>() + oc["acquisition"].get<double>() + oc["failure"].get<double>() +
            oc["none"].get<double>() ==
        Approx(1.0));
  REQUIRE(j["comparisons"].size() == 2);
  const json& c = j["comparisons"][0];
  CHECK(c["a"] == "hf_ask");
  CHECK(c["b"] == "google");
  CHECK(c["p_a_beats_b"].is_number());
  check_summary_shape(c["diff"], keys);
  CHECK(c["certainty_equivalent"]["a"].is_number());
  CHECK(c["certainty_equivalent"]["b"].is_number());
  CHECK(j["timing"]["seconds"].is_number());
  CHECK(j["timing"]["paths_per_second"].is_number());
  CHECK(j["timing"]["threads"].is_number_integer());
  // Values are the summary's, unrounded.
  CHECK(j["offers"]["google"]["total"]["mean"].get<double>() == f.sum.offers[2].total.mean);
}

TEST_CASE("a sobol run's replicate interval of a probability stays within [0, 1]", "[report]") {
  Fixture f;
  f.sum.sobol = true;
  ComparisonSummary& c = f.sum.comparisons.at(0);
  // t(15) = 2.131...: 0.99 + 2.13 * 0.05 would be 1.097, and 0.02 - 2.13 * 0.05 would be -0.087.
  c.p_a_beats_b = 0.99;
  c.p_a_beats_b_stderr = 0.05;
  c.p_a_beats_b_after_tax = 0.02;
  c.p_a_beats_b_after_tax_stderr = 0.05;
  const json j = json::parse(to_json(f.sum));
  const json& e = j["comparisons"][0]["replicate_errors"];
  CHECK(e["p_a_beats_b"]["ci95"][1].get<double>() == 1.0);
  CHECK(e["p_a_beats_b"]["ci95"][0].get<double>() == Approx(0.99 - 2.131449545559323 * 0.05));
  CHECK(e["p_a_beats_b_after_tax"]["ci95"][0].get<double>() == 0.0);
  CHECK(e["p_a_beats_b_after_tax"]["ci95"][1].get<double>() ==
        Approx(0.02 + 2.131449545559323 * 0.05));
  // A mean difference is not a probability: its interval is not clipped.
  const double m = c.diff.mean, se = c.diff.std_error;
  CHECK(e["mean_diff"]["ci95"][0].get<double>() == Approx(m - 2.131449545559323 * se));
  CHECK(j["sampler"]["replicates"].get<int>() == 16);
}

TEST_CASE("text, markdown and csv carry the JSON's numbers", "[report]") {
  Fixture f;
  const json j = json::parse(to_json(f.sum));
  const std::string text = to_text(f.sum), md = to_markdown(f.sum), csv = to_csv(f.sum);
  for (const char* id : {"hf_ask", "google"}) {
    const json& t = j["offers"][id]["total"];
    const std::string mean = money(t["mean"].get<double>(), "EUR");
    const std::string p50 = money(t["percentiles"]["50"].get<double>(), "EUR");
    INFO(id << " " << mean << " " << p50);
    CHECK(text.find(mean) != std::string::npos);
    CHECK(text.find(p50) != std::string::npos);
    CHECK(md.find(mean) != std::string::npos);
  }
  const std::string p = percent(j["comparisons"][0]["p_a_beats_b"].get<double>());
  CHECK(text.find("P(hf_ask beats google) = " + p) != std::string::npos);
  CHECK(md.find("P(hf_ask beats google) = " + p) != std::string::npos);
  CHECK(text.find("P2.5") != std::string::npos);
  // Text fits in 100 columns (counting UTF-8 code points).
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::size_t width = 0;
    for (unsigned char ch : line) width += (ch & 0xC0) != 0x80;
    INFO(line);
    CHECK(width <= 100);
  }
  // CSV: five columns everywhere, and the JSON's mean in full precision.
  std::istringstream rows(csv);
  std::string row;
  std::getline(rows, row);
  CHECK(row == "kind,id,output,statistic,value");
  int n = 0;
  bool found_mean = false;
  for (; std::getline(rows, row); ++n) {
    CHECK(std::count(row.begin(), row.end(), ',') == 4);
    if (row.rfind("offer,google,total,mean,", 0) == 0)
      found_mean = std::stod(row.substr(row.rfind(',') + 1)) ==
                   j["offers"]["google"]["total"]["mean"].get<double>();
  }
  CHECK(found_mean);
  CHECK(n > 100);
}

TEST_CASE("with a regime, every report leads with the after-tax answer and says it is a model",
          "[report][tax]") {
  Fixture f(true);
  REQUIRE(f.sum.has_tax);
  const json j = json::parse(to_json(f.sum));
  const json& c = j["comparisons"][0];
  const std::string after = percent(c["p_a_beats_b_after_tax"].get<double>());
  const std::string before = percent(c["p_a_beats_b"].get<double>());
  const std::string line =
      "After-tax figures are a model of tax, not tax advice: regime fr-2026 (2026).";
  const std::string text = to_text(f.sum), md = to_markdown(f.sum), csv = to_csv(f.sum);
  const std::string html = to_html(f.sum, chart_data(f.r));
  // Text: the disclaimer, then the after-tax answer before the pre-tax one.
  const std::size_t disclaimer = text.find(line), lead = text.find("of futures after tax");
  CHECK(disclaimer != std::string::npos);
  CHECK(disclaimer < lead);
  CHECK(lead < text.find("    before tax: " + before));
  CHECK(text.find("P(hf_ask beats google) after tax = " + after + " · before tax = " + before) !=
        std::string::npos);
  const std::string ce = money(c["ce_a_after_tax"].get<double>(), "EUR");
  CHECK(text.find("certainty equivalent after tax (CRRA γ = 2, wealth €100,000): hf_ask " + ce) !=
        std::string::npos);
  const json& o = j["offers"]["hf_ask"];
  // The first row of the offer's table is after tax, with its mean.
  const std::size_t row = text.find("\n  after tax ", text.find("[hf_ask]"));
  CHECK(row < text.find("\n  total ", text.find("[hf_ask]")));
  CHECK(text.substr(row, text.find('\n', row + 1) - row)
            .find(money(o["after_tax"]["mean"].get<double>(), "EUR")) != std::string::npos);
  for (const std::string& doc : {text, md}) {
    CHECK(doc.find(money(o["after_tax"]["percentiles"]["50"].get<double>(), "EUR")) !=
          std::string::npos);
    CHECK(doc.find(money(o["tax"]["mean"].get<double>(), "EUR")) != std::string::npos);
    CHECK(doc.find(line) != std::string::npos);
  }
  CHECK(md.find("**P(hf_ask beats google) after tax = " + after + "** (before tax " + before +
                ")") != std::string::npos);
  CHECK(md.find("| after tax |") != std::string::npos);
  CHECK(md.find("| difference after tax |") != std::string::npos);
  // CSV: five fields on every row, the after-tax figures in full precision, the disclaimer.
  CHECK(csv.find("note,,tax,disclaimer,After-tax figures are a model of tax; not tax advice: "
                 "regime fr-2026 (2026).\n") != std::string::npos);
  std::istringstream rows(csv);
  for (std::string row; std::getline(rows, row);)
    CHECK(std::count(row.begin(), row.end(), ',') == 4);
  CHECK(csv.find(fmt::format("offer,hf_ask,after_tax,mean,{:.17g}\n",
                             o["after_tax"]["mean"].get<double>())) != std::string::npos);
  CHECK(csv.find(fmt::format("comparison,hf_ask:google,diff_after_tax,p_a_beats_b,{:.17g}\n",
                             c["p_a_beats_b_after_tax"].get<double>())) != std::string::npos);
  CHECK(csv.find("comparison,hf_ask:google,certainty_equivalent_after_tax,a,") !=
        std::string::npos);
  // HTML: the after-tax headline first, the disclaimer, the effective tax rate per offer.
  std::string why;
  CHECK(well_formed(html, why));
  INFO(why);
  CHECK(html.find(html_escape(line)) != std::string::npos);
  CHECK(html.find("</b> of futures after tax <small>(before tax: " + before + ")</small>") !=
        std::string::npos);
  CHECK(html.find("<th>after tax</th>") < html.find("<th>total</th>"));
  CHECK(html.find("Effective tax rate (tax ÷ total, present values): P10 ") != std::string::npos);
  CHECK(html.find("chart-tax-categories") == std::string::npos);  // needs the scenario
  ChartData charts = chart_data(f.r);
  add_median_tax(charts, f.s, f.r);
  REQUIRE(charts.median_tax.size() == 3);
  for (const auto& m : charts.median_tax) {
    REQUIRE(m);
    CHECK((*m)[0] > 0);  // every offer pays tax on its wages
  }
  const std::string with_bar = to_html(f.sum, charts);
  CHECK(well_formed(with_bar, why));
  CHECK(with_bar.find("id=\"chart-tax-categories\"") != std::string::npos);
  // The legend's white box ends above the first bar (it used to cover it): the box is the
  // chart's only white rect, and every bar a polygon below it.
  const std::size_t at = with_bar.find("id=\"chart-tax-categories\"");
  const std::string svg = with_bar.substr(at, with_bar.find("</svg>", at) - at);
  const std::size_t box = svg.find("fill=\"white\"");
  REQUIRE(box != std::string::npos);
  const std::size_t rect = svg.rfind("<rect", box);
  double bx = 0, by = 0, bw = 0, bh = 0;
  REQUIRE(std::sscanf(svg.c_str() + rect, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"",
                      &bx, &by, &bw, &bh) == 4);
  std::size_t bars = 0;
  for (std::size_t p = svg.find("<polygon points=\""); p != std::string::npos;
       p = svg.find("<polygon points=\"", p + 1), ++bars) {
    double x = 0, y = 0;
    REQUIRE(std::sscanf(svg.c_str() + p, "<polygon points=\"%lf,%lf", &x, &y) == 2);
    CHECK(y > by + bh);
  }
  CHECK(bars >= 3);
}

TEST_CASE("the effective tax rate: tax / total over the paths whose total is positive",
          "[report][tax]") {
  // docs/tax.md#t6-outputs. Four paths, totals 100, 200, 0, -50 and taxes 30, 50, 0, 10: the
  // rates are 0.3 and 0.25 over half the paths. Type-7 percentiles of {0.25, 0.3}:
  // P10 = 0.25 + 0.1 x 0.05 = 0.255, P50 = 0.275, P90 = 0.295.
  vestsim::models::SimResult r;
  r.paths = 4;
  r.cash = {{100, 200, 0, -50}};
  r.equity = {{0, 0, 0, 0}};
  r.salary_bonus = r.cash;
  r.tax = {{30, 50, 0, 10}};
  const ChartData c = chart_data(r);
  REQUIRE(c.tax_rate.size() == 1);
  CHECK(c.tax_rate_share[0] == 0.5);
  CHECK(c.tax_rate[0][0] == Approx(0.255).margin(1e-12));
  CHECK(c.tax_rate[0][1] == Approx(0.275).margin(1e-12));
  CHECK(c.tax_rate[0][2] == Approx(0.295).margin(1e-12));
}

TEST_CASE("a tax part below 0 is named under the bar, not silently dropped", "[report][tax]") {
  Fixture f(true);
  ChartData charts = chart_data(f.r);
  charts.median_tax.assign(f.sum.offers.size(), std::nullopt);
  charts.median_tax[0] = CategoryAmounts{100, -40, 0, 0, 0, 0};  // a tax of 60, drawn as 100
  const std::string html = to_html(f.sum, charts);
  std::string why;
  CHECK(well_formed(html, why));
  INFO(why);
  CHECK_THAT(html, Catch::Contains("Below 0, so not drawn (the bar is then more than the tax): " +
                                   html_escape(f.sum.offers[0].label) + ": equity_income -€40."));
  charts.median_tax[0] = CategoryAmounts{100, 40, 0, 0, 0, 0};
  CHECK_THAT(to_html(f.sum, charts), !Catch::Contains("Below 0"));
}

TEST_CASE("without a regime no report mentions tax", "[report][tax]") {
  Fixture f;
  REQUIRE_FALSE(f.sum.has_tax);
  for (const std::string& doc :
       {to_text(f.sum), to_markdown(f.sum), to_html(f.sum, chart_data(f.r))})
    CHECK(doc.find("after tax") == std::string::npos);
}

TEST_CASE("money and percentile keys print for reading", "[report]") {
  CHECK(money(1234000.4, "EUR") == "€1,234,000");
  CHECK(money(-12500, "USD") == "-$12,500");
  CHECK(money(999.5, "GBP") == "£1,000");
  CHECK(money(3000, "CHF") == "CHF 3,000");
  CHECK(money(0, "EUR") == "€0");
  CHECK(percentile_key(5.0) == "5");
  CHECK(percentile_key(97.5) == "97.5");
  CHECK(percent(0.4134) == "41.3%");
}

TEST_CASE("HTML report is self-contained, well-formed, and has its charts", "[report]") {
  Fixture f;
  const std::string html = to_html(f.sum, chart_data(f.r));
  std::string why;
  CHECK(well_formed(html, why));
  INFO(why);
  CHECK(html.find("http://") == html.find("http://www.w3.org"));  // only XML namespaces
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("id=\"chart-distribution\"") != std::string::npos);
  CHECK(html.find("id=\"chart-cdf\"") != std::string::npos);
  for (int o = 0; o < 3; ++o)
    CHECK(html.find("id=\"chart-fan-" + std::to_string(o) + "\"") != std::string::npos);
  // Fan chart bands are ordered: P10 <= P25 <= P50 <= P75 <= P90 in every year.
  for (const auto& fan : f.sum.fan)
    for (const auto& y : fan)
      for (int k = 1; k < 5; ++k) CHECK(y[k - 1] <= y[k]);
}

TEST_CASE("the batch index links a file whose name holds # ? % as that file", "[report]") {
  // "c#1?" unencoded would link to "c" with a fragment; each byte outside A-Z a-z 0-9 - . _ ~
  // is %XX: # 23, ? 3F, % 25, space 20, and UTF-8 e-acute C3 A9.
  CHECK(url_segment("c#1?") == "c%231%3F");
  CHECK(url_segment("100% a-b_c.d~") == "100%25%20a-b_c.d~");
  CHECK(url_segment("\xC3\xA9t\xC3\xA9") == "%C3%A9t%C3%A9");
  Fixture f;
  const std::string html = batch_table(batch_rows(f.sum), {"c#1?"}, Format::kHtml);
  CHECK(html.find("<a href=\"c%231%3F.html\">c#1?</a>") != std::string::npos);
}

TEST_CASE("batch rows carry P(a beats b) and medians", "[report]") {
  Fixture f;
  const auto rows = batch_rows(f.sum);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].a == "hf_ask");
  CHECK(rows[0].p_a_beats_b == f.sum.comparisons[0].p_a_beats_b);
  CHECK(rows[0].p50_diff == f.sum.comparisons[0].diff.percentiles[3]);
  const std::string csv = batch_table(rows, {}, Format::kCsv);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
  CHECK(json::parse(batch_table(rows, {}, Format::kJson)).size() == 2);
}

TEST_CASE("a run's certainty equivalent survives utilities that all underflow", "[report]") {
  // The CE of summarize_run, where the utilities' mean is 0: recomputed from the column
  // (models/summary.hpp, certainty_equivalent_shifted) and equal to the direct function's.
  Fixture f;
  f.s.risk_aversion = 20;
  for (std::size_t o = 0; o < f.r.cash.size(); ++o)
    for (std::uint64_t i = 0; i < f.r.paths; ++i) {
      f.r.cash[o][i] = i % 2 == 0 ? 1e25 : 2e25;
      f.r.equity[o][i] = 0;
    }
  const CompiledScenario c = compile(f.s, f.s.seed);
  const RunSummary sum = summarize_run(f.s, c, f.r, 0, f.s.seed);
  std::vector<double> scratch;
  const std::vector<double> column = f.r.total_column(0);
  const double want = certainty_equivalent(column, 20, f.s.wealth, scratch);
  CHECK(std::isfinite(want));
  CHECK(want > 1e25);
  CHECK(want < 2e25);
  REQUIRE_FALSE(sum.comparisons.empty());
  CHECK(sum.comparisons[0].ce_a == want);
  CHECK(sum.comparisons[0].ce_b == want);
  // Closed form: half the paths at w_a = (W + 1e25) / W, half at w_b = (W + 2e25) / W, so
  // w_CE^-19 = (w_a^-19 + w_b^-19) / 2, w_CE = w_a (2 / (1 + (w_a / w_b)^19))^(1/19), in long
  // double through logs, and CE = W w_CE - W: about 1.0371 x 1e25.
  const long double W = f.s.wealth, wa = (W + 1e25L) / W, wb = (W + 2e25L) / W;
  const long double w_ce = wa * std::exp(std::log(2 / (1 + std::pow(wa / wb, 19.0L))) / 19);
  CHECK(want == Approx(static_cast<double>(W * w_ce - W)).epsilon(1e-12));
}

TEST_CASE("every path ruined: the certainty equivalent is -wealth for gamma below 1 too",
          "[report]") {
  // docs/model.md#8-summaries-over-paths: for 0 < gamma < 1 a path with wealth + total <= 0
  // counts as wealth 0; when every path does, every utility is 0 and so is the certain wealth:
  // CE = -W. assemble_summary decides it from the column's max (as two passes do), and the
  // shifted sum agrees (its shift is -infinity).
  Fixture f;
  f.s.risk_aversion = 0.5;
  for (std::size_t o = 0; o < f.r.cash.size(); ++o)
    for (std::uint64_t i = 0; i < f.r.paths; ++i) {
      f.r.cash[o][i] = -f.s.wealth - (i % 2 == 0 ? 0 : 5000);
      f.r.equity[o][i] = 0;
    }
  const CompiledScenario c = compile(f.s, f.s.seed);
  const RunSummary sum = summarize_run(f.s, c, f.r, 0, f.s.seed);
  REQUIRE_FALSE(sum.comparisons.empty());
  CHECK(sum.comparisons[0].ce_a == -f.s.wealth);
  CHECK(sum.comparisons[0].ce_b == -f.s.wealth);
  std::vector<double> scratch;
  CHECK(certainty_equivalent_shifted(f.r.total_column(0), 0.5, f.s.wealth, scratch) == -f.s.wealth);
  // One path with a cent of wealth left: no longer ruined, the CE is above -W.
  f.r.cash[0][0] = -f.s.wealth + 0.01;
  const RunSummary one = summarize_run(f.s, c, f.r, 0, f.s.seed);
  CHECK(one.comparisons[0].ce_a > -f.s.wealth);
}

TEST_CASE("a fan chart beyond float's range is left out, never drawn with NaN", "[report]") {
  // A base of 1e9 discounted at -90% a year for 50 years is 1e9 x 10^(m/12) by month m: its
  // cumulative PV passes 3.4e38 after about 30 years, and the timeline saturates there.
  const std::string text =
      "currency: EUR\nhorizon_years: 50\nliquidity_horizon_years: 50\ndiscount_rate: -0.9\n"
      "companies: {}\noffers:\n  a: {base: 1.0e9}\n  b: {base: 1.0e8}\n";
  const LoadResult l = load_scenario_text(text, "fan.yaml");
  REQUIRE(l.ok());
  const Scenario& s = *l.scenario;
  const CompiledScenario c = compile(s, 1);
  SimOptions o;
  o.paths = 8;
  o.timeline = true;
  const SimResult r = simulate(c, o);
  for (const auto& column : r.timeline)
    for (const float v : column) REQUIRE(std::isfinite(v));
  CHECK(r.timeline[49][0] == std::numeric_limits<float>::max());  // offer a, year 50
  const RunSummary sum = summarize_run(s, c, r, 0, 1);
  const std::string html = to_html(sum, chart_data(r));
  CHECK(html.find("nan") == std::string::npos);
  CHECK(html.find("Left out: some amounts are beyond the 3.4e38") != std::string::npos);
  CHECK(html.find("chart-fan-") == std::string::npos);
}

TEST_CASE("one path and one year are singular in the reports' first lines", "[report]") {
  Fixture f;
  f.sum.paths = 1;
  f.sum.horizon_years = 1;
  f.sum.liquidity_horizon_years = 1;
  CHECK_THAT(to_text(f.sum), Catch::Contains("1-year horizon, equity counted if liquid within 1 "
                                             "year · present values"));
  CHECK_THAT(to_markdown(f.sum),
             Catch::Contains("1 path, seed 1, EUR over 1 year (equity liquid up to 1 year)."));
  CHECK_THAT(to_html(f.sum, chart_data(f.r)), Catch::Contains("liquid within 1 year.</p>"));
  f.sum.liquidity_horizon_years = 2.5;
  CHECK_THAT(to_text(f.sum), Catch::Contains("liquid within 2.5 years"));
}

TEST_CASE("a batch with a taxed scenario leads with after-tax figures and says so",
          "[report][tax]") {
  const Fixture taxed(true), plain;
  std::vector<BatchRow> rows = batch_rows(taxed.sum);
  REQUIRE(rows.size() == 2);
  const ComparisonSummary& c = taxed.sum.comparisons[0];
  CHECK(rows[0].has_tax);
  CHECK(rows[0].p_a_beats_b == c.p_a_beats_b);
  CHECK(rows[0].p_a_beats_b_after_tax == c.p_a_beats_b_after_tax);
  CHECK(rows[0].p50_diff_after_tax == c.diff_after_tax.percentiles[3]);
  CHECK(rows[0].p_a_beats_b_after_tax != rows[0].p_a_beats_b);  // the tax changes the answer
  // A mixed batch: the untaxed rows show "-" before tax and leave the after-tax CSV fields empty.
  const std::vector<BatchRow> untaxed = batch_rows(plain.sum);
  rows.insert(rows.end(), untaxed.begin(), untaxed.end());
  const std::string disclaimer = "not tax advice: regime fr-2026 (2026).";
  const std::string text = batch_table(rows, {}, Format::kText);
  CHECK(text.find("P(a beats b) before tax") != std::string::npos);
  CHECK(text.find(percent(c.p_a_beats_b_after_tax) + "      " + percent(c.p_a_beats_b)) !=
        std::string::npos);
  CHECK(text.find(disclaimer) != std::string::npos);
  const std::string csv = batch_table(rows, {}, Format::kCsv);
  std::istringstream lines(csv);
  for (std::string line; std::getline(lines, line);)
    CHECK(std::count(line.begin(), line.end(), ',') == 11);
  CHECK(csv.find(fmt::format(",{:.17g},", c.p_a_beats_b_after_tax)) != std::string::npos);
  CHECK(csv.find(",,,,\n") != std::string::npos);
  const json j = json::parse(batch_table(rows, {}, Format::kJson));
  CHECK(j[0]["after_tax"]["p_a_beats_b"] == c.p_a_beats_b_after_tax);
  CHECK(j[0]["p_a_beats_b"] == c.p_a_beats_b);
  CHECK_FALSE(j[2].contains("after_tax"));
  const std::string md = batch_table(rows, {}, Format::kMarkdown);
  CHECK(md.find("| P(a beats b) | before tax |") != std::string::npos);
  CHECK(md.find(" | - | ") != std::string::npos);
  CHECK(md.find(disclaimer) != std::string::npos);
  const std::string html = batch_table(rows, {"x"}, Format::kHtml);
  std::string why;
  CHECK(well_formed(html, why));
  INFO(why);
  CHECK(html.find(disclaimer) != std::string::npos);
  // Without a taxed row nothing changes: no column, no note.
  CHECK(batch_table(untaxed, {}, Format::kText).find("before tax") == std::string::npos);
  CHECK(batch_table(untaxed, {}, Format::kCsv).find("after_tax") == std::string::npos);
}

// A scenario name or an offer label is free text (tabs and line breaks allowed): in Markdown it
// stays on its line and shows as written, never opening a table cell, a heading or a tag.
TEST_CASE("Markdown shows names and labels as written", "[report]") {
  CHECK(markdown_text("a|b") == "a\\|b");
  CHECK(markdown_text("x\ny\tz") == "x y z");
  CHECK(markdown_text("<b>*_`[#]\\") == "\\<b\\>\\*\\_\\`\\[\\#\\]\\\\");
  CHECK(markdown_text("Hugging Face (ask), 2026") == "Hugging Face (ask), 2026");
  CHECK(markdown_text("R&amp;D ~~x~~") == "R\\&amp;D \\~\\~x\\~\\~");
  Fixture f;
  f.sum.scenario = "two | words\nand a line";
  f.sum.offers[0].label = "HF <b>ask</b>\n| not a row";
  const std::string md = to_markdown(f.sum);
  CHECK(md.find("# two \\| words and a line\n") == 0);
  CHECK(md.find("## HF \\<b\\>ask\\</b\\> \\| not a row (`") != std::string::npos);
  CHECK(md.find("\n| not a row") == std::string::npos);
  // The batch table: 8 unescaped bars a row, whatever the name; its HTML shows the name as written.
  std::vector<BatchRow> rows = batch_rows(f.sum);
  const std::string table = batch_table(rows, {}, Format::kMarkdown);
  const std::string row = table.substr(table.rfind("| two"));
  std::size_t bars = 0;
  for (std::size_t i = 0; i < row.size() && row[i] != '\n'; ++i)
    bars += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
  CHECK(bars == 8);
  const std::string index = batch_table(rows, {}, Format::kHtml);
  CHECK(index.find("<th>two | words and a line</th>") != std::string::npos);
}

TEST_CASE("every format has one name and one extension", "[report]") {
  REQUIRE(format_names().size() == 5);
  const char* const names[] = {"text", "json", "csv", "markdown", "html"};
  const char* const extensions[] = {"txt", "json", "csv", "md", "html"};
  for (std::size_t k = 0; k < 5; ++k) {
    INFO(names[k]);
    CHECK(format_names()[k].first == names[k]);
    CHECK(format_name(format_names()[k].second) == std::string(names[k]));
    CHECK(extension(format_names()[k].second) == std::string(extensions[k]));
  }
}

TEST_CASE("a sweep's tables name the offers compared, in their order", "[report]") {
  // --compare google:hf_ask: the columns are P(google beats hf_ask), P50 google, P50 hf_ask.
  SweepResult r{"s", "EUR", "google",       "hf_ask", {"offers.hf_ask.base"}, {{1, 2}}, {},
                100, 1,     Basis::kPreTax, {}};
  for (double x : {1, 2}) r.points.push_back({{x}, 0.25 * x, 10, 20, -10});
  const std::string text = sweep_report(r, Format::kText);
  CHECK_THAT(text,
             Catch::Contains("P(google beats hf_ask)   P50 google   P50 hf_ask     P50 diff"));
  CHECK_THAT(text, !Catch::Contains("P(a beats b)"));
  const std::string md = sweep_report(r, Format::kMarkdown);
  CHECK_THAT(md, Catch::Contains("| P(google beats hf_ask) | P50 google | P50 hf_ask |"));
  CHECK_THAT(md, Catch::Contains("# Sweep: google vs hf_ask (s)"));
}

TEST_CASE("sweep, tornado and batch pages share the page shell and are well-formed", "[report]") {
  Fixture f;
  SweepResult sweep{"s & t", "EUR",          "a", "b", {"x", "y"}, {{1, 2}, {10, 20, 30}}, {}, 100,
                    1,       Basis::kPreTax, {}};
  for (double x : {1, 2})
    for (double y : {10, 20, 30}) sweep.points.push_back({{x, y}, 0.25 * x, 1, 2, -1});
  SweepResult line = sweep;
  line.params.pop_back();
  line.grids.pop_back();
  line.points.resize(2);
  TornadoResult t;
  t.a = "a";
  t.b = "b";
  t.currency = "EUR";
  t.bars.push_back({"input <1>", 1, 2, -100, 300, 0.4, 0.6, 0.5});
  const auto rows = batch_rows(f.sum);
  const std::string pages[] = {sweep_report(sweep, Format::kHtml),
                               sweep_report(line, Format::kHtml),
                               tornado_report(t, "s", 100, 1, false, Format::kHtml),
                               batch_table(rows, {"one", "two"}, Format::kHtml)};
  const std::string run_head = to_html(f.sum, chart_data(f.r)).substr(0, 200);
  for (const std::string& page : pages) {
    std::string why;
    CHECK(well_formed(page, why));
    INFO(why);
    CHECK(page.substr(0, 200).substr(0, run_head.find("<title>")) ==
          run_head.substr(0, run_head.find("<title>")));
    CHECK(page.find("<style>") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
  }
  CHECK(pages[0].find("id=\"chart-sweep\"") != std::string::npos);
  CHECK(pages[2].find("id=\"chart-tornado\"") != std::string::npos);
  CHECK(pages[3].find("<a href=\"two.html\">two</a>") != std::string::npos);
}

TEST_CASE("every JSON report and HTML page records the version, and the batch index escapes names",
          "[report]") {
  Fixture f;
  const json j = json::parse(to_json(f.sum));
  CHECK(j["version"] == std::string(version()));
  CHECK(j["commit"] == std::string(commit()));
  CHECK(std::string(commit()).size() > 0);
  const std::string page = html_page("t", "<p>x</p>");
  CHECK(page.find("vestsim " + std::string(version()) + " (commit ") != std::string::npos);
  const std::string index = batch_table(batch_rows(f.sum), {"<b>x&y"}, Format::kHtml);
  CHECK(index.find("<b>x&y") == std::string::npos);
  CHECK(index.find("&lt;b&gt;x&amp;y") != std::string::npos);
}
