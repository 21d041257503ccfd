#include "tools/cli/options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ostream>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "models/io/load.hpp"
#include "models/io/reader.hpp"
#include "models/studies/precision.hpp"
#include "tools/version.hpp"

namespace vestsim::tools {

namespace {

// std::stod(text, &used) less what nobody means by a number on a command line: hexadecimal
// (0x10), leading white space, inf, nan and a second sign. `used` is 0 (and the result 0) when
// nothing was read; a finite number otherwise. Throws nothing.
double read_decimal(const std::string& text, std::size_t& used) {
  const char* const first = text.data();
  const char* const last = first + text.size();
  const char* at = first != last && *first == '+' ? first + 1 : first;  // from_chars takes no '+'
  if (at != first && at != last && (*at == '-' || *at == '+')) {        // "+-0": one sign only
    used = 0;
    return 0;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(at, last, v, std::chars_format::general);
  used = ec == std::errc() && std::isfinite(v) ? static_cast<std::size_t>(end - first) : 0;
  return used ? v : 0;
}

// True when `text` is a number above kMaxCount.
bool above_max(const std::string& text) {
  std::size_t used = 0;
  const double v = read_decimal(text, used);
  return used != 0 && used == text.size() && v >= static_cast<double>(kMaxCount);
}

// Accepts whole numbers >= lo (and <= hi when given), also in e notation, and rewrites them
// plainly for CLI11's integer conversion.
CLI::Validator count(double lo, std::optional<std::uint64_t> hi = std::nullopt) {
  return CLI::Validator(
      [lo, hi](std::string& text) {
        const std::optional<std::uint64_t> v = parse_count(text, lo);
        if (hi && !(v && *v <= *hi))
          return fmt::format("expected a whole number from {} to {}, got '{}'", lo, *hi, text);
        if (!v && above_max(text))
          return fmt::format(
              "'{}' is above 2^53 = {}, the largest whole number JSON readers keep exactly "
              "(they read numbers as doubles)",
              text, kMaxCount);
        if (!v) return fmt::format("expected a whole number >= {}, got '{}'", lo, text);
        text = std::to_string(*v);
        return std::string();
      },
      "");
}

template <class E>
using Names = std::vector<std::pair<std::string, E>>;

// An option whose values are the names in `names`, stored as the mapped enum;
// anything else is refused with the list of names.
template <class E, class Target>
CLI::Option* add_named(CLI::App* app, const std::string& flag, Target& target,
                       const Names<E>& names, const std::string& help) {
  std::string list;
  for (const auto& [name, value] : names) list += (list.empty() ? "" : ",") + name;
  const CLI::Validator by_name(
      [names, list](std::string& text) {
        for (const auto& [name, value] : names)
          if (name == text) {
            text = std::to_string(static_cast<int>(value));
            return std::string();
          }
        return text + " not in {" + list + "}";
      },
      "{" + list + "}");
  // One value per occurrence, even for a list: `--format json report.yaml` must leave the
  // scenario file to the command.
  return app->add_option(flag, target, help)
      ->type_name("TEXT")
      ->transform(by_name)
      ->allow_extra_args(false);
}

// --set PATH=VALUE, repeatable; each is checked for shape here, for meaning by the loader.
CLI::Option* add_sets(CLI::App* app, std::vector<models::Override>& sets, const std::string& help) {
  return app
      ->add_option_function<std::vector<std::string>>(
          "--set",
          [&sets](const std::vector<std::string>& texts) {
            for (const std::string& t : texts) {
              models::Override o;
              const std::string err = models::parse_override(t, o);
              if (!err.empty()) throw CLI::ValidationError(err);
              sets.push_back(o);
            }
          },
          help)
      ->allow_extra_args(false);  // repeatable, one PATH=VALUE each: a file may follow
}

// A name or path that must not be empty: "" is most often an unset shell variable ("$FILE"),
// and taking it for "not given" (the built-in scenario, standard output, the default offer)
// would report something else than was asked, silently. `message` says what to do instead.
CLI::Validator not_empty(const char* message) {
  return CLI::Validator(
      [message](const std::string& text) { return text.empty() ? message : std::string(); }, "");
}

constexpr const char* kBuiltIn =
    "an empty file name; give a file, or none at all for the built-in scenario";
constexpr const char* kNoCompare =
    "an empty comparison; give A:B, or leave the option out for the scenario's first";

void add_simulation_flags(CLI::App* app, SimulationFlags& f) {
  app->add_option("--paths", f.paths,
                  "Number of simulated futures (e.g. 1e6); default from the scenario")
      ->type_name("N")
      ->transform(count(1));
  app->add_option("--seed", f.seed,
                  "Run seed; the same seed gives the same report on any thread count")
      ->type_name("S")
      ->transform(count(0));
  // As simulation.threads: at most 1024 (more than an int holds was CLI11's raw conversion error).
  app->add_option("--threads", f.threads, "Worker threads (0 = all cores, at most 1024)")
      ->type_name("T")
      ->transform(count(0, 1024));
  app->add_option("--sampler", f.sampler,
                  "philox (default) or sobol: scrambled Sobol points for the exit, outcome, "
                  "multiples and departure, errors from 16 replicates")
      ->type_name("NAME")
      ->check(CLI::Validator(
          [](const std::string& text) {
            const models::io::Keys names = {"philox", "sobol"};
            if (text == "philox" || text == "sobol") return std::string();
            const std::string_view near = models::io::nearest_key(text, names);
            return near.empty()
                       ? fmt::format("expected philox or sobol, got '{}'", text)
                       : fmt::format("unknown sampler '{}'; did you mean '{}'?", text, near);
          },
          ""));
  add_sets(app, f.sets, "Override a scenario value, e.g. offers.hf.base=140000 (repeatable)")
      ->type_name("PATH=VALUE");
  add_named(app, "--format", f.formats, format_names(), "Report format (repeatable with --out)")
      ->type_name("FORMAT");
  app->add_option("--out", f.out,
                  "Write reports here: a file, or a folder for several formats or scenarios")
      ->type_name("PATH")
      ->check(not_empty("an empty path; leave --out out to write to standard output"));
  app->add_flag("--quiet,-q", f.quiet, "No progress bar");
}

const Names<models::Metric> kMetrics = {{"p50", models::Metric::kP50},
                                        {"mean", models::Metric::kMean},
                                        {"ce", models::Metric::kCe},
                                        {"win", models::Metric::kWin}};
const Names<models::Solve> kSolve = {{"equity", models::Solve::kEquity},
                                     {"base", models::Solve::kBase}};
const Names<models::Scale> kScale = {{"first", models::Scale::kFirst},
                                     {"all", models::Scale::kAll}};
const Names<Format> kBenchFormats = {{"text", Format::kText}, {"json", Format::kJson}};
// The categories a single income may have in `vestsim taxes` (qualified_excess is what a
// qualified amount above the cap becomes, not an income of its own).
const Names<models::TaxCategory> kIncomeCategories = {
    {"wages", models::TaxCategory::kWages},
    {"equity_income", models::TaxCategory::kEquityIncome},
    {"qualified", models::TaxCategory::kQualified},
    {"gain_short", models::TaxCategory::kGainShort},
    {"gain_long", models::TaxCategory::kGainLong}};

// --basis after-tax|pre-tax (docs/tax.md#t6-outputs); left empty, the command takes the
// scenario's default.
void add_basis(CLI::App* app, std::optional<models::Basis>& basis) {
  app->add_option_function<std::string>(
         "--basis",
         [&basis](const std::string& text) {
           if (text != "after-tax" && text != "pre-tax")
             throw CLI::ValidationError("--basis: " + text + " not in {after-tax,pre-tax}");
           basis = text == "after-tax" ? models::Basis::kAfterTax : models::Basis::kPreTax;
         },
         "Compare totals after tax or before it (default: after-tax when any offer has a tax "
         "regime, else pre-tax)")
      ->type_name("{after-tax,pre-tax}");
}

// The flags of breakeven, sweep and sensitivity: --basis, then the simulation flags.
// --precision and --max-paths of `run` and `breakeven`
// (docs/design.md#19-runs-that-stop-at-a-precision).
void add_precision_flags(CLI::App* app, std::string& precision, std::uint64_t& max_paths,
                         const char* what) {
  app->add_option("--precision", precision,
                  fmt::format("Run until each named 95% CI half-width is reached{}, e.g. "
                              "p_win=0.002,p50_diff=1000 (p_win, mean_diff, p50_diff, "
                              "mean_total, p50_total)",
                              what))
      ->type_name("NAME=HW,...")
      ->check(CLI::Validator(
          [](const std::string& text) {
            std::string error;
            return models::parse_precision(text, error) ? std::string() : error;
          },
          ""));
  app->add_option("--max-paths", max_paths,
                  "Where a --precision run stops if the targets are not reached (default 1e7; "
                  "at most 1e9, as simulation.paths)")
      ->type_name("N")
      ->transform(count(1, 1000000000));
}

void add_study_flags(CLI::App* app, std::optional<models::Basis>& basis, SimulationFlags& f) {
  add_basis(app, basis);
  add_simulation_flags(app, f);
}

// Any finite decimal number, its range checked where it is used (as the scenario's key would be).
CLI::Validator decimal() {
  return CLI::Validator(
      [](std::string& text) {
        std::size_t used = 0;
        read_decimal(text, used);
        if (used == 0 || used != text.size())
          return fmt::format("expected a decimal number, got '{}'", text);
        return std::string();
      },
      "");
}

// An amount of money: a finite number >= 0 (1e5 works).
CLI::Validator amount() {
  return CLI::Validator(
      [](std::string& text) {
        std::size_t used = 0;
        const double v = read_decimal(text, used);
        if (used == 0 || used != text.size() || v < 0 || v > 1e12)
          return fmt::format("expected an amount from 0 to 1e12, got '{}'", text);
        return std::string();
      },
      "");
}

// The subcommands, each filling its own options struct.
struct Parser {
  CLI::App app{"vestsim: Monte Carlo comparison of job offers with private and public equity"};
  RunOptions run;
  ValidateOptions validate;
  BreakevenOptions breakeven;
  SweepOptions sweep;
  SensitivityOptions sensitivity;
  BenchOptions bench;
  TaxesOptions taxes;
  CLI::App *run_app, *validate_app, *breakeven_app, *sweep_app, *sensitivity_app, *bench_app,
      *taxes_app;

  Parser() {
    app.require_subcommand(1);
    app.set_version_flag("--version", version_line(),
                         "Print the version and the commit, then exit");
    // Our own checks say everything in their message; CLI11's own errors get its hint.
    app.failure_message([](const CLI::App* a, const CLI::Error& e) {
      if (dynamic_cast<const CLI::ValidationError*>(&e))
        return "vestsim: " + std::string(e.what()) + "\n";
      return CLI::FailureMessage::simple(a, e);
    });
    app.footer(
        "Run 'vestsim COMMAND --help' for a command's options.\n"
        "Example: vestsim run                      # the built-in Hugging Face vs Google Paris "
        "case");
    add_run();
    add_validate();
    add_breakeven();
    add_sweep();
    add_sensitivity();
    add_bench();
    add_taxes();
  }

  void add_run() {
    run_app = app.add_subcommand("run", "Simulate scenarios and print percentile reports");
    run_app
        ->add_option("scenarios", run.scenarios,
                     "Scenario files or folders (default: the built-in scenario)")
        ->check(not_empty(kBuiltIn));
    add_simulation_flags(run_app, run.sim);
    run_app
        ->add_option("--paths-out", run.paths_out,
                     "Also write the per-path columns (.csv, or .npy for numpy)")
        ->check(not_empty("an empty path; give a .csv or .npy file"));
    run_app
        ->add_option("--memory-budget", run.memory_budget,
                     "Memory the per-path columns may take (e.g. 100MB, 8GB; default half the "
                     "RAM); above it a run simulates twice instead, with the same report")
        ->type_name("SIZE")
        ->transform(CLI::Validator(
            [](std::string& text) {
              const std::optional<double> v = parse_bytes(text);
              if (!v)
                return fmt::format("expected a size like 100MB, got '{}'",
                                   text);  // CLI11 names the flag
              text = fmt::format("{:.17g}", *v);
              return std::string();
            },
            ""));
    add_precision_flags(run_app, run.precision, run.max_paths, "");
    run_app->footer(
        "Examples:\n  vestsim run\n  vestsim run scenarios/hf-nyc-vs-anthropic.yaml --paths 1e6\n"
        "  vestsim run scenarios/ --format html --format json --out report/");
  }

  void add_validate() {
    validate_app =
        app.add_subcommand("validate", "Check scenario and tax regime files; list every problem");
    validate_app
        ->add_option("scenarios", validate.scenarios,
                     "Scenario or tax regime files, or folders of scenarios")
        ->required()
        ->check(not_empty("an empty file name; give a scenario or tax regime file"));
    add_sets(validate_app, validate.sets, "Override a value before checking: PATH=VALUE");
    validate_app->footer(
        "Examples:\n  vestsim validate scenarios/*.yaml\n  vestsim validate taxes/fr-2026.yaml");
  }

  void add_breakeven() {
    CLI::App* be = breakeven_app = app.add_subcommand(
        "breakeven", "The equity grant (or base) at which one offer matches another");
    BreakevenOptions& o = breakeven;
    be->add_option("scenario", o.scenario, "Scenario file (default: the built-in scenario)")
        ->check(not_empty(kBuiltIn));
    be->add_option("--offer", o.offer,
                   "The offer whose grant is solved for (default: a of the first comparison)")
        ->check(not_empty("an empty offer name; leave --offer out for a of the first comparison"));
    be->add_option("--against", o.against,
                   "The offer to match (default: b of the first comparison)")
        ->check(
            not_empty("an empty offer name; leave --against out for b of the first comparison"));
    add_named(be, "--metric", o.metrics, kMetrics, "p50, mean, ce or win (default: all four)");
    add_named(be, "--solve", o.solve, kSolve, "What to solve for: equity or base");
    add_named(be, "--scale", o.scale, kScale,
              "Equity: scale the first grant only (default; the figure is then its value) or "
              "all grants in proportion");
    be->add_option("--risk-aversion", o.risk_aversion,
                   "CRRA gamma for the ce metric (default: the scenario's)")
        ->check(decimal());
    be->add_option("--wealth", o.wealth,
                   "Starting wealth for the ce metric (default: the scenario's)")
        ->check(decimal());
    add_study_flags(be, o.basis, o.sim);
    add_precision_flags(be, o.precision, o.max_paths, " at each metric's solution");
    be->footer(
        "Example:\n  vestsim breakeven scenarios/hf-paris-vs-google-l5.yaml --offer hf_ask "
        "--against google");
  }

  void add_sweep() {
    sweep_app = app.add_subcommand("sweep",
                                   "P(a beats b) and medians over a grid of one or two parameters");
    sweep_app
        ->add_option("scenario", sweep.scenario, "Scenario file (default: the built-in scenario)")
        ->check(not_empty(kBuiltIn));
    sweep_app
        ->add_option_function<std::vector<std::string>>(
            "--vary",
            [this](const std::vector<std::string>& texts) {
              if (texts.size() > 2) throw CLI::ValidationError("give one or two --vary parameters");
              for (const std::string& t : texts) {
                std::string error;
                const std::optional<models::SweepAxis> axis = parse_vary(t, error);
                if (!axis) throw CLI::ValidationError(error);
                for (const models::SweepAxis& earlier : sweep.axes)
                  if (earlier.path == axis->path)
                    throw CLI::ValidationError("--vary " + axis->path + ": given twice");
                sweep.axes.push_back(*axis);
              }
            },
            "PATH=FROM:TO:STEP, any scalar path as for --set, or scale:OFFER (its first grant "
            "value times the value; scale-all:OFFER: all its grants) (once or twice)")
        ->required()
        ->allow_extra_args(false);  // one grid each: a file may follow
    sweep_app
        ->add_option("--compare", sweep.compare,
                     "A:B, the comparison to report (default: the scenario's first)")
        ->check(not_empty(kNoCompare));
    add_study_flags(sweep_app, sweep.basis, sweep.sim);
    sweep_app->footer(
        "Example:\n  vestsim sweep --vary offers.hf_ask.grants[0].value=200000:600000:50000\n"
        "  vestsim sweep --vary offers.hf_ask.base=115000:155000:10000 "
        "--vary offers.hf_ask.grants[0].value=200000:500000:100000 --format html --out "
        "sweep.html");
  }

  void add_sensitivity() {
    sensitivity_app = app.add_subcommand(
        "sensitivity", "Tornado bars: which uncertain inputs move the comparison");
    sensitivity_app
        ->add_option("scenario", sensitivity.scenario,
                     "Scenario file (default: the built-in scenario)")
        ->check(not_empty(kBuiltIn));
    sensitivity_app
        ->add_option("--compare", sensitivity.compare,
                     "A:B, the comparison (default: the scenario's first)")
        ->check(not_empty(kNoCompare));
    add_study_flags(sensitivity_app, sensitivity.basis, sensitivity.sim);
    sensitivity_app->footer(
        "Example:\n  vestsim sensitivity scenarios/hf-paris-vs-google-l5.yaml --compare "
        "hf_ask:google");
  }

  void add_bench() {
    bench_app = app.add_subcommand(
        "bench", "Paths per second and the RNG-bound ratio, on the built-in scenario or a file");
    bench_app
        ->add_option("scenario", bench.scenario, "Scenario file (default: the built-in scenario)")
        ->check(not_empty(kBuiltIn));
    bench_app->add_option("--paths", bench.paths, "Paths to simulate (default 1e6)")
        ->type_name("N")
        ->transform(count(1));
    bench_app
        ->add_option("--threads", bench.threads, "Worker threads (0 = all cores, at most 1024)")
        ->type_name("T")
        ->transform(count(0, 1024));
    add_named(bench_app, "--format", bench.format, kBenchFormats, "text or json");
    bench_app->footer(
        "Examples:\n  vestsim bench --paths 1e7 --threads 2 --format json\n"
        "  vestsim bench scenarios/hf-nyc-vs-anthropic.yaml");
  }

  void add_taxes() {
    taxes_app = app.add_subcommand(
        "taxes", "List the shipped tax regimes, or show one year's tax on an income, line by line");
    taxes_app
        ->add_option("regime", taxes.regime,
                     "A shipped regime's name or a regime file (default: list the shipped "
                     "regimes)")
        ->check(
            not_empty("an empty name; give a regime, or none at all to list the shipped regimes"));
    taxes_app->add_option("--income", taxes.income, "The income to tax, in the regime's currency")
        ->type_name("X")
        ->transform(amount());
    add_named(taxes_app, "--category", taxes.category, kIncomeCategories,
              "What the income is (default wages): wages, equity_income, qualified, gain_short, "
              "gain_long");
    add_named(taxes_app, "--format", taxes.format, kBenchFormats, "text or json");
    taxes_app->footer(
        "Examples:\n  vestsim taxes\n  vestsim taxes fr-2026 --income 100000\n"
        "  vestsim taxes us-nyc-2026 --income 50000 --category gain_long --format json");
  }

  Command command() {
    if (*run_app) return std::move(run);
    if (*validate_app) return std::move(validate);
    if (*breakeven_app) return std::move(breakeven);
    if (*sweep_app) return std::move(sweep);
    if (*sensitivity_app) return std::move(sensitivity);
    if (*taxes_app) {
      taxes.category_given = taxes_app->count("--category") > 0;
      return std::move(taxes);
    }
    return std::move(bench);
  }
};

// Reads a finite number at p followed by `stop` ('\0': the end of the text)
// and moves p past the stop.
bool read_number(const char*& p, const char* end, char stop, double& v) {
  if (p != end && *p == '+' && p + 1 != end && p[1] != '-' && p[1] != '+') ++p;  // +250 too
  const auto [next, ec] = std::from_chars(p, end, v);
  if (ec != std::errc() || !std::isfinite(v)) return false;
  if (stop == '\0' ? next != end : (next == end || *next != stop)) return false;
  p = next + (stop == '\0' ? 0 : 1);
  return true;
}

}  // namespace

std::optional<std::uint64_t> parse_count(const std::string& text, double lo) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    std::uint64_t n = 0;  // plain digits: exactly, as a double would round 2^53 + 1
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n > kMaxCount ||
        static_cast<double>(n) < lo)
      return std::nullopt;
    return n;
  }
  std::size_t used = 0;
  const double v = read_decimal(text, used);
  if (used == 0 || used != text.size() || !(v >= lo) || v != std::floor(v) ||
      v > static_cast<double>(kMaxCount))
    return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::optional<double> parse_bytes(const std::string& text) {
  std::size_t used = 0;
  const double v = read_decimal(text, used);
  if (used == 0) return std::nullopt;
  std::string unit = text.substr(used);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1},          {"B", 1},
      {"K", 1e3},       {"KB", 1e3},
      {"M", 1e6},       {"MB", 1e6},
      {"G", 1e9},       {"GB", 1e9},
      {"T", 1e12},      {"TB", 1e12},
      {"KIB", 1024},    {"MIB", 1 << 20},
      {"GIB", 1 << 30}, {"TIB", 1099511627776.0}};
  for (const auto& [name, scale] : kUnits)
    if (unit == name && v * scale >= 1 && std::isfinite(v * scale)) return v * scale;
  return std::nullopt;
}

