// The one gateway every log passes through, whatever the channel (web form, bulk upload, API):
//   apply(form, log, changes, context) → outcome
// 1. checks and sets the answers (an invalid answer is refused with an error and never kept);
// 2. clears answers on pages no longer shown; 3. computes derived variables;
// 4. runs hard validations, then soft validations; 5. computes subsection and log statuses.
// Pure: "today" and everything about the user and the records come in through the context.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/definition.h"

namespace core::form {

using Values = std::vector<expr::Value>;  // a log's answers, by slot

struct Context {
  util::Date today;
  std::map<std::string, expr::Value, std::less<>> values;  // context values by name (docs/form-definition.md)
};

struct Error {
  std::string rule;  // the validation's id, or H-REQ / H-NUM-… / H-DATE-FORMAT / H-OPTION / H-UNKNOWN-FIELD
  std::vector<std::string> fields;
  std::string message;
};

struct SoftCheck {
  std::string rule, confirm_field, title, text;
};

// A subsection's or a log's status. NotApplicable: a subsection whose `shown_when` fails (never a log's).
enum class Status { CannotStartYet, NotStarted, InProgress, Completed, NotApplicable };
const char* status_name(Status s);

struct Options {
  // A page submission: every applicable, required question on the page must be answered.
  std::optional<std::string> page;
};

struct Outcome {
  Values values;  // the log afterwards (context slots are blank)
  std::vector<Error> errors;
  bool input_errors = false;  // some answers were refused before the rules ran
  std::vector<SoftCheck> soft_checks;
  std::vector<int> derived;  // slots the engine set itself and that hold a value
  std::vector<std::string> cleared;
  Status status = Status::NotStarted;
  std::vector<Status> subsections;  // by subsection index
  std::vector<char> routed;          // by page index: shown for the log afterwards

  bool ok() const { return errors.empty(); }
  nlohmann::json answers_json(const Form& f) const;  // attribute → value, answered ones only
  nlohmann::json to_json(const Form& f) const;       // status, errors, soft_checks, derived, cleared, …
};

// A stored log (attribute → JSON value) as values by slot. Unknown or malformed entries are skipped
// and reported in `problems` (stored logs were checked when they were written).
Values values_from_json(const Form& f, const nlohmann::json& answers, std::vector<std::string>* problems = nullptr);

// The same from the stored JSON text (a flat object), read straight into values without building
// a JSON document; anything it does not expect (nested values, bad syntax) is read by the general
// parser instead, so the result is always that of values_from_json(json::parse(text)).
Values values_from_text(const Form& f, std::string_view text, std::vector<std::string>* problems = nullptr);
// The same, or nothing when the text is not a JSON object at all (a log whose answers cannot be read:
// never to be taken for an empty log).
std::optional<Values> try_values_from_text(const Form& f, std::string_view text);
// The answers (context slots and blanks left out) as the JSON text stored for a log: an object with
// its keys in order, as nlohmann's dump() writes Outcome::answers_json(). Text that is not valid
// UTF-8 is written with U+FFFD in place of the bad bytes.
std::string answers_text(const Form& f, const Values& values);

using Changes = std::vector<std::pair<std::string, nlohmann::json>>;
Changes changes_from_json(const nlohmann::json& object);

Outcome apply(const Form& f, const Values& before, const Changes& changes, const Context& ctx, const Options& opt = {});

// The answers with the changes read in (checked and typed as apply() does; refused ones left out),
// without running any rule: for a channel that must look up records named by the new answers
// before calling apply() (a posted "12" for a scheme becomes the id 12).
Values with_changes(const Form& f, Values values, const Changes& changes);

// Routing for the channels: every page's "is it shown?", worked out in one pass (by page index).
std::vector<char> routed(const Form& f, const Values& values, const Context& ctx);
// Routing for the channels: is the page shown for this log?
bool page_routed(const Form& f, int page, const Values& values, const Context& ctx);
// Fills the context slots of a copy of `values`.
Values with_context(const Form& f, Values values, const Context& ctx);

}  // namespace core::form
