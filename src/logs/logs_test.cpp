// The lettings log on the web, through the whole app (session, CSRF, handlers, gateway, SQL) on a
// fresh database: SQLite, or PostgreSQL when CORE_TEST_PG is set.
#include <gtest/gtest.h>

#include "util/clock.h"

#include <cstdlib>
#include <fstream>
#include <set>

#include "every_kind.h"
#include "form/definition.h"
#include "logs/generate.h"
#include "logs/kinds.h"
#include "logs/store.h"
#include "test_app.h"
#include "web/http.h"

using namespace core;
using namespace core::test;
using core::test::kind_types;

namespace {

std::string version_of(Client& c, const std::string& page) { return input_value(c.get(page).body, "version"); }

web::Response save(Client& c, const std::string& page, std::multimap<std::string, std::string> form) {
  return save_page(c, page, std::move(form));
}
int64_t create_with_setup(Client& c, const std::string& tenancycode = "T1", const std::string& start = "1/5/2026") {
  return create_log_with_setup(c, tenancycode, "P-" + tenancycode, start);
}
nlohmann::json answers(TestApp& t, int64_t id) { return stored_answers(t, id); }

}  // namespace

TEST(LettingsLogs, CreatingIsRefusedUntilTheDataSharingAgreementIsAccepted) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@eastbrook.example");
  auto list = c.get("/lettings-logs");
  EXPECT_TRUE(contains(list.body, "cannot create logs until its data protection officer accepts the data sharing agreement"));
  EXPECT_FALSE(contains(list.body, "Create a new lettings log"));
  auto r = c.post("/lettings-logs", {});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(contains(r.body, "data sharing agreement"));
  EXPECT_EQ(t.count("logs"), 0);
}

