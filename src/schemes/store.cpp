#include "schemes/store.h"

#include "util/time.h"

namespace core::schemes::store {
using db::Null;
using db::Params;
using db::Row;
using db::Value;

namespace {

Value text_or_null(const std::string& s) { return db::null_if_empty(s); }
Value date_or_null(const std::optional<util::Date>& d) { return d ? Value{d->iso()} : Value{Null{}}; }
std::optional<util::Date> date_of(const Row& r, const std::string& col) {
  auto v = r.opt_str(col);
  return v ? util::parse_iso_date(*v) : std::nullopt;
}

std::vector<Period> periods(Connection& c, const std::string& kind, int64_t id) {
  std::vector<Period> out;
  std::string sql = kind == "scheme"
                        ? "SELECT deactivation_date, reactivation_date FROM scheme_deactivation_periods WHERE scheme_id = ? ORDER BY deactivation_date"
                        : "SELECT deactivation_date, reactivation_date FROM location_deactivation_periods WHERE location_id = ? ORDER BY deactivation_date";
  for (auto& r : c.query(sql, {id})) {
    auto d = util::parse_iso_date(r.str(0));
    if (d) out.push_back(Period{*d, date_of(r, "reactivation_date")});
  }
  return out;
}

const char* kSchemeColumns =
    "s.id, s.owning_organisation_id, o.name AS owner_name, s.service_name, s.sensitive, s.scheme_type, "
    "s.registered_under_care_act, s.arrangement_type, s.primary_client_group, s.has_other_client_group, "
    "s.secondary_client_group, s.support_type, s.intended_stay, s.startdate, s.confirmed, s.created_at, "
    "(SELECT COUNT(*) FROM locations l WHERE l.scheme_id = s.id AND l.confirmed = 1) AS confirmed_locations";

Scheme scheme_from(Connection& c, const Row& r) {
  Scheme s;
  s.id = r.i64("id");
  s.owning_organisation_id = r.i64("owning_organisation_id");
  s.owning_organisation_name = r.str("owner_name");
  s.service_name = r.str("service_name");
  s.sensitive = r.boolean("sensitive");
  s.scheme_type = r.str("scheme_type");
  s.registered_under_care_act = r.str("registered_under_care_act");
  s.arrangement_type = r.str("arrangement_type");
  s.primary_client_group = r.str("primary_client_group");
  if (!r.is_null("has_other_client_group")) s.has_other_client_group = r.boolean("has_other_client_group");
  s.secondary_client_group = r.str("secondary_client_group");
  s.support_type = r.str("support_type");
  s.intended_stay = r.str("intended_stay");
  s.startdate = date_of(r, "startdate");
  s.confirmed = r.boolean("confirmed");
  s.created_at = r.str("created_at");
  s.confirmed_locations = r.i64("confirmed_locations");
  s.periods = periods(c, "scheme", s.id);
  return s;
}

Location location_from(Connection& c, const Row& r) {
  Location l;
  l.id = r.i64("id");
  l.scheme_id = r.i64("scheme_id");
  l.postcode = r.str("postcode");
  l.location_code = r.str("location_code");
  l.name = r.str("name");
  l.units = r.opt_i64("units");
  l.type_of_unit = r.str("type_of_unit");
  l.mobility_type = r.str("mobility_type");
  l.startdate = date_of(r, "startdate");
  l.confirmed = r.boolean("confirmed");
  l.created_at = r.str("created_at");
  l.periods = periods(c, "location", l.id);
  return l;
}

Params scheme_params(const Scheme& s) {
  return {s.owning_organisation_id,
          s.service_name,
          static_cast<int64_t>(s.sensitive ? 1 : 0),
          text_or_null(s.scheme_type),
          text_or_null(s.registered_under_care_act),
          text_or_null(s.arrangement_type),
          text_or_null(s.primary_client_group),
          s.has_other_client_group ? Value{static_cast<int64_t>(*s.has_other_client_group ? 1 : 0)} : Value{Null{}},
          text_or_null(s.secondary_client_group),
          text_or_null(s.support_type),
          text_or_null(s.intended_stay),
          date_or_null(s.startdate),
          static_cast<int64_t>(s.confirmed ? 1 : 0)};
}

Params location_params(const Location& l) {
  return {text_or_null(l.postcode), text_or_null(l.location_code), text_or_null(l.name), db::opt(l.units),
          text_or_null(l.type_of_unit), text_or_null(l.mobility_type), date_or_null(l.startdate),
          static_cast<int64_t>(l.confirmed ? 1 : 0)};
}

}  // namespace

std::optional<Scheme> find_scheme(Connection& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kSchemeColumns +
                           " FROM schemes s JOIN organisations o ON o.id = s.owning_organisation_id WHERE s.id = ?",
                       {id});
  if (!r) return std::nullopt;
  return scheme_from(c, *r);
}

namespace {
// The schemes of `owners` (every scheme with all_orgs): " FROM ... WHERE ..." and its parameters;
// nullopt when there are none to see.
std::optional<std::string> visible_from(const std::vector<int64_t>& owners, bool all_orgs, Params& p) {
  std::string from = " FROM schemes s JOIN organisations o ON o.id = s.owning_organisation_id WHERE 1 = 1";
  if (all_orgs) return from;
  if (owners.empty()) return std::nullopt;
  from += " AND s.owning_organisation_id IN (";
  for (size_t i = 0; i < owners.size(); ++i) {
    from += i ? ", ?" : "?";
    p.push_back(owners[i]);
  }
  return from + ")";
}
}  // namespace

