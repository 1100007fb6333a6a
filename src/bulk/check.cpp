#include "bulk/check.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "expr/eval.h"
#include "form/duplicates.h"
#include "logs/flow.h"
#include "util/dates.h"
#include "util/postcode.h"
#include "util/text.h"

namespace core::bulk {

using expr::Value;
using form::Form;
using form::TemplateField;
using form::TemplateSpec;
using json = nlohmann::json;

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "%{name}" in a message template filled in.
std::string fill(std::string text, const std::string& name, const std::string& value) {
  std::string key = "%{" + name + "}";
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) text.replace(at, key.size(), value);
  return text;
}

// A question as it reads inside "Enter a valid value for …": first word lower-cased, ending in
// punctuation.
std::string in_sentence(const std::string& question) {
  std::string q = util::lower_first_word(question);
  if (!q.empty() && q.back() != '?' && q.back() != '.') q += '.';
  return q;
}

// A number as a cell holds it: the text typed into a CSV (an optional sign, digits, a point), or
// Excel's own digits for a number cell of an XLSX ("1E-3" too). Never throws.
std::optional<double> read_number(const Cell& cell) {
  std::string t = util::trim_blanks(cell.text);
  if (t.empty()) return std::nullopt;
  if (cell.number) {
    double d = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), d, std::chars_format::general);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  }
  bool negative = false;
  std::string_view v = t;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  if (!v.empty() && v[0] == '.') {  // ".5"
    auto d = util::parse_decimal("0" + std::string(v));
    if (!d) return std::nullopt;
    return negative ? -*d : *d;
  }
  auto d = util::parse_decimal(v);
  if (!d) return std::nullopt;
  return negative ? -*d : *d;
}

json number_json(double d) {
  if (std::floor(d) == d && std::fabs(d) < 9e15) return json(int64_t(d));
  return json(d);
}

// "ORG12" / "org12" → 12 (the prefix, then a positive id).
std::optional<int64_t> prefixed_id(const std::string& text, const std::string& prefix) {
  std::string t = util::trim_blanks(text);
  if (t.size() <= prefix.size() || util::ascii_upper(t.substr(0, prefix.size())) != prefix) return std::nullopt;
  return util::parse_id(std::string_view(t).substr(prefix.size()));
}

// The compiled expressions of a spec, parsed once per check.
struct Compiled {
  std::vector<expr::NodePtr> field_when;  // by index into spec.fields
  // A code field's codes, lower-cased, and the answer each gives (null: accepted, left blank), by
  // index into spec.fields; `table` when the attribute's options come from a table the gateway knows.
  struct Codes {
    std::unordered_map<std::string, json> by_code;
    bool table = false;
  };
  std::vector<Codes> codes;
  struct Derive {
    int slot = -1;
    expr::NodePtr when, value;
  };
  std::vector<Derive> derive;
  struct Rule {
    const form::TemplateRule* rule = nullptr;
    expr::NodePtr when;
    std::vector<expr::NodePtr> message_when;
  };
  std::vector<Rule> rules;
};

Compiled compile(const TemplateSpec& spec, const Form& f) {
  Compiled c;
  int n = int(spec.fields.size());
  auto parse = [&](const std::string& text) -> expr::NodePtr {
    if (text.empty()) return nullptr;
    return form::parse_spec_expression(text, f, n);
  };
  for (auto& fd : spec.fields) {
    c.field_when.push_back(parse(fd.when));
    Compiled::Codes codes;
    if (fd.reader == form::Reader::Code) {
      if (!fd.codes.empty()) {
        for (auto& [code, v] : fd.codes) codes.by_code[util::ascii_lower(code)] = v.null() || fd.attribute.empty() ? json() : expr::to_json(v);
      } else if (int s = f.slot(fd.attribute); s >= 0) {
        for (auto& v : f.attributes[size_t(s)].codes) codes.by_code[util::ascii_lower(v.text())] = expr::to_json(v);
        codes.table = f.attributes[size_t(s)].codes.empty();
      }
    }
    c.codes.push_back(std::move(codes));
  }
  for (auto& d : spec.derive) c.derive.push_back({f.slot(d.set), parse(d.when), parse(d.value)});
  for (auto& r : spec.rules) {
    Compiled::Rule cr{&r, parse(r.when), {}};
    for (auto& m : r.messages) cr.message_when.push_back(parse(m.when));
    c.rules.push_back(std::move(cr));
  }
  return c;
}

