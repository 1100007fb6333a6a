// Reading the submission API's request bodies (issue 14; docs/api.md). Pure: no HTTP, no SQL, so
// that the fuzz target (tests/fuzz/api_json_fuzz.cpp) drives exactly what the server runs.
//
// A body is a JSON object of at most 1 MB, nested at most 16 deep, with these keys:
//   "answers": {attribute: value, ...}   the log's answers, by the form's attribute names (codes as
//                                        the form stores them: GET /api/v1/forms/2026/lettings lists them)
//   "version": N                         the log's version the client last saw (PATCH, confirm)
//   "checks": ["rent_value_check", ...]  the soft checks to confirm (confirm; all pending when absent)
// Anything else is refused and reported, never dropped: malformed JSON, another type, an unknown key,
// an attribute the form does not have or that is not an input, an answer that is a list or an object.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "form/definition.h"
#include "form/gateway.h"

namespace core::api {

struct FieldError {
  std::string field;  // "" when the error is about the body as a whole
  std::string message;
  std::string code;   // invalid_json, wrong_type, unknown_field, not_an_input, missing, too_deep, …
};

struct Body {
  form::Changes answers;
  std::optional<int64_t> version;
  std::optional<std::vector<std::string>> checks;
  std::vector<FieldError> errors;  // nothing else is to be used when there are any
};

// Which keys a request's body may (and must) have.
struct BodyShape {
  bool answers = true, version = false, checks = false;
  bool version_required = false;
};

constexpr size_t kMaxBodyBytes = 1 << 20;
constexpr int kMaxDepth = 16;

Body read_body(const form::Form& f, std::string_view text, const BodyShape& shape);

}  // namespace core::api
