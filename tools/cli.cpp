// The `vestsim` command (CLI.md). Exit status: 0 success, 1 a run that failed
// at run time, 2 bad usage or an invalid scenario.
#include "tools/cli.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "engine/normal.hpp"
#include "engine/parallel.hpp"
#include "engine/rng_bound.hpp"
#include "models/breakeven.hpp"
#include "models/scenario_loader.hpp"
#include "models/sensitivity.hpp"
#include "models/simulate.hpp"
#include "models/summary.hpp"
#include "tools/analysis_report.hpp"
#include "tools/report.hpp"

namespace vestsim::tools {

namespace fs = std::filesystem;
using namespace vestsim::models;

namespace {

// A usage or scenario problem: exit 2. A run-time failure: exit 1.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options shared by the simulating subcommands.
struct Common {
  std::string paths, seed, threads;
  std::vector<std::string> sets;
  std::vector<std::string> formats;
  std::string out;
  bool quiet = false;
};

void add_common(CLI::App* app, Common& c, bool with_formats = true) {
  app->add_option("--paths", c.paths,
                  "Number of simulated futures (e.g. 1e6); default from the scenario")
      ->type_name("N");
  app->add_option("--seed", c.seed,
                  "Run seed; the same seed gives the same report on any thread count")
      ->type_name("S");
  app->add_option("--threads", c.threads, "Worker threads (0 = all cores)")->type_name("T");
  app->add_option("--set", c.sets,
                  "Override a scenario value, e.g. offers.hf.base=140000 (repeatable)")
      ->type_name("PATH=VALUE");
  if (with_formats) {
    app->add_option("--format", c.formats, "Report format (repeatable with --out)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "json", "csv", "markdown", "html"}));
    app->add_option("--out", c.out,
                    "Write reports here: a file, or a folder for several formats or scenarios")
        ->type_name("PATH");
  }
  app->add_flag("--quiet,-q", c.quiet, "No progress bar");
}

// A whole number >= 1 written plainly or in e notation ("1e6").
std::string count_override(const std::string& flag, const std::string& text, const std::string& key,
                           double lo) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used != text.size() || !(v >= lo) || v != std::floor(v) || v > 9e15)
    throw UsageError(fmt::format("{}: expected a whole number >= {}, got '{}'", flag, lo, text));
  return fmt::format("{}={}", key, text);
}

std::vector<Override> overrides_of(const Common& c) {
  std::vector<std::string> texts = c.sets;
  if (!c.paths.empty()) texts.push_back(count_override("--paths", c.paths, "simulation.paths", 1));
  if (!c.seed.empty()) texts.push_back(count_override("--seed", c.seed, "simulation.seed", 0));
  if (!c.threads.empty())
    texts.push_back(count_override("--threads", c.threads, "simulation.threads", 0));
  std::vector<Override> out;
  for (const std::string& t : texts) {
    Override o;
    const std::string err = parse_override(t, o);
    if (!err.empty()) throw UsageError(err);
    out.push_back(o);
  }
  return out;
}

// Loads a scenario file ("" = the built-in default); prints every problem and
// throws UsageError if there is any.
Scenario load_or_throw(const std::string& file, const std::vector<Override>& overrides) {
  const LoadResult r =
      file.empty() ? load_scenario_text(default_scenario_text(), kDefaultScenarioFile, overrides)
                   : load_scenario_file(file, overrides);
  if (!r.ok()) {
    for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
    throw UsageError(fmt::format("{}: {} problem{}; nothing was run",
                                 file.empty() ? kDefaultScenarioFile : file, r.errors.size(),
                                 r.errors.size() == 1 ? "" : "s"));
  }
  return *r.scenario;
}

// Scenario files named on the command line; a folder stands for its *.yaml files.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty())
        throw UsageError(in + ": no scenario files (.yaml, .yml, .json) in this folder");
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(in);
    }
  }
  return files;
}

