#include "test_app.h"

#include "bulk/handlers.h"
#include "api/routes.h"
#include "exports/routes.h"

#include "logs/store.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "accounts/routes.h"
#include "accounts/sessions.h"
#include "accounts/seed.h"
#include "home/routes.h"
#include "logs/routes.h"
#include "schemes/routes.h"
#include "schemes/seed.h"
#include "util/crypto.h"
#include "util/paths.h"

namespace core::test {

TestApp::TestApp(bool seed, const std::function<void(web::Config&)>& configure) {
  mail_dir_ = std::filesystem::temp_directory_path() / ("core-mail-" + util::random_token(6));
  std::filesystem::create_directories(mail_dir_);
  if (seed) {
    auto c = tdb_.db().acquire();
    accounts::seed_demo(*c);
    schemes::seed_demo(*c);
  }
  templates_ = std::make_unique<web::Templates>(resource_root() / "templates");
  mailer_ = std::make_unique<mail::FileMailer>(mail_dir_, "CORE <noreply@core.test>");
  web::Config cfg;
  cfg.port = 8080;
  if (configure) configure(cfg);
  app_ = std::make_unique<web::App>(cfg, tdb_.db(), accounts::sessions(), *templates_, *mailer_);
  accounts::register_routes(*app_);
  schemes::register_routes(*app_, lookup_);
  exports::register_routes(*app_);
  api::register_routes(*app_);
  api::register_pages(*app_);
  bulk::register_routes(*app_);
  logs::register_routes(*app_);
  home::register_routes(*app_);
}

TestApp::~TestApp() {
  std::error_code ec;
  std::filesystem::remove_all(mail_dir_, ec);
}

std::vector<std::string> TestApp::emails() const {
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(mail_dir_))
    if (e.path().extension() == ".eml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(ss.str());
  }
  return out;
}

std::string TestApp::last_email_to(const std::string& to) const {
  auto all = emails();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (it->find("To: <" + to + ">") != std::string::npos || it->find("To: " + to + "\r") != std::string::npos) return *it;
  return "";
}

int64_t TestApp::org_id(const std::string& name) {
  auto c = conn();
  auto r = c->query_one("SELECT id FROM organisations WHERE name = ?", {name});
  return r ? r->i64(0) : 0;
}

int64_t TestApp::user_id(const std::string& email) {
  auto c = conn();
  auto r = c->query_one("SELECT id FROM users WHERE email = ?", {email});
  return r ? r->i64(0) : 0;
}

int64_t TestApp::count(const std::string& table) {
  auto c = conn();
  return c->query_one("SELECT COUNT(*) FROM " + table)->i64(0);
}

web::Response Client::request(web::Request req) {
  req.cookies = cookies;
  auto res = t_.app().handle(req);
  for (const auto& [k, v] : res.headers) {
    if (k != "Set-Cookie") continue;
    auto eq = v.find('='), semi = v.find(';');
    cookies[v.substr(0, eq)] = v.substr(eq + 1, semi - eq - 1);
  }
  // A streamed body is read whole, as the browser would, so that every test sees what was sent.
  if (res.stream) {
    res.body = res.collect();
    res.stream = nullptr;
  }
  return res;
}

web::Response Client::get(const std::string& pq) {
  web::Request req;
  req.method = "GET";
  auto q = pq.find('?');
  req.path = pq.substr(0, q);
  if (q != std::string::npos) {
    req.query_string = pq.substr(q + 1);
    web::parse_urlencoded(req.query_string, req.query);
  }
  return request(req);
}

std::string Client::csrf() {
  if (!cookies.count("core_session")) get("/account/sign-in");
  return t_.app().csrf_for(cookies["core_session"]);
}

web::Response Client::post(const std::string& path, std::multimap<std::string, std::string> form, bool with_csrf) {
  web::Request req;
  req.method = "POST";
  auto q = path.find('?');
  req.path = path.substr(0, q);
  if (q != std::string::npos) {
    req.query_string = path.substr(q + 1);
    web::parse_urlencoded(req.query_string, req.query);
  }
  if (with_csrf) form.emplace("csrf_token", csrf());
  req.form = std::move(form);
  req.headers["content-type"] = "application/x-www-form-urlencoded";
  return request(req);
}

web::Response Client::sign_in(const std::string& email, const std::string& password) {
  auto page = get("/account/sign-in");
  std::string token = input_value(page.body, "csrf_token");
  return post("/account/sign-in", {{"email", email}, {"password", password}, {"csrf_token", token}}, false);
}

int64_t created_log_id(const web::Response& r) {
  // "/lettings-logs/12/needs-type", "/sales-logs/12/owning-organisation": the number after the list.
  auto loc = r.header("Location");
  auto p = loc.find("-logs/");
  if (p == std::string::npos) return 0;
  int64_t id = 0;
  for (size_t i = p + 6; i < loc.size() && loc[i] >= '0' && loc[i] <= '9'; ++i) id = id * 10 + (loc[i] - '0');
  return id;
}

web::Response save_page(Client& c, const std::string& page, std::multimap<std::string, std::string> form) {
  form.emplace("version", input_value(c.get(page).body, "version"));
  return c.post(page, form);
}

int64_t create_log_with_setup(Client& c, const std::string& tenancycode, const std::string& propcode, const std::string& start) {
  int64_t id = created_log_id(c.post("/lettings-logs", {}));
  std::string base = "/lettings-logs/" + std::to_string(id) + "/";
  save_page(c, base + "needs-type", {{"needstype", "1"}});
  save_page(c, base + "renewal", {{"renewal", "0"}});
  auto p1 = start.find('/'), p2 = start.rfind('/');
  save_page(c, base + "tenancy-start-date", {{"startdate-day", start.substr(0, p1)}, {"startdate-month", start.substr(p1 + 1, p2 - p1 - 1)},
                                             {"startdate-year", start.substr(p2 + 1)}});
  save_page(c, base + "rent-type", {{"rent_type", "0"}});
  save_page(c, base + "tenant-code", {{"tenancycode", tenancycode}});
  save_page(c, base + "property-reference", {{"propcode", propcode}});
  save_page(c, base + "declaration", {{"declaration", "1"}});
  return id;
}

nlohmann::json stored_answers(TestApp& t, int64_t id) {
  auto c = t.conn();
  auto l = logs::store::find(*c, id);
  return l ? nlohmann::json::parse(l->answers) : nlohmann::json();
}

std::string first_link(const std::string& text) {
  static const std::regex re(R"((https?://[^\s]+))");
  std::smatch m;
  return std::regex_search(text, m, re) ? m[1].str() : "";
}

std::string input_value(const std::string& html, const std::string& name) {
  std::regex re("name=\"" + name + "\"[^>]*value=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "";
}

}  // namespace core::test
