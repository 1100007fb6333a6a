#include "exports/csv_download.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <stdexcept>
#include <tuple>

#include "form/gateway.h"
#include "form/registry.h"
#include "exports/pipeline.h"
#include "exports/values.h"
#include "logs/flow.h"
#include "logs/service.h"
#include "schemes/model.h"
#include "schemes/store.h"
#include "util/csv.h"
#include "util/paths.h"
#include "util/text.h"

namespace core::exports {

using nlohmann::json;

const json& companion_spec(const std::string& type, int year, const std::string& kind) {
  static std::mutex m;
  static std::map<std::tuple<std::string, int, std::string>, json> loaded;
  std::lock_guard lock(m);
  auto key = std::make_tuple(type, year, kind);
  if (auto it = loaded.find(key); it != loaded.end()) return it->second;
  // Only the kinds and years the registry knows (never a path made of what a user typed).
  form::get(type, year);
  auto path = resource_root() / "forms" / std::to_string(year) / (type + "-" + kind + ".json");
  std::ifstream in(path);
  if (!in) throw std::runtime_error("There is no " + kind + " description for " + type + " logs of " + std::to_string(year) + ".");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains(kind) || !j[kind].is_object())
    throw std::runtime_error(path.string() + ": not a " + kind + " description (an object with `" + kind + "`)");
  return loaded[key] = j[kind];
}

const json& download_spec(const std::string& type, int year) { return companion_spec(type, year, "download"); }

namespace {

std::vector<std::string> strings(const json& spec, const char* key) {
  std::vector<std::string> out;
  if (spec.contains(key))
    for (auto& v : spec[key]) out.push_back(v.get<std::string>());
  return out;
}
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

std::vector<Column> csv_columns(const form::Form& f, const json& spec, bool support) {
  std::vector<std::string> out = strings(spec, "metadata");
  const json none = json::object();
  const json& exclude = spec.value("exclude", json::array());
  const json& expand = spec.contains("expand") ? spec["expand"] : none;
  const json& non_support_expand = spec.contains("non_support_expand") ? spec["non_support_expand"] : none;
  const json& rename = spec.contains("rename") ? spec["rename"] : none;
  std::set<std::string> seen, interruptions;
  // 1. The questions in page order, each once.
  for (auto& page : f.pages)
    for (auto& q : page.questions) {
      if (!seen.insert(q.id).second) continue;
      if (q.type == form::QType::Interruption) interruptions.insert(q.id);
      if (std::find(exclude.begin(), exclude.end(), q.id) != exclude.end()) continue;
      const json* list = !support && non_support_expand.contains(q.id) ? &non_support_expand[q.id]
                         : expand.contains(q.id)                       ? &expand[q.id]
                                                                       : nullptr;
      if (list) {
        for (auto& c : *list) out.push_back(c.get<std::string>());
      } else if (q.type == form::QType::Checkbox && q.options.size() > 1) {
        for (auto& o : q.options) {
          std::string v = o.value.text();
          out.push_back(rename.contains(v) ? rename[v].get<std::string>() : v);
        }
      } else {
        out.push_back(q.id);
      }
    }
  // 2. Columns moved to just before another.
  if (spec.contains("move_before"))
    for (auto& [col, before] : spec["move_before"].items()) {
      auto it = std::find(out.begin(), out.end(), col);
      if (it == out.end()) continue;
      out.erase(it);
      auto at = std::find(out.begin(), out.end(), before.get<std::string>());
      out.insert(at, col);
    }
  // 3. Support users: the address block together, where its first column was.
  if (support && spec.contains("support_address_block")) {
    std::vector<std::string> block = strings(spec, "support_address_block");
    auto first = std::find_if(out.begin(), out.end(), [&](const std::string& c) { return contains(block, c); });
    size_t at = size_t(first - out.begin());
    std::vector<std::string> regrouped;
    for (size_t i = 0; i < out.size(); ++i) {
      if (i == at) regrouped.insert(regrouped.end(), block.begin(), block.end());
      if (!contains(block, out[i])) regrouped.push_back(out[i]);
    }
    if (at == out.size()) regrouped.insert(regrouped.end(), block.begin(), block.end());
    out = std::move(regrouped);
  }
  for (auto& c : strings(spec, "trailing")) out.push_back(c);
  // 4. What each audience does not get.
  std::vector<std::string> dropped = strings(spec, support ? "support_exclude" : "support_only");
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const std::string& c) { return contains(dropped, c) || (!support && interruptions.count(c)); }),
            out.end());
  // 5. Headers and definitions.
  const json& defs = spec.contains("definitions") ? spec["definitions"] : none;
  const json& support_headers = spec.contains("support_headers") ? spec["support_headers"] : none;
  bool upper_case = support && spec.value("support_upper_case", false);
  // The name of a renamed checkbox option column is the option's attribute.
  std::map<std::string, std::string> attribute_of;
  for (auto& [from, to] : rename.items()) attribute_of[to.get<std::string>()] = from;
  std::vector<Column> cols;
  for (auto& c : out) {
    Column col;
    col.header = c;
    col.name = attribute_of.count(c) ? attribute_of[c] : c;
    if (upper_case) col.header = support_headers.contains(c) ? support_headers[c].get<std::string>() : util::ascii_upper(c);
    if (defs.contains(c)) col.definition = defs[c].get<std::string>();
    cols.push_back(std::move(col));
  }
  return cols;
}

