// Duplicate logs on the web, for every kind of log (ADR 0013): a log's duplicates side by side with
// their matching answers and change links (<base>/:id/duplicate-logs), "Keep this log and delete
// the duplicates" behind a confirmation (<base>/:id/delete-duplicates), the sets a user can see
// (/duplicate-logs), and the log lists' banner that counts them. Which answers make two logs
// duplicates is the form's (`form.log.duplicates`); the sets are the store's; who sees which set is
// accounts/permissions' (duplicate_scope, can_access_log); deleting goes through the log service.
#pragma once
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "accounts/model.h"
#include "logs/kinds.h"
#include "logs/service.h"
#include "web/app.h"

namespace core::logs {

web::Response duplicates_page(web::Context& ctx, const Kind& kind);         // GET <base>/:id/duplicate-logs
web::Response confirm_delete_duplicates(web::Context& ctx, const Kind& kind);  // GET <base>/:id/delete-duplicates
web::Response delete_duplicates(web::Context& ctx, const Kind& kind);       // POST <base>/:id/delete-duplicates
web::Response duplicate_sets_page(web::Context& ctx);                       // GET /duplicate-logs

// The duplicate sets waiting for this user (`of`: the organisation whose logs are meant; support
// only count an organisation's): how many, who has them ("Your organisation has "), and the list's
// address; nothing when there are none.
struct SetsWaiting {
  int64_t sets = 0;
  std::string who, href;
};
std::optional<SetsWaiting> duplicate_sets_waiting(web::Context& ctx, const accounts::Organisation* of);
// The log lists' notification banner ({"text", "href"}), or null when the user has no duplicate
// sets to review. `of`: the organisation whose list it is (support see a banner only there).
nlohmann::json duplicates_banner(web::Context& ctx, const accounts::Organisation* of);

// Where a saved question page goes because of duplicates, or nothing: back to the duplicates page
// a change link came from, or (when the save changed the answers that find duplicates and the log
// now has some the user can see) to the log's own duplicates page.
std::optional<std::string> duplicates_redirect(web::Context& ctx, const Kind& kind, const service::SaveResult& r);

}  // namespace core::logs
