#include "util/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace core::util {

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string iso_from_seconds(int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_iso() { return iso_from_seconds(now_seconds()); }

int64_t seconds_from_iso(const std::string& iso) {
  std::tm tm{};
  int y, mo, d, h, mi, se;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6) return 0;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<int64_t>(timegm(&tm));
}

static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                "July",    "August",   "September", "October", "November", "December"};

std::string display_date(const std::string& iso) {
  int y, mo, d;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &mo, &d) != 3 || mo < 1 || mo > 12) return iso;
  return std::to_string(d) + " " + kMonths[mo - 1] + " " + std::to_string(y);
}

std::string display_datetime(const std::string& iso) {
  int64_t s = seconds_from_iso(iso);
  if (s == 0) return iso;
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int h12 = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %s %d at %d:%02d%s", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, h12,
                tm.tm_min, tm.tm_hour < 12 ? "am" : "pm");
  return buf;
}

}  // namespace core::util
