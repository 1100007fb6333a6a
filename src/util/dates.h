// Calendar dates (no time of day) as "YYYY-MM-DD" text, with parsing of the three GOV.UK date
// inputs and the collection-year arithmetic every form needs. Pure: "today" is always passed in.
#pragma once
#include <optional>
#include <string>

namespace core::util {

struct Date {
  int y = 0, m = 0, d = 0;
  std::string iso() const;                 // "2026-04-01"
  std::string display() const;             // "1 April 2026"
  auto operator<=>(const Date&) const = default;
};

std::optional<Date> parse_iso_date(const std::string& s);
// Day, month and year as typed into a GOV.UK date input; nullopt unless they make a real date.
std::optional<Date> date_from_parts(const std::string& day, const std::string& month, const std::string& year);
bool valid_date(int y, int m, int d);
Date today_utc();
// The 1 April that starts the collection year containing `d` (collection years run April–March).
Date collection_year_start(const Date& d);

}  // namespace core::util