// Where each field's cells are: the sheet's columns by field number, and the first data row.
struct Layout {
  std::vector<int> column;  // by field number (index 0 unused): the column index, or -1
  size_t first_data = 0;    // index into sheet.rows
  std::string error;        // a file-level message
  std::string failure;
};

bool header_row(const Row& r, const TemplateSpec& spec) {
  std::string label = util::ascii_lower(spec.field_number_label.empty() ? "field number" : spec.field_number_label);
  return util::ascii_lower(r.text(0)).find(label) != std::string::npos;
}

Layout layout(const TemplateSpec& spec, const ReadResult& sheet) {
  Layout L;
  int n = int(spec.fields.size());
  L.column.assign(size_t(n) + 1, -1);
  size_t header = sheet.rows.size();
  for (size_t i = 0; i < sheet.rows.size(); ++i)
    if (header_row(sheet.rows[i], spec)) {
      header = i;
      break;
    }
  if (header < sheet.rows.size()) {
    // Aligned by the "Field number" row: a column whose cell is a number is that field's.
    const Row& r = sheet.rows[header];
    int numbered = 0;
    bool out_of_range = false;
    for (size_t col = spec.label_column ? 1 : 0; col < r.cells.size(); ++col) {
      std::string t = util::trim_blanks(r.cells[col].text);
      if (!all_digits(t)) continue;
      ++numbered;
      auto no = util::parse_int64(t);
      if (!no || *no < 1 || *no > n) {
        out_of_range = true;
        continue;
      }
      L.column[size_t(*no)] = int(col);
    }
    if (numbered != n || out_of_range || std::count(L.column.begin() + 1, L.column.end(), -1) > 0) {
      L.error = spec.message("wrong_field_count");
      L.failure = "wrong_template";
    }
    L.first_data = header + 1;
    return L;
  }
  // No header rows: the data starts on the first row, in field order. A template whose header rows
  // were deleted but whose label column was kept (column A blank throughout) is read from column B.
  size_t widest = 0;
  bool a_blank = true;
  for (auto& r : sheet.rows) {
    widest = std::max(widest, r.cells.size());
    a_blank = a_blank && util::trim_blanks(r.text(0)).empty();
  }
  int offset = (a_blank && widest == size_t(n) + 1) ? 1 : 0;
  if (widest > size_t(n) + size_t(offset)) {
    L.error = spec.message("too_many_columns");
    L.failure = "wrong_template";
  } else if (sheet.format == "csv" && widest < size_t(n) && !sheet.rows.empty()) {
    L.error = spec.message("wrong_field_count");
    L.failure = "wrong_template";
  }
  for (int i = 1; i <= n; ++i) L.column[size_t(i)] = i - 1 + offset;
  L.first_data = 0;
  return L;
}

const Cell& cell_of(const Row& r, int column) {
  static const Cell empty;
  if (column < 0 || size_t(column) >= r.cells.size()) return empty;
  return r.cells[size_t(column)];
}

bool blank_text(const std::string& s) {
  for (char c : s)
    if (!is_space(c)) return false;
  return true;
}

// A year cell: 1 or 2 digits are 2000 onwards, 4 digits as they are.
std::optional<int> year_of(const std::string& text) {
  std::string t = util::trim_blanks(text);
  if (!all_digits(t) || (t.size() != 1 && t.size() != 2 && t.size() != 4)) return std::nullopt;
  auto y = util::parse_int64(t);
  if (!y) return std::nullopt;
  return int(t.size() <= 2 ? 2000 + *y : *y);
}

std::optional<int> part_of(const Cell& c) {
  auto d = read_number(c);
  if (!d || std::floor(*d) != *d || *d < 0 || *d > 9999) return std::nullopt;
  return int(*d);
}

// The three parts of a date, by part name, and the date they make (nothing if not a real date).
struct DateParts {
  const Cell *day = nullptr, *month = nullptr, *year = nullptr;
  std::vector<int> fields;
  std::optional<util::Date> date() const {
    if (!day || !month || !year) return std::nullopt;
    auto d = part_of(*day), m = part_of(*month);
    auto y = year_of(year->text);
    if (!d || !m || !y) return std::nullopt;
    if (!util::valid_date(*y, *m, *d)) return std::nullopt;
    return util::Date{*y, *m, *d};
  }
};

// Reading one row: its cells into answers, with the readers' errors.
class RowReader {
 public:
  RowReader(const TemplateSpec& spec, const Form& f, const Compiled& compiled, const Layout& L, Runner& runner)
      : spec_(spec), f_(f), compiled_(compiled), L_(L), runner_(runner) {}

  RowReport read(const Row& row);