TEST(LettingsLogs, CreateFillsSetupAndSavesThroughTheGateway) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto r = c.post("/lettings-logs", {});
  ASSERT_EQ(r.status, 303);
  int64_t id = created_log_id(r);
  ASSERT_GT(id, 0);
  auto a = answers(t, id);
  EXPECT_EQ(a["owning_organisation_id"], t.org_id("Northshire County Council"));
  EXPECT_EQ(a["managing_organisation_id"], t.org_id("Northshire County Council"));
  EXPECT_EQ(a["assigned_to_id"], t.user_id("coordinator@northshire.example"));
  std::string base = "/lettings-logs/" + std::to_string(id);
  // The assigned-user question is shown to a coordinator.
  EXPECT_EQ(c.get(base + "/assigned-to").status, 200);

  // A date that does not exist: the definition's message, and what was typed stays.
  auto bad = save(c, base + "/tenancy-start-date", {{"startdate-day", "31"}, {"startdate-month", "2"}, {"startdate-year", "2027"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(contains(bad.body, "Tenancy start date must be a real date."));
  EXPECT_TRUE(contains(bad.body, "govuk-error-summary"));
  EXPECT_TRUE(contains(bad.body, "value=\"31\""));
  EXPECT_FALSE(answers(t, id).contains("startdate"));

  id = create_with_setup(c, "ABC1");
  base = "/lettings-logs/" + std::to_string(id);
  a = answers(t, id);
  EXPECT_EQ(a["startdate"], "2026-05-01");
  EXPECT_EQ(a["renttype"], 1);  // derived by the gateway
  auto show = c.get(base);
  EXPECT_TRUE(contains(show.body, "/lettings-logs/" + std::to_string(id) + "/first-time-property-let-as-social-housing"));
  auto cya = c.get(base + "/setup/check-answers");
  EXPECT_EQ(cya.status, 200);
  EXPECT_TRUE(contains(cya.body, "ABC1"));
  EXPECT_TRUE(contains(cya.body, "1 May 2026"));

  // A number that is not one; an option that does not exist; a field from another page.
  save(c, base + "/first-time-property-let-as-social-housing", {{"first_time_property_let_as_social_housing", "1"}});
  auto not_option = save(c, base + "/property-unit-type", {{"unittype_gn", "77"}});
  EXPECT_EQ(not_option.status, 422);
  EXPECT_TRUE(contains(not_option.body, "Select one of the options for"));
  auto forged = save(c, base + "/property-unit-type", {{"unittype_gn", "1"}, {"brent", "5"}});
  EXPECT_EQ(forged.status, 400);
  save(c, base + "/property-unit-type", {{"unittype_gn", "1"}});
  auto beds = save(c, base + "/property-number-of-bedrooms", {{"beds", "lots"}});
  EXPECT_EQ(beds.status, 422);
  EXPECT_TRUE(contains(beds.body, "must be a number."));
  EXPECT_FALSE(answers(t, id).contains("beds"));
  auto ok = save(c, base + "/property-number-of-bedrooms", {{"beds", "2"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(answers(t, id)["beds"], 2);

  // Change from check answers returns there.
  auto changed = save(c, base + "/tenant-code", {{"tenancycode", "XYZ9"}, {"referrer", "check_answers"}});
  EXPECT_EQ(changed.status, 303);
  EXPECT_EQ(changed.header("Location"), base + "/setup/check-answers");

  // Every change is in the history: who, which field, before and after.
  auto hist = c.get(base + "/history");
  EXPECT_EQ(hist.status, 200);
  EXPECT_TRUE(contains(hist.body, "ABC1"));
  EXPECT_TRUE(contains(hist.body, "XYZ9"));
  EXPECT_TRUE(contains(hist.body, "Northshire Coordinator") || contains(hist.body, "Coordinator"));

  // No CSRF token: refused, nothing changed.
  auto no_csrf = c.post(base + "/tenant-code", {{"tenancycode", "HACK"}, {"version", version_of(c, base + "/tenant-code")}}, false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(answers(t, id)["tenancycode"], "XYZ9");
  EXPECT_EQ(c.get(base + "/no-such-page").status, 404);
  EXPECT_EQ(c.get("/lettings-logs/abc").status, 404);
}

TEST(LettingsLogs, StaleSavesAreMergedOrRefusedNeverLost) {
  PinToday today("2026-06-01");
  TestApp t;
  Client a(t), b(t);
  a.sign_in("coordinator@northshire.example");
  b.sign_in("provider@northshire.example");
  int64_t id = create_with_setup(a, "MERGE");
  std::string base = "/lettings-logs/" + std::to_string(id);
  // Both open pages at the same version.
  std::string va = version_of(a, base + "/tenant-code");
  std::string vb = version_of(b, base + "/property-reference");
  ASSERT_EQ(va, vb);
  EXPECT_EQ(a.post(base + "/tenant-code", {{"tenancycode", "FROM-A"}, {"version", va}}).status, 303);
  // B saves another answer from the stale page: merged, both kept.
  EXPECT_EQ(b.post(base + "/property-reference", {{"propcode", "FROM-B"}, {"version", vb}}).status, 303);
  auto x = answers(t, id);
  EXPECT_EQ(x["tenancycode"], "FROM-A");
  EXPECT_EQ(x["propcode"], "FROM-B");
  // B saves the answer A changed, from a page older than A's change: refused, both values shown.
  auto refused = b.post(base + "/tenant-code", {{"tenancycode", "FROM-B"}, {"version", vb}});
  EXPECT_EQ(refused.status, 409);
  EXPECT_TRUE(contains(refused.body, "FROM-A"));
  EXPECT_TRUE(contains(refused.body, "FROM-B"));
  EXPECT_EQ(answers(t, id)["tenancycode"], "FROM-A");
  // Saving again from the refusal page (which carries the new version) keeps B's answer deliberately.
  std::string again = input_value(refused.body, "version");
  EXPECT_EQ(b.post(base + "/tenant-code", {{"tenancycode", "FROM-B"}, {"version", again}}).status, 303);
  EXPECT_EQ(answers(t, id)["tenancycode"], "FROM-B");
}

TEST(LettingsLogs, OtherOrganisationsGetNotFound) {
  PinToday today("2026-06-01");
  TestApp t;
  Client owner(t), other(t), agent(t);
  owner.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(owner, "SECRET1");
  std::string base = "/lettings-logs/" + std::to_string(id);
  other.sign_in("coordinator@eastbrook.example");
  for (std::string path : {base, base + "/tenant-code", base + "/setup/check-answers", base + "/history", base + "/delete"})
    EXPECT_EQ(other.get(path).status, 404) << path;
  EXPECT_EQ(other.post(base + "/tenant-code", {{"tenancycode", "STOLEN"}, {"version", "1"}}).status, 404);
  EXPECT_EQ(other.post(base + "/delete", {}).status, 404);
  EXPECT_TRUE(contains(other.get("/lettings-logs?filtered=1&search=SECRET1").body, "0 logs found"));
  EXPECT_EQ(answers(t, id)["tenancycode"], "SECRET1");
  // A provider of an organisation that neither owns nor manages the log: 404 too.
  agent.sign_in("provider@riverside.example");
  EXPECT_EQ(agent.get(base).status, 404);
  EXPECT_EQ(agent.get(base + "/setup/check-answers").status, 404);
  EXPECT_EQ(agent.get(base + "/history").status, 404);
}

// Filter values no page offers (a category or year the list does not have, a status that is not
// one, an organisation id that is not a number or not related, a search of 100,000 characters) are
// ignored: the list answers 200 with every log, for each kind.
TEST(LettingsLogs, FilterValuesThePageNeverOfferedAreIgnored) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  create_with_setup(c, "ALPHA");
  create_with_setup(c, "BRAVO");
  for (const std::string q : {"categories=99", "categories=x", "categories=1%00", "years=1999", "years=2026x",
                              "status=deleted", "status=pending", "owning_organisation=abc", "managing_organisation=-1",
                              "assigned_to=specific&user=99999999999999999999", "assigned_to=everyone"}) {
    auto r = c.get("/lettings-logs?filtered=1&" + q);
    EXPECT_EQ(r.status, 200) << q;
    EXPECT_TRUE(contains(r.body, "2 logs")) << q;
  }
  auto sales = c.get("/sales-logs?filtered=1&categories=99&years=1999");
  EXPECT_EQ(sales.status, 200);
  auto long_search = c.get("/lettings-logs?filtered=1&search=" + std::string(100000, 'a'));
  EXPECT_EQ(long_search.status, 200);
  EXPECT_TRUE(contains(long_search.body, "0 logs found"));
}

TEST(LettingsLogs, ListFiltersSearchAndSoftDelete) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t a = create_with_setup(c, "ALPHA");
  int64_t b = create_with_setup(c, "BRAVO");
  int64_t empty = created_log_id(c.post("/lettings-logs", {}));
  auto list = c.get("/lettings-logs");
  EXPECT_TRUE(contains(list.body, "3 logs"));
  // Search: by id with a "log" prefix, by tenant code, by property reference.
  auto by_id = c.get("/lettings-logs?filtered=1&search=log" + std::to_string(a));
  EXPECT_TRUE(contains(by_id.body, "1 log found"));
  EXPECT_TRUE(contains(by_id.body, "ALPHA"));
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&search=bravo").body, "BRAVO"));
  EXPECT_FALSE(contains(c.get("/lettings-logs?filtered=1&search=bravo").body, "ALPHA"));
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&search=P-ALPHA").body, "1 log found"));
  // Filters: status and needs type; they stay for the session until cleared.
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&status=in_progress").body, "3 logs found"));
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&status=completed").body, "0 logs found"));
  EXPECT_TRUE(contains(c.get("/lettings-logs").body, "0 logs found"));  // kept for the session
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&categories=1").body, "2 logs found"));
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&assigned_to=you").body, "3 logs found"));
  EXPECT_TRUE(contains(c.get("/lettings-logs?filtered=1&years=2026").body, "2 logs found"));
  EXPECT_EQ(c.get("/lettings-logs/clear-filters").status, 303);
  EXPECT_TRUE(contains(c.get("/lettings-logs").body, "3 logs"));
  // Delete one (confirmation first), then a filtered set.
  EXPECT_EQ(c.get("/lettings-logs/" + std::to_string(empty) + "/delete").status, 200);
  EXPECT_EQ(c.post("/lettings-logs/" + std::to_string(empty) + "/delete", {}).status, 303);
  EXPECT_EQ(c.get("/lettings-logs/" + std::to_string(empty)).status, 404);
  auto confirm = c.get("/lettings-logs/delete?ids=" + std::to_string(a) + "&ids=" + std::to_string(b));
  EXPECT_EQ(confirm.status, 200);
  EXPECT_TRUE(contains(confirm.body, "Are you sure you want to delete these logs?"));
  // The confirmation names each log: id, tenant code and property reference.
  for (const std::string& cell : std::vector<std::string>{std::to_string(a), "ALPHA", "P-ALPHA", std::to_string(b), "BRAVO", "P-BRAVO"})
    EXPECT_TRUE(contains(confirm.body, "<td class=\"govuk-table__cell\">" + cell + "</td>")) << cell;
  EXPECT_EQ(c.post("/lettings-logs/delete", {{"ids", std::to_string(a)}, {"ids", std::to_string(b)}}).status, 303);
  EXPECT_TRUE(contains(c.get("/lettings-logs").body, "0 logs"));
  EXPECT_EQ(t.count("logs"), 3);  // the data is kept
  // A provider cannot delete a log assigned to someone else.
  Client p(t);
  p.sign_in("provider@northshire.example");
  int64_t mine = created_log_id(c.post("/lettings-logs", {}));
  EXPECT_EQ(p.post("/lettings-logs/" + std::to_string(mine) + "/delete", {}).status, 403);
  EXPECT_EQ(p.post("/lettings-logs/delete", {{"ids", "abc"}}).status, 400);
}

// Issue 11: delete boxes start unticked; an empty list says so; an organisation's own log list.
TEST(LettingsLogs, ListBoxesStartUntickedAndAnOrganisationHasItsOwnList) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t a = create_with_setup(c, "ALPHA");
  auto filtered = c.get("/lettings-logs?filtered=1&search=ALPHA");
  EXPECT_TRUE(contains(filtered.body, "value=\"" + std::to_string(a) + "\">")) << "a coordinator gets delete boxes after a search";
  EXPECT_FALSE(contains(filtered.body, "value=\"" + std::to_string(a) + "\" checked")) << "boxes start unticked";
  auto none = c.get("/lettings-logs?filtered=1&search=NOTHING-LIKE-THIS");
  EXPECT_FALSE(contains(none.body, "<table"));
  EXPECT_TRUE(contains(none.body, "No logs match your search or filters"));
  EXPECT_TRUE(contains(none.body, "href=\"/lettings-logs/clear-filters\""));
  c.get("/lettings-logs/clear-filters");

  int64_t la = t.org_id("Northshire County Council"), ha = t.org_id("Riverside Homes Housing Association");
  std::string own = "/organisations/" + std::to_string(la) + "/lettings-logs";
  std::string other = "/organisations/" + std::to_string(ha) + "/lettings-logs";
  auto mine = c.get(own);
  EXPECT_EQ(mine.status, 200);
  EXPECT_TRUE(contains(mine.body, "ALPHA"));
  EXPECT_TRUE(contains(mine.body, "aria-current=\"page\">Lettings logs</a>")) << "the organisation's sub-navigation";
  EXPECT_EQ(c.get(other).status, 404);
  EXPECT_EQ(c.get(other + "/clear-filters").status, 404);
  Client s(t);
  s.sign_in("support@example.gov.uk");
  EXPECT_TRUE(contains(s.get(own).body, "ALPHA"));
  auto theirs = s.get(other);
  EXPECT_EQ(theirs.status, 200);
  EXPECT_FALSE(contains(theirs.body, "ALPHA")) << "only the organisation's own logs";
  EXPECT_TRUE(contains(theirs.body, "0 logs"));
  EXPECT_TRUE(contains(s.get("/organisations/" + std::to_string(la)).body, "href=\"" + own + "\""));
}

// Issue 11: the "£" and "every week" around the rent are aria-hidden, so the input is also
// described by visually hidden text that says them.
TEST(LettingsLogs, TheRentInputIsDescribedByItsCurrencyAndPeriod) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(c);
  std::string base = "/lettings-logs/" + std::to_string(id) + "/";
  save(c, base + "rent-period", {{"period", "1"}});
  auto r = c.get(base + "rent-weekly");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "<span id=\"brent-units\" class=\"govuk-visually-hidden\">Amount in pounds every week</span>"));
  EXPECT_TRUE(contains(r.body, "aria-describedby=\"brent-hint brent-units\"")) << "the hint and the units";
}

