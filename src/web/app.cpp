#include "web/app.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "util/crypto.h"
#include "util/paths.h"
#include "util/text.h"
#include "util/time.h"
#include "web/security_headers.h"

namespace core::web {
namespace {

const char* kSessionCookie = "core_session";

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool match(const Route& r, const std::vector<std::string>& segs, std::map<std::string, std::string>& params) {
  if (r.segments.size() != segs.size()) return false;
  std::map<std::string, std::string> p;
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& want = r.segments[i];
    if (!want.empty() && want[0] == ':') p[want.substr(1)] = url_decode(segs[i]);
    else if (want != segs[i]) return false;
  }
  params = std::move(p);
  return true;
}

std::string env_or(const char* n, const std::string& d) {
  const char* v = std::getenv(n);
  return v && *v ? v : d;
}

}  // namespace

namespace {
// A whole-number setting: the default when unset; a clear start-up error when it is not a number in
// [min, max] (a typo must not become 0 threads or a 0-byte body limit).
int64_t env_int(const char* name, int64_t fallback, int64_t min, int64_t max) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  auto n = util::parse_int64(v);
  if (!n || *n < min || *n > max)
    throw std::invalid_argument(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                                ", not '" + v + "'");
  return *n;
}
}  // namespace

Config Config::from_env() {
  Config c;
  c.port = int(env_int("CORE_PORT", 8080, 0, 65535));
  c.database_url = env_or("CORE_DATABASE_URL", c.database_url);
  c.base_url = env_or("CORE_BASE_URL", "");
  c.secure_cookies = env_or("CORE_SECURE_COOKIES", "0") == "1";
  c.session_idle_minutes = int(env_int("CORE_SESSION_IDLE_MINUTES", 60, 1, 60 * 24 * 30));
  c.max_body_bytes = static_cast<size_t>(env_int("CORE_MAX_BODY_BYTES", 1048576, 1024, int64_t(1) << 32));
  c.max_upload_bytes = static_cast<size_t>(env_int("CORE_MAX_UPLOAD_BYTES", 11 << 20, 1024, int64_t(1) << 32));
  c.threads = int(env_int("CORE_THREADS", 128, 2, 4096));
  c.request_timeout_seconds = int(env_int("CORE_REQUEST_TIMEOUT_SECONDS", 10, 1, 3600));
  // Two requests at work per core keep the cores busy while one waits on the database or the
  // kernel; more only share the cores out and lengthen the tail (util/gate.h).
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  c.active_requests = int(env_int("CORE_ACTIVE_REQUESTS", 2 * cores, 0, 4096));
  c.queue_wait_seconds = int(env_int("CORE_QUEUE_WAIT_SECONDS", 10, 1, 3600));
  // SQLite connections are cheap: one per HTTP thread, so no request waits for one. PostgreSQL
  // backends are not: keep the pool within max_connections.
  bool sqlite = c.database_url.rfind("sqlite:", 0) == 0;
  c.db_pool = static_cast<size_t>(env_int("CORE_DB_POOL", sqlite ? c.threads : 32, 1, 4096));
  return c;
}

// --- Context

db::Connection& Context::conn() {
  if (!lease_) lease_.emplace(app.db().acquire());
  return **lease_;
}

Context::~Context() = default;

Response Context::page(const std::string& name, nlohmann::json data, int status) {
  // The page gets its own data plus the CSRF token; the layout gets only what it shows, so
  // no data is converted for the template engine twice.
  data["csrf_token"] = csrf_token;
  bool has_errors = data.contains("errors") && data["errors"].is_array() && !data["errors"].empty();
  data["has_errors"] = has_errors;
  // Everything the page shows has been read: give the connection back before the slow part.
  lease_.reset();
  nlohmann::json head = {{"title", data.value("title", std::string("CORE"))}, {"has_errors", has_errors}};
  if (data.contains("head_title")) head["head_title"] = data["head_title"];
  nlohmann::json layout = layout_data(*this, std::move(head));
  if (data.contains("back")) layout["back"] = data["back"];
  layout["content"] = app.templates().render("pages/" + name, data);
  Response r;
  r.status = status;
  r.body = app.templates().render("layouts/base", layout);
  return r;
}

void Context::flash_next(const std::string& message) {
  if (user) app.sessions().set_flash(conn(), util::sha256_hex(session_token), message);
}

