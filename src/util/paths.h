// Where the project's files (migrations/, templates/, data/, static/, node_modules/) are found
// at run time: $CORE_ROOT if set, else the folder above the binary (build/core -> .), else ".".
#pragma once
#include <filesystem>

namespace core {
std::filesystem::path resource_root();
void set_executable_path(const char* argv0);
}  // namespace core
