#include <algorithm>
#include <set>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/store.h"
#include "logs/columns.h"
#include "logs/duplicates.h"
#include "logs/flow.h"
#include "logs/kinds.h"
#include "logs/list.h"
#include "logs/options.h"
#include "logs/post.h"
#include "logs/present.h"
#include "logs/question_view.h"
#include "logs/routes.h"
#include "logs/service.h"
#include "logs/store.h"
#include "logs/urls.h"
#include "util/text.h"
#include "util/time.h"

namespace core::logs {

using namespace core::web;
using expr::Value;
using nlohmann::json;
namespace perm = accounts::permissions;

namespace {

using KindHandler = std::function<Response(Context&, const Kind&)>;

Urls urls(const Kind& kind) { return Urls{kind.base}; }

std::shared_ptr<const form::Form> form_of(const store::Log& l) { return service::form_of(l); }

// The log, if this user may see it and it is of this kind; 404 otherwise (never 403, so ids reveal nothing).
store::Log find_log(Context& ctx, const Kind& kind, int64_t id) {
  auto l = service::find(ctx.conn(), ctx.current_user(), id);
  if (l.type != kind.type) throw NotFound();
  return l;
}
store::Log load_log(Context& ctx, const Kind& kind) { return find_log(ctx, kind, ctx.req.id_param("id")); }

util::Date today(const Context& ctx) { return ctx.app.clock().today(); }

bool editable(const Context& ctx, const form::Form& f) { return service::editable(f, today(ctx)); }

bool can_delete(const Context& ctx, const store::Log& l, const form::Form& f) {
  return service::can_delete(ctx.current_user(), l, f, today(ctx));
}


Response create_log(Context& ctx, const Kind& kind) {
  const auto& u = ctx.current_user();
  util::Date on = today(ctx);
  store::Log l;
  try {
    l = service::create(ctx.conn(), u, kind.type, on);
  } catch (const service::Refused& e) {
    if (e.kind != service::Refused::Kind::Forbidden) throw;
    return ctx.page("errors/403", {{"title", "You cannot create a log now"}, {"message", e.what()}}, 403);
  }
  // Straight to the first setup page the user is asked.
  auto f = form_of(l);
  auto values = service::answers_of(*f, l);
  auto fc = log_context(ctx.conn(), u, *f, values, values, on);
  Flow flow(*f, values, fc);
  for (int p : f->subsections.front().pages)
    if (page_asked(flow, p)) return Response::redirect(urls(kind).page(l.id, f->pages[size_t(p)].id));
  return Response::redirect(urls(kind).log(l.id));
}

Response show_log(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto f = form_of(log);
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, today(ctx));
  auto o = form::apply(*f, values, {}, fc);
  json j;
  // "Log 2 – tenant code T1, property reference P1": which tenancy (or sale) this is, at a glance.
  std::string heading = "Log " + std::to_string(log.id);
  std::string codes;
  if (log.reference && !log.reference->empty()) codes = util::lower_first_word(kind.reference_label) + " " + *log.reference;
  if (log.property_reference && !log.property_reference->empty())
    codes += (codes.empty() ? "" : ", ") + util::lower_first_word(kind.property_reference_label) + " " + *log.property_reference;
  j["title"] = heading;
  j["heading"] = heading;
  j["heading_codes"] = codes;
  j["log_id"] = log.id;
  j["caption"] = kind.caption;
  j["base"] = kind.base;
  j["log_name"] = kind.name;
  bool completed = log.status == "completed";
  j["completed"] = completed;
  if (completed) {
    auto own = accounts::store::find_organisation(ctx.conn(), ctx.current_user().organisation_id);
    j["can_create"] = own && perm::organisation_can_create_logs(*own) && today(ctx) <= f->new_logs_end_date;
    j["edit_end"] = f->edit_end_date.display();
  }
  j["status_label"] = status_label(log.status);
  j["status_colour"] = status_colour(log.status);
  j["readonly"] = !editable(ctx, *f);
  j["can_delete"] = can_delete(ctx, log, *f);
  j["back"] = kind.base;
  Flow flow(*f, o, fc);
  int done = 0, applicable = 0;
  json sections = json::array();
  for (auto& sec : f->sections) {
    json s = {{"label", sec.label}, {"subsections", json::array()}};
    for (int si : sec.subsections) {
      const auto& sub = f->subsections[size_t(si)];
      if (o.subsections[size_t(si)] == form::Status::NotApplicable) continue;  // not part of this log
      ++applicable;
      std::string st = form::status_name(o.subsections[size_t(si)]);
      if (st == "completed") ++done;
      std::string href;
      if (st == "completed") href = urls(kind).cya(log.id, sub.id);
      else if (st != "cannot_start_yet") {
        int p = first_unanswered(flow, si);
        href = p >= 0 ? urls(kind).page(log.id, f->pages[size_t(p)].id) : urls(kind).cya(log.id, sub.id);
      }
      s["subsections"].push_back({{"id", sub.id}, {"label", sub.label}, {"href", href}, {"status", status_label(st)},
                                  {"colour", st == "cannot_start_yet" ? "" : st == "completed" ? "govuk-tag--green" : status_colour(st)}});
    }
    if (!s["subsections"].empty()) sections.push_back(s);
  }
  j["sections"] = sections;
  j["completed_count"] = done;
  j["subsection_count"] = applicable;
  return ctx.page("logs/show", j);
}

Response check_answers(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto f = form_of(log);
  std::string sub_id = underscore(ctx.req.param("subsection"));
  int si = -1;
  for (size_t i = 0; i < f->subsections.size(); ++i)
    if (f->subsections[i].id == sub_id) si = int(i);
  if (si < 0) throw NotFound();
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, today(ctx));
  const auto& sub = f->subsections[size_t(si)];
  // Rows in order; pages that name a card (`check_answers_card`) group their rows in GOV.UK summary
  // cards, one per run of pages with the same card.
  json cards = json::array();
  auto rows_for = [&](const std::string& card) -> json& {
    if (cards.empty() || cards.back()["title"] != card)
      cards.push_back({{"title", card}, {"has_title", !card.empty()}, {"rows", json::array()}});
    return cards.back()["rows"];
  };
  int answered_n = 0, total = 0;
  bool edit = editable(ctx, *f);
  Flow flow(*f, values, fc);
  RecordNames names = record_names(ctx, *f, values);
  std::set<std::string> shown;
  int last_row_slot = -1;  // the attribute of the row before, so a revealed question's row after its parent's is not numbered again
  for (int p : sub.pages) {
    if (!page_asked(flow, p)) continue;
    const auto& pg = f->pages[size_t(p)];
    std::string card = pg.raw ? pg.raw->value("check_answers_card", "") : "";
    if (card.empty() && !cards.empty()) card = cards.back()["title"].get<std::string>();  // an interruption screen: the card it follows
    for (auto& q : pg.questions) {
      if (q.type == form::QType::Interruption) {
        if (!values[size_t(q.slot)].null()) continue;  // confirmed: nothing to show
      } else {
        if (q.hidden_in_check_answers && flow.holds(q.hidden_in_check_answers)) continue;
        if (q.raw && q.raw->value("hidden_in_check_answers", json()) == json(true)) continue;
        if (q.derived_when && flow.holds(q.derived_when)) continue;  // worked out from another answer, not asked
        if (!required_now(flow, q) && !answered(q, values)) continue;
      }
      if (!shown.insert(q.id).second) continue;
      std::string shown_value = answer_text(*f, q, values, fc, names);
      bool has = answered(q, values);
      ++total;
      answered_n += has;
      // Answers shown with this one (address line 2 with line 1).
      if (q.raw && q.raw->contains("check_answers_joined"))
        for (auto& part : (*q.raw)["check_answers_joined"])
          if (int s = part.is_string() ? f->slot(part.get<std::string>()) : -1; s >= 0 && !values[size_t(s)].null())
            shown_value += ", " + value_text(*f, s, values[size_t(s)], names);
      bool after_parent = q.conditional_parent >= 0 && q.conditional_parent == last_row_slot;
      last_row_slot = q.slot;
      rows_for(card).push_back({{"key", numbered(q, q.label(), after_parent)}, {"change_label", q.label()}, {"value", shown_value}, {"answered", has}, {"editable", edit},
                                {"prompt", q.raw ? q.raw->value("check_answer_prompt", "Answer") : "Answer"},
                                {"href", urls(kind).page(log.id, pg.id) + "?referrer=check_answers"}});
    }
  }
  json j;
  j["title"] = "Check your answers";
  j["head_title"] = "Check your answers: " + sub.label + " - Log " + std::to_string(log.id);
  j["caption"] = sub.label;
  j["log_id"] = log.id;
  j["cards"] = cards;
  j["answered"] = answered_n;
  j["total"] = total;
  j["complete"] = answered_n == total;
  j["back"] = urls(kind).log(log.id);
  j["base"] = kind.base;
  return ctx.page("logs/check_answers", j);
}

