// Users: an organisation's user list, inviting, viewing, editing, deactivating and reactivating,
// and resending an invitation.
#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/routes.h"
#include "accounts/service.h"
#include "accounts/store.h"
#include "util/text.h"

namespace core::accounts {
using namespace core::web;
using nlohmann::json;
namespace perm = permissions;

namespace {

std::vector<Option> role_options(const User& actor) {
  std::vector<Option> out = {
      {"provider", "Data provider", "Can submit logs for the organisation"},
      {"coordinator", "Data coordinator", "Can also manage the organisation’s users, details and relationships"}};
  if (perm::can_assign_role(actor, Role::Support)) out.push_back({"support", "Support", "Department helpdesk staff"});
  return out;
}

std::vector<Option> yes_no() { return {{"1", "Yes", ""}, {"0", "No", ""}}; }

struct UserForm {
  service::UserInput in;
  std::string organisation_id, is_dpo = "0", is_key_contact = "0";
};

UserForm form_from(const Request& r) {
  UserForm f;
  f.in = {r.f("name"), r.f("email"), r.f("phone"), r.f("role"), r.f("is_dpo") == "1", r.f("is_key_contact") == "1"};
  f.organisation_id = r.f("organisation_id");
  f.is_dpo = r.f("is_dpo");
  f.is_key_contact = r.f("is_key_contact");
  return f;
}

FieldErrors check_flags(const UserForm& f, FieldErrors e, bool admin) {
  if (!admin) return e;
  if (f.in.role.empty()) add_error(e, "role", "Select a role");
  if (f.is_dpo != "1" && f.is_dpo != "0") add_error(e, "is_dpo", "Select yes if the user is a data protection officer");
  if (f.is_key_contact != "1" && f.is_key_contact != "0") add_error(e, "is_key_contact", "Select yes if the user is a key contact");
  return e;
}

json user_fields(Context& ctx, const UserForm& f, const FieldErrors& e, bool details, bool admin, bool choose_org) {
  const auto& actor = ctx.current_user();
  json fields = json::object();
  if (details) {
    fields["name"] = input("name", "Full name", f.in.name, e, {{"autocomplete", "off"}});
    fields["email"] = input("email", "Email address", f.in.email, e, {{"type", "email"}, {"autocomplete", "off"}, {"no_spellcheck", true}});
    fields["phone"] = input("phone", "Telephone number (optional)", f.in.phone, e, {{"type", "tel"}, {"classes", "govuk-input--width-20"}});
  }
  if (choose_org) {
    std::vector<Option> orgs = {{"", "Select an organisation", ""}};
    for (const auto& o : store::list_organisations(ctx.conn(), "", 1, 100000).organisations)
      orgs.push_back({std::to_string(o.id), o.name, ""});
    fields["organisation_id"] = select("organisation_id", "Organisation", orgs, f.organisation_id, e);
  }
  if (admin) {
    fields["role"] = radios("role", "What is their role?", role_options(actor), f.in.role, e);
    fields["is_dpo"] = radios("is_dpo", "Are they a data protection officer?", yes_no(), f.is_dpo, e, {{"inline", true}});
    fields["is_key_contact"] = radios("is_key_contact", "Are they a key contact?", yes_no(), f.is_key_contact, e,
                                      {{"inline", true}, {"hint", "A key contact is the person the department contacts about the organisation’s data"}});
  }
  return fields;
}

Response invite_page(Context& ctx, const UserForm& f, const FieldErrors& e, int status, const std::string& back) {
  bool choose = perm::can_choose_user_organisation(ctx.current_user());
  return ctx.page("users/form", {{"title", "Invite a user"},
                                 {"action", "/users/new"},
                                 {"button", "Send invitation"},
                                 {"back", back},
                                 {"errors", error_summary(e)},
                                 {"fields", user_fields(ctx, f, e, true, true, choose)},
                                 {"status_link", false}},
                  status);
}

Response edit_page(Context& ctx, const User& target, const UserForm& f, const FieldErrors& e, int status) {
  const auto& actor = ctx.current_user();
  bool details = perm::can_edit_user_details(actor, target), admin = perm::can_administer_user(actor, target);
  std::string base = "/users/" + std::to_string(target.id);
  return ctx.page("users/form", {{"title", "Change " + target.name + "’s details"},
                                 {"action", base + "/edit"},
                                 {"button", "Save changes"},
                                 {"back", base},
                                 {"errors", error_summary(e)},
                                 {"fields", user_fields(ctx, f, e, details, admin, false)},
                                 {"status_link", admin ? json{{"href", base + (target.active ? "/deactivate" : "/reactivate")},
                                                              {"label", target.active ? "Deactivate user" : "Reactivate user"}}
                                                       : json(false)}},
                  status);
}

void status_routes(App& app, bool deactivate) {
  std::string path = deactivate ? "/users/:id/deactivate" : "/users/:id/reactivate";
  app.get(path, [deactivate](Context& ctx) {
    auto target = user_from_route(ctx);
    if (!perm::can_administer_user(ctx.current_user(), target)) throw Forbidden();
    return ctx.page("users/status", {{"title", std::string(deactivate ? "Are you sure you want to deactivate "
                                                                      : "Are you sure you want to reactivate ") + target.name + "?"},
                                     {"user", user_json(target)},
                                     {"deactivate", deactivate},
                                     {"action", "/users/" + std::to_string(target.id) + (deactivate ? "/deactivate" : "/reactivate")}});
  });
  app.post(path, [deactivate](Context& ctx) {
    auto target = user_from_route(ctx);
    const auto& actor = ctx.current_user();
    if (!perm::can_administer_user(actor, target)) throw Forbidden();
    auto& c = ctx.conn();
    c.transaction([&] {
      store::set_user_active(c, target.id, !deactivate);
      if (deactivate) store::delete_user_sessions(c, target.id);
      store::audit(c, actor.id, deactivate ? "user.deactivated" : "user.reactivated", "user", target.id,
                   target.organisation_id, {{"before", {{"active", target.active}}}, {"after", {{"active", !deactivate}}}});
    });
    ctx.flash_next(target.name + (deactivate ? " has been deactivated" : " has been reactivated"));
    return Response::redirect("/users/" + std::to_string(target.id));
  });
}

}  // namespace

void register_user_routes(App& app) {
  app.get("/organisations/:id/users", [](Context& ctx) {
    auto org = organisation_from_route(ctx, perm::can_view_users_of);
    const auto& u = ctx.current_user();
    store::UserFilter f;
    f.search = trim(ctx.req.q("search"));
    f.role = role_from_key(ctx.req.q("role"));
    std::string status = ctx.req.q("status");
    if (status == "active" || status == "unconfirmed" || status == "deactivated") f.status = status;
    f.page = page_number(ctx.req.q("page"));
    auto result = store::list_users(ctx.conn(), org.id, f);
    auto rows = json::array();
    rows.get_ref<json::array_t&>().reserve(result.users.size());
    for (const auto& m : result.users) rows.push_back(user_json(m));
    std::string base = "/organisations/" + std::to_string(org.id) + "/users";
    std::string query = "search=" + url_encode(f.search) + "&role=" + (f.role ? role_key(*f.role) : "") + "&status=" + f.status;
    FieldErrors none;
    return ctx.page("users/index",
                    {{"title", "Users - " + org.name},
                     {"organisation", organisation_json(org)},
                     {"tabs", organisation_tabs(ctx, org, "users")},
                     {"users", std::move(rows)},
                     {"total", result.total},
                     {"total_label", std::to_string(result.total) + (result.total == 1 ? " user" : " users")},
                     {"search", f.search},
                     {"filtered", !f.search.empty() || f.role || !f.status.empty()},
                     {"base", base},
                     {"role_filter", select("role", "Role",
                                            {{"", "All roles", ""}, {"provider", "Data provider", ""},
                                             {"coordinator", "Data coordinator", ""}, {"support", "Support", ""}},
                                            f.role ? role_key(*f.role) : "", none)},
                     {"status_filter", select("status", "Status",
                                              {{"", "All statuses", ""}, {"active", "Active", ""},
                                               {"unconfirmed", "Unconfirmed", ""}, {"deactivated", "Deactivated", ""}},
                                              f.status, none)},
                     {"can_invite", perm::can_invite_users_to(u, org.id)},
                     {"pagination", pagination(result.total, f.per_page, f.page, base + "?" + query)}});
  });

  app.get("/users/new", [](Context& ctx) {
    const auto& u = ctx.current_user();
    UserForm f;
    f.organisation_id = ctx.req.q("organisation_id").empty() ? std::to_string(u.organisation_id) : ctx.req.q("organisation_id");
    f.in.role = "provider";
    auto parsed = util::parse_id(f.organisation_id);
    if (!parsed) throw NotFound();
    int64_t org = *parsed;
    if (!perm::can_invite_users_to(u, org)) {
      if (!perm::can_view_organisation(u, org)) throw NotFound();
      throw Forbidden();
    }
    return invite_page(ctx, f, {}, 200, "/organisations/" + f.organisation_id + "/users");
  });

  app.post("/users/new", [](Context& ctx) {
    const auto& u = ctx.current_user();
    auto f = form_from(ctx.req);
    if (!perm::can_choose_user_organisation(u)) f.organisation_id = std::to_string(u.organisation_id);
    auto& c = ctx.conn();
    FieldErrors e;
    auto parsed = util::parse_id(f.organisation_id);
    int64_t org_id = parsed && store::find_organisation(c, *parsed) ? *parsed : 0;
    if (!org_id)
      add_error(e, "organisation_id", "Select an organisation");
    else if (!perm::can_invite_users_to(u, org_id))
      throw Forbidden();
    auto more = service::read_user(c, f.in);
    e.insert(e.end(), more.begin(), more.end());
    e = check_flags(f, e, true);
    if (auto role = role_from_key(f.in.role); role && !perm::can_assign_role(u, *role)) add_error(e, "role", "Select a role");
    std::string back = "/organisations/" + std::to_string(org_id ? org_id : u.organisation_id) + "/users";
    if (!e.empty()) return invite_page(ctx, f, e, 422, back);
    int64_t id = 0;
    try {
      id = service::invite_user(c, ctx.app.mailer(), ctx.app.base_url(), org_id, f.in, u.id);
    } catch (const db::ConstraintError&) {
      return invite_page(ctx, f, {{"email", "A user with this email address already exists"}}, 422, back);
    }
    ctx.flash_next("Invitation sent to " + trim(f.in.email));
    return Response::redirect("/users/" + std::to_string(id));
  });

  app.get("/users/:id", [](Context& ctx) {
    auto target = user_from_route(ctx);
    const auto& actor = ctx.current_user();
    bool admin = perm::can_administer_user(actor, target);
    return ctx.page("users/show", {{"title", target.name},
                                   {"user", user_json(target)},
                                   {"can_edit", perm::can_edit_user_details(actor, target) || admin},
                                   {"can_administer", admin},
                                   {"can_resend", admin && target.status() == "unconfirmed"},
                                   {"is_self", actor.id == target.id}});
  });

  app.get("/users/:id/edit", [](Context& ctx) {
    auto target = user_from_route(ctx);
    const auto& actor = ctx.current_user();
    if (!perm::can_edit_user_details(actor, target) && !perm::can_administer_user(actor, target)) throw Forbidden();
    UserForm f;
    f.in = {target.name, target.email, target.phone, role_key(target.role), target.is_dpo, target.is_key_contact};
    f.is_dpo = target.is_dpo ? "1" : "0";
    f.is_key_contact = target.is_key_contact ? "1" : "0";
    return edit_page(ctx, target, f, {}, 200);
  });

  app.post("/users/:id/edit", [](Context& ctx) {
    auto target = user_from_route(ctx);
    const auto& actor = ctx.current_user();
    bool details = perm::can_edit_user_details(actor, target), admin = perm::can_administer_user(actor, target);
    if (!details && !admin) throw Forbidden();
    auto f = form_from(ctx.req);
    if (!details) {
      f.in.name = target.name;
      f.in.email = target.email;
      f.in.phone = target.phone;
    }
    if (!admin) {
      f.in.role = role_key(target.role);
      f.is_dpo = target.is_dpo ? "1" : "0";
      f.is_key_contact = target.is_key_contact ? "1" : "0";
    }
    auto& c = ctx.conn();
    auto e = check_flags(f, service::read_user(c, f.in, target.id), admin);
    auto role = role_from_key(f.in.role);
    if (admin && role && !perm::can_assign_role(actor, *role)) add_error(e, "role", "Select a role");
    if (!e.empty()) return edit_page(ctx, target, f, e, 422);
    try {
      c.transaction([&] {
        store::update_user_details(c, target.id, trim(f.in.name), trim(f.in.email), trim(f.in.phone));
        if (admin) store::update_user_admin(c, target.id, *role, f.is_dpo == "1", f.is_key_contact == "1");
        store::audit(c, actor.id, "user.updated", "user", target.id, target.organisation_id,
                     {{"before", {{"name", target.name}, {"email", target.email}, {"phone", target.phone},
                                  {"role", role_key(target.role)}, {"is_dpo", target.is_dpo}, {"is_key_contact", target.is_key_contact}}},
                      {"after", {{"name", trim(f.in.name)}, {"email", trim(f.in.email)}, {"phone", trim(f.in.phone)},
                                 {"role", f.in.role}, {"is_dpo", f.is_dpo == "1"}, {"is_key_contact", f.is_key_contact == "1"}}}});
      });
    } catch (const db::ConstraintError&) {
      return edit_page(ctx, target, f, {{"email", "A user with this email address already exists"}}, 422);
    }
    ctx.flash_next(trim(f.in.name) + "’s details have been updated");
    return Response::redirect("/users/" + std::to_string(target.id));
  });

  app.post("/users/:id/resend-invite", [](Context& ctx) {
    auto target = user_from_route(ctx);
    const auto& actor = ctx.current_user();
    if (!perm::can_administer_user(actor, target)) throw Forbidden();
    if (target.status() != "unconfirmed") throw BadRequest("This user has already set their password");
    service::resend_invitation(ctx.conn(), ctx.app.mailer(), ctx.app.base_url(), target, actor.id);
    ctx.flash_next("Invitation sent again to " + target.email);
    return Response::redirect("/users/" + std::to_string(target.id));
  });

  status_routes(app, true);
  status_routes(app, false);
}

}  // namespace core::accounts
