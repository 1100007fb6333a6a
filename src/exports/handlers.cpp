#include <iostream>
#include <algorithm>
#include <atomic>
#include <memory>
#include <cstdlib>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "exports/csv_download.h"
#include "exports/routes.h"
#include "exports/store.h"
#include "form/registry.h"
#include "logs/kinds.h"
#include "logs/list.h"
#include "mail/email_template.h"
#include "util/text.h"
#include "util/time.h"

namespace core::exports {

using namespace core::web;
using nlohmann::json;
namespace perm = accounts::permissions;

int64_t stream_limit() {
  const char* v = std::getenv("CORE_CSV_STREAM_LIMIT");
  auto n = util::parse_int64(v ? v : "");
  return n && *n >= 0 ? *n : 10000;
}

namespace {

constexpr int64_t kLinkSeconds = 48 * 3600;
constexpr int64_t kMaxPreparing = 3;  // big downloads one person may have waiting or being written at once

// Downloads being streamed now: each holds two database connections while it runs, so at most a
// quarter of the pool's connections go to them; beyond that a download is prepared by a job
// instead, as a big one is. A slot is held for as long as the response that streams it exists.
std::atomic<int64_t> streams_in_flight{0};
struct StreamSlot {
  StreamSlot() { streams_in_flight.fetch_add(1); }
  ~StreamSlot() { --streams_in_flight; }
  StreamSlot(const StreamSlot&) = delete;
};
int64_t max_streams(const App& app) { return std::max<int64_t>(1, int64_t(app.config().db_pool) / 8); }
constexpr size_t kPartBytes = 1 << 20;  // a big download's file is kept in parts of about 1 MB

// What the person asked for: which year, codes or labels, all logs or those with errors. From the
// query (the confirmation page) or the form (the download itself).
struct Ask {
  std::optional<int> year;
  bool codes = false, with_errors = false;
  std::string query() const {
    std::string q;
    auto add = [&](const std::string& kv) { q += (q.empty() ? "?" : "&") + kv; };
    if (year) add("year=" + std::to_string(*year));
    if (codes) add("codes=1");
    if (with_errors) add("errors=1");
    return q;
  }
};

Ask read_ask(Context& ctx, const logs::Kind& kind, const logs::store::Filter& f, bool from_form) {
  auto value = [&](const char* k) { return from_form ? ctx.req.f(k) : ctx.req.q(k); };
  Ask a;
  a.codes = value("codes") == "1";
  a.with_errors = value("errors") == "1";
  if (a.codes && !perm::can_download_codes(ctx.current_user())) throw HttpError(403, "Only support users can download codes.");
  // A year the list offers and the kind has a form for (the list also offers last year's, which
  // may have none).
  auto downloadable = [&](int y) {
    auto offered = logs::list_years(kind);
    return std::find(offered.begin(), offered.end(), y) != offered.end() && std::find(kind.years.begin(), kind.years.end(), y) != kind.years.end();
  };
  if (auto y = util::parse_int64(value("year")); y && *y > 0 && *y < 10000 && downloadable(int(*y)))
    a.year = int(*y);
  else if (f.years.size() == 1 && downloadable(f.years.front()))
    a.year = f.years.front();
  return a;
}

// The organisation whose list this is (an organisation's logs), or nullptr for the user's own list.
std::optional<accounts::Organisation> list_organisation(Context& ctx) {
  if (ctx.req.params.count("id") == 0) return std::nullopt;
  auto org = accounts::store::find_organisation(ctx.conn(), ctx.req.id_param("id"));
  if (!org || !perm::can_view_organisation(ctx.current_user(), org->id)) throw NotFound();
  return org;
}

std::string list_path(const logs::Kind& kind, const std::optional<accounts::Organisation>& of) {
  return of ? "/organisations/" + std::to_string(of->id) + kind.base : kind.base;
}

CsvRequest csv_request(Context& ctx, const logs::Kind& kind, const logs::store::Filter& f, const Ask& a) {
  CsvRequest r;
  r.type = kind.type;
  r.year = *a.year;
  r.support = perm::sees_support_columns(ctx.current_user());
  r.codes = a.codes;
  r.with_errors = a.with_errors;
  r.filter = f;
  r.user = &ctx.current_user();
  r.today = ctx.app.clock().today();
  return r;
}

std::string count_text(int64_t n) { return util::thousands(n) + (n == 1 ? " log" : " logs"); }

// A CSV file's response, its body to be streamed.
Response csv_response(const std::string& filename) {
  Response res;
  res.content_type = "text/csv; charset=utf-8";
  res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  res.headers.push_back({"Cache-Control", "no-store"});
  return res;
}

Response year_picker(Context& ctx, const logs::Kind& kind, const std::string& action, const Ask& a) {
  json options = json::array();
  for (int y : logs::list_years(kind))
    if (std::find(kind.years.begin(), kind.years.end(), y) != kind.years.end())
      options.push_back({{"value", y}, {"label", std::to_string(y) + " to " + std::to_string(y + 1)}});
  // Sent without a choice (or with one that is not offered): say so, as GOV.UK forms do.
  bool chose = ctx.req.q("chose") == "1";
  json j = {{"title", "Which collection year do you want to download?"}, {"action", action}, {"options", options},
            {"codes", a.codes}, {"with_errors", a.with_errors}, {"back", action.substr(0, action.rfind('/'))}};
  if (chose && !options.empty()) {
    j["error"] = "Select a collection year";
    j["has_errors"] = true;
    j["errors"] = json::array({{{"text", "Select a collection year"}, {"href", "#year-" + options[0]["value"].dump()}}});
    j["title"] = "Error: Which collection year do you want to download?";
  }
  return ctx.page("exports/year", j, chose ? 422 : 200);
}

Response confirm(Context& ctx, const logs::Kind& kind) {
  auto of = list_organisation(ctx);
  logs::store::Filter f = logs::current_filter(ctx, kind, of ? &*of : nullptr);
  Ask a = read_ask(ctx, kind, f, false);
  const std::string back = list_path(kind, of);
  const std::string action = back + "/csv-download";
  if (!a.year) return year_picker(ctx, kind, action, a);
  CsvRequest r = csv_request(ctx, kind, f, a);
  int64_t n = count_csv(ctx.conn(), r);
  json rows = json::array();
  f.years = {*a.year};
  for (auto& [label, value] : logs::filter_summary(ctx, kind, f)) rows.push_back({{"key", label}, {"value", value}});
  bool big = n > stream_limit();
  std::string what = a.with_errors ? "in-progress " + kind.name + "s with what is still missing or wrong on each" : kind.name + "s";
  return ctx.page("exports/confirm", {{"title", a.with_errors ? "Download logs with errors" : "Download CSV"},
                                      {"count_text", count_text(n)},
                                      {"what", what},
                                      {"none", n == 0},
                                      {"big", big},
                                      {"rows", rows},
                                      {"codes", a.codes},
                                      {"with_errors", a.with_errors},
                                      {"year", *a.year},
                                      {"variant", a.codes ? "codes" : "labels"},
                                      {"action", action},
                                      {"change", back},
                                      {"back", back}});
}

Response download(Context& ctx, const logs::Kind& kind) {
  auto of = list_organisation(ctx);
  logs::store::Filter f = logs::current_filter(ctx, kind, of ? &*of : nullptr);
  Ask a = read_ask(ctx, kind, f, true);
  if (!a.year) throw BadRequest("Choose a collection year to download.");
  CsvRequest r = csv_request(ctx, kind, f, a);
  const auto& u = ctx.current_user();
  r.filter.years = {*a.year};
  int64_t n = count_csv(ctx.conn(), r);
  store::Download d;
  d.user_id = u.id;
  d.organisation_id = u.organisation_id;
  d.type = kind.type;
  d.year = *a.year;
  d.codes = a.codes;
  d.with_errors = a.with_errors;
  d.filters = filter_json(r.filter);
  d.filename = csv_filename(kind.type, *a.year, of && perm::is_support(u) ? of->name : "", util::now_iso());
  d.created_at = util::now_iso();
  // Taken now, so that a download that cannot stream goes to the job instead (and is counted).
  auto slot = std::make_shared<StreamSlot>();
  if (n > stream_limit() || streams_in_flight > max_streams(ctx.app)) {
    slot.reset();
    // A big download (or the server is streaming as many as it should): written by a job, then
    // fetched from its link.
    // A person has at most a few prepared at once: each is a job reading every matching log.
    if (store::preparing_for_user(ctx.conn(), u.id) >= kMaxPreparing)
      return ctx.app.error_page(ctx, 429,
                                "You already have " + std::to_string(kMaxPreparing) +
                                    " downloads being prepared. You will get an email when each is ready; ask for another once one has finished.");
    d.state = "queued";
    d.rows = n;
    d.expires_at = util::iso_from_seconds(util::now_seconds() + kLinkSeconds);
    int64_t id = 0;
    ctx.conn().transaction([&] {
      id = store::create(ctx.conn(), d);
      store::set_job(ctx.conn(), id, jobs::enqueue(ctx.conn(), "csv_download", std::to_string(id)));
    });
    ctx.app.wake_jobs();
    return Response::redirect("/csv-downloads/" + std::to_string(id));
  }
  // The form and its description are loaded, and both connections taken, before anything is sent:
  // a failure here is still an error page, not a cut-off file.
  form::get(kind.type, *a.year);
  download_spec(kind.type, *a.year);
  auto lease = std::make_shared<db::Lease>(ctx.app.db().acquire());
  auto reader = std::make_shared<db::Lease>(ctx.app.db().acquire());
  d.state = "streaming";
  d.rows = n;
  int64_t id = store::create(ctx.conn(), d);
  Response res = csv_response(d.filename);
  // Written after the handler returns, on a connection of its own (the request's goes back to the pool).
  accounts::User user = u;
  res.stream = [r, user, id, slot, lease, reader](const BodyWriter& write) mutable {
    r.user = &user;
    try {
      int64_t written = write_csv(**lease, r, write, &**reader);
      store::set_state(**lease, id, "downloaded", written);
    } catch (...) {
      try {
        store::set_state(**lease, id, "failed", 0);
      } catch (...) {
      }
      throw;
    }
  };
  return res;
}

store::Download viewable(Context& ctx) {
  auto d = store::find(ctx.conn(), ctx.req.id_param("id"));
  if (!d) throw NotFound();
  // Whether it holds only its requester's organisation's logs (the logs that organisation owns or manages).
  auto f = filter_from_json(d->filters);
  bool own = f && !f->all_organisations && f->organisation_id == d->organisation_id;
  if (!perm::can_view_csv_download(ctx.current_user(), d->organisation_id, d->user_id, own)) throw NotFound();
  return *d;
}

bool expired(const store::Download& d) {
  return d.expires_at && util::seconds_from_iso(*d.expires_at) <= util::now_seconds();
}

Response download_page(Context& ctx) {
  store::Download d = viewable(ctx);
  const logs::Kind* kind = logs::kind_of(d.type);
  std::string back = kind ? kind->base : "/";
  json j = {{"back", back}, {"list", back}, {"filename", d.filename}, {"count_text", count_text(d.rows)}};
  if (d.state == "ready" && !expired(d)) {
    j["title"] = "Your CSV download is ready";
    j["ready"] = true;
    j["href"] = "/csv-downloads/" + std::to_string(d.id) + "/download";
    j["expires"] = util::display_datetime(*d.expires_at);
  } else if (expired(d) || d.state == "expired" || d.state == "downloaded" || d.state == "streaming") {
    j["title"] = "This download link has expired";
    j["gone"] = true;
  } else if (d.state == "failed" || (d.job_id && [&] {
               auto job = jobs::find(ctx.conn(), *d.job_id);
               return job && job->state == "failed";
             }())) {
    j["title"] = "Your CSV download could not be made";
    j["failed"] = true;
  } else {
    j["title"] = "We are preparing your CSV download";
    j["waiting"] = true;
    if (d.job_id)
      if (auto job = jobs::find(ctx.conn(), *d.job_id); job && job->progress_total > 0)
        j["progress"] = std::to_string(job->progress) + " of " + std::to_string(job->progress_total) + " logs written.";
    j["refresh"] = "/csv-downloads/" + std::to_string(d.id);
  }
  return ctx.page("exports/download", j);
}

Response download_file(Context& ctx) {
  store::Download d = viewable(ctx);
  if (d.state != "ready" || expired(d)) return Response::redirect("/csv-downloads/" + std::to_string(d.id));
  // A stored file holds a connection while it is sent: it counts against the streams' share of the pool.
  auto slot = std::make_shared<StreamSlot>();
  if (streams_in_flight > max_streams(ctx.app)) {
    Response busy = ctx.app.error_page(ctx, 503, "Too many files are being sent just now. Try again in a minute.");
    busy.set_header("Retry-After", "60");
    return busy;
  }
  auto lease = std::make_shared<db::Lease>(ctx.app.db().acquire());
  Response res = csv_response(d.filename);
  int64_t id = d.id;
  res.stream = [lease, id, slot](const BodyWriter& write) { store::each_part(**lease, id, write); };
  return res;
}

}  // namespace

int64_t write_download(db::Database& db, db::Connection& c, int64_t download_id, const std::function<bool(int64_t, int64_t)>& progress) {
  auto d = store::find(c, download_id);
  if (!d) throw std::runtime_error("no such download");
  auto f = filter_from_json(d->filters);
  auto user = accounts::store::find_user(c, d->user_id);
  if (!f || !user) throw std::runtime_error("the download's record cannot be read");
  // The logs the person may see now, not when they asked: someone who is no longer support, or has
  // moved organisation, gets their own organisation's logs (an empty file if none match).
  if (!perm::is_support(*user) && (f->all_organisations || f->organisation_id != user->organisation_id)) {
    f->all_organisations = false;
    f->organisation_id = user->organisation_id;
  }
  CsvRequest r;
  r.type = d->type;
  r.year = d->year;
  r.support = perm::sees_support_columns(*user);
  r.codes = d->codes && perm::can_download_codes(*user);
  r.with_errors = d->with_errors;
  r.filter = *f;
  r.user = &*user;
  r.today = util::today_utc();
  int64_t total = d->rows, calls = 0;
  // A run starts afresh (a run before it may have stopped part-way), and the file is served only
  // once the last part is in and the state says "ready". The logs are read on a connection of
  // their own (a PostgreSQL cursor lives in a transaction), while each part and the progress are
  // committed on the job's as they are written: the lease is kept, and a worker that has lost
  // the job (its lease ran out and another took it) stops.
  store::clear_parts(c, download_id);
  store::set_state(c, download_id, "writing", total);
  auto reader = db.acquire();
  std::string buffer;
  int part = 0;
  int64_t written = write_csv(c, r, [&](std::string_view s) {
    buffer.append(s);
    // Each write is one row, after the byte order mark and the two header rows.
    if (++calls > 3 && (calls - 3) % 1000 == 0 && progress && !progress(calls - 3, total))
      throw std::runtime_error("the download's job is no longer this worker's");
    if (buffer.size() >= kPartBytes) {
      store::add_part(c, download_id, part++, buffer);
      buffer.clear();
    }
  }, &*reader);
  // The last part and "ready" together, and only while the job is still this worker's.
  c.transaction([&] {
    if (progress && !progress(written, total)) throw std::runtime_error("the download's job is no longer this worker's");
    if (!buffer.empty()) store::add_part(c, download_id, part++, buffer);
    store::set_state(c, download_id, "ready", written);
  });
  return written;
}

void register_jobs(jobs::Worker& w, db::Database& db, mail::Mailer& mailer, std::string base_url) {
  w.handle("csv_download", [&db, &mailer, base_url](db::Connection& c, jobs::Run& run) {
    auto id = util::parse_id(run.job.payload);
    if (!id) return std::string("bad payload");
    // Every big download clears out the files of those whose links have run out (48 hours).
    if (int64_t purged = store::purge_expired_parts(c, util::now_iso())) std::cerr << "csv downloads: " << purged << " expired file(s) deleted\n";
    try {
      int64_t n = write_download(db, c, *id, run.progress);
      auto d = store::find(c, *id);
      auto u = accounts::store::find_user(c, d->user_id);
      if (u) {
        std::string body = mail::render_email("csv_download_ready", {{"name", u->name.empty() ? u->email : u->name},
                                                                     {"type", d->type},
                                                                     {"count", count_text(n)},
                                                                     {"link", base_url + "/csv-downloads/" + std::to_string(*id)}});
        mailer.send({u->email, "Your " + d->type + " logs CSV download is ready", body});
      }
      return "written " + std::to_string(n);
    } catch (...) {
      if (run.job.attempts >= run.job.max_attempts) store::set_state(c, *id, "failed", 0);
      throw;
    }
  });
}

void register_routes(App& app) {
  for (const logs::Kind& kind : logs::kinds()) {
    for (const std::string& prefix : {std::string(), std::string("/organisations/:id")}) {
      app.get(prefix + kind.base + "/csv-download", [&kind](Context& ctx) { return confirm(ctx, kind); });
      app.post(prefix + kind.base + "/csv-download", [&kind](Context& ctx) { return download(ctx, kind); });
    }
  }
  app.get("/csv-downloads/:id", download_page);
  app.get("/csv-downloads/:id/download", download_file);
}

}  // namespace core::exports
