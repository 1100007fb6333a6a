// Fills a gateway context from the database: what the log's organisations, assigned user, scheme
// and location are (docs/form-definition.md, "Context values"). Records that do not exist are
// reported as errors on their field; rules that need a record then do not fire.
#pragma once
#include <map>
#include <optional>
#include <vector>

#include "accounts/model.h"
#include "db/database.h"
#include "form/gateway.h"

namespace core::logs {

// Organisations read while working out one context, so each is read once.
using OrganisationCache = std::map<int64_t, std::optional<accounts::Organisation>>;
// From `cache`, else from a process-wide copy at most a second old and made since the last change
// this process made to organisations (accounts::store::organisations_version), else the database.
std::optional<accounts::Organisation> cached_organisation(db::Connection& c, OrganisationCache& cache, int64_t id);
// The same for an organisation's stock owners and managing agents.
struct Relationships {
  std::vector<accounts::Organisation> stock_owners, managing_agents;
};
Relationships cached_relationships(db::Connection& c, int64_t organisation_id);

std::vector<form::Error> resolve_context(db::Connection& c, const form::Form& f, const form::Values& values, form::Context& ctx,
                                         const std::optional<accounts::User>& user = std::nullopt,
                                         OrganisationCache* cache = nullptr);

}  // namespace core::logs
