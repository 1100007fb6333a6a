// Helpers for GOV.UK forms: collecting field errors for the error summary and building the
// data the component partials (components/input, radios, checkboxes, select, date_input) expect.
// Each builder marks its field's kind (is_input, is_radios, …), so a page can render any field
// with components/field. `extra` sets any key the partials read: hint (text) or hint_html,
// classes, label_classes, label_is_page_heading, legend_size, legend_is_page_heading, inline,
// small, inputmode, no_spellcheck, readonly, prefix, suffix, units, autocomplete_enhance.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace core::web {

// Field id → message, in the order the fields appear on the page.
using FieldErrors = std::vector<std::pair<std::string, std::string>>;

inline std::string error_for(const FieldErrors& e, const std::string& field) {
  for (const auto& [f, m] : e)
    if (f == field) return m;
  return "";
}
inline void add_error(FieldErrors& e, const std::string& field, const std::string& message) {
  if (error_for(e, field).empty()) e.emplace_back(field, message);
}
// [{"href": "#field", "text": message}] for the error summary.
nlohmann::json error_summary(const FieldErrors& e);

struct Option {
  std::string value, label, hint;
  bool divider_before = false;  // an "or" before this option
  bool exclusive = false;       // a checkbox that unticks the others
};
// Sets every key the component partials test (false when unused, since Mustache would look a
// missing key up in the enclosing data) and `described_by` from the hint, error and units. The
// builders below call it; a field built another way calls it before it is rendered.
void complete_field(nlohmann::json& field);
nlohmann::json input(const std::string& name, const std::string& label, const std::string& value,
                     const FieldErrors& e, nlohmann::json extra = nlohmann::json::object());
nlohmann::json radios(const std::string& name, const std::string& legend, const std::vector<Option>& options,
                      const std::string& selected, const FieldErrors& e, nlohmann::json extra = nlohmann::json::object());
nlohmann::json checkboxes(const std::string& name, const std::string& legend, const std::vector<Option>& options,
                          const std::vector<std::string>& checked, const FieldErrors& e,
                          nlohmann::json extra = nlohmann::json::object());
nlohmann::json select(const std::string& name, const std::string& label, const std::vector<Option>& options,
                      const std::string& selected, const FieldErrors& e, nlohmann::json extra = nlohmann::json::object());
// A GOV.UK date input: three fields NAME-day, NAME-month, NAME-year.
nlohmann::json date_input(const std::string& name, const std::string& legend, const std::string& day,
                          const std::string& month, const std::string& year, const FieldErrors& e,
                          nlohmann::json extra = nlohmann::json::object());
// GOV.UK pagination data for `total` items, `per_page` a page, at `page`, linking to base_url
// (which already carries the other query parameters).
nlohmann::json pagination(int64_t total, int per_page, int page, const std::string& base_url);
int page_number(const std::string& query_value);
std::string trim(const std::string& s);

}  // namespace core::web
