// The log list of each kind (/lettings-logs, /sales-logs, and an organisation's): the logs the
// user may see, filtered (year, status, category, assigned to, owned by, managed by) and searched
// (log id, the landlord's references, postcode), with the filters kept for the session.
#pragma once
#include <string>

#include "accounts/model.h"
#include "logs/kinds.h"
#include "web/app.h"

namespace core::logs {

// Every log the user may see, or (`of`) the logs that organisation owns or manages, under its
// sub-navigation.
web::Response list_page(web::Context& ctx, const Kind& kind, const accounts::Organisation* of);
void clear_list_filters(web::Context& ctx, const Kind& kind);
// The key the session's stored filters are kept under.
std::string session_hash(web::Context& ctx);

}  // namespace core::logs
