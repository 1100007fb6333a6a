// The API's pages for people: an organisation's tokens (/organisations/:id/api-tokens: support and
// the organisation's coordinators make, list and revoke them) and the documentation (/api-docs).
#include <nlohmann/json.hpp>

#include "accounts/handler_helpers.h"
#include "accounts/permissions.h"
#include "accounts/store.h"
#include "api/routes.h"
#include "api/store.h"
#include "util/paths.h"
#include "util/text.h"
#include "util/time.h"

namespace core::api {

using nlohmann::json;
using web::Context;
using web::Response;
namespace perm = accounts::permissions;

namespace {

bool can_see(const accounts::User& u, int64_t org) { return perm::can_view_organisation(u, org); }
bool can_manage(const accounts::User& u, int64_t org) { return perm::can_manage_api_tokens(u, org); }

Response tokens_page(Context& ctx, const accounts::Organisation& org, json extra, int status = 200) {
  auto& c = ctx.conn();
  json tokens = json::array();
  for (auto& t : store::for_organisation(c, org.id))
    tokens.push_back({{"id", t.id},
                      {"organisation_id", t.organisation_id},
                      {"name", t.name},
                      {"prefix", t.prefix},
                      {"created_at", util::display_datetime(t.created_at)},
                      {"created_by", t.created_by_name},
                      {"last_used_at", t.last_used_at ? util::display_datetime(*t.last_used_at) : ""},
                      {"revoked", t.revoked_at.has_value()}});
  json data = {{"title", "API tokens"},
               {"organisation", accounts::organisation_json(org)},
               {"tabs", accounts::organisation_tabs(ctx, org, "api-tokens")},
               {"tokens", tokens},
               {"name_field", {{"id", "name"}, {"name", "name"}, {"type", "text"}, {"label", "Name the token"},
                               {"hint", "For example, the name of the housing-management system that will use it"},
                               {"classes", "govuk-!-width-two-thirds"}, {"value", ""}}}};
  for (auto& [k, v] : extra.items()) {
    if (k == "name_field") data[k].update(v);
    else data[k] = v;
  }
  return ctx.page("api/tokens", data, status);
}

}  // namespace

void register_pages(web::App& app) {
  app.get("/organisations/:id/api-tokens", [](Context& ctx) {
    auto org = accounts::organisation_from_route(ctx, can_see, can_manage);
    return tokens_page(ctx, org, json::object());
  });

  app.post("/organisations/:id/api-tokens", [](Context& ctx) {
    auto org = accounts::organisation_from_route(ctx, can_see, can_manage);
    const auto& u = ctx.current_user();
    std::string name = util::trim_blanks(ctx.req.f("name"));
    std::string problem = name.empty() ? "Enter a name for the token" : name.size() > 100 ? "The name must be 100 characters or fewer" : "";
    if (problem.empty())
      if (const char* p = util::single_line_problem(name)) problem = p;
    if (!problem.empty())
      return tokens_page(ctx, org,
                         {{"errors", json::array({{{"href", "#name"}, {"text", problem}}})},
                          {"has_errors", true},
                          {"name_field", {{"error", problem}, {"value", name}}}},
                         422);
    auto& c = ctx.conn();
    std::pair<int64_t, std::string> made;
    c.transaction([&] {
      made = store::create(c, org.id, name, u.id);
      accounts::store::audit(c, u.id, "api_token.created", "api_token", made.first, org.id, {{"name", name}});
    });
    // Shown once, on this answer only (never stored, never in a redirect).
    Response r = tokens_page(ctx, org, {{"created", {{"name", name}, {"secret", made.second}}}});
    r.set_header("Cache-Control", "no-store");
    return r;
  });

  app.get("/organisations/:id/api-tokens/:token/revoke", [](Context& ctx) {
    auto org = accounts::organisation_from_route(ctx, can_see, can_manage);
    auto id = util::parse_id(ctx.req.param("token"));
    auto t = id ? store::find(ctx.conn(), *id) : std::nullopt;
    if (!t || t->organisation_id != org.id || t->revoked_at) throw web::NotFound();
    return ctx.page("api/revoke", {{"title", "Revoke the token “" + t->name + "”"},
                                   {"organisation", accounts::organisation_json(org)},
                                   {"token", {{"id", t->id}, {"name", t->name}}}});
  });

  app.post("/organisations/:id/api-tokens/:token/revoke", [](Context& ctx) {
    auto org = accounts::organisation_from_route(ctx, can_see, can_manage);
    auto id = util::parse_id(ctx.req.param("token"));
    auto& c = ctx.conn();
    auto t = id ? store::find(c, *id) : std::nullopt;
    if (!t || t->organisation_id != org.id) throw web::NotFound();
    const auto& u = ctx.current_user();
    c.transaction([&] {
      if (store::revoke(c, org.id, t->id, u.id))
        accounts::store::audit(c, u.id, "api_token.revoked", "api_token", t->id, org.id, {{"name", t->name}});
    });
    ctx.flash_next("The token “" + t->name + "” has been revoked");
    return Response::redirect("/organisations/" + std::to_string(org.id) + "/api-tokens");
  });

  // The API's documentation, from its OpenAPI description.
  app.get(
      "/api-docs",
      [](Context& ctx) {
        const json& doc = openapi_document();
        json endpoints = json::array();
        if (doc.is_object() && doc.contains("paths"))
          for (auto& [path, item] : doc["paths"].items())
            for (auto& [method, op] : item.items()) {
              json responses = json::array();
              const json codes = op.value("responses", json::object());
              for (auto& [code, resp] : codes.items())
                responses.push_back({{"code", code}, {"description", resp.value("description", "")}});
              endpoints.push_back({{"method", util::ascii_upper(method)},
                                   {"path", path},
                                   {"summary", op.value("summary", "")},
                                   {"description", op.value("description", "")},
                                   {"token", op.contains("security") ? !op["security"].empty() : true},
                                   {"responses", responses}});
            }
        return ctx.page("api/docs", {{"title", "The submission API"},
                                     {"version", doc.is_object() ? doc.value("info", json::object()).value("version", "") : ""},
                                     {"description", doc.is_object() ? doc.value("info", json::object()).value("description", "") : ""},
                                     {"endpoints", endpoints}});
      },
      web::Access::Public);
}

}  // namespace core::api
