// The log pages on the web, for every kind of log (kinds.h): the log list (filters, search,
// deletion), creating a log, the task list, one question page per page of the form definition,
// check answers per subsection, the history of changes. Every save goes through the log service.
#pragma once
#include "logs/kinds.h"
#include "web/app.h"

namespace core::logs {
void register_routes(web::App& app);  // every kind
void register_kind(web::App& app, const Kind& kind);
}  // namespace core::logs
