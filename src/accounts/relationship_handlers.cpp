// Stock owners and managing agents of an organisation: list, add, remove.
// A stock owner (parent) must hold its own stock; the relationship is many-to-many.
#include <algorithm>
#include <tuple>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/routes.h"
#include "accounts/store.h"
#include "web/forms.h"

namespace core::accounts {
using namespace core::web;
using nlohmann::json;
namespace perm = permissions;

namespace {

// One kind of relationship seen from the organisation in the URL.
struct Kind {
  std::string slug;        // "stock-owners" or "managing-agents"
  std::string plural, singular;
  bool other_is_parent;    // stock owners are parents of the organisation in the URL
};

std::vector<Organisation> related(db::Connection& c, const Kind& k, int64_t org) {
  return k.other_is_parent ? store::stock_owners(c, org) : store::managing_agents(c, org);
}

void routes_for(App& app, const Kind& k) {
  std::string base = "/organisations/:id/" + k.slug;

  app.get(base, [k](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation);
    auto rows = json::array();
    for (const auto& o : related(ctx.conn(), k, org.id)) rows.push_back(organisation_json(o));
    return ctx.page("organisations/relationships",
                    {{"title", k.plural[0] == 's' ? "Stock owners" : "Managing agents"},
                     {"organisation", organisation_json(org)},
                     {"tabs", organisation_tabs(ctx, org, k.slug)},
                     {"related", rows},
                     {"slug", k.slug},
                     {"singular", k.singular},
                     {"plural", k.plural},
                     {"can_manage", perm::can_manage_relationships(ctx.current_user(), org.id)}});
  });

  auto add_page = [k](Context& ctx, const Organisation& org, const std::string& chosen, const FieldErrors& e, int status) {
    auto& c = ctx.conn();
    auto existing = related(c, k, org.id);
    std::vector<Option> options = {{"", "Select an organisation", ""}};
    for (const auto& o : store::list_organisations(c, "", 1, 100000).organisations) {
      if (o.id == org.id || !o.active) continue;
      if (k.other_is_parent && !o.holds_own_stock) continue;
      bool already = std::any_of(existing.begin(), existing.end(), [&](const Organisation& x) { return x.id == o.id; });
      if (!already) options.push_back({std::to_string(o.id), o.name, ""});
    }
    std::string label = "Which organisation is a " + k.singular + " of " + org.name + "?";
    return ctx.page("organisations/relationship_add",
                    {{"title", "Add a " + k.singular},
                     {"organisation", organisation_json(org)},
                     {"errors", error_summary(e)},
                     {"back", "/organisations/" + std::to_string(org.id) + "/" + k.slug},
                     {"action", "/organisations/" + std::to_string(org.id) + "/" + k.slug + "/add"},
                     {"field", select("related_organisation_id", label, options, chosen, e,
                                      {{"autocomplete_enhance", true}, {"label_is_page_heading", true}})}},
                    status);
  };

  app.get(base + "/add", [add_page](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    return add_page(ctx, org, "", {}, 200);
  });

  app.post(base + "/add", [k, add_page](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    auto& c = ctx.conn();
    std::string chosen = ctx.req.f("related_organisation_id");
    std::optional<Organisation> other;
    if (!chosen.empty() && chosen.size() < 19 && chosen.find_first_not_of("0123456789") == std::string::npos)
      other = store::find_organisation(c, std::atoll(chosen.c_str()));
    FieldErrors e;
    if (!other || other->id == org.id) add_error(e, "related_organisation_id", "Select an organisation from the list");
    else {
      int64_t parent = k.other_is_parent ? other->id : org.id, child = k.other_is_parent ? org.id : other->id;
      auto parent_org = k.other_is_parent ? *other : org;
      if (!parent_org.holds_own_stock)
        add_error(e, "related_organisation_id",
                  k.other_is_parent ? other->name + " does not hold its own stock, so it cannot be a stock owner"
                                    : org.name + " does not hold its own stock, so it cannot have managing agents");
      else if (store::relationship_exists(c, parent, child))
        add_error(e, "related_organisation_id", other->name + " is already a " + k.singular + " of " + org.name);
      if (e.empty()) {
        c.transaction([&] {
          store::add_relationship(c, parent, child);
          store::audit(c, ctx.current_user().id, "organisation.relationship_added", "organisation", org.id, org.id,
                       {{"stock_owner_id", parent}, {"managing_agent_id", child}});
        });
        ctx.flash_next(other->name + " is now one of " + org.name + "’s " + k.plural);
        return Response::redirect("/organisations/" + std::to_string(org.id) + "/" + k.slug);
      }
    }
    return add_page(ctx, org, chosen, e, 422);
  });

  auto other_from_route = [k](Context& ctx, const Organisation& org) {
    int64_t other_id = ctx.req.id_param("other_id");
    auto existing = related(ctx.conn(), k, org.id);
    auto it = std::find_if(existing.begin(), existing.end(), [&](const Organisation& o) { return o.id == other_id; });
    if (it == existing.end()) throw NotFound();
    return *it;
  };

  app.get(base + "/:other_id/remove", [k, other_from_route](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    auto other = other_from_route(ctx, org);
    return ctx.page("organisations/relationship_remove",
                    {{"title", "Are you sure you want to remove " + other.name + " as a " + k.singular + "?"},
                     {"back", "/organisations/" + std::to_string(org.id) + "/" + k.slug},
                     {"action", "/organisations/" + std::to_string(org.id) + "/" + k.slug + "/" +
                                    std::to_string(other.id) + "/remove"}});
  });

  app.post(base + "/:other_id/remove", [k, other_from_route](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    auto other = other_from_route(ctx, org);
    auto& c = ctx.conn();
    int64_t parent = k.other_is_parent ? other.id : org.id, child = k.other_is_parent ? org.id : other.id;
    c.transaction([&] {
      store::remove_relationship(c, parent, child);
      store::audit(c, ctx.current_user().id, "organisation.relationship_removed", "organisation", org.id, org.id,
                   {{"stock_owner_id", parent}, {"managing_agent_id", child}});
    });
    ctx.flash_next(other.name + " is no longer a " + k.singular + " of " + org.name);
    return Response::redirect("/organisations/" + std::to_string(org.id) + "/" + k.slug);
  });
}

}  // namespace

void register_relationship_routes(App& app) {
  routes_for(app, {"stock-owners", "stock owners", "stock owner", true});
  routes_for(app, {"managing-agents", "managing agents", "managing agent", false});
}

void register_static_page_routes(App& app) {
  for (auto [path, name, title] : {std::tuple{"/accessibility-statement", "accessibility_statement", "Accessibility statement"},
                                   std::tuple{"/privacy-notice", "privacy_notice", "Privacy notice"},
                                   std::tuple{"/cookies", "cookies", "Cookies"}}) {
    std::string n = name, t = title;
    app.get(path, [n, t](Context& ctx) { return ctx.page("static/" + n, {{"title", t}}); }, Access::Public);
  }
}

}  // namespace core::accounts
