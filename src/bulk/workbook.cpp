// The generated bulk-upload workbooks (bulk/workbook.h): the template, its specification and the
// annotated upload, written with libxlsxwriter.
#include "bulk/workbook.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

#include "util/text.h"

namespace core::bulk {

namespace {

constexpr size_t kMaxCellChars = 32767;    // Excel's limit for the text of a cell
constexpr size_t kMaxCommentChars = 2000;  // a comment box longer than this is unreadable anyway
constexpr size_t kMaxListChars = 255;      // Excel's limit for a drop-down list written in the rule
constexpr int kLastRow = 1048575, kLastColumn = 16383;  // Excel's last row and column, 0-based

// ---------------------------------------------------------------------------------------------
// A workbook written to a private temporary file and read back.

[[noreturn]] void fail(const std::string& what, lxw_error e) {
  throw std::runtime_error("Could not write the workbook: " + what + ": " + lxw_strerror(e));
}

void check(lxw_error e, const std::string& what) {
  if (e != LXW_NO_ERROR) fail(what, e);
}

// A file made by mkstemp in the system temp folder, removed when this goes (also on errors).
struct TempFile {
  std::string path;
  TempFile() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "core-workbook-XXXXXX").string();
    int fd = mkstemp(name.data());
    if (fd < 0) throw std::runtime_error("Could not create a temporary file for a workbook: " + std::string(std::strerror(errno)));
    ::close(fd);
    path = name;
  }
  ~TempFile() { std::remove(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

class Book {
 public:
  // constant_memory: rows are written out as they are finished, so each row must be written in turn
  // (the annotated upload, which can be large); otherwise cells may be written in any order.
  explicit Book(bool constant_memory = false) {
    lxw_workbook_options options{};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    wb_ = workbook_new_opt(file_.path.c_str(), &options);
    if (!wb_) throw std::runtime_error("Could not start a workbook (out of memory?)");
  }
  ~Book() {
    if (wb_) lxw_workbook_free(wb_);
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  lxw_workbook* get() const { return wb_; }
  lxw_worksheet* sheet(const std::string& name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) throw std::runtime_error("Could not write the workbook: cannot add the sheet '" + name + "'");
    return ws;
  }
  lxw_format* format() {
    lxw_format* f = workbook_add_format(wb_);
    if (!f) throw std::runtime_error("Could not write the workbook: cannot add a cell format");
    return f;
  }
  void title(const std::string& text) {
    lxw_doc_properties properties{};
    properties.title = const_cast<char*>(text.c_str());
    check(workbook_set_properties(wb_, &properties), "setting its title");
  }
  // Writes the file and returns its bytes.
  std::string finish() {
    lxw_error e = workbook_close(wb_);  // frees the workbook whatever happens
    wb_ = nullptr;
    check(e, "saving it");
    std::ifstream in(file_.path, std::ios::binary);
    if (!in) throw std::runtime_error("Could not read back the workbook just written");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error("Could not read back the workbook just written");
    return bytes;
  }

 private:
  TempFile file_;  // declared first: removed after the workbook is freed
  lxw_workbook* wb_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// Text as Excel can hold it.

// Invalid UTF-8 bytes become U+FFFD (libxlsxwriter writes bytes as they are, and Excel refuses a
// file whose XML is not UTF-8).
std::string valid_text(const std::string& s) {
  if (util::valid_utf8(s)) return s;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    size_t n = util::utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

// At most `max` characters (code points) of valid UTF-8.
std::string cap_chars(const std::string& s, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++count > max) return s.substr(0, i);
  return s;
}

// Whether s[i..] is written like OOXML's escape of a character, "_x000D_".
bool escape_at(const std::string& s, size_t i) {
  if (s[i] != '_' || i + 6 >= s.size() || s[i + 1] != 'x' || s[i + 6] != '_') return false;
  for (size_t k = i + 2; k < i + 6; ++k)
    if (util::hex_value(s[k]) < 0) return false;
  return true;
}

// Text the user typed that looks like an escape ("_x0041_") is kept as typed: its underscore is
// written as the escape of an underscore ("_x005F_x0041_"), as Excel does. (libxlsxwriter escapes
// control characters itself, but not this.)
std::string keep_escapes(const std::string& s, size_t& sites) {
  sites = 0;
  if (s.find("_x") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (escape_at(s, i)) {
      ++sites;
      out += "_x005F";
    }
    out += s[i];
  }
  return out;
}

// A cell's or a comment's text: valid UTF-8, escapes kept, at most `max` characters once written.
std::string excel_text(const std::string& s, size_t max) {
  std::string text = cap_chars(valid_text(s), max);
  size_t sites = 0;
  std::string kept = keep_escapes(text, sites);
  if (sites == 0) return kept;
  size_t room = max > 6 * sites ? max - 6 * sites : 0;  // each escape adds 6 characters
  return keep_escapes(cap_chars(text, room), sites);
}

void write_text(lxw_worksheet* ws, int row, int column, const std::string& text, lxw_format* f) {
  // worksheet_write_string stores text as text: "=1+1" stays a string, never a formula.
  check(worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(column), excel_text(text, kMaxCellChars).c_str(), f),
        "cell " + cell_ref(column, row + 1));
}

void write_number(lxw_worksheet* ws, int row, int column, double value, lxw_format* f) {
  check(worksheet_write_number(ws, lxw_row_t(row), lxw_col_t(column), value, f), "cell " + cell_ref(column, row + 1));
}

// Excel's own digits ("3", "0.1", "1E-3") as a number, or nullopt when they are not one.
std::optional<double> excel_number(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// The template's columns, from the form and the spec.

namespace {

using form::Reader;

const form::Attribute* attribute_of(const form::Form& form, const std::string& id) {
  int slot = id.empty() ? -1 : form.slot(id);
  return slot < 0 ? nullptr : &form.attributes[size_t(slot)];
}

std::string options_from(const form::Attribute& a) {
  for (const auto* q : a.questions)
    if (!q->options_from.empty()) return q->options_from;
  return "";
}

// The labels of the subsections (else sections) whose pages ask the attribute, in the form's order;
// none when no page asks it (a variable).
std::vector<std::string> sections_of(const form::Form& form, const std::string& attribute) {
  std::vector<std::string> out;
  const form::Attribute* a = attribute_of(form, attribute);
  if (!a) return out;
  for (const auto* q : a->questions) {
    if (q->page < 0) continue;
    const form::Page& page = form.pages[size_t(q->page)];
    if (page.subsection < 0) continue;
    const form::Subsection& sub = form.subsections[size_t(page.subsection)];
    std::string label = !sub.label.empty() || sub.section < 0 ? sub.label : form.sections[size_t(sub.section)].label;
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(label);
  }
  return out;
}

// The attribute's section: the previous field's when the attribute is asked there too (the service
// charge, asked for each kind of sale, sits among the fields of its kind), else the first.
std::string section_of(const form::Form& form, const std::string& attribute, const std::string& previous) {
  std::vector<std::string> sections = sections_of(form, attribute);
  if (sections.empty()) return "";
  return std::find(sections.begin(), sections.end(), previous) != sections.end() ? previous : sections[0];
}

// Whether an expression mentions field_<n> (field_94, and not field_940).
bool mentions_field(const std::string& text, int n) {
  std::string name = "field_" + std::to_string(n);
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    size_t end = at + name.size();
    if (end >= text.size() || text[end] < '0' || text[end] > '9') return true;
  }
  return false;
}

// A field's section: its attribute's; for a field with no attribute of its own (housing needs ticks),
// that of an attribute a derivation works out from it; else the previous field's (as a merged cell).
std::string field_section(const form::TemplateSpec& spec, const form::Form& form, const form::TemplateField& f,
                          const std::string& previous) {
  std::string section = section_of(form, f.attribute, previous);
  for (size_t i = 0; section.empty() && i < spec.derive.size(); ++i)
    if (mentions_field(spec.derive[i].value, f.number) || mentions_field(spec.derive[i].when, f.number))
      section = section_of(form, spec.derive[i].set, previous);
  return section.empty() ? previous : section;
}

// The label of one of an attribute's codes, or "" when the form gives none.
std::string code_label(const form::Form& form, const std::string& attribute, const expr::Value& value) {
  int slot = attribute.empty() ? -1 : form.slot(attribute);
  if (slot < 0 || value.null()) return "";
  if (form.attributes[size_t(slot)].kind == form::AttrKind::CheckboxOption)  // ticked or not
    return value.equals(expr::Value(1)) ? "Yes" : value.equals(expr::Value(0)) ? "No" : "";
  std::string label = form.label(slot, value);
  return label == value.text() ? "" : label;
}

// Whole-number codes first, in numeric order, then the others as listed.
void sort_codes(TemplateColumn& c) {
  std::vector<size_t> order(c.codes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto key = [&](size_t i) { return util::parse_int64(c.codes[i]); };
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    auto a = key(x), b = key(y);
    if (a && b) return *a < *b;
    return a.has_value() && !b.has_value();
  });
  std::vector<std::string> codes, labels;
  for (size_t i : order) {
    codes.push_back(c.codes[i]);
    labels.push_back(c.labels[i]);
  }
  c.codes = std::move(codes);
  c.labels = std::move(labels);
}

void table_codes(TemplateColumn& c, const std::vector<std::pair<std::string, std::string>>& table) {
  for (const auto& [code, name] : table) {
    c.codes.push_back(code);
    c.labels.push_back(name);
  }
  c.table = true;
}

// The codes of a code, yes_no or nationality field, as the template writes them.
void field_codes(TemplateColumn& c, const form::TemplateField& f, const form::Form& form) {
  if (f.reader == Reader::YesNo) {
    c.codes = {"1", "2"};
    c.labels = {"Yes", "No"};
    return;
  }
  if (f.reader == Reader::Nationality) {
    c.codes = {"0"};
    c.labels = {"Prefers not to say"};
    for (const auto& [code, name] : form.lookups.countries) {
      if (code == "0") continue;
      c.codes.push_back(code);
      c.labels.push_back(name);
    }
    c.table = true;
    return;
  }
  if (f.reader != Reader::Code) return;
  if (!f.codes.empty()) {  // the spec's own codes, each standing for a value of the form
    for (const auto& [cell, value] : f.codes) {
      c.codes.push_back(cell);
      c.labels.push_back(code_label(form, f.attribute, value));
    }
  } else if (const form::Attribute* a = attribute_of(form, f.attribute)) {
    std::string from = options_from(*a);
    if (from == "local_authorities_england") return table_codes(c, form.lookups.local_authorities_england);
    if (from == "local_authorities_all") return table_codes(c, form.lookups.local_authorities_all);
    if (from == "countries") return table_codes(c, form.lookups.countries);
    for (const auto& value : a->codes) {
      c.codes.push_back(value.text());
      c.labels.push_back(code_label(form, f.attribute, value));
    }
  }
  sort_codes(c);
}

// Codes written compactly: whole numbers as ranges ("1 - 3, 5 - 9"), then any others ("R").
std::string compact_codes(const std::vector<std::string>& codes) {
  std::vector<int64_t> numbers;
  std::vector<std::string> others, parts;
  for (const auto& code : codes) {
    if (auto n = util::parse_int64(code)) numbers.push_back(*n);
    else others.push_back(code);
  }
  std::sort(numbers.begin(), numbers.end());
  numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
  for (size_t i = 0; i < numbers.size();) {
    size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    parts.push_back(std::to_string(numbers[i]) + (j > i ? " - " + std::to_string(numbers[j]) : ""));
    i = j + 1;
  }
  parts.insert(parts.end(), others.begin(), others.end());
  return join(parts, ", ");
}

// "1 = General needs, 2 = Supported housing" (only for a short list whose codes all have labels).
std::string labelled_codes(const TemplateColumn& c) {
  if (c.codes.empty() || c.codes.size() > 4 || c.table) return "";
  std::vector<std::string> parts;
  for (size_t i = 0; i < c.codes.size(); ++i) {
    if (c.labels[i].empty()) return "";
    parts.push_back(c.codes[i] + " = " + c.labels[i]);
  }
  return join(parts, ", ");
}

std::string number_text(double d) { return expr::number(d).text(); }

// A number's bounds, from the first question that asks the attribute ("1 - 12", "0 or more").
std::string number_values(const form::Form& form, const std::string& attribute) {
  const form::Attribute* a = attribute_of(form, attribute);
  if (!a || a->questions.empty() || a->bounds_vary) return "Numeric";
  const form::Question& q = *a->questions[0];
  if (q.min && q.max) return "Numeric, " + number_text(*q.min) + " - " + number_text(*q.max);
  if (q.min) return "Numeric, " + number_text(*q.min) + " or more";
  return "Numeric";
}

// What a code from a lookup table is, by the table the attribute's options come from.
std::string table_kind(const form::Form& form, const std::string& attribute) {
  const form::Attribute* a = attribute_of(form, attribute);
  std::string from = a ? options_from(*a) : "";
  if (from == "countries") return "A country's ISO 3166 numeric code";
  if (starts_with(from, "local_authorities")) return "A local authority's ONS code";
  return "A code";
}

// The table's name for its codes, with the first as an example.
std::string table_values(const TemplateColumn& c, const std::string& what) {
  for (size_t i = 0; i < c.codes.size(); ++i)
    if (c.codes[i] != "0")
      return what + " (for example " + c.codes[i] + (c.labels[i].empty() ? "" : " for " + c.labels[i]) + ")";
  return what;
}

std::string date_part_values(const std::string& part) {
  if (part == "day") return "1 - 31";
  if (part == "month") return "1 - 12";
  return "2 or 4 digit year";
}

std::string values_text(const TemplateColumn& c, const form::TemplateField& f, const form::Form& form) {
  if (!f.reader) return "";
  switch (*f.reader) {
    case Reader::Code: {
      if (c.table) return table_values(c, table_kind(form, f.attribute));
      std::string labelled = labelled_codes(c);
      return labelled.empty() ? compact_codes(c.codes) : labelled;
    }
    case Reader::YesNo: return labelled_codes(c);
    case Reader::Number: return number_values(form, f.attribute);
    case Reader::NumberOrR: return number_values(form, f.attribute) + ", or R";
    case Reader::Text: return "Text";
    case Reader::DatePart: return date_part_values(f.part);
    case Reader::PostcodeHalf: return f.part == "outward" ? "First part of the postcode, such as SW1A" : "Second part of the postcode, such as 1AA";
    case Reader::Organisation: return "ORG followed by the organisation's number";
    case Reader::User: return "Email address of a CORE user";
    case Reader::Scheme: return "S followed by the scheme's number";
    case Reader::Location: return "Number of a location of the scheme";
    case Reader::Nationality: return table_values(c, "0 (prefers not to say) or a country's ISO 3166 numeric code");
    case Reader::Ignored: return "Not read";
  }
  return "";
}

// Whether every question that asks the attribute is always asked and must be answered.
bool always_required(const form::Form& form, const std::string& attribute) {
  const form::Attribute* a = attribute_of(form, attribute);
  if (!a || a->questions.empty()) return false;
  for (const auto* q : a->questions) {
    if (q->optional || q->optional_when || q->page < 0) return false;
    const form::Page& page = form.pages[size_t(q->page)];
    if (page.depends_on) return false;
    if (page.subsection >= 0 && form.subsections[size_t(page.subsection)].shown_when) return false;
  }
  return true;
}

// "Can be empty?". A judgement, from what the spec and form say:
// - "No" when one of the field's checks is a blank cell ("blank"), "No, if ..." when it is a blank
//   cell under a condition ("blank when field 8 = 1", "required if field 4 = 2");
// - else "No" for a setup field read always, whose question is always asked and not optional (a
//   missing setup answer stops the whole file);
// - else "Yes": any other missing answer only leaves the log in progress.
std::string can_be_empty(const form::TemplateField& f, const form::Form& form) {
  for (const auto& check : f.checks) {
    std::string when = util::ascii_lower(check.when);
    if (when == "blank") return "No";
    for (const char* prefix : {"blank when ", "blank if ", "required when ", "required if "})
      if (starts_with(when, prefix)) return "No, if " + check.when.substr(std::strlen(prefix));
  }
  if (f.setup && f.when.empty() && always_required(form, f.attribute)) return "No";
  return "Yes";
}

bool in(const std::vector<int>& list, int n) { return std::find(list.begin(), list.end(), n) != list.end(); }

}  // namespace

std::vector<TemplateColumn> template_columns(const form::TemplateSpec& spec, const form::Form& form) {
  std::vector<const form::TemplateField*> fields;
  for (const auto& f : spec.fields) fields.push_back(&f);
  std::stable_sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->number < b->number; });
  std::vector<TemplateColumn> out;
  std::string previous;
  for (size_t i = 0; i < fields.size(); ++i) {
    const form::TemplateField& f = *fields[i];
    TemplateColumn c;
    c.number = f.number;
    c.column = int(i) + (spec.label_column ? 1 : 0);
    c.section = previous = field_section(spec, form, f, previous);
    const form::Attribute* a = attribute_of(form, f.attribute);
    c.question = !f.question.empty() ? f.question : a ? a->label : "";
    c.note = f.note;
    field_codes(c, f, form);
    c.values = values_text(c, f, form);
    c.can_be_empty = can_be_empty(f, form);
    c.duplicate_check = in(spec.duplicate_in_file_fields, f.number) ? "Yes" : "";
    out.push_back(std::move(c));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The template.

namespace {

struct TemplateFormats {
  lxw_format *label, *header, *bold, *number;
};

TemplateFormats template_formats(Book& book) {
  auto cell = [&](bool bold) {
    lxw_format* f = book.format();
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xB1B4B6);
    if (bold) format_set_bold(f);
    return f;
  };
  TemplateFormats t{cell(true), cell(false), cell(true), cell(true)};
  format_set_bg_color(t.label, 0xF3F2F1);  // light grey
  format_set_bg_color(t.number, 0xFFDD00);  // yellow: the row that aligns a file's columns
  format_set_align(t.number, LXW_ALIGN_CENTER);
  return t;
}

// What a header row holds, by its label (lettings and sales word the "applies to" row differently).
enum class HeaderRow { Section, Question, Info, Values, Empty, AppliesTo, Duplicate, Number, Other };

// The header rows: the spec's, or only a field number row when it has none.
struct HeaderRows {
  std::vector<std::string> labels;
  int number_row = 0;  // 1-based
  explicit HeaderRows(const form::TemplateSpec& spec) : labels(spec.header_rows), number_row(spec.field_number_row) {
    if (!labels.empty()) return;
    labels = {spec.field_number_label.empty() ? "Field number" : spec.field_number_label};
    number_row = 1;
  }
};

HeaderRow header_row_kind(const HeaderRows& rows, size_t i) {
  if (int(i) + 1 == rows.number_row) return HeaderRow::Number;
  std::string label = util::ascii_lower(rows.labels[i]);
  if (starts_with(label, "section")) return HeaderRow::Section;
  if (starts_with(label, "question")) return HeaderRow::Question;
  if (starts_with(label, "additional")) return HeaderRow::Info;
  if (starts_with(label, "values")) return HeaderRow::Values;
  if (starts_with(label, "can be empty")) return HeaderRow::Empty;
  if (starts_with(label, "type")) return HeaderRow::AppliesTo;  // left blank: the spec does not say
  if (starts_with(label, "duplicate")) return HeaderRow::Duplicate;
  return HeaderRow::Other;
}

std::string header_text(HeaderRow kind, const TemplateColumn& c) {
  switch (kind) {
    case HeaderRow::Section: return c.section;
    case HeaderRow::Question: return c.question;
    case HeaderRow::Info: return c.note;
    case HeaderRow::Values: return c.values;
    case HeaderRow::Empty: return c.can_be_empty;
    case HeaderRow::Duplicate: return c.duplicate_check;
    default: return "";
  }
}

void write_header_rows(lxw_worksheet* ws, const HeaderRows& rows, bool label_column,
                       const std::vector<TemplateColumn>& columns, const TemplateFormats& formats) {
  for (size_t r = 0; r < rows.labels.size(); ++r) {
    int row = int(r);
    HeaderRow kind = header_row_kind(rows, r);
    if (label_column) write_text(ws, row, 0, rows.labels[r], formats.label);
    for (const auto& c : columns) {
      if (kind == HeaderRow::Number) {
        write_number(ws, row, c.column, c.number, formats.number);  // reads back as "12"
        continue;
      }
      lxw_format* f = kind == HeaderRow::Section || kind == HeaderRow::Question ? formats.bold : formats.header;
      write_text(ws, row, c.column, header_text(kind, c), f);
    }
  }
}

// Where long lists of codes go: one column each of a hidden sheet, shared by fields with the same list.
class CodeLists {
 public:
  explicit CodeLists(Book& book) : book_(book) {}
  // The range holding these codes ("=Codes!$A$1:$A$309"), written on first use.
  std::string range(const std::vector<std::string>& codes) {
    std::string key = join(codes, "\n");
    auto it = columns_.find(key);
    int column = it != columns_.end() ? it->second : write(codes);
    columns_.emplace(key, column);
    std::string letters = column_letters(column);
    return "=Codes!$" + letters + "$1:$" + letters + "$" + std::to_string(codes.size());
  }

 private:
  int write(const std::vector<std::string>& codes) {
    if (!sheet_) {
      sheet_ = book_.sheet("Codes");
      worksheet_hide(sheet_);  // after the template's sheet, so it stays the first visible one
    }
    int column = int(columns_.size());
    for (size_t i = 0; i < codes.size() && int(i) <= kLastRow; ++i) {
      // Whole numbers as numbers, so a number typed in the template matches them.
      auto n = util::parse_int64(codes[i]);
      if (n) write_number(sheet_, int(i), column, double(*n), nullptr);
      else write_text(sheet_, int(i), column, codes[i], nullptr);
    }
    return column;
  }
  Book& book_;
  lxw_worksheet* sheet_ = nullptr;
  std::map<std::string, int> columns_;
};

// Whether a list can be written in the rule itself: within Excel's 255 characters, no commas or quotes.
bool fits_in_rule(const std::vector<std::string>& codes) {
  size_t length = codes.empty() ? 0 : codes.size() - 1;
  for (const auto& code : codes) {
    if (code.find_first_of(",\"") != std::string::npos) return false;
    length += code.size();
  }
  return length <= kMaxListChars;
}

void add_drop_down(lxw_worksheet* ws, const TemplateColumn& c, int first_row, int last_row, CodeLists& lists) {
  lxw_data_validation rule{};
  rule.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;  // the upload checks every cell anyway
  std::string title = "Not one of the codes", message = "Enter one of the codes in the Values row of this column.";
  rule.error_title = title.data();
  rule.error_message = message.data();
  std::vector<char*> list;
  std::string range;
  if (fits_in_rule(c.codes)) {
    rule.validate = LXW_VALIDATION_TYPE_LIST;
    for (const auto& code : c.codes) list.push_back(const_cast<char*>(code.c_str()));
    list.push_back(nullptr);
    rule.value_list = list.data();
  } else {
    rule.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    range = lists.range(c.codes);
    rule.value_formula = range.data();
  }
  check(worksheet_data_validation_range(ws, lxw_row_t(first_row), lxw_col_t(c.column), lxw_row_t(last_row),
                                        lxw_col_t(c.column), &rule),
        "the drop-down list of column " + column_letters(c.column));
}

std::string capitalised(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = char(s[0] - 'a' + 'A');
  return s;
}

// "2026 to 2027", as the service names a collection year.
std::string year_text(int year) { return std::to_string(year) + " to " + std::to_string(year + 1); }

}  // namespace

std::string template_workbook(const form::TemplateSpec& spec, const form::Form& form) {
  std::vector<TemplateColumn> columns = template_columns(spec, form);
  Book book;
  book.title("CORE " + spec.type + " bulk upload template, " + year_text(spec.year));
  lxw_worksheet* ws = book.sheet(capitalised(spec.type) + " " + std::to_string(spec.year) + "-" +
                                 std::to_string((spec.year + 1) % 100));
  HeaderRows rows(spec);
  write_header_rows(ws, rows, spec.label_column, columns, template_formats(book));
  int header = int(rows.labels.size());
  if (spec.label_column) check(worksheet_set_column(ws, 0, 0, 24, nullptr), "column widths");
  if (!columns.empty())
    check(worksheet_set_column(ws, lxw_col_t(columns.front().column), lxw_col_t(columns.back().column), 22, nullptr),
          "column widths");
  worksheet_freeze_panes(ws, lxw_row_t(header), spec.label_column ? 1 : 0);
  int64_t data_rows = spec.max_rows > 0 ? spec.max_rows : 25000;
  int last_row = int(std::min<int64_t>(kLastRow, header + data_rows - 1));
  CodeLists lists(book);
  for (const auto& c : columns)
    if (!c.codes.empty() && c.column <= kLastColumn && header <= last_row) add_drop_down(ws, c, header, last_row, lists);
  return book.finish();
}

// ---------------------------------------------------------------------------------------------
// The specification.

namespace {

// The allowed values, and under them each code with its label when the form labels them.
std::string allowed_values(const TemplateColumn& c) {
  std::string out = c.values;
  if (c.table || c.values == labelled_codes(c)) return out;
  bool labelled = std::any_of(c.labels.begin(), c.labels.end(), [](const std::string& l) { return !l.empty(); });
  if (!labelled) return out;
  for (size_t i = 0; i < c.codes.size(); ++i) out += "\n" + c.codes[i] + (c.labels[i].empty() ? "" : " = " + c.labels[i]);
  return out;
}

std::string field_notes(const form::TemplateField* f) {
  std::vector<std::string> lines;
  if (!f) return "";
  if (!f->note.empty()) lines.push_back(f->note);
  for (const auto& check : f->checks)
    for (const auto& message : check.messages) lines.push_back(message);
  return join(lines, "\n");
}

}  // namespace

std::string specification_workbook(const form::TemplateSpec& spec, const form::Form& form) {
  std::vector<TemplateColumn> columns = template_columns(spec, form);
  Book book;
  book.title("CORE " + spec.type + " bulk upload specification, " + year_text(spec.year));
  lxw_worksheet* ws = book.sheet("Specification");
  lxw_format* head = book.format();
  format_set_bold(head);
  format_set_text_wrap(head);
  format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
  format_set_bg_color(head, 0xF3F2F1);
  format_set_bottom(head, LXW_BORDER_THIN);
  lxw_format* body = book.format();
  format_set_text_wrap(body);
  format_set_align(body, LXW_ALIGN_VERTICAL_TOP);
  const std::vector<std::pair<const char*, double>> headings = {
      {"Field number", 10}, {"Column", 9}, {"Question", 48}, {"Allowed values", 40}, {"Can be empty?", 16}, {"Notes", 70}};
  for (size_t i = 0; i < headings.size(); ++i) {
    write_text(ws, 0, int(i), headings[i].first, head);
    check(worksheet_set_column(ws, lxw_col_t(i), lxw_col_t(i), headings[i].second, nullptr), "column widths");
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const TemplateColumn& c = columns[i];
    int row = int(i) + 1;
    write_number(ws, row, 0, c.number, body);
    write_text(ws, row, 1, column_letters(c.column), body);
    write_text(ws, row, 2, c.question, body);
    write_text(ws, row, 3, allowed_values(c), body);
    write_text(ws, row, 4, c.can_be_empty, body);
    write_text(ws, row, 5, field_notes(spec.field(c.number)), body);
  }
  worksheet_freeze_panes(ws, 1, 0);
  check(worksheet_autofilter(ws, 0, 0, lxw_row_t(columns.size()), lxw_col_t(headings.size() - 1)), "the filter");
  return book.finish();
}

// ---------------------------------------------------------------------------------------------
// The annotated upload.

namespace {

using NotesByCell = std::map<int, std::map<int, std::string>>;  // row (1-based) -> column -> notes

NotesByCell group_notes(const std::vector<CellNote>& notes) {
  NotesByCell out;
  for (const auto& n : notes) {
    if (n.row < 1 || n.row > kLastRow + 1 || n.column < 0 || n.column > kLastColumn) continue;
    std::string& text = out[n.row][n.column];
    text += (text.empty() ? "" : "\n") + n.text;
  }
  return out;
}

void write_cell(lxw_worksheet* ws, int row, int column, const Cell& cell, lxw_format* f) {
  if (cell.number)
    if (auto value = excel_number(cell.text)) return write_number(ws, row, column, *value, f);
  write_text(ws, row, column, cell.text, f);
}

void write_comment(lxw_worksheet* ws, int row, int column, const std::string& notes) {
  std::string text = valid_text(notes);
  std::string capped = cap_chars(text, kMaxCommentChars);
  if (capped.size() < text.size()) capped = cap_chars(text, kMaxCommentChars - 1) + "\xE2\x80\xA6";  // …
  size_t lines = 1 + size_t(std::count(capped.begin(), capped.end(), '\n')) + capped.size() / 50;
  lxw_comment_options options{};
  std::string author = "CORE";
  options.author = author.data();
  options.width = 320;
  options.height = uint16_t(std::min<size_t>(400, 24 + 16 * lines));
  check(worksheet_write_comment_opt(ws, lxw_row_t(row), lxw_col_t(column), capped.c_str(), &options),
        "the comment on " + cell_ref(column, row + 1));
}

// One sheet row: its cells (highlighted where they have notes), then the noted cells past its end.
void write_row(lxw_worksheet* ws, int number, const Row* row, const std::map<int, std::string>* notes,
               lxw_format* highlight) {
  int r = number - 1;
  size_t cells = row ? std::min<size_t>(row->cells.size(), kLastColumn + 1) : 0;
  for (size_t c = 0; c < cells; ++c) {
    bool noted = notes && notes->count(int(c));
    if (row->cells[c].text.empty() && !noted) continue;
    write_cell(ws, r, int(c), row->cells[c], noted ? highlight : nullptr);
  }
  if (!notes) return;
  for (const auto& [column, text] : *notes) {
    if (size_t(column) >= cells) check(worksheet_write_blank(ws, lxw_row_t(r), lxw_col_t(column), highlight), "a blank cell");
    write_comment(ws, r, column, text);
  }
}

lxw_format* highlight_format(Book& book) {
  lxw_format* f = book.format();
  format_set_bg_color(f, 0xFFC7CE);  // light red
  format_set_border(f, LXW_BORDER_THIN);
  format_set_border_color(f, 0x9C0006);  // dark red
  return f;
}

// A name Excel takes for a sheet, else "Upload".
std::string sheet_name_for(lxw_workbook* wb, const std::string& name) {
  std::string valid = valid_text(name);
  return workbook_validate_sheet_name(wb, valid.c_str()) == LXW_NO_ERROR ? valid : "Upload";
}

}  // namespace

std::string annotated_workbook(const std::vector<Row>& rows, const std::vector<CellNote>& notes,
                               const std::string& sheet_name) {
  std::map<int, const Row*> by_number;  // rows in sheet order; a repeated number keeps the last
  for (const auto& row : rows)
    if (row.number >= 1 && row.number <= kLastRow + 1) by_number[row.number] = &row;
  NotesByCell grouped = group_notes(notes);
  Book book(true);  // rows are written in order, as they are finished
  lxw_format* highlight = highlight_format(book);
  lxw_worksheet* ws = book.sheet(sheet_name_for(book.get(), sheet_name));
  auto row_it = by_number.begin();
  auto note_it = grouped.begin();
  while (row_it != by_number.end() || note_it != grouped.end()) {
    int number = std::min(row_it != by_number.end() ? row_it->first : kLastRow + 2,
                          note_it != grouped.end() ? note_it->first : kLastRow + 2);
    const Row* row = row_it != by_number.end() && row_it->first == number ? (row_it++)->second : nullptr;
    const std::map<int, std::string>* row_notes =
        note_it != grouped.end() && note_it->first == number ? &(note_it++)->second : nullptr;
    write_row(ws, number, row, row_notes, highlight);
  }
  return book.finish();
}

}  // namespace core::bulk
