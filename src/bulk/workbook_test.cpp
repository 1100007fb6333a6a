// The generated workbooks (bulk/workbook.h), each read back with our own XLSX reader, and the parts
// the reader does not look at (drop-down lists, styles, comments) checked in the sheet XML itself.
#include "bulk/workbook.h"

#include <Poco/MemoryStream.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <sstream>

#include "form/registry.h"

namespace form = core::form;
using core::bulk::annotated_workbook;
using core::bulk::Cell;
using core::bulk::CellNote;
using core::bulk::column_letters;
using core::bulk::read_xlsx;
using core::bulk::ReadResult;
using core::bulk::Row;
using core::bulk::specification_workbook;
using core::bulk::template_workbook;

namespace {

struct Generated {
  std::shared_ptr<const form::Form> form;
  std::shared_ptr<const form::TemplateSpec> spec;
};

Generated year_2026(const std::string& type) { return {form::get(type, 2026), form::template_spec(type, 2026)}; }

// One part of the zip, inflated ("" when there is no such part).
std::string zip_part(const std::string& bytes, const std::string& name) {
  Poco::MemoryInputStream in(bytes.data(), bytes.size());
  Poco::Zip::ZipArchive archive(in);
  auto it = archive.findHeader(name);
  if (it == archive.headerEnd()) return "";
  in.clear();
  Poco::Zip::ZipInputStream part(in, it->second, true);
  return std::string((std::istreambuf_iterator<char>(part)), std::istreambuf_iterator<char>());
}

ReadResult read_back(const std::string& bytes) {
  ReadResult r = read_xlsx(bytes);
  EXPECT_TRUE(r.ok()) << r.error;
  return r;
}

const Row* sheet_row(const ReadResult& r, int number) {
  for (const Row& row : r.rows)
    if (row.number == number) return &row;
  return nullptr;
}

// The text of a cell by sheet row (1-based) and column (0-based), "" when there is none.
std::string text_at(const ReadResult& r, int number, int column) {
  const Row* row = sheet_row(r, number);
  return row ? row->text(size_t(column)) : "";
}

// The XML of one cell, "<c r="B2" ...>...</c>" (or "<c .../>"); "" when the sheet has no such cell.
std::string cell_xml(const std::string& sheet, const std::string& ref) {
  size_t at = sheet.find("<c r=\"" + ref + "\"");
  if (at == std::string::npos) return "";
  size_t open_end = sheet.find('>', at);
  if (sheet[open_end - 1] == '/') return sheet.substr(at, open_end + 1 - at);
  size_t close = sheet.find("</c>", at);
  return sheet.substr(at, close + 4 - at);
}

// A cell's style index (its s attribute), "" when it has the default style.
std::string style_of(const std::string& sheet, const std::string& ref) {
  std::string c = cell_xml(sheet, ref);
  std::string tag = c.substr(0, c.find('>'));
  size_t at = tag.find(" s=\"");
  if (at == std::string::npos) return "";
  size_t start = at + 4;
  return tag.substr(start, tag.find('"', start) - start);
}

// The list of the drop-down over these cells ("\"1,2\"" or "Codes!$A$1:$A$9"), "" when none.
std::string drop_down(const std::string& sheet, const std::string& sqref) {
  size_t at = sheet.find("sqref=\"" + sqref + "\"");
  if (at == std::string::npos) return "";
  size_t start = sheet.find("<formula1>", at), end = sheet.find("</formula1>", at);
  if (start == std::string::npos || end == std::string::npos || end < start) return "";
  start += std::string("<formula1>").size();
  return sheet.substr(start, end - start);
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The field's column letter in the 2026 templates (column A holds the labels).
std::string col(int field) { return column_letters(field); }

void expect_field_numbers(const std::string& type, int fields) {
  Generated g = year_2026(type);
  ASSERT_TRUE(g.spec->label_column);
  ReadResult r = read_back(template_workbook(*g.spec, *g.form));
  ASSERT_EQ(r.rows.size(), g.spec->header_rows.size()) << "the header rows only (the hidden Codes sheet is not read)";
  for (size_t i = 0; i < g.spec->header_rows.size(); ++i) {
    EXPECT_EQ(r.rows[i].number, int(i) + 1);
    EXPECT_EQ(r.rows[i].text(0), g.spec->header_rows[i]) << "row " << i + 1;
  }
  const Row* numbers = sheet_row(r, g.spec->field_number_row);
  ASSERT_TRUE(numbers);
  EXPECT_EQ(numbers->text(0), "Field number");
  ASSERT_EQ(numbers->cells.size(), size_t(fields) + 1);
  for (int n = 1; n <= fields; ++n) {
    EXPECT_EQ(numbers->cells[size_t(n)].text, std::to_string(n));
    EXPECT_TRUE(numbers->cells[size_t(n)].number) << "field " << n << " is written as a number";
  }
}

}  // namespace

TEST(WorkbookTemplate, LettingsHeaderRowsAndFieldNumbers) { expect_field_numbers("lettings", 147); }

TEST(WorkbookTemplate, SalesHeaderRowsAndFieldNumbers) { expect_field_numbers("sales", 136); }

TEST(WorkbookTemplate, HeaderCellsComeFromTheDefinitionAndSpec) {
  Generated g = year_2026("lettings");
  ReadResult r = read_back(template_workbook(*g.spec, *g.form));
  auto at = [&](int header_row, int field) { return text_at(r, header_row, field); };  // column of field n is n
  // Section (the form's subsection), question, additional info.
  EXPECT_EQ(at(1, 1), "Set up this lettings log");
  EXPECT_EQ(at(1, 26), "Property information");  // unittype_gn
  EXPECT_EQ(at(1, 94), "Household needs");  // no attribute of its own: the housing needs it is derived into
  EXPECT_EQ(at(2, 4), "What is the needs type?");
  EXPECT_EQ(at(2, 147), g.spec->field(147)->question);
  EXPECT_EQ(at(3, 1), g.spec->field(1)->note);
  EXPECT_EQ(at(3, 4), "");
  // Values, compactly.
  EXPECT_EQ(at(4, 4), "1 = General needs, 2 = Supported housing");
  EXPECT_EQ(at(4, 7), "1 = Yes, 2 = No");  // yes_no
  EXPECT_EQ(at(4, 11), "1 - 7");           // the spec's codes, as ranges
  EXPECT_EQ(at(4, 8), "1 - 31");
  EXPECT_EQ(at(4, 9), "1 - 12");
  EXPECT_EQ(at(4, 10), "2 or 4 digit year");
  EXPECT_EQ(at(4, 1), "ORG followed by the organisation's number");
  EXPECT_EQ(at(4, 3), "Email address of a CORE user");
  EXPECT_EQ(at(4, 5), "S followed by the scheme's number");
  EXPECT_EQ(at(4, 28), "Numeric, 1 - 12");  // beds, with the question's bounds
  EXPECT_EQ(at(4, 13), "Text");
  EXPECT_EQ(at(4, 25).rfind("A local authority's ONS code (for example E", 0), 0u) << at(4, 25);
  // Can be empty?
  EXPECT_EQ(at(5, 4), "No");                   // a check on a blank cell
  EXPECT_EQ(at(5, 5), "No, if field 4 = 2");   // "required if field 4 = 2"
  EXPECT_EQ(at(5, 15), "No");                  // a setup question always asked, not optional
  EXPECT_EQ(at(5, 3), "Yes");                  // blank: assigned to the uploader
  EXPECT_EQ(at(5, 13), "Yes");                 // optional
  EXPECT_EQ(at(5, 26), "Yes");                 // not a setup field
  // Type of letting: not said by the spec.
  EXPECT_EQ(at(6, 5), "");
  // Duplicate check field?
  for (int n = 1; n <= 147; ++n) {
    bool duplicate = std::count(g.spec->duplicate_in_file_fields.begin(), g.spec->duplicate_in_file_fields.end(), n) > 0;
    EXPECT_EQ(at(7, n), duplicate ? "Yes" : "") << "field " << n;
  }
}

TEST(WorkbookTemplate, CodedColumnsHaveDropDownLists) {
  Generated g = year_2026("lettings");
  std::string bytes = template_workbook(*g.spec, *g.form);
  std::string sheet = zip_part(bytes, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty());
  auto range = [&](int field) { return col(field) + "9:" + col(field) + std::to_string(8 + g.spec->max_rows); };
  EXPECT_EQ(drop_down(sheet, range(4)), "\"1,2\"");                  // needstype: the form's options
  EXPECT_EQ(drop_down(sheet, range(7)), "\"1,2\"");                  // renewal: yes_no
  EXPECT_EQ(drop_down(sheet, range(11)), "\"1,2,3,4,5,6,7\"");       // rent type: the spec's codes
  EXPECT_EQ(drop_down(sheet, range(49)), "\"1,2,3\"");               // relat2: the spec's codes, not P, X, R
  EXPECT_EQ(drop_down(sheet, range(94)), "\"0,1\"");                 // a listed code field with no attribute
  EXPECT_EQ(drop_down(sheet, range(13)), "") << "a text column has no list";
  EXPECT_EQ(drop_down(sheet, range(8)), "") << "a date part has no list";
  // The local authorities are too many for a list in the rule: a range of the hidden Codes sheet.
  size_t authorities = g.form->lookups.local_authorities_england.size();
  ASSERT_GT(authorities, 100u);
  std::string la = drop_down(sheet, range(25));
  EXPECT_EQ(la.rfind("Codes!$", 0), 0u) << la;
  EXPECT_NE(la.find("$1:$"), std::string::npos) << la;
  EXPECT_EQ(la.substr(la.size() - std::to_string(authorities).size() - 1), "$" + std::to_string(authorities)) << la;
  std::string workbook = zip_part(bytes, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"Codes\" sheetId=\"2\" state=\"hidden\""), std::string::npos) << workbook;
  std::string codes = zip_part(bytes, "xl/worksheets/sheet2.xml") + zip_part(bytes, "xl/sharedStrings.xml");
  EXPECT_NE(codes.find(g.form->lookups.local_authorities_england.front().first), std::string::npos);
  // Every coded column, and no other, has a list.
  int coded = 0;
  for (const auto& c : core::bulk::template_columns(*g.spec, *g.form)) coded += c.codes.empty() ? 0 : 1;
  EXPECT_GT(coded, 50);
  EXPECT_EQ(count(sheet, "<dataValidation "), coded);
}