// A progress bar on stderr, shown only on a terminal and only after a second.
class Progress {
 public:
  Progress(std::uint64_t total, bool quiet, std::string what = "paths")
      : total_(total), what_(std::move(what)) {
    if (quiet || !isatty(STDERR_FILENO) || total == 0) return;
    thread_ = std::thread([this] { loop(); });
  }
  ~Progress() { stop(); }
  std::atomic<std::uint64_t>* counter() { return &done_; }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    const auto start = std::chrono::steady_clock::now();
    bool shown = false;
    while (!stopping_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (t < 1.0) continue;
      const double f =
          std::min(1.0, static_cast<double>(done_.load()) / static_cast<double>(total_));
      const int width = 30, filled = static_cast<int>(f * width);
      const double eta = f > 0 ? t * (1 - f) / f : 0;
      std::fprintf(stderr, "\r[%s%s] %3.0f%%  %llu/%llu %s  %.1fs, ~%.0fs left ",
                   std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
                   100 * f, static_cast<unsigned long long>(done_.load()),
                   static_cast<unsigned long long>(total_), what_.c_str(), t, eta);
      shown = true;
    }
    if (shown) std::fprintf(stderr, "\r%s\r", std::string(90, ' ').c_str());
  }

  std::uint64_t total_;
  std::string what_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Refuses runs whose columns would not fit in memory.
void check_memory(const CompiledScenario& cs, std::uint64_t paths, bool timeline) {
  const double per_path = 8.0 * (3 * cs.offers.size() + cs.compare.size()) + cs.companies.size() +
                          (timeline ? 4.0 * cs.offers.size() * cs.timeline_years : 0.0) + 16.0;
  const double need = per_path * static_cast<double>(paths);
  const double have = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  if (have > 0 && need > 0.8 * have)
    throw RunError(
        fmt::format("{} paths need about {:.1f} GB for the per-path columns; this machine has "
                    "{:.1f} GB. Use fewer --paths.",
                    paths, need / 1e9, have / 1e9));
}

struct Run {
  Scenario scenario;
  CompiledScenario compiled;
  SimResult result;
  RunSummary summary;
};

Run simulate_scenario(Scenario s, bool timeline, bool quiet, bool salary_column = false) {
  Run run;
  run.compiled = compile(s, s.seed);
  check_memory(run.compiled, s.paths, timeline);
  Progress progress(s.paths, quiet);
  SimOptions opt;
  opt.paths = s.paths;
  opt.threads = s.threads;
  opt.block = s.block;
  opt.timeline = timeline;
  opt.salary_column = salary_column;
  opt.progress = progress.counter();
  try {
    run.result = simulate(run.compiled, opt);
  } catch (const std::bad_alloc&) {
    throw RunError("out of memory while simulating; use fewer --paths");
  }
  progress.stop();
  run.summary = summarize_run(s, run.compiled, run.result, s.threads, s.seed);
  run.scenario = std::move(s);
  return run;
}

const char* extension(const std::string& format) {
  if (format == "text") return "txt";
  if (format == "markdown") return "md";
  if (format == "json") return "json";
  if (format == "csv") return "csv";
  return "html";
}

void write_file(const fs::path& path, const std::string& content) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw RunError(fmt::format("cannot write {}", path.string()));
}

std::string render(const Run& run, const std::string& format) {
  if (format == "json") return to_json(run.summary);
  if (format == "csv") return to_csv(run.summary);
  if (format == "markdown") return to_markdown(run.summary);
  if (format == "html") return to_html(run.summary, chart_data(run.result));
  return to_text(run.summary);
}

