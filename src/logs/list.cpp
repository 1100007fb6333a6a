#include "logs/list.h"

#include <algorithm>
#include <set>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/store.h"
#include "logs/duplicates.h"
#include "logs/question_view.h"
#include "logs/store.h"
#include "util/crypto.h"
#include "util/dates.h"
#include "util/text.h"
#include "web/forms.h"

namespace core::logs {

using namespace core::web;
using nlohmann::json;
namespace perm = accounts::permissions;

std::string session_hash(Context& ctx) { return util::sha256_hex(ctx.session_token); }

// The collection years the list offers: the newest form's and the one before it.
std::vector<int> list_years(const Kind& kind) {
  int newest = kind.years.empty() ? 0 : kind.years.front();
  return {newest, newest - 1};
}

namespace {

// The list's filters in its query string: several values each, and one value each.
const char* const kListFilters[] = {"years", "status", "categories", "creation"};
const char* const kFilterValues[] = {"assigned_to", "user", "owning_organisation", "managing_organisation", "search", "bulk_upload_id"};
const char* const kStatuses[] = {"not_started", "in_progress", "completed"};

// Every kind's list filters for this session: {"lettings": {...}, "sales": {...}}.
json session_lists(Context& ctx) {
  json all = json::parse(store::session_filters(ctx.conn(), session_hash(ctx)), nullptr, false);
  return all.is_object() ? all : json::object();
}

std::vector<std::pair<std::string, std::string>> year_options(const Kind& kind) {
  std::vector<std::pair<std::string, std::string>> out;
  for (int y : list_years(kind)) out.emplace_back(std::to_string(y), std::to_string(y) + " to " + std::to_string(y + 1));
  return out;
}


// "Search by log ID, tenant code, property reference or postcode".
std::string search_label(const Kind& kind) {
  std::string s = "Search by log ID";
  for (const std::string* l : {&kind.reference_label, &kind.property_reference_label})
    if (!l->empty()) s += ", " + util::lower_first_word(*l);
  return s + " or postcode";
}


store::Filter filter_from(Context& ctx, const Kind& kind, const json& state) {
  const auto& u = ctx.current_user();
  store::Filter f;
  f.type = kind.type;
  f.all_organisations = perm::is_support(u);
  f.organisation_id = u.organisation_id;
  for (auto& y : state.value("years", json::array()))
    for (int year : list_years(kind))
      if (y == std::to_string(year)) f.years.push_back(year);
  for (auto& s : state.value("status", json::array()))
    for (const char* known : kStatuses)
      if (s == known) f.statuses.push_back(known);
  for (auto& n : state.value("categories", json::array()))
    for (auto& [code, label] : kind.categories)
      if (n == code)
        if (auto c = util::parse_int64(code)) f.categories.push_back(int(*c));
  std::string assigned = state.value("assigned_to", "all");
  if (assigned == "you") f.assigned_to_id = u.id;
  else if (assigned == "specific") {
    if (auto uid = util::parse_id(state.value("user", ""))) f.assigned_to_id = *uid;
  }
  auto org = [&](const char* key) { return util::parse_id(state.value(key, "")); };
  f.owned_by = org("owning_organisation");
  f.managed_by = org("managing_organisation");
  for (auto& c : state.value("creation", json::array()))
    if (c == "bulk_upload") f.from_bulk_upload = true;
  f.bulk_upload_id = util::parse_id(state.value("bulk_upload_id", ""));
  f.search = trim(state.value("search", ""));
  if (f.search.size() > 200) f.search = f.search.substr(0, 200);
  return f;
}

json list_state_from_query(const Request& req) {
  json s = json::object();
  for (const char* k : kListFilters) {
    s[k] = json::array();
    for (auto& v : req.query) if (v.first == k) s[k].push_back(v.second);
  }
  for (const char* k : kFilterValues) s[k] = req.q(k);
  return s;
}

// The list's address with these filters set: what list_state_from_query reads back.
std::string list_href(const Kind& kind, const json& state) {
  std::string q = "?filtered=1";
  for (const char* k : kListFilters)
    for (auto& v : state.value(k, json::array())) q += std::string("&") + k + "=" + url_encode(v.get<std::string>());
  for (const char* k : kFilterValues)
    if (auto v = state.value(k, std::string()); !v.empty()) q += std::string("&") + k + "=" + url_encode(v);
  return kind.base + q;
}

}  // namespace

void clear_list_filters(Context& ctx, const Kind& kind) {
  json all = session_lists(ctx);
  all.erase(kind.type);
  store::set_session_filters(ctx.conn(), session_hash(ctx), all.dump());
}

std::optional<std::map<std::string, FilteredCount>> filtered_counts(Context& ctx, const Kind& kind, int year, bool assigned_to_user) {
  auto offered = list_years(kind);
  if (std::find(offered.begin(), offered.end(), year) == offered.end()) return std::nullopt;
  json state = {{"years", json::array({std::to_string(year)})}, {"assigned_to", assigned_to_user ? "you" : ""}};
  // Counted with the year's filter alone and split by status: one count for all three links.
  auto counts = store::count_by_status(ctx.conn(), filter_from(ctx, kind, state));
  std::map<std::string, FilteredCount> out;
  for (const char* status : kStatuses) {
    state["status"] = json::array({status});
    auto it = counts.find(status);
    out[status] = {it == counts.end() ? 0 : it->second, list_href(kind, state)};
  }
  return out;
}

namespace {

// The list's filters: from the query when the list was filtered or searched (and then kept for the
// session), else those kept.
json list_state(Context& ctx, const Kind& kind, bool from_query) {
  json all = session_lists(ctx);
  if (from_query && (!ctx.req.q("filtered").empty() || !ctx.req.q("search").empty())) {
    json state = list_state_from_query(ctx.req);
    all[kind.type] = state;
    store::set_session_filters(ctx.conn(), session_hash(ctx), all.dump());
    return state;
  }
  json state = all.value(kind.type, json::object());
  return state.is_object() ? state : json::object();
}

store::Filter filter_for(Context& ctx, const Kind& kind, const json& state, const accounts::Organisation* of) {
  store::Filter f = filter_from(ctx, kind, state);
  if (of) {
    f.all_organisations = false;
    f.organisation_id = of->id;
  }
  return f;
}

}  // namespace

store::Filter current_filter(Context& ctx, const Kind& kind, const accounts::Organisation* of) {
  return filter_for(ctx, kind, list_state(ctx, kind, false), of);
}

std::vector<std::pair<std::string, std::string>> filter_summary(Context& ctx, const Kind& kind, const store::Filter& f) {
  std::vector<std::pair<std::string, std::string>> out;
  auto joined = [](const std::vector<std::string>& parts) {
    std::string s;
    for (auto& p : parts) s += (s.empty() ? "" : ", ") + p;
    return s;
  };
  std::vector<std::string> parts;
  for (int y : f.years) parts.push_back(std::to_string(y) + " to " + std::to_string(y + 1));
  if (!parts.empty()) out.emplace_back("Collection year", joined(parts));
  parts.clear();
  for (auto& s : f.statuses) parts.push_back(status_label(s));
  if (!parts.empty()) out.emplace_back("Status", joined(parts));
  parts.clear();
  for (int c : f.categories) parts.push_back(kind.category_text(c));
  if (!parts.empty()) out.emplace_back(kind.category_label, joined(parts));
  // Names only of the people and organisations the user may see (an id in the filter is whatever
  // was typed into the address).
  const auto& me = ctx.current_user();
  if (f.assigned_to_id) {
    auto u = accounts::store::find_user(ctx.conn(), *f.assigned_to_id);
    std::string who = *f.assigned_to_id == me.id ? "You" : u && perm::can_view_user(me, *u) ? u->name : "A user you cannot see";
    out.emplace_back("Assigned to", who);
  }
  std::set<int64_t> related;
  if (!perm::is_support(me)) {
    related.insert(me.organisation_id);
    for (auto& o : accounts::store::stock_owners(ctx.conn(), me.organisation_id)) related.insert(o.id);
    for (auto& o : accounts::store::managing_agents(ctx.conn(), me.organisation_id)) related.insert(o.id);
  }
  for (auto [id, label] : {std::pair{f.owned_by, "Owned by"}, std::pair{f.managed_by, "Managed by"}})
    if (id) {
      auto o = perm::is_support(me) || related.count(*id) ? accounts::store::find_organisation(ctx.conn(), *id) : std::nullopt;
      out.emplace_back(label, o ? o->name : "An organisation you cannot see");
    }
  if (f.from_bulk_upload) out.emplace_back("How the log was created", "From bulk upload");
  if (f.bulk_upload_id) out.emplace_back("Bulk upload", std::to_string(*f.bulk_upload_id));
  if (!f.search.empty()) out.emplace_back("Search", f.search);
  return out;
}

Response list_page(Context& ctx, const Kind& kind, const accounts::Organisation* of) {
  const auto& u = ctx.current_user();
  const std::string list_path = of ? "/organisations/" + std::to_string(of->id) + kind.base : kind.base;
  // The filters of each kind's list, kept for the session.
  json state = list_state(ctx, kind, true);
  store::Filter f = filter_for(ctx, kind, state, of);
  f.page = page_number(ctx.req.q("page"));
  auto page = store::list(ctx.conn(), f);
  auto own = accounts::store::find_organisation(ctx.conn(), u.organisation_id);
  json j;
  j["title"] = of ? kind.title + " - " + of->name : kind.title;
  j["heading"] = kind.title;
  j["base"] = kind.base;
  j["log_name"] = kind.name;
  j["list_path"] = list_path;
  if (of) {
    j["caption"] = of->name;
    j["tabs"] = accounts::organisation_tabs(ctx, *of, kind.base.substr(1));
    j["has_tabs"] = true;
  }
  j["duplicates"] = duplicates_banner(ctx, of);
  bool can_create = own && perm::organisation_can_create_logs(*own);
  j["can_create"] = can_create;
  j["create_refused"] = can_create ? "" : "Your organisation cannot create logs until its data protection officer accepts the data sharing agreement.";
  j["search"] = f.search;
  bool filtered = !f.years.empty() || !f.statuses.empty() || !f.categories.empty() || f.assigned_to_id || f.owned_by || f.managed_by || !f.search.empty() ||
                  f.from_bulk_upload || f.bulk_upload_id;
  j["filtered"] = filtered;
  // Bulk delete: support always; coordinators on a filtered or searched list; providers only their own logs.
  bool bulk = perm::can_bulk_delete_logs(u, filtered, f.assigned_to_id && *f.assigned_to_id == u.id);
  j["can_bulk_delete"] = bulk;
  j["can_download_codes"] = perm::can_download_codes(u);
  j["total_text"] = util::thousands(page.total) + (page.total == 1 ? " log" : " logs") + (filtered ? " found" : "");
  j["logs"] = json::array();
  // The columns, named by the kind's questions ("Tenant code and property reference", "Needs type").
  j["reference_heading"] = kind.reference_label + (kind.property_reference_label.empty() ? "" : " and " + util::lower_first_word(kind.property_reference_label));
  j["category_heading"] = kind.category_label;
  j["date_heading"] = kind.date_label;
  j["search_label"] = search_label(kind);
  for (auto& l : page.logs) {
    std::string date;
    if (l.log_date)
      if (auto d = util::parse_iso_date(*l.log_date)) date = d->display();
    j["logs"].push_back({{"id", l.id}, {"reference", l.reference.value_or("")}, {"property_reference", l.property_reference.value_or("")},
                         {"category", l.category ? kind.category_text(*l.category) : ""}, {"date", date}, {"href", kind.base + "/" + std::to_string(l.id)},
                         {"owning", l.owning_organisation_name}, {"managing", l.managing_organisation_name},
                         {"status", status_label(l.status)}, {"status_colour", status_colour(l.status)}, {"assigned", l.assigned_to_name},
                         {"can_bulk_delete", bulk}});
  }
  j["has_logs"] = !page.logs.empty();
  // Each filter is one or two component fields (web/forms.h) in a group of the filter panel.
  auto options = [](const std::vector<std::pair<std::string, std::string>>& opts) {
    std::vector<web::Option> out;
    for (auto& [v, l] : opts) out.push_back({v, l, ""});
    return out;
  };
  auto chosen_of = [&](const char* key) {
    std::vector<std::string> out;
    for (auto& c : state.value(key, json::array()))
      if (c.is_string()) out.push_back(c.get<std::string>());
    return out;
  };
  const json small_group = {{"legend_size", "s"}, {"small", true}, {"hidden_empty", false}};
  json filters = json::array();
  auto checkbox_filter = [&](const char* name, const std::string& legend, const std::vector<std::pair<std::string, std::string>>& opts) {
    filters.push_back({{"fields", json::array({web::checkboxes(name, legend, options(opts), chosen_of(name), {}, small_group)})}});
  };
  checkbox_filter("years", "Collection year", year_options(kind));
  checkbox_filter("status", "Status", {{"not_started", "Not started"}, {"in_progress", "In progress"}, {"completed", "Completed"}});
  if (!kind.categories.empty()) checkbox_filter("categories", kind.category_label, kind.categories);
  checkbox_filter("creation", "How the log was created", {{"bulk_upload", "From bulk upload"}});
  auto select_filter = [](const char* name, const std::string& label, std::vector<web::Option> opts, const std::string& chosen) {
    opts.insert(opts.begin(), web::Option{"", "Select an option", ""});
    return web::select(name, label, opts, chosen, {}, {{"autocomplete_enhance", true}, {"label_classes", "govuk-label--s"}});
  };
  // Assigned to: all, you, or a named user (a select, a type-ahead with JavaScript).
  std::vector<web::Option> users;
  {
    accounts::store::UserFilter uf;
    uf.per_page = 1000;
    for (auto& x : accounts::store::list_users(ctx.conn(), u.organisation_id, uf).users)
      users.push_back({std::to_string(x.id), x.name + " (" + x.email + ")", ""});
  }
  std::string assigned = state.value("assigned_to", "");
  if (assigned.empty()) assigned = "all";
  filters.push_back({{"fields", json::array({web::radios("assigned_to", "Assigned to", options({{"all", "All"}, {"you", "You"}, {"specific", "A specific user"}}),
                                                         assigned, {}, small_group),
                                              select_filter("user", "User (choose “A specific user”)", users, state.value("user", ""))})}});
  // Owned by / managed by: for support, or organisations with relationships.
  std::vector<accounts::Organisation> related;
  if (perm::is_support(u)) related = accounts::store::list_organisations(ctx.conn(), "", 1, 100000).organisations;
  else {
    for (auto& o : accounts::store::stock_owners(ctx.conn(), u.organisation_id)) related.push_back(o);
    for (auto& o : accounts::store::managing_agents(ctx.conn(), u.organisation_id)) related.push_back(o);
    if (!related.empty() && own) related.insert(related.begin(), *own);
  }
  if (!related.empty()) {
    std::vector<web::Option> orgs;
    for (auto& o : related) orgs.push_back({std::to_string(o.id), o.name, ""});
    for (auto [key, label] : {std::pair{"owning_organisation", "Owned by"}, std::pair{"managing_organisation", "Managed by"}})
      filters.push_back({{"fields", json::array({select_filter(key, label, orgs, state.value(key, ""))})}});
  }
  j["filters"] = filters;
  j["pagination"] = pagination(page.total, f.per_page, f.page, list_path);
  return ctx.page("logs/index", j);
}


}  // namespace core::logs