 private:
  const Cell& cell(int field) const { return cell_of(*row_, L_.column[size_t(field)]); }
  bool blank(int field) const { return blank_text(cell(field).text); }
  std::string cell_ref_of(int field) const {
    if (field <= 0) return "";
    return bulk::cell_ref(L_.column[size_t(field)], row_->number);
  }
  void error(int field, const std::string& category, const std::string& message) {
    for (auto& e : report_.errors)
      if (e.field == field && e.message == message) return;
    const TemplateField* fd = spec_.field(field);
    report_.errors.push_back({field, cell_ref_of(field), category, message, fd ? fd->question : ""});
  }
  std::string invalid_message(const TemplateField& fd, bool number) const {
    if (!fd.invalid.empty()) return fd.invalid;
    return fill(spec_.message(number ? "invalid_number" : "invalid_option"), "question", in_sentence(fd.question));
  }
  void set(const std::string& attribute, json v) {
    for (auto& [a, old] : answers_)
      if (a == attribute) {
        old = std::move(v);
        replaced_ = true;
        return;
      }
    answers_.emplace_back(attribute, std::move(v));
  }
  void read_field(const TemplateField& fd);
  void finish_dates_and_postcodes();
  form::Values env_values(const form::Values& answers) const;
  void derive(form::Values& values);
  void rules(const form::Values& values);
  void map_errors(const std::vector<form::Error>& errors, const std::string& category_if_not_setup);
  std::vector<int> fields_of(const std::string& attribute) const;
  void not_answered(const form::Outcome& o, const form::Context& ctx);
  void soft_checks(const form::Outcome& o);

  const TemplateSpec& spec_;
  const Form& f_;
  const Compiled& compiled_;
  const Layout& L_;
  Runner& runner_;
  const Row* row_ = nullptr;
  RowReport report_;
  form::Changes answers_;
  std::set<int> invalid_;                        // fields whose cell the reader refused
  std::set<std::string> unresolved_;             // attributes given but not looked up (no database)
  std::map<std::string, std::vector<int>> read_; // attribute → the fields read for it
  std::map<std::string, DateParts> dates_;
  std::map<std::string, std::pair<const Cell*, const Cell*>> postcodes_;
  std::map<std::string, std::vector<int>> postcode_fields_;
  bool replaced_ = false;  // set() changed an answer already read
};

