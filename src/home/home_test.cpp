// The home page and the start page at `/`, through the whole app on a fresh database (SQLite, or
// PostgreSQL when CORE_TEST_PG is set): titles by role, the counts of each role's logs and the lists
// their tiles link to, the crossover, incomplete schemes, deadlines by date, sign-in landing on `/`.
#include <gtest/gtest.h>

#include "logs/kinds.h"
#include "logs/store.h"
#include "schemes/store.h"
#include "test_app.h"

using namespace core;
using namespace core::test;

namespace {

const char* kNorthshire = "Northshire County Council";
const char* kRiverside = "Riverside Homes Housing Association";

std::string h1(const std::string& body) {
  auto p = body.find("<h1");
  if (p == std::string::npos) return "";
  p = body.find('>', p) + 1;
  return body.substr(p, body.find("</h1>", p) - p);
}

std::string escaped(std::string s) {
  for (size_t p = 0; (p = s.find('&', p)) != std::string::npos; p += 5) s.replace(p, 1, "&amp;");
  return s;
}
std::string unescaped(std::string s) {
  for (size_t p = 0; (p = s.find("&amp;", p)) != std::string::npos; ++p) s.replace(p, 5, "&");
  return s;
}

// The number on the tile that links to `href`; -1 when there is no such tile.
int64_t tile(const std::string& body, const std::string& href) {
  auto p = body.find("href=\"" + escaped(href) + "\"><span class=\"app-count-tile__count\">");
  if (p == std::string::npos) return -1;
  p = body.find("__count\">", p) + 9;
  int64_t n = 0;
  for (; p < body.size() && body[p] >= '0' && body[p] <= '9'; ++p) n = n * 10 + (body[p] - '0');
  return n;
}
// Every tile's link on a page.
std::vector<std::string> tile_links(const std::string& body) {
  std::vector<std::string> out;
  const std::string mark = "app-count-tile__link\" href=\"";
  for (size_t p = 0; (p = body.find(mark, p)) != std::string::npos;) {
    p += mark.size();
    out.push_back(unescaped(body.substr(p, body.find('"', p) - p)));
  }
  return out;
}
// "3 logs found" on a filtered log list (or scheme list): 3.
int64_t list_total(const std::string& body) {
  for (const char* s : {" logs found", " log found", " schemes found"})
    if (auto p = body.find(s); p != std::string::npos) {
      size_t b = p;
      while (b > 0 && body[b - 1] >= '0' && body[b - 1] <= '9') --b;
      if (b == p) return -1;
      int64_t n = 0;
      for (size_t i = b; i < p; ++i) n = n * 10 + (body[i] - '0');
      return n;
    }
  return -1;
}

std::string href(const std::string& base, int year, const std::string& status, bool you) {
  return base + "?filtered=1&years=" + std::to_string(year) + "&status=" + status + (you ? "&assigned_to=you" : "");
}

struct Logs {
  TestApp& t;
  // A log as the lists index it; its answers do not matter here.
  int64_t add(const std::string& type, int year, const std::string& status, const char* owner, const char* manager,
              const std::string& assigned) {
    logs::store::Log l;
    l.type = type;
    l.form_year = 2026;
    l.collection_year = year;
    l.status = status;
    l.owning_organisation_id = t.org_id(owner);
    l.managing_organisation_id = t.org_id(manager);
    if (!assigned.empty()) l.assigned_to_id = t.user_id(assigned);
    auto c = t.conn();
    return logs::store::create(*c, l, {});
  }
};

const std::string kNsProvider = "provider@northshire.example", kNsCoordinator = "coordinator@northshire.example",
                  kRvProvider = "provider@riverside.example", kRvCoordinator = "coordinator@riverside.example",
                  kSupport = "support@example.gov.uk";

// Logs of both kinds, organisations, assignments and years, some deleted.
void add_logs(TestApp& t) {
  Logs l{t};
  for (int i = 0; i < 2; ++i) l.add("lettings", 2026, "in_progress", kNorthshire, kNorthshire, kNsProvider);
  l.add("lettings", 2026, "completed", kNorthshire, kNorthshire, kNsProvider);
  l.add("sales", 2026, "in_progress", kNorthshire, kNorthshire, kNsProvider);
  l.add("lettings", 2026, "in_progress", kNorthshire, kNorthshire, kNsCoordinator);
  for (int i = 0; i < 2; ++i) l.add("sales", 2026, "completed", kNorthshire, kNorthshire, kNsCoordinator);
  l.add("lettings", 2026, "not_started", kNorthshire, kNorthshire, kNsProvider);
  // Northshire's stock managed by Riverside (its managing agent): both organisations' logs.
  l.add("lettings", 2026, "in_progress", kNorthshire, kRiverside, kRvProvider);
  l.add("lettings", 2026, "in_progress", kRiverside, kRiverside, kRvCoordinator);
  l.add("lettings", 2026, "completed", kRiverside, kRiverside, "");
  // Not counted anywhere: deleted, and an older year.
  int64_t gone = l.add("lettings", 2026, "in_progress", kNorthshire, kNorthshire, kNsProvider);
  auto c = t.conn();
  logs::store::soft_delete(*c, {gone}, t.user_id(kNsCoordinator));
  l.add("lettings", 2025, "in_progress", kNorthshire, kNorthshire, kNsProvider);
}

}  // namespace

