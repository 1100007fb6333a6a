#include "cli/bulk_commands.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "accounts/store.h"
#include "bulk/generate.h"
#include "bulk/upload.h"
#include "db/database.h"
#include "form/registry.h"
#include "util/clock.h"
#include "util/dates.h"
#include "util/text.h"

namespace core::cli {

namespace {

bool known_type(const std::string& t) { return t == "lettings" || t == "sales"; }

std::optional<int> year_of(const std::string& text) {
  auto y = util::parse_int64(text);
  if (!y || *y < 2000 || *y > 2200) return std::nullopt;
  return int(*y);
}

}  // namespace

int bulk_check(const std::string& type, const std::string& year_text, const std::string& file, const std::string& database_url,
               const std::string& as_email, const std::string& today_text) {
  if (!known_type(type) || year_text.empty() || file.empty() || (!as_email.empty() && database_url.empty())) {
    std::cerr << "usage: core bulk-upload check --type lettings|sales --year 2026 FILE [--database URL [--as EMAIL]] [--today YYYY-MM-DD]\n";
    return 2;
  }
  auto year = year_of(year_text);
  if (!year) {
    std::cerr << "core: --year must be a year such as 2026\n";
    return 2;
  }
  util::Date today = util::today_utc();
  if (!today_text.empty()) {
    auto d = util::parse_iso_date(today_text);
    if (!d) {
      std::cerr << "core: --today must be a date written YYYY-MM-DD\n";
      return 2;
    }
    today = *d;
  }
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
  std::ofstream f(out, std::ios::binary);
  f << bulk::generate_csv(*spec, o);
  if (!f) {
    std::cerr << "core: cannot write " << out << "\n";
    return 1;
  }
  std::cout << "wrote " << *n << " rows to " << out << "\n";
  return 0;
}

int bulk_import(const std::string& type, const std::string& year_text, const std::string& file, const std::string& database_url,
                const std::string& as_email, const std::string& organisation, bool fix_in_service) {
  auto year = year_of(year_text);
  if (!known_type(type) || !year || file.empty() || as_email.empty()) {
    std::cerr << "usage: core bulk-upload import --type lettings|sales --year 2026 FILE --as EMAIL [--organisation ID] [--fix-in-service] "
                 "[--database URL]\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "core: cannot read " << file << "\n";
    return 1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  db::Database db(database_url, 2);
  auto conn = db.acquire();
  auto user = accounts::store::find_user_by_email(*conn, as_email);
  if (!user || !user->active) {
    std::cerr << "core: --as: there is no active user with the email " << as_email << "\n";
    return 2;
  }
  int64_t org = user->organisation_id;
  if (!organisation.empty()) {
    auto id = util::parse_id(organisation);
    if (!id) {
      std::cerr << "core: --organisation must be an organisation's id\n";
      return 2;
    }
    org = *id;
  }
  auto submitted = bulk::submit(*conn, *user, {type, *year, org, std::filesystem::path(file).filename().string(), ss.str()});
  if (auto* why = std::get_if<std::string>(&submitted)) {
    std::cerr << "core: " << *why << "\n";
    return 1;
  }
  int64_t id = std::get<int64_t>(submitted);
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
