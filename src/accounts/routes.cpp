#include "accounts/routes.h"

namespace core::accounts {
void register_routes(web::App& app) {
  register_session_routes(app);
  register_account_routes(app);
  register_organisation_routes(app);
  register_user_routes(app);
  register_relationship_routes(app);
  register_static_page_routes(app);
}
}  // namespace core::accounts