int find_page(const form::Form& f, const std::string& param) {
  auto it = f.page_index.find(underscore(param));
  if (it == f.page_index.end()) throw NotFound();
  return it->second;
}

Response show_page(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto f = form_of(log);
  int page = find_page(*f, ctx.req.param("page"));
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, today(ctx));
  if (!form::page_routed(*f, page, values, fc)) return Response::redirect(urls(kind).log(log.id));
  bool from_cya = ctx.req.q("referrer") == "check_answers";
  const auto& pg = f->pages[size_t(page)];
  if (pg.questions.size() == 1 && pg.questions[0].type == form::QType::Interruption)
    return ctx.page("logs/interruption", interruption_json(ctx, urls(kind), !editable(ctx, *f), *f, log, page, values, fc, from_cya));
  return ctx.page("logs/question", question_page_json(ctx, urls(kind), !editable(ctx, *f), *f, log, page, values, fc, {}, nullptr, from_cya));
}

Response save_page(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto f = form_of(log);
  int page = find_page(*f, ctx.req.param("page"));
  const auto& pg = f->pages[size_t(page)];
  // The answers as stored, read again only to show the page with errors (the service reads them too).
  auto stored_answers = [&] { return service::answers_of(*f, log); };
  bool from_cya = ctx.req.f("referrer") == "check_answers";
  Typed typed;
  form::Changes changes = read_post(*f, pg, ctx.req, typed);
  auto version = util::parse_int64(ctx.req.f("version"));
  if (!version) throw BadRequest("The form is missing its version; go back to the log and try again.");

  service::SaveOptions opt;
  opt.today = today(ctx);
  opt.page = page;
  auto r = service::save(ctx.conn(), ctx.current_user(), log, changes, *version, opt);
  const form::Context& fc = r.context;

  std::map<std::string, std::string> errors;
  // The question on this page that an attribute belongs to (a checkbox option: its question).
  auto target_of = [&](const std::string& attr) {
    for (auto& q : pg.questions)
      for (auto& op : q.options)
        if (op.slot >= 0 && op.value.text() == attr) return q.id;
    return attr;
  };
  switch (r.status) {
    case service::Status::NotAsked: throw NotFound();
    case service::Status::Forbidden: throw HttpError(403, r.message);
    case service::Status::Conflict: {
      // Saved from a stale page, and someone else changed the same answer meanwhile.
      for (auto& cf : r.conflicts) {
        int s = f->slot(cf.field);
        std::string label = s >= 0 && !f->attributes[size_t(s)].questions.empty() ? f->attributes[size_t(s)].questions[0]->label() : cf.field;
        errors[target_of(cf.field)] = (cf.who.empty() ? std::string("Someone else") : cf.who) + " changed " + label + " to “" +
                                      (cf.theirs.null() ? "no answer" : cf.theirs.text()) + "” while you were editing. Your answer was “" +
                                      (cf.mine.null() ? "no answer" : cf.mine.text()) + "”. Check the answer and save again to keep yours.";
      }
      auto j = question_page_json(ctx, urls(kind), !editable(ctx, *f), *f, log, page, stored_answers(), fc, errors, &typed, from_cya, std::to_string(log.version));
      j["conflicts_present"] = true;
      return ctx.page("logs/question", j, 409);
    }
    case service::Status::Refused: {
      std::set<std::string> on_page;
      for (auto& q : pg.questions) {
        on_page.insert(q.id);
        for (auto& op : q.options)
          if (op.slot >= 0) on_page.insert(op.value.text());
      }
      for (auto& e : r.errors)
        for (auto& field : e.fields)
          if (on_page.count(field) && !errors.count(target_of(field))) errors[target_of(field)] = e.message;
      if (errors.empty())
        for (auto& e : r.errors) errors["_form"] = e.message;  // an error elsewhere in the log
      return ctx.page("logs/question", question_page_json(ctx, urls(kind), !editable(ctx, *f), *f, log, page, stored_answers(), fc, errors, &typed, from_cya, "", &r.errors), 422);
    }
    case service::Status::Race: {
      // Someone saved between our read and our write: show the page again with the latest answers.
      auto fresh = load_log(ctx, kind);
      errors["_form"] = r.message;
      auto fv = service::answers_of(*f, fresh);
      return ctx.page("logs/question", question_page_json(ctx, urls(kind), !editable(ctx, *f), *f, fresh, page, fv, fc, errors, &typed, from_cya), 409);
    }
    case service::Status::Saved: case service::Status::Unchanged: break;
  }
  const form::Values& now = r.outcome.values;
  if (auto to = duplicates_redirect(ctx, kind, r)) return Response::redirect(*to);
  if (ctx.req.f("referrer") == "interruption") {
    // Back to the interruption screen the change was made from, while it still applies.
    auto it = f->page_index.find(underscore(ctx.req.f("return_to")));
    if (it != f->page_index.end() && form::page_routed(*f, it->second, now, fc))
      return Response::redirect(urls(kind).page(log.id, f->pages[size_t(it->second)].id));
  }
  Flow flow(*f, r.outcome, fc);
  return Response::redirect(urls(kind).next(flow, log.id, page, from_cya));
}

