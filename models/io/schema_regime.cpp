// Tax regime files (docs/tax.md#t1a-the-regime-file) as reading code, and an
// offer's `tax` key, which names one. How to add a key: see models/io/schema.hpp
// (a regime key is documented in docs/tax.md instead; tests/docs_test.cpp checks).
#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "models/io/load.hpp"
#include "models/io/schema.hpp"
#include "models/io/yaml_file.hpp"

namespace vestsim::models::io {

namespace {

const std::optional<double> kRequired = std::nullopt;
const Range kRate = between(0, 1);
const Range kAmount = between(0, 1e12);
const Range kWeight = between(0, 10);

// A non-empty string under `key` (a name).
std::string read_name(Node& n, std::string_view key) {
  std::string s = n.string(key, std::nullopt);
  if (s.empty() && n.child(key).is_scalar()) n.child(key).error("must not be empty");
  return s;
}

// One list item naming a category: the six of docs/tax.md#t2-the-income-of-one-tax-year,
// or the sets `employment` and `gains`. nullopt (reported) when it names none.
std::optional<TaxCategory> read_category(Node& item) {
  const Keys names(kTaxCategoryNames.begin(), kTaxCategoryNames.end());
  if (item.walking()) {
    for (std::string_view c : names) item.reader().note_key(c);
    return std::nullopt;
  }
  if (!item.is_scalar()) {  // a list, a map or null: its kind, never quoted as if it were a name
    item.error(fmt::format("expected one of {}, got {}", join(names), item.kind()));
    return std::nullopt;
  }
  const std::string s = item.scalar();
  if (const auto c = parse_tax_category(s)) return c;
  const std::string_view near = nearest_key(s, names);
  item.error(near.empty() ? fmt::format("unknown category '{}'; categories: {}", s, join(names))
                          : fmt::format("unknown category '{}'; did you mean '{}'?", s, near));
  return std::nullopt;
}

// A non-empty list of categories under `key` (`on`, `measure`); empty after an error.
std::vector<TaxCategory> read_categories(Node& n, std::string_view key) {
  Node list = n.child(key);
  std::vector<TaxCategory> out;
  if (!list.present()) {
    list.error("missing required key (a list of categories, e.g. [wages, equity_income])");
  } else if (!list.is_list() || list.size() == 0) {
    list.error(fmt::format("expected a non-empty list of categories ({}), got {}",
                           join({kTaxCategoryNames.begin(), kTaxCategoryNames.end()}),
                           list.kind()));
  } else {
    for (std::size_t i = 0; i < list.size(); ++i) {
      Node item = list.item(i);
      if (const auto c = read_category(item)) out.push_back(*c);
    }
  }
  return out;
}

// `[[from, rate], ...]`: the first `from` is 0 and each is greater than the one before.
void read_brackets(Node& n, std::string_view key, std::vector<Bracket>& out) {
  Node list = n.child(key);
  if (!list.is_list() || list.size() == 0) {
    list.error(fmt::format("expected a non-empty list of [from, rate] pairs, got {}", list.kind()));
    return;
  }
  double previous = std::nan("");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Node pair = list.item(i);
    if (pair.walking()) continue;
    if (!pair.is_list() || pair.size() != 2) {
      pair.error(
          fmt::format("a bracket is a pair [from, rate], got {}",
                      pair.is_list() ? fmt::format("a list of {}", pair.size()) : pair.kind()));
      previous = std::nan("");
      continue;
    }
    Node from = pair.item(0);
    const Bracket b{from.value(kAmount), pair.item(1).value(kRate)};
    if (i == 0 && b.from != 0 && !std::isnan(b.from))
      from.error(fmt::format("the first bracket must start at 0, got {}", b.from));
    if (i > 0 && b.from <= previous)
      from.error(
          fmt::format("brackets must increase strictly: {} is not above the previous "
                      "bracket's {}",
                      b.from, previous));
    previous = b.from;
    out.push_back(b);
  }
}

void read_weights(Node& n, IncomeTax& t) {
  for (std::size_t k = 0; k < kTaxCategoryCount; ++k)
    t.weights[k] = n.number(kTaxCategoryNames[k], 1.0, kWeight);
}

// `{fixed: D}` or `{rate: r, min: a, max: b, on: [...]}`, exactly one form.
void read_deduction(Node& n, Deduction& d) {
  const bool fixed = n.has("fixed"), rate = n.has("rate");
  for (std::string_view k : {"min", "max", "on"}) (void)n.child(k);  // keys of either form
  if (!n.walking() && fixed == rate) {
    n.error(fixed ? "give either fixed or rate, not both"
                  : "needs fixed: AMOUNT, or rate: R with on: [categories] (and optional min, "
                    "max)");
    return;
  }
  if (n.branch(fixed)) {
    d.kind = Deduction::Kind::kFixed;
    d.fixed = n.number("fixed", kRequired, kAmount);
    for (std::string_view k : {"min", "max", "on"})
      if (!n.walking() && n.has(k))
        n.child(k).error(fmt::format("only a rate deduction takes {}", k));
  }
  if (n.branch(rate)) {
    d.kind = Deduction::Kind::kRate;
    d.rate = n.number("rate", kRequired, kRate);
    d.min = n.number("min", 0.0, kAmount);
    d.max = n.number("max", kInf, kAmount);
    if (d.max < d.min) n.child("max").error(fmt::format("must be >= min ({})", d.min));
    d.on = read_categories(n, "on");
  }
}

void read_income_tax(Node& n, IncomeTax& t) {
  t.name = read_name(n, "name");
  t.source = n.string("source", "");
  if (Node w = n.child("weights"); w.present()) w.map(t, read_weights);
  if (Node d = n.child("deduction"); d.present()) d.map(t.deduction, read_deduction);
  if (Node b = n.child("brackets"); !b.present())
    b.error("missing required key (a list of [from, rate] pairs, the first from 0)");
  else
    read_brackets(n, "brackets", t.brackets);
  if (n.has("long_gains")) read_brackets(n, "long_gains", t.long_gains);
  Node flat = n.child("gains_flat");
  if (!flat.present()) return;
  t.gains_flat = flat.value(kRate);
  const double ws = t.weights[std::size_t(TaxCategory::kGainShort)];
  const double wl = t.weights[std::size_t(TaxCategory::kGainLong)];
  if (n.has("long_gains"))
    flat.error("excludes long_gains: a tax takes gains at a flat rate or stacked, not both");
  else if (ws != 0 || wl != 0)
    flat.error(
        fmt::format("needs weights gain_short: 0 and gain_long: 0, or the gains are taxed "
                    "twice (got gain_short: {}, gain_long: {})",
                    ws, wl));
}

void read_levy(Node& n, Levy& l) {
  l.name = read_name(n, "name");
  l.source = n.string("source", "");
  l.rate = n.number("rate", kRequired, kRate);
  l.on = read_categories(n, "on");
  if (n.has("up_to")) l.up_to = n.number("up_to", kRequired, kAmount);
  if (n.has("above")) l.above = n.number("above", kRequired, kAmount);
  if (Node m = n.child("measure"); m.present()) {
    if (!l.above && !n.walking())
      m.error("only together with above (measure is what above is compared with)");
    else
      l.measure = read_categories(n, "measure");
  }
}

void read_qualified(Node& n, TaxRegime& r) {
  r.qualified_cap = n.number("cap", kRequired, {0, 1e12, true});
}

// A list of maps under `key`, each read by `read`; absent means empty.
template <class T>
void read_list(Node& n, std::string_view key, std::vector<T>& out, void (*read)(Node&, T&)) {
  Node list = n.child(key);
  if (!list.present()) return;
  if (!list.is_list()) {
    list.error(fmt::format("expected a list of maps, got {}", list.kind()));
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    T item;
    list.item(i).map(item, read);
    out.push_back(std::move(item));
  }
}

// A list of free texts under `key` (`sources`, `omissions`); absent means empty.
std::vector<std::string> read_texts(Node& n, std::string_view key) {
  Node list = n.child(key);
  std::vector<std::string> out;
  if (!list.present() || list.walking()) return out;
  if (!list.is_list()) {
    list.error(fmt::format("expected a list of texts, got {}", list.kind()));
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    Node item = list.item(i);
    if (item.is_scalar())
      out.push_back(item.text());
    else
      item.error(fmt::format("expected a text, got {}", item.kind()));
  }
  return out;
}

void read_regime_keys(Node& m, TaxRegime& r) {
  r.name = read_name(m, "name");
  r.description = m.string("description", "");
  r.year = static_cast<int>(m.integer("year", 0.0, whole(1, 9999)));  // 0: none given
  Node currency = m.child("currency");
  if (currency.present()) r.currency = currency.currency_code();
  r.long_term_months = static_cast<int>(m.integer("long_term_months", 12.0, whole(1, 1200)));
  if (Node q = m.child("qualified"); q.present()) q.map(r, read_qualified);
  read_list(m, "income_taxes", r.income_taxes, read_income_tax);
  read_list(m, "levies", r.levies, read_levy);
  r.sources = read_texts(m, "sources");
  r.omissions = read_texts(m, "omissions");
  if (!currency.present() && (!r.income_taxes.empty() || !r.levies.empty()))
    currency.error(
        "missing required key: a regime with an income tax or a levy names its "
        "currency (e.g. EUR)");
}

// Loads the regime `ref` names, a path relative to the folder of the file being
// read or a shipped name; problems with the reference are reported at `at`.
std::optional<LoadRegimeResult> load_reference(const Node& at, const std::string& ref,
                                               std::string& file) {
  if (!is_regime_path(ref)) {
    file = shipped_regime_file(ref);
    if (shipped_regime_text(ref)) return load_shipped_regime(ref);
    at.error(unknown_regime_message(ref));
    return std::nullopt;
  }
  const std::filesystem::path folder = std::filesystem::path(at.reader().file()).parent_path();
  file = (folder / ref).lexically_normal().string();
  std::string text;
  if (const std::string problem = read_small_file(file, kRegimeKind, text); !problem.empty()) {
    at.error(fmt::format("regime file {}: {}", shown_file_name(file, true), problem));
    return std::nullopt;
  }
  return load_regime_text(text, file);
}

void read_tax(Node& n, OfferTax& t, const Scenario& s) {
  t.source = read_name(n, "regime");
  t.baseline_income = n.number("baseline_income", 0.0, between(0, 1e9));
  if (n.walking() || t.source.empty()) return;
  const Node at = n.child("regime");
  const std::optional<LoadRegimeResult> r = load_reference(at, t.source, t.file);
  if (!r) return;
  auto& errors = n.reader().errors();
  errors.insert(errors.end(), r->errors.begin(), r->errors.end());
  if (!r->ok()) {
    at.error(fmt::format("the regime in {} has {} problem{} (listed with that file's name)",
                         shown_file_name(t.file), r->errors.size(),
                         r->errors.size() == 1 ? "" : "s"));
    return;
  }
  t.regime = *r->regime;
  const std::string& code = t.regime.currency;
  if (!code.empty() && code != s.currency && !s.fx.count(code))
    at.error(
        fmt::format("regime '{}' is in {}, which has no fx entry; add fx: {{{}: <value of 1 "
                    "{} in {}>}}",
                    t.regime.name, code, code, code, s.currency));
}

}  // namespace