namespace {

// How one column's cells are worked out, decided once per download.
enum class Source { Metadata, Attribute, Scheme, Location, Blank };
enum class Part { Whole, Day, Month, Year, Outward, Inward };
DatePart date_part(Part p) { return p == Part::Day ? DatePart::Day : p == Part::Month ? DatePart::Month : p == Part::Year ? DatePart::Year : DatePart::Whole; }

struct Cell {
  Source source = Source::Blank;
  std::string name;  // metadata, scheme or location field
  int field = -1;    // metadata: its Meta
  int slot = -1;
  bool codes = false, yes_or_blank = false;
  int64_t code_add = 0;
  int when_slot = -1;  // the cell is blank unless this answer is `when_value`
  expr::Value when_value;
  Part part = Part::Whole;
  OptionLabels labels;  // the options the attribute is asked with, looked up once per download
};

// The metadata columns a download description may name.
enum class Meta { id, status, duplicate_set_id, created_by, created_by_id, assigned_to, assigned_to_id, is_dpo, created_at, updated_by, updated_by_id, updated_at, creation_method, collection_start_year, bulk_upload_id, owning_organisation_name, owning_organisation_id, managing_organisation_name, managing_organisation_id, count };
const char* const kMetaNames[] = {"id", "status", "duplicate_set_id", "created_by", "created_by_id", "assigned_to", "assigned_to_id", "is_dpo", "created_at", "updated_by", "updated_by_id", "updated_at", "creation_method", "collection_start_year", "bulk_upload_id", "owning_organisation_name", "owning_organisation_id", "managing_organisation_name", "managing_organisation_id"};

const std::set<std::string>& metadata_names() {
  static const std::set<std::string> names(std::begin(kMetaNames), std::end(kMetaNames));
  return names;
}

Cell plan_cell(const form::Form& f, const json& spec, const Column& col, bool codes) {
  Cell c;
  c.codes = codes;
  std::string attribute = col.name;
  if (spec.contains("columns_from") && spec["columns_from"].contains(col.name)) {
    const json& from = spec["columns_from"][col.name];
    attribute = from.value("attribute", col.name);
    c.code_add = from.value("code_add", int64_t(0));
    if (from.value("values", "") == "labels") c.codes = false;
    if (from.contains("when")) {
      c.when_slot = f.slot(from["when"].value("attribute", ""));
      c.when_value = expr::from_json(from["when"].value("equals", json()));
    }
  }
  for (const char* key : {"date_parts", "postcode_parts"})
    if (spec.contains(key) && spec[key].contains(col.name)) {
      const json& from = spec[key][col.name];
      attribute = from.value("attribute", col.name);
      std::string part = from.value("part", "");
      c.part = part == "day" ? Part::Day : part == "month" ? Part::Month : part == "year" ? Part::Year
               : part == "outward" ? Part::Outward : part == "inward" ? Part::Inward : Part::Whole;
    }
  if (contains(strings(spec, "always_codes"), col.name)) c.codes = true;
  c.yes_or_blank = contains(strings(spec, "yes_or_blank"), col.name);
  if (metadata_names().count(col.name)) {
    c.source = Source::Metadata;
    c.name = col.name;
    c.field = int(std::find_if(std::begin(kMetaNames), std::end(kMetaNames), [&](const char* n) { return col.name == n; }) - std::begin(kMetaNames));
    return c;
  }
  if (col.name.rfind("scheme_", 0) == 0 || col.name == "SCHTYPE") {
    c.source = Source::Scheme;
    c.name = col.name;
    if (f.slot("scheme_id") >= 0) return c;
  }
  if (col.name.rfind("location_", 0) == 0 && f.slot(col.name) < 0) {
    c.source = Source::Location;
    c.name = col.name;
    if (f.slot("location_id") >= 0) return c;
  }
  c.source = Source::Blank;
  int slot = f.slot(attribute);
  if (slot < 0 || f.attributes[size_t(slot)].kind == form::AttrKind::Context) return c;
  c.source = Source::Attribute;
  c.slot = slot;
  const form::Attribute& a = f.attributes[size_t(slot)];
  c.labels = option_labels(f, a);
  if (a.questions.empty() && a.kind == form::AttrKind::Variable)
    for (auto& jv : f.source.value("variables", json::array()))
      if (jv.value("id", "") == a.id)
        for (auto& o : jv.value("options", json::array())) c.labels.options.emplace_back(expr::from_json(o.value("value", json())), o.value("label", ""));
  return c;
}

std::string bool_text(bool b, bool codes) { return codes ? (b ? "true" : "false") : (b ? "Yes" : "No"); }

std::string postcode_part(const std::string& pc, Part part) {
  std::string s;
  for (char ch : pc)
    if (ch != ' ') s += ch;
  if (s.size() < 4) return part == Part::Outward ? s : "";
  size_t cut = s.size() - 3;
  return part == Part::Outward ? s.substr(0, cut) : s.substr(cut);
}

std::string attribute_text(const form::Form& f, const Cell& c, const expr::Value& v) {
  if (v.null()) return "";
  const form::Attribute& a = f.attributes[size_t(c.slot)];
  if (c.yes_or_blank) return v.truthy() ? "Yes" : "";
  if (a.kind == form::AttrKind::CheckboxOption) return c.codes ? (v.truthy() ? "1" : "0") : (v.truthy() ? "Yes" : "No");
  if (a.type == expr::Type::Bool || v.is_bool()) return bool_text(v.truthy(), c.codes);
  if (c.part == Part::Outward || c.part == Part::Inward) return postcode_part(v.text(), c.part);
  if (v.is_date() || a.type == expr::Type::Date) {
    auto d = date_of(v);
    return d ? date_part_text(*d, date_part(c.part)) : v.text();
  }
  if (c.code_add && v.is_int()) {
    if (c.codes) return std::to_string(v.as_int() + c.code_add);
  }
  if (!c.codes)
    if (const std::string* label = c.labels.find(v)) return *label;
  return v.text();
}

std::string opt_text(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; }

// The scheme and location a download's logs name, each read once.
struct Records {
  db::Connection& c;
  std::map<int64_t, std::optional<schemes::Scheme>> schemes;
  std::map<std::pair<int64_t, int64_t>, std::optional<schemes::Location>> locations;
  const schemes::Scheme* scheme(int64_t id) {
    auto it = schemes.find(id);
    if (it == schemes.end()) it = schemes.emplace(id, schemes::store::find_scheme(c, id)).first;
    return it->second ? &*it->second : nullptr;
  }
  const schemes::Location* location(int64_t scheme_id, int64_t id) {
    auto key = std::make_pair(scheme_id, id);
    auto it = locations.find(key);
    if (it == locations.end()) it = locations.emplace(key, schemes::store::find_location(c, scheme_id, id)).first;
    return it->second ? &*it->second : nullptr;
  }
};

std::string choice(const std::vector<schemes::Choice>& list, const std::string& code, bool codes) {
  if (codes || code.empty()) return code;
  std::string l = schemes::label_of(list, code);
  return l.empty() ? code : l;
}

std::string scheme_text(const Cell& c, const schemes::Scheme& s) {
  const std::string& n = c.name;
  if (n == "scheme_code") return s.code();
  if (n == "scheme_service_name") return s.service_name;
  if (n == "scheme_confidential") return c.codes ? (s.sensitive ? "1" : "0") : (s.sensitive ? "Yes" : "No");
  if (n == "SCHTYPE") return choice(schemes::scheme_types(), s.scheme_type, c.codes);
  if (n == "scheme_registered_under_care_act") return choice(schemes::care_act_options(), s.registered_under_care_act, c.codes);
  if (n == "scheme_owning_organisation_name") return s.owning_organisation_name;
  if (n == "scheme_primary_client_group") return choice(schemes::client_groups(), s.primary_client_group, c.codes);
  if (n == "scheme_has_other_client_group")
    return s.has_other_client_group ? (c.codes ? (*s.has_other_client_group ? "1" : "0") : (*s.has_other_client_group ? "Yes" : "No")) : "";
  if (n == "scheme_secondary_client_group") return choice(schemes::client_groups(), s.secondary_client_group, c.codes);
  if (n == "scheme_support_type") return choice(schemes::support_types(), s.support_type, c.codes);
  if (n == "scheme_intended_stay") return choice(schemes::intended_stays(), s.intended_stay, c.codes);
  if (n == "scheme_created_at") return s.created_at;
  return "";
}

std::string location_text(const form::Form& f, const Cell& c, const schemes::Location& l) {
  const std::string& n = c.name;
  if (n == "location_code") return std::to_string(l.id);
  if (n == "location_postcode") return l.postcode;
  if (n == "location_name") return l.name;
  if (n == "location_units") return opt_text(l.units);
  if (n == "location_type_of_unit") return choice(schemes::unit_types(), l.type_of_unit, c.codes);
  if (n == "location_mobility_type") return choice(schemes::mobility_types(), l.mobility_type, c.codes);
  if (n == "location_local_authority") {
    for (auto& [code, name] : f.lookups.local_authorities_all)
      if (code == l.location_code) return name;
    return l.location_code;
  }
  if (n == "location_startdate") return l.startdate ? l.startdate->iso() : "";
  return "";
}

std::string metadata_text(const Cell& c, const logs::store::LogWithPeople& x, int year) {
  const auto& l = x.log;
  switch (Meta(c.field)) {
    case Meta::id: return std::to_string(l.id);
    case Meta::status: return l.status;
    case Meta::duplicate_set_id: return opt_text(l.duplicate_set_id);
    case Meta::created_by: return x.created_by_email;
    case Meta::created_by_id: return opt_text(l.created_by_id);
    case Meta::assigned_to: return x.assigned_to_email;
    case Meta::assigned_to_id: return opt_text(l.assigned_to_id);
    case Meta::is_dpo: return l.assigned_to_id ? (x.assigned_is_dpo ? "true" : "false") : "";
    case Meta::created_at: return l.created_at;
    case Meta::updated_by: return x.updated_by_email;
    case Meta::updated_by_id: return opt_text(x.updated_by_id);
    case Meta::updated_at: return l.updated_at;
    case Meta::creation_method: {
      bool bulk = l.creation_method == "bulk upload";
      return c.codes ? (bulk ? "2" : "1") : (bulk ? "Bulk upload" : "Single log");
    }
    case Meta::collection_start_year: return std::to_string(l.collection_year.value_or(year));
    case Meta::bulk_upload_id: return opt_text(l.bulk_upload_id);
    case Meta::owning_organisation_name: return l.owning_organisation_name;
    case Meta::owning_organisation_id: return opt_text(l.owning_organisation_id);
    case Meta::managing_organisation_name: return l.managing_organisation_name;
    case Meta::managing_organisation_id: return opt_text(l.managing_organisation_id);
    default: return "";
  }
}

logs::store::Filter download_filter(const CsvRequest& r) {
  logs::store::Filter f = r.filter;
  f.type = r.type;
  f.years = {r.year};
  if (r.with_errors) {
    // Logs with errors: the in-progress logs among those the filters match.
    bool in = f.statuses.empty() || contains(f.statuses, "in_progress");
    f.statuses = {in ? "in_progress" : "none"};
  }
  return f;
}

// What is still missing or wrong on a log, as one cell.
std::string errors_text(db::Connection& c, const CsvRequest& r, const form::Form& f, const form::Values& values,
                        logs::service::CheckCache& cache) {
  logs::service::SaveResult res = logs::service::check(c, *r.user, f, values, {}, r.today, &cache);
  std::vector<std::string> lines;
  for (auto& e : res.errors)
    if (!contains(lines, e.message)) lines.push_back(e.message);
  if (!res.outcome.values.empty()) {
    logs::Flow fl(f, res.outcome, res.context);
    for (const form::Question* q : logs::unanswered_questions(fl)) {
      std::string m = q->type == form::QType::Interruption ? "Not yet confirmed: " + q->label() : q->unanswered_error();
      if (!contains(lines, m)) lines.push_back(m);
    }
  }
  std::string out;
  for (auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace

bool is_download_spec_path(const std::string& path) { return path.ends_with("-download.json"); }

std::vector<std::string> lint_download_spec(const form::Form& f, const json& spec) {
  std::vector<std::string> problems;
  static const std::set<std::string> known = {"note", "metadata", "exclude", "expand", "non_support_expand", "rename", "move_before",
                                              "support_address_block", "trailing", "support_only", "support_exclude", "support_headers",
                                              "support_upper_case", "columns_from", "date_parts", "postcode_parts", "always_codes",
                                              "yes_or_blank", "blank", "definitions"};
  if (!spec.is_object()) return {"`download` must be an object"};
  for (auto& [k, v] : spec.items())
    if (!known.count(k)) problems.push_back("unknown key `" + k + "`");
  std::set<std::string> questions;
  for (auto& p : f.pages)
    for (auto& q : p.questions) questions.insert(q.id);
  for (const char* key : {"exclude"})
    for (auto& id : strings(spec, key))
      if (!questions.count(id)) problems.push_back(std::string(key) + ": `" + id + "` is not a question of the form");
  for (const char* key : {"expand", "non_support_expand"})
    if (spec.contains(key))
      for (auto& [id, v] : spec[key].items())
        if (!questions.count(id)) problems.push_back(std::string(key) + ": `" + id + "` is not a question of the form");
  std::set<std::string> worked_out;
  for (const char* key : {"columns_from", "date_parts", "postcode_parts"})
    if (spec.contains(key))
      for (auto& [col, v] : spec[key].items()) {
        worked_out.insert(col);
        std::string a = v.value("attribute", "");
        if (f.slot(a) < 0) problems.push_back(std::string(key) + ": `" + col + "` comes from `" + a + "`, which is not an attribute of the form");
        if (v.contains("when") && f.slot(v["when"].value("attribute", "")) < 0)
          problems.push_back(std::string(key) + ": `" + col + "`'s `when` names no attribute of the form");
      }
  std::vector<std::string> blank = strings(spec, "blank");
  for (bool support : {true, false}) {
    std::set<std::string> seen;
    for (auto& col : csv_columns(f, spec, support)) {
      if (!seen.insert(col.header).second) problems.push_back("the column `" + col.header + "` appears twice");
      const std::string& n = col.name;
      bool ok = metadata_names().count(n) || f.slot(n) >= 0 || worked_out.count(n) || contains(blank, n) ||
                ((n.rfind("scheme_", 0) == 0 || n == "SCHTYPE") && f.slot("scheme_id") >= 0) ||
                (n.rfind("location_", 0) == 0 && f.slot("location_id") >= 0);
      if (!ok) problems.push_back("the column `" + n + "` is not metadata, an attribute of the form or worked out: list it in `blank` if the form has no such answer");
    }
  }
  return problems;
}

int64_t write_csv(db::Connection& c, const CsvRequest& r, const Sink& write, db::Connection* reader) {
  auto form = form::get(r.type, r.year);
  const json& spec = download_spec(r.type, r.year);
  bool support = r.support;
  bool codes = support && r.codes;
  std::vector<Column> columns = csv_columns(*form, spec, support);
  if (r.with_errors) {
    if (!r.user) throw std::runtime_error("A download of logs with errors is checked as a user.");
    columns.push_back({"errors", "errors", "What is still missing or wrong on the log"});
  }
  std::vector<Cell> cells;
  for (auto& col : columns) cells.push_back(plan_cell(*form, spec, col, codes));

  write("\xEF\xBB\xBF");
  std::vector<std::string> row;
  for (auto& col : columns) row.push_back(col.definition);
  write(util::csv_row(row));
  row.clear();
  for (auto& col : columns) row.push_back(col.header);
  write(util::csv_row(row));

  Records records{c, {}, {}};
  logs::service::CheckCache cache;
  int scheme_slot = form->slot("scheme_id"), location_slot = form->slot("location_id");
  int64_t n = 0;
  std::string line;  // one row, built in place (reused: its capacity stays)
  auto put = [&](const std::string& cell) { util::append_csv_cell(line, cell); };
  auto format = [&](const logs::store::LogWithPeople& x) {
    // A log whose answers cannot be read is written with its metadata only (and counted).
    form::Values values = form::try_values_from_text(*form, x.log.answers).value_or(form::Values(form->size()));
    std::optional<int64_t> scheme_id, location_id;
    if (scheme_slot >= 0 && values[size_t(scheme_slot)].is_int()) scheme_id = values[size_t(scheme_slot)].as_int();
    if (location_slot >= 0 && values[size_t(location_slot)].is_int()) location_id = values[size_t(location_slot)].as_int();
    line.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      const Cell& cell = cells[i];
      if (i) line += ',';
      switch (cell.source) {
        case Source::Metadata: put(metadata_text(cell, x, r.year)); break;
        case Source::Attribute:
          if (cell.when_slot >= 0 && !values[size_t(cell.when_slot)].equals(cell.when_value)) put("");
          else put(attribute_text(*form, cell, values[size_t(cell.slot)]));
          break;
        case Source::Scheme: {
          const schemes::Scheme* s = scheme_id ? records.scheme(*scheme_id) : nullptr;
          put(s ? scheme_text(cell, *s) : "");
          break;
        }
        case Source::Location: {
          const schemes::Location* l = scheme_id && location_id ? records.location(*scheme_id, *location_id) : nullptr;
          put(l ? location_text(*form, cell, *l) : "");
          break;
        }
        case Source::Blank:
          put(columns[i].name == "errors" && r.with_errors ? errors_text(c, r, *form, values, cache) : "");
          break;
      }
    }
    line += "\r\n";
    write(line);
    ++n;
  };
  if (!reader) {
    logs::store::each_log(c, download_filter(r), format);
    return n;
  }
  pipelined([&](const LogFn& fn) { logs::store::each_log(*reader, download_filter(r), fn); }, format);
  return n;
}

int64_t count_csv(db::Connection& c, const CsvRequest& r) {
  int64_t n = 0;
  for (auto& [status, count] : logs::store::count_by_status(c, download_filter(r))) n += count;
  return n;
}

std::string csv_filename(const std::string& type, int year, const std::string& organisation_name, const std::string& now_iso) {
  // Letters, digits and hyphens only: safe in a header and on any file system.
  auto safe = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (ok) out += ch;
      else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
  };
  std::string yy = std::to_string((year + 1) % 100);
  if (yy.size() < 2) yy = "0" + yy;
  std::string name = safe(type) + "-logs-" + std::to_string(year) + "-" + yy;
  if (std::string org = safe(organisation_name); !org.empty()) name += "-" + org;
  if (std::string at = safe(now_iso); !at.empty()) name += "-" + at;
  return name + ".csv";
}

}  // namespace core::exports