TEST(StartPage, SignedOutSeesWhatTheServiceIsStartNowAndTheDeadlines) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  auto r = c.get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(h1(r.body), "Submit social housing lettings and sales data (CORE)");
  EXPECT_TRUE(contains(r.body, "<title>Start - Submit social housing lettings and sales data (CORE) - GOV.UK</title>"));
  EXPECT_TRUE(contains(r.body, "new social housing letting and sale in England"));
  EXPECT_TRUE(contains(r.body, "<a href=\"/account/sign-in\" role=\"button\" draggable=\"false\" class=\"govuk-button govuk-button--start\""));
  EXPECT_TRUE(contains(r.body, "Start now"));
  EXPECT_TRUE(contains(r.body, "govuk-button__start-icon"));
  EXPECT_TRUE(contains(r.body, "Q1 deadline: 10 July 2026"));
  EXPECT_TRUE(contains(r.body, "End of year deadline: 4 June 2027"));
  EXPECT_FALSE(contains(r.body, "app-count-tile")) << "no counts for nobody";
  EXPECT_FALSE(contains(r.body, ">Home<")) << "no Home link while signed out";
  // Signed out, the old redirect is gone: `/` is a page of its own.
  EXPECT_EQ(r.header("Location"), "");
}

TEST(HomePage, SignInLandsOnItWithATitleForEachRole) {
  PinToday today("2026-06-01");
  TestApp t;
  for (auto [email, title] : {std::pair{kSupport, "Manage all data"}, std::pair{kNsCoordinator, "Manage your organisation's logs"},
                              std::pair{kNsProvider, "Manage logs assigned to you"}}) {
    Client c(t);
    auto r = c.sign_in(email);
    ASSERT_EQ(r.status, 303) << email;
    EXPECT_EQ(r.header("Location"), "/") << email;
    auto home = c.get("/");
    ASSERT_EQ(home.status, 200) << email;
    std::string shown = title;  // as the page writes it
    if (auto q = shown.find('\''); q != std::string::npos) shown.replace(q, 1, "&apos;");
    EXPECT_EQ(h1(home.body), shown) << email;
    EXPECT_TRUE(contains(home.body, "<title>" + shown + " - Submit social housing")) << email;
    // "Home" leads the service navigation and is the current page.
    EXPECT_TRUE(contains(home.body, "<a class=\"govuk-service-navigation__link\" href=\"/\" aria-current=\"page\">"
                                    "<strong class=\"govuk-service-navigation__active-fallback\">Home</strong></a>"))
        << email;
    EXPECT_LT(home.body.find(">Home<"), home.body.find(">Lettings logs<"));
    // Signed in, the sign-in page sends them home too.
    EXPECT_EQ(c.get("/account/sign-in").header("Location"), "/");
  }
}

TEST(HomePage, EachRoleCountsItsOwnLogsOfEveryKind) {
  PinToday today("2026-06-01");
  TestApp t;
  add_logs(t);
  struct Want {
    std::string who;
    bool you;
    int64_t lettings_in_progress, lettings_completed, sales_in_progress, sales_completed;
  };
  for (const auto& w : {Want{kNsProvider, true, 2, 1, 1, 0}, Want{kNsCoordinator, false, 4, 1, 1, 2},
                        Want{kRvProvider, true, 1, 0, 0, 0}, Want{kRvCoordinator, false, 2, 1, 0, 0},
                        Want{kSupport, false, 5, 2, 1, 2}}) {
    Client c(t);
    c.sign_in(w.who);
    auto body = c.get("/").body;
    EXPECT_EQ(tile(body, href("/lettings-logs", 2026, "in_progress", w.you)), w.lettings_in_progress) << w.who;
    EXPECT_EQ(tile(body, href("/lettings-logs", 2026, "completed", w.you)), w.lettings_completed) << w.who;
    EXPECT_EQ(tile(body, href("/sales-logs", 2026, "in_progress", w.you)), w.sales_in_progress) << w.who;
    EXPECT_EQ(tile(body, href("/sales-logs", 2026, "completed", w.you)), w.sales_completed) << w.who;
    EXPECT_TRUE(contains(body, "2026 to 2027 collection year")) << w.who;
    EXPECT_FALSE(contains(body, "2025 to 2026 collection year")) << "no 2025 form: no crossover";
    EXPECT_TRUE(contains(body, w.lettings_in_progress == 1 ? ">lettings log in progress<" : ">lettings logs in progress<")) << w.who;
    // Every kind of log has its tiles (none is written in by name).
    for (const auto& kind : logs::kinds()) EXPECT_NE(tile(body, href(kind.base, 2026, "completed", w.you)), -1) << kind.type;
  }
}