std::optional<models::SweepAxis> parse_vary(const std::string& text, std::string& error) {
  const std::size_t eq = text.find('=');
  const char* p = eq == std::string::npos ? text.data() : text.data() + eq + 1;
  const char* end = text.data() + text.size();
  double from = 0, to = 0, step = 0;
  const bool ok = eq != std::string::npos && read_number(p, end, ':', from) &&
                  read_number(p, end, ':', to) && read_number(p, end, '\0', step);
  if (!ok || !(step > 0) || to < from) {
    error = fmt::format(
        "--vary '{}': expected PATH=FROM:TO:STEP with FROM <= TO and STEP > 0, e.g. "
        "offers.hf_ask.grants[0].value=200000:500000:25000",
        text);
    return std::nullopt;
  }
  if (const double gaps = (to - from) / step; !(gaps <= 1000)) {  // too many to list them
    error = fmt::format(
        "--vary '{}': {} points; at most 400", text,
        gaps < 1e9 ? fmt::format("{:.0f}", std::floor(gaps) + 1) : std::string("over a billion"));
    return std::nullopt;
  }
  models::SweepAxis axis{text.substr(0, eq), models::sweep_values(from, to, step)};
  // Keys a grid may not vary. The simulation settings: a grid of path counts or seeds would make
  // the header (one count, one seed) describe its first point only. The report settings (the
  // CE's risk aversion and wealth, the percentiles listed) change no figure a sweep shows, so
  // such a grid would be flat.
  static constexpr std::pair<std::string_view, std::string_view> kFixed[] = {
      {"simulation.",
       "the simulation settings are the same at every point; give --paths, --seed, --threads or "
       "--sampler instead"},
      {"report.",
       "the report settings change no figure a sweep shows (P(A beats B) and the medians); vary "
       "a scenario input, or use breakeven --metric ce for risk aversion"}};
  for (const auto& [prefix, why] : kFixed)
    if (axis.path.rfind(prefix, 0) == 0) {
      error = fmt::format("--vary {}: {}", axis.path, why);
      return std::nullopt;
    }
  if (axis.values.size() > 400) {
    error = fmt::format("--vary '{}': {} points; at most 400", text, axis.values.size());
    return std::nullopt;
  }
  return axis;
}

