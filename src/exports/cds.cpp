#include "exports/cds.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "exports/csv_download.h"
#include "exports/pipeline.h"
#include "exports/values.h"
#include "form/gateway.h"
#include "form/registry.h"
#include "schemes/status.h"
#include "schemes/store.h"
#include "util/paths.h"
#include "util/text.h"
#include "util/time.h"
#include "util/zip_writer.h"

namespace core::exports::cds {

using nlohmann::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Where an element's value comes from, decided once per run.

// The log's own record, its organisations and users, its scheme and location.
enum class Meta {
  id, status_code, created_by, created_by_id, assigned_to, assigned_to_id, updated_by, updated_by_id, created_at, updated_at, deleted_at,
  creation_method_code, bulk_upload_id, duplicate_set_id, collection_year, owning_organisation_id, owning_organisation_name,
  owning_housing_registration_no, managing_organisation_id, managing_organisation_name, managing_housing_registration_no,
  owning_provider_type, scheme_id, scheme_confidential, scheme_primary_client_group, scheme_secondary_client_group, scheme_intended_stay,
  scheme_arrangement_type, scheme_registered_under_care_act, scheme_scheme_type, scheme_support_type, scheme_units, scheme_status,
  location_id, location_type_of_unit, location_units, location_status, location_mobility_type, count
};
const char* const kMetaNames[] = {
    "id", "status_code", "created_by", "created_by_id", "assigned_to", "assigned_to_id", "updated_by", "updated_by_id", "created_at",
    "updated_at", "deleted_at", "creation_method_code", "bulk_upload_id", "duplicate_set_id", "collection_year", "owning_organisation_id",
    "owning_organisation_name", "owning_housing_registration_no", "managing_organisation_id", "managing_organisation_name",
    "managing_housing_registration_no", "owning_provider_type", "scheme.id", "scheme.confidential", "scheme.primary_client_group",
    "scheme.secondary_client_group", "scheme.intended_stay", "scheme.arrangement_type", "scheme.registered_under_care_act",
    "scheme.scheme_type", "scheme.support_type", "scheme.units", "scheme.status", "location.id", "location.type_of_unit",
    "location.units", "location.status", "location.mobility_type"};
static_assert(sizeof(kMetaNames) / sizeof(kMetaNames[0]) == size_t(Meta::count));

std::optional<Meta> meta_named(const std::string& name) {
  for (size_t i = 0; i < size_t(Meta::count); ++i)
    if (name == kMetaNames[i]) return Meta(i);
  return std::nullopt;
}

enum class Source { Attribute, Meta, Blank };

struct Cond {
  int slot = -1;
  expr::Value equals;
  bool holds(const form::Values& v) const { return slot >= 0 && v[size_t(slot)].equals(equals); }
};

struct Element {
  std::string name;  // as written
  Source source = Source::Blank;
  int slot = -1;
  Meta meta = Meta::id;
  int64_t add = 0;
  DatePart part = DatePart::Whole;
  bool decimal = false, labels = false;
  OptionLabels option_labels;
  std::vector<std::pair<Cond, std::string>> overrides;
  std::optional<Cond> only_when, unless;  // the element is left out unless / when this holds
  std::optional<Cond> when;               // the element is empty unless this holds
};

std::string str(const json& j, const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }

Cond condition(const form::Form& f, const json& j) {
  Cond c;
  c.slot = f.slot(str(j, "attribute"));
  c.equals = expr::from_json(j.contains("equals") ? j["equals"] : json());
  return c;
}

// The elements of a description, in order; `problems` collects what does not resolve (lint), and
// an element that does not resolve is written blank.
std::vector<Element> plan(const form::Form& f, const json& spec, std::vector<std::string>* problems = nullptr) {
  std::vector<Element> out;
  bool upper = spec.value("upper_case", false);
  std::set<std::string> decimals;
  for (auto& d : spec.value("decimals", json::array()))
    if (d.is_string()) decimals.insert(d.get<std::string>());
  auto problem = [&](const std::string& p) {
    if (problems) problems->push_back(p);
  };
  for (auto& j : spec.value("elements", json::array())) {
    Element e;
    std::string attribute;
    if (j.is_string()) {
      attribute = j.get<std::string>();
      e.name = upper ? util::ascii_upper(attribute) : attribute;
      if (f.slot(attribute) < 0) problem("the element `" + e.name + "` names no attribute of the form: give it `meta`, `attribute` or `blank`");
    } else if (j.is_object()) {
      e.name = str(j, "element");
      if (e.name.empty()) {
        problem("an element without its `element` name");
        continue;
      }
      if (j.contains("blank")) {
        e.source = Source::Blank;
        if (str(j, "blank").empty()) problem("`" + e.name + "`: `blank` should say why the form has no such answer");
      } else if (j.contains("meta")) {
        auto m = meta_named(str(j, "meta"));
        if (!m) problem("`" + e.name + "`: `" + str(j, "meta") + "` is not something an export knows of a log");
        else {
          e.source = Source::Meta;
          e.meta = *m;
        }
      } else {
        attribute = j.contains("attribute") ? str(j, "attribute") : e.name;
        if (f.slot(attribute) < 0) problem("`" + e.name + "`: `" + attribute + "` is not an attribute of the form");
      }
      e.add = j.value("add", int64_t(0));
      std::string part = str(j, "part");
      e.part = date_part_named(part);
      if (!part.empty() && e.part == DatePart::Whole) problem("`" + e.name + "`: `part` is day, month or year");
      e.labels = str(j, "values") == "labels";
      for (const char* key : {"only_when", "unless", "when"})
        if (j.contains(key)) {
          Cond c = condition(f, j[key]);
          if (c.slot < 0) problem("`" + e.name + "`: its `" + key + "` names no attribute of the form");
          std::string k = key;
          (k == "only_when" ? e.only_when : k == "unless" ? e.unless : e.when) = c;
        }
      for (auto& o : j.value("override", json::array())) {
        Cond c = condition(f, o);
        if (c.slot < 0) problem("`" + e.name + "`: an `override` names no attribute of the form");
        e.overrides.emplace_back(c, str(o, "value"));
      }
    } else {
      problem("an element that is neither a name nor an object");
      continue;
    }
    if (!attribute.empty() && f.slot(attribute) >= 0) {
      e.source = Source::Attribute;
      e.slot = f.slot(attribute);
      e.decimal = decimals.count(attribute) > 0;
      if (e.labels) e.option_labels = option_labels(f, f.attributes[size_t(e.slot)]);  // LANAME: the name, not the code
    }
    out.push_back(std::move(e));
  }
  std::set<std::string> seen;
  for (auto& e : out)
    if (!seen.insert(e.name).second) problem("the element `" + e.name + "` appears twice");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values as text.

void append_escaped(std::string& out, std::string_view s) {
  for (char ch : s) {
    unsigned char u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default:
        // XML 1.0 allows no control characters but tab, newline and carriage return.
        if (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
        out += ch;
    }
  }
}

void append_element(std::string& out, const std::string& name, const std::string& value) {
  out += "    <";
  out += name;
  if (value.empty()) {
    out += "/>\n";
    return;
  }
  out += '>';
  append_escaped(out, value);
  out += "</";
  out += name;
  out += ">\n";
}

std::string number_text(double d, bool decimal) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", d);
  std::string s = buf;
  if (decimal && s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string time_text(const std::string& utc_iso) {
  int64_t s = util::seconds_from_iso(utc_iso);
  return s ? util::london_iso(s) : utc_iso;
}

std::string opt_text(const std::optional<int64_t>& v, int64_t add = 0) { return v ? std::to_string(*v + add) : ""; }

std::string attribute_text(const form::Form& f, const Element& e, const expr::Value& v) {
  if (v.null()) return "";
  const form::Attribute& a = f.attributes[size_t(e.slot)];
  if (a.kind == form::AttrKind::CheckboxOption) return v.truthy() ? "1" : "0";
  if (a.type == expr::Type::Bool || v.is_bool()) return v.truthy() ? "true" : "false";
  if (v.is_date() || a.type == expr::Type::Date) {
    auto d = date_of(v);
    if (!d) return v.text();
    return e.part == DatePart::Whole ? util::london_midnight_iso(d->y, d->m, d->d) : date_part_text(*d, e.part);
  }
  if (e.labels) {
    const std::string* label = e.option_labels.find(v);
    return label ? *label : v.text();
  }
  if (v.is_int()) return e.decimal ? std::to_string(v.as_int() + e.add) + ".0" : std::to_string(v.as_int() + e.add);
  if (v.is_number()) return number_text(v.as_number() + double(e.add), e.decimal);
  if (v.is_string()) return v.as_string();
  return v.text();
}

// The scheme and location a run's logs name, each read once; the organisations, read at the start.
struct Lookups {
  db::Connection& c;
  std::map<int64_t, store::OrganisationFacts> organisations;
  std::map<int64_t, std::optional<schemes::Scheme>> schemes;
  std::map<int64_t, int64_t> scheme_units;
  std::map<std::pair<int64_t, int64_t>, std::optional<schemes::Location>> locations;
  explicit Lookups(db::Connection& conn) : c(conn), organisations(store::organisation_facts(conn)) {}
  const store::OrganisationFacts* organisation(const std::optional<int64_t>& id) {
    if (!id) return nullptr;
    auto it = organisations.find(*id);
    return it == organisations.end() ? nullptr : &it->second;
  }
  const schemes::Scheme* scheme(int64_t id) {
    auto it = schemes.find(id);
    if (it == schemes.end()) {
      it = schemes.emplace(id, schemes::store::find_scheme(c, id)).first;
      int64_t units = 0;
      if (it->second)
        for (auto& l : schemes::store::list_locations(c, id)) units += l.units.value_or(0);
      scheme_units[id] = units;
    }
    return it->second ? &*it->second : nullptr;
  }
  const schemes::Location* location(int64_t scheme_id, int64_t id) {
    auto key = std::make_pair(scheme_id, id);
    auto it = locations.find(key);
    if (it == locations.end()) it = locations.emplace(key, schemes::store::find_location(c, scheme_id, id)).first;
    return it->second ? &*it->second : nullptr;
  }
};

// How a log is written: its form, the elements, the slots a scheme and a date are read from.
struct LogWriter {
  std::shared_ptr<const form::Form> form;
  std::vector<Element> elements;
  int year = 0;
  int scheme_slot = -1, location_slot = -1, date_slot = -1;
  LogWriter(const std::string& type, int y) : form(form::get(type, y)), year(y) {
    elements = plan(*form, companion_spec(type, y, "cds"));
    scheme_slot = form->slot("scheme_id");
    location_slot = form->slot("location_id");
    date_slot = form->slot(type == "sales" ? "saledate" : "startdate");
  }

  std::string meta_text(Lookups& look, const Element& e, const logs::store::LogWithPeople& x, const form::Values& values) const {
    const logs::store::Log& l = x.log;
    switch (e.meta) {
      case Meta::id: return std::to_string(l.id + e.add);
      case Meta::status_code:
        if (x.deleted_at) return "4";
        return l.status == "not_started" ? "0" : l.status == "in_progress" ? "1" : l.status == "completed" ? "2" : "";
      case Meta::created_by: return x.created_by_email;
      case Meta::created_by_id: return opt_text(l.created_by_id);
      case Meta::assigned_to: return x.assigned_to_email;
      case Meta::assigned_to_id: return opt_text(l.assigned_to_id);
      case Meta::updated_by: return x.updated_by_email;
      case Meta::updated_by_id: return opt_text(x.updated_by_id);
      case Meta::created_at: return time_text(l.created_at);
      case Meta::updated_at: return time_text(l.updated_at);
      case Meta::deleted_at: return x.deleted_at ? time_text(*x.deleted_at) : "";
      case Meta::creation_method_code: return l.creation_method == "bulk upload" ? "2" : "1";
      case Meta::bulk_upload_id: return opt_text(l.bulk_upload_id);
      case Meta::duplicate_set_id: return opt_text(l.duplicate_set_id);
      case Meta::collection_year: return std::to_string(l.collection_year.value_or(year));
      case Meta::owning_organisation_id: return opt_text(l.owning_organisation_id, e.add);
      case Meta::managing_organisation_id: return opt_text(l.managing_organisation_id, e.add);
      case Meta::owning_organisation_name: return l.owning_organisation_name;
      case Meta::managing_organisation_name: return l.managing_organisation_name;
      case Meta::owning_housing_registration_no: {
        auto* o = look.organisation(l.owning_organisation_id);
        return o ? o->housing_registration_no : "";
      }
      case Meta::managing_housing_registration_no: {
        auto* o = look.organisation(l.managing_organisation_id);
        return o ? o->housing_registration_no : "";
      }
      case Meta::owning_provider_type: {
        auto* o = look.organisation(l.owning_organisation_id);
        return o && o->provider_type ? std::to_string(o->provider_type) : "";
      }
      default: break;
    }
    // The scheme and its location.
    if (scheme_slot < 0 || !values[size_t(scheme_slot)].is_int()) return "";
    int64_t scheme_id = values[size_t(scheme_slot)].as_int();
    const schemes::Scheme* s = look.scheme(scheme_id);
    if (!s) return "";
    std::optional<util::Date> on;
    if (date_slot >= 0 && values[size_t(date_slot)].is_date()) on = values[size_t(date_slot)].as_date();
    switch (e.meta) {
      case Meta::scheme_id: return std::to_string(s->id);
      case Meta::scheme_confidential: return s->sensitive ? "1" : "";
      case Meta::scheme_primary_client_group: return s->primary_client_group;
      case Meta::scheme_secondary_client_group: return s->secondary_client_group;
      case Meta::scheme_intended_stay: return s->intended_stay;
      case Meta::scheme_arrangement_type: return s->arrangement_type;
      case Meta::scheme_registered_under_care_act: return s->registered_under_care_act;
      case Meta::scheme_scheme_type: return s->scheme_type;
      case Meta::scheme_support_type: return s->support_type;
      case Meta::scheme_units: return std::to_string(look.scheme_units[scheme_id]);
      case Meta::scheme_status: return on ? schemes::status_key(schemes::scheme_status(*s, *on)) : "";
      default: break;
    }
    if (location_slot < 0 || !values[size_t(location_slot)].is_int()) return "";
    const schemes::Location* loc = look.location(scheme_id, values[size_t(location_slot)].as_int());
    if (!loc) return "";
    switch (e.meta) {
      case Meta::location_id: return std::to_string(loc->id);
      case Meta::location_type_of_unit: return loc->type_of_unit;
      case Meta::location_units: return opt_text(loc->units);
      case Meta::location_mobility_type: return loc->mobility_type;
      case Meta::location_status: return on ? schemes::status_key(schemes::location_status(*loc, *s, *on)) : "";
      default: return "";
    }
  }

  void append(std::string& out, Lookups& look, const logs::store::LogWithPeople& x) const {
    // A log whose answers cannot be read is written with its own record only.
    form::Values values = form::try_values_from_text(*form, x.log.answers).value_or(form::Values(form->size()));
    out += "  <form>\n";
    for (const Element& e : elements) {
      if (e.only_when && !e.only_when->holds(values)) continue;
      if (e.unless && e.unless->holds(values)) continue;
      std::string text;
      const std::string* over = nullptr;
      for (auto& [cond, value] : e.overrides)
        if (cond.holds(values)) {
          over = &value;
          break;
        }
      if (over) text = *over;
      else if (e.when && !e.when->holds(values)) text.clear();
      else if (e.source == Source::Attribute) text = attribute_text(*form, e, values[size_t(e.slot)]);
      else if (e.source == Source::Meta) text = meta_text(look, e, x, values);
      append_element(out, e.name, text);
    }
    out += "  </form>\n";
  }
};

// ---------------------------------------------------------------------------------------------
// Users and organisations: elements fixed by the data store.

std::string role_name(int64_t role) { return role == 99 ? "support" : role == 2 ? "data_coordinator" : "data_provider"; }
std::string flag(const db::Row& r, const char* col) { return r.is_null(col) ? "" : (r.i64(col) != 0 ? "true" : "false"); }

void append_user(std::string& out, const db::Row& r) {
  out += "  <form>\n";
  append_element(out, "id", r.str("id"));
  append_element(out, "email", r.str("email"));
  append_element(out, "name", r.str("name"));
  append_element(out, "phone", r.str("phone"));
  append_element(out, "extension_number", "");
  append_element(out, "organisation_id", r.str("organisation_id"));
  append_element(out, "organisation_name", r.str("organisation_name"));
  append_element(out, "role", role_name(r.i64("role")));
  append_element(out, "is_dpo", flag(r, "is_dpo"));
  append_element(out, "is_key_contact", flag(r, "is_key_contact"));
  append_element(out, "active", flag(r, "active"));
  append_element(out, "sign_in_count", r.str("sign_in_count"));
  append_element(out, "last_sign_in_at", r.is_null("last_sign_in_at") ? "" : time_text(r.str("last_sign_in_at")));
  out += "  </form>\n";
}

void append_organisation(std::string& out, const db::Row& r) {
  bool la = r.i64("provider_type") == 1;
  out += "  <form>\n";
  append_element(out, "id", r.str("id"));
  append_element(out, "name", r.str("name"));
  append_element(out, "phone", r.str("phone"));
  append_element(out, "provider_type", r.str("provider_type"));
  append_element(out, "address_line1", r.str("address_line1"));
  append_element(out, "address_line2", r.str("address_line2"));
  append_element(out, "postcode", r.str("postcode"));
  append_element(out, "holds_own_stock", flag(r, "holds_own_stock"));
  append_element(out, "housing_registration_no", r.str("housing_registration_no"));
  append_element(out, "active", flag(r, "active"));
  for (const char* none : {"old_org_id", "old_visible_id", "merge_date", "absorbing_organisation_id", "available_from", "deleted_at"})
    append_element(out, none, "");
  append_element(out, "dsa_signed", r.is_null("dsa_signed_at") ? "false" : "true");
  append_element(out, "dsa_signed_at", r.is_null("dsa_signed_at") ? "" : time_text(r.str("dsa_signed_at")));
  append_element(out, "dpo_email", r.str("dpo_email"));
  append_element(out, "profit_status", la ? "3" : "");
  append_element(out, "group", "");
  append_element(out, "status", r.i64("active") != 0 ? "active" : "deactivated");
  out += "  </form>\n";
}

// ---------------------------------------------------------------------------------------------
// Archives.

const char* kXmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<forms>\n";
const char* kXmlTail = "</forms>\n";

// Writes records into an archive, a part at a time, flushing the text it builds every record.
class ArchiveWriter {
 public:
  ArchiveWriter(const std::filesystem::path& dir, std::string name, int per_part)
      : name_(std::move(name)), per_part_(per_part), zip_(dir / (name_ + ".zip")) {}
  std::string& record() { return buf_; }  // append one record's text, then call done()
  void done() {
    if (in_part_ == 0) {
      char part[16];
      std::snprintf(part, sizeof part, "_pt%03d.xml", ++parts_);
      zip_.begin_entry(name_ + part);
      zip_.write(kXmlHead);
    }
    zip_.write(buf_);
    buf_.clear();
    ++records_;
    if (++in_part_ == per_part_) end_part();
  }
  int64_t records() const { return records_; }
  void close() {
    if (in_part_) end_part();
    zip_.begin_entry("manifest.xml");
    zip_.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<report>\n  <form-data-summary>\n    <records>\n      <count-of-records>" +
               std::to_string(records_) + "</count-of-records>\n    </records>\n  </form-data-summary>\n</report>\n");
    zip_.end_entry();
    zip_.close();
  }

 private:
  void end_part() {
    zip_.write(kXmlTail);
    zip_.end_entry();
    in_part_ = 0;
  }
  std::string name_;
  int per_part_;
  util::ZipWriter zip_;
  std::string buf_;
  int parts_ = 0, in_part_ = 0;
  int64_t records_ = 0;
};

std::string two(int v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02d", v);
  return b;
}

// What one collection and year holds this run, and the numbers its archive gets.
struct Plan {
  std::string collection;
  int year = 0;
  int base = 1, increment = 1;
  std::optional<std::string> since;  // incremental: records changed since (the last run's start)
};

Plan numbering(db::Connection& c, const std::string& collection, int year, bool full, bool any_export) {
  Plan p;
  p.collection = collection;
  p.year = year;
  auto numbers = store::last_cds_numbers(c, collection, year);
  p.base = numbers ? numbers->first : 1;
  if (full) {
    if (any_export) ++p.base;
    p.increment = 1;
  } else {
    p.increment = numbers ? numbers->second + 1 : 1;
    if (auto last = store::last_cds_export(c, collection, year)) p.since = last->run_started_at;
  }
  return p;
}

}  // namespace

std::vector<int> years(const std::string& type) {
  std::vector<int> out;
  std::error_code ec;
  for (auto& dir : std::filesystem::directory_iterator(resource_root() / "forms", ec)) {
    std::string name = dir.path().filename().string();
    if (name.size() != 4) continue;
    auto y = util::parse_int64(name);
    if (y && std::filesystem::exists(dir.path() / (type + "-cds.json"))) out.push_back(int(*y));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string archive_name(const std::string& collection, int year, int base, int increment) {
  char numbers[32];
  std::snprintf(numbers, sizeof numbers, "_apr_mar_f%04d_inc%04d", base, increment);
  std::string prefix = collection == "lettings" ? "core" : collection == "sales" ? "core_sales" : collection;
  // Users and organisations carry fixed years, as the data store expects.
  int y = collection == "lettings" || collection == "sales" ? year : 2024;
  return prefix + "_" + std::to_string(y) + "_" + std::to_string(y + 1) + numbers;
}

std::string log_record(db::Connection& c, const std::string& type, int year, const logs::store::LogWithPeople& x) {
  LogWriter w(type, year);
  Lookups look(c);
  std::string out;
  w.append(out, look, x);
  return out;
}

bool is_cds_spec_path(const std::string& path) { return path.ends_with("-cds.json"); }

std::vector<std::string> lint_cds_spec(const form::Form& f, const json& spec) {
  std::vector<std::string> problems;
  static const std::set<std::string> known = {"note", "root_element", "record_element", "upper_case", "decimals", "elements"};
  if (!spec.is_object()) return {"`cds` must be an object"};
  for (auto& [k, v] : spec.items())
    if (!known.count(k)) problems.push_back("unknown key `" + k + "`");
  if (!spec.contains("elements") || !spec["elements"].is_array() || spec["elements"].empty()) problems.push_back("`elements` must list the elements");
  for (auto& d : spec.value("decimals", json::array()))
    if (!d.is_string() || f.slot(d.get<std::string>()) < 0) problems.push_back("decimals: `" + d.dump() + "` is not an attribute of the form");
  plan(f, spec, &problems);
  return problems;
}

Result run(db::Connection& c, const Options& o, db::Connection* reader) {
  static const std::vector<std::string> kAll = {"users", "organisations", "lettings", "sales"};
  if (!o.collection.empty() && std::find(kAll.begin(), kAll.end(), o.collection) == kAll.end())
    throw std::invalid_argument("There is no collection called \"" + o.collection + "\": choose lettings, sales, users or organisations.");
  // What to export: each collection, and each year of the kinds of log.
  std::vector<std::pair<std::string, int>> todo;
  for (auto& coll : kAll) {
    if (!o.collection.empty() && coll != o.collection) continue;
    if (coll == "users" || coll == "organisations") {
      todo.emplace_back(coll, 0);
      continue;
    }
    std::vector<int> ys = years(coll);
    if (o.year) {
      if (std::find(ys.begin(), ys.end(), *o.year) == ys.end()) {
        if (!o.collection.empty())
          throw std::invalid_argument("There is no " + coll + " export for " + std::to_string(*o.year) + ": the years are those with a form.");
        continue;
      }
      ys = {*o.year};
    }
    for (int y : ys) todo.emplace_back(coll, y);
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (!std::filesystem::is_directory(o.out)) throw std::runtime_error("Cannot write to " + o.out.string() + ": it is not a folder.");

  const std::string holder = o.holder.empty() ? "core" : o.holder;
  constexpr int kLeaseSeconds = 600;
  if (!store::take_lease(c, "cds_export", holder, kLeaseSeconds)) throw Busy("Another export to the data store is running; try again when it has finished.");
  struct Release {
    db::Connection& c;
    const std::string& holder;
    ~Release() {
      try {
        store::release_lease(c, "cds_export", holder);
      } catch (...) {
      }
    }
  } release{c, holder};

  int64_t start = util::now_seconds();
  const std::string started = util::iso_from_seconds(start);
  // The run's number today (in England): 1 + the runs already recorded since midnight.
  std::string today = util::london_iso(start).substr(0, 10);
  int64_t midnight = util::seconds_from_iso(today + "T00:00:00Z") - util::london_offset_seconds(start);
  int64_t run_number = store::cds_runs_since(c, util::iso_from_seconds(midnight)) + 1;
  bool any_export = store::any_cds_export(c);

  Result result;
  std::vector<store::CdsExport> runs;
  Lookups look(c);
  for (auto& [coll, year] : todo) {
    Plan p = numbering(c, coll, year, o.full, any_export);
    std::string name = archive_name(coll, year, p.base, p.increment);
    auto writer = std::make_unique<ArchiveWriter>(o.out, name, std::max(1, o.records_per_part));
    auto renew = [&] {
      if (writer->records() % 10000 == 0 && !store::take_lease(c, "cds_export", holder, kLeaseSeconds))
        throw Busy("The export lost its lease to another server; it stopped without recording this run.");
    };
    if (coll == "users" || coll == "organisations") {
      auto each = coll == "users" ? store::each_export_user : store::each_export_organisation;
      each(reader ? *reader : c, p.since, started, [&](const db::Row& r) {
        (coll == "users" ? append_user : append_organisation)(writer->record(), r);
        writer->done();
      });
    } else {
      LogWriter lw(coll, year);
      logs::store::ExportScope scope{coll, std::to_string(year) + "-04-01", std::to_string(year + 1) + "-04-01", p.since, started};
      auto handle = [&](const logs::store::LogWithPeople& x) {
        lw.append(writer->record(), look, x);
        writer->done();
        renew();
      };
      if (reader) pipelined([&](const LogFn& fn) { logs::store::each_export_log(*reader, scope, fn); }, handle);
      else logs::store::each_export_log(c, scope, handle);
    }
    store::CdsExport e;
    e.collection = coll;
    e.year = year;
    e.base_number = p.base;
    e.increment_number = p.increment;
    e.full = o.full;
    e.run_started_at = started;
    e.records = writer->records();
    if (writer->records() > 0) {
      writer->close();
      e.archive = name;
      result.archives.push_back({coll, year, name, writer->records()});
      result.records += writer->records();
    } else {
      e.empty = true;
      writer.reset();  // removes its partial file: no archive for nothing
      result.empty.push_back(coll + (year ? " " + std::to_string(year) : ""));
    }
    runs.push_back(e);
  }
  // The master manifest, then the run's records: a run that failed before here is not recorded,
  // and the next one starts from the same point.
  std::string date = today;
  std::replace(date.begin(), date.end(), '-', '_');
  char number[8];
  std::snprintf(number, sizeof number, "%04d", int(run_number));
  result.manifest = "Manifest_" + date + "_" + number + ".csv";
  {
    std::string at = util::london_iso(util::now_seconds());  // 2026-12-03T10:15:00+00:00
    std::string when = at.substr(0, 10) + " " + at.substr(11, 8) + " " + at.substr(19, 3) + at.substr(23, 2);
    std::string text = "zip-name,date-time zipped folder generated,zip-file-uri\n";
    for (auto& a : result.archives) text += a.name + "," + when + "," + a.name + ".zip\n";
    auto path = o.out / result.manifest;
    auto partial = path;
    partial += ".part";
    std::ofstream out(partial, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("Cannot write " + partial.string());
    std::filesystem::rename(partial, path);
  }
  c.transaction([&] {
    for (auto& e : runs) store::add_cds_export(c, e);
  });
  return result;
}

}  // namespace core::exports::cds
