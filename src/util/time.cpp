#include "util/time.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
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

namespace {
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}
// 1am UTC on the last Sunday of the month (March or October) of year y.
int64_t last_sunday_1am(int64_t y, unsigned m) {
  int64_t last = days_from_civil(y, m, 31);
  int64_t weekday = (last + 4) % 7;  // 1970-01-01 was a Thursday (4); 0 = Sunday
  if (weekday < 0) weekday += 7;
  return (last - weekday) * 86400 + 3600;
}
std::string iso_with_offset(int64_t local_seconds, int offset) {
  std::time_t t = static_cast<std::time_t>(local_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, offset < 0 ? '-' : '+', std::abs(offset) / 3600, std::abs(offset) % 3600 / 60);
  return buf;
}
}  // namespace

int london_offset_seconds(int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  int64_t y = tm.tm_year + 1900;
  return s >= last_sunday_1am(y, 3) && s < last_sunday_1am(y, 10) ? 3600 : 0;
}

std::string london_iso(int64_t s) {
  int off = london_offset_seconds(s);
  return iso_with_offset(s + off, off);
}

std::string london_midnight_iso(int y, int m, int d) {
  int64_t midnight = days_from_civil(y, unsigned(m), unsigned(d)) * 86400;
  // Midnight in BST is 11pm UTC the day before.
  int off = london_offset_seconds(midnight - 3600);
  return iso_with_offset(midnight, off);
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
