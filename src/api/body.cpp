#include "api/body.h"

#include <set>

#include <nlohmann/json.hpp>

namespace core::api {

using nlohmann::json;

namespace {

// How deeply the text nests, without parsing it (strings skipped): a body nested deeper than any
// request needs is refused before the parser sees it.
int nesting(std::string_view s) {
  int depth = 0, most = 0;
  bool in_string = false, escaped = false;
  for (char ch : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (ch == '\\') escaped = true;
      else if (ch == '"') in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    else if (ch == '{' || ch == '[') most = std::max(most, ++depth);
    else if ((ch == '}' || ch == ']') && depth > 0) --depth;
  }
  return most;
}

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "true or false";
    case json::value_t::string: return "text";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    default: return "a number";
  }
}

}  // namespace

Body read_body(const form::Form& f, std::string_view text, const BodyShape& shape) {
  Body b;
  auto fail = [&](const std::string& field, const std::string& message, const std::string& code) {
    b.errors.push_back({field, message, code});
  };
  if (text.size() > kMaxBodyBytes) {
    fail("", "The request body is larger than 1 MB", "too_large");
    return b;
  }
  if (nesting(text) > kMaxDepth) {
    fail("", "The request body is nested more than " + std::to_string(kMaxDepth) + " deep", "too_deep");
    return b;
  }
  json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    fail("", "The request body is not valid JSON", "invalid_json");
    return b;
  }
  if (!j.is_object()) {
    fail("", std::string("The request body must be a JSON object, not ") + type_name(j), "wrong_type");
    return b;
  }
  for (auto& [key, value] : j.items()) {
    if (key == "answers" && shape.answers) {
      if (!value.is_object()) {
        fail("answers", std::string("answers must be an object of answers by attribute, not ") + type_name(value), "wrong_type");
        continue;
      }
      for (auto& [attr, v] : value.items()) {
        int slot = f.slot(attr);
        if (slot < 0) {
          fail(attr, "There is no question " + attr + " in the " + std::to_string(f.year) + " " + f.type + " form", "unknown_field");
          continue;
        }
        if (!f.attributes[size_t(slot)].input) {
          fail(attr, attr + " is worked out by the service and cannot be given", "not_an_input");
          continue;
        }
        if (v.is_array() || v.is_object()) {
          fail(attr, attr + " must be a single value (a number, text, true or false, or null to clear it), not " + std::string(type_name(v)),
               "wrong_type");
          continue;
        }
        b.answers.emplace_back(attr, v);
      }
    } else if (key == "version" && shape.version) {
      if (!value.is_number_integer() || value.get<int64_t>() < 1) {
        fail("version", "version must be the log's version number, a whole number from 1", "wrong_type");
        continue;
      }
      b.version = value.get<int64_t>();
    } else if (key == "checks" && shape.checks) {
      if (!value.is_array()) {
        fail("checks", "checks must be a list of the soft checks to confirm", "wrong_type");
        continue;
      }
      std::vector<std::string> checks;
      for (auto& c : value) {
        if (!c.is_string()) {
          fail("checks", "each check must be a soft check's name, such as rent_value_check", "wrong_type");
          continue;
        }
        checks.push_back(c.get<std::string>());
      }
      b.checks = std::move(checks);
    } else {
      fail(key, "The request body cannot have " + key, "unknown_field");
    }
  }
  if (shape.version_required && !b.version && std::none_of(b.errors.begin(), b.errors.end(), [](auto& e) { return e.field == "version"; }))
    fail("version", "Give the version of the log you last read (version), so that nobody else's changes are lost", "missing");
  return b;
}

}  // namespace core::api