ParsedCommand parse_command_line(int argc, const char* const* argv, std::ostream& out,
                                 std::ostream& err) {
  Parser p;
  if (argc > 1 && argv[1][0] != '-') {  // the command: say plainly when there is no such one
    const std::string name = argv[1];
    std::string names;
    for (const CLI::App* sub : {p.run_app, p.validate_app, p.breakeven_app, p.sweep_app,
                                p.sensitivity_app, p.bench_app, p.taxes_app}) {
      if (sub->get_name() == name) {
        names.clear();
        break;
      }
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!names.empty()) {
      err << fmt::format("vestsim: unknown command '{}'; the commands are {}\n", name, names);
      return {std::nullopt, 2};
    }
  }
  // Before a command only --help and --version are taken, and --version alone.
  if (argc > 1 && argv[1][0] == '-') {
    const std::string_view first = argv[1];
    if (first != "--help" && first != "-h" && first != "--version") {
      err << fmt::format(
          "vestsim: {} is not an option of vestsim itself; give a command first (vestsim run "
          "--help lists run's options), or see vestsim --help\n",
          models::shown_file_name(argv[1], true));
      return {std::nullopt, 2};
    }
    if (first == "--version" && argc > 2) {
      err << fmt::format("vestsim: --version takes nothing after it; {} was not expected\n",
                         models::shown_file_name(argv[2], true));
      return {std::nullopt, 2};
    }
    // `vestsim --help run` is run's help; anything else after --help is refused, as after
    // --version (it was ignored: `vestsim --help frobnicate` printed the help and exited 0).
    if (first != "--version" && argc > 2) {
      const std::vector<const char*> as_command = {argv[0], argv[2], "--help"};
      if (argc == 3 && argv[2][0] != '-')
        return parse_command_line(3, as_command.data(), out, err);  // an unknown one is named
      err << fmt::format(
          "vestsim: {} takes at most a command after it (vestsim --help run); {} was not "
          "expected\n",
          first, models::shown_file_name(argv[argv[2][0] == '-' ? 2 : 3], true));
      return {std::nullopt, 2};
    }
  }
  // Help wins over every other argument (CLI11 would check the others first, and refuse
  // `vestsim run "" --help`): asked for before any "--", it is the command's help alone.
  std::vector<const char*> args(argv, argv + argc);
  for (int i = 1; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    if (std::string_view(argv[i]) != "--help" && std::string_view(argv[i]) != "-h") continue;
    args = {argv[0]};
    if (argc > 1 && argv[1][0] != '-') args.push_back(argv[1]);  // a command, checked above
    args.push_back("--help");
    break;
  }
  // "vestsim sweep": the command a message is about.
  const auto command_path = [&p] {
    std::string command = "vestsim";
    for (const CLI::App* sub : p.app.get_subcommands()) command += " " + sub->get_name();
    return command;
  };
  try {
    p.app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ExtrasError& e) {
    // CLI11 lists the extra arguments unquoted, so that an empty one reads as nothing.
    std::vector<std::string> extras = p.app.remaining();
    const std::string command = command_path();
    for (const CLI::App* sub : p.app.get_subcommands())
      for (const std::string& x : sub->remaining()) extras.push_back(x);
    // CLI11 keeps the "--" that ended the options among them: it was expected.
    if (const auto dash = std::find(extras.begin(), extras.end(), "--"); dash != extras.end())
      extras.erase(dash);
    std::string listed;
    for (const std::string& x : extras)
      listed += (listed.empty() ? "" : ", ") + models::shown_file_name(x, true);
    if (extras.empty())
      err << e.what() << "\n";
    else
      err << fmt::format("{}: {} {} not expected; see {} --help\n", command, listed,
                         extras.size() == 1 ? "was" : "were", command);
    return {std::nullopt, 2};
  } catch (const CLI::RequiredError& e) {
    // CLI11 says "scenarios is required" and nothing of the command or where to look.
    const std::string command = command_path();
    std::string what = e.what();
    if (what == "A subcommand is required") {  // bare `vestsim`: the docs call them commands
      std::string names;
      for (const CLI::App* sub : p.app.get_subcommands({}))
        names += (names.empty() ? "" : ", ") + sub->get_name();
      what = "give a command (" + names + ")";
    } else if (what == "scenarios is required") {  // validate
      what = "give the files to check: scenarios, tax regime files or folders of scenarios";
    }
    err << fmt::format("{}: {}; see {} --help\n", command, what, command);
    return {std::nullopt, 2};
  } catch (const CLI::ArgumentMismatch& e) {
    // "--paths: At Most 1 required but received 2": an option given twice.
    const std::string command = command_path();
    const std::string what = e.what();
    const std::size_t at = what.find(": At Most 1 required but received ");
    if (at == std::string::npos)
      err << fmt::format("{}: {}; see {} --help\n", command, what, command);
    else
      err << fmt::format("{}: {} was given {} times; give it once\n", command, what.substr(0, at),
                         what.substr(at + 34));
    return {std::nullopt, 2};
  } catch (const CLI::ParseError& e) {
    const int code = p.app.exit(e, out, err);
    return {std::nullopt, code == 0 ? 0 : 2};
  }
  return {p.command(), 0};
}

}  // namespace vestsim::tools
