#include <algorithm>

#include "accounts/permissions.h"
#include "form/registry.h"
#include "home/deadlines.h"
#include "home/routes.h"
#include "logs/kinds.h"
#include "logs/list.h"
#include "logs/duplicates.h"
#include "schemes/routes.h"
#include "util/dates.h"

namespace core::home {
using namespace core::web;
using nlohmann::json;
namespace perm = accounts::permissions;

namespace {

const char* kServiceName = "Submit social housing lettings and sales data (CORE)";

bool has_form(const logs::Kind& kind, int year) {
  return std::find(kind.years.begin(), kind.years.end(), year) != kind.years.end();
}

// The previous year's logs of a kind can still be changed (its form's edit window is open).
bool in_crossover(const logs::Kind& kind, int year, const util::Date& today) {
  return has_form(kind, year - 1) && today <= form::get(kind.type, year - 1)->edit_end_date;
}

std::string years_text(int year) { return std::to_string(year) + " to " + std::to_string(year + 1); }

// "3" over "lettings logs in progress", linking to the list that shows them.
json tile(int64_t count, const std::string& text, const std::string& href) {
  return {{"count", count}, {"text", text}, {"href", href}};
}
std::string logs_text(const logs::Kind& kind, int64_t count, const std::string& status) {
  std::string name = kind.name + (count == 1 ? "" : "s");
  return status == "completed" ? "completed " + name : name + " in progress";
}

// Every form of a collection year that has begun, for the deadlines.
std::vector<FormOf> forms_in_use(const util::Date& today) {
  int year = util::collection_year_start(today).y;
  std::vector<FormOf> out;
  for (const auto& kind : logs::kinds())
    for (int y : kind.years)
      if (y <= year && y >= year - 1) out.push_back({kind.name + "s", form::get(kind.type, y).get()});
  return out;
}

json deadlines_data(const util::Date& today) {
  json years = json::array();
  for (const auto& y : coming_deadlines(forms_in_use(today), today)) {
    json items = json::array();
    for (const auto& d : y.deadlines) items.push_back({{"text", d.text}, {"date", d.date.iso()}});
    years.push_back({{"heading", y.heading}, {"deadlines", items}});
  }
  return years;
}

Response start_page(Context& ctx) {
  util::Date today = ctx.app.clock().today();
  json deadlines = deadlines_data(today);
  return ctx.page("home/start", {{"title", kServiceName}, {"head_title", "Start"}, {"deadline_years", deadlines},
                                 {"has_deadlines", !deadlines.empty()}, {"start_href", "/account/sign-in"},
                                 {"start_text", "Start now"}});
}

Response home_page(Context& ctx) {
  const auto& u = ctx.current_user();
  const auto scope = perm::home_scope(u);
  const bool only_assigned = scope == perm::HomeScope::AssignedToUser;
  util::Date today = ctx.app.clock().today();
  const int year = util::collection_year_start(today).y;

  // This year's logs of each kind, in progress and completed; then, while last year's logs can
  // still be changed, last year's in progress.
  json groups = json::array();
  auto group = [&](int y, const std::vector<std::string>& statuses, const std::string& hint) {
    json tiles = json::array();
    for (const auto& kind : logs::kinds()) {
      if (y != year && !in_crossover(kind, year, today)) continue;
      auto counts = logs::filtered_counts(ctx, kind, y, only_assigned);
      if (!counts) continue;
      for (const auto& status : statuses) {
        const auto& c = counts->at(status);
        tiles.push_back(tile(c.count, logs_text(kind, c.count, status), c.href));
      }
    }
    if (!tiles.empty())
      groups.push_back({{"heading", years_text(y) + " collection year"}, {"hint", hint}, {"tiles", tiles}});
  };
  group(year, {"in_progress", "completed"}, "");
  group(year - 1, {"in_progress"}, "Logs from last year that can still be changed.");

  json j;
  j["title"] = scope == perm::HomeScope::AllData        ? "Manage all data"
               : scope == perm::HomeScope::Organisation ? "Manage your organisation's logs"
                                                        : "Manage logs assigned to you";
  j["groups"] = groups;
  if (perm::home_counts_incomplete_schemes(u)) {
    int64_t n = schemes::incomplete_scheme_count(ctx);
    j["schemes_group"] = {{"tiles", json::array({tile(n, n == 1 ? "incomplete scheme" : "incomplete schemes", "/schemes?status=incomplete")})}};
    j["has_scheme_tiles"] = true;
  }
  // Duplicate sets waiting, when there are any (support choose an organisation on /duplicate-logs).
  auto waiting = logs::duplicate_sets_waiting(ctx, nullptr);
  j["duplicate_sets"] = waiting ? waiting->sets : 0;
  j["duplicates_group"] = {{"tiles", json::array()}};
  if (waiting)
    j["duplicates_group"]["tiles"].push_back(
        tile(waiting->sets, waiting->sets == 1 ? "set of duplicate logs" : "sets of duplicate logs", waiting->href));
  j["has_duplicate_sets"] = bool(waiting);
  json deadlines = deadlines_data(today);
  j["deadline_years"] = deadlines;
  j["has_deadlines"] = !deadlines.empty();
  return ctx.page("home/home", j);
}

}  // namespace

void register_routes(App& app) {
  // GOV.UK service navigation: the service name links to `/`, and "Home" comes first among the links.
  app.add_nav(5, [](const Context& ctx, std::vector<NavLink>& out) {
    if (ctx.user) out.push_back({"Home", "/", ctx.req.path == "/"});
  });
  app.get("/", [](Context& ctx) { return ctx.user ? home_page(ctx) : start_page(ctx); }, Access::Public);
}

}  // namespace core::home