Response history(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto f = form_of(log);
  auto values = form::values_from_text(*f, log.answers);
  RecordNames names = record_names(ctx, *f, values);
  // Answers people gave, and (folded away) the ones the service worked out from them.
  json given = json::array(), worked_out = json::array();
  for (auto& h : store::history(ctx.conn(), log.id)) {
    int s = f->slot(h.field);
    std::string label = s >= 0 && !f->attributes[size_t(s)].questions.empty() ? f->attributes[size_t(s)].questions[0]->label()
                        : s >= 0 && !f->attributes[size_t(s)].label.empty() ? f->attributes[size_t(s)].label : h.field;
    auto show = [&](const json& v) -> std::string {
      if (v.is_null()) return "";
      Value x = expr::from_json(v);
      return s >= 0 ? value_text(*f, s, x, names) : x.text();
    };
    // Answers nobody gives (the channels cannot set them): the service worked them out from others.
    bool derived = s >= 0 && !f->attributes[size_t(s)].input;
    json row = {{"at", util::display_datetime(h.changed_at)}, {"who", h.user_name}, {"field", label}, {"before", show(h.before)}, {"after", show(h.after)}};
    (derived ? worked_out : given).push_back(row);
  }
  // A log created by bulk upload has no row per answer: its answers came from the upload, whose file is kept.
  json created = nullptr;
  if (log.bulk_upload_id)
    created = {{"text", "Created from bulk upload " + std::to_string(*log.bulk_upload_id) + " on " + util::display_datetime(log.created_at) +
                            ". The answers it was created with are the upload’s; changes since are listed here."},
               {"href", kind.base + "/bulk-upload-results/" + std::to_string(*log.bulk_upload_id)}};
  // A log made through the submission API: its answers are those the software sent, kept with the
  // request that made it (api_requests), as an upload's are in its file.
  if (log.creation_method == "api")
    created = {{"text", "Created through the submission API on " + util::display_datetime(log.created_at) +
                            ". The answers it was created with are those the organisation’s software sent; changes since are listed here."},
               {"href", nullptr}};
  json j = {{"title", "History of log " + std::to_string(log.id)}, {"log_id", log.id}, {"rows", given}, {"count", given.size()}, {"created", created},
            {"derived_rows", worked_out}, {"derived_count", worked_out.size()}, {"has_derived", !worked_out.empty()}, {"back", urls(kind).log(log.id)}, {"base", kind.base}};
  return ctx.page("logs/history", j);
}

