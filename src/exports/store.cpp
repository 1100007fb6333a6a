#include "exports/store.h"

#include "util/time.h"

namespace core::exports::store {

using db::Params;
using db::Value;

namespace {
const char* kColumns =
    "id, user_id, organisation_id, log_type, year, codes, with_errors, filters, filename, state, rows_count, job_id, created_at, expires_at";
Download from_row(const db::Row& r) {
  Download d;
  d.id = r.i64("id");
  d.user_id = r.i64("user_id");
  d.organisation_id = r.i64("organisation_id");
  d.type = r.str("log_type");
  d.year = int(r.i64("year"));
  d.codes = r.i64("codes") != 0;
  d.with_errors = r.i64("with_errors") != 0;
  d.filters = r.str("filters");
  d.filename = r.str("filename");
  d.state = r.str("state");
  d.rows = r.i64("rows_count");
  d.job_id = r.opt_i64("job_id");
  d.created_at = r.str("created_at");
  d.expires_at = r.opt_str("expires_at");
  return d;
}
}  // namespace

int64_t create(db::Connection& c, const Download& d) {
  return c.insert(
      "INSERT INTO csv_downloads (user_id, organisation_id, log_type, year, codes, with_errors, filters, filename, state, rows_count, "
      "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {d.user_id, d.organisation_id, d.type, int64_t(d.year), int64_t(d.codes), int64_t(d.with_errors), d.filters, d.filename, d.state,
       d.rows, d.created_at.empty() ? util::now_iso() : d.created_at, d.expires_at ? Value(*d.expires_at) : Value()});
}

std::optional<Download> find(db::Connection& c, int64_t id) {
  auto r = c.query_one(std::string("SELECT ") + kColumns + " FROM csv_downloads WHERE id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r);
}

void set_job(db::Connection& c, int64_t id, int64_t job_id) {
  c.exec("UPDATE csv_downloads SET job_id = ? WHERE id = ?", {job_id, id});
}

void set_state(db::Connection& c, int64_t id, const std::string& state, int64_t rows) {
  c.exec("UPDATE csv_downloads SET state = ?, rows_count = ? WHERE id = ?", {state, rows, id});
}

void clear_parts(db::Connection& c, int64_t id) { c.exec("DELETE FROM csv_download_parts WHERE download_id = ?", {id}); }

void add_part(db::Connection& c, int64_t id, int part, std::string_view content) {
  c.exec("INSERT INTO csv_download_parts (download_id, part, content) VALUES (?, ?, ?)", {id, int64_t(part), std::string(content)});
}

void each_part(db::Connection& c, int64_t id, const std::function<void(std::string_view)>& fn) {
  // One part (about 1 MB) a statement: a cursor would fetch many at once.
  for (int64_t part = 0;; ++part) {
    auto r = c.query_one("SELECT content FROM csv_download_parts WHERE download_id = ? AND part = ?", {id, part});
    if (!r) break;
    fn(r->str(0));
  }
}

int64_t count_for_user(db::Connection& c, int64_t user_id) {
  return c.query_one("SELECT COUNT(*) FROM csv_downloads WHERE user_id = ?", {user_id})->i64(0);
}

namespace {
CdsExport cds_from_row(const db::Row& r) {
  CdsExport e;
  e.id = r.i64("id");
  e.collection = r.str("collection");
  e.year = int(r.i64("year"));
  e.base_number = int(r.i64("base_number"));
  e.increment_number = int(r.i64("increment_number"));
  e.full = r.i64("full_export") != 0;
  e.empty = r.i64("empty_export") != 0;
  e.records = r.i64("records");
  e.archive = r.opt_str("archive");
  e.run_started_at = r.str("run_started_at");
  e.created_at = r.str("created_at");
  return e;
}
const char* kCdsColumns =
    "id, collection, year, base_number, increment_number, full_export, empty_export, records, archive, run_started_at, created_at";
}  // namespace

void add_cds_export(db::Connection& c, const CdsExport& e) {
  c.insert(
      "INSERT INTO cds_exports (collection, year, base_number, increment_number, full_export, empty_export, records, archive, "
      "run_started_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {e.collection, int64_t(e.year), int64_t(e.base_number), int64_t(e.increment_number), int64_t(e.full), int64_t(e.empty), e.records,
       e.archive ? Value(*e.archive) : Value(), e.run_started_at, e.created_at.empty() ? util::now_iso() : e.created_at});
}

std::optional<CdsExport> last_cds_export(db::Connection& c, const std::string& collection, int year) {
  auto r = c.query_one(std::string("SELECT ") + kCdsColumns +
                           " FROM cds_exports WHERE collection = ? AND year = ? ORDER BY run_started_at DESC, id DESC LIMIT 1",
                       {collection, int64_t(year)});
  if (!r) return std::nullopt;
  return cds_from_row(*r);
}

std::optional<std::pair<int, int>> last_cds_numbers(db::Connection& c, const std::string& collection, int year) {
  auto r = c.query_one("SELECT base_number, increment_number FROM cds_exports WHERE collection = ? AND year = ? AND empty_export = 0 "
                       "ORDER BY base_number DESC, increment_number DESC LIMIT 1",
                       {collection, int64_t(year)});
  if (!r) return std::nullopt;
  return std::make_pair(int(r->i64(0)), int(r->i64(1)));
}