static std::string session_cookie(const std::string& token, bool secure) {
  return std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
}

void Context::start_session(int64_t user_id) {
  auto& c = conn();
  if (!session_token.empty()) app.sessions().remove(c, util::sha256_hex(session_token));
  session_token = util::random_token(32);
  app.sessions().create(c, util::sha256_hex(session_token), user_id);
  csrf_token = app.csrf_for(session_token);
  set_cookies.push_back(session_cookie(session_token, app.config().secure_cookies));
}

void Context::end_session() {
  if (!session_token.empty()) app.sessions().remove(conn(), util::sha256_hex(session_token));
  user.reset();
  session_token = util::random_token(32);
  csrf_token = app.csrf_for(session_token);
  set_cookies.push_back(session_cookie(session_token, app.config().secure_cookies));
}

// --- App

App::App(Config config, db::Database& db, Sessions& sessions, const Templates& templates, mail::Mailer& mailer)
    : config_(std::move(config)), db_(db), sessions_(sessions), templates_(templates), mailer_(mailer), assets_(resource_root()) {
  util::crypto_init();
  // Every server on one database must sign CSRF tokens with the same key, or a form served by
  // one is refused (403) by the next. Say so at start-up when this server's key cannot be the
  // others' (issue 11).
  std::string env_secret = env_or("CORE_SECRET_KEY", "");
  auto c = db_.acquire();
  auto stored = sessions_.setting(*c, "secret_key");
  auto env_fingerprint = sessions_.setting(*c, "secret_key_env_fingerprint");
  if (!env_secret.empty()) {
    secret_ = env_secret;
    sessions_.set_setting(*c, "secret_key_env_fingerprint", secret_key_fingerprint(env_secret));
  } else if (stored) {
    secret_ = *stored;
  } else {
    secret_ = sessions_.setting_or_set(*c, "secret_key", util::random_token(32));
    stored = secret_;
  }
  std::string warning = secret_key_warning(env_secret, stored, env_fingerprint);
  if (!warning.empty()) std::cerr << warning << std::endl;
}

std::string secret_key_fingerprint(const std::string& key) { return util::hmac_sha256_hex(key, "core secret key fingerprint"); }

std::string secret_key_warning(const std::string& env_key, const std::optional<std::string>& stored_key,
                               const std::optional<std::string>& stored_env_fingerprint) {
  const std::string tail =
      " Forms served by one server are then refused by another (403: \"Your form has expired\"). "
      "Set CORE_SECRET_KEY to the same value on every server that shares this database, or on none.";
  if (!env_key.empty()) {
    if (stored_env_fingerprint && *stored_env_fingerprint != secret_key_fingerprint(env_key))
      return "warning: CORE_SECRET_KEY differs from the one another server on this database was started with." + tail;
    if (stored_key && *stored_key != env_key)
      return "warning: CORE_SECRET_KEY differs from the secret key kept in the database, which servers started "
             "without CORE_SECRET_KEY use." + tail +
             " (Once every server has CORE_SECRET_KEY, the kept key is unused: "
             "DELETE FROM app_settings WHERE key = 'secret_key' ends this warning.)";
    return "";
  }
  if (stored_env_fingerprint && stored_key && *stored_env_fingerprint != secret_key_fingerprint(*stored_key))
    return "warning: CORE_SECRET_KEY is not set here, but a server on this database was started with it; this "
           "one uses the secret key kept in the database instead." + tail +
           " (If no server has CORE_SECRET_KEY any more, "
           "DELETE FROM app_settings WHERE key = 'secret_key_env_fingerprint' ends this warning.)";
  return "";
}

std::string App::base_url() const {
  return config_.base_url.empty() ? "http://localhost:" + std::to_string(config_.port) : config_.base_url;
}

std::string App::csrf_for(const std::string& token) const { return util::hmac_sha256_hex(secret_, "csrf:" + token); }

void App::add(const std::string& method, const std::string& pattern, Handler h, Access a) {
  routes_.push_back(Route{method, pattern, split_path(pattern), std::move(h), a});
}

