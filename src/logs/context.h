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
std::optional<accounts::Organisation> cached_organisation(db::Connection& c, OrganisationCache& cache, int64_t id);

std::vector<form::Error> resolve_context(db::Connection& c, const form::Form& f, const form::Values& values, form::Context& ctx,
                                         const std::optional<accounts::User>& user = std::nullopt,
                                         OrganisationCache* cache = nullptr);

}  // namespace core::logs