bool any_cds_export(db::Connection& c) { return c.query_one("SELECT 1 FROM cds_exports LIMIT 1").has_value(); }

int64_t cds_runs_since(db::Connection& c, const std::string& since) {
  return c.query_one("SELECT COUNT(DISTINCT run_started_at) FROM cds_exports WHERE created_at >= ?", {since})->i64(0);
}

std::vector<CdsExport> cds_exports(db::Connection& c) {
  std::vector<CdsExport> out;
  for (auto& r : c.query(std::string("SELECT ") + kCdsColumns + " FROM cds_exports ORDER BY id")) out.push_back(cds_from_row(r));
  return out;
}

void each_export_user(db::Connection& c, const std::optional<std::string>& since, const std::string& until,
                      const std::function<void(const db::Row&)>& fn) {
  std::string sql =
      "SELECT u.id, u.email, u.name, u.phone, u.organisation_id, o.name AS organisation_name, u.role, u.is_dpo, u.is_key_contact, "
      "u.active, u.sign_in_count, u.last_sign_in_at FROM users u JOIN organisations o ON o.id = u.organisation_id ";
  Params p;
  if (since) {
    sql += "WHERE (u.updated_at >= ? AND u.updated_at < ?) OR (o.updated_at >= ? AND o.updated_at < ?) ";
    p = {*since, until, *since, until};
  }
  c.each(sql + "ORDER BY u.id", p, fn);
}

void each_export_organisation(db::Connection& c, const std::optional<std::string>& since, const std::string& until,
                              const std::function<void(const db::Row&)>& fn) {
  std::string sql =
      "SELECT o.id, o.name, o.phone, o.provider_type, o.address_line1, o.address_line2, o.postcode, o.holds_own_stock, "
      "o.housing_registration_no, o.active, d.signed_at AS dsa_signed_at, "
      "(SELECT MIN(u.email) FROM users u WHERE u.organisation_id = o.id AND u.is_dpo = 1 AND u.active = 1) AS dpo_email "
      "FROM organisations o LEFT JOIN data_protection_confirmations d ON d.organisation_id = o.id AND d.confirmed = 1 ";
  Params p;
  if (since) {
    sql += "WHERE (o.updated_at >= ? AND o.updated_at < ?) OR o.id IN (SELECT organisation_id FROM users WHERE is_dpo = 1 AND "
           "updated_at >= ? AND updated_at < ?) ";
    p = {*since, until, *since, until};
  }
  c.each(sql + "ORDER BY o.id", p, fn);
}

int64_t preparing_for_user(db::Connection& c, int64_t user_id) {
  return c.query_one("SELECT COUNT(*) FROM csv_downloads WHERE user_id = ? AND state IN ('queued', 'writing')", {user_id})->i64(0);
}

int64_t purge_expired_parts(db::Connection& c, const std::string& now) {
  int64_t n = 0;
  c.transaction([&] {
    c.exec("DELETE FROM csv_download_parts WHERE download_id IN (SELECT id FROM csv_downloads WHERE expires_at IS NOT NULL AND expires_at < ?)",
           {now});
    n = c.exec("UPDATE csv_downloads SET state = 'expired' WHERE state = 'ready' AND expires_at IS NOT NULL AND expires_at < ?", {now});
  });
  return n;
}

std::map<int64_t, OrganisationFacts> organisation_facts(db::Connection& c) {
  std::map<int64_t, OrganisationFacts> out;
  for (auto& r : c.query("SELECT id, name, housing_registration_no, provider_type FROM organisations"))
    out[r.i64("id")] = {r.str("name"), r.str("housing_registration_no"), int(r.i64("provider_type"))};
  return out;
}

bool take_lease(db::Connection& c, const std::string& name, const std::string& holder, int seconds) {
  int64_t now = util::now_seconds();
  std::string now_iso = util::iso_from_seconds(now), until = util::iso_from_seconds(now + seconds);
  // One statement, so two servers racing for a free lease cannot both win it: the row's conflict
  // decides, and the update applies only when the lease ran out or is the caller's.
  return c.exec("INSERT INTO leases (name, holder, until_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "until_at = excluded.until_at WHERE leases.until_at < ? OR leases.holder = ?",
                {name, holder, until, now_iso, holder}) == 1;
}

void release_lease(db::Connection& c, const std::string& name, const std::string& holder) {
  c.exec("DELETE FROM leases WHERE name = ? AND holder = ?", {name, holder});
}

bool claim_schedule_run(db::Connection& c, const std::string& name, const std::string& due) {
  return c.exec("INSERT INTO schedule_runs (name, due, created_at) VALUES (?, ?, ?) ON CONFLICT (name, due) DO NOTHING",
                {name, due, util::now_iso()}) == 1;
}

void set_schedule_job(db::Connection& c, const std::string& name, const std::string& due, int64_t job_id) {
  c.exec("UPDATE schedule_runs SET job_id = ? WHERE name = ? AND due = ?", {job_id, name, due});
}

}  // namespace core::exports::store