TEST(HomePage, EveryTileLinksToTheListFilteredToTheSameLogs) {
  PinToday today("2026-06-01");
  TestApp t;
  add_logs(t);
  for (const auto& who : {kNsProvider, kNsCoordinator, kRvCoordinator, kSupport}) {
    Client c(t);
    c.sign_in(who);
    auto body = c.get("/").body;
    auto links = tile_links(body);
    ASSERT_GE(links.size(), 4u) << who;
    for (const auto& link : links) {
      auto list = c.get(link);
      ASSERT_EQ(list.status, 200) << who << " " << link;
      EXPECT_EQ(list_total(list.body), tile(body, link)) << who << " " << link;
    }
  }
  // A provider's links show only their own logs, so the list's filter says so.
  Client p(t);
  p.sign_in(kNsProvider);
  auto list = p.get(href("/lettings-logs", 2026, "in_progress", true));
  EXPECT_TRUE(contains(list.body, "value=\"you\" checked")) << "the list shows the filter the link set";
}

TEST(HomePage, ALogMadeOnTheWebIsCounted) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in(kNsProvider);
  const std::string in_progress = href("/lettings-logs", 2026, "in_progress", true);
  EXPECT_EQ(tile(c.get("/").body, in_progress), 0);
  create_log_with_setup(c, "HOME1", "P-HOME1", "1/5/2026");
  EXPECT_EQ(tile(c.get("/").body, in_progress), 1);
}

TEST(HomePage, DuringTheCrossoverLastYearsLogsInProgressCountToo) {
  TestApp t;
  add_logs(t);
  {
    // May 2027: the 2026/27 logs can be changed until 31 July 2027 (the 2026 form's edit_end_date).
    PinToday today("2027-05-01");
    Client c(t);
    c.sign_in(kNsCoordinator);
    auto body = c.get("/").body;
    EXPECT_TRUE(contains(body, "2026 to 2027 collection year"));
    EXPECT_TRUE(contains(body, "Logs from last year that can still be changed."));
    EXPECT_EQ(tile(body, href("/lettings-logs", 2026, "in_progress", false)), 4);
    EXPECT_EQ(tile(body, href("/sales-logs", 2026, "in_progress", false)), 1);
    EXPECT_EQ(tile(body, href("/lettings-logs", 2026, "completed", false)), -1) << "last year: in progress only";
    EXPECT_EQ(list_total(c.get(href("/lettings-logs", 2026, "in_progress", false)).body), 4);
  }
  {
    PinToday today("2027-07-31");
    Client c(t);
    c.sign_in(kNsProvider);
    EXPECT_EQ(tile(c.get("/").body, href("/lettings-logs", 2026, "in_progress", true)), 2) << "the last day of editing";
  }
  {
    PinToday today("2027-08-01");
    Client c(t);
    c.sign_in(kNsCoordinator);
    auto body = c.get("/").body;
    EXPECT_FALSE(contains(body, "2026 to 2027 collection year")) << "the edit window has closed";
    EXPECT_TRUE(tile_links(body).size() == 1u) << "only the schemes tile is left";
  }
}

TEST(HomePage, CoordinatorsAndSupportSeeIncompleteSchemesAsTheSchemeListDoes) {
  PinToday today("2026-06-01");
  TestApp t;
  {
    auto c = t.conn();
    schemes::Scheme s;
    s.owning_organisation_id = t.org_id(kNorthshire);
    s.service_name = "Half-made scheme";
    schemes::store::create_scheme(*c, s);  // not confirmed
    s.service_name = "Confirmed, no location yet";
    s.confirmed = true;
    schemes::store::create_scheme(*c, s);
    s.owning_organisation_id = t.org_id("Eastbrook Housing Trust");
    s.service_name = "Another organisation's";
    s.confirmed = false;
    schemes::store::create_scheme(*c, s);
  }
  for (const auto& who : {kNsCoordinator, kSupport, kRvCoordinator}) {
    Client c(t);
    c.sign_in(who);
    int64_t n = tile(c.get("/").body, "/schemes?status=incomplete");
    auto list = c.get("/schemes?status=incomplete").body;
    int64_t rows = 0;
    for (size_t p = 0; (p = list.find(">Incomplete</strong>", p)) != std::string::npos; ++p) ++rows;
    EXPECT_EQ(n, rows) << who;
    EXPECT_TRUE(contains(list, std::to_string(n) + " schemes found")) << who;
    if (who == kNsCoordinator) EXPECT_EQ(n, 2);
    if (who == kSupport) EXPECT_EQ(n, 3);
  }
  Client p(t);
  p.sign_in(kNsProvider);
  EXPECT_EQ(tile(p.get("/").body, "/schemes?status=incomplete"), -1) << "not for providers";
}

