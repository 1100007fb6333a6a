// CSV output (RFC 4180, CRLF line ends). What the service writes for people to open in a spreadsheet
// is neutralised against formula injection: a cell that starts with = + - @ (or a tab or carriage
// return) gets a leading apostrophe. A file that stands for what a user would type (a generated
// bulk-upload file) is written as it is.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace core::util {
std::string csv_cell(const std::string& value, bool neutralise = true);
// The same, appended to `out` (for writers of many rows).
void append_csv_cell(std::string& out, std::string_view value, bool neutralise = true);
// The cells as one line, with its CRLF.
std::string csv_row(const std::vector<std::string>& cells, bool neutralise = true);
}  // namespace core::util
