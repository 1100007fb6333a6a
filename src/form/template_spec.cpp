#include "form/template_spec.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "expr/ast.h"

namespace core::form {

using nlohmann::json;

namespace {

const std::vector<std::pair<Reader, const char*>>& reader_names() {
  static const std::vector<std::pair<Reader, const char*>> names = {
      {Reader::Code, "code"},         {Reader::YesNo, "yes_no"},
      {Reader::Number, "number"},     {Reader::NumberOrR, "number_or_r"},
      {Reader::Text, "text"},         {Reader::DatePart, "date_part"},
      {Reader::PostcodeHalf, "postcode_half"}, {Reader::Organisation, "organisation"},
      {Reader::User, "user"},         {Reader::Scheme, "scheme"},
      {Reader::Location, "location"}, {Reader::Nationality, "nationality"},
      {Reader::Ignored, "ignored"},
  };
  return names;
}

// A failed read: the JSON path and what is wrong with it.
struct Bad {
  std::string text;
};

// Typed access to an object's members, each failure naming its path. Throws Bad (caught inside this
// file only), so a spec is read in straight lines.
struct Obj {
  const json& j;
  std::string path;

  Obj(const json& j_, std::string path_) : j(j_), path(std::move(path_)) {
    if (!j.is_object()) throw Bad{where() + "must be an object"};
  }
  // Refuses any key not in `keys` (a misspelt key would otherwise be silently ignored).
  void only(std::initializer_list<const char*> keys) const {
    for (auto& [k, v] : j.items()) {
      bool known = false;
      for (auto* key : keys) known = known || k == key;
      if (!known) throw Bad{where() + "unknown key '" + k + "'"};
    }
  }
  std::string where(const std::string& key = "") const {
    std::string p = key.empty() ? path : (path.empty() ? key : path + "." + key);
    return p.empty() ? "" : p + ": ";
  }
  const json* find(const std::string& key) const {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
  }
  std::string str(const std::string& key, bool required = false, const std::string& fallback = "") const {
    const json* v = find(key);
    if (!v || v->is_null()) {
      if (required) throw Bad{where(key) + "is missing"};
      return fallback;
    }
    if (!v->is_string()) throw Bad{where(key) + "must be text"};
    return v->get<std::string>();
  }
  int64_t integer(const std::string& key, bool required, int64_t fallback, int64_t lo, int64_t hi) const {
    const json* v = find(key);
    if (!v || v->is_null()) {
      if (required) throw Bad{where(key) + "is missing"};
      return fallback;
    }
    if (!v->is_number_integer()) throw Bad{where(key) + "must be a whole number"};
    int64_t n = v->is_number_unsigned() ? int64_t(std::min<uint64_t>(v->get<uint64_t>(), uint64_t(INT64_MAX))) : v->get<int64_t>();
    if (n < lo || n > hi) throw Bad{where(key) + "must be between " + std::to_string(lo) + " and " + std::to_string(hi)};
    return n;
  }
  bool boolean(const std::string& key) const {
    const json* v = find(key);
    if (!v || v->is_null()) return false;
    if (!v->is_boolean()) throw Bad{where(key) + "must be true or false"};
    return v->get<bool>();
  }
  const json* array(const std::string& key, bool required = false) const {
    const json* v = find(key);
    if (!v || v->is_null()) {
      if (required) throw Bad{where(key) + "is missing"};
      return nullptr;
    }
    if (!v->is_array()) throw Bad{where(key) + "must be a list"};
    return v;
  }
  std::vector<std::string> strings(const std::string& key) const {
    std::vector<std::string> out;
    if (const json* a = array(key)) {
      size_t i = 0;
      for (auto& x : *a) {
        if (!x.is_string()) throw Bad{where(key + "[" + std::to_string(i) + "]") + "must be text"};
        out.push_back(x.get<std::string>());
        ++i;
      }
    }
    return out;
  }
  std::vector<int> ints(const std::string& key) const {
    std::vector<int> out;
    if (const json* a = array(key)) {
      size_t i = 0;
      for (auto& x : *a) {
        if (!x.is_number_integer() || x.get<int64_t>() < 0 || x.get<int64_t>() > 100000)
          throw Bad{where(key + "[" + std::to_string(i) + "]") + "must be a field number"};
        out.push_back(int(x.get<int64_t>()));
        ++i;
      }
    }
    return out;
  }
  // A code or form value: a whole number or text.
  std::optional<expr::Value> scalar(const std::string& key) const {
    const json* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_number_integer() || v->is_string()) return expr::from_json(*v);
    throw Bad{where(key) + "must be a whole number or text"};
  }
};

std::string code_text(const json& x) {
  return x.is_string() ? x.get<std::string>() : std::to_string(x.get<int64_t>());
}

TemplateField read_field(const json& jf, const std::string& path) {
  Obj o(jf, path);
  o.only({"field", "attribute", "read", "codes", "part", "integer", "round", "need_both", "yes", "no", "flag", "when",
          "question", "invalid", "setup", "blocks", "checks", "note"});
  TemplateField f;
  f.number = int(o.integer("field", true, 0, 0, 100000));
  f.attribute = o.str("attribute");
  f.read = o.str("read", true);
  f.reader = reader_from_name(f.read);
  if (const json* c = o.find("codes")) {
    if (c->is_array()) {
      size_t i = 0;
      for (auto& x : *c) {
        if (!x.is_number_integer() && !x.is_string())
          throw Bad{o.where("codes[" + std::to_string(i) + "]") + "must be a whole number or text"};
        f.codes.emplace_back(code_text(x), expr::from_json(x));
        ++i;
      }
    } else if (c->is_object()) {
      f.codes_map = true;
      for (auto& [k, x] : c->items()) {
        if (!x.is_number_integer() && !x.is_string() && !x.is_null())
          throw Bad{o.where("codes." + k) + "must be a whole number, text or null"};
        f.codes.emplace_back(k, expr::from_json(x));
      }
    } else {
      throw Bad{o.where("codes") + "must be a list or an object"};
    }
  }
  f.part = o.str("part");
  f.integer = o.boolean("integer");
  f.round = o.boolean("round");
  f.need_both = o.boolean("need_both");
  f.yes = o.scalar("yes");
  f.no = o.scalar("no");
  if (const json* fl = o.find("flag")) {
    Obj of(*fl, path + ".flag");
    of.only({"attribute", "number", "r"});
    TemplateField::Flag flag;
    flag.attribute = of.str("attribute", true);
    auto n = of.scalar("number"), r = of.scalar("r");
    if (!n) throw Bad{of.where("number") + "is missing"};
    if (!r) throw Bad{of.where("r") + "is missing"};
    flag.number = *n;
    flag.r = *r;
    f.flag = flag;
  }
  f.when = o.str("when");
  f.question = o.str("question");
  f.invalid = o.str("invalid");
  f.setup = o.boolean("setup");
  f.blocks = o.boolean("blocks");
  f.note = o.str("note");
  if (const json* cs = o.array("checks")) {
    size_t i = 0;
    for (auto& jc : *cs) {
      Obj oc(jc, path + ".checks[" + std::to_string(i++) + "]");
      oc.only({"when", "messages"});
      TemplateCheck c;
      c.when = oc.str("when");
      c.messages = oc.strings("messages");
      f.checks.push_back(std::move(c));
    }
  }
  return f;
}

TemplateSpec read_spec(const json& j) {
  Obj top(j, "");
  top.only({"template", "year_check", "duplicates", "messages", "fields", "derive", "rules", "notes"});
  top.strings("notes");
  TemplateSpec s;
  const json* t = top.find("template");
  if (!t) throw Bad{"template: is missing"};
  Obj ot(*t, "template");
  ot.only({"type", "year", "form", "header_rows", "field_number_row", "field_number_label", "label_column", "max_bytes",
           "max_rows", "report", "note"});
  s.type = ot.str("type", true);
  s.year = int(ot.integer("year", true, 0, 2000, 2200));
  s.form = ot.str("form", false, s.type + ".json");
  s.header_rows = ot.strings("header_rows");
  s.field_number_row = int(ot.integer("field_number_row", !s.header_rows.empty(), 0, 0, 1000));
  s.field_number_label = ot.str("field_number_label", false, "Field number");
  s.label_column = ot.boolean("label_column");
  s.max_bytes = ot.integer("max_bytes", false, 10 * 1024 * 1024, 1, int64_t(1) << 40);
  s.max_rows = ot.integer("max_rows", false, 25000, 1, 100000000);
  if (const json* r = ot.find("report")) {
    Obj orp(*r, "template.report");
    orp.only({"reference", "property_reference"});
    s.reference_field = int(orp.integer("reference", false, 0, 0, 100000));
    s.property_reference_field = int(orp.integer("property_reference", false, 0, 0, 100000));
  }
  if (const json* y = top.find("year_check")) {
    Obj oy(*y, "year_check");
    oy.only({"attribute", "fields", "row", "message", "note"});
    s.year_check.attribute = oy.str("attribute", true);
    s.year_check.fields = oy.ints("fields");
    s.year_check.row = oy.str("row", false, "first");
    s.year_check.message = oy.str("message", true);
  }
  if (const json* d = top.find("duplicates")) {
    Obj od(*d, "duplicates");
    od.only({"in_file_fields", "existing_log_fields", "note"});
    s.duplicate_in_file_fields = od.ints("in_file_fields");
    s.duplicate_log_fields = od.ints("existing_log_fields");
  }
  if (const json* m = top.find("messages")) {
    Obj om(*m, "messages");
    for (auto& [k, v] : m->items()) {
      if (!v.is_string()) throw Bad{om.where(k) + "must be text"};
      s.messages[k] = v.get<std::string>();
    }
  }
  const json* fs = top.array("fields", true);
  size_t i = 0;
  for (auto& jf : *fs) {
    s.fields.push_back(read_field(jf, "fields[" + std::to_string(i) + "]"));
    ++i;
  }
  if (const json* ds = top.array("derive")) {
    i = 0;
    for (auto& jd : *ds) {
      Obj od(jd, "derive[" + std::to_string(i++) + "]");
      od.only({"set", "when", "value", "note"});
      TemplateDerivation d;
      d.set = od.str("set", true);
      d.when = od.str("when");
      d.value = od.str("value", true);
      d.note = od.str("note");
      s.derive.push_back(std::move(d));
    }
  }
  if (const json* rs = top.array("rules")) {
    i = 0;
    for (auto& jr : *rs) {
      std::string path = "rules[" + std::to_string(i++) + "]";
      Obj orule(jr, path);
      orule.only({"id", "when", "category", "note", "messages"});
      TemplateRule r;
      r.id = orule.str("id", true);
      r.when = orule.str("when", true);
      r.category = orule.str("category", false, "critical");
      r.note = orule.str("note");
      const json* ms = orule.find("messages");
      if (!ms) throw Bad{orule.where("messages") + "is missing"};
      Obj om(*ms, path + ".messages");
      for (auto& [key, text] : ms->items()) {
        if (!text.is_string()) throw Bad{om.where(key) + "must be text"};
        TemplateRule::Message m;
        // "12" or "12 if expr"
        size_t digits = 0;
        while (digits < key.size() && digits < 6 && key[digits] >= '0' && key[digits] <= '9') ++digits;
        if (digits == 0 || (digits < key.size() && key.compare(digits, 4, " if ") != 0))
          throw Bad{om.where(key) + "a message's key is a field number, or a field number, ' if ' and an expression"};
        for (size_t k = 0; k < digits; ++k) m.field = m.field * 10 + (key[k] - '0');
        if (digits < key.size()) m.when = key.substr(digits + 4);
        m.text = text.get<std::string>();
        r.messages.push_back(std::move(m));
      }
      s.rules.push_back(std::move(r));
    }
  }
  return s;
}

// The form's names, plus field_<n> for each field of the spec: the cell's text as read (null when
// blank), for derivations over cells that fill no attribute of their own. Defs are the form's; none
// is cached (def_index -1), so parsing here leaves the form untouched.
class SpecNames : public expr::Names {
 public:
  SpecNames(const Form& f, int fields) : f_(f), fields_(fields) {}
  std::optional<expr::NameInfo> lookup(const std::string& name) const override {
    if (name.rfind("field_", 0) == 0 && name.size() > 6 && name.size() <= 12) {
      int n = 0;
      for (size_t i = 6; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return f_.lookup(name);
        n = n * 10 + (name[i] - '0');
      }
      if (n < 1 || n > fields_ || name[6] == '0') return f_.lookup(name);
      expr::NameInfo info;
      info.slot = field_slot(f_, n);
      info.type = expr::Type::String;
      return info;
    }
    return f_.lookup(name);
  }
  const Def* def(const std::string& name) const override { return f_.def(name); }
  int def_index(const std::string&) const override { return -1; }