TEST(HomePage, DeadlinesStillToComeAreShownAndPastOnesAreNot) {
  TestApp t;
  Client c(t);
  c.sign_in(kNsCoordinator);
  {
    PinToday today("2026-06-01");
    auto body = c.get("/").body;
    for (const char* d : {"Q1 deadline: 10 July 2026", "Q2 deadline: 9 October 2026", "Q3 deadline: 15 January 2027",
                          "End of year deadline: 4 June 2027"})
      EXPECT_TRUE(contains(body, d)) << d;
    EXPECT_TRUE(contains(body, "Office for National Statistics"));
  }
  {
    PinToday today("2026-10-09");
    auto body = c.get("/").body;
    EXPECT_FALSE(contains(body, "Q1 deadline"));
    EXPECT_TRUE(contains(body, "Q2 deadline: 9 October 2026")) << "shown on the day itself";
  }
  {
    PinToday today("2026-10-10");
    auto body = c.get("/").body;
    EXPECT_FALSE(contains(body, "Q2 deadline"));
    EXPECT_TRUE(contains(body, "Q3 deadline: 15 January 2027"));
    EXPECT_TRUE(contains(body, "End of year deadline: 4 June 2027"));
  }
  {
    PinToday today("2027-06-05");
    auto body = c.get("/").body;
    EXPECT_FALSE(contains(body, "deadline:"));
    EXPECT_FALSE(contains(body, "Coming deadlines")) << "no heading over nothing";
    Client out(t);
    EXPECT_FALSE(contains(out.get("/").body, "Coming deadlines"));
  }
}

TEST(HomePage, DuplicateSetsHaveAPlaceButNoTileYet) {
  PinToday today("2026-06-01");
  TestApp t;
  Client c(t);
  c.sign_in(kSupport);
  auto body = c.get("/").body;
  EXPECT_FALSE(contains(body, "Duplicate logs"));
  EXPECT_TRUE(contains(body, "Manage all data"));
}

// The home page's counts are searched in their own indexes (migration 0012), for each part the list is
// read in: every log of a type (support), and an organisation's own and managed logs. Without the
// indexes they fetched every matching row (docs/performance.md: past 2 s for support on 1,000,000).
TEST(HomePage, CountsSearchTheirOwnIndexes) {
  TestApp t;
  auto c = t.conn();
  bool pg = c->dialect() == db::Dialect::PostgreSQL;
  // A test database is small: PostgreSQL would read it whole, so it is asked to use an index if any serves.
  // (Whether it then reads table rows depends on its statistics; bench/logs.sh measures the effect.)
  if (pg) c->exec("SET enable_seqscan = off");
  logs::store::Filter support;
  support.all_organisations = true;
  support.years = {2026};
  logs::store::Filter coordinator;
  coordinator.organisation_id = 2;
  coordinator.years = {2026};
  for (auto* f : {&support, &coordinator})
    for (auto& kind : logs::kinds()) {
      f->type = kind.type;
      std::string plan = logs::store::count_by_status_plan(*c, *f);
      // SQLite takes each part's own index. PostgreSQL, on so few rows, may take another of the three
      // for the owned part; it never takes the list's indexes or the table.
      const char* index = pg ? "logs_counts_" : f->all_organisations ? "logs_counts_all" : "logs_counts_owning";
      EXPECT_NE(plan.find(index), std::string::npos) << kind.type << "\n" << plan;
      if (!f->all_organisations) EXPECT_NE(plan.find("logs_counts_agent"), std::string::npos) << kind.type << "\n" << plan;
      EXPECT_EQ(plan.find("logs_list_"), std::string::npos) << kind.type << "\n" << plan;
      EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << kind.type << "\n" << plan;
    }
  // Support's count of duplicate sets reads only the logs in a set.
  for (auto& kind : logs::kinds()) {
    logs::store::SetFilter sets;
    sets.type = kind.type;
    sets.years = {2026};
    std::string plan = logs::store::count_sets_plan(*c, sets);
    EXPECT_NE(plan.find("logs_duplicate_sets_all"), std::string::npos) << kind.type << "\n" << plan;
  }
  if (pg) c->exec("RESET enable_seqscan");
}