TEST(WorkbookTemplate, HeaderRowsAreFormattedAndFrozen) {
  Generated g = year_2026("sales");
  std::string sheet = zip_part(template_workbook(*g.spec, *g.form), "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane xSplit=\"1\" ySplit=\"8\" topLeftCell=\"B9\" activePane=\"bottomRight\" state=\"frozen\"/>"),
            std::string::npos);
  std::string number_style = style_of(sheet, "B8"), question_style = style_of(sheet, "B2");
  EXPECT_NE(number_style, "");
  EXPECT_NE(number_style, question_style) << "the field number row has a fill of its own";
  EXPECT_EQ(style_of(sheet, col(136) + "8"), number_style);  // the last field, 136
  EXPECT_NE(sheet.find("<cols>"), std::string::npos) << "column widths";
}

TEST(WorkbookSpecification, OneRowPerField) {
  for (auto [type, fields] : {std::pair<std::string, int>{"lettings", 147}, {"sales", 136}}) {
    Generated g = year_2026(type);
    ReadResult r = read_back(specification_workbook(*g.spec, *g.form));
    ASSERT_EQ(r.rows.size(), size_t(fields) + 1) << type;
    std::vector<std::string> headings;
    for (const Cell& c : r.rows[0].cells) headings.push_back(c.text);
    EXPECT_EQ(headings, (std::vector<std::string>{"Field number", "Column", "Question", "Allowed values", "Can be empty?", "Notes"}));
    for (int n = 1; n <= fields; ++n) {
      const Row& row = r.rows[size_t(n)];
      EXPECT_EQ(row.text(0), std::to_string(n)) << type;
      EXPECT_EQ(row.text(1), column_letters(n)) << type << " field " << n;
      EXPECT_EQ(row.text(2), g.spec->field(n)->question) << type << " field " << n;
    }
  }
}

