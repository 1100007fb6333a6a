// How the log pages present the form: question numbers, options offered, check answers (cards, one
// row per answer, the labels people read), the history, and the messages that name records.
#include <gtest/gtest.h>

#include "logs/generate.h"
#include "logs/present.h"
#include "logs/store.h"
#include "test_app.h"
#include "util/time.h"

using namespace core;
using namespace core::test;

namespace {


web::Response save(Client& c, const std::string& page, std::multimap<std::string, std::string> form) {
  return save_page(c, page, std::move(form));
}

// A log of Northshire County Council (rent periods: weekly, every 2 weeks, calendar month) with setup done.
std::string log_with_setup(Client& c) { return "/lettings-logs/" + std::to_string(create_log_with_setup(c, "T1", "P1")) + "/"; }

nlohmann::json answers_of(TestApp& t, const std::string& base) {
  return stored_answers(t, std::stoll(base.substr(std::string("/lettings-logs/").size())));
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t p = text.find(part); p != std::string::npos; p = text.find(part, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(LogPages, RentPeriodsOfferedAreTheManagingOrganisationsAndTheMessageNamesIt) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  auto page = c.get(base + "rent-period");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, ">Weekly for 52 weeks<") || contains(page.body, "Weekly for 52 weeks"));
  EXPECT_TRUE(contains(page.body, "Every 2 weeks"));
  EXPECT_TRUE(contains(page.body, "Every calendar month"));
  EXPECT_FALSE(contains(page.body, "Every 4 weeks"));
  EXPECT_FALSE(contains(page.body, "Weekly for 46 weeks"));
  // A period it does not use (a stale or forged page): the message names the organisation, not its id.
  auto r = save(c, base + "rent-period", {{"period", "3"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "Northshire County Council does not use every 4 weeks as a rent period."));
  EXPECT_FALSE(answers_of(t, base).contains("period"));
}

TEST(LogPages, QuestionsCarryTheirNumbers) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  auto page = c.get(base + "needs-type");
  EXPECT_TRUE(contains(page.body, "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--m\">Q3 - What is the needs type?</legend>"));
  auto tenant = c.get(base + "tenant-code");  // the question is the page's heading
  EXPECT_TRUE(contains(tenant.body, ">Q9 - What is the tenant code?</label></h1>"));
  EXPECT_TRUE(contains(tenant.body, "<title>What is the tenant code?"));  // the page title stays the question
  auto cya = c.get(base + "setup/check-answers");
  EXPECT_TRUE(contains(cya.body, "<dt class=\"govuk-summary-list__key\">Q3 - Needs type</dt>"));
}

// Issue 12: a question revealed inside a "Do you know…?" radio shares its number; check answers
// hides such a parent's row, so the revealed question's row carries the number (it did not: "Buyer
// 1’s age" with no Q21). A revealed question shown after its parent's row is not numbered twice.
TEST(LogPages, ARevealedQuestionsRowIsNumberedWhenItsParentsRowIsHidden) {
  PinToday today("2026-06-01");
  TestApp t;
  int64_t northshire = t.org_id("Northshire County Council");
  for (const char* type : {"lettings", "sales"}) {
    logs::GenerateOptions o;
    o.type = type;
    o.count = 1;
    o.organisations = {northshire};
    o.assigned_to_id = t.user_id("coordinator@northshire.example");
    ASSERT_EQ(logs::generate(t.db(), o), 1);
  }
  auto c = t.conn();
  auto id = [&](const char* type) {
    return std::to_string(c->query_one("SELECT id FROM logs WHERE log_type = ?", {db::Value{std::string(type)}})->i64(0));
  };
  Client web(t);
  web.sign_in("coordinator@northshire.example");
  auto lettings = web.get("/lettings-logs/" + id("lettings") + "/household-characteristics/check-answers");
  EXPECT_TRUE(contains(lettings.body, "<dt class=\"govuk-summary-list__key\">Q30 - Lead tenant’s age</dt>"));
  auto household = web.get("/sales-logs/" + id("sales") + "/household-characteristics/check-answers");
  EXPECT_TRUE(contains(household.body, "<dt class=\"govuk-summary-list__key\">Q21 - Buyer 1’s age</dt>"));
  EXPECT_TRUE(contains(household.body, "<dt class=\"govuk-summary-list__key\">Q30 - Buyer 2’s age</dt>"));
  auto income = web.get("/sales-logs/" + id("sales") + "/income-benefits-and-savings/check-answers");
  EXPECT_TRUE(contains(income.body, "<dt class=\"govuk-summary-list__key\">Q74 - Buyer 1’s gross annual income</dt>"));
  // Shown after its parent's row ("Property service charges: Yes" is hidden; "No" would be shown alone).
  auto sale = web.get("/sales-logs/" + id("sales") + "/shared-ownership-initial-purchase/check-answers");
  EXPECT_TRUE(contains(sale.body, "<dt class=\"govuk-summary-list__key\">Q96 - Monthly service charges</dt>"));
  EXPECT_EQ(occurrences(sale.body, ">Q96 - "), 1u);
}

