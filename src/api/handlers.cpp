// The submission API v1 (issue 14; docs/api.md): JSON endpoints for housing-management software,
// authenticated by tokens that act as their organisation with a coordinator's rights. Every write
// goes through the log service (logs/service.h), exactly as the web form's and bulk upload's do.
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "accounts/permissions.h"
#include "form/interruption.h"
#include "accounts/store.h"
#include "api/body.h"
#include "api/routes.h"
#include "api/store.h"
#include "form/registry.h"
#include "logs/flow.h"
#include "logs/kinds.h"
#include "logs/service.h"
#include "logs/store.h"
#include "util/dates.h"
#include "util/paths.h"
#include "util/text.h"
#include "util/time.h"

namespace core::api {

using nlohmann::json;
using web::Context;
using web::Response;
namespace perm = accounts::permissions;
namespace svc = logs::service;

namespace {

// ---------------------------------------------------------------------------------------------
// Limits: requests a second per token, in this server (a token bucket refilled continuously).

class RateLimiter {
 public:
  // nullopt when allowed; otherwise the seconds to wait.
  std::optional<int> take(const std::string& token_key, double per_second) {
    using clock = std::chrono::steady_clock;
    double now = std::chrono::duration<double>(clock::now().time_since_epoch()).count();
    std::lock_guard lock(m_);
    auto& b = buckets_[token_key];
    if (b.at == 0) b = {now, per_second};
    b.tokens = std::min(per_second, b.tokens + (now - b.at) * per_second);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return std::nullopt;
    }
    return std::max(1, int(std::ceil((1 - b.tokens) / per_second)));
  }

