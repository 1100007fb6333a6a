// Registers the accounts pages (sign-in, your account, password reset, invitations,
// organisations, users, relationships, data sharing agreement) on the app.
#pragma once
#include "web/app.h"

namespace core::accounts {
void register_routes(web::App& app);
// Split by page group, each in its own file.
void register_session_routes(web::App& app);
void register_account_routes(web::App& app);
void register_organisation_routes(web::App& app);
void register_user_routes(web::App& app);
void register_relationship_routes(web::App& app);
void register_static_page_routes(web::App& app);
}  // namespace core::accounts
