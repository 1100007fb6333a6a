#include "web/forms.h"

#include <algorithm>
#include <charconv>

namespace core::web {

nlohmann::json error_summary(const FieldErrors& e) {
  auto out = nlohmann::json::array();
  for (const auto& [f, m] : e) out.push_back({{"href", "#" + f}, {"text", m}});
  return out;
}

static bool truthy_key(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && !it->is_null() && !(it->is_boolean() && !it->get<bool>()) && !(it->is_string() && it->get_ref<const std::string&>().empty());
}

// Mustache looks a missing key up in the enclosing data (a conditional field inside an option,
// an option inside its field), so every key a component partial tests is set here, false when
// unused (an empty string would count as true).
static constexpr const char* kFieldKeys[] = {
    "error", "hint", "hint_html", "classes", "autocomplete", "inputmode", "no_spellcheck", "readonly", "label_is_page_heading",
    "label_classes", "inline", "small", "legend_size", "legend_is_page_heading", "autocomplete_enhance", "hidden_empty",
    "prefix", "suffix", "units", "wrapped", "total_of", "is_input", "is_select", "is_date", "is_radios", "is_checkboxes", "is_worked_out"};
static constexpr const char* kItemKeys[] = {"hint", "checked", "selected", "divider", "exclusive", "conditional", "conditional_id"};

static void falsify_empty(nlohmann::json& j) {
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "value" && it.value().is_string() && it.value().get_ref<const std::string&>().empty()) it.value() = false;
}

void complete_field(nlohmann::json& j) {
  for (const char* k : kFieldKeys)
    if (!j.contains(k)) j[k] = false;
  falsify_empty(j);
  if (j.contains("items"))
    for (auto& item : j["items"]) {
      for (const char* k : kItemKeys)
        if (!item.contains(k)) item[k] = false;
      falsify_empty(item);
    }
  // The prefix and suffix are hidden from screen readers; `units` says them instead.
  j["wrapped"] = j["prefix"].is_string() || j["suffix"].is_string();
  std::string id = j.value("id", "");
  std::string by;
  auto add = [&](const char* key, const char* part) {
    if (truthy_key(j, key)) by += (by.empty() ? "" : " ") + id + part;
  };
  add("hint", "-hint");
  if (!j["hint"].is_string()) add("hint_html", "-hint");
  add("error", "-error");
  add("units", "-units");
  j["described_by"] = by.empty() ? nlohmann::json(false) : nlohmann::json(by);
}

static void merge(nlohmann::json& j, const nlohmann::json& extra, const char* kind) {
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  j[kind] = true;
  complete_field(j);
}

nlohmann::json input(const std::string& name, const std::string& label, const std::string& value,
                     const FieldErrors& e, nlohmann::json extra) {
  nlohmann::json j = {{"id", name}, {"name", name}, {"label", label}, {"value", value}, {"type", "text"}};
  if (auto m = error_for(e, name); !m.empty()) j["error"] = m;
  merge(j, extra, "is_input");
  return j;
}

static nlohmann::json option_items(const std::string& name, const std::vector<Option>& options,
                                   const std::vector<std::string>& chosen) {
  auto items = nlohmann::json::array();
  for (size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    nlohmann::json it = {{"id", i == 0 ? name : name + "-" + std::to_string(i + 1)},
                         {"name", name},
                         {"value", o.value},
                         {"label", o.label},
                         {"checked", std::find(chosen.begin(), chosen.end(), o.value) != chosen.end()}};
    it["hint"] = o.hint.empty() ? nlohmann::json(false) : nlohmann::json(o.hint);
    it["divider"] = o.divider_before;
    it["exclusive"] = o.exclusive;
    items.push_back(it);
  }
  return items;
}

nlohmann::json radios(const std::string& name, const std::string& legend, const std::vector<Option>& options,
                      const std::string& selected, const FieldErrors& e, nlohmann::json extra) {
  nlohmann::json j = {{"id", name}, {"name", name}, {"legend", legend}, {"items", option_items(name, options, {selected})}};
  if (auto m = error_for(e, name); !m.empty()) j["error"] = m;
  merge(j, extra, "is_radios");
  return j;
}

nlohmann::json checkboxes(const std::string& name, const std::string& legend, const std::vector<Option>& options,
                          const std::vector<std::string>& checked, const FieldErrors& e, nlohmann::json extra) {
  nlohmann::json j = {{"id", name}, {"name", name}, {"legend", legend}, {"items", option_items(name, options, checked)}};
  if (auto m = error_for(e, name); !m.empty()) j["error"] = m;
  j["small"] = true;
  j["hidden_empty"] = true;
  merge(j, extra, "is_checkboxes");
  return j;
}

nlohmann::json select(const std::string& name, const std::string& label, const std::vector<Option>& options,
                      const std::string& selected, const FieldErrors& e, nlohmann::json extra) {
  auto items = nlohmann::json::array();
  for (const auto& o : options) items.push_back({{"value", o.value}, {"label", o.label}, {"selected", o.value == selected}, {"hint", false}});
  nlohmann::json j = {{"id", name}, {"name", name}, {"label", label}, {"items", std::move(items)}};
  if (auto m = error_for(e, name); !m.empty()) j["error"] = m;
  merge(j, extra, "is_select");
  return j;
}

nlohmann::json date_input(const std::string& name, const std::string& legend, const std::string& day,
                          const std::string& month, const std::string& year, const FieldErrors& e, nlohmann::json extra) {
  nlohmann::json j = {{"id", name}, {"name", name}, {"legend", legend}, {"day", day}, {"month", month}, {"year", year}};
  if (auto m = error_for(e, name); !m.empty()) j["error"] = m;
  merge(j, extra, "is_date");
  return j;
}

nlohmann::json pagination(int64_t total, int per_page, int page, const std::string& base_url) {
  int pages = static_cast<int>((total + per_page - 1) / per_page);
  if (pages <= 1) return nullptr;
  page = std::clamp(page, 1, pages);
  std::string sep = base_url.find('?') == std::string::npos ? "?" : "&";
  auto href = [&](int p) { return base_url + sep + "page=" + std::to_string(p); };
  nlohmann::json j = {{"items", nlohmann::json::array()}};
  if (page > 1) j["previous"] = href(page - 1);
  if (page < pages) j["next"] = href(page + 1);
  int last_shown = 0;
  for (int p = 1; p <= pages; ++p) {
    if (p == 1 || p == pages || std::abs(p - page) <= 1) {
      if (last_shown && p > last_shown + 1) j["items"].push_back({{"ellipsis", true}});
      j["items"].push_back({{"number", p}, {"href", href(p)}, {"current", p == page}});
      last_shown = p;
    }
  }
  int64_t first = static_cast<int64_t>(page - 1) * per_page + 1;
  j["summary"] = "Showing " + std::to_string(first) + " to " +
                 std::to_string(std::min<int64_t>(total, first + per_page - 1)) + " of " + std::to_string(total);
  return j;
}

int page_number(const std::string& v) {
  int n = 1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || n < 1 || n > 100000) return 1;
  return n;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

}  // namespace core::web