TEST(WorkbookSpecification, ValuesAndNotes) {
  Generated g = year_2026("lettings");
  std::string bytes = specification_workbook(*g.spec, *g.form);
  ReadResult r = read_back(bytes);
  EXPECT_EQ(text_at(r, 2, 1), "B");
  EXPECT_EQ(text_at(r, 148, 1), "ER");  // field 147
  EXPECT_EQ(text_at(r, 5, 3), "1 = General needs, 2 = Supported housing");
  // Rent type: the compact codes, then each with its label.
  EXPECT_EQ(text_at(r, 12, 3).rfind("1 - 7\n1 = Social Rent\n2 = Affordable Rent\n", 0), 0u) << text_at(r, 12, 3);
  EXPECT_EQ(text_at(r, 5, 4), "No");
  // Notes: the spec's note, then each check's messages, one a line.
  std::string notes = text_at(r, 2, 5);
  EXPECT_EQ(notes.rfind(g.spec->field(1)->note + "\n", 0), 0u) << notes;
  EXPECT_NE(notes.find("\nThe owning organisation code is incorrect.\n"), std::string::npos) << notes;
  EXPECT_NE(notes.find("\nYou do not have permission to add logs for this owning organisation."), std::string::npos) << notes;
  std::string sheet = zip_part(bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\""), std::string::npos);
  EXPECT_NE(style_of(sheet, "A1"), style_of(sheet, "A2")) << "the header row is bold";
}

