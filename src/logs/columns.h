// A log's stored answers and indexed columns, worked out from its values (the gateway's outcome):
// what every channel that writes logs calls before store::create or store::save. The columns
// include the log's duplicate key (form.log.duplicates, ADR 0013); its set is the store's
// (store::regroup_log).
#pragma once
#include "form/gateway.h"
#include "logs/store.h"

namespace core::logs {

void sync_columns(store::Log& l, const form::Form& f, const form::Values& v, form::Status status);
// The duplicate key of a log with these answers and owning organisation (none without an owner).
std::optional<std::string> duplicate_key_of(const form::Form& f, const form::Values& v, std::optional<int64_t> owner);

}  // namespace core::logs
