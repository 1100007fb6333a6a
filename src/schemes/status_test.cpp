#include "schemes/status.h"

#include <gtest/gtest.h>

#include "util/dates.h"
#include "util/postcode.h"

using namespace core;
using namespace core::schemes;
using util::Date;

namespace {
Date D(int y, int m, int d) { return Date{y, m, d}; }
Scheme complete_scheme() {
  Scheme s;
  s.confirmed = true;
  s.confirmed_locations = 1;
  s.startdate = D(2026, 4, 1);
  return s;
}
}  // namespace

TEST(SchemeStatus, IncompleteUnlessConfirmedWithAConfirmedLocation) {
  Scheme s = complete_scheme();
  EXPECT_EQ(scheme_status(s, D(2026, 6, 1)), Status::Active);
  s.confirmed_locations = 0;
  EXPECT_EQ(scheme_status(s, D(2026, 6, 1)), Status::Incomplete);
  s.confirmed_locations = 2;
  s.confirmed = false;
  EXPECT_EQ(scheme_status(s, D(2026, 6, 1)), Status::Incomplete);
}

TEST(SchemeStatus, ActivatingSoonUntilTheStartDateActiveOnIt) {
  Scheme s = complete_scheme();
  s.startdate = D(2026, 12, 1);
  EXPECT_EQ(scheme_status(s, D(2026, 11, 30)), Status::ActivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 12, 1)), Status::Active);
}

TEST(SchemeStatus, DeactivationEdgesAreInclusiveOfTheDeactivationDate) {
  Scheme s = complete_scheme();
  s.periods = {{D(2026, 10, 1), std::nullopt}};
  EXPECT_EQ(scheme_status(s, D(2026, 9, 30)), Status::DeactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 10, 1)), Status::Deactivated);
  EXPECT_EQ(scheme_status(s, D(2027, 10, 1)), Status::Deactivated);
}

TEST(SchemeStatus, ReactivatingSoonUntilTheReactivationDate) {
  Scheme s = complete_scheme();
  s.periods = {{D(2026, 10, 1), D(2026, 12, 1)}};
  EXPECT_EQ(scheme_status(s, D(2026, 9, 1)), Status::DeactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 10, 1)), Status::ReactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 11, 30)), Status::ReactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 12, 1)), Status::Active);
}

TEST(SchemeStatus, SeveralPeriods) {
  Scheme s = complete_scheme();
  s.periods = {{D(2026, 5, 1), D(2026, 6, 1)}, {D(2026, 9, 1), std::nullopt}};
  EXPECT_EQ(scheme_status(s, D(2026, 5, 15)), Status::ReactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 7, 1)), Status::DeactivatingSoon);
  EXPECT_EQ(scheme_status(s, D(2026, 9, 1)), Status::Deactivated);
}

TEST(LocationStatus, FollowsItsSchemesDeactivation) {
  Scheme s = complete_scheme();
  Location l;
  l.confirmed = true;
  l.startdate = D(2026, 4, 1);
  EXPECT_EQ(location_status(l, s, D(2026, 6, 1)), Status::Active);
  s.periods = {{D(2026, 6, 1), std::nullopt}};
  EXPECT_EQ(location_status(l, s, D(2026, 6, 1)), Status::Deactivated);
  l.confirmed = false;
  EXPECT_EQ(location_status(l, s, D(2026, 6, 1)), Status::Incomplete);
  l.confirmed = true;
  s.periods.clear();
  l.periods = {{D(2026, 7, 1), D(2026, 8, 1)}};
  EXPECT_EQ(location_status(l, s, D(2026, 7, 10)), Status::ReactivatingSoon);
}

TEST(DeactivationRules, OpenCollectionPeriodStart) {
  EXPECT_EQ(open_collection_start(D(2026, 11, 25)), D(2026, 4, 1));
  EXPECT_EQ(open_collection_start(D(2027, 3, 31)), D(2026, 4, 1));
  EXPECT_EQ(open_collection_start(D(2027, 4, 1)), D(2027, 4, 1));
}

TEST(DeactivationRules, DateMustBeInAnEditableYearAndAfterTheStart) {
  Date today = D(2026, 11, 25);
  EXPECT_EQ(deactivation_error(D(2026, 3, 31), std::nullopt, {}, today, "scheme"), "The date must be on or after 1 April 2026");
  EXPECT_EQ(deactivation_error(D(2026, 4, 1), std::nullopt, {}, today, "scheme"), "");
  // Until the end of July the previous year is still editable.
  EXPECT_EQ(deactivation_error(D(2025, 4, 1), std::nullopt, {}, D(2026, 7, 31), "scheme"), "");
  EXPECT_EQ(deactivation_error(D(2025, 3, 31), std::nullopt, {}, D(2026, 7, 31), "scheme"), "The date must be on or after 1 April 2025");
  EXPECT_EQ(deactivation_error(D(2026, 5, 1), D(2026, 6, 1), {}, today, "location"),
            "The location cannot be deactivated before 1 June 2026, the date when it was first available");
  EXPECT_EQ(deactivation_error(D(2026, 6, 1), D(2026, 6, 1), {}, today, "location"), "");
}