TEST(LogPages, HouseholdCheckAnswersReadAsPeopleSayIt) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  save(c, base + "household-members", {{"hhmemb", "2"}});
  save(c, base + "lead-tenant-sex-registered-at-birth", {{"sexrab1", "R"}});
  save(c, base + "lead-tenant-gender-same-as-sex", {{"gender_same_as_sex1", "3"}});
  save(c, base + "lead-tenant-nationality", {{"nationality_all_group", "826"}});
  save(c, base + "person-2-known", {{"details_known_2", "0"}});
  auto cya = c.get(base + "household-characteristics/check-answers");
  ASSERT_EQ(cya.status, 200);
  // "Prefers not to say" for both, not the radio's "Lead tenant prefers not to say".
  EXPECT_EQ(occurrences(cya.body, "<dd class=\"govuk-summary-list__value\">Prefers not to say</dd>"), 2u);
  EXPECT_FALSE(contains(cya.body, "Lead tenant prefers not to say"));
  // Nationality once: the country worked out from "United Kingdom" is not a second row.
  EXPECT_EQ(occurrences(cya.body, "Lead tenant’s nationality</dt>"), 1u);
  EXPECT_EQ(occurrences(cya.body, ">United Kingdom<"), 1u);
  // Summary cards: the household, the lead tenant, each person.
  auto household = cya.body.find("<h2 class=\"govuk-summary-card__title\">Household</h2>");
  auto lead = cya.body.find("<h2 class=\"govuk-summary-card__title\">Lead tenant</h2>");
  auto person2 = cya.body.find("<h2 class=\"govuk-summary-card__title\">Person 2</h2>");
  ASSERT_NE(household, std::string::npos);
  ASSERT_NE(lead, std::string::npos);
  ASSERT_NE(person2, std::string::npos);
  EXPECT_LT(household, cya.body.find("Number of household members"));
  EXPECT_LT(cya.body.find("Number of household members"), lead);
  EXPECT_LT(lead, cya.body.find("sex registered at birth"));
  EXPECT_LT(lead, person2);
  EXPECT_LT(person2, cya.body.find("Details known for person 2"));
  // Other subsections have no cards.
  EXPECT_FALSE(contains(c.get(base + "setup/check-answers").body, "govuk-summary-card"));
}

TEST(LogPages, APartnersPageIsSkippedOnceAnotherPersonIsThePartner) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  save(c, base + "household-members", {{"hhmemb", "3"}});
  save(c, base + "person-2-known", {{"details_known_2", "0"}});
  save(c, base + "person-2-age", {{"age2_known", "0"}, {"age2", "30"}});
  EXPECT_EQ(save(c, base + "person-2-lead-partner", {{"relat2", "P"}}).status, 303);
  save(c, base + "person-3-known", {{"details_known_3", "0"}});
  auto r = save(c, base + "person-3-age", {{"age3_known", "0"}, {"age3", "40"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), base + "person-3-sex-registered-at-birth");
  EXPECT_EQ(answers_of(t, base)["relat3"], "X");
  // Person 2's own page is still asked: they are the partner.
  auto back = c.get(base + "person-3-sex-registered-at-birth");
  EXPECT_TRUE(contains(back.body, "href=\"" + base + "person-3-age\""));
  auto from2 = save(c, base + "person-2-age", {{"age2_known", "0"}, {"age2", "31"}});
  EXPECT_EQ(from2.header("Location"), base + "person-2-lead-partner");
}

TEST(LogPages, AddressLinesOneAndTwoAreOneRowAndTheTownItsOwn) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  auto r = save(c, base + "address", {{"address_line1", "14 Mill Lane"}, {"address_line2", "Flat 2"}, {"town_or_city", "Northtown"},
                                      {"county", ""}, {"postcode_full", "NE6 2QT"}});
  EXPECT_EQ(r.status, 303) << r.body.substr(0, 3000);
  auto cya = c.get(base + "property-information/check-answers");
  EXPECT_TRUE(contains(cya.body, "<dd class=\"govuk-summary-list__value\">14 Mill Lane, Flat 2</dd>"));
  EXPECT_EQ(occurrences(cya.body, "Northtown"), 1u);
  EXPECT_EQ(occurrences(cya.body, "NE6 2QT"), 1u);
}

