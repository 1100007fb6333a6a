#include "mail/email_template.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "util/paths.h"
#include "util/text.h"
#include "web/render.h"

namespace core::mail {

std::string render_email(const std::string& name, const nlohmann::json& data) {
  // Every value put into an email was checked when it was typed in (single-line fields refuse
  // line breaks); refusing here too means a missed check cannot add lines to the service's mail.
  for (const auto& [key, value] : data.items())
    if (value.is_string() && util::single_line_problem(value.get<std::string>()))
      throw std::invalid_argument("email value '" + key + "' is not a single line of text");
  std::ifstream in(resource_root() / "templates" / "emails" / (name + ".mustache"));
  std::stringstream ss;
  ss << in.rdbuf();
  // The e-mails use only {{{name}}} tags with text values.
  return web::Template::parse(ss.str()).render(data);
}

}  // namespace core::mail
