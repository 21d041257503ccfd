#include "tools/report/format.hpp"

namespace vestsim::tools {

const std::vector<std::pair<std::string, Format>>& format_names() {
  static const std::vector<std::pair<std::string, Format>> kNames = {
      {"text", Format::kText},
      {"json", Format::kJson},
      {"csv", Format::kCsv},
      {"markdown", Format::kMarkdown},
      {"html", Format::kHtml}};
  return kNames;
}

const char* format_name(Format f) {
  switch (f) {
    case Format::kText:
      return "text";
    case Format::kJson:
      return "json";
    case Format::kCsv:
      return "csv";
    case Format::kMarkdown:
      return "markdown";
    case Format::kHtml:
      return "html";
  }
  return "?";
}

const char* extension(Format f) {
  switch (f) {
    case Format::kText:
      return "txt";
    case Format::kMarkdown:
      return "md";
    case Format::kJson:
    case Format::kCsv:
    case Format::kHtml:
      return format_name(f);
  }
  return "?";
}

}  // namespace vestsim::tools