std::vector<int64_t> posted_ids(const Request& req, bool from_query) {
  std::vector<int64_t> ids;
  auto& src = from_query ? req.query : req.form;
  for (auto& [k, v] : src) {
    if (k != "ids") continue;
    auto id = util::parse_id(v);
    if (!id) throw BadRequest("A log id is not a number.");
    ids.push_back(*id);
  }
  return ids;
}

// The logs among `ids` this user may delete; 404 when any is not theirs to see.
std::vector<store::Log> deletable(Context& ctx, const Kind& kind, const std::vector<int64_t>& ids) {
  std::vector<store::Log> out;
  for (int64_t id : ids) {
    auto l = find_log(ctx, kind, id);
    if (!can_delete(ctx, l, *form_of(l))) throw Forbidden();
    out.push_back(l);
  }
  return out;
}

// What the log service refuses outright, as the web answers it: a log nobody may see here is 404
// (ids reveal nothing); one that cannot be read is shown as a page that says so, and never saved.
Handler guarded(const Kind& kind, KindHandler h) {
  return [&kind, h](Context& ctx) -> Response {
    try {
      return h(ctx, kind);
    } catch (const service::Refused& e) {
      switch (e.kind) {
        case service::Refused::Kind::NotFound: throw NotFound();
        case service::Refused::Kind::Forbidden: throw HttpError(403, e.what());
        case service::Refused::Kind::Unreadable: break;
      }
      return ctx.page("errors/generic", {{"title", "This log cannot be opened"}, {"message", e.what()}, {"status", 409},
                                         {"back", kind.base}},
                      ctx.req.method == "GET" ? 200 : 409);
    }
  };
}

