#include "accounts/routes.h"

#include "accounts/permissions.h"

namespace core::accounts {

namespace {
bool starts(const std::string& path, const std::string& prefix) { return path.rfind(prefix, 0) == 0; }
}  // namespace

void register_routes(web::App& app) {
  // The header's links for organisations, users and the account (the logs' and schemes' come first
  // and between them, from their features).
  app.add_nav(20, [](const web::Context& ctx, std::vector<web::NavLink>& out) {
    if (!ctx.user) return;
    const std::string& path = ctx.req.path;
    const auto& u = *ctx.user;
    std::string org = "/organisations/" + std::to_string(u.organisation_id);
    if (permissions::can_list_organisations(u)) {
      out.push_back({"Organisations", "/organisations", starts(path, "/organisations")});
    } else {
      out.push_back({"Your organisation", org, path == org || (starts(path, org + "/") && path != org + "/users")});
      out.push_back({"Users", org + "/users", path == org + "/users" || starts(path, "/users")});
    }
  });
  app.add_nav(90, [](const web::Context& ctx, std::vector<web::NavLink>& out) {
    const std::string& path = ctx.req.path;
    if (!ctx.user) {
      out.push_back({"Sign in", "/account/sign-in", path == "/account/sign-in"});
      return;
    }
    out.push_back({"Your account", "/account", starts(path, "/account") && path != "/account/sign-out"});
    out.push_back({"Sign out", "/account/sign-out?token=" + ctx.csrf_token, false});
  });
  register_session_routes(app);
  register_account_routes(app);
  register_organisation_routes(app);
  register_user_routes(app);
  register_relationship_routes(app);
  register_static_page_routes(app);
}
}  // namespace core::accounts
