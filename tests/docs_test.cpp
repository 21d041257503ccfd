// Users never see our internal spec: docs/scenario-format.md must document
// every key the loader accepts.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

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

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// GitHub's anchor for a heading: lowercase, spaces to '-', punctuation other
// than '-' and '_' dropped. Bytes >= 0x80 are kept (GitHub keeps non-ASCII
// letters); a heading meant to be cited should stay ASCII.
std::string github_slug(std::string_view heading) {
  std::string out;
  for (const char ch : heading) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (c == ' ')
      out += '-';
    else if (c == '-' || c == '_' || c >= 0x80)
      out += ch;
  }
  return out;
}

// Every anchor of a markdown file: its ATX headings outside code fences, with
// GitHub's "-1", "-2" suffixes for repeated headings.
std::set<std::string> anchors_of(const std::string& markdown) {
  std::set<std::string> anchors;
  std::map<std::string, int> seen;
  std::istringstream in(markdown);
  bool fenced = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("```", 0) == 0) fenced = !fenced;
    if (fenced) continue;
    const std::size_t hashes = line.find_first_not_of('#');
    if (hashes == 0 || hashes > 6 || hashes == std::string::npos || line[hashes] != ' ') continue;
    std::string_view text(line);
    text.remove_prefix(hashes);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
    const std::string slug = github_slug(text);
    const int n = seen[slug]++;
    anchors.insert(n == 0 ? slug : slug + "-" + std::to_string(n));
  }
  return anchors;
}

}  // namespace

// Comments cite the repository's own docs as docs/<name>.md#<anchor>; the spec
// files an older tree cited are not in the repository
// (docs/design.md#12-what-the-code-cites-lives-in-the-repository).
TEST_CASE("every docs/ citation in the code names an existing file and heading", "[docs]") {
  const fs::path root(VESTSIM_SOURCE_DIR);
  // A docs path anywhere (also ../docs/...), with an optional heading anchor.
  static const std::regex cite(R"((^|[^A-Za-z0-9_])docs/([A-Za-z0-9_-]+)\.md(#([A-Za-z0-9_-]*))?)");
  // The names of spec documents that are not in the repository, unless part of a path.
  static const std::regex outside(
      R"((^|[^A-Za-z0-9_/])((MODEL|CLI|STYLE|SCENARIO_FORMAT|TAX|MARKETS)\.md))");
  // Each cited doc's anchors, or nullopt when the file does not exist.
  std::map<std::string, std::optional<std::set<std::string>>> docs;
  std::size_t files = 0, checked = 0;
  for (const char* dir : {"engine", "models", "tools", "tests", "bench"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string text = read_text(entry.path());
      if (text.find('\0') != std::string::npos) continue;  // not a text file
      ++files;
      const std::string file = fs::relative(entry.path(), root).generic_string();
      std::istringstream in(text);
      int line_no = 0;
      for (std::string line; std::getline(in, line);) {
        ++line_no;
        if (line.find(".md") == std::string::npos) continue;
        const std::string where = file + ":" + std::to_string(line_no) + ": ";
        for (std::sregex_iterator it(line.begin(), line.end(), cite), end; it != end; ++it) {
          ++checked;
          const std::string name = (*it)[2];
          auto doc = docs.find(name);
          if (doc == docs.end()) {
            const fs::path path = root / "docs" / (name + ".md");
            std::optional<std::set<std::string>> anchors;
            if (fs::is_regular_file(path)) anchors = anchors_of(read_text(path));
            doc = docs.emplace(name, std::move(anchors)).first;
          }
          if (!doc->second) {
            FAIL_CHECK(where << "cites docs/" << name << ".md, which does not exist");
          } else if ((*it)[3].matched && !doc->second->count((*it)[4])) {
            FAIL_CHECK(where << "cites docs/" << name << ".md#" << (*it)[4]
                             << ", but no heading of that file has this anchor");
          }
        }
        for (std::sregex_iterator it(line.begin(), line.end(), outside), end; it != end; ++it)
          FAIL_CHECK(where << "cites " << (*it)[2]
                           << ", which is not in the repository: cite docs/<name>.md#<anchor>");
      }
    }
  }
  CHECK(files >= 10);  // the scan saw the tree
  CHECK(checked > 0);  // and the pattern still finds the citations the code makes
}
