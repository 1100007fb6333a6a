#include "util/dates.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace core::util {

static const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                    "July",    "August",   "September", "October", "November", "December"};

bool valid_date(int y, int m, int d) {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max = days[m - 1] + (m == 2 && leap ? 1 : 0);
  return d <= max;
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string Date::display() const { return std::to_string(d) + " " + kMonthNames[m - 1] + " " + std::to_string(y); }

static std::optional<int> number(const std::string& s) {
  size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  if (a == std::string::npos) return std::nullopt;
  std::string t = s.substr(a, b - a + 1);
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  return v;
}

std::optional<Date> parse_iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto y = number(s.substr(0, 4)), m = number(s.substr(5, 2)), d = number(s.substr(8, 2));
  if (!y || !m || !d || !valid_date(*y, *m, *d)) return std::nullopt;
  return Date{*y, *m, *d};
}

std::optional<Date> date_from_parts(const std::string& day, const std::string& month, const std::string& year) {
  auto d = number(day), m = number(month), y = number(year);
  if (!d || !m || !y) return std::nullopt;
  if (year.find_first_not_of(' ') != std::string::npos && *y < 100) return std::nullopt;  // "26" is not a year
  if (!valid_date(*y, *m, *d)) return std::nullopt;
  return Date{*y, *m, *d};
}

Date today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

Date collection_year_start(const Date& d) { return Date{d.m >= 4 ? d.y : d.y - 1, 4, 1}; }

}  // namespace core::util