void RowReader::read_field(const TemplateField& fd) {
  if (!fd.reader || *fd.reader == form::Reader::Ignored) return;
  const Cell& c = cell(fd.number);
  bool is_blank = blank_text(c.text);
  if (!fd.attribute.empty()) read_[fd.attribute].push_back(fd.number);
  if (*fd.reader == form::Reader::DatePart) {
    auto& d = dates_[fd.attribute];
    d.fields.push_back(fd.number);
    if (is_blank) return;
    bool ok = fd.part == "year" ? true : part_of(c).has_value();
    if (!ok) {
      invalid_.insert(fd.number);
      error(fd.number, fd.setup ? "setup" : "critical", invalid_message(fd, false));
      return;
    }
    (fd.part == "day" ? d.day : fd.part == "month" ? d.month : d.year) = &c;
    return;
  }
  if (*fd.reader == form::Reader::PostcodeHalf) {
    postcode_fields_[fd.attribute].push_back(fd.number);
    if (is_blank) return;
    auto& p = postcodes_[fd.attribute];
    (fd.part == "outward" ? p.first : p.second) = &c;
    return;
  }
  if (*fd.reader == form::Reader::User) {
    if (is_blank) {
      if (auto me = runner_.uploader()) set(fd.attribute, *me);
      else if (!runner_.resolves_references()) unresolved_.insert(fd.attribute);  // the uploader, whoever runs it
      return;
    }
    std::string email = util::ascii_lower(util::trim_blanks(c.text));
    if (!runner_.resolves_references()) {
      if (email.find('@') == std::string::npos) {
        invalid_.insert(fd.number);
        error(fd.number, fd.setup ? "setup" : "critical", invalid_message(fd, false));
      } else {
        unresolved_.insert(fd.attribute);
      }
      return;
    }
    auto id = runner_.user_by_email(email);
    if (!id) {
      invalid_.insert(fd.number);
      error(fd.number, "critical", invalid_message(fd, false));
      return;
    }
    set(fd.attribute, *id);
    return;
  }
  if (is_blank) return;
  std::string t = util::trim_blanks(c.text);
  auto refuse = [&](bool number) {
    invalid_.insert(fd.number);
    error(fd.number, fd.setup ? "setup" : "critical", invalid_message(fd, number));
  };
  switch (*fd.reader) {
    case form::Reader::Code: {
      const auto& codes = compiled_.codes[size_t(&fd - spec_.fields.data())];
      if (codes.table) {  // options from a table (local authorities): the gateway knows them
        int s = f_.slot(fd.attribute);
        auto i = util::parse_int64(t);
        if (i && f_.attributes[size_t(s)].type == expr::Type::Number) set(fd.attribute, *i);
        else set(fd.attribute, util::ascii_upper(t));
        return;
      }
      auto it = codes.by_code.find(util::ascii_lower(t));
      if (it == codes.by_code.end())  // "1.0" for 1
        if (auto d = read_number(c); d && std::floor(*d) == *d && std::fabs(*d) < 1e15) it = codes.by_code.find(std::to_string(int64_t(*d)));
      if (it == codes.by_code.end()) return refuse(false);
      if (!fd.attribute.empty() && !it->second.is_null()) set(fd.attribute, it->second);
      return;
    }
    case form::Reader::YesNo: {
      auto d = read_number(c);
      if (d && *d == 1 && fd.yes) return set(fd.attribute, expr::to_json(*fd.yes));
      if (d && *d == 2 && fd.no) return set(fd.attribute, expr::to_json(*fd.no));
      return refuse(false);
    }
    case form::Reader::Number:
    case form::Reader::NumberOrR: {
      if (*fd.reader == form::Reader::NumberOrR && util::ascii_upper(t) == "R") {
        if (fd.flag) set(fd.flag->attribute, expr::to_json(fd.flag->r));
        return;
      }
      auto d = read_number(c);
      if (!d) return refuse(*fd.reader == form::Reader::Number);
      double v = *d;
      if (fd.round) v = std::round(v);
      if (fd.integer && std::floor(v) != v) return refuse(*fd.reader == form::Reader::Number);
      if (fd.flag) set(fd.flag->attribute, expr::to_json(fd.flag->number));
      return set(fd.attribute, number_json(v));
    }
    case form::Reader::Text:
      return set(fd.attribute, c.text);
    case form::Reader::Organisation:
    case form::Reader::Scheme: {
      auto id = prefixed_id(t, *fd.reader == form::Reader::Organisation ? "ORG" : "S");
      if (!id) return refuse(false);
      return set(fd.attribute, *id);
    }
    case form::Reader::Location: {
      auto id = util::parse_id(t);
      if (!id) return refuse(false);
      return set(fd.attribute, *id);
    }
    case form::Reader::Nationality: {
      auto i = util::parse_int64(t);
      if (!i || *i < 0) return refuse(false);
      return set(fd.attribute, *i);
    }
    default:
      return;
  }
}

void RowReader::finish_dates_and_postcodes() {
  for (auto& [attr, d] : dates_) {
    bool any = d.day || d.month || d.year;
    if (!any) continue;
    bool all = d.day && d.month && d.year;
    if (!all) continue;  // the parts left blank are reported as unanswered
    auto dt = d.date();
    if (!dt) {
      // Parts that are numbers but no real date (31/02), or a year of 3 digits: the spec's rules name
      // a year of the wrong length; otherwise each part is marked.
      if (!year_of(d.year->text) && all_digits(util::trim_blanks(d.year->text))) continue;
      for (int no : d.fields) {
        invalid_.insert(no);
        const TemplateField* fd = spec_.field(no);
        error(no, fd && fd->setup ? "setup" : "critical", invalid_message(*fd, false));
      }
      continue;
    }
    set(attr, dt->iso());
  }
  for (auto& [attr, p] : postcodes_) {
    const TemplateField* first = spec_.field(postcode_fields_[attr].front());
    bool need_both = first && first->need_both;
    for (int no : postcode_fields_[attr])
      if (auto* fd = spec_.field(no)) need_both = need_both || fd->need_both;
    if (!p.first && !p.second) continue;
    if (need_both && (!p.first || !p.second)) continue;
    std::string joined = util::trim_blanks(p.first ? p.first->text : "") + " " + util::trim_blanks(p.second ? p.second->text : "");
    set(attr, util::normalise_postcode(util::trim_blanks(joined)));
  }
}

// The form's values followed by the cells' texts (field_<n>), for the spec's expressions.
form::Values RowReader::env_values(const form::Values& answers) const {
  form::Values v = answers;
  v.resize(f_.size() + spec_.fields.size());
  for (auto& fd : spec_.fields) {
    const std::string& t = cell(fd.number).text;
    if (!blank_text(t)) v[size_t(form::field_slot(f_, fd.number))] = Value(t);
  }
  return v;
}

