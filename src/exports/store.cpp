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

}  // namespace core::exports::store
