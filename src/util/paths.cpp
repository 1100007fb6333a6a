#include "util/paths.h"

#include <cstdlib>

namespace core {
namespace {
std::filesystem::path g_exe;
}

void set_executable_path(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  g_exe = ec ? std::filesystem::absolute(argv0) : p;
}

std::filesystem::path resource_root() {
  if (const char* env = std::getenv("CORE_ROOT"); env && *env) return env;
  if (!g_exe.empty()) {
    for (auto dir = g_exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (std::filesystem::exists(dir / "migrations") && std::filesystem::exists(dir / "templates")) return dir;
  }
  return std::filesystem::current_path();
}
}  // namespace core