void RowReader::derive(form::Values& values) {
  for (size_t i = 0; i < compiled_.derive.size(); ++i) {
    auto& d = compiled_.derive[i];
    if (d.slot < 0) continue;
    expr::Env env;
    env.now = values.data();
    env.lookups = &f_.lookups;
    env.labels = &f_;
    if (d.when && !expr::holds(d.when, env)) continue;
    Value v = expr::eval(d.value, env);
    values[size_t(d.slot)] = v;
    set(spec_.derive[i].set, expr::to_json(v));
  }
}

void RowReader::rules(const form::Values& values) {
  expr::Env env;
  env.now = values.data();
  env.lookups = &f_.lookups;
  env.labels = &f_;
  for (auto& r : compiled_.rules) {
    if (!expr::holds(r.when, env)) continue;
    std::string cat = r.rule->category.empty() || r.rule->category == "not_answered" ? "critical" : r.rule->category;
    for (size_t m = 0; m < r.rule->messages.size(); ++m) {
      auto& msg = r.rule->messages[m];
      if (r.message_when[m] && !expr::holds(r.message_when[m], env)) continue;
      if (invalid_.count(msg.field)) continue;
      error(msg.field, cat, msg.text);
    }
  }
}

std::vector<int> RowReader::fields_of(const std::string& attribute) const {
  auto it = read_.find(attribute);
  if (it != read_.end()) return it->second;
  std::vector<int> out;
  for (auto& fd : spec_.fields)
    if (fd.attribute == attribute || (fd.flag && fd.flag->attribute == attribute)) out.push_back(fd.number);
  if (!out.empty()) return out;
  // A checkbox question's error names the question: its options' fields.
  for (auto& p : f_.pages)
    for (auto& q : p.questions)
      if (q.id == attribute && q.type == form::QType::Checkbox)
        for (auto& o : q.options) {
          auto more = fields_of(o.value.text());
          out.insert(out.end(), more.begin(), more.end());
        }
  return out;
}

void RowReader::map_errors(const std::vector<form::Error>& errors, const std::string& category_if_not_setup) {
  for (auto& e : errors) {
    std::vector<int> fields;
    for (auto& a : e.fields)
      for (int no : fields_of(a))
        if (std::find(fields.begin(), fields.end(), no) == fields.end()) fields.push_back(no);
    if (fields.empty()) {
      error(0, category_if_not_setup, e.message);
      continue;
    }
    bool any_setup = false;
    for (int no : fields)
      if (auto* fd = spec_.field(no)) any_setup = any_setup || fd->setup;
    for (int no : fields) {
      if (invalid_.count(no)) continue;  // the reader's message stands
      const TemplateField* fd = spec_.field(no);
      // A record the lookup refused (one that does not exist, or that the uploader may not name: an
      // organisation, user, scheme or location): the template's own words. Other rules keep theirs.
      bool lookup = e.rule == "H-RECORD" || e.rule == "H-CHOICE" || e.rule == "H-FORBIDDEN";
      bool record = lookup && fd && fd->reader &&
                    (*fd->reader == form::Reader::Organisation || *fd->reader == form::Reader::User ||
                     *fd->reader == form::Reader::Scheme || *fd->reader == form::Reader::Location);
      std::string message = record && !fd->invalid.empty() ? fd->invalid : e.message;
      error(no, any_setup ? "setup" : category_if_not_setup, message);
      if (fd && fd->blocks) report_.blocks = true;
    }
  }
}

void RowReader::not_answered(const form::Outcome& o, const form::Context& ctx) {
  logs::Flow fl(f_, o, ctx);
  std::set<int> with_errors;
  for (auto& e : report_.errors) with_errors.insert(e.field);
  for (size_t p = 0; p < f_.pages.size(); ++p) {
    if (!logs::page_asked(fl, int(p))) continue;
    for (auto& q : f_.pages[p].questions) {
      if (q.type == form::QType::Interruption || !logs::required_now(fl, q) || logs::answered(q, o.values)) continue;
      std::string attr = q.type == form::QType::Checkbox ? q.id : f_.attributes[size_t(q.slot)].id;
      if (unresolved_.count(attr)) continue;
      std::vector<int> fields = fields_of(attr);
      std::string label = util::lower_first_word(q.label());
      auto dt = dates_.find(attr);
      for (int no : fields) {
        if (with_errors.count(no)) continue;
        const TemplateField* fd = spec_.field(no);
        std::string what = label;
        // A date with some parts given: only the blank parts, each named.
        if (dt != dates_.end() && fd && !fd->part.empty()) {
          if (!blank(no)) continue;
          what += " (" + fd->part + ")";
        }
        if (!what.empty() && what.back() != '?' && what.back() != '.') what += '.';
        error(no, fd && fd->setup ? "setup" : "critical", fill(spec_.message("not_answered"), "question", what));
      }
    }
  }
}

