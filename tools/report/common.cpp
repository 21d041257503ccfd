#include "tools/report/common.hpp"

#include <cctype>
#include <cmath>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/sobol.hpp"
#include "tools/report/effects.hpp"
#include "tools/version.hpp"

namespace vestsim::tools {

std::string grouped(long long v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string currency_prefix(const std::string& currency) {
  if (currency == "EUR") return "€";
  if (currency == "USD") return "$";
  if (currency == "GBP") return "£";
  return currency + " ";
}

std::string url_segment(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string money(double v, const std::string& currency) {
  // Beyond 1e18 (or not finite) a rounded integer would overflow: say it in
  // scientific notation instead ("€1.78e+76", "€inf") rather than print garbage.
  if (std::isnan(v)) return "undefined";  // a P50 the percentiles leave out, a CE not computed
  if (!(std::fabs(v) < 1e18))
    return fmt::format("{}{}{:.3g}", v < 0 ? "-" : "", currency_prefix(currency), std::fabs(v));
  const long long r = std::llround(v);
  std::string out = r < 0 ? "-" : "";
  out += currency_prefix(currency);
  out += grouped(r < 0 ? -r : r);
  return out;
}

std::string bytes_text(double b) {
  if (b >= 1e9) return fmt::format("{:.2f} GB", b / 1e9);
  if (b >= 1e6) return fmt::format("{:.1f} MB", b / 1e6);
  if (b >= 1e3) return fmt::format("{:.0f} kB", b / 1e3);
  return fmt::format("{:.4g} byte{}", b, b == 1 ? "" : "s");
}

const char* paths_noun(unsigned long long n) {
  return n == 1 ? "path" : "paths";
}

const char* years_noun(double years) {
  return years == 1 ? "year" : "years";
}

std::string percent(double p) {
  return fmt::format("{:.1f}%", 100.0 * p);
}

std::string percentile_key(double q) {
  if (q == std::floor(q)) return fmt::format("{}", static_cast<long long>(q));
  return fmt::format("{}", q);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string markdown_text(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
      continue;
    }
    if (std::string_view("\\`*_[]<>|#&~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string json_report(nlohmann::ordered_json j) {
  j["version"] = version();
  j["commit"] = commit();
  return j.dump(2) + "\n";
}

void put_sampler(nlohmann::ordered_json& j, bool sobol) {
  if (sobol) j["sampler"] = {{"name", "sobol"}, {"replicates", engine::kReplicates}};
}

std::string precision_reached(std::string_view name, double half_width, double target,
                              const std::string& currency) {
  const auto value = [&](double v) {  // money below 100 keeps its cents: "(target €0.40)"
    if (name == "p_win") return fmt::format("{:.4g}", v);
    return std::fabs(v) < 100 ? fmt::format("{}{:.2f}", currency_prefix(currency), v)
                              : money(v, currency);
  };
  return fmt::format("{} ±{} (target {})", name,
                     std::isfinite(half_width) ? value(half_width) : std::string("undefined"),
                     value(target));
}

std::vector<std::string> run_notes(const models::RunSummary& s) {
  std::vector<std::string> out;
  if (s.departure_at_month >= 0)
    out.push_back(fmt::format("Every future: the employee leaves at month {} (after {:g} years).",
                              s.departure_at_month, s.departure_at_month / 12.0));
  if (!s.precision.empty()) {
    std::string reached;
    for (const auto& p : s.precision)
      reached += (reached.empty() ? "" : ", ") +
                 precision_reached(p.name, p.half_width, p.target, s.currency);
    // Not met, the run stopped at its cap: --max-paths, or the memory budget below it.
    const std::string held =
        s.precision_met ? "targets met"
        : s.precision_cap == models::RunSummary::PathCap::kMemoryBudget
            ? fmt::format("targets NOT met (stopped at the memory budget of {})",
                          bytes_text(s.memory_budget))
            : "targets NOT met (stopped at --max-paths)";
    out.push_back(fmt::format("--precision: {} path{}, {}; {}.",
                              grouped(static_cast<long long>(s.paths)), s.paths == 1 ? "" : "s",
                              reached, held));
  }
  if (s.sobol) {
    // The P(a beats b) errors are said here, in every format, since only JSON has a field for
    // them; the means' errors are in each format's own place.
    const auto pts = [&](double se) { return points_se(se, s.paths); };
    std::string wins;
    for (const auto& c : s.comparisons)
      wins += fmt::format(
          "{}P({} beats {}) {}", wins.empty() ? "" : "; ", c.a, c.b,
          s.has_tax ? fmt::format("{} after tax, {} before tax",
                                  pts(c.p_a_beats_b_after_tax_stderr), pts(c.p_a_beats_b_stderr))
                    : pts(c.p_a_beats_b_stderr));
    out.push_back(fmt::format(
        "Sampler: sobol (scrambled Sobol points, {} replicates); the standard errors of the means "
        "and of P(a beats b) come from the spread of the replicates.",
        engine::kReplicates));
    if (!wins.empty()) out.push_back("Standard error of " + wins + ".");
  }
  return out;
}

std::string tax_disclaimer(const std::vector<std::string>& regimes) {
  if (regimes.empty()) return {};
  std::string list;
  for (const std::string& r : regimes) list += (list.empty() ? "" : ", ") + r;
  return fmt::format("After-tax figures are a model of tax, not tax advice: regime{} {}.",
                     regimes.size() == 1 ? "" : "s", list);
}

std::string certainty_lines(const models::RunSummary& s, const models::ComparisonSummary& c,
                            const std::string& lead, const std::string& sep,
                            const std::string& end) {
  const std::string crra =
      fmt::format("CRRA γ = {}, wealth {}", s.risk_aversion, money(s.wealth, s.currency));
  const auto line = [&](const char* basis, double a, double b) {
    const bool after = basis[0] != '\0' && basis[1] == 'a';  // " after tax"
    return fmt::format("{}{} ({}): {} {}{}{} {}{}", lead, basis, crra, c.a,
                       certainty_text(s, c.a, a, after), sep, c.b, certainty_text(s, c.b, b, after),
                       end);
  };
  std::string out;
  if (s.has_tax) out += line(" after tax", c.ce_a_after_tax, c.ce_b_after_tax);
  return out + line(s.has_tax ? " before tax" : "", c.ce_a, c.ce_b);
}

std::string basis_sentence(models::Basis basis, const std::vector<std::string>& regimes) {
  if (regimes.empty()) return "On totals before tax: no offer has a tax regime.";
  if (basis == models::Basis::kPreTax)
    return "On totals before tax (--basis pre-tax; with a tax regime the default is after tax).";
  return "On totals after tax (--basis pre-tax for before tax). " + tax_disclaimer(regimes);
}

}  // namespace vestsim::tools
