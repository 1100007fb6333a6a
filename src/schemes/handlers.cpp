#include <algorithm>
#include <cstdlib>

#include "accounts/permissions.h"
#include "accounts/store.h"
#include "util/csv.h"
#include "schemes/local_authorities.h"
#include "schemes/routes.h"
#include "util/text.h"
#include "schemes/status.h"
#include "schemes/store.h"
#include "schemes/wizard.h"
#include "util/postcode.h"

namespace core::schemes {
using namespace core::web;
using nlohmann::json;
namespace perm = accounts::permissions;


namespace {

std::vector<Option> options_of(const std::vector<Choice>& list) {
  std::vector<Option> out;
  for (const auto& c : list) out.push_back({c.code, c.label, ""});
  return out;
}
std::vector<Option> yes_no() { return {{"1", "Yes", ""}, {"0", "No", ""}}; }

std::vector<int64_t> stock_owner_ids(Context& ctx) {
  std::vector<int64_t> ids;
  for (const auto& o : accounts::store::stock_owners(ctx.conn(), ctx.current_user().organisation_id)) ids.push_back(o.id);
  return ids;
}

// Organisations a user may put a scheme under: support any that holds stock; coordinators
// their own organisation.
std::vector<Option> owner_options(Context& ctx) {
  std::vector<Option> out;
  const auto& u = ctx.current_user();
  if (perm::is_support(u)) {
    for (const auto& o : accounts::store::list_organisations(ctx.conn(), "", 1, 100000).organisations)
      if (o.holds_own_stock && o.active) out.push_back({std::to_string(o.id), o.name, ""});
  } else if (auto o = accounts::store::find_organisation(ctx.conn(), u.organisation_id)) {
    out.push_back({std::to_string(o->id), o->name, ""});
  }
  return out;
}

std::vector<Page> scheme_pages(Context& ctx) {
  return {
      {"details", "Create a new supported housing scheme",
       {{"service_name", "Scheme name", "text", "This is how you refer to this supported housing scheme within your organisation. For example, the name could relate to the building or project name.", {}, "Enter the name of the scheme"},
        {"sensitive", "Does this scheme contain confidential information?", "radios", "", yes_no(), "Select if this scheme contains confidential information", true},
        {"scheme_type", "What is this type of scheme?", "radios", "", options_of(scheme_types()), "Select the scheme type"},
        {"registered_under_care_act", "Is this scheme registered under the Care Standards Act 2000?", "radios", "", options_of(care_act_options()), "Select if this scheme is registered under the Care Standards Act 2000"},
        {"owning_organisation_id", "Which organisation owns the housing stock for this scheme?", "select", "", owner_options(ctx), "Select which organisation owns the housing stock for this scheme"},
        {"arrangement_type", "Who provides the support services used by this scheme?", "radios", "", options_of(arrangement_types()), "Select who provides the support services used by this scheme"},
        {"startdate", "When did this scheme first become available?", "date", "For example, 1 4 2026", {}, "Enter the date the scheme first became available"}},
       nullptr},
      {"primary-client-group", "What client group is this scheme intended for?",
       {{"primary_client_group", "What client group is this scheme intended for?", "radios", "If the scheme serves more than one client group, select the primary one.", options_of(client_groups()), "Select what client group this scheme is intended for"}},
       nullptr},
      {"confirm-secondary-client-group", "Does this scheme provide for another client group?",
       {{"has_other_client_group", "Does this scheme provide for another client group?", "radios", "", yes_no(), "Select if this scheme provides for another client group", true}},
       nullptr},
      {"secondary-client-group", "What is the other client group?",
       {{"secondary_client_group", "What is the other client group?", "radios", "", options_of(client_groups()), "Select what other client group this scheme is intended for"}},
       [](const Values& v) { auto it = v.find("has_other_client_group"); return it != v.end() && it->second == "1"; }},
      {"support", "What support does this scheme provide?",
       {{"support_type", "What support level does this scheme provide?", "radios", "", options_of(support_types()), "Select the level of support provided by this scheme"},
        {"intended_stay", "Intended length of stay", "radios", "", options_of(intended_stays()), "Select the intended length of stay"}},
       nullptr}};
}

std::vector<Page> location_pages() {
  std::vector<Option> las;
  for (const auto& la : local_authorities()) las.push_back({la.code, la.name, ""});
  return {
      {"postcode", "What is the postcode?",
       {{"postcode", "What is the postcode?", "text", "For example, SW1A 1AA", {}, "Enter a postcode"}}, nullptr},
      {"local-authority", "What is the local authority?",
       {{"location_code", "What is the local authority of this postcode?", "select", "", las, "Select the local authority"}}, nullptr},
      {"name", "What is the name of this location?",
       {{"name", "What is the name of this location? (optional)", "text", "This is how you refer to this location within your organisation", {}, ""}}, nullptr},
      {"units", "How many units are at this location?",
       {{"units", "How many units are at this location?", "number", "A unit is the space being let. For example, the property might be a block of flats and the unit would be the specific flat being let.", {}, "Enter the total number of units at this location"}}, nullptr},
      {"type-of-unit", "What is the most common type of unit at this location?",
       {{"type_of_unit", "What is the most common type of unit at this location?", "radios", "", options_of(unit_types()), "Select the most common type of unit at this location"}}, nullptr},
      {"mobility-standards", "What are the mobility standards for the majority of units in this location?",
       {{"mobility_type", "What are the mobility standards for the majority of units in this location?", "radios", "", options_of(mobility_types()), "Select the mobility standard for the majority of units at this location"}}, nullptr},
      {"availability", "When did the first property in this location become available under this scheme?",
       {{"startdate", "When did the first property in this location become available under this scheme?", "date", "For example, 1 4 2026", {}, "Enter the date the first property in this location became available"}}, nullptr}};
}

Values scheme_values(const Scheme& s) {
  return {{"service_name", s.service_name},
          {"sensitive", s.id ? (s.sensitive ? "1" : "0") : ""},
          {"scheme_type", s.scheme_type},
          {"registered_under_care_act", s.registered_under_care_act},
          {"owning_organisation_id", s.owning_organisation_id ? std::to_string(s.owning_organisation_id) : ""},
          {"arrangement_type", s.arrangement_type},
          {"startdate", s.startdate ? s.startdate->iso() : ""},
          {"primary_client_group", s.primary_client_group},
          {"has_other_client_group", s.has_other_client_group ? (*s.has_other_client_group ? "1" : "0") : ""},
          {"secondary_client_group", s.secondary_client_group},
          {"support_type", s.support_type},
          {"intended_stay", s.intended_stay}};
}

void apply_values(const Values& v, Scheme& s) {
  auto get = [&](const char* k) { auto it = v.find(k); return it == v.end() ? std::string() : it->second; };
  s.service_name = get("service_name");
  s.sensitive = get("sensitive") == "1";
  s.scheme_type = get("scheme_type");
  s.registered_under_care_act = get("registered_under_care_act");
  if (!get("owning_organisation_id").empty()) s.owning_organisation_id = util::parse_int64(get("owning_organisation_id")).value_or(0);
  s.arrangement_type = get("arrangement_type");
  s.startdate = util::parse_iso_date(get("startdate"));
  s.primary_client_group = get("primary_client_group");
  std::string other = get("has_other_client_group");
  s.has_other_client_group = other.empty() ? std::nullopt : std::optional<bool>(other == "1");
  s.secondary_client_group = other == "1" ? get("secondary_client_group") : "";
  s.support_type = get("support_type");
  s.intended_stay = get("intended_stay");
}

Values location_values(const Location& l) {
  return {{"postcode", l.postcode},
          {"location_code", l.location_code},
          {"name", l.name},
          {"units", l.units ? std::to_string(*l.units) : ""},
          {"type_of_unit", l.type_of_unit},
          {"mobility_type", l.mobility_type},
          {"startdate", l.startdate ? l.startdate->iso() : ""}};
}

void apply_values(const Values& v, Location& l) {
  auto get = [&](const char* k) { auto it = v.find(k); return it == v.end() ? std::string() : it->second; };
  l.postcode = get("postcode");
  l.location_code = get("location_code");
  l.name = get("name");
  l.units = get("units").empty() ? std::nullopt : util::parse_int64(get("units"));
  l.type_of_unit = get("type_of_unit");
  l.mobility_type = get("mobility_type");
  l.startdate = util::parse_iso_date(get("startdate"));
}

// Checks beyond "answered and one of the options".
void extra_checks(const Page& page, Values& v, FieldErrors& e, const util::Date& today) {
  for (const auto& f : page.fields) {
    if (!error_for(e, f.name).empty()) continue;
    const std::string& value = v[f.name];
    if (f.name == "postcode" && !value.empty()) {
      std::string pc = util::normalise_postcode(value);
      if (!util::valid_postcode(pc)) add_error(e, "postcode", "Enter a postcode in the correct format, for example AA1 1AA");
      else v["postcode"] = pc;
    }
    if (f.name == "units" && !value.empty()) {
      auto units = util::parse_int64(value);
      if (!units || *units < 1) add_error(e, "units", "The number of units must be at least 1");
      else if (*units > 10000) add_error(e, "units", "The number of units must be 10,000 or fewer");
    }
    if (f.kind == "date" && !value.empty()) {
      auto d = util::parse_iso_date(value);
      util::Date latest{today.y + 2, 3, 31};
      if (d && (*d < util::Date{1990, 1, 1} || latest < *d))
        add_error(e, f.name, "The date must be between 1 January 1990 and " + latest.display());
    }
  }
}

json status_json(Status s) {
  return {{"label", status_label(s)}, {"key", status_key(s)}, {"colour", status_colour(s)}};
}

json scheme_json(const Scheme& s, const util::Date& on) {
  return {{"id", s.id},
          {"code", s.code()},
          {"name", s.service_name},
          {"owner", s.owning_organisation_name},
          {"owner_id", s.owning_organisation_id},
          {"sensitive", s.sensitive ? "Yes" : "No"},
          {"status", status_json(scheme_status(s, on))},
          {"confirmed", s.confirmed},
          {"type", label_of(scheme_types(), s.scheme_type)},
          {"care_act", label_of(care_act_options(), s.registered_under_care_act)},
          {"support_provider", label_of(arrangement_types(), s.arrangement_type)},
          {"primary_client_group", label_of(client_groups(), s.primary_client_group)},
          {"secondary_client_group", label_of(client_groups(), s.secondary_client_group)},
          {"support_type", label_of(support_types(), s.support_type)},
          {"intended_stay", label_of(intended_stays(), s.intended_stay)},
          {"startdate", s.startdate ? s.startdate->display() : ""},
          {"locations", s.confirmed_locations}};
}

json location_json(const Location& l, const Scheme& s, const util::Date& on) {
  return {{"id", l.id},
          {"scheme_id", s.id},
          {"postcode", l.postcode},
          {"name", l.name},
          {"la", local_authority_name(l.location_code)},
          {"la_code", l.location_code},
          {"units", l.units ? std::to_string(*l.units) : ""},
          {"type_of_unit", label_of(unit_types(), l.type_of_unit)},
          {"mobility_type", label_of(mobility_types(), l.mobility_type)},
          {"startdate", l.startdate ? l.startdate->display() : ""},
          {"status", status_json(location_status(l, s, on))}};
}

Scheme scheme_from_route(Context& ctx, bool manage) {
  int64_t id = ctx.req.id_param("id");
  auto s = store::find_scheme(ctx.conn(), id);
  if (!s || !perm::can_view_scheme(ctx.current_user(), s->owning_organisation_id, stock_owner_ids(ctx))) throw NotFound();
  if (manage && !perm::can_manage_scheme(ctx.current_user(), s->owning_organisation_id)) throw Forbidden();
  return *s;
}

Location location_from_route(Context& ctx, const Scheme& s) {
  int64_t id = ctx.req.id_param("location_id");
  auto l = store::find_location(ctx.conn(), s.id, id);
  if (!l) throw NotFound();
  return *l;
}

std::string scheme_base(const Scheme& s) { return "/schemes/" + std::to_string(s.id); }
std::string location_base(const Scheme& s, const Location& l) {
  return scheme_base(s) + "/locations/" + std::to_string(l.id);
}

Response question_page(Context& ctx, const Page& page, const Values& values, const FieldErrors& e, const std::string& action,
                       const std::string& back, const std::string& caption, bool posted, int status) {
  return ctx.page("schemes/question", {{"title", page.title},
                                       {"heading", page.fields.size() > 1 ? page.title : ""},
                                       {"caption", caption},
                                       {"errors", error_summary(e)},
                                       {"fields", page_fields(page, values, e, posted ? &ctx.req : nullptr)},
                                       {"action", action},
                                       {"back", back},
                                       {"return_to", ctx.req.q("return_to").empty() ? ctx.req.f("return_to") : ctx.req.q("return_to")}},
                  status);
}

void audit(Context& ctx, const std::string& action, const std::string& type, int64_t id, int64_t org, const json& details) {
  accounts::store::audit(ctx.conn(), ctx.current_user().id, action, type, id, org, details);
}

json values_json(const Values& v) {
  json j = json::object();
  for (const auto& [k, val] : v) j[k] = val;
  return j;
}

// --- deactivation and reactivation, shared by schemes and locations

struct Toggle {
  bool deactivate;
  std::string what;  // "scheme" or "location"
};

Response toggle_page(Context& ctx, const Toggle& t, const std::string& name, const std::string& action,
                     const std::string& back, const FieldErrors& e, int status) {
  std::string verb = t.deactivate ? "deactivate" : "reactivate";
  util::Date start = open_collection_start(ctx.app.clock().today());
  return ctx.page("schemes/toggle",
                  {{"title", (t.deactivate ? "Deactivate " : "Reactivate ") + name},
                   {"errors", error_summary(e)},
                   {"action", action},
                   {"back", back},
                   {"legend", std::string("When should this ") + t.what + " " + (t.deactivate ? "be deactivated" : "become active again") + "?"},
                   {"default_label", "From the start of the open collection period (" + start.display() + ")"},
                   {"choice_error", error_for(e, "choice")},
                   {"choice_default", ctx.req.f("choice") == "default"},
                   {"choice_other", ctx.req.f("choice") == "other"},
                   {"date", date_input("date", "If you chose a certain date, enter it", ctx.req.f("date-day"), ctx.req.f("date-month"),
                                       ctx.req.f("date-year"), e, {{"hint", "For example, 1 10 2026"}, {"legend_size", "s"}})},
                   {"verb", verb}},
                  status);
}

// Reads the choice and date; returns the date or fills `e`.
std::optional<util::Date> read_toggle(Context& ctx, const Toggle& t, const std::optional<util::Date>& startdate,
                                      const std::vector<Period>& periods, FieldErrors& e) {
  std::string choice = ctx.req.f("choice");
  std::optional<util::Date> date;
  if (choice == "default") date = open_collection_start(ctx.app.clock().today());
  else if (choice == "other") {
    date = util::date_from_parts(ctx.req.f("date-day"), ctx.req.f("date-month"), ctx.req.f("date-year"));
    if (!date) {
      add_error(e, "date", "Enter a real date in the correct format, like 1 10 2026");
      return std::nullopt;
    }
  } else {
    add_error(e, "choice", "Select one of the options");
    return std::nullopt;
  }
  std::string problem = t.deactivate ? deactivation_error(*date, startdate, periods, ctx.app.clock().today(), t.what)
                                     : reactivation_error(*date, periods, ctx.app.clock().today(), t.what);
  if (!problem.empty()) {
    add_error(e, choice == "other" ? "date" : "choice", problem);
    return std::nullopt;
  }
  return date;
}

void toggle_routes(App& app, const Toggle& t) {
  std::string verb = t.deactivate ? "deactivate" : "reactivate";
  std::string base = t.what == "scheme" ? "/schemes/:id/" + verb : "/schemes/:id/locations/:location_id/" + verb;

  struct Target {
    std::string name, url;
    int64_t id, owner;
    std::optional<util::Date> startdate;
    std::vector<Period> periods;
  };
  auto load = [t](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    if (t.what == "scheme") return Target{s.service_name, scheme_base(s), s.id, s.owning_organisation_id, s.startdate, s.periods};
    Location l = location_from_route(ctx, s);
    return Target{l.name.empty() ? l.postcode : l.name, location_base(s, l), l.id, s.owning_organisation_id, l.startdate, l.periods};
  };

  app.get(base, [t, load, verb](Context& ctx) {
    auto target = load(ctx);
    return toggle_page(ctx, t, target.name, target.url + "/" + verb, target.url, {}, 200);
  });
  app.post(base, [t, load, verb](Context& ctx) {
    auto target = load(ctx);
    FieldErrors e;
    auto date = read_toggle(ctx, t, target.startdate, target.periods, e);
    if (!date) return toggle_page(ctx, t, target.name, target.url + "/" + verb, target.url, e, 422);
    return Response::redirect(target.url + "/" + verb + "/confirm?date=" + date->iso());
  });
  app.get(base + "/confirm", [t, load, verb](Context& ctx) {
    auto target = load(ctx);
    auto date = util::parse_iso_date(ctx.req.q("date"));
    if (!date) return Response::redirect(target.url + "/" + verb);
    return ctx.page("schemes/toggle_confirm",
                    {{"title", std::string("This change will affect ") + (t.what == "scheme" ? "this scheme" : "this location")},
                     {"name", target.name},
                     {"what", t.what},
                     {"date", date->display()},
                     {"iso", date->iso()},
                     {"deactivate", t.deactivate},
                     {"action", target.url + "/" + verb + "/confirm"},
                     {"back", target.url + "/" + verb}});
  });
  app.post(base + "/confirm", [t, load, verb](Context& ctx) {
    auto target = load(ctx);
    auto date = util::parse_iso_date(ctx.req.f("date"));
    std::string problem = !date ? "Enter a date"
                          : t.deactivate ? deactivation_error(*date, target.startdate, target.periods, ctx.app.clock().today(), t.what)
                                         : reactivation_error(*date, target.periods, ctx.app.clock().today(), t.what);
    if (!problem.empty()) return toggle_page(ctx, t, target.name, target.url + "/" + verb, target.url, {{"choice", problem}}, 422);
    auto& c = ctx.conn();
    c.transaction([&] {
      if (t.deactivate) store::add_deactivation(c, t.what, target.id, *date);
      else store::set_reactivation(c, t.what, target.id, *date);
      audit(ctx, t.what + (t.deactivate ? ".deactivated" : ".reactivated"), t.what, target.id, target.owner,
            {{"date", date->iso()}});
    });
    ctx.flash_next(target.name + (t.deactivate ? " will be deactivated on " : " will be reactivated on ") + date->display());
    return Response::redirect(target.url);
  });
}

// --- CSV

std::string schemes_csv_header() {
  return util::csv_row({"scheme_code", "scheme_service_name", "scheme_status", "scheme_confidential", "scheme_type",
                  "scheme_registered_under_care_act", "scheme_owning_organisation_name", "scheme_support_services_provided_by",
                  "scheme_primary_client_group", "scheme_has_other_client_group", "scheme_secondary_client_group",
                  "scheme_support_type", "scheme_intended_stay", "scheme_created_at", "scheme_active_dates"});
}

std::string active_dates(const std::optional<util::Date>& start, const std::vector<Period>& periods) {
  std::string out = "Active from " + (start ? start->display() : std::string("(not set)"));
  for (const auto& p : periods) {
    out += ", deactivated on " + p.deactivation.display();
    if (p.reactivation) out += ", active again from " + p.reactivation->display();
  }
  return out;
}

std::vector<std::string> scheme_cells(const Scheme& s, const util::Date& on) {
  return {s.code(), s.service_name, status_key(scheme_status(s, on)), s.sensitive ? "Yes" : "No",
          label_of(scheme_types(), s.scheme_type), label_of(care_act_options(), s.registered_under_care_act),
          s.owning_organisation_name, label_of(arrangement_types(), s.arrangement_type),
          label_of(client_groups(), s.primary_client_group),
          s.has_other_client_group ? (*s.has_other_client_group ? "Yes" : "No") : "",
          label_of(client_groups(), s.secondary_client_group), label_of(support_types(), s.support_type),
          label_of(intended_stays(), s.intended_stay), s.created_at.substr(0, 10), active_dates(s.startdate, s.periods)};
}

std::vector<std::string> location_header() {
  return {"location_code", "location_postcode", "location_name", "location_status", "location_local_authority",
          "location_units", "location_type_of_unit", "location_mobility_type", "location_active_dates"};
}

std::vector<std::string> location_cells(const Location& l, const Scheme& s, const util::Date& on) {
  return {std::to_string(l.id), l.postcode, l.name, status_key(location_status(l, s, on)),
          local_authority_name(l.location_code), l.units ? std::to_string(*l.units) : "",
          label_of(unit_types(), l.type_of_unit), label_of(mobility_types(), l.mobility_type),
          active_dates(l.startdate, l.periods)};
}

// The organisations whose schemes the user sees: their own and its stock owners (support: all).
std::vector<int64_t> visible_owners(Context& ctx) {
  std::vector<int64_t> owners = stock_owner_ids(ctx);
  owners.push_back(ctx.current_user().organisation_id);
  return owners;
}

std::vector<Scheme> visible_schemes(Context& ctx, const std::string& search) {
  return store::list_schemes(ctx.conn(), visible_owners(ctx), perm::is_support(ctx.current_user()), search);
}

}  // namespace

int64_t incomplete_scheme_count(Context& ctx) {
  return store::count_incomplete_schemes(ctx.conn(), visible_owners(ctx), perm::is_support(ctx.current_user()));
}

void register_routes(App& app, PostcodeLookup& lookup) {
  app.add_nav(30, [](const Context& ctx, std::vector<NavLink>& out) {
    if (ctx.user) out.push_back({"Schemes", "/schemes", ctx.req.path.rfind("/schemes", 0) == 0});
  });
  app.get("/schemes", [](Context& ctx) {
    std::string search = trim(ctx.req.q("search")), status = ctx.req.q("status");
    util::Date on = ctx.app.clock().today();
    auto rows = json::array();
    for (const auto& s : visible_schemes(ctx, search)) {
      auto j = scheme_json(s, on);
      if (!status.empty() && j["status"]["key"] != status) continue;
      rows.push_back(j);
    }
    std::vector<Option> statuses = {{"", "All statuses", ""}};
    for (auto st : {Status::Incomplete, Status::Active, Status::ActivatingSoon, Status::DeactivatingSoon,
                    Status::Deactivated, Status::ReactivatingSoon})
      statuses.push_back({status_key(st), status_label(st), ""});
    return ctx.page("schemes/index", {{"title", "Supported housing schemes"},
                                      {"schemes", rows},
                                      {"total", rows.size()},
                                      {"search", search},
                                      {"filtered", !search.empty() || !status.empty()},
                                      {"status_filter", select("status", "Status", statuses, status, {})},
                                      {"can_create", perm::can_create_schemes(ctx.current_user())}});
  });

  app.get("/schemes/download", [](Context& ctx) {
    if (!perm::can_download_schemes(ctx.current_user())) throw Forbidden();
    std::string type = ctx.req.q("type");
    if (type != "schemes" && type != "locations" && type != "combined") throw BadRequest("Choose schemes, locations or combined");
    util::Date on = ctx.app.clock().today();
    std::string out;
    auto schemes = visible_schemes(ctx, "");
    if (type == "schemes") {
      out = schemes_csv_header();
      for (const auto& s : schemes) out += util::csv_row(scheme_cells(s, on));
    } else {
      std::vector<std::string> header = {"scheme_code"};
      if (type == "combined") {
        header.clear();
        std::string h = schemes_csv_header();
        size_t start = 0;
        for (size_t i = 0; i <= h.size() - 2; ++i)
          if (i == h.size() - 2 || h[i] == ',') {
            header.push_back(h.substr(start, i - start));
            start = i + 1;
          }
      }
      for (auto& c : location_header()) header.push_back(c);
      out = util::csv_row(header);
      for (const auto& s : schemes)
        for (const auto& l : store::list_locations(ctx.conn(), s.id)) {
          std::vector<std::string> cells = type == "combined" ? scheme_cells(s, on) : std::vector<std::string>{s.code()};
          for (auto& c : location_cells(l, s, on)) cells.push_back(c);
          out += util::csv_row(cells);
        }
    }
    Response r = Response::text(out, 200, "text/csv; charset=utf-8");
    r.set_header("Content-Disposition", "attachment; filename=\"" + type + "-" + on.iso() + ".csv\"");
    return r;
  });

  // --- scheme wizard
  app.get("/schemes/new", [](Context& ctx) {
    if (!perm::can_create_schemes(ctx.current_user())) throw Forbidden();
    auto pages = scheme_pages(ctx);
    Values v;
    if (auto opts = owner_options(ctx); opts.size() == 1) v["owning_organisation_id"] = opts[0].value;
    return question_page(ctx, pages[0], v, {}, "/schemes/new", "/schemes", "", false, 200);
  });
  app.post("/schemes/new", [](Context& ctx) {
    const auto& u = ctx.current_user();
    if (!perm::can_create_schemes(u)) throw Forbidden();
    auto pages = scheme_pages(ctx);
    Values v;
    auto e = read_page(pages[0], ctx.req, v);
    extra_checks(pages[0], v, e, ctx.app.clock().today());
    if (e.empty() && !perm::can_manage_scheme(u, util::parse_int64(v["owning_organisation_id"]).value_or(0)))
      add_error(e, "owning_organisation_id", "Select which organisation owns the housing stock for this scheme");
    if (!e.empty()) return question_page(ctx, pages[0], v, e, "/schemes/new", "/schemes", "", true, 422);
    Scheme s;
    apply_values(v, s);
    auto& c = ctx.conn();
    int64_t id = 0;
    c.transaction([&] {
      id = store::create_scheme(c, s);
      audit(ctx, "scheme.created", "scheme", id, s.owning_organisation_id, {{"after", values_json(v)}});
    });
    return Response::redirect("/schemes/" + std::to_string(id) + "/" + next_page(pages, "details", scheme_values(s)));
  });

  app.get("/schemes/:id", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, false);
    util::Date on = ctx.app.clock().today();
    auto status = scheme_status(s, on);
    return ctx.page("schemes/show", {{"title", s.service_name},
                                     {"scheme", scheme_json(s, on)},
                                     {"tab_details", true},
                                     {"can_manage", perm::can_manage_scheme(ctx.current_user(), s.owning_organisation_id)},
                                     {"can_deactivate", status != Status::Deactivated && status != Status::Incomplete &&
                                                            status != Status::ReactivatingSoon && status != Status::DeactivatingSoon},
                                     {"can_reactivate", status == Status::Deactivated || status == Status::DeactivatingSoon},
                                     {"incomplete", !s.confirmed}});
  });

  app.get("/schemes/:id/check-answers", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    auto pages = scheme_pages(ctx);
    auto rows = answer_rows(pages, scheme_values(s), scheme_base(s));
    for (auto& r : rows)
      if (r["id"] == "owning_organisation_id") r["value"] = s.owning_organisation_name;
    bool complete = std::all_of(rows.begin(), rows.end(), [](const json& r) { return r["answered"].get<bool>(); });
    // A confirmed scheme is being changed, not created.
    return ctx.page("schemes/check_answers", {{"title", s.confirmed ? "Check your answers" : "Check your answers before creating this scheme"},
                                              {"head_title", (s.confirmed ? "Check your answers: " : "Check your answers before creating this scheme: ") + s.service_name},
                                              {"rows", rows},
                                              {"complete", complete},
                                              {"confirmed", s.confirmed},
                                              {"action", scheme_base(s) + "/check-answers"},
                                              {"button", s.confirmed ? "Save changes" : "Create scheme"},
                                              {"back", scheme_base(s)}});
  });
  app.post("/schemes/:id/check-answers", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    auto pages = scheme_pages(ctx);
    auto values = scheme_values(s);
    for (const auto& p : pages) {
      if (p.shown && !p.shown(values)) continue;
      for (const auto& f : p.fields)
        if (values[f.name].empty() && !f.required_message.empty())
          return Response::redirect(scheme_base(s) + "/" + p.slug + "?return_to=check-answers");
    }
    if (!s.confirmed) {
      s.confirmed = true;
      auto& c = ctx.conn();
      c.transaction([&] {
        store::update_scheme(c, s);
        audit(ctx, "scheme.confirmed", "scheme", s.id, s.owning_organisation_id, {});
      });
      ctx.flash_next(s.service_name + " has been created. It does not require helpdesk approval. Add a location to complete it.");
    } else {
      ctx.flash_next(s.service_name + " has been updated");
    }
    return Response::redirect(scheme_base(s));
  });

  // --- locations
  app.get("/schemes/:id/locations", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, false);
    util::Date on = ctx.app.clock().today();
    auto rows = json::array();
    for (const auto& l : store::list_locations(ctx.conn(), s.id)) rows.push_back(location_json(l, s, on));
    return ctx.page("schemes/locations", {{"title", "Locations - " + s.service_name},
                                          {"scheme", scheme_json(s, on)},
                                          {"locations", rows},
                                          {"total", rows.size()},
                                          {"can_manage", perm::can_manage_scheme(ctx.current_user(), s.owning_organisation_id)}});
  });

  app.get("/schemes/:id/locations/new", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    auto pages = location_pages();
    return question_page(ctx, pages[0], {}, {}, scheme_base(s) + "/locations/new", scheme_base(s) + "/locations",
                         s.service_name, false, 200);
  });
  app.post("/schemes/:id/locations/new", [&lookup](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    auto pages = location_pages();
    Values v;
    auto e = read_page(pages[0], ctx.req, v);
    extra_checks(pages[0], v, e, ctx.app.clock().today());
    if (!e.empty())
      return question_page(ctx, pages[0], v, e, scheme_base(s) + "/locations/new", scheme_base(s) + "/locations",
                           s.service_name, true, 422);
    Location l;
    l.scheme_id = s.id;
    apply_values(v, l);
    if (auto found = lookup.lookup(l.postcode); found && !local_authority_name(found->la_code).empty())
      l.location_code = found->la_code;
    auto& c = ctx.conn();
    int64_t id = 0;
    c.transaction([&] {
      id = store::create_location(c, l);
      audit(ctx, "location.created", "location", id, s.owning_organisation_id, {{"scheme_id", s.id}, {"after", values_json(location_values(l))}});
    });
    l.id = id;
    std::string next = l.location_code.empty() ? "local-authority" : "name";
    return Response::redirect(location_base(s, l) + "/" + next);
  });

  app.get("/schemes/:id/locations/:location_id", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, false);
    Location l = location_from_route(ctx, s);
    util::Date on = ctx.app.clock().today();
    auto status = location_status(l, s, on);
    return ctx.page("schemes/location", {{"title", l.name.empty() ? l.postcode : l.name},
                                         {"scheme", scheme_json(s, on)},
                                         {"location", location_json(l, s, on)},
                                         {"can_manage", perm::can_manage_scheme(ctx.current_user(), s.owning_organisation_id)},
                                         {"incomplete", !l.confirmed},
                                         {"can_deactivate", status == Status::Active || status == Status::ActivatingSoon},
                                         {"can_reactivate", status == Status::Deactivated || status == Status::DeactivatingSoon}});
  });

  app.get("/schemes/:id/locations/:location_id/check-answers", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    Location l = location_from_route(ctx, s);
    auto values = location_values(l);
    auto rows = answer_rows(location_pages(), values, location_base(s, l));
    for (auto& r : rows)
      if (r["id"] == "location_code") r["value"] = local_authority_name(l.location_code);
    bool complete = true;
    for (const auto& r : rows)
      if (!r["answered"].get<bool>() && r["id"] != "name") complete = false;
    return ctx.page("schemes/check_answers", {{"title", "Check your answers"},
                                              {"head_title", "Check your answers: location " + (l.postcode.empty() ? std::to_string(l.id) : l.postcode) + " - " + s.service_name},
                                              {"caption", s.service_name},
                                              {"rows", rows},
                                              {"complete", complete},
                                              {"confirmed", l.confirmed},
                                              {"action", location_base(s, l) + "/check-answers"},
                                              {"button", l.confirmed ? "Save changes" : "Save and return to locations"},
                                              {"back", scheme_base(s) + "/locations"}});
  });
  app.post("/schemes/:id/locations/:location_id/check-answers", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    Location l = location_from_route(ctx, s);
    auto values = location_values(l);
    for (const auto& p : location_pages())
      for (const auto& f : p.fields)
        if (values[f.name].empty() && !f.required_message.empty())
          return Response::redirect(location_base(s, l) + "/" + p.slug + "?return_to=check-answers");
    bool was_confirmed = l.confirmed;
    if (!was_confirmed) {
      l.confirmed = true;
      auto& c = ctx.conn();
      c.transaction([&] {
        store::update_location(c, l);
        audit(ctx, "location.confirmed", "location", l.id, s.owning_organisation_id, {{"scheme_id", s.id}});
      });
    }
    ctx.flash_next((l.name.empty() ? l.postcode : l.name) + (was_confirmed ? " has been updated" : " has been added to " + s.service_name));
    return Response::redirect(scheme_base(s) + "/locations");
  });

  toggle_routes(app, {true, "scheme"});
  toggle_routes(app, {false, "scheme"});
  toggle_routes(app, {true, "location"});
  toggle_routes(app, {false, "location"});

  // Wizard pages by slug: registered last so the fixed paths above win.
  app.get("/schemes/:id/locations/:location_id/:page", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    Location l = location_from_route(ctx, s);
    auto pages = location_pages();
    const Page* p = find_page(pages, ctx.req.param("page"));
    if (!p) throw NotFound();
    return question_page(ctx, *p, location_values(l), {}, location_base(s, l) + "/" + p->slug,
                         location_base(s, l) + "/check-answers", s.service_name, false, 200);
  });
  app.post("/schemes/:id/locations/:location_id/:page", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    Location l = location_from_route(ctx, s);
    auto pages = location_pages();
    const Page* p = find_page(pages, ctx.req.param("page"));
    if (!p) throw NotFound();
    Values before = location_values(l), v = before;
    auto e = read_page(*p, ctx.req, v);
    extra_checks(*p, v, e, ctx.app.clock().today());
    if (p->slug == "availability" && e.empty() && !v["startdate"].empty()) {
      auto d = util::parse_iso_date(v["startdate"]);
      if (s.startdate && d && *d < *s.startdate)
        add_error(e, "startdate", "The location cannot be available before the scheme, which became available on " + s.startdate->display());
    }
    if (!e.empty())
      return question_page(ctx, *p, v, e, location_base(s, l) + "/" + p->slug, location_base(s, l) + "/check-answers",
                           s.service_name, true, 422);
    apply_values(v, l);
    auto& c = ctx.conn();
    c.transaction([&] {
      store::update_location(c, l);
      audit(ctx, "location.updated", "location", l.id, s.owning_organisation_id,
            {{"scheme_id", s.id}, {"before", values_json(before)}, {"after", values_json(v)}});
    });
    bool to_check = ctx.req.f("return_to") == "check-answers" || l.confirmed;
    return Response::redirect(location_base(s, l) + "/" + (to_check ? "check-answers" : next_page(pages, p->slug, v)));
  });

  app.get("/schemes/:id/:page", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    auto pages = scheme_pages(ctx);
    const Page* p = find_page(pages, ctx.req.param("page"));
    if (!p) throw NotFound();
    Page page = *p;
    if (page.slug == "details") page.title = "Scheme details";
    return question_page(ctx, page, scheme_values(s), {}, scheme_base(s) + "/" + p->slug, scheme_base(s) + "/check-answers",
                         s.service_name, false, 200);
  });
  app.post("/schemes/:id/:page", [](Context& ctx) {
    Scheme s = scheme_from_route(ctx, true);
    const auto& u = ctx.current_user();
    auto pages = scheme_pages(ctx);
    const Page* p = find_page(pages, ctx.req.param("page"));
    if (!p) throw NotFound();
    Values before = scheme_values(s), v = before;
    auto e = read_page(*p, ctx.req, v);
    extra_checks(*p, v, e, ctx.app.clock().today());
    if (e.empty() && p->slug == "details" && !perm::can_manage_scheme(u, util::parse_int64(v["owning_organisation_id"]).value_or(0)))
      add_error(e, "owning_organisation_id", "Select which organisation owns the housing stock for this scheme");
    if (!e.empty())
      return question_page(ctx, *p, v, e, scheme_base(s) + "/" + p->slug, scheme_base(s) + "/check-answers",
                           s.service_name, true, 422);
    apply_values(v, s);
    auto& c = ctx.conn();
    c.transaction([&] {
      store::update_scheme(c, s);
      audit(ctx, "scheme.updated", "scheme", s.id, s.owning_organisation_id,
            {{"before", values_json(before)}, {"after", values_json(scheme_values(s))}});
    });
    bool to_check = ctx.req.f("return_to") == "check-answers" || s.confirmed;
    std::string next = next_page(pages, p->slug, scheme_values(s));
    // A newly required page (the secondary client group) comes before check answers.
    if (to_check && next == "secondary-client-group" && s.secondary_client_group.empty()) to_check = false;
    return Response::redirect(scheme_base(s) + "/" + (to_check ? "check-answers" : next) +
                              (to_check || ctx.req.f("return_to") != "check-answers" ? "" : "?return_to=check-answers"));
  });
}

}  // namespace core::schemes