 private:
  const Form& f_;
  int fields_;
};

bool same_code(const expr::Value& a, const expr::Value& b) {
  return a.equals(b) && a.is_string() == b.is_string();
}

bool has_code(const Attribute& a, const expr::Value& v) {
  for (auto& c : a.codes)
    if (same_code(c, v)) return true;
  return false;
}

std::string options_from(const Attribute& a) {
  for (auto* q : a.questions)
    if (!q->options_from.empty()) return q->options_from;
  return "";
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

}  // namespace

expr::NodePtr parse_spec_expression(const std::string& text, const Form& form, int fields) {
  SpecNames names(form, fields);
  return expr::parse(text, names);
}

const char* reader_name(Reader r) {
  for (auto& [k, n] : reader_names())
    if (k == r) return n;
  return "?";
}

std::optional<Reader> reader_from_name(std::string_view name) {
  for (auto& [k, n] : reader_names())
    if (name == n) return k;
  return std::nullopt;
}

const TemplateField* TemplateSpec::field(int number) const {
  // Fields run 1 to N in order in a spec that lints clean: found at once; otherwise searched.
  if (number >= 1 && size_t(number) <= fields.size() && fields[size_t(number) - 1].number == number) return &fields[size_t(number) - 1];
  for (auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

std::string TemplateSpec::message(const std::string& key) const {
  auto it = messages.find(key);
  return it == messages.end() ? "" : it->second;
}

std::optional<TemplateSpec> load_template_spec(const json& j, std::string& error) {
  try {
    return read_spec(j);
  } catch (const Bad& b) {
    error = b.text;
  } catch (const std::exception& e) {  // a json type error this file did not foresee
    error = std::string("the spec cannot be read: ") + e.what();
  }
  return std::nullopt;
}

std::optional<TemplateSpec> load_template_spec_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "is not valid JSON";
    return std::nullopt;
  }
  return load_template_spec(j, error);
}

std::string template_spec_file_name(const std::string& type) { return type + "-bulk-upload.json"; }

bool is_template_spec_path(const std::string& path) {
  static const std::string suffix = "-bulk-upload.json";
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> lint_template_spec(const TemplateSpec& s, const Form& f) {
  std::vector<std::string> out;
  auto problem = [&](int field, const std::string& text) { out.push_back("field " + std::to_string(field) + ": " + text); };
  auto general = [&](const std::string& text) { out.push_back(text); };
  if (s.type != f.type) general("template.type is '" + s.type + "' but the form is for " + f.type);
  if (s.year != f.year) general("template.year is " + std::to_string(s.year) + " but the form is for " + std::to_string(f.year));
  if (!s.header_rows.empty()) {
    if (s.field_number_row < 1 || size_t(s.field_number_row) > s.header_rows.size())
      general("template.field_number_row must name one of the " + std::to_string(s.header_rows.size()) + " header rows");
    else if (lower(s.header_rows[size_t(s.field_number_row - 1)]) != lower(s.field_number_label))
      general("template.field_number_row: header row " + std::to_string(s.field_number_row) + " is '" +
                     s.header_rows[size_t(s.field_number_row - 1)] + "', not '" + s.field_number_label + "'");
  }

  // Field numbers run 1..N, each once.
  int n = int(s.fields.size());
  std::map<int, int> seen;
  for (auto& fd : s.fields) {
    if (fd.number < 1 || fd.number > n)
      problem(fd.number, "field numbers must run from 1 to " + std::to_string(n) + " (the number of fields)");
    if (++seen[fd.number] == 2) problem(fd.number, "is listed more than once");
  }
  for (int i = 1; i <= n; ++i)
    if (!seen.count(i)) problem(i, "is missing (field numbers must run from 1 to " + std::to_string(n) + " without gaps)");

  SpecNames names(f, n);
  auto check_expr = [&](int field, const std::string& what, const std::string& text) {
    if (text.empty()) return;
    try {
      expr::parse(text, names);
    } catch (const std::exception& e) {
      problem(field, what + " '" + text + "': " + e.what());
    }
  };
  auto attribute = [&](const std::string& id) -> const Attribute* {
    int slot = f.slot(id);
    if (slot < 0) return nullptr;
    const Attribute& a = f.attributes[size_t(slot)];
    return a.kind == AttrKind::Context ? nullptr : &a;
  };

  // Date and postcode parts, by attribute: part -> fields.
  std::map<std::string, std::map<std::string, std::vector<int>>> parts;
  std::map<std::string, int> first_field;  // attribute -> first field with parts, for messages
  for (auto& fd : s.fields) {
    int no = fd.number;
    if (!fd.reader) {
      std::string known;
      for (auto& [k, name] : reader_names()) known += (known.empty() ? "" : ", ") + std::string(name);
      problem(no, "unknown reader '" + fd.read + "' (the readers are " + known + ")");
      continue;
    }
    Reader r = *fd.reader;
    check_expr(no, "when", fd.when);
    const Attribute* a = nullptr;
    if (!fd.attribute.empty()) {
      a = attribute(fd.attribute);
      if (!a) {
        problem(no, "attribute '" + fd.attribute + "' is not in the " + f.type + " " + std::to_string(f.year) + " form");
        continue;
      }
    }
    if (a && !a->input) {
      problem(no, fd.attribute + " is worked out by the form from other answers, so no channel may give it");
      continue;
    }
    if (r == Reader::Ignored) {
      if (a) problem(no, "an ignored field fills no attribute");
      continue;
    }
    if (!a && r != Reader::Code) {
      problem(no, std::string("the ") + reader_name(r) + " reader needs an attribute");
      continue;
    }
    if (!a && (fd.codes.empty() || fd.codes_map))
      problem(no, "a code field without an attribute must list its codes (a list, not a mapping)");
    auto want_type = [&](expr::Type t) {
      if (a && a->type != t && a->type != expr::Type::Any)
        problem(no, std::string("the ") + reader_name(r) + " reader needs a " + expr::type_name(t) + " attribute, but " +
                        fd.attribute + " is " + expr::type_name(a->type));
    };
    auto want_from = [&](std::initializer_list<const char*> sources) {
      std::string from = a ? options_from(*a) : "";
      for (auto* src : sources)
        if (from == src) return;
      problem(no, std::string("the ") + reader_name(r) + " reader needs an attribute whose options come from " +
                      *sources.begin() + (from.empty() ? ", but " + fd.attribute + " has its own options" : ", but " + fd.attribute + "'s come from " + from));
    };
    switch (r) {
      case Reader::Code: {
        if (!a) break;
        std::string from = options_from(*a);
        bool table = from == "local_authorities_england" || from == "local_authorities_all" || from == "countries";
        if (a->codes.empty() && !table) {
          problem(no, "the code reader needs a coded attribute, but " + fd.attribute + " has no options");
          break;
        }
        if (table) break;  // the table's codes are checked when a row is read
        for (auto& [cell, value] : fd.codes)
          if (!(fd.codes_map && value.null()) && !has_code(*a, value))
            problem(no, (fd.codes_map ? "code '" + cell + "' stands for " + value.debug() : "code " + value.debug()) +
                            ", which is not an option of " + fd.attribute);
        break;
      }
      case Reader::YesNo:
        if (!fd.yes || !fd.no) {
          problem(no, "the yes_no reader needs both 'yes' and 'no'");
          break;
        }
        if (!has_code(*a, *fd.yes)) problem(no, "'yes' is " + fd.yes->debug() + ", which is not an option of " + fd.attribute);
        if (!has_code(*a, *fd.no)) problem(no, "'no' is " + fd.no->debug() + ", which is not an option of " + fd.attribute);
        break;
      case Reader::Number: want_type(expr::Type::Number); break;
      case Reader::NumberOrR: {
        want_type(expr::Type::Number);
        if (!fd.flag) {
          problem(no, "the number_or_r reader needs a 'flag' (the attribute that records a number or R)");
          break;
        }
        const Attribute* fa = attribute(fd.flag->attribute);
        if (!fa) {
          problem(no, "flag attribute '" + fd.flag->attribute + "' is not in the " + f.type + " " + std::to_string(f.year) + " form");
          break;
        }
        if (!fa->input) problem(no, "flag attribute " + fd.flag->attribute + " is worked out by the form, so no channel may give it");
        if (!has_code(*fa, fd.flag->number))
          problem(no, "flag value " + fd.flag->number.debug() + " (a number) is not an option of " + fd.flag->attribute);
        if (!has_code(*fa, fd.flag->r))
          problem(no, "flag value " + fd.flag->r.debug() + " (R) is not an option of " + fd.flag->attribute);
        break;
      }
      case Reader::Text: want_type(expr::Type::String); break;
      case Reader::DatePart:
        want_type(expr::Type::Date);
        if (fd.part != "day" && fd.part != "month" && fd.part != "year")
          problem(no, "a date part must be 'day', 'month' or 'year', not '" + fd.part + "'");
        else
          parts[fd.attribute][fd.part].push_back(no);
        first_field.emplace(fd.attribute, no);
        break;
      case Reader::PostcodeHalf:
        want_type(expr::Type::String);
        if (fd.part != "outward" && fd.part != "inward")
          problem(no, "a postcode half must be 'outward' or 'inward', not '" + fd.part + "'");
        else
          parts[fd.attribute][fd.part].push_back(no);
        first_field.emplace(fd.attribute, no);
        break;
      case Reader::Organisation: want_from({"organisations_owning", "organisations_managing"}); break;
      case Reader::User: want_from({"users"}); break;
      case Reader::Scheme: want_from({"schemes"}); break;
      case Reader::Location: want_from({"locations"}); break;
      case Reader::Nationality: want_from({"countries"}); break;
      case Reader::Ignored: break;
    }
    if (r != Reader::Code && !fd.codes.empty()) problem(no, std::string("only the code reader takes 'codes', not ") + reader_name(r));
  }
  // A date's parts all name one date attribute, each part once; likewise a postcode's halves.
  for (auto& [attr, by_part] : parts) {
    const Attribute* a = attribute(attr);
    bool date = a && a->type == expr::Type::Date;
    std::vector<std::string> want = date ? std::vector<std::string>{"day", "month", "year"} : std::vector<std::string>{"outward", "inward"};
    for (auto& p : want) {
      auto it = by_part.find(p);
      if (it == by_part.end())
        problem(first_field[attr], attr + " has no " + p + (date ? " part" : " half") + " (every " + (date ? "date needs a day, a month and a year" : "postcode needs both halves") + ")");
      else if (it->second.size() > 1)
        for (size_t i = 1; i < it->second.size(); ++i)
          problem(it->second[i], attr + "'s " + p + (date ? " part" : " half") + " is already read from field " + std::to_string(it->second[0]));
    }
  }
  // Derivations: each sets an attribute of the form, and its expressions parse.
  for (size_t i = 0; i < s.derive.size(); ++i) {
    auto& d = s.derive[i];
    std::string where = "derive[" + std::to_string(i) + "] (" + d.set + ")";
    const Attribute* target = attribute(d.set);
    if (!target) {
      out.push_back(where + ": sets '" + d.set + "', which is not an attribute of the form");
      continue;
    }
    if (!target->input) out.push_back(where + ": " + d.set + " is worked out by the form from other answers, so no channel may give it");
    try {
      if (!d.when.empty()) expr::parse(d.when, names);
      expr::parse(d.value, names);
    } catch (const std::exception& e) {
      out.push_back(where + ": " + e.what());
    }
  }
  // Rules: unique ids, known categories, expressions that parse, messages on fields of the template.
  std::set<std::string> rule_ids;
  for (auto& r : s.rules) {
    std::string where = "rule " + r.id;
    if (!rule_ids.insert(r.id).second) out.push_back(where + ": the id is used twice");
    static const std::set<std::string> categories = {"setup", "critical", "not_answered", "soft"};
    if (!categories.count(r.category))
      out.push_back(where + ": category '" + r.category + "' is not setup, critical, not_answered or soft");
    try {
      expr::parse(r.when, names);
    } catch (const std::exception& e) {
      out.push_back(where + ": when '" + r.when + "': " + e.what());
    }
    if (r.messages.empty()) out.push_back(where + ": has no messages");
    for (auto& m : r.messages) {
      if (m.field < 1 || m.field > n) out.push_back(where + ": field " + std::to_string(m.field) + " is not a field of the template");
      if (m.text.empty()) out.push_back(where + ": field " + std::to_string(m.field) + ": the message is empty");
      if (m.when.empty()) continue;
      try {
        expr::parse(m.when, names);
      } catch (const std::exception& e) {
        out.push_back(where + ": field " + std::to_string(m.field) + " if '" + m.when + "': " + e.what());
      }
    }
  }
  // The year check reads one date from its fields.
  if (!s.year_check.attribute.empty()) {
    const Attribute* a = attribute(s.year_check.attribute);
    if (!a || a->type != expr::Type::Date)
      out.push_back("year_check: '" + s.year_check.attribute + "' is not a date of the form");
    for (int fno : s.year_check.fields) {
      const TemplateField* fd = s.field(fno);
      if (!fd || fd->reader != Reader::DatePart || fd->attribute != s.year_check.attribute)
        out.push_back("year_check: field " + std::to_string(fno) + " is not a part of " + s.year_check.attribute);
    }
    if (s.message(s.year_check.message).empty())
      out.push_back("year_check: message '" + s.year_check.message + "' is not in messages");
    if (s.year_check.row != "first") out.push_back("year_check: row must be 'first'");
  }
  auto in_range = [&](const char* what, const std::vector<int>& fields) {
    for (int fno : fields)
      if (fno < 1 || fno > n) out.push_back(std::string(what) + ": field " + std::to_string(fno) + " is not a field of the template");
  };
  in_range("duplicates.in_file_fields", s.duplicate_in_file_fields);
  in_range("duplicates.existing_log_fields", s.duplicate_log_fields);
  if (s.reference_field) in_range("template.report.reference", {s.reference_field});
  if (s.property_reference_field) in_range("template.report.property_reference", {s.property_reference_field});
  return out;
}

}  // namespace core::form
