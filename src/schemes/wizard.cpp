#include "schemes/wizard.h"

#include "util/text.h"

#include <charconv>

#include "util/dates.h"

namespace core::schemes {
using nlohmann::json;

json page_fields(const Page& page, const Values& values, const web::FieldErrors& e, const web::Request* posted) {
  auto value = [&](const std::string& name) {
    if (posted) return posted->f(name);
    auto it = values.find(name);
    return it == values.end() ? std::string() : it->second;
  };
  bool single = page.fields.size() == 1;
  json out = json::array();
  for (const auto& f : page.fields) {
    json extra = {{"hint", f.hint}};
    json j;
    if (f.kind == "radios") {
      extra["inline"] = f.inline_radios;
      extra["legend_is_page_heading"] = single;
      extra["legend_size"] = single ? "l" : "m";
      j = web::radios(f.name, f.label, f.options, value(f.name), e, extra);
    } else if (f.kind == "select") {
      extra["label_is_page_heading"] = single;
      extra["autocomplete_enhance"] = f.options.size() > 20;
      auto opts = f.options;
      opts.insert(opts.begin(), web::Option{"", "Select an option", ""});
      j = web::select(f.name, f.label, opts, value(f.name), e, extra);
    } else if (f.kind == "date") {
      extra["legend_is_page_heading"] = single;
      extra["legend_size"] = single ? "l" : "m";
      std::string d, m, y;
      if (posted) {
        d = posted->f(f.name + "-day");
        m = posted->f(f.name + "-month");
        y = posted->f(f.name + "-year");
      } else if (auto date = util::parse_iso_date(value(f.name))) {
        d = std::to_string(date->d);
        m = std::to_string(date->m);
        y = std::to_string(date->y);
      }
      j = web::date_input(f.name, f.label, d, m, y, e, extra);
    } else {
      extra["label_is_page_heading"] = single;
      if (f.kind == "number") {
        extra["inputmode"] = "numeric";
        extra["classes"] = "govuk-input--width-5";
      }
      j = web::input(f.name, f.label, value(f.name), e, extra);
    }
    out.push_back(j);
  }
  return out;
}

web::FieldErrors read_page(const Page& page, const web::Request& req, Values& values) {
  web::FieldErrors e;
  for (const auto& f : page.fields) {
    bool required = !f.required_message.empty();
    if (f.kind == "date") {
      std::string d = web::trim(req.f(f.name + "-day")), m = web::trim(req.f(f.name + "-month")),
                  y = web::trim(req.f(f.name + "-year"));
      if (d.empty() && m.empty() && y.empty()) {
        if (required) web::add_error(e, f.name, f.required_message);
        else values[f.name] = "";
        continue;
      }
      auto date = util::date_from_parts(d, m, y);
      if (!date) web::add_error(e, f.name, "Enter a real date in the correct format, like 1 4 2026");
      else values[f.name] = date->iso();
      continue;
    }
    std::string v = web::trim(req.f(f.name));
    if (v.empty()) {
      if (required) web::add_error(e, f.name, f.required_message);
      else values[f.name] = "";
      continue;
    }
    if (f.kind == "radios" || f.kind == "select") {
      bool known = false;
      for (const auto& o : f.options) known = known || o.value == v;
      if (!known) web::add_error(e, f.name, f.required_message.empty() ? "Select an option from the list" : f.required_message);
      else values[f.name] = v;
    } else if (f.kind == "number") {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || p != v.data() + v.size()) web::add_error(e, f.name, f.label + " must be a whole number");
      else values[f.name] = std::to_string(n);
    } else {
      if (v.size() > 250) web::add_error(e, f.name, f.label + " must be 250 characters or fewer");
      else if (const char* problem = util::single_line_problem(v)) web::add_error(e, f.name, f.label + " " + problem);
      else values[f.name] = v;
    }
  }
  return e;
}

static bool is_shown(const Page& p, const Values& v) { return !p.shown || p.shown(v); }

std::string next_page(const std::vector<Page>& pages, const std::string& slug, const Values& values) {
  bool after = false;
  for (const auto& p : pages) {
    if (after && is_shown(p, values)) return p.slug;
    if (p.slug == slug) after = true;
  }
  return "check-answers";
}

const Page* find_page(const std::vector<Page>& pages, const std::string& slug) {
  for (const auto& p : pages)
    if (p.slug == slug) return &p;
  return nullptr;
}

json answer_rows(const std::vector<Page>& pages, const Values& values, const std::string& base) {
  json rows = json::array();
  for (const auto& p : pages) {
    if (!is_shown(p, values)) continue;
    for (const auto& f : p.fields) {
      auto it = values.find(f.name);
      std::string v = it == values.end() ? "" : it->second, shown = v;
      for (const auto& o : f.options)
        if (o.value == v) shown = o.label;
      if (f.kind == "date")
        if (auto d = util::parse_iso_date(v)) shown = d->display();
      rows.push_back({{"key", f.label},
                      {"value", shown},
                      {"answered", !v.empty()},
                      {"href", base + "/" + p.slug + "?return_to=check-answers"},
                      {"id", f.name}});
    }
  }
  return rows;
}

}  // namespace core::schemes