TEST(LogPages, HistoryShowsNamesDatesAndMoneyAndFoldsWhatTheServiceWorkedOut) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  save(c, base + "rent-period", {{"period", "1"}});
  auto r = save(c, base + "rent-weekly", {{"brent", "98.5"}, {"scharge", "0"}, {"pscharge", "0"}, {"supcharg", "0"}});
  EXPECT_EQ(r.status, 303) << r.body.substr(0, 3000);
  auto hist = c.get(base + "history");
  ASSERT_EQ(hist.status, 200);
  auto folded = hist.body.find("Show answers the service worked out");
  ASSERT_NE(folded, std::string::npos);
  EXPECT_TRUE(contains(hist.body, "<details class=\"govuk-details\">"));
  std::string given = hist.body.substr(0, folded);
  // Organisations and users by name, never by id; money as money; dates and times written out.
  EXPECT_TRUE(contains(given, "Northshire County Council"));
  EXPECT_TRUE(contains(given, ">Chris Coordinator</td></tr>"));  // the assigned user, after
  EXPECT_TRUE(contains(given, "£98.50"));
  EXPECT_FALSE(contains(given, ">98.5<"));
  EXPECT_FALSE(contains(hist.body, util::now_iso().substr(0, 11)));  // no "2026-12-01T…"
  EXPECT_TRUE(contains(hist.body, util::display_datetime(util::now_iso()).substr(0, 8)));
  // What the service worked out reads as labels and money too.
  std::string worked_out = hist.body.substr(folded);
  EXPECT_TRUE(contains(worked_out, "<td class=\"govuk-table__cell\">Rent type group (derived)</td>\n          <td class=\"govuk-table__cell\"></td><td class=\"govuk-table__cell\">Social Rent</td>"))
      << worked_out.substr(0, 4000);
  EXPECT_TRUE(contains(worked_out, ">£98.50</td>"));  // the weekly rent
  // A flag the service set reads Yes or No, not true or false.
  EXPECT_FALSE(contains(hist.body, ">false<"));
  EXPECT_FALSE(contains(hist.body, ">true<"));
}

TEST(LogPages, MoneyIsWrittenAsPounds) {
  EXPECT_EQ(logs::money_text(98.5), "£98.50");
  EXPECT_EQ(logs::money_text(1230), "£1,230.00");
  EXPECT_EQ(logs::money_text(1234567.891), "£1,234,567.89");
  EXPECT_EQ(logs::money_text(0), "£0.00");
}

TEST(LogPages, AnErrorAboutTwoQuestionsLinksToTheOtherOnesPage) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  EXPECT_EQ(save(c, base + "housing-benefit", {{"hb", "1"}}).status, 303);
  auto r = save(c, base + "benefits-proportion", {{"benefits", "3"}});
  ASSERT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "but also that the tenant is likely to be receiving Universal Credit"));
  std::string link = base + "housing-benefit?referrer=interruption&amp;return_to=benefits-proportion#hb";
  auto at = r.body.find("href=\"" + link + "\"");
  ASSERT_NE(at, std::string::npos) << r.body.substr(0, 3000);
  EXPECT_LT(r.body.find("govuk-error-summary__list"), at);
  EXPECT_TRUE(contains(r.body, "Change your answer to “housing-related benefits received”"));
  // Changing the other answer there comes back to this page.
  auto page = c.get(base + "housing-benefit?referrer=interruption&return_to=benefits-proportion");
  auto back = c.post(base + "housing-benefit", {{"hb", "9"}, {"referrer", "interruption"}, {"return_to", "benefits-proportion"},
                                                {"version", input_value(page.body, "version")}});
  EXPECT_EQ(back.header("Location"), base + "benefits-proportion");
  EXPECT_EQ(save(c, base + "benefits-proportion", {{"benefits", "3"}}).status, 303);
}

TEST(LogPages, DatesSayWhatIsWrongAndTheExampleIsItsOwnLine) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  auto r = save(c, base + "tenancy-start-date", {{"startdate-day", "31"}, {"startdate-month", "2"}, {"startdate-year", "2026"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "Tenancy start date must be a real date."));
  r = save(c, base + "tenancy-start-date", {{"startdate-day", "1"}, {"startdate-month", ""}, {"startdate-year", "2026"}});
  EXPECT_TRUE(contains(r.body, "Tenancy start date must include a month."));
  auto page = c.get(base + "tenancy-start-date");
  // The definition's hint is its own block; the example follows it, not run on after its last sentence.
  EXPECT_TRUE(contains(page.body, "up to and including 15 April.</div>For example, 27 3 2027</div>"));
}

