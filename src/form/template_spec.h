// A collection year's bulk-upload template spec (docs/form-definition.md, "Bulk-upload template
// specs"): forms/<year>/<type>-bulk-upload.json, next to the form it fills. For each field number of
// the template it says which attribute the cell fills and how the cell is read (one of a small closed
// set of readers), and it holds the template's header rows, the year check and the messages only
// bulk upload has. A new year's template is a new file, not new code.
//
// Pure: loading never throws on a malformed file (errors name the JSON path), and lint checks a spec
// against its form. Reading actual files of rows is src/bulk's job.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "expr/value.h"
#include "form/definition.h"

namespace core::form {

// How a cell is read (the closed set; docs/form-definition.md explains each).
enum class Reader {
  Code,          // one of a list of codes, case-insensitive: the attribute's options unless listed
  YesNo,         // 1 means yes, 2 means no; `yes` and `no` give the form's values
  Number,        // a number; `integer`: whole numbers only; `round`: rounded to a whole number
  NumberOrR,     // a number, or R (prefers not to say / not known); `flag` records which
  Text,          // text as it is
  DatePart,      // day, month or year of a date attribute (years of 2 or 4 digits)
  PostcodeHalf,  // outward or inward half of a postcode, joined with one space
  Organisation,  // ORG<id>, case-insensitive
  User,          // by email, case-insensitive
  Scheme,        // S<id>, case-insensitive
  Location,      // a location id of the row's scheme
  Nationality,   // 0 (prefers not to say) or a code of the `countries` table
  Ignored,       // read by nobody
};
const char* reader_name(Reader r);
std::optional<Reader> reader_from_name(std::string_view name);

// A bulk-upload-only check of a field: when it applies (in words) and the messages it gives.
struct TemplateCheck {
  std::string when;
  std::vector<std::string> messages;
};

struct TemplateField {
  int number = 0;
  std::string attribute;          // "" when the cell fills no attribute of its own (see `derive`)
  std::string read;               // the reader's name as written
  std::optional<Reader> reader;   // nullopt when `read` names no reader (lint reports it)
  // Listed codes: the cell's code (as written in the template) and the form value it stands for.
  // `codes_map` is false when the file gave a plain list (each code stands for itself). In a mapping a
  // null value means the code is accepted but leaves the attribute blank (a `derive` reads the cell).
  std::vector<std::pair<std::string, expr::Value>> codes;
  bool codes_map = false;
  std::string part;               // date_part: day, month or year; postcode_half: outward or inward
  bool integer = false, round = false;
  bool need_both = false;         // postcode_half: the postcode is kept only when both halves are given
  std::optional<expr::Value> yes, no;  // yes_no
  struct Flag {
    std::string attribute;
    expr::Value number, r;  // the flag's value when the cell is a number / is R
  };
  std::optional<Flag> flag;       // number_or_r
  std::string when;               // expression: the cell is read only when it holds ("" = always)
  std::string question;           // the question as error reports name it
  std::string invalid;            // the message when the reader refuses the cell ("": the generic one)
  bool setup = false;             // feeds the form's setup section: its errors are `setup` errors
  bool blocks = false;            // its setup errors stop logs being created for the whole file
  std::vector<TemplateCheck> checks;
  std::string note;
};

// An answer bulk upload works out after the cells are read, before the row goes through the gateway
// (answers the web form asks for but the template does not, such as the ethnic group).
struct TemplateDerivation {
  std::string set, when, value, note;  // expressions over the form's names and field_<n> (the cell's text)
};

// A bulk-upload-only check over a row's cells and answers, run after the cells are read and the
// derivations worked out: when `when` holds, each message goes on its field (a message whose key
// was written "12 if expr" only when that expression holds too).
struct TemplateRule {
  std::string id, when, category, note;  // category: setup, critical, not_answered or soft
  struct Message {
    int field = 0;
    std::string when;  // "" = always
    std::string text;
  };
  std::vector<Message> messages;
};

struct TemplateSpec {
  std::string type;  // "lettings"
  int year = 0;
  std::string form;  // the form's file, relative to the spec's folder ("lettings.json")
  std::vector<std::string> header_rows;  // the first cell of each header row, in order
  int field_number_row = 0;              // 1-based row among header_rows
  std::string field_number_label;        // "Field number", matched case-insensitively
  bool label_column = false;             // column A holds the header rows' labels; data starts in B
  int64_t max_bytes = 0, max_rows = 0;
  int reference_field = 0, property_reference_field = 0;  // shown on each row's card (0: none)
  struct YearCheck {
    std::string attribute;
    std::vector<int> fields;
    std::string row;      // "first": only the first data row decides
    std::string message;  // a key of `messages`
  } year_check;
  std::vector<int> duplicate_in_file_fields, duplicate_log_fields;
  std::map<std::string, std::string> messages;
  std::vector<TemplateField> fields;
  std::vector<TemplateDerivation> derive;
  std::vector<TemplateRule> rules;

  const TemplateField* field(int number) const;  // nullptr when there is no such field
  std::string message(const std::string& key) const;  // "" when there is no such message
};

// Reads a spec from parsed JSON. Never throws: on a malformed spec returns nullopt and sets `error`
// to what is wrong and where ("fields[3].codes: must be a list or an object").
std::optional<TemplateSpec> load_template_spec(const nlohmann::json& j, std::string& error);
// Reads and parses a spec file (without throwing, as above).
std::optional<TemplateSpec> load_template_spec_file(const std::string& path, std::string& error);

// Problems with the spec against its form, each naming the field ("field 12: ..."); empty when sound.
std::vector<std::string> lint_template_spec(const TemplateSpec& spec, const Form& form);

// Parses one of a spec's expressions (a field's `when`, a derivation's `when` or `value`, a rule's
// `when` or a message's condition) against its form, where field_<n> names the text of cell n, at slot
// field_slot(form, n): evaluate it over values of form.size() + the number of fields. Throws
// expr::ParseError (which lint reports, so it does not happen for a spec that lints clean).
expr::NodePtr parse_spec_expression(const std::string& text, const Form& form, int fields);
inline int field_slot(const Form& form, int n) { return int(form.size()) + n - 1; }

// The file name of a type's spec ("lettings-bulk-upload.json"), and whether a path names a spec.
std::string template_spec_file_name(const std::string& type);
bool is_template_spec_path(const std::string& path);

}  // namespace core::form