TEST(LettingsLogs, ClosedYearsAreReadOnly) {
  int64_t id;
  std::string base;
  TestApp t;
  {
    PinToday today("2026-06-01");
    Client c(t);
    c.sign_in("coordinator@northshire.example");
    id = create_with_setup(c, "OLD");
    base = "/lettings-logs/" + std::to_string(id);
  }
  PinToday later("2027-08-01");  // after 31 July 2027, the 2026/27 edit end date
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto page = c.get(base + "/tenant-code");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "closed for editing"));
  EXPECT_FALSE(contains(page.body, "Save and continue"));
  EXPECT_EQ(c.post(base + "/tenant-code", {{"tenancycode", "NEW"}, {"version", "99"}}).status, 403);
  EXPECT_EQ(answers(t, id)["tenancycode"], "OLD");
}

TEST(LettingsLogs, PagesWorkToTheClockTheAppIsHanded) {
  // The same closed year, with the date set on the app instead of the process's environment.
  struct Fixed : util::Clock {
    util::Date d;
    util::Date today() const override { return d; }
  };
  Fixed june, later;
  june.d = {2026, 6, 1};
  later.d = {2027, 8, 1};
  TestApp t;
  t.app().set_clock(june);
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(c, "OLD");
  std::string base = "/lettings-logs/" + std::to_string(id);
  EXPECT_TRUE(contains(c.get(base + "/tenant-code").body, "Save and continue"));
  t.app().set_clock(later);
  auto page = c.get(base + "/tenant-code");
  EXPECT_TRUE(contains(page.body, "closed for editing"));
  EXPECT_EQ(c.post(base + "/tenant-code", {{"tenancycode", "NEW"}, {"version", "99"}}).status, 403);
  EXPECT_EQ(answers(t, id)["tenancycode"], "OLD");
}

