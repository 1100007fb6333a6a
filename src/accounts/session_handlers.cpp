// Sign in and sign out.
#include "accounts/routes.h"
#include "accounts/service.h"
#include "accounts/store.h"

namespace core::accounts {
using namespace core::web;
using nlohmann::json;

namespace {

// Only a path on this service, so a link cannot send people elsewhere after signing in: it starts
// with a single slash and holds only printable ASCII other than the backslash. Browsers drop tabs
// and line breaks from a Location and read a backslash as a slash, so "/<tab>/evil.example" or
// "/<backslash>evil.example" would be another site; spaces and anything else unusual are refused
// with them. Anything else gives "" (ignored: the user goes to the home page).
std::string safe_return_to(const std::string& r) {
  if (r.empty() || r[0] != '/' || (r.size() > 1 && r[1] == '/')) return "";
  for (char ch : r) {
    auto b = static_cast<unsigned char>(ch);
    if (b <= 0x20 || b >= 0x7F || ch == '\\') return "";
  }
  return r;
}

// Everyone lands on the home page (src/home), which says what needs doing for their role.
const char* const kHome = "/";

Response sign_in_page(Context& ctx, const std::string& email, const FieldErrors& e, const std::string& problem = "",
                      int status = 200) {
  json data = {{"title", "Sign in to your account"},
               {"errors", error_summary(e)},
               {"email", input("email", "Email address", email, e,
                               {{"type", "email"}, {"autocomplete", "email"}, {"no_spellcheck", true}})},
               {"password", input("password", "Password", "", e,
                                  {{"type", "password"}, {"autocomplete", "current-password"}})},
               {"return_to", safe_return_to(ctx.req.q("return_to").empty() ? ctx.req.f("return_to") : ctx.req.q("return_to"))},
               {"expired", ctx.req.q("expired") == "1"},
               {"signed_out", ctx.req.q("signed_out") == "1"},
               {"password_changed", ctx.req.q("password_changed") == "1"}};
  if (!problem.empty()) data["problem"] = problem;
  return ctx.page("accounts/sign_in", data, status);
}

}  // namespace

void register_session_routes(App& app) {
  app.get("/account/sign-in", [](Context& ctx) {
    if (ctx.user) return Response::redirect(kHome);
    return sign_in_page(ctx, "", {});
  }, Access::Public);

  app.post("/account/sign-in", [](Context& ctx) {
    std::string email = trim(ctx.req.f("email")), password = ctx.req.f("password");
    FieldErrors e;
    if (email.empty()) add_error(e, "email", "Enter an email address");
    else if (!service::valid_email(email)) add_error(e, "email", "Enter an email address in the correct format, like name@example.com");
    if (password.empty()) add_error(e, "password", "Enter a password");
    if (!e.empty()) return sign_in_page(ctx, email, e, "", 422);
    User user;
    auto result = service::sign_in(ctx.conn(), email, password, user, ctx.req.remote_addr);
    switch (result) {
      case service::SignInResult::Ok: {
        ctx.start_session(user.id);
        std::string to = safe_return_to(ctx.req.f("return_to"));
        return Response::redirect(to.empty() ? kHome : to);
      }
      case service::SignInResult::Locked:
        return sign_in_page(ctx, email, {{"email", "Your account is locked because of too many failed sign-in attempts. "
                                                   "Try again in 30 minutes, or reset your password to unlock it now."}},
                            "locked", 422);
      case service::SignInResult::Deactivated:
        return sign_in_page(ctx, email, {{"email", "Your account has been deactivated. Contact your data coordinator "
                                                   "or the helpdesk to reactivate it."}}, "", 422);
      case service::SignInResult::Unconfirmed:
        return sign_in_page(ctx, email, {{"email", "You have not set your password yet. Use the link in your invitation "
                                                   "email, or reset your password to get a new link."}}, "", 422);
      case service::SignInResult::Invalid:
        break;
    }
    return sign_in_page(ctx, email, {{"email", "Incorrect email or password"}, {"password", "Incorrect email or password"}}, "", 422);
  }, Access::Public);

  // The header's sign-out link carries the CSRF token; without it, a button asks first.
  app.get("/account/sign-out", [](Context& ctx) {
    if (!ctx.user) return Response::redirect("/account/sign-in");
    if (!ctx.req.q("token").empty() && ctx.req.q("token") == ctx.csrf_token) {
      store::audit(ctx.conn(), ctx.user->id, "sign_out", "user", ctx.user->id, ctx.user->organisation_id);
      ctx.end_session();
      return Response::redirect("/account/sign-in?signed_out=1");
    }
    return ctx.page("accounts/sign_out", {{"title", "Sign out"}});
  }, Access::Public);

  app.post("/account/sign-out", [](Context& ctx) {
    if (ctx.user) store::audit(ctx.conn(), ctx.user->id, "sign_out", "user", ctx.user->id, ctx.user->organisation_id);
    ctx.end_session();
    return Response::redirect("/account/sign-in?signed_out=1");
  }, Access::Public);
}

}  // namespace core::accounts