namespace core::exports {

std::string filter_json(const logs::store::Filter& f) {
  json j = {{"type", f.type},         {"all_organisations", f.all_organisations}, {"organisation_id", f.organisation_id},
            {"years", f.years},       {"categories", f.categories},               {"statuses", f.statuses},
            {"search", f.search},     {"from_bulk_upload", f.from_bulk_upload}};
  auto opt = [&](const char* k, const std::optional<int64_t>& v) { j[k] = v ? json(*v) : json(); };
  opt("assigned_to_id", f.assigned_to_id);
  opt("owned_by", f.owned_by);
  opt("managed_by", f.managed_by);
  opt("bulk_upload_id", f.bulk_upload_id);
  return j.dump();
}

std::optional<logs::store::Filter> filter_from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    logs::store::Filter f;
    f.type = j.at("type").get<std::string>();
    f.all_organisations = j.at("all_organisations").get<bool>();
    f.organisation_id = j.at("organisation_id").get<int64_t>();
    f.years = j.at("years").get<std::vector<int>>();
    f.categories = j.at("categories").get<std::vector<int>>();
    f.statuses = j.at("statuses").get<std::vector<std::string>>();
    f.search = j.at("search").get<std::string>();
    f.from_bulk_upload = j.at("from_bulk_upload").get<bool>();
    auto opt = [&](const char* k) -> std::optional<int64_t> {
      if (!j.contains(k) || j[k].is_null()) return std::nullopt;
      return j[k].get<int64_t>();
    };
    f.assigned_to_id = opt("assigned_to_id");
    f.owned_by = opt("owned_by");
    f.managed_by = opt("managed_by");
    f.bulk_upload_id = opt("bulk_upload_id");
    return f;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace core::exports