void RowReader::soft_checks(const form::Outcome& o) {
  for (auto& s : o.soft_checks) {
    const form::SoftRule* rule = nullptr;
    for (auto& r : f_.soft_rules)
      if (r.id == s.rule && r.confirm == s.confirm_field) rule = &r;
    std::string message = s.title + (s.text.empty() ? "" : " " + s.text);
    std::vector<int> fields;
    if (rule)
      for (auto& a : rule->review)
        for (int no : fields_of(a))
          if (std::find(fields.begin(), fields.end(), no) == fields.end()) fields.push_back(no);
    if (fields.empty()) error(0, "soft", message);
    for (int no : fields)
      if (!invalid_.count(no)) error(no, "soft", message);
  }
}

RowReport RowReader::read(const Row& row) {
  row_ = &row;
  report_ = RowReport{};
  report_.row = row.number;
  answers_.clear();
  invalid_.clear();
  unresolved_.clear();
  read_.clear();
  dates_.clear();
  postcodes_.clear();
  postcode_fields_.clear();
  if (spec_.reference_field) report_.reference = cell(spec_.reference_field).text;
  if (spec_.property_reference_field) report_.property_reference = cell(spec_.property_reference_field).text;

  // 1. The cells read without a condition, then those whose condition holds on what was read.
  for (size_t i = 0; i < spec_.fields.size(); ++i)
    if (!compiled_.field_when[i]) read_field(spec_.fields[i]);
  finish_dates_and_postcodes();
  form::Values answered = form::with_changes(f_, form::Values(f_.size()), answers_);
  form::Values v = env_values(form::with_context(f_, answered, runner_.context(f_, answered)));
  size_t read_first = answers_.size();
  replaced_ = false;
  {
    expr::Env env;
    env.now = v.data();
    env.lookups = &f_.lookups;
    env.labels = &f_;
    for (size_t i = 0; i < spec_.fields.size(); ++i)
      if (compiled_.field_when[i] && expr::holds(compiled_.field_when[i], env)) read_field(spec_.fields[i]);
  }
  if (answers_.size() > read_first || replaced_) {  // the answers read on condition, added to the values
    form::Changes more = replaced_ ? answers_ : form::Changes(answers_.begin() + long(read_first), answers_.end());
    if (replaced_) answered = form::Values(f_.size());
    form::Values now = form::with_changes(f_, std::move(answered), more);
    for (size_t s = 0; s < f_.size(); ++s) v[s] = now[s];
  }
  // 2. What bulk upload works out itself (ethnic group, who is in the household…).
  derive(v);

  // 3. Through the log service: its errors go on the fields that carry them.
  auto first = runner_.run(f_, answers_);
  // The spec's own checks look at the answers as the gateway left them, and at the cells.
  form::Values after = env_values(form::with_context(f_, first.outcome.values, runner_.context(f_, first.outcome.values)));
  rules(after);
  map_errors(first.errors, "critical");

  // 4. What the log would be: the answers refused left out (each time, those the errors name), so
  // that unanswered questions and soft checks are those of the log as it would be created.
  auto result = std::move(first);
  form::Changes kept = answers_;
  for (int round = 0; round < 3 && !result.errors.empty(); ++round) {
    std::set<std::string> named;
    for (auto& e : result.errors)
      for (auto& a : e.fields) named.insert(a);
    form::Changes next;
    bool setup_error = false;
    for (auto& [a, val] : kept) {
      if (!named.count(a)) {
        next.emplace_back(a, val);
        continue;
      }
      for (int no : fields_of(a))
        if (auto* fd = spec_.field(no)) setup_error = setup_error || fd->setup;
      if (setup_error) next.emplace_back(a, val);
    }
    if (next.size() == kept.size()) break;  // nothing more can be left out
    kept = std::move(next);
    result = runner_.run(f_, kept);
  }
  if (!result.errors.empty()) report_.blocks = true;  // still refused: this log could not be created
  form::Context ctx = runner_.context(f_, result.outcome.values);
  not_answered(result.outcome, ctx);
  soft_checks(result.outcome);
  report_.answers = std::move(kept);
  auto status = result.outcome.status;
  bool critical = std::any_of(report_.errors.begin(), report_.errors.end(), [](auto& e) { return e.category != "soft"; });
  if (status == form::Status::Completed && critical) status = form::Status::InProgress;
  report_.status = form::status_name(status);
  if (result.errors.empty()) report_.duplicate_text = form::duplicate_text(f_, result.outcome.values);
  if (int s = f_.slot("owning_organisation_id"); s >= 0 && result.outcome.values[size_t(s)].is_int())
    report_.owner = result.outcome.values[size_t(s)].as_int();
  for (auto& e : report_.errors)
    if (e.category == "setup") report_.blocks = true;
  return report_;
}