// What the delete confirmation lists, so the user can see which logs they are deleting.
json delete_rows(const std::vector<store::Log>& logs) {
  json rows = json::array();
  for (auto& l : logs)
    rows.push_back({{"id", l.id}, {"reference", l.reference.value_or("")}, {"property_reference", l.property_reference.value_or("")}});
  return rows;
}

}  // namespace

void register_kind(App& web, const Kind& kind) {
  web.add_nav(10, [&kind](const Context& ctx, std::vector<NavLink>& out) {
    if (ctx.user) out.push_back({kind.title, kind.base, ctx.req.path.rfind(kind.base, 0) == 0});
  });
  accounts::add_organisation_tab(kind.base.substr(1), kind.title, kind.base);
  auto get = [&web, &kind](const std::string& p, KindHandler h) { web.get(kind.base + p, guarded(kind, std::move(h))); };
  auto post = [&web, &kind](const std::string& p, KindHandler h) { web.post(kind.base + p, guarded(kind, std::move(h))); };
  get("", [](Context& ctx, const Kind& k) { return list_page(ctx, k, nullptr); });
  // An organisation's logs, for those who may view the organisation (support, or its own users).
  web.get("/organisations/:id" + kind.base, guarded(kind, [](Context& ctx, const Kind& k) {
    auto org = accounts::store::find_organisation(ctx.conn(), ctx.req.id_param("id"));
    if (!org || !perm::can_view_organisation(ctx.current_user(), org->id)) throw NotFound();
    return list_page(ctx, k, &*org);
  }));
  web.get("/organisations/:id" + kind.base + "/clear-filters", guarded(kind, [](Context& ctx, const Kind& k) {
    int64_t id = ctx.req.id_param("id");
    if (!perm::can_view_organisation(ctx.current_user(), id)) throw NotFound();
    clear_list_filters(ctx, k);
    return Response::redirect("/organisations/" + std::to_string(id) + k.base);
  }));
  post("", create_log);
  get("/clear-filters", [](Context& ctx, const Kind& k) {
    clear_list_filters(ctx, k);
    return Response::redirect(k.base);
  });
  get("/delete", [](Context& ctx, const Kind& k) {
    auto ids = posted_ids(ctx.req, true);
    if (ids.empty()) {
      ctx.flash_next("Select at least one log to delete.");
      return Response::redirect(k.base);
    }
    auto logs = deletable(ctx, k, ids);
    json j = {{"title", ids.size() == 1 ? "Are you sure you want to delete this log?" : "Are you sure you want to delete these logs?"},
              {"ids", ids}, {"count", ids.size()}, {"has_many", ids.size() != 1}, {"logs", delete_rows(logs)}, {"reference_heading", k.reference_label}, {"property_reference_heading", k.property_reference_label},
              {"action", k.base + "/delete"}, {"button", ids.size() == 1 ? "Delete this log" : "Delete logs"},
              {"cancel", k.base}, {"back", k.base}};
    return ctx.page("logs/delete", j);
  });
  post("/delete", [](Context& ctx, const Kind& k) {
    auto ids = posted_ids(ctx.req, false);
    if (ids.empty()) throw BadRequest("No logs were selected.");
    service::remove(ctx.conn(), ctx.current_user(), ids, today(ctx));
    ctx.flash_next(std::to_string(ids.size()) + (ids.size() == 1 ? " log has been deleted." : " logs have been deleted."));
    return Response::redirect(k.base);
  });
  get("/:id", show_log);
  get("/:id/history", history);
  get("/:id/delete", [](Context& ctx, const Kind& k) {
    auto log = load_log(ctx, k);
    auto logs = deletable(ctx, k, {log.id});
    json j = {{"title", "Are you sure you want to delete this log?"}, {"ids", json::array({log.id})}, {"has_many", false},
              {"count", 1}, {"logs", delete_rows(logs)}, {"reference_heading", k.reference_label}, {"property_reference_heading", k.property_reference_label},
              {"action", urls(k).log(log.id) + "/delete"}, {"button", "Delete this log"}, {"cancel", urls(k).log(log.id)}, {"back", urls(k).log(log.id)}};
    return ctx.page("logs/delete", j);
  });
  post("/:id/delete", [](Context& ctx, const Kind& k) {
    auto log = load_log(ctx, k);
    service::remove(ctx.conn(), ctx.current_user(), {log.id}, today(ctx));
    ctx.flash_next("Log " + std::to_string(log.id) + " has been deleted.");
    return Response::redirect(k.base);
  });
  get("/:id/duplicate-logs", duplicates_page);
  get("/:id/delete-duplicates", confirm_delete_duplicates);
  post("/:id/delete-duplicates", delete_duplicates);
  get("/:id/:subsection/check-answers", check_answers);
  get("/:id/:page", show_page);
  post("/:id/:page", save_page);
}

void register_routes(App& web) {
  for (const Kind& kind : kinds()) register_kind(web, kind);
  web.get("/duplicate-logs", duplicate_sets_page);  // the sets of every kind
}

}  // namespace core::logs
