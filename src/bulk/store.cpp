#include "bulk/store.h"

#include <sstream>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include "util/time.h"

namespace core::bulk::store {

using db::opt;
using db::Params;
using db::Value;

namespace {

const char* kSelect =
    "SELECT b.id, b.log_type, b.year, b.organisation_id, b.user_id, b.filename, b.file_bytes, b.state, b.check_job_id, "
    "b.create_job_id, b.report, b.rows_count, b.logs_with_errors, b.errors_count, b.worst_category, b.failure, b.message, b.choice, "
    "b.logs_created, b.mapping, b.created_at, b.updated_at, o.name AS organisation_name, u.name AS user_name "
    "FROM bulk_uploads b LEFT JOIN organisations o ON o.id = b.organisation_id LEFT JOIN users u ON u.id = b.user_id ";

Upload from_row(const db::Row& r, bool with_report) {
  Upload u;
  u.id = r.i64("id");
  u.type = r.str("log_type");
  u.year = int(r.i64("year"));
  u.organisation_id = r.i64("organisation_id");
  u.user_id = r.i64("user_id");
  u.filename = r.str("filename");
  u.file_bytes = r.i64("file_bytes");
  u.state = r.str("state");
  u.check_job_id = r.opt_i64("check_job_id");
  u.create_job_id = r.opt_i64("create_job_id");
  if (with_report) u.report = r.opt_str("report");
  u.rows = r.i64("rows_count");
  u.logs_with_errors = r.i64("logs_with_errors");
  u.errors = r.i64("errors_count");
  u.worst_category = r.opt_str("worst_category");
  u.failure = r.opt_str("failure");
  u.message = r.opt_str("message");
  u.choice = r.opt_str("choice");
  u.logs_created = r.i64("logs_created");
  u.mapping = r.opt_str("mapping");
  u.created_at = r.str("created_at");
  u.updated_at = r.str("updated_at");
  u.organisation_name = r.str("organisation_name");
  u.user_name = r.str("user_name");
  return u;
}

std::string to_base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << bytes;
  enc.close();
  return out.str();
}

std::optional<std::string> from_base64(const std::string& text) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder dec(in);
    std::string out((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

int64_t create(db::Connection& c, const Upload& u, const std::string& bytes) {
  std::string now = util::now_iso();
  int64_t id = 0;
  c.transaction([&] {
    id = c.insert(
        "INSERT INTO bulk_uploads (log_type, year, organisation_id, user_id, filename, file_bytes, state, mapping, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {u.type, int64_t(u.year), u.organisation_id, u.user_id, u.filename, int64_t(bytes.size()), u.state.empty() ? "checking" : u.state,
         opt(u.mapping), now, now});
    c.exec("INSERT INTO bulk_upload_files (upload_id, content) VALUES (?, ?)", {id, to_base64(bytes)});
  });
  return id;
}

std::optional<Upload> find(db::Connection& c, int64_t id) {
  auto r = c.query_one(std::string(kSelect) + "WHERE b.id = ?", {id});
  if (!r) return std::nullopt;
  return from_row(*r, true);
}

std::optional<std::string> file(db::Connection& c, int64_t id) {
  auto r = c.query_one("SELECT content FROM bulk_upload_files WHERE upload_id = ?", {id});
  if (!r) return std::nullopt;
  return from_base64(r->str(0));
}

void set_check_job(db::Connection& c, int64_t id, int64_t job_id) {
  c.exec("UPDATE bulk_uploads SET check_job_id = ?, updated_at = ? WHERE id = ?", {job_id, util::now_iso(), id});
}

void set_mapping(db::Connection& c, int64_t id, const std::string& mapping) {
  c.exec("UPDATE bulk_uploads SET mapping = ?, state = 'checking', updated_at = ? WHERE id = ?", {mapping, util::now_iso(), id});
}

void set_mapping_draft(db::Connection& c, int64_t id, const std::string& mapping) {
  c.exec("UPDATE bulk_uploads SET mapping = ?, updated_at = ? WHERE id = ? AND state = 'mapping'", {db::null_if_empty(mapping), util::now_iso(), id});
}

void set_create_job(db::Connection& c, int64_t id, int64_t job_id, const std::string& choice) {
  c.exec("UPDATE bulk_uploads SET create_job_id = ?, choice = ?, state = 'creating', updated_at = ? WHERE id = ?",
         {job_id, choice, util::now_iso(), id});
}

void set_checked(db::Connection& c, int64_t id, const Checked& k) {
  c.exec("UPDATE bulk_uploads SET state = ?, report = ?, worst_category = ?, failure = ?, rows_count = ?, logs_with_errors = ?, "
         "errors_count = ?, updated_at = ? WHERE id = ?",
         {k.state, k.report, db::null_if_empty(k.worst_category), db::null_if_empty(k.failure), k.rows, k.logs_with_errors, k.errors,
          util::now_iso(), id});
}

bool set_created(db::Connection& c, int64_t id, int64_t logs_created) {
  return c.exec("UPDATE bulk_uploads SET state = 'created', logs_created = ?, message = NULL, updated_at = ? WHERE id = ? AND state = 'creating'",
                {logs_created, util::now_iso(), id}) == 1;
}

void set_waiting(db::Connection& c, int64_t id, const std::string& message) {
  c.exec("UPDATE bulk_uploads SET state = 'checked', message = ?, updated_at = ? WHERE id = ?", {message, util::now_iso(), id});
}

void set_failed(db::Connection& c, int64_t id, const std::string& failure) {
  c.exec("UPDATE bulk_uploads SET state = 'failed', failure = ?, updated_at = ? WHERE id = ?", {failure, util::now_iso(), id});
}

std::vector<Upload> list(db::Connection& c, const Filter& f) {
  std::string sql = std::string(kSelect) + "WHERE b.log_type = ?";
  Params p{f.type};
  if (f.organisation_id) {
    sql += " AND b.organisation_id = ?";
    p.push_back(*f.organisation_id);
  }
  if (f.user_id) {
    sql += " AND b.user_id = ?";
    p.push_back(*f.user_id);
  }
  sql += " ORDER BY b.id DESC LIMIT ?";
  p.push_back(int64_t(f.limit));
  std::vector<Upload> out;
  for (auto& r : c.query(sql, p)) out.push_back(from_row(r, false));
  return out;
}

std::optional<std::string> mapping(db::Connection& c, int64_t organisation_id, const std::string& type, int year) {
  auto r = c.query_one("SELECT mapping FROM column_mappings WHERE organisation_id = ? AND log_type = ? AND year = ?",
                       {organisation_id, type, int64_t(year)});
  if (!r) return std::nullopt;
  return r->str(0);
}

void save_mapping(db::Connection& c, int64_t organisation_id, const std::string& type, int year, const std::string& m, int64_t user_id) {
  c.exec("INSERT INTO column_mappings (organisation_id, log_type, year, mapping, updated_by_id, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
         "ON CONFLICT (organisation_id, log_type, year) DO UPDATE SET mapping = excluded.mapping, "
         "updated_by_id = excluded.updated_by_id, updated_at = excluded.updated_at",
         {organisation_id, type, int64_t(year), m, user_id, util::now_iso()});
}

}  // namespace core::bulk::store