TEST(WorkbookAnnotated, KeepsRowsAndHighlightsNotedCells) {
  std::vector<Row> rows = {
      {3, {{"ORG1"}, {""}, {"x"}}},
      {7, {{"=1+1"}, {"12", true}, {"0.1", true}, {"+44"}}},
  };
  std::vector<CellNote> notes = {
      {3, 2, "The owning organisation code is incorrect."},
      {7, 5, "You must answer rent type."},  // past the end of row 7
      {3, 2, "A second note on the same cell."},
      {5, 0, "A note on a row with no cells."},
  };
  std::string bytes = annotated_workbook(rows, notes);
  ReadResult r = read_back(bytes);
  ASSERT_EQ(r.rows.size(), 2u) << "a row of highlighted blank cells only is blank to the reader";
  EXPECT_EQ(r.rows[0].number, 3);
  EXPECT_EQ(r.rows[1].number, 7);
  EXPECT_EQ(text_at(r, 3, 0), "ORG1");
  EXPECT_EQ(text_at(r, 3, 2), "x");
  EXPECT_EQ(text_at(r, 7, 0), "=1+1");
  EXPECT_FALSE(r.rows[1].cells[0].number);
  EXPECT_EQ(text_at(r, 7, 1), "12");
  EXPECT_TRUE(r.rows[1].cells[1].number);
  EXPECT_EQ(text_at(r, 7, 2), "0.1");
  EXPECT_EQ(text_at(r, 7, 3), "+44");

  std::string sheet = zip_part(bytes, "xl/worksheets/sheet1.xml");
  // Highlighted: exactly the noted cells, in one style of their own.
  std::string highlight = style_of(sheet, "C3");
  EXPECT_NE(highlight, "");
  EXPECT_EQ(style_of(sheet, "F7"), highlight);
  EXPECT_EQ(style_of(sheet, "A5"), highlight);
  for (const char* ref : {"A3", "A7", "B7", "C7", "D7"}) {
    EXPECT_NE(cell_xml(sheet, ref), "") << ref;
    EXPECT_NE(style_of(sheet, ref), highlight) << ref;
  }
  EXPECT_EQ(cell_xml(sheet, "B3"), "") << "an empty cell without a note is not written";
  EXPECT_EQ(count(sheet, " s=\"" + highlight + "\""), 3);
  // Text that looks like a formula is a string, never a formula.
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
  EXPECT_NE(cell_xml(sheet, "A7").find("t=\"inlineStr\""), std::string::npos) << cell_xml(sheet, "A7");
  // The notes are comments, one per cell.
  std::string comments = zip_part(bytes, "xl/comments1.xml");
  EXPECT_NE(comments.find("The owning organisation code is incorrect.\nA second note on the same cell."), std::string::npos)
      << comments;
  EXPECT_NE(comments.find("You must answer rent type."), std::string::npos);
  EXPECT_EQ(count(comments, "<comment ref="), 3);
  EXPECT_NE(comments.find("<comment ref=\"F7\""), std::string::npos);
}