// The first data row's date must fall in the collection year chosen.
bool right_year(const TemplateSpec& spec, const Layout& L, const Row& row, int year) {
  DateParts d;
  for (int no : spec.year_check.fields) {
    const TemplateField* fd = spec.field(no);
    if (!fd) continue;
    const Cell& c = cell_of(row, L.column[size_t(no)]);
    if (blank_text(c.text)) continue;
    (fd->part == "day" ? d.day : fd->part == "month" ? d.month : d.year) = &c;
  }
  auto dt = d.date();
  if (!dt) return true;  // a date that cannot be built passes (the row's own checks say why)
  return util::collection_year_start(*dt).y == year;
}

void sort_errors(RowReport& r) {
  std::stable_sort(r.errors.begin(), r.errors.end(), [](const RowError& a, const RowError& b) { return a.field < b.field; });
}

}  // namespace

form::Context FormOnlyRunner::context(const form::Form&, const form::Values&) {
  form::Context c;
  c.today = today_;
  return c;
}

Runner::Result FormOnlyRunner::run(const form::Form& f, const form::Changes& changes) {
  Result r;
  r.outcome = form::apply(f, form::Values(f.size()), changes, context(f, {}));
  r.errors = r.outcome.errors;
  return r;
}

int64_t Report::error_count() const {
  int64_t n = 0;
  for (auto& l : logs) n += int64_t(l.errors.size());
  return n;
}

bool Report::has_category(const std::string& category) const {
  for (auto& l : logs)
    for (auto& e : l.errors)
      if (e.category == category) return true;
  return false;
}

bool Report::can_create() const {
  if (!file_errors.empty() || logs.empty()) return false;
  for (auto& l : logs)
    if (l.blocks) return false;
  return true;
}

json Report::to_json(bool full) const {
  json j;
  j["file_errors"] = file_errors;
  j["rows"] = rows;
  j["logs"] = json::array();
  for (auto& l : logs) {
    json lj = {{"row", l.row}, {"status", l.status}, {"errors", json::array()}};
    for (auto& e : l.errors)
      lj["errors"].push_back({{"field", e.field ? json(e.field) : json(nullptr)},
                              {"cell", e.cell.empty() ? json(nullptr) : json(e.cell)},
                              {"category", e.category},
                              {"message", e.message}});
    if (full) {
      for (size_t i = 0; i < l.errors.size(); ++i) lj["errors"][i]["question"] = l.errors[i].question;
      lj["reference"] = l.reference;
      lj["property_reference"] = l.property_reference;
      lj["blocks"] = l.blocks;
    }
    j["logs"].push_back(std::move(lj));
  }
  if (full) j["failure"] = failure;
  return j;
}

Report Report::from_json(const json& j) {
  Report r;
  if (!j.is_object()) return r;
  auto str = [](const json& o, const char* k) { return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string(); };
  auto num = [](const json& o, const char* k) { return o.contains(k) && o[k].is_number_integer() ? o[k].get<int64_t>() : int64_t(0); };
  if (j.contains("file_errors") && j["file_errors"].is_array())
    for (auto& m : j["file_errors"])
      if (m.is_string()) r.file_errors.push_back(m.get<std::string>());
  r.failure = str(j, "failure");
  r.rows = int(num(j, "rows"));
  if (!j.contains("logs") || !j["logs"].is_array()) return r;
  for (auto& lj : j["logs"]) {
    if (!lj.is_object()) continue;
    RowReport l;
    l.row = int(num(lj, "row"));
    l.status = str(lj, "status");
    l.reference = str(lj, "reference");
    l.property_reference = str(lj, "property_reference");
    l.blocks = lj.contains("blocks") && lj["blocks"].is_boolean() && lj["blocks"].get<bool>();
    if (lj.contains("errors") && lj["errors"].is_array())
      for (auto& e : lj["errors"]) {
        if (!e.is_object()) continue;
        l.errors.push_back({int(num(e, "field")), str(e, "cell"), str(e, "category"), str(e, "message"), str(e, "question")});
      }
    r.logs.push_back(std::move(l));
  }
  return r;
}

