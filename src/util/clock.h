// The date the service works to. Features are handed one (web::App::clock()) instead of reading
// the system's date themselves, so a test or a demonstration can fix it in one place.
#pragma once
#include "util/dates.h"

namespace core::util {

class Clock {
 public:
  virtual ~Clock() = default;
  // The system's: CORE_TODAY (YYYY-MM-DD) when set, as tests and demonstrations do, else today in UTC.
  virtual Date today() const;
};

const Clock& system_clock();

}  // namespace core::util
