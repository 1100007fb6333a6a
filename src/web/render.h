// Mustache templates (kainjow), loaded and checked once at start-up.
// Names are paths under templates/ without ".mustache": "layouts/base", "pages/accounts/sign_in".
// Every file under templates/components/ is also a partial, used as {{> components/input}};
// partials are expanded into the templates at load time, so each template is parsed once a thread.
// Data is given as JSON; values are HTML-escaped unless a template uses {{{triple}}} braces.
#pragma once
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace core::web {

class Templates {
 public:
  explicit Templates(const std::filesystem::path& dir);
  // Renders one template with the data. Throws std::runtime_error on an unknown name.
  std::string render(const std::string& name, const nlohmann::json& data) const;
  bool has(const std::string& name) const { return sources_.count(name) > 0; }

 private:
  std::map<std::string, std::string> sources_;
  std::map<std::string, std::string> partials_;
};

}  // namespace core::web
