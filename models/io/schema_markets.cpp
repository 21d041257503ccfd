// Markets: the top-level `correlations` list between drivers
// (docs/model.md#m1-drivers-and-correlation). How to add a key: see models/io/schema.hpp.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/io/schema.hpp"

namespace vestsim::models::io {

namespace {

// One `{between: [d1, d2], rho}`; false (reported) when a name is unknown or
// the pair is malformed.
bool read_pair(Node& n, CorrelationPair& p, const std::vector<std::string>& drivers,
               const Scenario& s) {
  Node between = n.child("between");
  p.rho = n.number("rho", std::nullopt, Range{-1, 1, true, true});
  if (n.walking()) return false;
  if (!between.present()) {
    between.error("missing required key (a list of two driver names)");
    return false;
  }
  if (!between.is_list() || between.size() != 2 || !between.item(0).is_scalar() ||
      !between.item(1).is_scalar()) {
    between.error(fmt::format("expected a list of two driver names, got {}",
                              between.is_list() && between.size() != 2
                                  ? fmt::format("a list of {}", between.size())
                              : between.is_list() ? std::string("a list that is not two names")
                                                  : between.kind()));
    return false;
  }
  Keys known(drivers.begin(), drivers.end());
  bool ok = true;
  for (std::size_t i = 0; i < 2; ++i) {
    Node name = between.item(i);
    const std::string d = name.scalar();
    if (std::binary_search(drivers.begin(), drivers.end(), d)) continue;
    if (d.rfind("fx.", 0) == 0 && s.fx.count(d.substr(3)) != 0) {
      name.error(fmt::format(
          "'{}' is not a driver: fx.{} has no volatility, so its rate never moves (give it one, "
          "fx: {{{}: {{rate: {}, volatility: 0.1}}}}, or drop this pair)",
          d, d.substr(3), d.substr(3), s.fx.at(d.substr(3))));
      ok = false;
      continue;
    }
    const std::string_view near = nearest_key(d, known);
    name.error(known.empty()
                   ? fmt::format("unknown driver '{}'; this scenario has no driver (a company, "
                                 "or an fx rate with a volatility, is one)",
                                 d)
                   : fmt::format("unknown driver '{}'; {}drivers here: {}", d,
                                 near.empty() ? "" : fmt::format("did you mean '{}'? ", near),
                                 join(known)));
    ok = false;
  }
  p.a = between.item(0).scalar();
  p.b = between.item(1).scalar();
  if (ok && p.a == p.b) {
    between.error(fmt::format("correlates '{}' with itself (its correlation is 1)", p.a));
    ok = false;
  }
  return ok && std::isfinite(p.rho) && p.rho > -1 && p.rho < 1;
}

bool same_pair(const CorrelationPair& x, const CorrelationPair& y) {
  return (x.a == y.a && x.b == y.b) || (x.a == y.b && x.b == y.a);
}

}  // namespace

std::vector<std::string> driver_names(const Scenario& s) {
  std::vector<std::string> out;
  for (const Company& c : s.companies) {
    if (c.is_public) {
      out.push_back(c.id);
    } else {
      out.push_back(c.id + ".growth");
      out.push_back(c.id + ".post_ipo");
    }
  }
  for (const auto& [code, vol] : s.fx_volatility)
    if (vol > 0) out.push_back("fx." + code);
  std::sort(out.begin(), out.end());
  return out;
}

void read_correlations(Node& root, Scenario& s) {
  Node list = root.child("correlations");
  if (!list.present()) return;
  if (!list.is_list()) {
    list.error(fmt::format("expected a list of {{between: [d1, d2], rho}}, got {}", list.kind()));
    return;
  }
  const std::vector<std::string> drivers = driver_names(s);
  const std::size_t errors_before = root.reader().error_count();
  std::vector<CorrelationPair> pairs;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Node item = list.item(i);
    CorrelationPair p;
    bool ok = false;
    item.map(p, [&](Node& m, CorrelationPair& out) { ok = read_pair(m, out, drivers, s); });
    if (!ok) continue;
    for (std::size_t j = 0; j < pairs.size(); ++j)
      if (same_pair(pairs[j], p)) {
        item.error(fmt::format("the pair {}, {} is given twice", p.a, p.b));
        ok = false;
      }
    if (ok) pairs.push_back(p);
  }
  if (list.walking() || root.reader().error_count() != errors_before || pairs.empty()) return;
  const CorrelationResult r = compile_correlation(pairs);
  if (!r.ok) {
    const bool overridden = root.reader().overrides_below("correlations");
    list.error(fmt::format(
        "the correlation matrix{} is not positive definite (smallest eigenvalue {:.6f}: some "
        "correlations contradict each other); the nearest valid matrix is\n{}",
        overridden ? ", with the command line's values," : "", r.problem.smallest_eigenvalue,
        r.problem.as_yaml()));
    return;
  }
  s.correlations = std::move(pairs);
}

}  // namespace vestsim::models::io
