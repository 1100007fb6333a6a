// The XLSX files CORE writes for bulk upload (docs/form-definition.md, "Generated workbooks"):
// - the blank template of a type and year, with its header rows and drop-down lists of codes;
// - its specification, one row per field;
// - a user's own upload with the cells that have errors highlighted and the errors as comments.
// The template and specification are generated from the form definition and the template spec:
// nobody maintains them by hand, so a new year's template is the new year's spec.
//
// Pure: no HTTP, no SQL. Each function returns the file's bytes. libxlsxwriter writes to a file, so
// each call writes a private temporary file (mkstemp in the system temp folder), reads it back and
// removes it. They do not throw on any input; a failure of libxlsxwriter itself (a full disk, memory)
// is a std::runtime_error saying what failed.
#pragma once
#include <string>
#include <vector>

#include "bulk/sheet.h"
#include "form/definition.h"
#include "form/template_spec.h"

namespace core::bulk {

// What the template's header rows say about one field, worked out from the form and the spec.
struct TemplateColumn {
  int number = 0;      // the field number
  int column = 0;      // its column in the template, 0-based (B is 1 when the spec has a label column)
  std::string section;       // the form's subsection whose page asks the field's attribute
  std::string question;      // the spec's question
  std::string note;          // the spec's note ("" when none)
  std::string values;        // the allowed values, compactly: "1 - 7", "1 = Yes, 2 = No", "Numeric"
  std::string can_be_empty;  // "Yes", "No", or "No, if field 4 = 2"
  std::string duplicate_check;  // "Yes" when the field is a duplicate-check field, else ""
  // The codes a cell may hold, as the template writes them (empty: the field is not coded), and the
  // label of each ("" when the form has none); `table`: they come from a lookup table (long lists).
  std::vector<std::string> codes, labels;
  bool table = false;
};

// The template's columns, in field-number order.
std::vector<TemplateColumn> template_columns(const form::TemplateSpec& spec, const form::Form& form);

// The blank template: the header rows (spec.header_rows, labelled in column A when the spec has a
// label column), one column per field, and a drop-down list of codes on the data rows of every coded
// column (lists too long for Excel's 255 characters are on a hidden sheet).
std::string template_workbook(const form::TemplateSpec& spec, const form::Form& form);

// The specification: a header row, then one row per field: field number, column letter, question,
// allowed values, whether it can be empty, and notes (the spec's note and the messages of its checks).
std::string specification_workbook(const form::TemplateSpec& spec, const form::Form& form);

// A note on one cell of an upload. row: the sheet row, 1-based (bulk::Row::number); column: 0-based.
struct CellNote {
  int row = 0;
  int column = 0;
  std::string text;
};

// The user's rows, each at its own row number and column, as text (cells Excel stored as numbers as
// numbers), so references in the error report still match. Each cell with notes is highlighted and
// carries one comment with its notes, one a line (also a cell past the end of its row). Text that
// looks like a formula stays text. Cells past Excel's limits, and notes on them, are left out.
std::string annotated_workbook(const std::vector<Row>& rows, const std::vector<CellNote>& notes,
                               const std::string& sheet_name = "Upload");

}  // namespace core::bulk
