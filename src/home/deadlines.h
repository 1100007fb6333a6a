// The deadlines the home and start pages show: each open collection year's quarterly cut-offs and
// its end-of-year deadline, read from the form definitions (form.quarter_deadlines and
// form.submission_deadline). Pure: the forms and "today" are given.
#pragma once
#include <string>
#include <vector>

#include "form/definition.h"
#include "util/dates.h"

namespace core::home {

// A form and how its logs are named in a sentence ("lettings logs").
struct FormOf {
  std::string logs_name;
  const form::Form* form = nullptr;
};

struct Deadline {
  util::Date date;
  std::string text;  // "Q1 deadline: 10 July 2026"; "End of year deadline for sales logs: 4 June 2027"
};
struct YearDeadlines {
  int year = 0;
  std::string heading;  // "2026 to 2027 collection year"
  std::vector<Deadline> deadlines;  // in date order
};

// The deadlines on or after `today` of the forms of collection years that have begun (a form for a
// year after today's is not in use yet), by year, oldest year first. A deadline every kind of log
// shares is given once; where kinds differ, each date names its kinds.
std::vector<YearDeadlines> coming_deadlines(const std::vector<FormOf>& forms, const util::Date& today);

}  // namespace core::home