TEST(WorkbookAnnotated, CellTextIsKeptAsTyped) {
  std::string long_text(40000, 'x');
  std::vector<Row> rows = {{1, {{long_text}, {"_x0041_ stays"}, {"a\x01z"}, {"bad \xFF byte"}, {" spaced "}}},
                           {2, {{"1E-3", true}, {"not a number", true}}}};
  ReadResult r = read_back(annotated_workbook(rows, {}));
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(text_at(r, 1, 0), std::string(32767, 'x')) << "capped at Excel's 32,767 characters";
  EXPECT_EQ(text_at(r, 1, 1), "_x0041_ stays");
  EXPECT_EQ(text_at(r, 1, 2), "a\x01z");
  EXPECT_EQ(text_at(r, 1, 3), "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(text_at(r, 1, 4), " spaced ");
  EXPECT_EQ(text_at(r, 2, 0), "0.001");
  EXPECT_TRUE(r.rows[1].cells[0].number);
  EXPECT_EQ(text_at(r, 2, 1), "not a number");
  EXPECT_FALSE(r.rows[1].cells[1].number);
}

TEST(WorkbookAnnotated, OddInputStillGivesAWorkbook) {
  std::vector<Row> rows = {{0, {{"no row 0"}}}, {2, {{"kept"}}}, {2, {{"kept instead"}}}};
  std::vector<CellNote> notes = {{-1, 0, "off the sheet"}, {2, -3, "off the sheet"}, {2, 20000, "off the sheet"},
                                 {2, 0, std::string(5000, 'n')}};
  std::string bytes = annotated_workbook(rows, notes, "Not/valid:name");
  ReadResult r = read_back(bytes);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].number, 2);
  EXPECT_EQ(text_at(r, 2, 0), "kept instead");
  EXPECT_NE(zip_part(bytes, "xl/workbook.xml").find("<sheet name=\"Upload\""), std::string::npos);
  std::string comments = zip_part(bytes, "xl/comments1.xml");
  EXPECT_EQ(count(comments, "<comment ref="), 1);
  EXPECT_EQ(comments.find("off the sheet"), std::string::npos);
  EXPECT_EQ(comments.find(std::string(2000, 'n')), std::string::npos) << "a long comment is cut short";
  EXPECT_NE(comments.find(std::string(1999, 'n') + "\xE2\x80\xA6"), std::string::npos);

  ReadResult empty = read_back(annotated_workbook({}, {}));
  EXPECT_TRUE(empty.rows.empty());
}

TEST(WorkbookAnnotated, LeavesNoTemporaryFiles) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("core-workbook-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", dir.c_str(), 1);
  std::string bytes = annotated_workbook({{1, {{"a"}}}}, {{1, 0, "note"}});
  Generated g = year_2026("sales");
  std::string spec = specification_workbook(*g.spec, *g.form);
  size_t left = size_t(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
  if (old) setenv("TMPDIR", saved.c_str(), 1);
  else unsetenv("TMPDIR");
  fs::remove_all(dir);
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(bytes.rfind("PK", 0), 0u);
  EXPECT_EQ(spec.rfind("PK", 0), 0u);
}
