// Mustache templates, compiled once at start-up and rendered straight from nlohmann::json.
// Names are paths under templates/ without ".mustache": "layouts/base", "pages/accounts/sign_in".
// Every file under templates/components/ is also a partial, used as {{> components/input}};
// partials are written into the templates that use them when the templates are loaded.
//
// The renderer is the project's own. It reproduces what the kainjow mustache 4.1 library did with
// the JSON→kainjow conversion that came before it (render_test.cpp checks the two against each
// other), so templates render byte for byte as before:
// - {{x}} is HTML-escaped (& < > " '), {{{x}}} and {{& x}} are not; {{! comments }} render nothing.
// - Names are looked up from the innermost section outwards; the first object with the key wins,
//   whatever its value. Dotted names (a.b.c) must resolve completely within one context;
//   {{.}} is the innermost context itself.
// - False in sections: false, null, "" and []. True: everything else, including 0, "0" and {}.
//   {{#list}} repeats for each item; {{#x}} for any other true value pushes x as the context.
// - Values: strings as they are, integers in decimal, other numbers as `ostream << double` prints
//   them; true, false, null, objects and arrays render nothing.
// - Whitespace: a line that a rendered section's tag (open or close) stood on and that is otherwise
//   only spaces and tabs is left out with its newline; a section that is skipped leaves its line.
// Set-delimiter tags ({{=<% %>=}}) are not supported and refused at load.
#pragma once
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace core::web {

// One compiled template. Immutable after parse(): render() may be called from any thread.
class Template {
 public:
  // Compiles mustache text. Throws std::runtime_error on a syntax error or a {{> partial}}
  // (partials must have been expanded before).
  static Template parse(const std::string& text);
  // Appends the rendered text to out.
  void render(const nlohmann::json& data, std::string& out) const;
  std::string render(const nlohmann::json& data) const;

  struct Node {
    enum Kind : unsigned char { Text, Newline, Escaped, Raw, Section, Inverted };
    Kind kind = Text;
    bool dot = false;                // {{.}}
    uint32_t end = 0;                // Section, Inverted: index of the first node after the section
    std::string text;                // Text, Newline: the text; otherwise the name as written
    std::vector<std::string> path;   // the name split at '.' (one element for a plain name)
  };

 private:
  std::vector<Node> nodes_;
  size_t text_size_ = 0;                                       // bytes of literal text
  mutable std::shared_ptr<std::atomic<size_t>> size_hint_;     // largest output so far, to reserve
};

// Every template under `dir` by name ("pages/logs/show"), with its partials written in.
// Throws std::runtime_error for a missing folder or an unknown partial.
std::map<std::string, std::string> read_templates(const std::filesystem::path& dir);

class Templates {
 public:
  explicit Templates(const std::filesystem::path& dir);
  // Renders one template with the data. Throws std::runtime_error on an unknown name.
  std::string render(const std::string& name, const nlohmann::json& data) const;
  bool has(const std::string& name) const { return templates_.count(name) > 0; }

 private:
  std::map<std::string, Template, std::less<>> templates_;
};

}  // namespace core::web
