// Finds and loads each collection year's form definitions (forms/<year>/<type>.json under the
// resource root), once per process.
#pragma once
#include <memory>
#include <string>

#include "form/definition.h"

namespace core::form {

// Throws std::runtime_error when there is no such form or it does not load cleanly.
std::shared_ptr<const Form> get(const std::string& type, int year);
std::string definition_path(const std::string& type, int year);
std::string data_dir();

}  // namespace core::form
