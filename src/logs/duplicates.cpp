#include "logs/duplicates.h"

#include <set>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "form/registry.h"
#include "logs/options.h"
#include "logs/present.h"
#include "logs/question_view.h"
#include "logs/store.h"
#include "logs/urls.h"
#include "util/text.h"

namespace core::logs {

using namespace core::web;
using nlohmann::json;
namespace perm = accounts::permissions;

namespace {

std::string duplicates_href(const Kind& kind, int64_t id) { return Urls{kind.base}.log(id) + "/duplicate-logs"; }

// The log, if this user may see it and it is of this kind; 404 otherwise.
store::Log load_log(Context& ctx, const Kind& kind) {
  auto l = service::find(ctx.conn(), ctx.current_user(), ctx.req.id_param("id"));
  if (l.type != kind.type) throw NotFound();
  return l;
}

// The collection years of a kind whose logs can still be changed today.
std::vector<int> open_years(const Kind& kind, const util::Date& today) {
  std::vector<int> out;
  for (int y : kind.years) {
    try {
      if (service::editable(*form::get(kind.type, y), today)) out.push_back(y);
    } catch (const std::exception&) {
    }
  }
  return out;
}

std::string date_text(const std::optional<std::string>& iso) {
  if (!iso) return "";
  auto d = util::parse_iso_date(*iso);
  return d ? d->display() : "";
}

// One log of a set as a summary card: its matching answers (as check answers shows them), each
// with a link to the page that asks it, which comes back to the duplicates page of `original`.
json log_card(Context& ctx, const Kind& kind, const store::Log& log, int64_t original) {
  auto f = service::form_of(log);
  auto values = service::answers_of(*f, log);
  auto fc = log_context(ctx.conn(), ctx.current_user(), *f, values, values, ctx.app.clock().today());
  RecordNames names = record_names(ctx, *f, values);
  bool edit = service::editable(*f, ctx.app.clock().today());
  json rows = json::array();
  for (int slot : f->log.duplicates.match_slots) {
    const expr::Value& v = values[size_t(slot)];
    if (v.null()) continue;  // blank on every log of the set (they are equal): nothing to compare
    const form::Attribute& a = f->attributes[size_t(slot)];
    // The question that asks it on a page shown for this log (the rent pages differ by period), else the first.
    const form::Question* asked = nullptr;
    for (const form::Question* q : a.questions) {
      if (form::page_routed(*f, q->page, values, fc)) {
        asked = q;
        break;
      }
      if (!asked) asked = q;
    }
    std::string label = asked ? asked->label() : a.label;
    std::string value = asked ? answer_text(*f, *asked, values, fc, names) : value_text(*f, slot, v, names);
    std::string href;
    if (edit && asked && form::page_routed(*f, asked->page, values, fc))
      href = Urls{kind.base}.page(log.id, f->pages[size_t(asked->page)].id) + "?referrer=duplicate_logs&original_log_id=" +
             std::to_string(original);
    rows.push_back({{"key", label}, {"value", value}, {"href", href}, {"change_label", label}});
  }
  return {{"id", log.id}, {"href", Urls{kind.base}.log(log.id)}, {"rows", rows}, {"this_log", log.id == original},
          {"status", status_label(log.status)}, {"status_colour", status_colour(log.status)}};
}

// The others of the log's set that the user may see; Forbidden when they may not delete one.
std::vector<store::Log> others_to_delete(Context& ctx, const store::Log& log) {
  auto set = service::duplicates(ctx.conn(), ctx.current_user(), log);
  std::vector<store::Log> out(set.begin() + (set.empty() ? 0 : 1), set.end());
  for (auto& l : out)
    if (!service::can_delete(ctx.current_user(), l, *service::form_of(l), ctx.app.clock().today())) throw Forbidden();
  return out;
}

}  // namespace

Response duplicates_page(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto set = service::duplicates(ctx.conn(), ctx.current_user(), log);
  std::string id = std::to_string(log.id);
  json j = {{"log_id", log.id}, {"log_href", Urls{kind.base}.log(log.id)}, {"back", Urls{kind.base}.log(log.id)}, {"sets_href", "/duplicate-logs"}};
  if (set.size() < 2) {
    j["title"] = "Log " + id + " has no duplicates";
    j["no_more"] = true;
    return ctx.page("logs/duplicates", j);
  }
  j["title"] = set.size() == 2 ? "These 2 logs are duplicates" : "These " + std::to_string(set.size()) + " logs are duplicates";
  j["caption"] = kind.caption + " " + id;
  json cards = json::array();
  bool can_delete = true;
  for (auto& l : set) {
    cards.push_back(log_card(ctx, kind, l, log.id));
    if (l.id != log.id) can_delete = can_delete && service::can_delete(ctx.current_user(), l, *service::form_of(l), ctx.app.clock().today());
  }
  j["logs"] = cards;
  j["others"] = set.size() - 1;
  j["can_delete"] = can_delete;
  j["delete_href"] = Urls{kind.base}.log(log.id) + "/delete-duplicates";
  j["delete_button"] = set.size() == 2 ? "Keep this log and delete the duplicate" : "Keep this log and delete the duplicates";
  return ctx.page("logs/duplicates", j);
}

Response confirm_delete_duplicates(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto others = others_to_delete(ctx, log);
  if (others.empty()) return Response::redirect(duplicates_href(kind, log.id));
  json ids = json::array(), rows = json::array();
  for (auto& l : others) {
    ids.push_back(l.id);
    rows.push_back({{"id", l.id}, {"reference", l.reference.value_or("")}, {"property_reference", l.property_reference.value_or("")}});
  }
  bool many = others.size() != 1;
  json j = {{"title", many ? "Are you sure you want to delete these duplicate logs?" : "Are you sure you want to delete this duplicate log?"},
            {"kept", "Log " + std::to_string(log.id) + " will be kept."}, {"ids", ids}, {"count", others.size()}, {"has_many", many},
            {"logs", rows}, {"reference_heading", kind.reference_label}, {"property_reference_heading", kind.property_reference_label},
            {"action", Urls{kind.base}.log(log.id) + "/delete-duplicates"}, {"button", many ? "Delete these logs" : "Delete this log"},
            {"cancel", duplicates_href(kind, log.id)}, {"back", duplicates_href(kind, log.id)}};
  return ctx.page("logs/delete", j);
}

Response delete_duplicates(Context& ctx, const Kind& kind) {
  auto log = load_log(ctx, kind);
  auto others = others_to_delete(ctx, log);
  // Exactly the logs the confirmation listed: if the set changed since, nothing is deleted.
  std::set<int64_t> shown, now;
  for (auto& v : ctx.req.f_all("ids")) {
    auto id = util::parse_id(v);
    if (!id) throw BadRequest("A log id is not a number.");
    shown.insert(*id);
  }
  for (auto& l : others) now.insert(l.id);
  if (shown.empty()) throw BadRequest("No logs were selected.");
  if (shown != now) {
    ctx.flash_next("The duplicates of log " + std::to_string(log.id) + " have changed. Nothing was deleted: check them again.");
    return Response::redirect(duplicates_href(kind, log.id));
  }
  service::remove(ctx.conn(), ctx.current_user(), std::vector<int64_t>(now.begin(), now.end()), ctx.app.clock().today());
  ctx.flash_next(now.size() == 1 ? "1 duplicate log has been deleted." : std::to_string(now.size()) + " duplicate logs have been deleted.");
  return Response::redirect(duplicates_href(kind, log.id));
}

Response duplicate_sets_page(Context& ctx) {
  const auto& u = ctx.current_user();
  json j = {{"title", "Duplicate logs"}};
  std::optional<int64_t> chosen;
  if (perm::is_support(u)) {
    // Support choose the organisation whose duplicates they review.
    if (auto id = util::parse_id(ctx.req.q("organisation")))
      if (auto org = accounts::store::find_organisation(ctx.conn(), *id)) chosen = org->id;
    json opts = json::array({{{"value", ""}, {"label", "Select an organisation"}, {"selected", !chosen}}});
    for (auto& o : accounts::store::list_organisations(ctx.conn(), "", 1, 100000).organisations)
      opts.push_back({{"value", std::to_string(o.id)}, {"label", o.name}, {"selected", chosen && *chosen == o.id}});
    j["choose_organisation"] = {{"id", "organisation"}, {"name", "organisation"}, {"label", "Organisation"}, {"items", opts},
                                {"autocomplete_enhance", true}};
  }
  auto scope = perm::duplicate_scope(u, chosen);
  json kinds_json = json::array();
  int64_t total = 0;
  if (scope)
    for (const Kind& kind : kinds()) {
      store::SetFilter sf{kind.type, open_years(kind, ctx.app.clock().today()), scope->organisation_id, scope->assigned_to_id};
      json sets = json::array();
      for (auto& s : store::list_sets(ctx.conn(), sf)) {
        json logs = json::array();
        std::string ids;  // "12, 15": for the review link's hidden text
        for (auto& l : s.logs) {
          logs.push_back({{"id", l.id}, {"href", Urls{kind.base}.log(l.id)}});
          ids += (ids.empty() ? "" : ", ") + std::to_string(l.id);
        }
        // The logs of a set share their key answers: the first one's stand for the set.
        const store::Log& first = s.logs.front();
        sets.push_back({{"logs", logs}, {"reference", first.reference.value_or("")}, {"date", date_text(first.log_date)},
                        {"postcode", first.postcode_full.value_or("")}, {"href", duplicates_href(kind, first.id)}, {"ids_text", ids}});
      }
      total += int64_t(sets.size());
      if (sets.empty()) continue;
      kinds_json.push_back({{"caption", kind.title}, {"sets", sets}, {"reference_heading", kind.reference_label}, {"date_heading", kind.date_label},
                            {"type", kind.type}});
    }
  j["kinds"] = kinds_json;
  j["scoped"] = bool(scope);
  j["none"] = scope && total == 0;
  j["intro"] = !scope ? "" : scope->assigned_to_id ? "Sets of duplicate logs that include a log assigned to you."
                                                     : "Sets of duplicate logs of your organisation, from collection years that are still open for editing.";
  if (perm::is_support(u) && scope) j["intro"] = "Sets of duplicate logs of the chosen organisation, from collection years that are still open for editing.";
  return ctx.page("logs/duplicate_sets", j);
}

std::optional<SetsWaiting> duplicate_sets_waiting(Context& ctx, const accounts::Organisation* of) {
  const auto& u = ctx.current_user();
  std::optional<int64_t> chosen;
  if (perm::is_support(u)) {
    if (!of) return std::nullopt;
    chosen = of->id;
  } else if (of && of->id != u.organisation_id) {
    return std::nullopt;
  }
  auto scope = perm::duplicate_scope(u, chosen);
  if (!scope) return std::nullopt;
  int64_t n = 0;
  for (const Kind& kind : kinds()) n += store::count_sets(ctx.conn(), {kind.type, open_years(kind, ctx.app.clock().today()), scope->organisation_id, scope->assigned_to_id});
  if (n == 0) return std::nullopt;
  std::string who = perm::is_support(u) ? of->name + " has " : scope->assigned_to_id ? "You have " : "Your organisation has ";
  return SetsWaiting{n, who, "/duplicate-logs" + (chosen ? "?organisation=" + std::to_string(*chosen) : std::string())};
}

json duplicates_banner(Context& ctx, const accounts::Organisation* of) {
  auto w = duplicate_sets_waiting(ctx, of);
  if (!w) return nullptr;
  std::string sets = w->sets == 1 ? "1 set of duplicate logs" : std::to_string(w->sets) + " sets of duplicate logs";
  return {{"text", w->who + sets + "."}, {"href", w->href}};
}

std::optional<std::string> duplicates_redirect(Context& ctx, const Kind& kind, const service::SaveResult& r) {
  if (ctx.req.f("referrer") == "duplicate_logs")
    if (auto original = util::parse_id(ctx.req.f("return_to"))) return duplicates_href(kind, *original);
  if (r.status != service::Status::Saved || !r.regrouped || !r.log.duplicate_set_id) return std::nullopt;
  if (service::duplicates(ctx.conn(), ctx.current_user(), r.log).size() < 2) return std::nullopt;
  return duplicates_href(kind, r.log.id);
}

}  // namespace core::logs
