// CSV output with every cell neutralised against formula injection: a cell that starts with
// = + - @ (or a tab or carriage return) gets a leading apostrophe.
#pragma once
#include <string>
#include <vector>

namespace core::schemes {
std::string csv_cell(const std::string& value);
std::string csv_row(const std::vector<std::string>& cells);
}  // namespace core::schemes
