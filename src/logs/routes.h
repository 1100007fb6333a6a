// The lettings log on the web: the log list (filters, search, deletion), creating a log, the task
// list, one question page per page of the form definition, check answers per subsection, the
// history of changes. Every save goes through the one gateway (form::apply).
#pragma once
#include "web/app.h"

namespace core::logs {
void register_routes(web::App& app);
}  // namespace core::logs
