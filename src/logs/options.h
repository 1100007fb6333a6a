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

// Does the question offer live records (organisations, users, schemes, locations)?
bool live_record_choice(const form::Question& q);

// Every changed answer that names a live record must be one of the options its page offers this user
// now (dynamic_options, given the answers as they will be): an error for each one that is not. Run
// before the gateway, so a forged choice (another organisation, a user or scheme of one, an id that
// does not exist) is refused and nothing is stored.
std::vector<form::Error> refuse_unoffered(db::Connection& c, const accounts::User& u, const form::Form& f, const form::Values& stored,
                                          const form::Values& after);

// Everything the gateway needs to know about the user and the records for this log.
// Records named by the answers that do not exist are added to `record_errors` when it is given.
form::Context log_context(db::Connection& c, const accounts::User& user, const form::Form& f, const form::Values& values,
                          const form::Values& stored, const util::Date& today, std::vector<form::Error>* record_errors = nullptr);

}  // namespace core::logs
