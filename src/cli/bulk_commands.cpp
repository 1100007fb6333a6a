#include "cli/bulk_commands.h"
#include "cli/options.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "accounts/store.h"
#include "bulk/generate.h"
#include "bulk/upload.h"
#include "bulk/workbook.h"
#include "db/database.h"
#include "form/registry.h"
#include "jobs/jobs.h"
#include "logs/kinds.h"
#include "logs/store.h"
#include "util/clock.h"
#include "util/dates.h"
#include "util/text.h"

namespace core::cli {

namespace {

bool known_type(const std::string& t) { return logs::kind_of(t) != nullptr; }

std::optional<int> year_of(const std::string& text) { return year_option(text); }

}  // namespace

int bulk_check(const std::string& type, const std::string& year_text, const std::string& file, const std::string& database_url,
               const std::string& as_email, const std::string& today_text) {
  if (!known_type(type) || year_text.empty() || file.empty() || (!as_email.empty() && database_url.empty())) {
    std::cerr << "usage: core bulk-upload check --type lettings|sales --year 2026 FILE [--database URL [--as EMAIL]] [--today YYYY-MM-DD]\n";
    return 2;
  }
  auto year = year_option(year_text);
  auto today_date = today_option(today_text);
  if (!year || !today_date) return 2;
  util::Date today = *today_date;
  try {
    form::template_spec(type, *year);
  } catch (const std::exception& e) {
    std::cerr << "core: there is no " << type << " bulk-upload template for " << *year << "\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "core: cannot read " << file << "\n";
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  bulk::Report r;
  if (!database_url.empty()) {
    db::Database db(database_url, 1);
    auto conn = db.acquire();
    std::optional<accounts::User> user;
    if (!as_email.empty()) {
      user = accounts::store::find_user_by_email(*conn, as_email);
      if (!user || !user->active) {
        std::cerr << "core: --as: there is no active user with the email " << as_email << "\n";
        return 2;
      }
    } else {
      // Without --as the references are looked up as support would see them: that they exist.
      user = accounts::User{};
      user->role = accounts::Role::Support;
    }
    r = bulk::check_file(&*conn, &*user, type, *year, bytes, today);
  } else {
    r = bulk::check_file(nullptr, nullptr, type, *year, bytes, today);
  }
  std::cout << r.to_json().dump(2) << "\n";
  return 0;
}

int bulk_generate(const std::string& type, const std::string& year_text, const std::string& rows, const std::string& errors_every,
                  const std::string& organisation, const std::string& email, const std::string& out) {
  auto year = year_of(year_text);
  auto n = util::parse_int64(rows);
  auto every = util::parse_int64(errors_every.empty() ? "10" : errors_every);
  auto org = util::parse_int64(organisation.empty() ? "1" : organisation);
  if (!known_type(type) || !year || !n || *n < 1 || *n > 1000000 || !every || *every < 0 || !org || out.empty()) {
    std::cerr << "usage: core bulk-upload generate --type lettings|sales --year 2026 --rows N [--errors-every K] "
                 "[--organisation ID] [--email EMAIL] --out FILE\n";
    return 2;
  }
  auto spec = form::template_spec(type, *year);
  bulk::GenerateOptions o;
  o.rows = int(*n);
  o.errors_every = int(*every);
  o.organisation_id = *org;
  o.email = email;
  std::string bytes = bulk::generate_csv(*spec, o);
  // An .xlsx name: the same rows as a workbook (every cell as text, as a spreadsheet export has them).
  if (out.size() > 5 && out.compare(out.size() - 5, 5, ".xlsx") == 0) {
    bulk::Limits limits;
    limits.max_data_rows = size_t(*n) + 100;
    auto rows = bulk::read_csv(bytes, limits);
    if (!rows.ok()) {
      std::cerr << "core: " << rows.error << "\n";
      return 1;
    }
    bytes = bulk::annotated_workbook(rows.rows, {}, "Template");
  }
  std::ofstream f(out, std::ios::binary);
  f << bytes;
  if (!f) {
    std::cerr << "core: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "wrote " << *n << " rows to " << out << "\n";
  return 0;
}

namespace {

// What submit and import share: the file, the user and the upload stored (its check queued).
struct Submitted {
  std::optional<accounts::User> user;
  int64_t id = 0;
  int rc = 0;
};

Submitted submit_file(db::Connection& c, const std::string& type, const std::string& year_text, const std::string& file,
                      const std::string& as_email, const std::string& organisation) {
  Submitted out;
  auto year = year_of(year_text);
  if (!known_type(type) || !year || file.empty() || as_email.empty()) {
    std::cerr << "usage: core bulk-upload submit|import --type lettings|sales --year 2026 FILE --as EMAIL [--organisation ID] [--database URL]\n";
    out.rc = 2;
    return out;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "core: cannot read " << file << "\n";
    out.rc = 1;
    return out;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out.user = accounts::store::find_user_by_email(c, as_email);
  if (!out.user || !out.user->active) {
    std::cerr << "core: --as: there is no active user with the email " << as_email << "\n";
    out.rc = 2;
    return out;
  }
  int64_t org = out.user->organisation_id;
  if (!organisation.empty()) {
    auto id = util::parse_id(organisation);
    if (!id) {
      std::cerr << "core: --organisation must be an organisation's id\n";
      out.rc = 2;
      return out;
    }
    org = *id;
  }
  auto submitted = bulk::submit(c, *out.user, {type, *year, org, std::filesystem::path(file).filename().string(), ss.str()});
  if (auto* why = std::get_if<std::string>(&submitted)) {
    std::cerr << "core: " << *why << "\n";
    out.rc = 1;
    return out;
  }
  out.id = std::get<int64_t>(submitted);
  return out;
}

}  // namespace

int bulk_submit(const std::string& type, const std::string& year, const std::string& file, const std::string& database_url,
                const std::string& as_email, const std::string& organisation) {
  db::Database db(database_url, 1);
  auto conn = db.acquire();
  auto s = submit_file(*conn, type, year, file, as_email, organisation);
  if (s.rc) return s.rc;
  std::cout << s.id << "\n";
  return 0;
}

int bulk_status(const std::string& id_text, const std::string& database_url) {
  auto id = util::parse_id(id_text);
  if (!id) {
    std::cerr << "usage: core bulk-upload status ID [--database URL]\n";
    return 2;
  }
  db::Database db(database_url, 1);
  auto conn = db.acquire();
  auto up = bulk::store::find(*conn, *id);
  if (!up) {
    std::cerr << "core: there is no upload " << *id << "\n";
    return 1;
  }
  logs::store::Filter f;
  f.type = up->type;
  f.all_organisations = true;
  f.bulk_upload_id = up->id;
  f.per_page = 1;
  int64_t in_db = logs::store::list(*conn, f).total;
  int64_t checked = 0;
  if (up->check_job_id)
    if (auto job = jobs::find(*conn, *up->check_job_id)) checked = job->progress;
  nlohmann::json out = {{"upload", up->id}, {"state", up->state}, {"rows", up->rows}, {"errors", up->errors}, {"rows_checked", checked},
                        {"logs_created", up->logs_created}, {"logs_in_database", in_db}};
  std::cout << out.dump() << "\n";
  return 0;
}

int bulk_import(const std::string& type, const std::string& year_text, const std::string& file, const std::string& database_url,
                const std::string& as_email, const std::string& organisation, bool fix_in_service) {
  db::Database db(database_url, 2);
  auto conn = db.acquire();
  auto s = submit_file(*conn, type, year_text, file, as_email, organisation);
  if (s.rc) return s.rc;
  auto user = s.user;
  int64_t id = s.id;
  util::Date today = util::system_clock().today();
  auto t0 = std::chrono::steady_clock::now();
  std::string checked = bulk::run_check(*conn, id, nullptr, "", {}, today);
  auto t1 = std::chrono::steady_clock::now();
  auto up = bulk::store::find(*conn, id);
  std::string created = "not created";
  if (up && up->state == "checked" && fix_in_service) {
    if (auto why = bulk::choose(*conn, *user, id, bulk::Choice::CreateAndFix)) created = *why;
  }
  up = bulk::store::find(*conn, id);
  if (up && up->state == "creating") created = bulk::run_create(*conn, id, today);
  auto t2 = std::chrono::steady_clock::now();
  up = bulk::store::find(*conn, id);
  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  nlohmann::json out = {{"upload", id},           {"state", up ? up->state : ""}, {"rows", up ? up->rows : 0},
                        {"errors", up ? up->errors : 0}, {"logs_created", up ? up->logs_created : 0}, {"check", checked},
                        {"create", created},      {"check_seconds", seconds(t0, t1)}, {"create_seconds", seconds(t1, t2)}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace core::cli