void App::load_session(Context& ctx) {
  std::string token = ctx.req.cookie(kSessionCookie);
  bool well_formed = token.size() == 64 && token.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!well_formed) {
    ctx.session_token = util::random_token(32);
    ctx.set_cookies.push_back(session_cookie(ctx.session_token, config_.secure_cookies));
  } else {
    ctx.session_token = token;
    auto& c = ctx.conn();
    std::string h = util::sha256_hex(token);
    if (auto found = sessions_.find(c, h)) {
      int64_t now = util::now_seconds();
      int64_t seen = util::seconds_from_iso(found->last_seen_at);
      if (now - seen > static_cast<int64_t>(config_.session_idle_minutes) * 60) {
        sessions_.remove(c, h);  // idle timeout
        ctx.session_expired = true;
      } else if (found->user.active) {
        ctx.user = std::move(found->user);
        if (now - seen >= 60) sessions_.touch(c, h);
        if (found->flash) {
          ctx.flash = found->flash;
          sessions_.clear_flash(c, h);
        }
      } else {
        sessions_.remove(c, h);
      }
    }
  }
  ctx.csrf_token = csrf_for(ctx.session_token);
}

bool is_api_path(const std::string& path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

Response api_error(int status, const std::string& message, const std::string& code) {
  nlohmann::json body = {{"errors", nlohmann::json::array({{{"field", nullptr}, {"message", message}, {"code", code}}})}};
  return Response::json(body.dump(), status);
}

Response App::dispatch(Context& ctx, Request& req) {
  const bool api = is_api_path(req.path);
  if (!api && req.method != "GET" && req.method != "HEAD") {
    std::string given = req.f("csrf_token");
    if (given.empty()) given = req.header("x-csrf-token");
    if (!util::constant_time_equal(given, ctx.csrf_token))
      return error_page(ctx, 403, "Your form has expired or was sent from another site. Go back, reload the page and try again.");
  }
  auto segs = split_path(req.path);
  bool path_known = false;
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if ((r.access == Access::Token) != api) continue;
    if (!match(r, segs, params)) continue;
    path_known = true;
    if (r.method != method) continue;
    req.params = std::move(params);
    if (r.access == Access::SignedIn && !ctx.user) {
      std::string target = "/account/sign-in";
      if (req.method == "GET") target += "?return_to=" + url_encode(req.path + (req.query_string.empty() ? "" : "?" + req.query_string));
      if (ctx.session_expired) target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("expired=1");
      return Response::redirect(target);
    }
    return r.handler(ctx);
  }
  return error_page(ctx, path_known ? 405 : 404);
}

namespace {
const char* api_code(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorised";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 422: return "invalid";
    case 429: return "rate_limited";
    case 503: return "unavailable";
    default: return "server_error";
  }
}
}  // namespace

Response App::error_page(Context& ctx, int status, const std::string& message) {
  static const std::map<int, std::string> titles = {
      {400, "There is a problem with your request"}, {403, "You do not have permission to see this page"},
      {404, "Page not found"}, {405, "This action is not allowed"}, {413, "The file or form you sent is too large"},
      {429, "There have been too many attempts"}, {500, "Sorry, there is a problem with the service"},
      {503, "Sorry, the service is busy"}};
  auto it = titles.find(status);
  std::string title = it != titles.end() ? it->second : "Sorry, there is a problem";
  if (is_api_path(ctx.req.path)) {
    static const std::map<int, std::string> api_titles = {
        {404, "There is no such resource"}, {405, "This method is not allowed here"}, {413, "The request body is larger than 1 MB"},
        {400, "The request could not be read"}, {500, "Sorry, there is a problem with the service"}, {503, "Sorry, the service is busy"}};
    auto a = api_titles.find(status);
    Response r = api_error(status, !message.empty() ? message : a != api_titles.end() ? a->second : title, api_code(status));
    if (status == 503) r.set_header("Retry-After", "5");
    return r;
  }
  nlohmann::json data = {{"title", title}, {"message", message == title ? "" : message}, {"status", status}};
  std::string name = templates_.has("pages/errors/" + std::to_string(status)) ? "errors/" + std::to_string(status)
                                                                               : "errors/generic";
  try {
    return ctx.page(name, data, status);
  } catch (...) {
    return Response::text(data["title"].get<std::string>(), status);
  }
}

Response App::unavailable_page(Context& ctx) {
  if (is_api_path(ctx.req.path)) {
    Response r = api_error(503, "Sorry, the service is unavailable: the database cannot be reached", "unavailable");
    r.set_header("Retry-After", "30");
    return r;
  }
  nlohmann::json data = {{"title", "Sorry, the service is unavailable"}, {"status", 503}};
  Response res;
  try {
    res = ctx.page("errors/unavailable", data, 503);
  } catch (...) {
    res = Response::text("Sorry, the service is unavailable", 503);
  }
  res.set_header("Retry-After", "30");
  return res;
}

