#include "cli/options.h"

#include <iostream>

#include "util/text.h"

namespace core::cli {

std::optional<int> year_option(const std::string& text) {
  auto y = util::parse_int64(text);
  if (!y || *y < 2000 || *y > 2200) {
    std::cerr << "core: --year must be a year such as 2026\n";
    return std::nullopt;
  }
  return int(*y);
}

std::optional<util::Date> today_option(const std::string& text) {
  if (text.empty()) return util::today_utc();
  auto d = util::parse_iso_date(text);
  if (!d) std::cerr << "core: --today must be a date written YYYY-MM-DD\n";
  return d;
}

}  // namespace core::cli