// Per-path columns for the user's own analysis: CSV, or .npy (float64, paths x columns).
void write_paths(const Run& run, const std::string& file) {
  std::vector<std::string> names;
  std::vector<const std::vector<double>*> cols;
  for (std::size_t o = 0; o < run.scenario.offers.size(); ++o) {
    const std::string& id = run.scenario.offers[o].id;
    names.insert(names.end(), {id + ".cash", id + ".equity", id + ".total"});
    cols.insert(cols.end(), {&run.result.cash[o], &run.result.equity[o], &run.result.total[o]});
  }
  for (std::size_t k = 0; k < run.scenario.compare.size(); ++k) {
    const auto& c = run.scenario.compare[k];
    names.push_back("diff." + run.scenario.offers[c.a].id + "-" + run.scenario.offers[c.b].id);
    cols.push_back(&run.result.diff[k]);
  }
  std::ofstream out(file, std::ios::binary);
  if (!out) throw RunError("cannot write " + file);
  if (fs::path(file).extension() == ".npy") {
    std::string header =
        fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, {}), }}",
                    run.result.paths, cols.size());
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    out.write("\x93NUMPY\x01\x00", 8);
    const std::uint16_t len = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(len & 0xff));
    out.put(static_cast<char>(len >> 8));
    out << header;
    for (std::uint64_t i = 0; i < run.result.paths; ++i)
      for (const auto* c : cols) out.write(reinterpret_cast<const char*>(&(*c)[i]), sizeof(double));
    write_file(file + ".columns.txt", [&] {
      std::string s;
      for (const auto& n : names) s += n + "\n";
      return s;
    }());
  } else {
    out << "path";
    for (const auto& n : names) out << "," << n;
    out << "\n";
    for (std::uint64_t i = 0; i < run.result.paths; ++i) {
      out << i;
      for (const auto* c : cols) out << fmt::format(",{:.17g}", (*c)[i]);
      out << "\n";
    }
  }
  if (!out) throw RunError("cannot write " + file);
}

std::string stem_of(const std::string& file) {
  return file.empty() ? "hf-paris-vs-google-l5" : fs::path(file).stem().string();
}

int cmd_run(const std::vector<std::string>& inputs, const Common& c, const std::string& paths_out) {
  const std::vector<Override> overrides = overrides_of(c);
  std::vector<std::string> files =
      inputs.empty() ? std::vector<std::string>{""} : expand_inputs(inputs);
  std::vector<std::string> formats =
      c.formats.empty() ? std::vector<std::string>{"text"} : c.formats;
  std::sort(formats.begin(), formats.end());
  formats.erase(std::unique(formats.begin(), formats.end()), formats.end());
  const bool batch = files.size() > 1;
  if (!paths_out.empty() && batch) throw UsageError("--paths-out takes a single scenario");
  const bool to_folder = !c.out.empty() && (batch || formats.size() > 1 || c.out.back() == '/' ||
                                            fs::is_directory(c.out));
  if (c.out.empty() && formats.size() > 1)
    throw UsageError("several --format values need --out FOLDER");

  // Validate everything before running anything.
  std::vector<Scenario> scenarios;
  int invalid = 0;
  for (const std::string& f : files) {
    try {
      scenarios.push_back(load_or_throw(f, overrides));
    } catch (const UsageError& e) {
      std::cerr << e.what() << "\n";
      ++invalid;
    }
  }
  if (invalid) return 2;

  const bool html = std::find(formats.begin(), formats.end(), "html") != formats.end();
  std::vector<BatchRow> rows;
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const Run run = simulate_scenario(scenarios[k], html, c.quiet);
    const std::string stem = stem_of(files[k]);
    for (const std::string& fmt_name : formats) {
      const std::string content = render(run, fmt_name);
      if (c.out.empty()) {
        std::cout << content << (batch ? "\n" : "");
      } else if (to_folder) {
        write_file(fs::path(c.out) / (stem + "." + extension(fmt_name)), content);
      } else {
        write_file(c.out, content);
      }
    }
    if (!paths_out.empty()) write_paths(run, paths_out);
    const auto r = batch_rows(run.summary);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (batch) {
    for (const std::string& fmt_name : formats) {
      std::string table = batch_table(rows, fmt_name);
      if (fmt_name == "html") {
        std::string links;
        for (const std::string& f : files)
          links += fmt::format("<li><a href=\"{0}.html\">{0}</a></li>\n", stem_of(f));
        table =
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta "
            "charset=\"utf-8\"/>"
            "<title>vestsim "
            "batch</title><style>body{font-family:sans-serif;max-width:900px;margin:2em auto}"
            "td,th{padding:3px 8px;border-bottom:1px solid #eee}</style></head><body>\n"
            "<h1>Batch summary</h1>\n<ul>\n" +
            links + "</ul>\n" + markdown_table_html(batch_table(rows, "markdown")) +
            "</body></html>\n";
      }
      if (c.out.empty()) {
        if (fmt_name == "text") std::cout << "Batch summary\n";
        std::cout << table;
      } else {
        write_file(
            fs::path(c.out) / (fmt_name == "html" ? std::string("index.html")
                                                  : "summary." + std::string(extension(fmt_name))),
            table);
      }
    }
  }
  if (!c.out.empty() && !c.quiet) std::cerr << "reports written to " << c.out << "\n";
  return 0;
}