std::vector<Scheme> list_schemes(Connection& c, const std::vector<int64_t>& owners, bool all_orgs,
                                 const std::string& search) {
  Params p;
  auto visible = visible_from(owners, all_orgs, p);
  if (!visible) return {};
  std::string where = *visible;
  if (!search.empty()) {
    std::string s = search;
    if ((s[0] == 'S' || s[0] == 's') && s.size() > 1 && s.find_first_not_of("0123456789", 1) == std::string::npos)
      s = s.substr(1);  // "S12" is a scheme code
    where += " AND (lower(s.service_name) LIKE ? ESCAPE '\\' OR CAST(s.id AS TEXT) = ?)";
    p.push_back(db::like_contains(search));
    p.push_back(s);
  }
  std::vector<Scheme> out;
  for (auto& r : c.query(std::string("SELECT ") + kSchemeColumns + where + " ORDER BY lower(s.service_name), s.id", p))
    out.push_back(scheme_from(c, r));
  return out;
}

int64_t count_incomplete_schemes(Connection& c, const std::vector<int64_t>& owners, bool all_orgs) {
  Params p;
  auto visible = visible_from(owners, all_orgs, p);
  if (!visible) return 0;
  // Incomplete as scheme_status has it: not confirmed, or without a confirmed location.
  auto r = c.query_one("SELECT COUNT(*)" + *visible +
                           " AND (s.confirmed = 0 OR NOT EXISTS (SELECT 1 FROM locations l WHERE l.scheme_id = s.id AND l.confirmed = 1))",
                       p);
  return r ? r->i64(0) : 0;
}

int64_t create_scheme(Connection& c, const Scheme& s) {
  Params p = scheme_params(s);
  std::string now = util::now_iso();
  p.push_back(now);
  p.push_back(now);
  return c.insert(
      "INSERT INTO schemes (owning_organisation_id, service_name, sensitive, scheme_type, registered_under_care_act, "
      "arrangement_type, primary_client_group, has_other_client_group, secondary_client_group, support_type, "
      "intended_stay, startdate, confirmed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      p);
}

void update_scheme(Connection& c, const Scheme& s) {
  Params p = scheme_params(s);
  p.push_back(util::now_iso());
  p.push_back(s.id);
  c.exec(
      "UPDATE schemes SET owning_organisation_id = ?, service_name = ?, sensitive = ?, scheme_type = ?, "
      "registered_under_care_act = ?, arrangement_type = ?, primary_client_group = ?, has_other_client_group = ?, "
      "secondary_client_group = ?, support_type = ?, intended_stay = ?, startdate = ?, confirmed = ?, updated_at = ? "
      "WHERE id = ?",
      p);
}

std::optional<Location> find_location(Connection& c, int64_t scheme_id, int64_t location_id) {
  auto r = c.query_one("SELECT * FROM locations WHERE id = ? AND scheme_id = ?", {location_id, scheme_id});
  if (!r) return std::nullopt;
  return location_from(c, *r);
}

std::vector<Location> list_locations(Connection& c, int64_t scheme_id) {
  std::vector<Location> out;
  for (auto& r : c.query("SELECT * FROM locations WHERE scheme_id = ? ORDER BY id", {scheme_id}))
    out.push_back(location_from(c, r));
  return out;
}

int64_t create_location(Connection& c, const Location& l) {
  Params p{l.scheme_id};
  for (auto& v : location_params(l)) p.push_back(v);
  std::string now = util::now_iso();
  p.push_back(now);
  p.push_back(now);
  return c.insert(
      "INSERT INTO locations (scheme_id, postcode, location_code, name, units, type_of_unit, mobility_type, startdate, "
      "confirmed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      p);
}

void update_location(Connection& c, const Location& l) {
  Params p = location_params(l);
  p.push_back(util::now_iso());
  p.push_back(l.id);
  p.push_back(l.scheme_id);
  c.exec(
      "UPDATE locations SET postcode = ?, location_code = ?, name = ?, units = ?, type_of_unit = ?, mobility_type = ?, "
      "startdate = ?, confirmed = ?, updated_at = ? WHERE id = ? AND scheme_id = ?",
      p);
}

void add_deactivation(Connection& c, const std::string& kind, int64_t id, const util::Date& date) {
  c.exec(kind == "scheme"
             ? "INSERT INTO scheme_deactivation_periods (scheme_id, deactivation_date, created_at) VALUES (?, ?, ?)"
             : "INSERT INTO location_deactivation_periods (location_id, deactivation_date, created_at) VALUES (?, ?, ?)",
         {id, date.iso(), util::now_iso()});
}

bool set_reactivation(Connection& c, const std::string& kind, int64_t id, const util::Date& date) {
  return c.exec(kind == "scheme"
                    ? "UPDATE scheme_deactivation_periods SET reactivation_date = ? WHERE scheme_id = ? AND reactivation_date IS NULL"
                    : "UPDATE location_deactivation_periods SET reactivation_date = ? WHERE location_id = ? AND reactivation_date IS NULL",
                {date.iso(), id}) > 0;
}

}  // namespace core::schemes::store
