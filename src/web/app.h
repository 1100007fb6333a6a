// The web application: one route table, and the pipeline every request goes through:
// static assets (web/static_assets.h) → session → CSRF check (every non-GET) → route →
// sign-in check → handler → error pages → security headers (web/security_headers.h).
// Handlers get a Context and return a Response.
// App::handle() needs no sockets, so tests drive the whole pipeline directly.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "accounts/model.h"
#include "db/database.h"
#include "mail/mailer.h"
#include "util/clock.h"
#include "web/http.h"
#include "web/render.h"
#include "web/sessions.h"
#include "web/static_assets.h"

namespace core::web {

struct Config {
  int port = 8080;
  std::string database_url = "sqlite://var/core.sqlite3";
  std::string base_url;               // for links in emails; default http://localhost:<port>
  bool secure_cookies = false;        // CORE_SECURE_COOKIES=1 behind TLS
  int session_idle_minutes = 60;      // CORE_SESSION_IDLE_MINUTES
  size_t max_body_bytes = 1 << 20;    // CORE_MAX_BODY_BYTES
  // CORE_MAX_UPLOAD_BYTES: a multipart/form-data body (a file upload: 10 MB and the form around it).
  size_t max_upload_bytes = 11 << 20;
  int threads = 128;                  // CORE_THREADS: one per open connection (STACK-NOTES §5.4)
  // CORE_REQUEST_TIMEOUT_SECONDS: from a request's first byte, the time the client has to send
  // its headers and body; then the connection is closed (a trickling client cannot hold a thread).
  int request_timeout_seconds = 10;
  size_t db_pool = 32;                // CORE_DB_POOL
  // CORE_ACTIVE_REQUESTS: requests worked on at once (default 2 per core); the others wait
  // their turn, first come first served (util/gate.h). 0 means no limit.
  int active_requests = 0;
  // CORE_QUEUE_WAIT_SECONDS: the longest a request waits for its turn; then 503 (util/gate.h).
  int queue_wait_seconds = 10;
  static Config from_env();
};

class App;

struct Context {
  const Request& req;
  App& app;
  std::optional<accounts::User> user;
  std::string session_token;          // the cookie value (signed in or anonymous)
  std::string csrf_token;
  std::optional<std::string> flash;   // shown once, then cleared
  bool session_expired = false;       // the cookie named a session that timed out
  std::vector<std::string> set_cookies;

  db::Connection& conn();             // borrowed from the pool on first use
  const accounts::User& current_user() const { return *user; }
  // Renders templates/pages/<name> inside the layout.
  Response page(const std::string& name, nlohmann::json data, int status = 200);
  // Shows a success banner on the next page this session sees.
  void flash_next(const std::string& message);
  // Replaces the session (sign-in) or ends it (sign-out).
  void start_session(int64_t user_id);
  void end_session();

  Context(const Request& r, App& a) : req(r), app(a) {}
  ~Context();

 private:
  std::optional<db::Lease> lease_;
};

using Handler = std::function<Response(Context&)>;

// One link of the service navigation in the header.
struct NavLink {
  std::string label, href;
  bool current = false;
};
// Each feature gives the navigation its own links for the request (none, for a user who may not
// use it); the layout shows them in order of `position`.
using NavItems = std::function<void(const Context& ctx, std::vector<NavLink>& out)>;
// Token: a route of the submission API (under /api/): no session, no CSRF token; the handler
// authenticates the request itself (api/handlers.cpp), and errors are answered as JSON.
enum class Access { Public, SignedIn, Token };
// Whether a path is the API's (/api/...): answered as JSON, never with a session.
bool is_api_path(const std::string& path);
// The API's error body: {"errors": [{"field": null, "message": ..., "code": ...}]}.
Response api_error(int status, const std::string& message, const std::string& code);

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> segments;
  Handler handler;
  Access access;
};

class App {
 public:
  App(Config config, db::Database& db, Sessions& sessions, const Templates& templates, mail::Mailer& mailer);
  void add(const std::string& method, const std::string& pattern, Handler h, Access a = Access::SignedIn);
  void get(const std::string& p, Handler h, Access a = Access::SignedIn) { add("GET", p, std::move(h), a); }
  void post(const std::string& p, Handler h, Access a = Access::SignedIn) { add("POST", p, std::move(h), a); }
  const std::vector<Route>& routes() const { return routes_; }
  void add_nav(int position, NavItems items);
  // Every feature's links for this request, in order.
  std::vector<NavLink> nav_for(const Context& ctx) const;

  Response handle(Request& req);
  // An error page (403, 404, 500, ...) in the GOV.UK layout.
  Response error_page(Context& ctx, int status, const std::string& message = "");
  // 503 "Sorry, the service is unavailable": the database cannot be reached.
  Response unavailable_page(Context& ctx);

  const Config& config() const { return config_; }
  // The date the features work to (util/clock.h); the system's unless a test sets another.
  const util::Clock& clock() const { return *clock_; }
  void set_clock(const util::Clock& c) { clock_ = &c; }
  db::Database& db() { return db_; }
  Sessions& sessions() { return sessions_; }
  const Templates& templates() const { return templates_; }
  mail::Mailer& mailer() { return mailer_; }
  std::string csrf_for(const std::string& session_token) const;
  // After a request queued a job (jobs/jobs.h): wakes this server's worker, if it has one.
  void set_job_waker(std::function<void()> wake) { job_waker_ = std::move(wake); }
  void wake_jobs() {
    if (job_waker_) job_waker_();
  }
  std::string base_url() const;

 private:
  Response dispatch(Context& ctx, Request& req);
  void load_session(Context& ctx);
  void finish(Context& ctx, Response& res);
  std::optional<Response> serve_static(const Request& req);

  Config config_;
  db::Database& db_;
  Sessions& sessions_;
  const Templates& templates_;
  mail::Mailer& mailer_;
  std::string secret_;
  std::vector<Route> routes_;
  const util::Clock* clock_ = &util::system_clock();
  std::vector<std::pair<int, NavItems>> nav_;
  StaticAssets assets_;
  std::function<void()> job_waker_;
};

// What the server says at start-up about its CSRF key (empty: nothing to say). `env_key` is
// CORE_SECRET_KEY (empty when unset); `stored_key` the key kept in the database, which servers
// started without CORE_SECRET_KEY use; `stored_env_fingerprint` the fingerprint of the
// CORE_SECRET_KEY the last server started with one had (secret_key_fingerprint()).
std::string secret_key_warning(const std::string& env_key, const std::optional<std::string>& stored_key,
                               const std::optional<std::string>& stored_env_fingerprint);
// A one-way fingerprint of a key, safe to keep in the database.
std::string secret_key_fingerprint(const std::string& key);

// Builds the layout's data (navigation, user, flash, CSRF token) around a page's own data.
nlohmann::json layout_data(const Context& ctx, nlohmann::json data);

}  // namespace core::web
