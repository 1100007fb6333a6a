// Options the commands share, read as every command reads them: nothing (and the message on
// standard error) when the text is not what the option takes.
#pragma once
#include <optional>
#include <string>

#include "util/dates.h"

namespace core::cli {

// --year: a collection year such as 2026.
std::optional<int> year_option(const std::string& text);
// --today: a date written YYYY-MM-DD; "" is today (UTC).
std::optional<util::Date> today_option(const std::string& text);

}  // namespace core::cli