TEST(DeactivationRules, NotInsideAnExistingDeactivation) {
  Date today = D(2026, 11, 25);
  std::vector<Period> closed = {{D(2026, 6, 1), D(2026, 8, 1)}};
  EXPECT_NE(deactivation_error(D(2026, 6, 1), std::nullopt, closed, today, "scheme").find("already deactivated"), std::string::npos);
  EXPECT_NE(deactivation_error(D(2026, 7, 31), std::nullopt, closed, today, "scheme").find("already deactivated"), std::string::npos);
  EXPECT_EQ(deactivation_error(D(2026, 8, 1), std::nullopt, closed, today, "scheme"), "");
  std::vector<Period> open = {{D(2026, 12, 1), std::nullopt}};
  EXPECT_NE(deactivation_error(D(2026, 12, 5), std::nullopt, open, today, "scheme").find("already deactivated"), std::string::npos);
}

TEST(ReactivationRules, OnOrAfterTheDeactivationDate) {
  Date today = D(2026, 11, 25);
  std::vector<Period> open = {{D(2026, 10, 1), std::nullopt}};
  EXPECT_EQ(reactivation_error(D(2026, 9, 30), open, today, "scheme"),
            "This scheme was deactivated on 1 October 2026. The reactivation date must be on or after deactivation date");
  EXPECT_EQ(reactivation_error(D(2026, 10, 1), open, today, "scheme"), "");
  EXPECT_NE(reactivation_error(D(2026, 10, 1), {}, today, "scheme").find("not deactivated"), std::string::npos);
}

TEST(Dates, PartsMustMakeARealDate) {
  EXPECT_TRUE(util::date_from_parts("29", "2", "2028"));
  EXPECT_FALSE(util::date_from_parts("29", "2", "2027"));
  EXPECT_FALSE(util::date_from_parts("31", "4", "2026"));
  EXPECT_FALSE(util::date_from_parts("1", "13", "2026"));
  EXPECT_FALSE(util::date_from_parts("a", "1", "2026"));
  EXPECT_FALSE(util::date_from_parts("1", "1", "26"));
  EXPECT_FALSE(util::date_from_parts("", "", ""));
  EXPECT_EQ(util::date_from_parts(" 5 ", "04", "2026")->iso(), "2026-04-05");
  EXPECT_EQ(util::parse_iso_date("2026-04-05")->display(), "5 April 2026");
  EXPECT_FALSE(util::parse_iso_date("2026-02-30"));
}

TEST(Postcodes, NormaliseToUpperCaseWithOneSpace) {
  EXPECT_EQ(util::normalise_postcode("sw1a1aa"), "SW1A 1AA");
  EXPECT_EQ(util::normalise_postcode("  m1   1ae "), "M1 1AE");
  EXPECT_EQ(util::normalise_postcode("Ec1A 1bB"), "EC1A 1BB");
  EXPECT_TRUE(util::valid_postcode("SW1A 1AA"));
  EXPECT_TRUE(util::valid_postcode("M1 1AE"));
  EXPECT_TRUE(util::valid_postcode("B33 8TH"));
  EXPECT_FALSE(util::valid_postcode(util::normalise_postcode("12345")));
  EXPECT_FALSE(util::valid_postcode(util::normalise_postcode("SW1A")));
  EXPECT_FALSE(util::valid_postcode(util::normalise_postcode("SW1A 1AAA")));
  EXPECT_FALSE(util::valid_postcode(""));
  // Every outward-code shape, and near misses of each.
  for (const char* ok : {"A9 9AA", "A99 9AA", "A9A 9AA", "AA9 9AA", "AA99 9AA", "AA9A 9AA"}) EXPECT_TRUE(util::valid_postcode(ok)) << ok;
  for (const char* bad : {"9A 9AA", "AAA9 9AA", "AA9AA 9AA", "AA 9AA", "A9 AAA", "A9 99A", "A9  9AA", "a9 9aa", "A9-9AA", "A9 9A"})
    EXPECT_FALSE(util::valid_postcode(bad)) << bad;
  EXPECT_FALSE(util::valid_postcode(util::normalise_postcode(std::string(100000, ' ') + "1")));
  EXPECT_FALSE(util::valid_postcode(std::string(100000, 'A')));
}
