#include "home/deadlines.h"

#include <algorithm>
#include <map>
#include <set>

namespace core::home {

std::vector<YearDeadlines> coming_deadlines(const std::vector<FormOf>& forms, const util::Date& today) {
  const int current = util::collection_year_start(today).y;
  // (year, position: 1, 2, 3… the quarters, kEndOfYear the end of year) → date → the kinds with it.
  constexpr int kEndOfYear = 1 << 20;
  std::map<std::pair<int, int>, std::map<util::Date, std::vector<std::string>>> found;
  std::map<int, size_t> kinds_of_year;
  for (const auto& f : forms) {
    if (!f.form || f.form->year > current) continue;
    ++kinds_of_year[f.form->year];
    const auto& dates = f.form->quarter_deadlines;
    for (size_t i = 0; i < dates.size(); ++i) found[{f.form->year, int(i) + 1}][dates[i]].push_back(f.logs_name);
    found[{f.form->year, kEndOfYear}][f.form->submission_deadline].push_back(f.logs_name);
  }
  std::vector<YearDeadlines> out;
  for (const auto& [key, by_date] : found) {
    const auto& [year, position] = key;
    // Named by kind when the kinds do not share one date (or some kind has no such deadline).
    size_t with_it = 0;
    for (const auto& [date, names] : by_date) with_it += names.size();
    bool shared = by_date.size() == 1 && with_it == kinds_of_year[year];
    for (const auto& [date, names] : by_date) {
      if (date < today) continue;
      if (out.empty() || out.back().year != year)
        out.push_back({year, std::to_string(year) + " to " + std::to_string(year + 1) + " collection year", {}});
      std::string text = position == kEndOfYear ? "End of year deadline" : "Q" + std::to_string(position) + " deadline";
      if (!shared) {
        text += " for ";
        for (size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
      }
      out.back().deadlines.push_back({date, text + ": " + date.display()});
    }
  }
  for (auto& y : out)
    std::stable_sort(y.deadlines.begin(), y.deadlines.end(), [](const Deadline& a, const Deadline& b) { return a.date < b.date; });
  return out;
}

}  // namespace core::home