// Found by the browser tests: the page after the scheme was worked out from the posted text (so the
// scheme's locations were unknown and the location page was skipped), and "Enter the address
// yourself" was refused because the address search was left unanswered.
TEST(LettingsLogs, SchemeLeadsToLocationAndTheAddressCanBeEnteredByHand) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = created_log_id(c.post("/lettings-logs", {}));
  ASSERT_GT(id, 0);
  std::string base = "/lettings-logs/" + std::to_string(id);
  auto r = save(c, base + "/needs-type", {{"needstype", "2"}});
  EXPECT_EQ(r.header("Location"), base + "/scheme");
  int64_t scheme = 0;
  {
    auto conn = t.conn();
    auto row = conn->query_one("SELECT id FROM schemes WHERE service_name = ?", {std::string("Northtown Direct Access Hostel")});
    ASSERT_TRUE(row.has_value());
    scheme = row->i64(0);
  }
  r = save(c, base + "/scheme", {{"scheme_id", std::to_string(scheme)}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), base + "/location");  // two active locations: the user chooses

  id = create_with_setup(c, "ADDR1");
  base = "/lettings-logs/" + std::to_string(id);
  save(c, base + "/first-time-property-let-as-social-housing", {{"first_time_property_let_as_social_housing", "0"}});
  save(c, base + "/property-let-type", {{"unitletas", "1"}});
  // No address lookup service is connected: straight to the address typed by hand, never the search.
  r = save(c, base + "/property-vacancy-reason-not-first-let", {{"rsnvac", "8"}});
  EXPECT_EQ(r.status, 303) << r.body.substr(0, 2000);
  EXPECT_EQ(r.header("Location"), base + "/address");
  EXPECT_EQ(c.get(base + "/address-search").status, 303);
  EXPECT_FALSE(contains(c.get(base + "/address").body, "No address lookup service"));
  EXPECT_EQ(save(c, base + "/address", {{"address_line1", ""}, {"address_line2", ""}, {"town_or_city", "Northtown"}, {"county", ""},
                                        {"postcode_full", "NE6 2QT"}}).status, 422);  // line 1 is needed
}

