// Stock owners and managing agents of an organisation: list, add (a request the other organisation
// accepts, or in force at once when support adds it), accept, decline or cancel a request, remove.
// A stock owner (parent) must hold its own stock; the relationship is many-to-many.
#include <algorithm>
#include <tuple>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/routes.h"
#include "accounts/service.h"
#include "accounts/store.h"
#include "util/text.h"
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

std::string page_of(const Kind& k, int64_t org) { return "/organisations/" + std::to_string(org) + "/" + k.slug; }

// Pending requests that would make an organisation one of `org`'s stock owners (or managing
// agents), for the list page: incoming ones (the other organisation asked) with Accept and
// Decline, outgoing ones with Cancel, each only for those allowed.
json request_rows(Context& ctx, const Kind& k, const Organisation& org, bool incoming) {
  const auto& u = ctx.current_user();
  auto rows = json::array();
  for (const auto& r : store::relationship_requests(ctx.conn(), org.id)) {
    if ((k.other_is_parent ? r.child_id : r.parent_id) != org.id) continue;
    if ((r.requested_by_organisation_id != org.id) != incoming) continue;
    const Organisation& other = k.other_is_parent ? r.parent : r.child;
    std::string base = page_of(k, org.id) + "/requests/" + std::to_string(r.id);
    rows.push_back({{"name", other.name},
                    {"provider_type", provider_type_label(other.provider_type)},
                    {"can_answer", perm::can_answer_relationship_request(u, r.answering_organisation_id())},
                    {"can_cancel", perm::can_cancel_relationship_request(u, r.requested_by_organisation_id)},
                    {"accept_action", base + "/accept"},
                    {"decline_action", base + "/decline"},
                    {"cancel_action", base + "/cancel"}});
  }
  return rows;
}

