#include "lint_text.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "form/lint.h"

namespace core::test {

std::vector<std::string> lint_text(const std::string& text, const std::string& data_dir) {
  static std::atomic<int> n{0};
  auto dir = std::filesystem::temp_directory_path() / ("core-lint-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
  std::filesystem::create_directories(dir);
  auto path = dir / "form.json";
  std::ofstream(path) << text;
  auto f = form::Form::load(path.string(), data_dir);
  auto problems = form::lint(*f);
  std::filesystem::remove_all(dir);
  return problems;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace core::test