TEST(LettingsLogs, ChangesFromAnInterruptionScreenComeBackToIt) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(c, "VOID");
  std::string base = "/lettings-logs/" + std::to_string(id);
  auto r = save(c, base + "/void-date", {{"voiddate-day", "1"}, {"voiddate-month", "1"}, {"voiddate-year", "2020"}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), base + "/void-date-value-check");
  auto screen = c.get(base + "/void-date-value-check");
  EXPECT_TRUE(contains(screen.body, "You told us that the property has been vacant for more than 2 years."));
  EXPECT_TRUE(contains(screen.body, "void-date?referrer=interruption&amp;return_to=void-date-value-check"));
  auto page = c.get(base + "/void-date?referrer=interruption&return_to=void-date-value-check");
  EXPECT_TRUE(contains(page.body, "name=\"return_to\" value=\"void-date-value-check\""));
  // Still more than 2 years: back to the screen.
  auto again = c.post(base + "/void-date", {{"voiddate-day", "1"}, {"voiddate-month", "1"}, {"voiddate-year", "2021"},
                                             {"referrer", "interruption"}, {"return_to", "void-date-value-check"},
                                             {"version", input_value(page.body, "version")}});
  EXPECT_EQ(again.header("Location"), base + "/void-date-value-check");
  // No longer unusual: the screen does not apply, so on to the next page.
  page = c.get(base + "/void-date?referrer=interruption&return_to=void-date-value-check");
  auto fixed = c.post(base + "/void-date", {{"voiddate-day", "1"}, {"voiddate-month", "4"}, {"voiddate-year", "2026"},
                                             {"referrer", "interruption"}, {"return_to", "void-date-value-check"},
                                             {"version", input_value(page.body, "version")}});
  EXPECT_EQ(fixed.status, 303);
  EXPECT_NE(fixed.header("Location"), base + "/void-date-value-check");
  // The history shows answers as the pages do.
  auto hist = c.get(base + "/history");
  EXPECT_TRUE(contains(hist.body, "1 April 2026"));
  EXPECT_TRUE(contains(hist.body, "General needs"));
  // Answers the service worked out are folded away behind a details control; answers people gave are not.
  auto folded = hist.body.find("Show answers the service worked out");
  ASSERT_NE(folded, std::string::npos);
  EXPECT_LT(hist.body.find("1 April 2026"), folded);
  EXPECT_NE(hist.body.find("Rent type group (derived)<", folded), std::string::npos);
  EXPECT_EQ(hist.body.find("Rent type group (derived)"), hist.body.find("Rent type group (derived)", folded));
}

