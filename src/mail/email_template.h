// The service's emails are templates too: templates/emails/<name>.mustache, with {{{name}}} tags
// filled with single-line text values.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace core::mail {

// Renders templates/emails/<name>.mustache. Throws std::invalid_argument for a value that is not a
// single line of text (a value with a line break could add lines to the service's mail).
std::string render_email(const std::string& name, const nlohmann::json& data);

}  // namespace core::mail
