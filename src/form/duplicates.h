// Duplicate logs as the form describes them (`form.log.duplicates`, ADR 0013): which answers two
// logs must share to be duplicates, and when a log is considered at all. Pure: the store keeps a
// digest of duplicate_text() as an indexed column and finds a log's duplicates by it.
#pragma once
#include <optional>
#include <string>

#include "form/gateway.h"

namespace core::form {

// The log's match answers in one canonical text (a JSON object, keys in order, whole numbers
// written as integers), equal for two logs exactly when every match answer is equal; nothing when
// the form describes no duplicates or its `when` does not hold for these answers.
std::optional<std::string> duplicate_text(const Form& f, const Values& values);

}  // namespace core::form