// The tests below run once for each kind of log (lettings, sales).
class EveryKindOfLog : public ::testing::TestWithParam<std::string> {
 protected:
  const logs::Kind& kind = *logs::kind_of(GetParam());
  const form::Form& form = *kind.newest;
  // The attribute of one of the kind's `log` slots ("" when the form has none).
  std::string attr(int slot) const { return slot < 0 ? "" : form.attributes[size_t(slot)].id; }
};
INSTANTIATE_TEST_SUITE_P(Kinds, EveryKindOfLog, ::testing::ValuesIn(kind_types()), KindName());

// `core logs generate --type TYPE`: complete logs made from the kind's complete-log cases, each
// through the same columns as a saved log, and visible to their organisation in the list.
TEST_P(EveryKindOfLog, GeneratedLogsAreCompleteAndListed) {
  PinToday today("2026-06-01");
  TestApp t;
  int64_t coordinator = t.user_id("coordinator@northshire.example");
  logs::GenerateOptions o;
  o.type = kind.type;
  o.count = 3;
  o.organisations = {t.org_id("Northshire County Council")};
  o.assigned_to_id = coordinator;
  EXPECT_EQ(logs::generate(t.db(), o), 3);
  EXPECT_EQ(t.count("logs"), 3);
  auto c = t.conn();
  std::set<int64_t> categories;
  for (auto& r : c->query("SELECT id FROM logs ORDER BY id")) {
    auto l = logs::store::find(*c, r.i64(0));
    ASSERT_TRUE(l);
    EXPECT_EQ(l->type, kind.type);
    EXPECT_EQ(l->status, "completed") << l->answers;
    EXPECT_EQ(l->assigned_to_id.value_or(0), coordinator);
    EXPECT_EQ(l->collection_year.value_or(0), form.year);
    ASSERT_TRUE(l->category);
    EXPECT_NE(kind.category_text(*l->category), "");
    categories.insert(*l->category);
  }
  auto l = logs::store::find(*c, c->query_one("SELECT MIN(id) FROM logs")->i64(0));
  EXPECT_EQ(l->reference.value_or(""), "GEN0");
  // The stored answers say what the columns say.
  auto answers = nlohmann::json::parse(l->answers);
  EXPECT_EQ(answers[attr(form.log.reference_slot)], "GEN0");
  if (form.log.property_reference_slot >= 0) EXPECT_EQ(answers[attr(form.log.property_reference_slot)], "PROP0");
  EXPECT_EQ(answers["assigned_to_id"], coordinator);
  // Every complete-log case that needs no other records is used in turn (sales: shared ownership
  // twice, discounted ownership; lettings: general needs only, as supported housing needs a scheme).
  std::ifstream in(std::string(CORE_SOURCE_DIR) + "/tests/cases/" + kind.type + "-2026/complete-logs.json");
  std::set<int64_t> case_categories;
  const nlohmann::json cases = nlohmann::json::parse(in)["cases"];
  for (auto& cs : cases)
    if (!cs["before"].contains("scheme_id")) case_categories.insert(cs["before"][attr(form.log.category_slot)].get<int64_t>());
  EXPECT_EQ(categories, case_categories);
  Client web(t);
  web.sign_in("coordinator@northshire.example");
  EXPECT_TRUE(contains(web.get(kind.base).body, "GEN2"));
  // A kind that does not exist is refused.
  o.type = "rentals";
  EXPECT_THROW(logs::generate(t.db(), o), std::runtime_error);
  EXPECT_EQ(t.count("logs"), 3);
}

