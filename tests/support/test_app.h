// The whole web app over a fresh test database with the demo data, driven in-process
// (App::handle, no sockets), with a client that keeps cookies and sends CSRF tokens.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mail/mailer.h"
#include "schemes/postcode_lookup.h"
#include "test_db.h"
#include "web/app.h"
#include "web/render.h"

namespace core::test {

class TestApp {
 public:
  // configure may change the app's configuration (thread count, timeouts) before it is built.
  explicit TestApp(bool seed = true, const std::function<void(web::Config&)>& configure = {});
  ~TestApp();
  web::App& app() { return *app_; }
  db::Database& db() { return tdb_.db(); }
  const std::string& db_url() const { return tdb_.url(); }
  db::Lease conn() { return tdb_.db().acquire(); }
  const std::filesystem::path& mail_dir() const { return mail_dir_; }
  // Every email written so far, oldest first (file contents).
  std::vector<std::string> emails() const;
  std::string last_email_to(const std::string& to) const;
  // Ids of demo records by name/email.
  int64_t org_id(const std::string& name);
  int64_t user_id(const std::string& email);
  int64_t count(const std::string& table);

 private:
  TestDatabase tdb_;
  std::filesystem::path mail_dir_;
  std::unique_ptr<web::Templates> templates_;
  std::unique_ptr<mail::FileMailer> mailer_;
  schemes::NoPostcodeLookup lookup_;
  std::unique_ptr<web::App> app_;
};

class Client {
 public:
  explicit Client(TestApp& t) : t_(t) {}
  web::Response get(const std::string& path_and_query);
  // Posts a form; adds the session's CSRF token unless with_csrf is false.
  web::Response post(const std::string& path, std::multimap<std::string, std::string> form, bool with_csrf = true);
  web::Response request(web::Request req);
  // Signs in through the sign-in page (reads its csrf_token field). Returns the POST's response.
  web::Response sign_in(const std::string& email, const std::string& password = "Housing-Demo-2026");
  std::string csrf();
  std::map<std::string, std::string> cookies;

 private:
  TestApp& t_;
};

// Fixes "today" (CORE_TODAY) for the length of a test.
struct PinToday {
  explicit PinToday(const char* d) { setenv("CORE_TODAY", d, 1); }
  ~PinToday() { unsetenv("CORE_TODAY"); }
  PinToday(const PinToday&) = delete;
};
// The id of the log that a POST to a log list (/lettings-logs, /sales-logs) created, from its
// redirect; 0 when there is none.
int64_t created_log_id(const web::Response& r);
// Posts a log's page with the version it is shown with, as the browser does.
web::Response save_page(Client& c, const std::string& page, std::multimap<std::string, std::string> form);
// Creates a general-needs lettings log as the signed-in user and answers its setup (tenancy start
// date D/M/YYYY, a social rent, the declaration). Returns the log's id.
int64_t create_log_with_setup(Client& c, const std::string& tenancycode = "T1", const std::string& propcode = "P-T1",
                              const std::string& start = "1/5/2026");
// A log's stored answers (null when there is no such log).
nlohmann::json stored_answers(TestApp& t, int64_t id);

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
// The first link in a text that starts with http.
std::string first_link(const std::string& text);
// The value of <input name="NAME" value="..."> in a page.
std::string input_value(const std::string& html, const std::string& name);

}  // namespace core::test
