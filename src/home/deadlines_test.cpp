// The coming deadlines, from forms made in the test (pure: no files, no database).
#include <gtest/gtest.h>

#include "home/deadlines.h"

using namespace core;
using home::coming_deadlines;
using home::FormOf;

namespace {

form::Form form_of(int year, std::vector<util::Date> quarters, util::Date end_of_year) {
  form::Form f;
  f.year = year;
  f.start_date = {year, 4, 1};
  f.quarter_deadlines = std::move(quarters);
  f.submission_deadline = end_of_year;
  return f;
}

std::vector<std::string> texts(const std::vector<home::YearDeadlines>& years) {
  std::vector<std::string> out;
  for (auto& y : years)
    for (auto& d : y.deadlines) out.push_back(y.heading + ": " + d.text);
  return out;
}

}  // namespace

TEST(Deadlines, SharedDatesOnceFromTodayOnInDateOrder) {
  auto a = form_of(2026, {{2026, 7, 10}, {2026, 10, 9}, {2027, 1, 15}}, {2027, 6, 4});
  auto b = form_of(2026, {{2026, 7, 10}, {2026, 10, 9}, {2027, 1, 15}}, {2027, 6, 4});
  std::vector<FormOf> forms = {{"lettings logs", &a}, {"sales logs", &b}};
  EXPECT_EQ(texts(coming_deadlines(forms, {2026, 6, 1})),
            (std::vector<std::string>{"2026 to 2027 collection year: Q1 deadline: 10 July 2026",
                                      "2026 to 2027 collection year: Q2 deadline: 9 October 2026",
                                      "2026 to 2027 collection year: Q3 deadline: 15 January 2027",
                                      "2026 to 2027 collection year: End of year deadline: 4 June 2027"}));
  // A deadline is still shown on its day, and gone the day after.
  EXPECT_EQ(texts(coming_deadlines(forms, {2026, 10, 9})).front(), "2026 to 2027 collection year: Q2 deadline: 9 October 2026");
  EXPECT_EQ(texts(coming_deadlines(forms, {2026, 10, 10})).front(), "2026 to 2027 collection year: Q3 deadline: 15 January 2027");
  EXPECT_EQ(texts(coming_deadlines(forms, {2027, 6, 4})), (std::vector<std::string>{"2026 to 2027 collection year: End of year deadline: 4 June 2027"}));
  EXPECT_TRUE(coming_deadlines(forms, {2027, 6, 5}).empty());
}

TEST(Deadlines, KindsWithDifferentDatesAreNamed) {
  auto a = form_of(2026, {{2026, 7, 10}}, {2027, 6, 4});
  auto b = form_of(2026, {{2026, 7, 17}}, {2027, 6, 4});
  auto c = form_of(2026, {}, {2027, 6, 4});  // no quarterly cut-offs
  std::vector<FormOf> forms = {{"lettings logs", &a}, {"sales logs", &b}, {"other logs", &c}};
  EXPECT_EQ(texts(coming_deadlines(forms, {2026, 6, 1})),
            (std::vector<std::string>{"2026 to 2027 collection year: Q1 deadline for lettings logs: 10 July 2026",
                                      "2026 to 2027 collection year: Q1 deadline for sales logs: 17 July 2026",
                                      "2026 to 2027 collection year: End of year deadline: 4 June 2027"}));
}

TEST(Deadlines, LastYearDuringTheCrossoverAndNotNextYearsForm) {
  auto last = form_of(2025, {{2025, 7, 11}, {2025, 10, 10}, {2026, 1, 16}}, {2026, 6, 5});
  auto now = form_of(2026, {{2026, 7, 10}, {2026, 10, 9}, {2027, 1, 15}}, {2027, 6, 4});
  auto next = form_of(2027, {{2027, 7, 9}}, {2028, 6, 2});
  std::vector<FormOf> forms = {{"lettings logs", &last}, {"lettings logs", &now}, {"lettings logs", &next}};
  auto years = coming_deadlines(forms, {2026, 5, 1});
  ASSERT_EQ(years.size(), 2u);
  EXPECT_EQ(years[0].heading, "2025 to 2026 collection year");
  ASSERT_EQ(years[0].deadlines.size(), 1u);
  EXPECT_EQ(years[0].deadlines[0].text, "End of year deadline: 5 June 2026");
  EXPECT_EQ(years[1].heading, "2026 to 2027 collection year");
  EXPECT_EQ(years[1].deadlines.size(), 4u) << "the 2027 form is not in use in May 2026";
}