Report check(const TemplateSpec& spec, const Form& form, const ReadResult& sheet, Runner& runner, const CheckOptions& opt) {
  Report out;
  if (!sheet.ok()) {
    out.file_errors.push_back(sheet.error);
    out.failure = "file_error";
    return out;
  }
  Layout L = layout(spec, sheet);
  size_t data = L.first_data < sheet.rows.size() ? sheet.rows.size() - L.first_data : 0;
  if (data == 0) {
    out.file_errors.push_back(spec.message("blank_template"));
    out.failure = "blank_template";
    return out;
  }
  if (!L.error.empty()) {
    out.file_errors.push_back(L.error);
    out.failure = L.failure;
    return out;
  }
  if (spec.max_rows > 0 && data > size_t(spec.max_rows)) {
    out.file_errors.push_back(spec.message("too_many_rows"));
    out.failure = "file_error";
    return out;
  }
  if (opt.year && !right_year(spec, L, sheet.rows[L.first_data], opt.year)) {
    out.file_errors.push_back(spec.message(spec.year_check.message));
    out.failure = "wrong_template";
    return out;
  }
  Compiled compiled = compile(spec, form);
  out.rows = int(data);
  // Rows are independent until the duplicates within the file are looked for: each runner takes
  // every Nth row on its own thread (the first runner's thread reports the progress).
  std::vector<Runner*> runners = {&runner};
  for (Runner* r : opt.more_runners) runners.push_back(r);
  size_t threads = std::max<size_t>(1, std::min(runners.size(), data / 100 + 1));
  out.logs.resize(data);
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  auto work = [&](size_t t) {
    RowReader reader(spec, form, compiled, L, *runners[t]);
    for (size_t i = t; i < data && !stop; i += threads) {
      out.logs[i] = reader.read(sheet.rows[L.first_data + i]);
      int d = ++done;
      if (t == 0 && opt.progress && !opt.progress(d, int(data))) stop = true;
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  if (opt.progress && !stop) opt.progress(int(data), int(data));
  if (stop) out.logs.erase(std::remove_if(out.logs.begin(), out.logs.end(), [](const RowReport& l) { return l.row == 0; }), out.logs.end());
  // Duplicates within the file: rows whose logs would match (the form's keys, and the same owner).
  std::map<std::string, std::vector<size_t>> by_key;
  int owner_slot = form.slot("owning_organisation_id");
  for (size_t i = 0; i < out.logs.size(); ++i) {
    auto& l = out.logs[i];
    if (!l.duplicate_text) continue;
    std::string owner;
    if (owner_slot >= 0 && l.owner) owner = std::to_string(*l.owner);
    by_key[owner + "|" + *l.duplicate_text].push_back(i);
  }
  for (auto& [key, rows] : by_key) {
    if (rows.size() < 2) continue;
    for (size_t i : rows) {
      auto& l = out.logs[i];
      for (int no : spec.duplicate_in_file_fields) {
        if (!spec.field(no) || L.column[size_t(no)] < 0) continue;
        bool seen = false;
        for (auto& e : l.errors) seen = seen || (e.field == no && e.message == spec.message("duplicate_in_file"));
        if (!seen) l.errors.push_back({no, cell_ref(L.column[size_t(no)], l.row), "setup", spec.message("duplicate_in_file"), spec.field(no)->question});
      }
      l.blocks = true;
    }
  }
  // Duplicates of logs already stored: asked once for the whole file.
  std::vector<std::pair<int64_t, std::string>> keys;
  std::vector<size_t> which;
  for (size_t i = 0; i < out.logs.size(); ++i)
    if (out.logs[i].duplicate_text && out.logs[i].owner) {
      keys.emplace_back(*out.logs[i].owner, *out.logs[i].duplicate_text);
      which.push_back(i);
    }
  auto existing = keys.empty() ? std::vector<bool>{} : runner.existing_duplicates(form, keys);
  for (size_t k = 0; k < which.size() && k < existing.size(); ++k) {
    if (!existing[k]) continue;
    auto& l = out.logs[which[k]];
    for (int no : spec.duplicate_log_fields)
      if (spec.field(no) && L.column[size_t(no)] >= 0)
        l.errors.push_back({no, cell_ref(L.column[size_t(no)], l.row), "critical", spec.message("duplicate_log"), spec.field(no)->question});
    l.blocks = true;
  }
  for (auto& l : out.logs) sort_errors(l);
  return out;
}

}  // namespace core::bulk