void routes_for(App& app, const Kind& k) {
  std::string base = "/organisations/:id/" + k.slug;

  app.get(base, [k](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation);
    auto rows = json::array();
    for (const auto& o : related(ctx.conn(), k, org.id)) rows.push_back(organisation_json(o));
    auto incoming = request_rows(ctx, k, org, true), outgoing = request_rows(ctx, k, org, false);
    return ctx.page("organisations/relationships",
                    {{"title", k.plural[0] == 's' ? "Stock owners" : "Managing agents"},
                     {"head_title", std::string(k.plural[0] == 's' ? "Stock owners" : "Managing agents") + " - " + org.name},
                     {"organisation", organisation_json(org)},
                     {"tabs", organisation_tabs(ctx, org, k.slug)},
                     {"related", rows},
                     {"incoming", incoming},
                     {"outgoing", outgoing},
                     {"has_incoming", !incoming.empty()},
                     {"has_outgoing", !outgoing.empty()},
                     {"has_requests", !incoming.empty() || !outgoing.empty()},
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
    json field_options = {{"autocomplete_enhance", true}, {"label_is_page_heading", true}};
    if (!perm::adds_relationships_in_force(ctx.current_user()))
      field_options["hint"] = "The organisation you choose is asked to accept. Until one of its data coordinators "
                              "accepts, nothing changes.";
    return ctx.page("organisations/relationship_add",
                    {{"title", "Add a " + k.singular},
                     {"organisation", organisation_json(org)},
                     {"errors", error_summary(e)},
                     {"back", page_of(k, org.id)},
                     {"action", page_of(k, org.id) + "/add"},
                     {"field", select("related_organisation_id", label, options, chosen, e, field_options)}},
                    status);
  };

  app.get(base + "/add", [add_page](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    return add_page(ctx, org, "", {}, 200);
  });

  app.post(base + "/add", [k, add_page](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_organisation, perm::can_manage_relationships);
    const auto& u = ctx.current_user();
    auto& c = ctx.conn();
    std::string chosen = ctx.req.f("related_organisation_id");
    std::optional<Organisation> other;
    if (auto other_id = util::parse_id(chosen)) other = store::find_organisation(c, *other_id);
    FieldErrors e;
    if (!other || other->id == org.id || !other->active)
      add_error(e, "related_organisation_id", "Select an organisation from the list");
    else {
      const Organisation& owner = k.other_is_parent ? *other : org;
      const Organisation& agent = k.other_is_parent ? org : *other;
      if (!owner.holds_own_stock)
        add_error(e, "related_organisation_id",
                  k.other_is_parent ? other->name + " does not hold its own stock, so it cannot be a stock owner"
                                    : org.name + " does not hold its own stock, so it cannot have managing agents");
      else if (store::relationship_exists(c, owner.id, agent.id))
        add_error(e, "related_organisation_id", other->name + " is already a " + k.singular + " of " + org.name);
      else if (store::relationship_requested(c, owner.id, agent.id))
        add_error(e, "related_organisation_id", "There is already a request for " + other->name + " to be a " +
                                                    k.singular + " of " + org.name + ": it is listed on the " +
                                                    k.plural + " page");
      if (e.empty()) {
        bool in_force = perm::adds_relationships_in_force(u);
        try {
          c.transaction([&] {
            json details = {{"stock_owner_id", owner.id}, {"managing_agent_id", agent.id}};
            if (in_force) {
              store::add_relationship(c, owner.id, agent.id);
              store::audit(c, u.id, "organisation.relationship_added", "organisation", org.id, org.id, details);
            } else {
              details["request_id"] = store::create_relationship_request(c, owner.id, agent.id, org.id, u.id);
              store::audit(c, u.id, "organisation.relationship_requested", "organisation", org.id, org.id, details);
            }
            service::notify_relationship(c, ctx.app.mailer(), ctx.app.base_url(),
                                         in_force ? service::RelationshipEvent::AddedBySupport
                                                  : service::RelationshipEvent::Requested,
                                         owner, agent, org.id);
          });
        } catch (const db::ConstraintError&) {
          // Asked or added a moment ago by someone else.
          add_error(e, "related_organisation_id", "There is already a request for " + other->name + " to be a " +
                                                      k.singular + " of " + org.name);
          return add_page(ctx, org, chosen, e, 422);
        }
        ctx.flash_next(in_force ? other->name + " is now one of " + org.name + "’s " + k.plural
                                : "Request sent. " + other->name + " becomes one of " + org.name + "’s " + k.plural +
                                      " once a data coordinator of " + other->name + " accepts it");
        return Response::redirect(page_of(k, org.id));
      }
    }
    return add_page(ctx, org, chosen, e, 422);
  });

  // Accept, decline or cancel a pending request shown on this organisation's page.
  enum class Answer { Accept, Decline, Cancel };
  for (auto [answer, verb] : {std::pair{Answer::Accept, "accept"}, std::pair{Answer::Decline, "decline"},
                              std::pair{Answer::Cancel, "cancel"}}) {
    app.post(base + "/requests/:request_id/" + verb, [k, answer = answer](Context& ctx) {
      auto org = organisation_from_route(ctx, perm::can_view_organisation);
      const auto& u = ctx.current_user();
      auto& c = ctx.conn();
      auto r = store::find_relationship_request(c, ctx.req.id_param("request_id"));
      if (!r || (k.other_is_parent ? r->child_id : r->parent_id) != org.id) throw NotFound();
      bool allowed = answer == Answer::Cancel ? perm::can_cancel_relationship_request(u, r->requested_by_organisation_id)
                                              : perm::can_answer_relationship_request(u, r->answering_organisation_id());
      if (!allowed) throw Forbidden();
      if (answer == Answer::Accept && (!r->parent.holds_own_stock || !r->parent.active || !r->child.active))
        throw HttpError(422, r->parent.name + " cannot be a stock owner of " + r->child.name +
                                 " now: one of them is deactivated or " + r->parent.name +
                                 " no longer holds its own stock. Decline the request instead.");
      const Organisation& other = k.other_is_parent ? r->parent : r->child;
      bool done = false;
      c.transaction([&] {
        if (!store::delete_relationship_request(c, r->id)) return;  // answered or cancelled meanwhile
        done = true;
        if (answer == Answer::Accept && !store::relationship_exists(c, r->parent_id, r->child_id))
          store::add_relationship(c, r->parent_id, r->child_id);
        const char* action = answer == Answer::Accept    ? "organisation.relationship_request_accepted"
                             : answer == Answer::Decline ? "organisation.relationship_request_declined"
                                                         : "organisation.relationship_request_cancelled";
        int64_t acting_org = answer == Answer::Cancel ? r->requested_by_organisation_id : r->answering_organisation_id();
        store::audit(c, u.id, action, "organisation", acting_org, acting_org,
                     {{"request_id", r->id}, {"stock_owner_id", r->parent_id}, {"managing_agent_id", r->child_id},
                      {"requested_by_organisation_id", r->requested_by_organisation_id}});
        service::notify_relationship(c, ctx.app.mailer(), ctx.app.base_url(),
                                     answer == Answer::Accept    ? service::RelationshipEvent::Accepted
                                     : answer == Answer::Decline ? service::RelationshipEvent::Declined
                                                                 : service::RelationshipEvent::Cancelled,
                                     r->parent, r->child, r->requested_by_organisation_id);
      });
      if (!done) ctx.flash_next("That request has already been answered or cancelled");
      else if (answer == Answer::Accept) ctx.flash_next(other.name + " is now one of " + org.name + "’s " + k.plural);
      else if (answer == Answer::Decline) ctx.flash_next("You declined the request from " + other.name);
      else ctx.flash_next("You cancelled the request to " + other.name);
      return Response::redirect(page_of(k, org.id));
    });
  }

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
                     {"back", page_of(k, org.id)},
                     {"action", page_of(k, org.id) + "/" + std::to_string(other.id) + "/remove"}});
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
    return Response::redirect(page_of(k, org.id));
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