int cmd_validate(const std::vector<std::string>& inputs, const std::vector<std::string>& sets) {
  Common c;
  c.sets = sets;
  const std::vector<Override> overrides = overrides_of(c);
  int bad = 0;
  for (const std::string& f : expand_inputs(inputs)) {
    const LoadResult r = load_scenario_file(f, overrides);
    if (r.ok()) {
      std::cout << f << ": ok\n";
    } else {
      for (const Diagnostic& d : r.errors) std::cerr << d.to_string() << "\n";
      std::cerr << fmt::format("{}: {} problem{}\n", f, r.errors.size(),
                               r.errors.size() == 1 ? "" : "s");
      ++bad;
    }
  }
  return bad ? 2 : 0;
}

int offer_index(const Scenario& s, const std::string& id, const char* flag) {
  for (std::size_t i = 0; i < s.offers.size(); ++i)
    if (s.offers[i].id == id) return static_cast<int>(i);
  std::string ids;
  for (const auto& o : s.offers) ids += (ids.empty() ? "" : ", ") + o.id;
  throw UsageError(
      fmt::format("{} '{}': no such offer; offers in this scenario: {}", flag, id, ids));
}

int cmd_breakeven(const std::string& file, std::string offer, std::string against,
                  const std::vector<std::string>& metrics_in, const std::string& solve,
                  const std::string& gamma, const std::string& wealth, const Common& c) {
  std::vector<Override> overrides = overrides_of(c);
  if (!gamma.empty()) overrides.push_back({"report.risk_aversion", gamma});
  if (!wealth.empty()) overrides.push_back({"report.wealth", wealth});
  Scenario s = load_or_throw(file, overrides);
  if (offer.empty() != against.empty())
    throw UsageError("give both --offer and --against, or neither");
  if (offer.empty()) {  // the scenario's first comparison
    if (s.compare.empty())
      throw UsageError("the scenario compares nothing; give --offer and --against");
    offer = s.offers[s.compare.front().a].id;
    against = s.offers[s.compare.front().b].id;
  }
  const int a = offer_index(s, offer, "--offer"), b = offer_index(s, against, "--against");
  if (a == b) throw UsageError("--offer and --against name the same offer");
  const bool base = solve == "base";
  const Offer& oa = s.offers[a];
  if (!base && oa.grants.empty())
    throw UsageError(
        fmt::format("offer '{}' has no equity grant to solve for; try --solve base", offer));
  const double current = base ? oa.base : oa.grants[0].value;
  if (!(current > 0))
    throw UsageError(fmt::format("offer '{}': today's {} is 0, so there is nothing to scale", offer,
                                 base ? "base" : "first grant value"));
  const Run run = simulate_scenario(s, false, c.quiet, base);
  const SimResult& r = run.result;
  std::vector<double> fixed(r.paths);
  const std::vector<double>& scaled = base ? r.salary_bonus[a] : r.equity[a];
  for (std::uint64_t i = 0; i < r.paths; ++i) fixed[i] = r.total[a][i] - scaled[i];
  BreakevenInput in{fixed, scaled, r.total[b], s.risk_aversion, s.wealth, current};

  std::vector<Metric> metrics;
  for (const std::string& m :
       metrics_in.empty() ? std::vector<std::string>{"p50", "mean", "ce", "win"} : metrics_in)
    metrics.push_back(m == "p50"    ? Metric::kP50
                      : m == "mean" ? Metric::kMean
                      : m == "ce"   ? Metric::kCe
                                    : Metric::kWin);
  std::vector<BreakevenResult> results;
  for (Metric m : metrics) results.push_back(solve_breakeven(in, m));

  const std::string format = c.formats.empty() ? "text" : c.formats.front();
  const std::string& cur = oa.currency;
  const std::string what = base ? "base salary" : "equity";
  const std::string horizon = fmt::format("{:g}", s.horizon_years);
  const std::string label_b = s.offers[b].label;
  std::string out;
  if (format == "json") {
    nlohmann::ordered_json j;
    j["scenario"] = s.name;
    j["offer"] = offer;
    j["against"] = against;
    j["solve"] = base ? "base" : "equity";
    j["currency"] = cur;
    j["paths"] = s.paths;
    j["seed"] = s.seed;
    j["current"] = current;
    j["ci_method"] =
        "batch means: 20 contiguous batches of paths, each solved alone; value +- t(19, 0.975) * "
        "sd / sqrt(20)";
    nlohmann::ordered_json res = nlohmann::ordered_json::object();
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const BreakevenResult& br = results[k];
      nlohmann::ordered_json e;
      if (br.found) {
        e["value"] = br.k * current;
        if (std::isnan(br.ci_lo))
          e["ci95"] = nullptr;
        else
          e["ci95"] = {br.ci_lo * current, br.ci_hi * current};
      } else {
        e["value"] = nullptr;
        e["ci95"] = nullptr;
        e["reason"] = br.reason;
      }
      res[metric_name(metrics[k])] = e;
    }
    j["results"] = res;
    out = j.dump(2) + "\n";
  } else {
    const bool md = format == "markdown";
    out += md ? fmt::format("# Break-even: {} vs {}\n\n", oa.label, label_b)
              : fmt::format("Break-even {} for {} against {}\n", what, oa.label, label_b);
    std::string today =
        fmt::format("today {} ({} paths, seed {}; 95% CI by batch means)", money(current, cur),
                    grouped(static_cast<long long>(s.paths)), s.seed);
    if (!base && oa.grants.size() > 1)
      today += fmt::format(
          ";\n{}figures are the first grant's value, the other {} grant{} scaled in proportion",
          md ? "" : "  ", oa.grants.size() - 1, oa.grants.size() > 2 ? "s" : "");
    out += (md ? "" : "  ") + today + (md ? ".\n\n" : "\n");
    for (std::size_t k = 0; k < metrics.size(); ++k) {
      const BreakevenResult& br = results[k];
      std::string goal;
      switch (metrics[k]) {
        case Metric::kP50:
          goal = "To match " + label_b + " at the median";
          break;
        case Metric::kMean:
          goal = "To match " + label_b + " on average";
          break;
        case Metric::kCe:
          goal = fmt::format("For a risk-averse candidate (γ = {:g}, wealth {})", s.risk_aversion,
                             money(s.wealth, s.currency));
          break;
        case Metric::kWin:
          goal = "To be ahead of " + label_b + " with 50% probability";
          break;
      }
      std::string answer, ci;
      if (!br.found) {
        answer = "no amount is enough (" + br.reason + ")";
      } else {
        answer = fmt::format("≥ {}{}", money(br.k * current, cur),
                             base ? " base" : " in equity over " + horizon + " years");
        if (!std::isnan(br.ci_lo))
          ci = fmt::format("95% CI {} – {}", money(br.ci_lo * current, cur),
                           money(br.ci_hi * current, cur));
      }
      if (md)
        out += fmt::format("- {} you need **{}**{}\n", goal, answer,
                           ci.empty() ? "" : " (" + ci + ")");
      else
        out += fmt::format("  {} you need {}\n{}", goal, answer,
                           ci.empty() ? "" : "      " + ci + "\n");
    }
    out += md ? "\n" : "";
  }
  if (c.out.empty())
    std::cout << out;
  else
    write_file(c.out, out);
  return 0;
}

