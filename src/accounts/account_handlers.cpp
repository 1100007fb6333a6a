// Your account: details, editing them, changing the password; password reset by email; and
// accepting an invitation by setting a first password.
#include <algorithm>

#include "accounts/passwords.h"
#include "accounts/permissions.h"
#include "accounts/routes.h"
#include "accounts/service.h"
#include "accounts/store.h"
#include "util/crypto.h"
#include "util/time.h"

namespace core::accounts {
using namespace core::web;
using nlohmann::json;

namespace {

json account_summary(const User& u) {
  return json{{"name", u.name},
              {"email", u.email},
              {"phone", u.phone},
              {"organisation", u.organisation_name},
              {"organisation_id", u.organisation_id},
              {"role", role_label(u.role)},
              {"is_dpo", u.is_dpo},
              {"is_key_contact", u.is_key_contact},
              {"last_sign_in", u.last_sign_in_at ? util::display_datetime(*u.last_sign_in_at) : "Never"}};
}

// New password + confirmation, checked against the policy (and the user's last 3 passwords).
FieldErrors check_new_password(db::Connection& c, std::optional<int64_t> user_id, const std::string& pw,
                               const std::string& confirm) {
  FieldErrors e;
  auto problems = service::password_errors(c, user_id, pw);
  if (!problems.empty()) add_error(e, "password", problems.front());
  else if (pw != confirm) add_error(e, "password_confirmation", "Passwords do not match");
  return e;
}

json password_fields(const FieldErrors& e, const std::string& label = "Create a password") {
  return json{{"password", input("password", label, "", e,
                                 {{"type", "password"}, {"autocomplete", "new-password"},
                                  {"hint", "Your password must be at least 9 characters long and include upper- and "
                                           "lower-case letters and at least one of these symbols: - ! @ # $ ( ) % ^ & *"}})},
              {"password_confirmation",
               input("password_confirmation", "Confirm your password", "", e,
                     {{"type", "password"}, {"autocomplete", "new-password"}})}};
}

// Shared by password reset and invitation acceptance: both are a token and a new password.
struct TokenFlow {
  std::string purpose, path, title, template_name;
  std::string head_title = "";  // the <title>, when the heading is shared with another page
};

Response token_form(Context& ctx, const TokenFlow& flow, const std::string& token, const FieldErrors& e, int status) {
  json data = password_fields(e, flow.purpose == "invite" ? "Create a password" : "New password");
  data["title"] = flow.title;
  if (!flow.head_title.empty()) data["head_title"] = flow.head_title;
  data["token"] = token;
  data["action"] = flow.path;
  data["errors"] = error_summary(e);
  return ctx.page(flow.template_name, data, status);
}

Response invalid_link(Context& ctx, const TokenFlow& flow) {
  return ctx.page("accounts/link_expired",
                  {{"title", "This link has expired or has already been used"}, {"invite", flow.purpose == "invite"}}, 404);
}

void token_routes(App& app, const TokenFlow& flow) {
  app.get(flow.path, [flow](Context& ctx) {
    std::string token = ctx.req.q("token");
    if (token.empty() || !store::find_valid_token(ctx.conn(), flow.purpose, util::sha256_hex(token)))
      return invalid_link(ctx, flow);
    return token_form(ctx, flow, token, {}, 200);
  }, Access::Public);

  app.post(flow.path, [flow](Context& ctx) {
    std::string token = ctx.req.f("token");
    auto& c = ctx.conn();
    auto user_id = token.empty() ? std::nullopt : store::find_valid_token(c, flow.purpose, util::sha256_hex(token));
    if (!user_id) return invalid_link(ctx, flow);
    auto e = check_new_password(c, *user_id, ctx.req.f("password"), ctx.req.f("password_confirmation"));
    if (!e.empty()) return token_form(ctx, flow, token, e, 422);
    auto u = store::find_user(c, *user_id);
    if (!u || !u->active) return invalid_link(ctx, flow);
    c.transaction([&] {
      store::set_password(c, u->id, passwords::hash(ctx.req.f("password")));
      store::use_tokens(c, u->id, flow.purpose);
      store::delete_user_sessions(c, u->id);
      store::audit(c, u->id, flow.purpose == "invite" ? "user.invitation_accepted" : "user.password_reset", "user",
                   u->id, u->organisation_id);
    });
    if (flow.purpose == "invite") {
      ctx.start_session(u->id);
      store::record_sign_in(c, u->id);  // set_password has just unlocked the account
      ctx.user = store::find_user(c, u->id);
      ctx.flash_next("Your password has been set. Welcome to CORE.");
      return Response::redirect("/account");
    }
    return Response::redirect("/account/sign-in?password_changed=1");
  }, Access::Public);
}

}  // namespace

void register_account_routes(App& app) {
  app.get("/account", [](Context& ctx) {
    return ctx.page("accounts/account", {{"title", "Your account"}, {"account", account_summary(ctx.current_user())}});
  });

  auto edit_page = [](Context& ctx, const std::string& name, const std::string& email, const std::string& phone,
                      const FieldErrors& e, int status) {
    return ctx.page("accounts/account_edit",
                    {{"title", "Change your personal details"},
                     {"errors", error_summary(e)},
                     {"name", input("name", "Full name", name, e, {{"autocomplete", "name"}})},
                     {"email", input("email", "Email address", email, e,
                                     {{"type", "email"}, {"autocomplete", "email"}, {"no_spellcheck", true}})},
                     {"phone", input("phone", "Telephone number (optional)", phone, e,
                                     {{"type", "tel"}, {"autocomplete", "tel"}, {"classes", "govuk-input--width-20"}})}},
                    status);
  };
  app.get("/account/edit", [edit_page](Context& ctx) {
    const auto& u = ctx.current_user();
    return edit_page(ctx, u.name, u.email, u.phone, {}, 200);
  });
  app.post("/account/edit", [edit_page](Context& ctx) {
    const auto& u = ctx.current_user();
    if (!permissions::can_edit_user_details(u, u)) throw Forbidden();
    service::UserInput in{ctx.req.f("name"), ctx.req.f("email"), ctx.req.f("phone"), "", false, false};
    auto& c = ctx.conn();
    auto e = service::read_user(c, in, u.id);
    if (!e.empty()) return edit_page(ctx, in.name, in.email, in.phone, e, 422);
    c.transaction([&] {
      store::update_user_details(c, u.id, trim(in.name), trim(in.email), trim(in.phone));
      store::audit(c, u.id, "user.updated", "user", u.id, u.organisation_id,
                   {{"before", {{"name", u.name}, {"email", u.email}, {"phone", u.phone}}},
                    {"after", {{"name", trim(in.name)}, {"email", trim(in.email)}, {"phone", trim(in.phone)}}}});
    });
    ctx.flash_next("Your details have been updated");
    return Response::redirect("/account");
  });

  auto password_page = [](Context& ctx, const FieldErrors& e, int status) {
    json data = password_fields(e, "New password");
    data["title"] = "Change your password";
    data["errors"] = error_summary(e);
    data["current_password"] = input("current_password", "Current password", "", e,
                                     {{"type", "password"}, {"autocomplete", "current-password"}});
    return ctx.page("accounts/change_password", data, status);
  };
  app.get("/account/change-password", [password_page](Context& ctx) { return password_page(ctx, {}, 200); });
  app.post("/account/change-password", [password_page](Context& ctx) {
    const auto& u = ctx.current_user();
    auto& c = ctx.conn();
    FieldErrors e;
    if (ctx.req.f("current_password").empty()) add_error(e, "current_password", "Enter your current password");
    else if (!passwords::verify(u.password_hash, ctx.req.f("current_password")))
      add_error(e, "current_password", "The password you entered is not your current password");
    if (e.empty()) e = check_new_password(c, u.id, ctx.req.f("password"), ctx.req.f("password_confirmation"));
    if (!e.empty()) return password_page(ctx, e, 422);
    c.transaction([&] {
      store::set_password(c, u.id, passwords::hash(ctx.req.f("password")));
      store::delete_user_sessions(c, u.id);  // sign out everywhere else
      store::audit(c, u.id, "user.password_changed", "user", u.id, u.organisation_id);
    });
    ctx.session_token.clear();
    ctx.start_session(u.id);
    ctx.flash_next("Your password has been changed");
    return Response::redirect("/account");
  });

  // Password reset: the same reply whether or not the email has an account, and throttled.
  auto request_page = [](Context& ctx, const std::string& email, const FieldErrors& e, int status) {
    return ctx.page("accounts/password_new",
                    {{"title", "Reset your password"},
                     {"head_title", "Reset your password: enter your email address"},
                     {"errors", error_summary(e)},
                     {"email", input("email", "Email address", email, e,
                                     {{"type", "email"}, {"autocomplete", "email"}, {"no_spellcheck", true}})}},
                    status);
  };
  app.get("/account/password/new", [request_page](Context& ctx) { return request_page(ctx, "", {}, 200); },
          Access::Public);
  app.post("/account/password/new", [request_page](Context& ctx) {
    std::string email = trim(ctx.req.f("email"));
    FieldErrors e;
    if (email.empty()) add_error(e, "email", "Enter an email address");
    else if (!service::valid_email(email))
      add_error(e, "email", "Enter an email address in the correct format, like name@example.com");
    if (!e.empty()) return request_page(ctx, email, e, 422);
    auto& c = ctx.conn();
    std::string key = email;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char ch) { return std::tolower(ch); });
    bool allowed = store::rate_limit_hit(c, "reset:" + key, 5, 15 * 60) &&
                   store::rate_limit_hit(c, "reset-ip:" + ctx.req.remote_addr, 30, 15 * 60);
    if (!allowed)
      return ctx.page("accounts/too_many_requests", {{"title", "There have been too many attempts to reset this password"}}, 429);
    service::request_password_reset(c, ctx.app.mailer(), ctx.app.base_url(), email);
    return ctx.page("accounts/password_sent", {{"title", "Check your email"}, {"email", email}});
  }, Access::Public);

  token_routes(app, {"reset", "/account/password/reset", "Reset your password", "accounts/password_reset",
                     "Reset your password: create a new password"});
  token_routes(app, {"invite", "/account/invitation", "Set your password", "accounts/password_reset"});
}

}  // namespace core::accounts