TEST(LogPages, TheDeclarationLinksToThePrivacyNotice) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  auto page = c.get(base + "declaration");
  EXPECT_TRUE(contains(page.body, "<a class=\"govuk-link\" href=\"/privacy-notice\" rel=\"noreferrer noopener\" target=\"_blank\">"
                                  "the Ministry of Housing, Communities and Local Government (MHCLG) privacy notice (opens in new tab)</a>"));
  EXPECT_EQ(c.get("/privacy-notice").status, 200);
}

TEST(LogPages, TheTotalChargeIsTextWorkedOutFromTheAmounts) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  save(c, base + "rent-period", {{"period", "1"}});
  auto first = c.get(base + "rent-weekly");
  EXPECT_TRUE(contains(first.body, "<output id=\"tcharge\" for=\"brent scharge pscharge supcharg\" data-total-of=\"brent scharge pscharge supcharg\""));
  EXPECT_TRUE(contains(first.body, ">£0.00</output>"));
  EXPECT_FALSE(contains(first.body, "name=\"tcharge\""));  // not a field
  // Shown again with an error: the total follows what was typed.
  auto r = save(c, base + "rent-weekly", {{"brent", "100.25"}, {"scharge", "10"}, {"pscharge", "x"}, {"supcharg", ""}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, ">£110.25</output>"));
  EXPECT_EQ(save(c, base + "rent-weekly", {{"brent", "100.25"}, {"scharge", "10"}, {"pscharge", "5"}, {"supcharg", "0.50"}}).status, 303);
  EXPECT_TRUE(contains(c.get(base + "rent-weekly").body, ">£115.75</output>"));
}

TEST(LogPages, TheTaskListNamesTheTenancyAndACompletedLogSaysWhatHappensNext) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  std::string base = log_with_setup(c);
  std::string log = base.substr(0, base.size() - 1);
  auto show = c.get(log);
  EXPECT_TRUE(contains(show.body, "tenant code T1, property reference P1</span></h1>"));
  EXPECT_FALSE(contains(show.body, "Create another log"));
  // A completed log (`core logs generate` completes them through the gateway): a confirmation,
  // what happens next, and another log.
  logs::GenerateOptions o;
  o.count = 1;
  o.organisations = {t.org_id("Northshire County Council")};
  o.assigned_to_id = t.user_id("coordinator@northshire.example");
  ASSERT_EQ(logs::generate(t.db(), o), 1);
  {
    auto conn = t.conn();
    log = "/lettings-logs/" + std::to_string(conn->query_one("SELECT MAX(id) FROM logs")->i64(0));
  }
  show = c.get(log);
  EXPECT_TRUE(contains(show.body, "govuk-panel--confirmation"));
  EXPECT_TRUE(contains(show.body, "What happens next"));
  EXPECT_TRUE(contains(show.body, "You can still change its answers until 31 July 2027."));
  auto at = show.body.find("Create another log");
  ASSERT_NE(at, std::string::npos);
  EXPECT_NE(show.body.rfind("<form method=\"post\" action=\"/lettings-logs\"", at), std::string::npos);
  EXPECT_EQ(c.post("/lettings-logs", {}).status, 303);
}

// A page heading that names an answer (the sales person pages: "…2 of the 3 people…").
TEST(LogPages, HeadingsNameTheNumberOfPeople) {
  PinToday today("2026-06-01");
  TestApp t;
  logs::GenerateOptions o;
  o.type = "sales";
  o.count = 1;  // the first complete sales log: a joint purchase by two buyers, three people in all
  o.organisations = {t.org_id("Northshire County Council")};
  o.assigned_to_id = t.user_id("coordinator@northshire.example");
  ASSERT_EQ(logs::generate(t.db(), o), 1);
  int64_t id = t.conn()->query_one("SELECT id FROM logs WHERE log_type = 'sales'")->i64(0);
  ASSERT_EQ(stored_answers(t, id).value("hholdcount", 0), 3);
  Client web(t);
  web.sign_in("coordinator@northshire.example");
  auto page = web.get("/sales-logs/" + std::to_string(id) + "/person-3-known");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "<h1 class=\"govuk-heading-l\">You have given us the details for 2 of the 3 people in the household</h1>"));
  EXPECT_TRUE(contains(page.body, "<title>You have given us the details for 2 of the 3 people in the household"));
}
