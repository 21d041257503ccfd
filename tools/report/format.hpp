// The report formats every command writes, with their one spelling on the
// command line and their one file extension.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vestsim::tools {

enum class Format { kText, kJson, kCsv, kMarkdown, kHtml };

// The command-line name of every format, in this order: "text", "json",
// "csv", "markdown", "html".
const std::vector<std::pair<std::string, Format>>& format_names();

// The command-line name of `f`.
const char* format_name(Format f);

// The file extension of `f`, without the dot: "txt", "json", "csv", "md", "html".
const char* extension(Format f);

}  // namespace vestsim::tools
