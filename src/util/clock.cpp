#include "util/clock.h"

#include <cstdlib>

#include "util/time.h"

namespace core::util {

Date Clock::today() const {
  if (const char* t = std::getenv("CORE_TODAY"); t && *t)
    if (auto d = parse_iso_date(t)) return *d;
  return today_utc();
}

const Clock& system_clock() {
  static const Clock clock;
  return clock;
}

}  // namespace core::util