 private:
  struct Bucket {
    double at = 0, tokens = 0;
  };
  std::mutex m_;
  std::unordered_map<std::string, Bucket> buckets_;
};

RateLimiter& limiter() {
  static RateLimiter r;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Answers.

json errors_json(const std::vector<FieldError>& errors) {
  json out = json::array();
  for (auto& e : errors) out.push_back({{"field", e.field.empty() ? json() : json(e.field)}, {"message", e.message}, {"code", e.code}});
  return out;
}

Response error_response(int status, const std::vector<FieldError>& errors) {
  return Response::json(json{{"errors", errors_json(errors)}}.dump(), status);
}

Response error_response(int status, const std::string& message, const std::string& code, const std::string& field = "") {
  return error_response(status, std::vector<FieldError>{{field, message, code}});
}

// A gateway error, one per field it names (a rule about two answers is reported on both).
void add_errors(std::vector<FieldError>& out, const std::vector<form::Error>& errors) {
  for (auto& e : errors) {
    std::string code = e.rule == "H-UNKNOWN-FIELD" ? "unknown_field" : e.rule.rfind("H-NUM", 0) == 0 ? "invalid_number"
                       : e.rule == "H-DATE-FORMAT"                                          ? "invalid_date"
                       : e.rule == "H-OPTION"                                               ? "invalid_option"
                                                                                            : "invalid";
    if (e.fields.empty()) out.push_back({"", e.message, code});
    for (auto& f : e.fields) out.push_back({f, e.message, code});
  }
}

json value_json(const expr::Value& v) {
  if (v.null()) return nullptr;
  if (v.is_bool()) return v.as_bool();
  if (v.is_int()) return v.as_int();
  if (v.is_number()) return v.as_number();
  if (v.is_date()) return v.as_date().iso();
  if (v.is_string()) return v.as_string();
  return v.text();
}

// What a client is told of a log: its record and answers, and as the gateway sees it now: status,
// errors, soft checks waiting to be confirmed, worked-out values and the questions still to answer.
// The answers of a request that the gateway did not keep because their question is not asked for
// the log as it now is (its page is not shown): reported, never dropped silently.
void add_not_asked(std::vector<FieldError>& out, const form::Changes& given, const svc::SaveResult& saved) {
  for (auto& [attr, v] : given)
    if (!v.is_null() && std::find(saved.outcome.cleared.begin(), saved.outcome.cleared.end(), attr) != saved.outcome.cleared.end())
      out.push_back({attr, "This question is not asked for this log as it is now (check the answers it depends on, such as the setup "
                           "answers), so the answer was not kept",
                     "not_asked"});
}

json log_json(const form::Form& f, const logs::store::Log& l, const svc::SaveResult& now, const std::vector<FieldError>& dropped) {
  const form::Outcome& o = now.outcome;
  json answers = o.values.empty() ? json::object() : o.answers_json(f);
  json derived = json::object();
  for (int slot : o.derived) derived[f.attributes[size_t(slot)].id] = value_json(o.values[size_t(slot)]);
  json soft = json::array();
  for (auto& s : o.soft_checks) soft.push_back({{"field", s.confirm_field}, {"rule", s.rule}, {"title", s.title}, {"text", s.text}});
  json missing = json::array();
  if (!o.values.empty()) {
    logs::Flow fl(f, o, now.context);
    for (const form::Question* q : logs::unanswered_questions(fl))
      if (q->type != form::QType::Interruption) missing.push_back(q->id);
  }
  std::vector<FieldError> errors = dropped;
  add_errors(errors, now.errors);
  auto opt = [](const std::optional<int64_t>& v) { return v ? json(*v) : json(); };
  return {{"log",
           {{"id", l.id},
            {"type", l.type},
            {"year", l.form_year},
            {"version", l.version},
            {"status", o.values.empty() ? l.status : std::string(form::status_name(o.status))},
            {"owning_organisation_id", opt(l.owning_organisation_id)},
            {"managing_organisation_id", opt(l.managing_organisation_id)},
            {"assigned_to_id", opt(l.assigned_to_id)},
            {"creation_method", l.creation_method},
            {"created_at", l.created_at},
            {"updated_at", l.updated_at},
            {"answers", answers}}},
          {"errors", errors_json(errors)},
          {"soft_checks", soft},
          {"derived", derived},
          {"missing", missing}};
}

// ---------------------------------------------------------------------------------------------
// Who is calling: a token, as its organisation.

struct Caller {
  store::Token token;
  accounts::User user;
  std::optional<int64_t> log_id;  // the log the request was about (recorded with it)
  bool keep_body = false;         // the request made a log: its body is the record of the answers given
};

using ApiHandler = std::function<Response(Context&, Caller&)>;

double rate_per_second() {
  static const double r = [] {
    const char* v = std::getenv("CORE_API_RATE_LIMIT");
    auto n = util::parse_int64(v ? v : "20");
    return n && *n >= 1 && *n <= 1000000 ? double(*n) : 20.0;
  }();
  return r;
}

// Authenticates, limits and records every request of a token; errors are JSON.
web::Handler with_token(ApiHandler h) {
  return [h = std::move(h)](Context& ctx) -> Response {
    std::string auth = ctx.req.header("authorization");
    const std::string bearer = "Bearer ";
    if (auth.size() <= bearer.size() || util::ascii_lower(auth.substr(0, bearer.size())) != "bearer ") {
      Response r = error_response(401, "Give your API token in the Authorization header: Authorization: Bearer <token>", "unauthorised");
      r.set_header("WWW-Authenticate", "Bearer realm=\"CORE\"");
      return r;
    }
    std::string secret = util::trim_blanks(auth.substr(bearer.size()));
    auto token = secret.size() > 200 ? std::nullopt : store::find_by_secret(ctx.conn(), secret);
    if (!token) {
      Response r = error_response(401, "The API token is not known, or has been revoked", "unauthorised");
      r.set_header("WWW-Authenticate", "Bearer realm=\"CORE\", error=\"invalid_token\"");
      return r;
    }
    Caller caller{*token, perm::api_user(token->organisation_id, token->organisation_name, token->name, token->organisation_active),
                  std::nullopt};
    Response r;
    if (!perm::can_use_api(caller.user)) {
      r = error_response(403, "The token's organisation has been deactivated", "forbidden");
    } else if (auto wait = limiter().take(token->prefix + ":" + std::to_string(token->id), rate_per_second())) {
      r = error_response(429, "Too many requests with this token: at most " + std::to_string(int(rate_per_second())) + " a second",
                         "rate_limited");
      r.set_header("Retry-After", std::to_string(*wait));
    } else {
      try {
        r = h(ctx, caller);
      } catch (const svc::Refused& e) {
        r = e.kind == svc::Refused::Kind::NotFound    ? error_response(404, "There is no such log, or it is not your organisation's", "not_found")
            : e.kind == svc::Refused::Kind::Forbidden ? error_response(403, e.what(), "forbidden")
                                                      : error_response(409, e.what(), "unreadable");
      }
    }
    try {
      store::record_use(ctx.conn(), token->id, ctx.req.method, ctx.req.path, r.status, caller.log_id,
                        caller.keep_body ? std::optional<std::string>(ctx.req.body) : std::nullopt, token->last_used_at);
    } catch (const std::exception& e) {
      std::cerr << "api: could not record a request of token " << token->id << ": " << e.what() << std::endl;
    }
    return r;
  };
}

const logs::Kind* kind_from_path(const std::string& path) {
  // /api/v1/lettings-logs...
  for (auto& k : logs::kinds())
    if (path.rfind("/api/v1" + k.base, 0) == 0) return &k;
  return nullptr;
}

std::shared_ptr<const form::Form> form_for_new_logs(const logs::Kind& kind, const util::Date& today) {
  int year = util::collection_year_start(today).y;
  if (std::find(kind.years.begin(), kind.years.end(), year) == kind.years.end()) return nullptr;
  return form::get(kind.type, year);
}

// The request's body, read against the form; the errors answer 422 (or 413/400) and nothing changes.
std::optional<Response> read(const Context& ctx, const form::Form& f, const BodyShape& shape, Body& out) {
  std::string type = util::ascii_lower(ctx.req.header("content-type"));
  if (!ctx.req.body.empty() && type.rfind("application/json", 0) != 0)
    return error_response(415, "Send the body as JSON, with Content-Type: application/json", "unsupported_media_type");
  out = read_body(f, ctx.req.body.empty() ? std::string_view("{}") : std::string_view(ctx.req.body), shape);
  if (out.errors.empty()) return std::nullopt;
  int status = out.errors.front().code == "too_large" ? 413 : out.errors.front().code == "invalid_json" ? 400 : 422;
  return error_response(status, out.errors);
}

// Answers the gateway refuses are left out, and reported; the others are saved. Returns the changes
// that remain (checked against `values` as `u` would save them).
form::Changes drop_refused(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& values, form::Changes changes,
                           const util::Date& today, std::vector<FieldError>& dropped) {
  for (int round = 0; round < 8 && !changes.empty(); ++round) {
    svc::SaveResult r = svc::check(c, u, f, values, changes, today);
    std::set<std::string> bad;
    for (auto& e : r.errors)
      for (auto& field : e.fields)
        if (std::any_of(changes.begin(), changes.end(), [&](auto& ch) { return ch.first == field; })) bad.insert(field);
    if (r.status == svc::Status::Forbidden && !r.message.empty()) {
      // A refusal about the log as a whole (who may assign it): the answers it is about are left out.
      for (auto& ch : changes)
        if (ch.first == "assigned_to_id") bad.insert(ch.first);
      if (bad.empty()) break;
      dropped.push_back({"assigned_to_id", r.message, "forbidden"});
    }
    if (bad.empty()) break;
    std::vector<form::Error> about;
    for (auto& e : r.errors)
      if (std::any_of(e.fields.begin(), e.fields.end(), [&](auto& x) { return bad.count(x) > 0; })) about.push_back(e);
    add_errors(dropped, about);
    std::erase_if(changes, [&](auto& ch) { return bad.count(ch.first) > 0; });
  }
  return changes;
}

// POST (create) and validate (the same, writing nothing): a new log of the caller's organisation,
// with the setup its organisation implies and the answers that pass. Written as bulk upload writes
// its logs (create_many: one insert, the same checks as a save); the request, body and all, is the
// record of the answers it was made with (api_requests), as an upload's file is of its logs.
Response create(Context& ctx, Caller& caller, bool dry_run) {
  const logs::Kind* kind = kind_from_path(ctx.req.path);
  util::Date today = ctx.app.clock().today();
  auto f = kind ? form_for_new_logs(*kind, today) : nullptr;
  if (!f) return error_response(403, "Logs cannot be created for this collection year", "forbidden");
  Body body;
  if (auto bad = read(ctx, *f, {}, body)) return *bad;
  db::Connection& c = ctx.conn();
  auto cannot_create = [&]() -> std::optional<Response> {
    auto own = accounts::store::find_organisation(c, caller.user.organisation_id);
    if (!own || !perm::organisation_can_create_logs(*own))
      return error_response(403, "Your organisation must accept the data sharing agreement before it can create logs", "forbidden");
    return std::nullopt;
  };
  if (dry_run)
    if (auto no = cannot_create()) return *no;
  if (today > f->new_logs_end_date) return error_response(403, "The collection year is closed for new logs", "forbidden");
  // create_many puts the setup first, then the client's answers (which win where they give the same one).
  form::Changes changes = body.answers;
  auto given = [&](const std::string& attr) {
    return std::any_of(body.answers.begin(), body.answers.end(), [&](auto& a) { return a.first == attr; });
  };
  // The changes the client gave (not the setup put in front of them), as they now stand.
  auto given_answers = [&] {
    form::Changes out;
    for (auto& ch : changes)
      if (given(ch.first)) out.push_back(ch);
    return out;
  };
  std::vector<FieldError> dropped;
  const form::Values empty(f->size());
  std::vector<std::pair<form::Outcome, form::Context>> results;
  svc::NewLogs batch;
  batch.type = kind->type;
  batch.year = f->year;
  batch.creation_method = "api";
  batch.results = &results;
  batch.with_setup = true;
  int64_t id = 0;
  auto attempt = [&] {
    if (dry_run) return false;
    results.clear();
    batch.answers = {changes};
    try {
      id = svc::create_many(c, caller.user, batch, today).at(0);
      return true;
    } catch (const svc::Refused& e) {
      if (e.kind != svc::Refused::Kind::Forbidden) throw;
      return false;  // an answer refused: found and left out below
    }
  };
  if (!attempt()) {
    // Refused: the organisation (create_many checked it: asked again only now), or some answers.
    if (!dry_run)
      if (auto no = cannot_create()) return *no;
    // Which answers are refused, as a save would refuse them; those are left out. (Checked here
    // with the setup in front, as create_many puts it.)
    const form::Changes setup = svc::new_log_setup(c, caller.user, *f);
    form::Changes with_setup;
    for (auto& st : setup)
      if (std::none_of(changes.begin(), changes.end(), [&](auto& a) { return a.first == st.first; })) with_setup.push_back(st);
    with_setup.insert(with_setup.end(), changes.begin(), changes.end());
    changes = drop_refused(c, caller.user, *f, empty, with_setup, today, dropped);
    // A setup answer the client gave and the form refused: the log keeps the one it starts with.
    bool restored = false;
    for (auto& st : setup)
      if (std::none_of(changes.begin(), changes.end(), [&](auto& ch) { return ch.first == st.first; })) {
        changes.insert(changes.begin(), st);
        restored = true;
      }
    if (restored) changes = drop_refused(c, caller.user, *f, empty, changes, today, dropped);
    bool any_given = std::any_of(changes.begin(), changes.end(), [&](auto& ch) { return given(ch.first); });
    if (!body.answers.empty() && !any_given)
      return error_response(422, dropped.empty() ? std::vector<FieldError>{{"", "None of the answers could be saved", "invalid"}} : dropped);
    if (dry_run) {
      svc::SaveResult r = svc::check(c, caller.user, *f, empty, changes, today);
      if (r.status == svc::Status::Forbidden) return error_response(403, r.message, "forbidden");
      std::vector<FieldError> errors = dropped;
      add_not_asked(errors, given_answers(), r);
      // The log it would be: the records its answers name, no id yet.
      logs::store::Log l;
      l.type = kind->type;
      l.form_year = f->year;
      l.version = 0;
      l.creation_method = "api";
      l.created_at = l.updated_at = util::now_iso();
      auto id_at = [&](const char* attr) -> std::optional<int64_t> {
        int slot = f->slot(attr);
        if (slot < 0 || !r.outcome.values[size_t(slot)].is_int()) return std::nullopt;
        return r.outcome.values[size_t(slot)].as_int();
      };
      l.owning_organisation_id = id_at("owning_organisation_id");
      l.managing_organisation_id = id_at("managing_organisation_id");
      l.assigned_to_id = id_at("assigned_to_id");
      json j = log_json(*f, l, r, errors);
      j["log"]["id"] = nullptr;
      j["saved"] = false;
      return Response::json(j.dump(), 200);
    }
    if (!attempt()) {
      svc::SaveResult r = svc::check(c, caller.user, *f, empty, changes, today);
      std::vector<FieldError> errors = dropped;
      add_errors(errors, r.errors);
      if (r.status == svc::Status::Forbidden) return error_response(403, r.message, "forbidden");
      if (errors.empty()) errors.push_back({"", "The log could not be saved", "invalid"});
      return error_response(422, errors);
    }
  }
  caller.log_id = id;
  caller.keep_body = true;
  auto l = logs::store::find(c, id);
  svc::SaveResult now;
  now.outcome = std::move(results.at(0).first);
  now.context = std::move(results.at(0).second);
  add_not_asked(dropped, given_answers(), now);
  now.outcome.errors.clear();  // (written only when it had none)
  Response out = Response::json(log_json(*f, *l, now, dropped).dump(), 201);
  out.set_header("Location", "/api/v1" + kind->base + "/" + std::to_string(id));
  return out;
}

// The log in the path, if the caller's organisation may reach it (404 otherwise: ids reveal nothing).
logs::store::Log find_log(Context& ctx, Caller& caller, const logs::Kind& kind) {
  auto id = util::parse_id(ctx.req.param("id"));
  if (!id) throw svc::Refused(svc::Refused::Kind::NotFound, "no such log");
  logs::store::Log l = svc::find(ctx.conn(), caller.user, *id);
  if (l.type != kind.type) throw svc::Refused(svc::Refused::Kind::NotFound, "no such log");
  caller.log_id = l.id;
  return l;
}

Response show(Context& ctx, Caller& caller) {
  const logs::Kind* kind = kind_from_path(ctx.req.path);
  logs::store::Log l = find_log(ctx, caller, *kind);
  auto f = svc::form_of(l);
  svc::SaveResult now = svc::check(ctx.conn(), caller.user, *f, svc::answers_of(*f, l), {}, ctx.app.clock().today());
  return Response::json(log_json(*f, l, now, {}).dump());
}

// PATCH and confirm: changes to a log, at the version the client saw.
Response change(Context& ctx, Caller& caller, bool confirming) {
  const logs::Kind* kind = kind_from_path(ctx.req.path);
  logs::store::Log l = find_log(ctx, caller, *kind);
  auto f = svc::form_of(l);
  util::Date today = ctx.app.clock().today();
  BodyShape shape;
  shape.answers = !confirming;
  shape.version = shape.version_required = true;
  shape.checks = confirming;
  Body body;
  if (auto bad = read(ctx, *f, shape, body)) return *bad;
  if (*body.version > l.version)
    return error_response(409, "The log is at version " + std::to_string(l.version) + ": there is no version " + std::to_string(*body.version) + " yet",
                          "conflict", "version");
  db::Connection& c = ctx.conn();
  form::Values values = svc::answers_of(*f, l);
  std::vector<FieldError> dropped;
  form::Changes changes;
  if (confirming) {
    svc::SaveResult now = svc::check(c, caller.user, *f, values, {}, today);
    std::vector<std::string> pending;
    for (auto& s : now.outcome.soft_checks) pending.push_back(s.confirm_field);
    std::vector<std::string> wanted = body.checks ? *body.checks : pending;
    std::vector<FieldError> errors;
    for (auto& w : wanted)
      if (std::find(pending.begin(), pending.end(), w) == pending.end())
        errors.push_back({w, w + " is not a soft check waiting to be confirmed on this log", "not_pending"});
    if (!errors.empty()) return error_response(422, errors);
    if (wanted.empty()) return error_response(422, "There are no soft checks waiting to be confirmed on this log", "nothing_to_confirm");
    for (auto& w : wanted) changes.emplace_back(w, form::kInterruptionConfirmed);
  } else {
    changes = drop_refused(c, caller.user, *f, values, body.answers, today, dropped);
    if (!body.answers.empty() && changes.empty()) return error_response(422, dropped);
  }
  svc::SaveResult r = svc::save(c, caller.user, l, changes, *body.version, {today, std::nullopt});
  switch (r.status) {
    case svc::Status::Saved:
    case svc::Status::Unchanged: break;
    case svc::Status::Conflict: {
      std::vector<FieldError> errors;
      for (auto& cf : r.conflicts)
        errors.push_back({cf.field, "Someone else changed this answer since version " + std::to_string(*body.version) +
                                        ": read the log again and send your change with its new version",
                          "conflict"});
      return error_response(409, errors);
    }
    case svc::Status::Race: return error_response(409, "Someone else saved this log at the same moment: read it again and retry", "conflict");
    case svc::Status::Forbidden: return error_response(403, r.message, "forbidden");
    default: {
      std::vector<FieldError> errors = dropped;
      add_errors(errors, r.errors);
      if (errors.empty()) errors.push_back({"", r.message.empty() ? "The log could not be saved" : r.message, "invalid"});
      return error_response(422, errors);
    }
  }
  add_not_asked(dropped, changes, r);
  svc::SaveResult now = svc::check(c, caller.user, *f, svc::answers_of(*f, r.log), {}, today);
  return Response::json(log_json(*f, r.log, now, dropped).dump());
}

Response list(Context& ctx, Caller& caller) {
  const logs::Kind* kind = kind_from_path(ctx.req.path);
  logs::store::Filter filter;
  filter.type = kind->type;
  filter.organisation_id = caller.user.organisation_id;
  std::vector<FieldError> errors;
  for (auto& [k, v] : ctx.req.query)
    if (k != "year" && k != "status" && k != "updated_since" && k != "page") errors.push_back({k, "There is no filter called " + k, "unknown_field"});
  if (std::string y = ctx.req.q("year"); !y.empty()) {
    auto year = util::parse_int64(y);
    if (!year || *year < 2000 || *year > 2100) errors.push_back({"year", "year must be a collection year such as 2026", "wrong_type"});
    else filter.years = {int(*year)};
  }
  if (std::string s = ctx.req.q("status"); !s.empty()) {
    if (s != "not_started" && s != "in_progress" && s != "completed")
      errors.push_back({"status", "status must be not_started, in_progress or completed", "wrong_type"});
    else filter.statuses = {s};
  }
  if (std::string since = ctx.req.q("updated_since"); !since.empty()) {
    int64_t t = util::seconds_from_iso(since);
    if (!t || since.size() != 20 || since.back() != 'Z')
      errors.push_back({"updated_since", "updated_since must be a UTC time such as 2026-12-01T09:00:00Z", "wrong_type"});
    else filter.updated_since = util::iso_from_seconds(t);
  }
  filter.per_page = 100;
  if (std::string p = ctx.req.q("page"); !p.empty()) {
    auto page = util::parse_int64(p);
    if (!page || *page < 1 || *page > 100000) errors.push_back({"page", "page must be a page number from 1", "wrong_type"});
    else filter.page = int(*page);
  }
  if (!errors.empty()) return error_response(422, errors);
  logs::store::ListPage page = logs::store::list(ctx.conn(), filter);
  json logs = json::array();
  for (auto& l : page.logs)
    logs.push_back({{"id", l.id},
                    {"version", l.version},
                    {"status", l.status},
                    {"year", l.collection_year ? json(*l.collection_year) : json()},
                    {"updated_at", l.updated_at},
                    {"href", "/api/v1" + kind->base + "/" + std::to_string(l.id)}});
  int64_t pages = (page.total + filter.per_page - 1) / filter.per_page;
  return Response::json(json{{"logs", logs}, {"page", filter.page}, {"per_page", filter.per_page}, {"total", page.total}, {"pages", pages}}.dump());
}

// The form a supplier maps their data to: its pages, questions, options and conditions.
json form_json(const form::Form& f) {
  json pages = json::array();
  for (auto& p : f.pages) {
    json qs = json::array();
    for (auto& q : p.questions) {
      json jq = {{"id", q.id}, {"type", form::qtype_name(q.type)}};
      if (q.raw) {
        for (const char* k : {"header", "hint", "check_answer_label"})
          if (q.raw->contains(k) && (*q.raw)[k].is_string()) jq[k] = (*q.raw)[k];
      }
      if (!q.options.empty()) {
        json opts = json::array();
        for (auto& o : q.options) {
          opts.push_back({{"value", value_json(o.value)}, {"label", o.label}});
        }
        jq["options"] = opts;
      }
      if (!q.options_from.empty()) jq["options_from"] = q.options_from;
      if (q.min) jq["min"] = *q.min;
      if (q.max) jq["max"] = *q.max;
      if (q.step) jq["step"] = *q.step;
      qs.push_back(jq);
    }
    json jp = {{"id", p.id}, {"questions", qs}};
    if (p.raw && p.raw->contains("depends_on")) jp["depends_on"] = (*p.raw)["depends_on"];
    pages.push_back(jp);
  }
  json attributes = json::array();
  for (auto& a : f.attributes) {
    if (a.kind == form::AttrKind::Context) continue;
    attributes.push_back({{"id", a.id}, {"type", expr::type_name(a.type)}, {"input", a.input}, {"label", a.label}});
  }
  return {{"type", f.type}, {"year", f.year}, {"pages", pages}, {"attributes", attributes}};
}

Response form_definition(Context& ctx, Caller&) {
  auto year = util::parse_int64(ctx.req.param("year"));
  std::string type = ctx.req.param("type");
  const logs::Kind* kind = logs::kind_of(type);
  if (!year || !kind || std::find(kind->years.begin(), kind->years.end(), int(*year)) == kind->years.end())
    return error_response(404, "There is no such form: the forms are " + std::string("lettings and sales, by collection year"), "not_found");
  static std::mutex m;
  static std::map<std::pair<std::string, int64_t>, std::string> cache;
  std::lock_guard lock(m);
  auto key = std::make_pair(type, *year);
  if (!cache.count(key)) cache[key] = form_json(*form::get(type, int(*year))).dump();
  return Response::json(cache[key]);
}

Response openapi(Context&) {
  if (openapi_document().is_null()) return error_response(500, "The API's description is missing", "server_error");
  return Response::json(openapi_text());
}

}  // namespace

const std::string& openapi_text() {
  static const std::string text = [] {
    std::ifstream in(resource_root() / "docs" / "api" / "openapi.json");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }();
  return text;
}

const json& openapi_document() {
  static const json doc = [] {
    json j = json::parse(openapi_text(), nullptr, false);
    return j.is_object() ? j : json();
  }();
  return doc;
}

void register_routes(web::App& app) {
  using web::Access;
  for (const logs::Kind& kind : logs::kinds()) {
    std::string base = "/api/v1" + kind.base;
    app.add("POST", base, with_token([](Context& c, Caller& k) { return create(c, k, false); }), Access::Token);
    app.add("GET", base, with_token(list), Access::Token);
    app.add("POST", base + "/validate", with_token([](Context& c, Caller& k) { return create(c, k, true); }), Access::Token);
    app.add("GET", base + "/:id", with_token(show), Access::Token);
    app.add("PATCH", base + "/:id", with_token([](Context& c, Caller& k) { return change(c, k, false); }), Access::Token);
    app.add("POST", base + "/:id/confirm", with_token([](Context& c, Caller& k) { return change(c, k, true); }), Access::Token);
  }
  app.add("GET", "/api/v1/forms/:year/:type", with_token(form_definition), Access::Token);
  app.add("GET", "/api/v1/openapi.json", openapi, Access::Token);
}

}  // namespace core::api
