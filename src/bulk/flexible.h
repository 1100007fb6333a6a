// A landlord's own spreadsheet ("flexible upload"): their column headers, mapped to CORE's answers
// (proposed by bulk/mapper.h, corrected by the user, saved for their organisation), and for coded
// answers their values mapped to CORE's options. The mapped file is then put in the shape of the
// year's template, so that it goes through exactly the same checks (bulk/check.h), and the errors'
// cells are put back on the user's own columns. Pure: no HTTP, no SQL.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bulk/check.h"
#include "bulk/mapper.h"
#include "bulk/sheet.h"
#include "form/template_spec.h"

namespace core::bulk {

struct Mapping {
  // By the file's columns, in order: the header, and the attribute it fills ("" = not used).
  std::vector<std::pair<std::string, std::string>> columns;
  // For coded attributes: the file's value (as written, trimmed) → the option's code (as text).
  std::map<std::string, std::map<std::string, std::string>> values;
  nlohmann::json to_json() const;
  // What to_json wrote; anything malformed is left out (never thrown).
  static Mapping from_json(const nlohmann::json& j);
};

// The file's header row (its first row) and, for each column, its distinct values (first seen
// first, at most `max_values`, blank ones left out).
struct OwnSheet {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> values;
  int data_rows = 0;
};
OwnSheet own_sheet(const ReadResult& sheet, size_t max_values = 50);

// The attributes a column can be mapped to: those a field of the template fills, each once, in
// field order, with the text the mapping page shows for it.
std::vector<std::pair<std::string, std::string>> mappable_attributes(const form::TemplateSpec& spec, const form::Form& form);
// Whether an attribute is coded (its values are mapped to options), and its options (code text, label).
std::vector<std::pair<std::string, std::string>> attribute_options(const form::Form& form, const std::string& attribute);

// The proposal for a file: the organisation's saved mapping where a header is the same as one it
// mapped before, otherwise the mapper's; then, for each coded attribute, each value the file has.
Mapping propose_mapping(const ColumnMapper& mapper, const form::TemplateSpec& spec, const form::Form& form, const OwnSheet& own,
                        const std::optional<Mapping>& saved);
// The value proposals for one mapped column (saved choices first, then the mapper's).
std::map<std::string, std::string> propose_values(const ColumnMapper& mapper, const form::Form& form, const std::string& attribute,
                                                  const std::vector<std::string>& values, const std::optional<Mapping>& saved);

// The file in the template's shape: a "Field number" row, then each data row (with its own row
// number) with the mapped columns' cells in their fields: dates split into day, month and year,
// postcodes into halves, coded values as the template's codes.
struct Converted {
  ReadResult sheet;
  std::vector<int> user_column;  // by template field number: the user's column index, or -1
};
Converted to_template(const form::TemplateSpec& spec, const form::Form& form, const ReadResult& own, const Mapping& m);
// The report's cells on the user's own columns (an error on a field no column filled keeps no cell).
void to_user_cells(Report& r, const Converted& c);

}  // namespace core::bulk