// "A:B" (or the scenario's first comparison when empty).
Comparison resolve_comparison(const Scenario& s, const std::string& text) {
  if (text.empty()) {
    if (s.compare.empty()) throw UsageError("the scenario compares nothing; give --compare A:B");
    return s.compare.front();
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) throw UsageError("--compare: expected A:B, e.g. hf_ask:google");
  const int a = offer_index(s, text.substr(0, colon), "--compare");
  const int b = offer_index(s, text.substr(colon + 1), "--compare");
  if (a == b) throw UsageError("--compare: A and B are the same offer");
  return {a, b};
}

std::string output_format(const Common& c) {
  if (c.formats.size() > 1) throw UsageError("this command writes one --format at a time");
  return c.formats.empty() ? "text" : c.formats.front();
}

void emit(const Common& c, const std::string& content) {
  if (c.out.empty())
    std::cout << content;
  else
    write_file(c.out, content);
}

int cmd_sweep(const std::string& file, const std::vector<std::string>& varies,
              const std::string& compare, const Common& c) {
  const std::string format = output_format(c);
  const std::vector<Override> base = overrides_of(c);
  SweepResult res;
  for (const std::string& v : varies) {
    const std::size_t eq = v.find('=');
    double from = 0, to = 0, step = 0;
    char c1 = 0, c2 = 0;
    std::istringstream in(eq == std::string::npos ? "" : v.substr(eq + 1));
    if (eq == std::string::npos || !(in >> from >> c1 >> to >> c2 >> step) || c1 != ':' ||
        c2 != ':' || !in.eof() || !(step > 0) || to < from)
      throw UsageError(
          fmt::format("--vary '{}': expected PATH=FROM:TO:STEP with FROM <= TO and STEP > 0, "
                      "e.g. offers.hf_ask.grants[0].value=200000:500000:25000",
                      v));
    std::vector<double> grid;
    for (int k = 0; from + k * step <= to + 1e-9 * step; ++k) grid.push_back(from + k * step);
    if (grid.size() > 400)
      throw UsageError(fmt::format("--vary '{}': {} points; at most 400", v, grid.size()));
    res.params.push_back(v.substr(0, eq));
    res.grids.push_back(grid);
  }
  if (res.params.empty() || res.params.size() > 2)
    throw UsageError("give one or two --vary parameters");
  // Every grid point is a scenario of its own: validate them all before running any.
  std::vector<std::vector<double>> combos;
  for (double x : res.grids[0]) {
    if (res.grids.size() == 1)
      combos.push_back({x});
    else
      for (double y : res.grids[1]) combos.push_back({x, y});
  }
  std::vector<Scenario> scenarios;
  for (const auto& combo : combos) {
    std::vector<Override> o = base;
    for (std::size_t k = 0; k < combo.size(); ++k)
      o.push_back({res.params[k], fmt::format("{:.17g}", combo[k])});
    scenarios.push_back(load_or_throw(file, o));
  }
  const Comparison cmp = resolve_comparison(scenarios[0], compare);
  const Scenario& first = scenarios[0];
  res.scenario = first.name;
  res.currency = first.currency;
  res.a = first.offers[cmp.a].id;
  res.b = first.offers[cmp.b].id;
  res.paths = first.paths;
  res.seed = first.seed;
  res.points.resize(combos.size());
  Progress progress(combos.size(), c.quiet, "grid points");
  // Grid points in parallel, each simulated on one thread: results do not depend on threads.
  engine::for_each_index(combos.size(), first.threads, [&](std::size_t k) {
    Scenario s = scenarios[k];
    s.compare = {cmp};
    const CompiledScenario cs = compile(s, s.seed);
    SimOptions o;
    o.paths = s.paths;
    o.threads = 1;
    o.block = s.block;
    const SimResult r = simulate(cs, o);
    const double q[] = {50};
    std::vector<double> a = r.total[cmp.a], b = r.total[cmp.b], d = r.diff[0];
    std::size_t wins = 0;
    for (double x : d) wins += x > 0;
    res.points[k] = {combos[k], static_cast<double>(wins) / static_cast<double>(s.paths),
                     engine::select_percentiles(a, q)[0], engine::select_percentiles(b, q)[0],
                     engine::select_percentiles(d, q)[0]};
    progress.counter()->fetch_add(1);
  });
  progress.stop();
  emit(c, sweep_report(res, format));
  return 0;
}