std::optional<Response> App::serve_static(const Request& req) {
  if (!StaticAssets::is_static_path(req.path)) return std::nullopt;
  const StaticAssets::Asset* a = req.method == "GET" || req.method == "HEAD" ? assets_.find(req.path) : nullptr;
  if (!a) return Response::text("Not found", 404);
  Response r;
  r.body = a->body;
  r.content_type = a->type;
  r.set_header("Cache-Control", "public, max-age=3600");
  return r;
}

void App::finish(Context& ctx, Response& res) {
  add_security_headers(res, config_.secure_cookies);
  for (const auto& c : ctx.set_cookies) res.headers.emplace_back("Set-Cookie", c);
}

Response App::handle(Request& req) {
  if (auto s = serve_static(req)) {
    Context ctx(req, *this);
    finish(ctx, *s);
    return *s;
  }
  Context ctx(req, *this);
  Response res;
  try {
    if (req.path == "/health") {
      bool ok = db_.ping();
      nlohmann::json j = {{"status", ok ? "ok" : "error"},
                          {"database", {{"status", ok ? "ok" : "unavailable"},
                                        {"engine", db_.dialect() == db::Dialect::SQLite ? "sqlite" : "postgresql"}}}};
      res = Response::json(j.dump(), ok ? 200 : 503);
    } else {
      if (!is_api_path(req.path)) load_session(ctx);  // the API takes tokens, never session cookies
      res = dispatch(ctx, req);
    }
  } catch (const HttpError& e) {
    res = error_page(ctx, e.status, e.status == 404 || e.status == 403 ? "" : e.what());
  } catch (const db::DatabaseBusy& e) {
    std::cerr << "busy: " << req.method << " " << req.path << ": " << e.what() << std::endl;
    res = error_page(ctx, 503);
    res.set_header("Retry-After", "5");
  } catch (const db::DatabaseUnavailable& e) {
    // The database is down or restarting (a lost connection that could be retried safely was
    // retried already, db/database.h): not a fault in the service, and worth trying again soon.
    std::cerr << "database unavailable: " << req.method << " " << req.path << ": " << e.what() << std::endl;
    res = unavailable_page(ctx);
  } catch (const std::exception& e) {
    std::cerr << "error: " << req.method << " " << req.path << ": " << e.what() << std::endl;
    res = error_page(ctx, 500);
  }
  finish(ctx, res);
  return res;
}

void App::add_nav(int position, NavItems items) {
  auto at = std::upper_bound(nav_.begin(), nav_.end(), position, [](int p, const auto& e) { return p < e.first; });
  nav_.insert(at, {position, std::move(items)});
}

std::vector<NavLink> App::nav_for(const Context& ctx) const {
  std::vector<NavLink> out;
  for (auto& [position, items] : nav_) items(ctx, out);
  return out;
}

nlohmann::json layout_data(const Context& ctx, nlohmann::json data) {
  data["csrf_token"] = ctx.csrf_token;
  data["service_name"] = "Submit social housing lettings and sales data (CORE)";
  std::string title = data.value("title", std::string("CORE"));
  bool has_errors = data.value("has_errors", false) ||
                    (data.contains("errors") && data["errors"].is_array() && !data["errors"].empty());
  data["has_errors"] = has_errors;
  // "head_title", when given, is the <title> of a page whose heading ("title") is shared with
  // other pages (every page title must be unique).
  title = data.value("head_title", title);
  data["page_title"] = (has_errors ? "Error: " : "") + title + " - Submit social housing lettings and sales data (CORE) - GOV.UK";
  if (ctx.flash) data["flash"] = *ctx.flash;
  nlohmann::json nav = nlohmann::json::array();
  for (auto& l : ctx.app.nav_for(ctx)) nav.push_back({{"label", l.label}, {"href", l.href}, {"current", l.current}});
  if (ctx.user) {
    const auto& u = *ctx.user;
    data["signed_in"] = true;
    data["current_user"] = {{"id", u.id}, {"name", u.name}, {"email", u.email}};
  }
  data["nav"] = nav;
  return data;
}

}  // namespace core::web
