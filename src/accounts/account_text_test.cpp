// What account fields accept (issue 10, finding 10): email addresses by a hand-written check of
// the service's pattern, and single-line fields (names, addresses, …) without control or
// direction characters, so nothing typed in can add lines to the service's emails.
#include <gtest/gtest.h>

#include "accounts/service.h"
#include "accounts/store.h"
#include "test_app.h"

using namespace core;
using accounts::service::valid_email;
using test::Client;
using test::contains;
using test::TestApp;

TEST(ValidEmail, AcceptsTheAddressesThePatternAccepts) {
  for (const std::string& ok : std::vector<std::string>{"name@example.com", "a@b.co", "first.last+tag@sub.example.co.uk", "o'neil@example.org",
                               "x_y-z@a-b.example", "!#$%&'*+/=?^_`{|}~-@example.com", "1@2.3", ".dot.@example.com",
                               std::string(64, 'a') + "@" + std::string(63, 'b') + ".com"})
    EXPECT_TRUE(valid_email(ok)) << ok;
}

TEST(ValidEmail, RefusesEverythingElse) {
  for (const std::string& bad : std::vector<std::string>{"", "@", "name", "name@", "@example.com", "name@example", "name@@example.com", "na@me@example.com",
        "name@-example.com", "name@example-.com", "name@.example.com", "name@example..com", "name@example.com.",
        "name @example.com", "name@exa mple.com", "name@example.com\n", "name\r\n@example.com", "name@exam_ple.com",
        "name@example.c\xc3\xb6m", "n\xc3\xa4me@example.com", "name@" + std::string(64, 'b') + ".com",
        std::string("name\0x@example.com", 18), "name(comment)@example.com", "\"quoted\"@example.com"})
    EXPECT_FALSE(valid_email(bad)) << bad;
  // At most 254 characters in all.
  std::string long_domain;
  while (long_domain.size() < 250) long_domain += std::string(60, 'd') + ".";
  long_domain += "com";
  EXPECT_FALSE(valid_email("a@" + long_domain));
  EXPECT_TRUE(valid_email("a@" + std::string(60, 'd') + "." + std::string(60, 'd') + ".com"));
}

TEST(ValidEmail, AHundredThousandCharacterInputIsRefusedWithoutTrouble) {
  EXPECT_FALSE(valid_email(std::string(100000, 'a')));
  EXPECT_FALSE(valid_email(std::string(99990, 'a') + "@example.com"));
  std::string dotted;
  for (int i = 0; i < 50000; ++i) dotted += "a.";
  EXPECT_FALSE(valid_email("x@" + dotted + "com"));
  EXPECT_FALSE(valid_email(std::string(100000, '@')));
}

TEST(SingleLineFields, AnInvitedUsersNameCannotCarryLinesIntoTheEmail) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t before = t.count("users");
  auto r = c.post("/users/new", {{"name", "Pat\n\nYour account is suspended: verify at http://evil.example"},
                                 {"email", "new.user@northshire.example"}, {"role", "provider"}, {"is_dpo", "0"},
                                 {"is_key_contact", "0"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "Name must not contain line breaks, tabs or other control characters"));
  EXPECT_TRUE(contains(r.body, "govuk-error-summary"));
  EXPECT_EQ(t.count("users"), before);
  EXPECT_TRUE(t.emails().empty());
  auto bidi = c.post("/users/new", {{"name", "Pat \xe2\x80\xae" "evil"}, {"email", "new.user@northshire.example"},
                                    {"role", "provider"}, {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(bidi.status, 422);
  EXPECT_TRUE(contains(bidi.body, "Name must not contain characters that change the direction of text"));
  auto tab = c.post("/users/new", {{"name", "Pat"}, {"email", "new.user@northshire.example\tx"}, {"role", "provider"},
                                   {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(tab.status, 422);
  EXPECT_EQ(t.count("users"), before);
  EXPECT_TRUE(t.emails().empty());
}

TEST(SingleLineFields, OwnDetailsAndUserEditsRefuseControlCharacters) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto own = c.post("/account/edit", {{"name", "Chris\x0b" "Coordinator"}, {"email", "coordinator@northshire.example"}});
  EXPECT_EQ(own.status, 422);
  EXPECT_TRUE(contains(own.body, "Name must not contain line breaks"));
  int64_t p = t.user_id("provider@northshire.example");
  auto other = c.post("/users/" + std::to_string(p) + "/edit",
                      {{"name", "Pat\r\nProvider"}, {"email", "provider@northshire.example"}, {"phone", "01632\n960"},
                       {"role", "provider"}, {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(other.status, 422);
  EXPECT_TRUE(contains(other.body, "Enter a telephone number"));
  auto conn = t.conn();
  EXPECT_EQ(accounts::store::find_user(*conn, t.user_id("coordinator@northshire.example"))->name, "Chris Coordinator");
  EXPECT_EQ(accounts::store::find_user(*conn, p)->name, "Pat Provider");
}

TEST(SingleLineFields, OrganisationNamesAndAddressesRefuseControlCharacters) {
  TestApp t;
  Client s(t);
  s.sign_in("support@example.gov.uk");
  int64_t before = t.count("organisations");
  std::multimap<std::string, std::string> form = {{"name", "Hilltop\nHomes"}, {"provider_type", "2"},
                                                  {"holds_own_stock", "1"}, {"address_line1", "1 High\tStreet"},
                                                  {"address_line2", "Town\xc2\x85"}, {"housing_registration_no", "L\r1"},
                                                  {"active", "1"}};
  auto r = s.post("/organisations/new", form);
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "Organisation name must not contain line breaks"));
  EXPECT_TRUE(contains(r.body, "Address line 1 must not contain line breaks"));
  EXPECT_TRUE(contains(r.body, "Town or city must not contain line breaks"));
  EXPECT_TRUE(contains(r.body, "Housing regulator registration number must not contain line breaks"));
  EXPECT_EQ(t.count("organisations"), before);
  int64_t la = t.org_id("Northshire County Council");
  auto edit = s.post("/organisations/" + std::to_string(la) + "/edit",
                     {{"name", "Northshire \xe2\x81\xa6" "County Council"}, {"provider_type", "1"}, {"holds_own_stock", "1"},
                      {"postcode", std::string(5000, 'A')}, {"active", "1"}});
  EXPECT_EQ(edit.status, 422);
  EXPECT_TRUE(contains(edit.body, "Organisation name must not contain characters that change the direction of text"));
  EXPECT_TRUE(contains(edit.body, "Enter a real postcode"));
  EXPECT_EQ(t.org_id("Northshire County Council"), la) << "unchanged";
}