int cmd_sensitivity(const std::string& file, const std::string& compare, const Common& c) {
  const std::string format = output_format(c);
  const Scenario s = load_or_throw(file, overrides_of(c));
  const Comparison cmp = resolve_comparison(s, compare);
  const std::size_t runs = 1 + 2 * uncertain_inputs(s).size();
  Progress progress(runs, c.quiet, "runs");
  const TornadoResult t = run_sensitivity(s, cmp, s.paths, s.threads, 0.1, 0.9, progress.counter());
  progress.stop();
  emit(c, tornado_report(t, s.name, s.paths, s.seed, format));
  return 0;
}

int cmd_bench(const std::string& paths_text, const std::string& threads_text,
              const std::string& format) {
  Common c;
  c.paths = paths_text.empty() ? "1000000" : paths_text;
  c.threads = threads_text;
  Scenario s = load_or_throw("", overrides_of(c));
  const int threads = engine::resolve_threads(s.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const CompiledScenario cs = compile(s, s.seed);
  const DrawCounts draws = count_draws(cs, 20000);
  SimOptions opt;
  opt.paths = s.paths;
  opt.threads = threads;
  opt.block = s.block;
  const SimResult r = simulate(cs, opt);
  const RunSummary summary = summarize_run(s, cs, r, threads, s.seed);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rng =
      engine::rng_only_seconds(s.paths, draws.uniforms, draws.normals, threads, s.block);
  const double ratio = r.seconds / rng;
  if (format == "json") {
    nlohmann::ordered_json j{{"scenario", s.name},
                             {"paths", s.paths},
                             {"threads", threads},
                             {"cores", static_cast<int>(std::thread::hardware_concurrency())},
                             {"seconds", r.seconds},
                             {"paths_per_second", s.paths / r.seconds},
                             {"draws_per_path", draws.uniforms},
                             {"normals_per_path", draws.normals},
                             {"rng_seconds", rng},
                             {"rng_bound_ratio", ratio},
                             {"end_to_end_seconds", total}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << fmt::format(
        "{}\n  cores {} · threads {} · {} paths\n  simulate {:.3f} s = {:.0f} paths/s (end to end "
        "with "
        "compile and statistics {:.3f} s)\n  draws per path {:.1f} ({:.1f} through the normal "
        "transform)\n  RNG alone {:.3f} s for the same draws\n  RNG-bound ratio {:.2f} (1.0 is the "
        "limit; the budget is <= 2.0)\n",
        s.name, std::thread::hardware_concurrency(), threads, s.paths, r.seconds,
        s.paths / r.seconds, total, draws.uniforms, draws.normals, rng, ratio);
  }
  (void)summary;
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"vestsim: Monte Carlo comparison of job offers with private and public equity"};
  app.require_subcommand(1);
  app.footer(
      "Run 'vestsim COMMAND --help' for a command's options.\n"
      "Example: vestsim run                      # the built-in Hugging Face vs Google Paris case");

  Common run_common;
  std::vector<std::string> run_inputs;
  std::string paths_out;
  CLI::App* run = app.add_subcommand("run", "Simulate scenarios and print percentile reports");
  run->add_option("scenarios", run_inputs,
                  "Scenario files or folders (default: the built-in scenario)");
  add_common(run, run_common);
  run->add_option("--paths-out", paths_out,
                  "Also write the per-path columns (.csv, or .npy for numpy)");
  run->footer(
      "Examples:\n  vestsim run\n  vestsim run scenarios/hf-nyc-vs-anthropic.yaml --paths 1e6\n"
      "  vestsim run scenarios/ --format html --format json --out report/");

  std::vector<std::string> validate_inputs, validate_sets;
  CLI::App* validate = app.add_subcommand("validate", "Check scenario files; list every problem");
  validate->add_option("scenarios", validate_inputs, "Scenario files or folders")->required();
  validate->add_option("--set", validate_sets, "Override a value before checking: PATH=VALUE");
  validate->footer("Example:\n  vestsim validate scenarios/*.yaml");

  Common be_common;
  std::string be_file, be_offer, be_against, be_solve = "equity", be_gamma, be_wealth;
  std::vector<std::string> be_metrics;
  CLI::App* be = app.add_subcommand(
      "breakeven", "The equity grant (or base) at which one offer matches another");
  be->add_option("scenario", be_file, "Scenario file (default: the built-in scenario)");
  be->add_option("--offer", be_offer,
                 "The offer whose grant is solved for (default: a of the first comparison)");
  be->add_option("--against", be_against,
                 "The offer to match (default: b of the first comparison)");
  be->add_option("--metric", be_metrics, "p50, mean, ce or win (default: all four)")
      ->check(CLI::IsMember({"p50", "mean", "ce", "win"}));
  be->add_option("--solve", be_solve,
                 "What to solve for: equity (all grants scaled together) or base")
      ->check(CLI::IsMember({"equity", "base"}));
  be->add_option("--risk-aversion", be_gamma,
                 "CRRA gamma for the ce metric (default: the scenario's)");
  be->add_option("--wealth", be_wealth,
                 "Starting wealth for the ce metric (default: the scenario's)");
  add_common(be, be_common);
  be->footer(
      "Example:\n  vestsim breakeven scenarios/hf-paris-vs-google-l5.yaml --offer hf_ask --against "
      "google");

  Common sweep_common;
  std::string sweep_file, sweep_compare;
  std::vector<std::string> sweep_varies;
  CLI::App* sweep =
      app.add_subcommand("sweep", "P(a beats b) and medians over a grid of one or two parameters");
  sweep->add_option("scenario", sweep_file, "Scenario file (default: the built-in scenario)");
  sweep
      ->add_option("--vary", sweep_varies,
                   "PATH=FROM:TO:STEP, any scalar path as for --set (once or twice)")
      ->required();
  sweep->add_option("--compare", sweep_compare,
                    "A:B, the comparison to report (default: the scenario's first)");
  add_common(sweep, sweep_common);
  sweep->footer(
      "Example:\n  vestsim sweep --vary offers.hf_ask.grants[0].value=200000:600000:50000\n"
      "  vestsim sweep --vary offers.hf_ask.base=115000:155000:10000 "
      "--vary offers.hf_ask.grants[0].value=200000:500000:100000 --format html --out sweep.html");

  Common sens_common;
  std::string sens_file, sens_compare;
  CLI::App* sens =
      app.add_subcommand("sensitivity", "Tornado bars: which uncertain inputs move the comparison");
  sens->add_option("scenario", sens_file, "Scenario file (default: the built-in scenario)");
  sens->add_option("--compare", sens_compare,
                   "A:B, the comparison (default: the scenario's first)");
  add_common(sens, sens_common);
  sens->footer(
      "Example:\n  vestsim sensitivity scenarios/hf-paris-vs-google-l5.yaml --compare "
      "hf_ask:google");

  std::string bench_paths, bench_threads, bench_format = "text";
  CLI::App* bench = app.add_subcommand(
      "bench", "Paths per second and the RNG-bound ratio on the built-in scenario");
  bench->add_option("--paths", bench_paths, "Paths to simulate (default 1e6)");
  bench->add_option("--threads", bench_threads, "Worker threads (0 = all cores)");
  bench->add_option("--format", bench_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  bench->footer("Example:\n  vestsim bench --paths 1e7 --threads 2 --format json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    if (*run) return cmd_run(run_inputs, run_common, paths_out);
    if (*validate) return cmd_validate(validate_inputs, validate_sets);
    if (*be)
      return cmd_breakeven(be_file, be_offer, be_against, be_metrics, be_solve, be_gamma, be_wealth,
                           be_common);
    if (*sweep) return cmd_sweep(sweep_file, sweep_varies, sweep_compare, sweep_common);
    if (*sens) return cmd_sensitivity(sens_file, sens_compare, sens_common);
    if (*bench) return cmd_bench(bench_paths, bench_threads, bench_format);
  } catch (const UsageError& e) {
    std::cerr << "vestsim: " << e.what() << "\n";
    return 2;
  } catch (const RunError& e) {
    std::cerr << "vestsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "vestsim: run failed: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace vestsim::tools
