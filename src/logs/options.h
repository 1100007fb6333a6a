// The answers that come from live records (organisations, users, schemes, locations) and from lookup
// tables, offered to a user on a log's question pages; and the user-dependent context values the
// setup pages' routing needs. Follows the reference's selection rules (service.md §1.2, questions.json).
#pragma once
#include <vector>

#include "accounts/model.h"
#include "db/database.h"
#include "form/gateway.h"
#include "web/forms.h"

namespace core::logs {

std::vector<web::Option> dynamic_options(db::Connection& c, const accounts::User& user, const form::Form& f,
                                         const form::Question& q, const form::Values& values);

// Everything the gateway needs to know about the user and the records for this log.
form::Context log_context(db::Connection& c, const accounts::User& user, const form::Form& f, const form::Values& values,
                          const form::Values& stored, const util::Date& today);

}  // namespace core::logs
