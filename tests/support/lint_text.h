// For the form linter's tests: a definition given as text, loaded and linted.
#pragma once
#include <string>
#include <vector>

namespace core::test {

// Writes the definition to a temporary file, loads it (data tables from `data_dir`) and returns
// every problem the linter reports.
std::vector<std::string> lint_text(const std::string& text, const std::string& data_dir);
// Does one of the problems contain `text`?
bool mentions(const std::vector<std::string>& problems, const std::string& text);

}  // namespace core::test
