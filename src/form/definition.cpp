#include "form/definition.h"
#include "form/interruption.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

namespace core::form {

void index_def_readers(Form& F);
void each_expression(Form& F, const std::function<void(expr::NodePtr&)>& fn);
void check_lookups(Form& F, const std::function<void(const std::string&, const std::string&)>& problem);
void read_log_kind(Form& F, const nlohmann::json& meta, const std::function<void(const std::string&, const std::string&)>& problem);
void read_duplicates(Form& F, const nlohmann::json& lk, const std::function<void(const std::string&, const std::string&)>& problem);

// Page, subsection and question conditions are cached like defs: worked out once per state of the log.
expr::NodePtr cached(Form& F, expr::NodePtr n, const std::string& key) {
  if (!n) return n;
  auto w = std::make_unique<expr::Node>();
  w->op = expr::Op::DefCall;
  w->type = n->type;
  w->slot = F.def_index(key);
  w->name = key;
  w->fields = std::move(n->fields);
  w->kids.push_back(std::move(n));
  return w;
}

using nlohmann::json;
namespace fs = std::filesystem;

const char* qtype_name(QType t) {
  switch (t) {
    case QType::Radio: return "radio";
    case QType::Checkbox: return "checkbox";
    case QType::Numeric: return "numeric";
    case QType::Date: return "date";
    case QType::Text: return "text";
    case QType::Select: return "select";
    case QType::Interruption: return "interruption";
  }
  return "?";
}

const std::vector<ContextName>& context_names() {
  using expr::Type;
  static const std::vector<ContextName> names = {
      {"today", Type::Date},
      {"user_role", Type::String},
      {"owning_provider_type", Type::String},
      {"managing_provider_type", Type::String},
      {"previous_owning_provider_type", Type::String},  // the owning organisation before this change
      {"stock_owner_choice_needed", Type::Bool},
      {"managing_agent_choice_needed", Type::Bool},
      {"owning_dsa_signed", Type::Bool},
      {"managing_dsa_signed", Type::Bool},
      {"managing_rent_periods", Type::List},
      {"owning_organisation_name", Type::String},
      {"managing_organisation_name", Type::String},
      {"address_lookup", Type::Bool},  // an address lookup service is connected
      {"assigned_user_in_organisations", Type::Bool},
      {"scheme_active_location_count", Type::Number},
      {"scheme_status", Type::String},
      {"scheme_status_date", Type::Date},
      {"scheme_name", Type::String},
      {"scheme_owned_by_owning", Type::Bool},
      {"scheme_single_active_location", Type::Number},
      {"location_status", Type::String},
      {"location_status_date", Type::Date},
      {"location_postcode", Type::String},
      {"location_la", Type::String},
      {"location_mobility_type", Type::String},
  };
  return names;
}

std::string Question::label() const {
  if (raw && raw->contains("check_answer_label") && (*raw)["check_answer_label"].is_string())
    return (*raw)["check_answer_label"].get<std::string>();
  if (raw && raw->contains("header") && (*raw)["header"].is_string()) return (*raw)["header"].get<std::string>();
  return id;
}

static std::string first_holding(const std::vector<Question::Conditional>& list, const expr::Env& env) {
  for (auto& c : list)
    if (c.when && expr::holds(c.when, env)) return c.text;
  return "";
}
std::string Question::suffix_for(const expr::Env& env) const { return suffix.empty() ? first_holding(suffixes, env) : suffix; }
std::string Question::inferred_for(const expr::Env& env) const { return first_holding(inferred, env); }

std::string Question::unanswered_error() const {
  if (raw && raw->contains("unanswered_error") && (*raw)["unanswered_error"].is_string())
    return (*raw)["unanswered_error"].get<std::string>();
  std::string l = label();
  if (!l.empty()) l[0] = char(std::tolower(static_cast<unsigned char>(l[0])));
  return "You must answer " + l + ".";
}

namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
// An identifier starting at s[i]; i is moved past it. "" when there is none.
std::string read_name(const std::string& s, size_t& i) {
  if (i >= s.size() || !name_start(s[i])) return "";
  size_t b = i;
  while (i < s.size() && name_char(s[i])) ++i;
  return s.substr(b, i - b);
}
void skip_spaces(const std::string& s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// A def's key: "name" or "name(a, b)". Its name and parameters, or nothing.
std::optional<std::pair<std::string, std::vector<std::string>>> parse_def_signature(const std::string& k) {
  size_t i = 0;
  std::string name = read_name(k, i);
  if (name.empty()) return std::nullopt;
  std::vector<std::string> params;
  if (i == k.size()) return std::pair{name, params};
  if (k[i++] != '(') return std::nullopt;
  skip_spaces(k, i);
  if (i < k.size() && k[i] == ')') return i + 1 == k.size() ? std::optional(std::pair{name, params}) : std::nullopt;
  for (;;) {
    std::string p = read_name(k, i);
    if (p.empty()) return std::nullopt;
    params.push_back(p);
    skip_spaces(k, i);
    if (i >= k.size()) return std::nullopt;
    if (k[i] == ')') return i + 1 == k.size() ? std::optional(std::pair{name, params}) : std::nullopt;
    if (k[i++] != ',') return std::nullopt;
    skip_spaces(k, i);
  }
}

// The names of the %{name} placeholders in a message, in order.
std::vector<std::string> placeholders(const std::string& text) {
  std::vector<std::string> out;
  for (size_t p = text.find("%{"); p != std::string::npos; p = text.find("%{", p + 2)) {
    size_t i = p + 2;
    while (i < text.size() && name_char(text[i])) ++i;
    if (i > p + 2 && i < text.size() && text[i] == '}') out.push_back(text.substr(p + 2, i - p - 2));
  }
  return out;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  try {
    return json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(p.string() + " is not valid JSON: " + e.what());
  }
}

// Replaces {var} in every string (keys included) of a template entry.
json substitute(const json& j, const std::string& key, const std::string& val) {
  auto sub = [&](std::string s) {
    for (size_t p = s.find(key); p != std::string::npos; p = s.find(key, p + val.size())) s.replace(p, key.size(), val);
    return s;
  };
  if (j.is_string()) return sub(j.get<std::string>());
  if (j.is_array()) {
    json out = json::array();
    for (auto& x : j) out.push_back(substitute(x, key, val));
    return out;
  }
  if (j.is_object()) {
    json out = json::object();
    for (auto& [k, v] : j.items()) out[sub(k)] = substitute(v, key, val);
    return out;
  }
  return j;
}

json expand_templates(const json& arr) {
  json out = json::array();
  for (auto& e : arr) {
    if (!e.is_object() || !e.contains("for")) {
      out.push_back(e);
      continue;
    }
    std::vector<json> items = {e};
    items[0].erase("for");
    for (auto& [var, vals] : e["for"].items()) {
      std::vector<json> next;
      for (auto& it : items)
        for (auto& v : vals) next.push_back(substitute(it, "{" + var + "}", v.is_string() ? v.get<std::string>() : v.dump()));
      items = std::move(next);
    }
    for (auto& it : items) out.push_back(it);
  }
  return out;
}

std::string str(const json& j, const char* k, const std::string& fallback = "") {
  auto it = j.find(k);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A reference into the definition (not a copy: questions and pages keep pointers to their JSON).
const json& arr(const json& j, const char* k) {
  static const json empty = json::array();
  auto it = j.find(k);
  return it != j.end() && it->is_array() ? *it : empty;
}

expr::Type type_from_name(const std::string& t) {
  if (t == "integer" || t == "number") return expr::Type::Number;
  if (t == "string") return expr::Type::String;
  if (t == "date") return expr::Type::Date;
  if (t == "boolean") return expr::Type::Bool;
  return expr::Type::Any;
}

}  // namespace

std::optional<expr::NameInfo> Form::lookup(const std::string& name) const {
  auto it = slots.find(name);
  if (it == slots.end()) return std::nullopt;
  const Attribute& a = attributes[size_t(it->second)];
  expr::NameInfo i;
  i.slot = it->second;
  i.type = a.type;
  i.codes = a.codes.empty() ? nullptr : &a.codes;
  return i;
}

const expr::Names::Def* Form::def(const std::string& name) const {
  auto it = defs_.find(name);
  return it == defs_.end() ? nullptr : &it->second;
}

int Form::def_index(const std::string& instance) const {
  auto it = def_instances_.find(instance);
  if (it != def_instances_.end()) return it->second;
  int i = int(def_instances_.size());
  def_instances_[instance] = i;
  return i;
}

std::string Form::fill_in(const std::string& text, const std::vector<expr::Value>& values) const {
  if (text.find("%{") == std::string::npos) return text;
  std::string out = text;
  for (const std::string& name : placeholders(text)) {
    int s = slot(name);
    std::string filled = s >= 0 && size_t(s) < values.size() && !values[size_t(s)].null() ? label(s, values[size_t(s)]) : "";
    std::string key = "%{" + name + "}";
    for (size_t p = out.find(key); p != std::string::npos; p = out.find(key, p + filled.size())) out.replace(p, key.size(), filled);
  }
  return out;
}

std::string Form::label(int slot, const expr::Value& v) const {
  const Attribute& a = attributes[size_t(slot)];
  for (const Question* q : a.questions) {
    for (auto& o : q->options)
      if (o.value.equals(v)) return o.label;
    const std::vector<std::pair<std::string, std::string>>* table = nullptr;
    if (q->options_from == "local_authorities_england") table = &lookups.local_authorities_england;
    if (q->options_from == "local_authorities_all") table = &lookups.local_authorities_all;
    if (q->options_from == "countries") table = &lookups.countries;
    if (table)
      for (auto& [code, name] : *table)
        if (code == v.text()) return name;
  }
  return v.text();
}

// Form::load, one stage at a time. Each stage reads one part of the definition into the Form and
// reports what is wrong with it as a problem; later stages rely on the earlier ones.
struct Form::Loader {
  Form& F;
  const std::string& path;
  const std::string& data_dir;
  json meta;  // the definition's `form` object
  void problem(const std::string& where, const std::string& what) { F.problems.push_back(where + ": " + what); }
  std::function<void(const std::string&, const std::string&)> problems() {
    return [this](const std::string& where, const std::string& what) { problem(where, what); };
  }
  // 1. The file and its includes, read into one definition (F.source): arrays appended, defs and
  //    tables merged, `for` templates expanded.
  void read_sources();
  // 2. What the form is (type, year, the kind of log it records) and its collection window, and
  //    the lookup tables it declares.
  void read_window();
  // 3. Its sections, subsections, pages and questions, with one attribute per answer.
  void read_structure();
  // 4. Its named expressions (defs), each checked on its own.
  void read_defs();
  // 5. Every expression: conditions, derivations, hard and soft rules and their messages.
  void read_expressions();
  // Then the checks across stages, and the whole form compiled into one program.
  void finish();
};

void Form::Loader::read_sources() {
  json root = read_json(path);
  if (!root.is_object()) throw std::runtime_error(path + ": a form definition is a JSON object");
  json defs = root.value("defs", json::object());
  json variables = root.value("variables", json::array());
  json derivations = root.value("derivations", json::array());
  json validations = root.value("validations", json::array());
  json soft = root.value("soft_validations", json::array());
  json tables = root.value("tables", json::object());
  const json includes = root.value("include", json::array());
  for (auto& inc : includes) {
    fs::path p = fs::path(path).parent_path() / inc.get<std::string>();
    json part = read_json(p);
    const json part_defs = part.value("defs", json::object());
    for (auto& [k, v] : part_defs.items()) {
      if (defs.contains(k)) problem(p.string(), "def '" + k + "' is defined twice");
      defs[k] = v;
    }
    for (auto& x : part.value("variables", json::array())) variables.push_back(x);
    for (auto& x : part.value("derivations", json::array())) derivations.push_back(x);
    for (auto& x : part.value("validations", json::array())) validations.push_back(x);
    for (auto& x : part.value("soft_validations", json::array())) soft.push_back(x);
    const json part_tables = part.value("tables", json::object());
    for (auto& [k, v] : part_tables.items()) {
      if (tables.contains(k)) problem(p.string(), "table '" + k + "' is declared twice");
      tables[k] = v;
    }
  }
  root["tables"] = tables;
  root["defs"] = defs;
  root["variables"] = expand_templates(variables);
  root["derivations"] = expand_templates(derivations);
  root["validations"] = expand_templates(validations);
  root["soft_validations"] = expand_templates(soft);
  F.source = std::move(root);

}

void Form::Loader::read_window() {
  const json& S = F.source;
  meta = S.value("form", json::object());
  F.type = str(meta, "type");
  F.year = meta.value("year", 0);
  auto date = [&](const char* k) {
    auto d = util::parse_iso_date(str(meta, k));
    if (!d) problem("form", std::string("'") + k + "' must be a date (YYYY-MM-DD)");
    return d.value_or(util::Date{});
  };
  F.start_date = date("start_date");
  F.end_date = date("end_date");
  F.new_logs_end_date = date("new_logs_end_date");
  F.edit_end_date = date("edit_end_date");
  F.submission_deadline = meta.contains("submission_deadline") ? date("submission_deadline") : F.edit_end_date;
  if (meta.contains("quarter_deadlines")) {
    const json& q = meta["quarter_deadlines"];
    if (!q.is_array()) problem("form", "'quarter_deadlines' must be a list of dates (YYYY-MM-DD)");
    for (auto& v : q.is_array() ? q : json::array()) {
      auto d = v.is_string() ? util::parse_iso_date(v.get<std::string>()) : std::nullopt;
      if (!d) {
        problem("form", "'quarter_deadlines' must hold only dates (YYYY-MM-DD), not " + v.dump());
        continue;
      }
      if (!F.quarter_deadlines.empty() && *d <= F.quarter_deadlines.back())
        problem("form", "'quarter_deadlines' must be in order, each after the one before: " + d->iso());
      if (*d <= F.start_date || *d >= F.submission_deadline)
        problem("form", "quarter deadline " + d->iso() + " must fall after start_date and before submission_deadline");
      F.quarter_deadlines.push_back(*d);
    }
  }
  const bool lookups_required = meta.value("lookups", true);
  try {
    F.lookups = expr::Lookups::load(data_dir, F.year, lookups_required);
  } catch (const std::exception& e) {
    problem("lookups", e.what());
  }
  const json declared_tables = S.value("tables", json::object());
  for (auto& [name, t] : declared_tables.items()) {
    std::vector<std::string> keys;
    for (auto& k : t.value("keys", json::array()))
      if (k.is_string()) keys.push_back(k.get<std::string>());
    if (keys.empty()) problem("table " + name, "needs `keys`: the columns that pick a row");
    try {
      F.lookups.tables[name] = expr::Lookups::load_table(data_dir, t.value("file", std::string()), keys, lookups_required);
    } catch (const std::exception& e) {
      problem("table " + name, e.what());
    }
  }

}

void Form::Loader::read_structure() {
  const json& S = F.source;
  auto add_attr = [&](const std::string& id, AttrKind kind, expr::Type t, const std::string& where) -> int {
    auto it = F.slots.find(id);
    if (it != F.slots.end()) {
      Attribute& a = F.attributes[size_t(it->second)];
      if (a.kind != kind || (a.type != t && t != expr::Type::Any && a.type != expr::Type::Any))
        problem(where, "'" + id + "' is already defined as a different kind of answer");
      return it->second;
    }
    Attribute a;
    a.id = id;
    a.kind = kind;
    a.type = t;
    F.attributes.push_back(a);
    F.slots[id] = int(F.attributes.size() - 1);
    return int(F.attributes.size() - 1);
  };

  std::set<std::string> section_ids, subsection_ids;
  if (!S.contains("sections") || !S["sections"].is_array()) problem("form", "has no sections");
  for (auto& js : arr(S, "sections")) {
    Section sec;
    sec.id = str(js, "id");
    sec.label = str(js, "label");
    if (!section_ids.insert(sec.id).second) problem("section " + sec.id, "id is used twice");
    for (auto& jss : arr(js, "subsections")) {
      Subsection sub;
      sub.id = str(jss, "id");
      sub.label = str(jss, "label");
      sub.section = int(F.sections.size());
      if (!subsection_ids.insert(sub.id).second) problem("subsection " + sub.id, "id is used twice");
      for (auto& jp : arr(jss, "pages")) {
        Page pg;
        pg.id = str(jp, "id");
        pg.subsection = int(F.subsections.size());
        pg.raw = &jp;
        std::string where = "page " + pg.id;
        if (pg.id.empty()) problem("subsection " + sub.id, "a page has no id");
        if (F.page_index.count(pg.id)) problem(where, "page id is used twice");
        int page_no = int(F.pages.size());
        F.page_index[pg.id] = page_no;
        if (!jp.contains("questions") || jp["questions"].empty()) problem(where, "has no questions");
        for (auto& jq : arr(jp, "questions")) {
          Question q;
          q.id = str(jq, "id");
          q.raw = &jq;
          q.page = page_no;
          std::string qwhere = where + ", question " + q.id;
          static const std::map<std::string, QType> types = {
              {"radio", QType::Radio}, {"checkbox", QType::Checkbox}, {"numeric", QType::Numeric},
              {"date", QType::Date},   {"text", QType::Text},         {"select", QType::Select},
              {"interruption", QType::Interruption}};
          auto t = types.find(str(jq, "type"));
          if (t == types.end()) {
            problem(qwhere, "unknown question type '" + str(jq, "type") + "'");
            continue;
          }
          q.type = t->second;
          q.options_from = str(jq, "options_from");
          if (jq.contains("min")) q.min = jq["min"].get<double>();
          if (jq.contains("max")) q.max = jq["max"].get<double>();
          if (jq.contains("step")) q.step = jq["step"].get<double>();
          if (q.step && !(*q.step > 0)) problem(qwhere, "step must be more than 0");
          q.money = q.type == QType::Numeric && jq.value("prefix", "") == "£";
          q.readonly = jq.value("readonly", false);
          q.keep = jq.value("keep", false);
          if (jq.contains("optional") && jq["optional"].is_boolean()) q.optional = jq["optional"].get<bool>();
          if (jq.contains("interruption")) q.soft = str(jq["interruption"], "soft");
          if (q.type == QType::Interruption && q.soft.empty()) problem(qwhere, "an interruption screen must name its soft validation");
          std::vector<expr::Value> codes;
          for (auto& jo : arr(jq, "options")) {
            Option o;
            o.value = expr::from_json(jo.value("value", json()));
            o.label = str(jo, "label");
            o.hint = str(jo, "hint");
            o.check_answer_label = str(jo, "check_answer_label");
            o.divider_before = jo.value("divider_before", false);
            o.exclusive = jo.value("exclusive", false);
            for (auto& c : codes)
              if (c.equals(o.value)) problem(qwhere, "option " + o.value.debug() + " is listed twice");
            codes.push_back(o.value);
            q.options.push_back(std::move(o));
          }
          expr::Type at = expr::Type::Any;
          switch (q.type) {
            case QType::Numeric: at = expr::Type::Number; break;
            case QType::Date: at = expr::Type::Date; break;
            case QType::Text: at = expr::Type::String; break;
            case QType::Interruption: at = expr::Type::Number; codes = {expr::Value(kInterruptionConfirmed), expr::Value(kInterruptionDeclined)}; break;
            case QType::Radio: case QType::Select:
              if (q.options_from == "local_authorities_england" || q.options_from == "local_authorities_all") at = expr::Type::String;
              else if (!q.options_from.empty()) at = expr::Type::Number;
              else if (!codes.empty()) at = codes[0].is_string() ? expr::Type::String : expr::Type::Number;
              break;
            case QType::Checkbox: break;
          }
          if (q.type == QType::Checkbox) {
            F.checkbox_questions.insert(q.id);
            for (auto& o : q.options) {
              if (!o.value.is_string()) {
                problem(qwhere, "a checkbox option's value names the attribute it sets");
                continue;
              }
              o.slot = add_attr(o.value.as_string(), AttrKind::CheckboxOption, expr::Type::Number, qwhere);
              F.attributes[size_t(o.slot)].codes = {expr::Value(0), expr::Value(1)};
              F.attributes[size_t(o.slot)].label = o.label;
              F.attributes[size_t(o.slot)].input = true;
            }
          } else {
            q.slot = add_attr(q.id, AttrKind::Question, at, qwhere);
            Attribute& a = F.attributes[size_t(q.slot)];
            a.input = !q.readonly;
            if (q.options_from.empty())  // the same answer may be asked on several pages with different options
              for (auto& c : codes) {
                bool have = false;
                for (auto& x : a.codes) have = have || (x.equals(c) && x.v.index() == c.v.index());
                if (!have) a.codes.push_back(c);
              }
            if (a.label.empty()) a.label = q.label();
          }
          pg.questions.push_back(std::move(q));
        }
        F.pages.push_back(std::move(pg));
        sub.pages.push_back(page_no);
      }
      sec.subsections.push_back(int(F.subsections.size()));
      F.subsections.push_back(std::move(sub));
    }
    F.sections.push_back(std::move(sec));
  }
  for (auto& jv : arr(S, "variables")) {
    std::string id = str(jv, "id");
    if (id.empty()) { problem("variables", "a variable has no id"); continue; }
    if (F.slots.count(id)) { problem("variable " + id, "is already a question or variable"); continue; }
    int s = add_attr(id, AttrKind::Variable, type_from_name(str(jv, "type")), "variable " + id);
    F.attributes[size_t(s)].input = jv.value("input", false);
    F.attributes[size_t(s)].label = str(jv, "label", id);
    if (jv.contains("codes"))
      for (auto& c : jv["codes"]) F.attributes[size_t(s)].codes.push_back(expr::from_json(c));
    for (auto& o : arr(jv, "options")) F.attributes[size_t(s)].codes.push_back(expr::from_json(o.value("value", json())));
  }
  for (auto& c : context_names()) {
    if (F.slots.count(c.id)) {
      problem("attribute " + std::string(c.id), "is the name of a context value");
      F.context_slots.push_back(-1);
      continue;
    }
    F.context_slots.push_back(add_attr(c.id, AttrKind::Context, c.type, "context"));
  }
  // Wire questions to their attributes (after every push_back, so the pointers stay valid).
  for (auto& pg : F.pages)
    for (auto& q : pg.questions) {
      if (q.slot >= 0) F.attributes[size_t(q.slot)].questions.push_back(&q);
      for (auto& o : q.options)
        if (o.slot >= 0) F.attributes[size_t(o.slot)].questions.push_back(&q);
    }
  for (auto& a : F.attributes)
    for (const Question* q : a.questions)
      if (q->min != a.questions.front()->min || q->max != a.questions.front()->max || q->step != a.questions.front()->step)
        a.bounds_vary = true;

}

void Form::Loader::read_defs() {
  const json& S = F.source;
  for (auto& [k, v] : S["defs"].items()) {
    auto sig = parse_def_signature(k);
    if (!sig || !v.is_string()) {
      problem("def '" + k + "'", "a def is \"name\" or \"name(a, b)\" with an expression as its value");
      continue;
    }
    Def d;
    d.body = v.get<std::string>();
    d.params = sig->second;
    if (F.slots.count(sig->first)) problem("def '" + k + "'", "has the name of a field");
    F.defs_[sig->first] = d;
  }
  // Check every def on its own (parameterised ones are checked where they are called).
  for (auto& [name, d] : F.defs_) {
    if (!d.params.empty()) continue;
    try {
      expr::parse(d.body, F);
    } catch (const expr::ParseError& e) {
      problem("def '" + name + "'", e.what());
    }
  }

}

void Form::Loader::read_expressions() {
  const json& S = F.source;
  auto parse = [&](const json& j, const char* key, const std::string& where) -> expr::NodePtr {
    if (!j.contains(key)) return nullptr;
    const json& v = j[key];
    if (v.is_boolean()) return nullptr;
    if (!v.is_string()) {
      problem(where, std::string("'") + key + "' must be an expression");
      return nullptr;
    }
    try {
      return expr::parse(v.get<std::string>(), F);
    } catch (const expr::ParseError& e) {
      problem(where + " " + key, e.what());
      return nullptr;
    }
  };
  for (auto& sub : F.subsections) {
    for (auto& js : arr(S, "sections"))
      for (auto& jss : arr(js, "subsections"))
        if (str(jss, "id") == sub.id) {
          sub.depends_on = cached(F, parse(jss, "depends_on", "subsection " + sub.id), "subsection:" + sub.id);
          sub.shown_when = cached(F, parse(jss, "shown_when", "subsection " + sub.id), "subsection-shown:" + sub.id);
        }
  }
  std::set<std::string> soft_ids;
  for (auto& js : arr(S, "soft_validations")) soft_ids.insert(str(js, "id"));
  for (auto& pg : F.pages) {
    std::string where = "page " + pg.id;
    pg.depends_on = cached(F, parse(*pg.raw, "depends_on", where), "page:" + pg.id);
    for (auto& q : pg.questions) {
      std::string qwhere = where + ", question " + q.id;
      const json& jq = *q.raw;
      q.optional_when = parse(jq, "optional", qwhere);
      q.derived_when = cached(F, parse(jq, "derived_when", qwhere), "derived_when:" + pg.id + ":" + q.id);
      q.hidden_in_check_answers = parse(jq, "hidden_in_check_answers", qwhere);
      q.options_in = parse(jq, "options_in", qwhere);
      const json& jo = arr(jq, "options");
      for (size_t i = 0; i < q.options.size() && i < jo.size(); ++i)
        q.options[i].depends_on = cached(F, parse(jo[i], "depends_on", qwhere + " option " + q.options[i].value.debug()),
                                         "option:" + pg.id + ":" + q.id + ":" + q.options[i].value.debug());
      if (jq.contains("conditional_on")) {
        const json& c = jq["conditional_on"];
        q.conditional_parent = F.slot(str(c, "question"));
        if (q.conditional_parent < 0) problem(qwhere, "conditional_on names an unknown question '" + str(c, "question") + "'");
        for (auto& v : c.value("values", json::array())) q.conditional_values.push_back(expr::from_json(v));
      }
      if (jq.contains("suffix") && jq["suffix"].is_string()) q.suffix = jq["suffix"].get<std::string>();
      for (auto& c : arr(jq, "suffix")) q.suffixes.push_back({parse(c, "when", qwhere + " suffix"), str(c, "text")});
      for (auto& c : arr(jq, "inferred_check_answers"))
        q.inferred.push_back({parse(c, "when", qwhere + " inferred_check_answers"), str(c, "text")});
      if (!q.soft.empty() && !soft_ids.count(q.soft)) problem(qwhere, "names an unknown soft validation '" + q.soft + "'");
      static const std::set<std::string> sources = {"", "local_authorities_england", "local_authorities_all", "countries",
                                                    "organisations_owning", "organisations_managing", "users",
                                                    "schemes", "locations", "addresses"};
      if (!sources.count(q.options_from)) problem(qwhere, "unknown options_from '" + q.options_from + "'");
      if ((q.type == QType::Radio || q.type == QType::Checkbox) && q.options.empty() && q.options_from.empty())
        problem(qwhere, "has no options");
    }
  }
  std::set<std::string> rule_ids;
  for (auto& jd : arr(S, "derivations")) {
    Derivation d;
    d.id = str(jd, "id");
    std::string where = "derivation " + d.id;
    std::string set = str(jd, "set");
    d.slot = F.slot(set);
    if (d.slot < 0) problem(where, "sets an unknown field '" + set + "'");
    else if (F.attributes[size_t(d.slot)].kind == AttrKind::Context) problem(where, "cannot set the context value '" + set + "'");
    d.when = parse(jd, "when", where);
    if (!jd.contains("value")) problem(where, "has no value");
    d.value = parse(jd, "value", where);
    F.derivations.push_back(std::move(d));
  }
  auto parse_values = [&](const json& j, const std::string& where) {
    std::vector<std::pair<std::string, expr::NodePtr>> out;
    const json vals = j.value("values", json::object());
    for (auto& [k, v] : vals.items()) {
      json wrap = {{"v", v}};
      out.emplace_back(k, parse(wrap, "v", where + " value " + k));
    }
    return out;
  };
  auto check_placeholders = [&](const std::string& text, const std::vector<std::pair<std::string, expr::NodePtr>>& values,
                                const std::string& where) {
    for (const std::string& name : placeholders(text)) {
      bool found = false;
      for (auto& [k, v] : values) found = found || k == name;
      if (!found) problem(where, "the message uses %{" + name + "} but 'values' has no such entry");
    }
  };
  for (auto& jr : arr(S, "validations")) {
    Rule r;
    r.id = str(jr, "id");
    std::string where = "validation " + r.id;
    if (!rule_ids.insert(r.id).second) problem(where, "id is used twice");
    r.when = parse(jr, "when", where);
    if (!r.when) problem(where, "has no 'when'");
    r.values = parse_values(jr, where);
    const json msgs = jr.value("messages", json::object());
    for (auto& [k, v] : msgs.items()) {
      Message m;
      std::string key = k;
      auto pos = key.find(" if ");
      if (pos != std::string::npos) {
        json wrap = {{"c", key.substr(pos + 4)}};
        m.when = parse(wrap, "c", where + " message '" + k + "'");
        key = key.substr(0, pos);
      }
      m.field = key;
      m.slot = F.slot(key);
      if (m.slot < 0 && F.checkbox_questions.count(key)) {
        // A checkbox question's own id: the message belongs to the whole question.
      } else if (m.slot < 0 || F.attributes[size_t(m.slot)].kind == AttrKind::Context)
        problem(where, "attaches a message to an unknown field '" + key + "'");
      m.text = v.is_string() ? v.get<std::string>() : "";
      if (m.text.empty()) problem(where, "message for '" + key + "' is empty");
      check_placeholders(m.text, r.values, where);
      r.messages.push_back(std::move(m));
    }
    if (r.messages.empty()) problem(where, "has no messages");
    F.rules.push_back(std::move(r));
  }
  for (auto& js : arr(S, "soft_validations")) {
    SoftRule s;
    s.id = str(js, "id");
    std::string where = "soft validation " + s.id;
    s.confirm = str(js, "confirm");
    s.confirm_slot = F.slot(s.confirm);
    if (s.confirm_slot < 0) problem(where, "confirm field '" + s.confirm + "' is not a question");
    s.when = parse(js, "when", where);
    if (!s.when) problem(where, "has no 'when'");
    s.title = str(js, "title");
    s.text = str(js, "text");
    s.values = parse_values(js, where);
    check_placeholders(s.title + s.text, s.values, where);
    for (auto& r : js.value("review", json::array())) {
      std::string id = r.get<std::string>();
      if (F.slot(id) < 0) problem(where, "reviews an unknown field '" + id + "'");
      s.review.push_back(id);
    }
    F.soft_rules.push_back(std::move(s));
  }
}

void Form::Loader::finish() {
  const json& S = F.source;
  // A page heading may name answers (%{hholdcount}): each must be one.
  for (auto& pg : F.pages)
    if (pg.raw && pg.raw->contains("header") && (*pg.raw)["header"].is_string())
      for (const std::string& name : placeholders((*pg.raw)["header"].get<std::string>()))
        if (F.slot(name) < 0) problem("page " + pg.id, "the header uses %{" + name + "}, which is not an answer");
  check_lookups(F, problems());
  read_log_kind(F, meta, problems());
  index_def_readers(F);
  // Every expression compiled into one program, so that they sit together in memory (program.h).
  auto program = std::make_shared<expr::Program>();
  each_expression(F, [&](expr::NodePtr& n) {
    n.entry = program->add(*n);
    n.program = program.get();
    n.own.reset();
  });
  F.program = std::move(program);
  for (size_t s = 0; s < F.size(); ++s)
    if (F.attributes[s].kind != AttrKind::Context) F.stored_order.push_back(int(s));
  std::sort(F.stored_order.begin(), F.stored_order.end(),
            [&](int a, int b) { return F.attributes[size_t(a)].id < F.attributes[size_t(b)].id; });
}

std::shared_ptr<Form> Form::load(const std::string& path, const std::string& data_dir) {
  auto f = std::make_shared<Form>();
  Loader l{*f, path, data_dir, json::object()};
  l.read_sources();
  l.read_window();
  l.read_structure();
  l.read_defs();
  l.read_expressions();
  l.finish();
  return f;
}

// Every expression of the form (conditions, derivations, rules, texts that depend on answers).
void each_expression(Form& F, const std::function<void(expr::NodePtr&)>& fn) {
  auto walk = [&](expr::NodePtr& n) {
    if (n) fn(n);
  };
  for (auto& s : F.subsections) {
    walk(s.shown_when);
    walk(s.depends_on);
  }
  for (auto& p : F.pages) {
    walk(p.depends_on);
    for (auto& q : p.questions) {
      walk(q.optional_when);
      walk(q.derived_when);
      walk(q.hidden_in_check_answers);
      walk(q.options_in);
      for (auto& o : q.options) walk(o.depends_on);
      for (auto& c : q.suffixes) walk(c.when);
      for (auto& c : q.inferred) walk(c.when);
    }
  }
  for (auto& d : F.derivations) {
    walk(d.when);
    walk(d.value);
  }
  for (auto& r : F.rules) {
    walk(r.when);
    for (auto& m : r.messages) walk(m.when);
    for (auto& [k, v] : r.values) walk(v);
  }
  for (auto& s : F.soft_rules) {
    walk(s.when);
    for (auto& [k, v] : s.values) walk(v);
  }
  walk(F.log.duplicates.when);
}

namespace {

// Each lookup() names a declared table by a literal, passes one argument per key, and (when the
// column is a literal) a column the table has.
void check_lookup_calls(const expr::Node& n, const Form& F, const std::function<void(const std::string&)>& bad) {
  for (auto& k : n.kids) check_lookup_calls(*k, F, bad);
  if (n.op != expr::Op::Call || !n.fn || std::string(n.fn->name) != "lookup") return;
  const expr::Node& first = *n.kids.front();
  if (first.op != expr::Op::Literal || !first.literal.is_string()) return bad("lookup() must name its table as text");
  auto t = F.lookups.tables.find(first.literal.as_string());
  if (t == F.lookups.tables.end()) return bad("lookup() of an undeclared table '" + first.literal.as_string() + "'");
  if (n.kids.size() != t->second.keys.size() + 2)
    return bad("lookup(\"" + t->first + "\", …) takes " + std::to_string(t->second.keys.size()) +
               " key(s) and a column name");
  const expr::Node& last = *n.kids.back();
  if (last.op == expr::Op::Literal && (!last.literal.is_string() || (!t->second.columns.empty() &&
                                                                      t->second.column(last.literal.as_string()) < 0)))
    bad("lookup(\"" + t->first + "\", …) of a column the table does not have");
}

}  // namespace

void read_log_kind(Form& F, const json& meta, const std::function<void(const std::string&, const std::string&)>& problem) {
  const json lk = meta.value("log", json::object());
  if (!lk.is_object()) return problem("form.log", "must be an object");
  LogKind& k = F.log;
  auto text = [&](const char* key, const std::string& fallback) {
    return lk.contains(key) && lk[key].is_string() ? lk[key].get<std::string>() : fallback;
  };
  k.path = text("path", F.type + "-logs");
  k.name = text("name", F.type + " log");
  for (char c : k.path)
    if (!(std::islower(static_cast<unsigned char>(c)) || c == '-')) return problem("form.log", "path must be lower-case letters and dashes");
  auto answer = [&](const char* key, std::string& id, int& slot) {
    if (!lk.contains(key) || lk[key].is_null()) return;
    if (!lk[key].is_string()) return problem("form.log", std::string(key) + " must name an answer");
    id = lk[key].get<std::string>();
    slot = F.slot(id);
    if (slot < 0 || F.attributes[size_t(slot)].kind == AttrKind::Context)
      problem("form.log", std::string(key) + " names an unknown answer '" + id + "'");
  };
  answer("date", k.date, k.date_slot);
  answer("category", k.category, k.category_slot);
  answer("reference", k.reference, k.reference_slot);
  answer("property_reference", k.property_reference, k.property_reference_slot);
  answer("postcode", k.postcode, k.postcode_slot);
  if (k.date_slot >= 0 && F.attributes[size_t(k.date_slot)].type != expr::Type::Date)
    problem("form.log", "date must name a date answer");
  read_duplicates(F, lk, problem);
}

// `log.duplicates`: { "match": [attribute, ...], "when": expression, "note": text }.
void read_duplicates(Form& F, const json& lk, const std::function<void(const std::string&, const std::string&)>& problem) {
  if (!lk.contains("duplicates") || lk["duplicates"].is_null()) return;
  const json& d = lk["duplicates"];
  const std::string where = "form.log.duplicates";
  if (!d.is_object()) return problem(where, "must be an object");
  for (auto& [key, v] : d.items())
    if (key != "match" && key != "when" && key != "note") problem(where, "unknown key '" + key + "' (match, when, note)");
  auto& dup = F.log.duplicates;
  if (!d.contains("match") || !d["match"].is_array() || d["match"].empty())
    return problem(where, "match must list the answers that must all be equal");
  std::set<std::string> seen;
  for (auto& m : d["match"]) {
    if (!m.is_string()) {
      problem(where, "match must list attribute ids");
      continue;
    }
    std::string id = m.get<std::string>();
    int slot = F.slot(id);
    if (slot < 0 || F.attributes[size_t(slot)].kind == AttrKind::Context) problem(where, "match names an unknown answer '" + id + "'");
    else if (!seen.insert(id).second) problem(where, "match names '" + id + "' twice");
    else {
      dup.match.push_back(id);
      dup.match_slots.push_back(slot);
    }
  }
  if (F.slot("owning_organisation_id") < 0) problem(where, "duplicates are found among the logs of one owning organisation, but the form has no owning_organisation_id");
  if (!d.contains("when")) return;
  if (!d["when"].is_string()) return problem(where, "'when' must be an expression");
  try {
    dup.when = expr::parse(d["when"].get<std::string>(), F);
  } catch (const expr::ParseError& e) {
    problem(where + " when", e.what());
    return;
  }
  for (auto& name : dup.when->fields)
    if (int s = F.slot(name); s >= 0 && F.attributes[size_t(s)].kind == AttrKind::Context)
      problem(where, "'when' reads the context value '" + name + "', which a stored log does not hold");
}

void check_lookups(Form& F, const std::function<void(const std::string&, const std::string&)>& problem) {
  std::set<std::string> seen;
  each_expression(F, [&](expr::NodePtr& n) {
    check_lookup_calls(*n, F, [&](const std::string& m) {
      if (seen.insert(m).second) problem("lookup", m);
    });
  });
}

namespace {

// Records, for every def instance in the tree, the slots it reads (directly or through inner defs).
void collect_readers(const expr::Node& n, std::vector<int>& open_defs, std::vector<std::set<int>>& reads) {
  if (n.op == expr::Op::Name)
    for (int d : open_defs) reads[size_t(d)].insert(n.slot);
  bool is_def = n.op == expr::Op::DefCall && n.slot >= 0;
  if (is_def) open_defs.push_back(n.slot);
  for (auto& k : n.kids) collect_readers(*k, open_defs, reads);
  if (is_def) open_defs.pop_back();
}

}  // namespace

void index_def_readers(Form& F) {
  std::vector<std::set<int>> reads(F.def_instances());
  std::vector<int> open;
  each_expression(F, [&](expr::NodePtr& n) { collect_readers(*n, open, reads); });
  F.def_readers.assign(F.size(), {});
  for (size_t d = 0; d < reads.size(); ++d)
    for (int slot : reads[d]) F.def_readers[size_t(slot)].push_back(int(d));

  // Pages by the slots their routing reads: the names in the page's and its subsection's conditions
  // (an expression's `fields` include the names read inside the defs it calls).
  std::vector<std::set<int>> page_reads(F.pages.size());
  for (size_t p = 0; p < F.pages.size(); ++p) {
    const auto& sub = F.subsections[size_t(F.pages[p].subsection)];
    for (const expr::NodePtr* cond : {&std::as_const(F.pages[p].depends_on), &sub.depends_on, &sub.shown_when})
      if (*cond)
        for (auto& name : (*cond)->fields)
          if (int s = F.slot(name); s >= 0) page_reads[p].insert(s);
  }
  F.page_readers.assign(F.size(), {});
  for (size_t p = 0; p < page_reads.size(); ++p)
    for (int slot : page_reads[p]) F.page_readers[size_t(slot)].push_back(int(p));
}

std::shared_ptr<const Form> Form::load_checked(const std::string& path, const std::string& data_dir) {
  auto f = load(path, data_dir);
  if (!f->problems.empty()) {
    std::string msg = path + " has " + std::to_string(f->problems.size()) + " problem(s):";
    for (size_t i = 0; i < f->problems.size() && i < 20; ++i) msg += "\n  " + f->problems[i];
    throw std::runtime_error(msg);
  }
  return f;
}

}  // namespace core::form