// The list's filters (year, status, category, assigned to, owned by, managed by) and search (log id,
// the landlord's reference, postcode) for each kind, over generated logs of two organisations, as
// support (who sees both). Each filter's count is checked against the stored columns.
TEST_P(EveryKindOfLog, ListFiltersAndSearch) {
  PinToday today("2026-06-01");
  TestApp t;
  int64_t northshire = t.org_id("Northshire County Council"), riverside = t.org_id("Riverside Homes Housing Association");
  int64_t coordinator = t.user_id("coordinator@northshire.example");
  logs::GenerateOptions o;
  o.type = kind.type;
  o.count = 6;
  o.organisations = {northshire, riverside};
  o.assigned_to_id = coordinator;
  ASSERT_EQ(logs::generate(t.db(), o), 6);
  Client coord(t);
  coord.sign_in("coordinator@northshire.example");
  int64_t empty = created_log_id(coord.post(kind.base, {}));
  ASSERT_GT(empty, 0);
  Client s(t);
  s.sign_in("support@example.gov.uk");
  auto found = [&](const std::string& query) {
    auto r = s.get(kind.base + "?filtered=1&" + query);
    EXPECT_EQ(r.status, 200) << query;
    return r.body;
  };
  auto count_of = [&](const std::string& where, db::Params params) {
    auto c = t.conn();
    params.insert(params.begin(), db::Value{kind.type});
    return c->query_one("SELECT COUNT(*) FROM logs WHERE log_type = ? AND " + where, params)->i64(0);
  };
  auto n_found = [](int64_t n) { return std::to_string(n) + (n == 1 ? " log found" : " logs found"); };
  EXPECT_TRUE(contains(s.get(kind.base).body, "7 logs"));
  // The filters offered: the kind's category is named by its question, with the form's options.
  auto all = s.get(kind.base).body;
  EXPECT_TRUE(contains(all, kind.category_label));
  for (auto& [code, label] : kind.categories) EXPECT_TRUE(contains(all, label)) << label;
  // Years and status.
  EXPECT_TRUE(contains(found("years=2026"), n_found(6)));
  EXPECT_TRUE(contains(found("years=2025"), n_found(0)));
  EXPECT_TRUE(contains(found("status=in_progress"), n_found(1)));  // the new log: its setup is begun
  EXPECT_TRUE(contains(found("status=not_started"), n_found(0)));
  EXPECT_TRUE(contains(found("status=completed"), n_found(6)));
  EXPECT_TRUE(contains(found("status=completed&status=in_progress"), n_found(7)));
  // Category (needs type; sale type): each code the generated logs have.
  for (auto& [code, label] : kind.categories) {
    int64_t n = count_of("category = ?", {db::Value{int64_t(std::stoll(code))}});
    auto body = found("categories=" + code);
    EXPECT_TRUE(contains(body, n_found(n))) << label;
    if (n) EXPECT_TRUE(contains(body, "<td class=\"govuk-table__cell\">" + label + "</td>")) << label;
    EXPECT_TRUE(contains(found("categories=" + code + "&status=completed"), n_found(n))) << label;
  }
  EXPECT_TRUE(contains(found("categories=999"), "7 logs")) << "a code that is not an option is ignored";
  // Assigned to, owned by, managed by.
  EXPECT_TRUE(contains(found("assigned_to=specific&user=" + std::to_string(coordinator)), n_found(7)));
  EXPECT_TRUE(contains(found("assigned_to=you"), n_found(0)));
  EXPECT_TRUE(contains(found("owning_organisation=" + std::to_string(riverside)), n_found(3)));
  EXPECT_TRUE(contains(found("managing_organisation=" + std::to_string(northshire)), n_found(4)));
  EXPECT_TRUE(contains(found("owning_organisation=" + std::to_string(riverside) + "&status=in_progress"), n_found(0)));
  // Search: log id (with or without "log"), the reference, the postcode (as typed, any case).
  auto id = coord.post(kind.base, {});  // another empty log, found only by its id
  int64_t other = created_log_id(id);
  EXPECT_TRUE(contains(found("search=log" + std::to_string(other)), n_found(1)));
  EXPECT_TRUE(contains(found("search=" + std::to_string(empty)), "href=\"" + kind.base + "/" + std::to_string(empty) + "\""));
  auto gen3 = found("search=GEN3");
  EXPECT_TRUE(contains(gen3, n_found(1)));
  EXPECT_TRUE(contains(gen3, "GEN3"));
  EXPECT_FALSE(contains(gen3, "GEN2"));
  auto c = t.conn();
  std::string postcode = c->query_one("SELECT postcode_full FROM logs WHERE log_type = ? AND postcode_full IS NOT NULL ORDER BY id",
                                      {db::Value{kind.type}})->str(0);
  std::string typed = postcode;
  for (auto& ch : typed) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_TRUE(contains(found("search=" + web::url_encode(typed)), n_found(count_of("postcode_full = ?", {db::Value{postcode}})))) << postcode;
  EXPECT_TRUE(contains(found("search=NOTHING-LIKE-THIS"), "No logs match your search or filters"));
  // The other kind's logs are never in this list.
  for (auto& k : logs::kinds())
    if (k.type != kind.type) EXPECT_FALSE(contains(s.get(k.base + "?filtered=1&search=GEN3").body, kind.base + "/"));
}

