// Small pieces the accounts pages share: loading an organisation or user from the URL after
// asking permissions (404 when the user may not see it at all, 403 when they may see it but
// not do this), and turning records into page data.
#pragma once
#include <nlohmann/json.hpp>

#include "accounts/model.h"
#include "web/app.h"

namespace core::accounts {

using OrgCheck = bool (*)(const User&, int64_t);
// Loads the organisation in the route's :id. `see` decides visibility (404), `act` the action (403).
Organisation organisation_from_route(web::Context& ctx, OrgCheck see, OrgCheck act = nullptr,
                                     const char* param = "id");
User user_from_route(web::Context& ctx, const char* param = "id");

nlohmann::json organisation_json(const Organisation& o);
nlohmann::json user_json(const User& u);
// The organisation's sub-navigation (details, users, stock owners, managing agents, agreement).
nlohmann::json organisation_tabs(const web::Context& ctx, const Organisation& o, const std::string& current);
// A tab other features add to an organisation's sub-navigation, after "Details" (the logs of each
// kind): `suffix` is added to the organisation's address. Adding the same key again changes nothing.
void add_organisation_tab(const std::string& key, const std::string& label, const std::string& suffix);

}  // namespace core::accounts
