// The submission API v1 (issue 14; docs/api.md) and its token pages.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "web/app.h"

namespace core::api {

// /api/v1/...: the JSON endpoints (web::Access::Token routes: no session, no CSRF token).
void register_routes(web::App& app);
// /organisations/:id/api-tokens: making, listing and revoking an organisation's tokens; and the
// API's documentation page (/api-docs).
void register_pages(web::App& app);
// The API's description (docs/api/openapi.json), read once: served as it is, and drawn as the
// documentation page. Null when the file is missing or not JSON.
const nlohmann::json& openapi_document();
const std::string& openapi_text();

}  // namespace core::api