// The inputs of the security issue (10) that crashed the server or stored what they should not:
// each is now a field error on its page (422), the page title says "Error:" once, nothing is stored.
TEST(LettingsLogs, HostileAnswersGetFieldErrors) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(c);
  std::string base = "/lettings-logs/" + std::to_string(id) + "/";
  auto before = answers(t, id);
  struct Attack {
    std::string page, field, value, message;
  };
  std::vector<Attack> attacks = {
      {"household-members", "hhmemb", std::string(100000, '9'), "must be a number of 15 digits or fewer"},
      {"household-members", "hhmemb", std::string(400, '9'), "must be a number of 15 digits or fewer"},
      {"household-members", "hhmemb", "1e308", "must be a number"},
      {"needs-type", "needstype", std::string(100000, ' ') + "1", "Select one of the options for needs type."},
      {"tenant-code", "tenancycode", "T\x01", "must not contain line breaks, tabs or other control characters"},
      {"tenant-code", "tenancycode", "\x1b[31mT1", "must not contain line breaks, tabs or other control characters"},
      {"tenant-code", "tenancycode", "T1\xE2\x80\xAE" "exe", "must not contain characters that change the direction of text"},
  };
  for (auto& a : attacks) {
    auto r = save(c, base + a.page, {{a.field, a.value}});
    EXPECT_EQ(r.status, 422) << a.page << " " << a.field;
    EXPECT_TRUE(contains(r.body, a.message)) << a.page << " " << a.field;
    EXPECT_TRUE(contains(r.body, "<title>Error: ")) << a.page;
    EXPECT_FALSE(contains(r.body, "Error: Error:")) << a.page;
    EXPECT_EQ(answers(t, id), before) << a.page << " " << a.field << " changed the log";
  }
}

// A log whose stored answers cannot be read is shown read-only with a message, and never saved over
// from blank (issue 11, defect 3).
TEST(LettingsLogs, AnUnreadableLogIsReadOnlyNotBlank) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t id = create_with_setup(c);
  std::string version = version_of(c, "/lettings-logs/" + std::to_string(id) + "/tenant-code");
  t.conn()->exec("UPDATE logs SET answers = ? WHERE id = ?", {std::string("[\"not an object\""), id});
  auto shown = c.get("/lettings-logs/" + std::to_string(id));
  EXPECT_EQ(shown.status, 200);
  EXPECT_TRUE(contains(shown.body, "cannot be read"));
  EXPECT_TRUE(contains(c.get("/lettings-logs/" + std::to_string(id) + "/tenant-code").body, "cannot be read"));
  auto r = c.post("/lettings-logs/" + std::to_string(id) + "/tenant-code", {{"tenancycode", "NEW"}, {"version", version}});
  EXPECT_EQ(r.status, 409);
  auto conn = t.conn();
  EXPECT_EQ(conn->query_one("SELECT answers FROM logs WHERE id = ?", {id})->str(0), "[\"not an object\"");
}
