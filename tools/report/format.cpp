#include "tools/report/format.hpp"

namespace vestsim::tools {

namespace {

struct FormatInfo {
  Format format;
  const char* name;
  const char* extension;
};

// The one table of formats: command-line name and file extension.
constexpr FormatInfo kFormats[] = {{Format::kText, "text", "txt"},
                                   {Format::kJson, "json", "json"},
                                   {Format::kCsv, "csv", "csv"},
                                   {Format::kMarkdown, "markdown", "md"},
                                   {Format::kHtml, "html", "html"}};

const FormatInfo& info(Format f) {
  for (const FormatInfo& i : kFormats)
    if (i.format == f) return i;
  return kFormats[0];  // unreachable: every enumerator is in the table
}

}  // namespace

const std::vector<std::pair<std::string, Format>>& format_names() {
  static const std::vector<std::pair<std::string, Format>> kNames = [] {
    std::vector<std::pair<std::string, Format>> names;
    for (const FormatInfo& i : kFormats) names.emplace_back(i.name, i.format);
    return names;
  }();
  return kNames;
}

const char* format_name(Format f) {
  return info(f).name;
}

const char* extension(Format f) {
  return info(f).extension;
}

}  // namespace vestsim::tools