bool regime_only_key(std::string_view key) {
  static const Keys keys = {"income_taxes", "levies",    "long_term_months", "qualified",
                            "sources",      "omissions", "description",      "year"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

TaxRegime read_regime(Node& root) {
  TaxRegime r;
  // A scenario given where a regime goes (`vestsim taxes scenario.yaml`) would be told every
  // regime key it lacks and every scenario key it has: one line says what it is instead, as
  // read_scenario() does for a regime among scenarios.
  if (Node peek = root; !root.walking() && root.is_map() &&
                        (peek.has("offers") || peek.has("companies")) &&
                        peek.keys_matching(regime_only_key).empty()) {
    root.error(
        "this is a scenario, not a tax regime file (it has offers or companies and none of "
        "income_taxes, levies); give a regime file (see docs/tax.md#t1a-the-regime-file), or "
        "run the scenario with vestsim run");
    return r;
  }
  root.map(r, read_regime_keys);
  return r;
}

void read_offer_tax(Node& offer, Offer& o, const Scenario& s) {
  Node tax = offer.child("tax");
  if (!tax.present()) return;
  OfferTax t;
  const std::size_t errors_before = offer.reader().error_count();
  if (!tax.map(t, [&](Node& m, OfferTax& out) { read_tax(m, out, s); })) return;
  if (offer.walking() || offer.reader().error_count() != errors_before) return;
  o.tax = std::move(t);
  Node grants = offer.child("grants");
  for (std::size_t i = 0; i < o.grants.size(); ++i) {
    if (o.grants[i].tax_treatment != TaxTreatment::kQualified || o.tax->regime.qualified_cap)
      continue;
    grants.item(i)
        .child("tax_treatment")
        .error(fmt::format(
            "regime '{}' has no qualified rule (no qualified: {{cap: ...}} in {}); use employment",
            o.tax->regime.name, o.tax->file));
  }
}

}  // namespace vestsim::models::io
