// Schemes and locations through the web pages, on both databases.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include "accounts/store.h"
#include "util/csv.h"
#include "schemes/postcode_lookup.h"
#include "schemes/routes.h"
#include "util/clock.h"
#include "schemes/status.h"
#include "schemes/store.h"
#include "test_app.h"

using namespace core;
using test::Client;
using test::TestApp;

namespace {
using test::contains;
std::string id(int64_t n) { return std::to_string(n); }

std::multimap<std::string, std::string> details(int64_t owner, const std::string& name = "Hope House") {
  return {{"service_name", name}, {"sensitive", "0"}, {"scheme_type", "6"}, {"registered_under_care_act", "1"},
          {"owning_organisation_id", id(owner)}, {"arrangement_type", "D"},
          {"startdate-day", "1"}, {"startdate-month", "4"}, {"startdate-year", "2024"}};
}

// Runs the scheme wizard to the end; returns the new scheme's id.
int64_t create_scheme(Client& c, int64_t owner, const std::string& name = "Hope House") {
  auto r = c.post("/schemes/new", details(owner, name));
  EXPECT_EQ(r.status, 303) << r.body;
  std::string loc = r.header("Location");
  int64_t sid = std::atoll(loc.substr(9).c_str());
  EXPECT_EQ(loc, "/schemes/" + id(sid) + "/primary-client-group");
  EXPECT_EQ(c.post(loc, {{"primary_client_group", "O"}}).header("Location"), "/schemes/" + id(sid) + "/confirm-secondary-client-group");
  EXPECT_EQ(c.post("/schemes/" + id(sid) + "/confirm-secondary-client-group", {{"has_other_client_group", "1"}}).header("Location"),
            "/schemes/" + id(sid) + "/secondary-client-group");
  EXPECT_EQ(c.post("/schemes/" + id(sid) + "/secondary-client-group", {{"secondary_client_group", "E"}}).header("Location"),
            "/schemes/" + id(sid) + "/support");
  EXPECT_EQ(c.post("/schemes/" + id(sid) + "/support", {{"support_type", "3"}, {"intended_stay", "M"}}).header("Location"),
            "/schemes/" + id(sid) + "/check-answers");
  auto check = c.get("/schemes/" + id(sid) + "/check-answers");
  EXPECT_TRUE(contains(check.body, "Homeless families with support needs"));
  EXPECT_TRUE(contains(check.body, "People with mental health problems"));
  EXPECT_EQ(c.post("/schemes/" + id(sid) + "/check-answers", {}).status, 303);
  return sid;
}

int64_t add_location(Client& c, int64_t sid, const std::string& postcode = "ne1 4st") {
  auto r = c.post("/schemes/" + id(sid) + "/locations/new", {{"postcode", postcode}});
  EXPECT_EQ(r.status, 303) << r.body;
  std::string base = r.header("Location").substr(0, r.header("Location").rfind('/'));
  int64_t lid = std::atoll(base.substr(base.rfind('/') + 1).c_str());
  EXPECT_EQ(r.header("Location"), base + "/local-authority");
  EXPECT_EQ(c.post(base + "/local-authority", {{"location_code", "E08000021"}}).header("Location"), base + "/name");
  EXPECT_EQ(c.post(base + "/name", {{"name", "Block A"}}).header("Location"), base + "/units");
  EXPECT_EQ(c.post(base + "/units", {{"units", "5"}}).header("Location"), base + "/type-of-unit");
  EXPECT_EQ(c.post(base + "/type-of-unit", {{"type_of_unit", "1"}}).header("Location"), base + "/mobility-standards");
  EXPECT_EQ(c.post(base + "/mobility-standards", {{"mobility_type", "N"}}).header("Location"), base + "/availability");
  EXPECT_EQ(c.post(base + "/availability", {{"startdate-day", "1"}, {"startdate-month", "5"}, {"startdate-year", "2024"}})
                .header("Location"), base + "/check-answers");
  EXPECT_EQ(c.post(base + "/check-answers", {}).status, 303);
  return lid;
}
}  // namespace

TEST(SchemeWizard, CoordinatorCreatesASchemeAndALocation) {
  TestApp t;
  int64_t la = t.org_id("Northshire County Council");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  EXPECT_EQ(c.get("/schemes/new").status, 200);
  int64_t sid = create_scheme(c, la);
  {
    auto conn = t.conn();
    auto s = schemes::store::find_scheme(*conn, sid);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->confirmed);
    EXPECT_EQ(s->secondary_client_group, "E");
    EXPECT_EQ(schemes::scheme_status(*s, util::system_clock().today()), schemes::Status::Incomplete) << "no confirmed location yet";
  }
  auto show = c.get("/schemes/" + id(sid));
  EXPECT_TRUE(contains(show.body, "S" + id(sid)));
  EXPECT_TRUE(contains(show.body, "Incomplete"));
  int64_t lid = add_location(c, sid);
  auto conn = t.conn();
  auto l = schemes::store::find_location(*conn, sid, lid);
  EXPECT_EQ(l->postcode, "NE1 4ST") << "normalised";
  EXPECT_EQ(*l->units, 5);
  EXPECT_TRUE(l->confirmed);
  EXPECT_EQ(schemes::scheme_status(*schemes::store::find_scheme(*conn, sid), util::system_clock().today()), schemes::Status::Active);
  EXPECT_TRUE(contains(c.get("/schemes/" + id(sid) + "/locations").body, "Newcastle upon Tyne"));
  auto audit = accounts::store::audit_rows(*conn, "scheme", sid);
  ASSERT_GE(audit.size(), 5u);
  EXPECT_EQ(audit.front().action, "scheme.created");
  EXPECT_EQ(accounts::store::audit_rows(*conn, "location", lid).back().action, "location.confirmed");
}

TEST(SchemeWizard, ChangingAnAnswerReturnsToCheckAnswersThroughNewlyRequiredPages) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t sid = create_scheme(c, t.org_id("Northshire County Council"));
  auto r = c.post("/schemes/" + id(sid) + "/support", {{"support_type", "4"}, {"intended_stay", "P"}, {"return_to", "check-answers"}});
  EXPECT_EQ(r.header("Location"), "/schemes/" + id(sid) + "/check-answers");
  c.post("/schemes/" + id(sid) + "/confirm-secondary-client-group", {{"has_other_client_group", "0"}, {"return_to", "check-answers"}});
  auto conn = t.conn();
  EXPECT_TRUE(schemes::store::find_scheme(*conn, sid)->secondary_client_group.empty()) << "cleared when no longer asked";
  r = c.post("/schemes/" + id(sid) + "/confirm-secondary-client-group", {{"has_other_client_group", "1"}, {"return_to", "check-answers"}});
  EXPECT_EQ(r.header("Location"), "/schemes/" + id(sid) + "/secondary-client-group?return_to=check-answers")
      << "the newly required page comes first, then check answers";
  EXPECT_EQ(c.post("/schemes/" + id(sid) + "/secondary-client-group", {{"secondary_client_group", "A"}, {"return_to", "check-answers"}})
                .header("Location"),
            "/schemes/" + id(sid) + "/check-answers");
}

TEST(SchemeWizard, BadInputGetsGovukErrorsAndSavesNothing) {
  TestApp t;
  int64_t la = t.org_id("Northshire County Council");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t before = t.count("schemes");
  auto r = c.post("/schemes/new", {{"service_name", ""}, {"scheme_type", "99"}, {"startdate-day", "31"},
                                   {"startdate-month", "2"}, {"startdate-year", "2024"}});
  EXPECT_EQ(r.status, 422);
  for (auto m : {"Enter the name of the scheme", "Select the scheme type", "Enter a real date",
                 "Select who provides the support services used by this scheme"})
    EXPECT_TRUE(contains(r.body, m)) << m;
  EXPECT_TRUE(contains(r.body, "govuk-error-summary"));
  EXPECT_TRUE(contains(r.body, "value=\"31\"")) << "keeps what was typed";
  auto other_owner = details(t.org_id("Eastbrook Housing Trust"));
  EXPECT_EQ(c.post("/schemes/new", other_owner).status, 422) << "cannot create for another organisation";
  auto old = details(la);
  old.erase("startdate-year");
  old.emplace("startdate-year", "1850");
  EXPECT_EQ(c.post("/schemes/new", old).status, 422);
  EXPECT_EQ(t.count("schemes"), before);
}

TEST(LocationWizard, PostcodeUnitsAndDatesAreChecked) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t sid = create_scheme(c, t.org_id("Northshire County Council"));
  int64_t before = t.count("locations");
  for (auto bad : {"", "NOTAPOSTCODE", "12345", "SW1A"}) {
    auto r = c.post("/schemes/" + id(sid) + "/locations/new", {{"postcode", bad}});
    EXPECT_EQ(r.status, 422) << bad;
  }
  EXPECT_TRUE(contains(c.post("/schemes/" + id(sid) + "/locations/new", {{"postcode", "12345"}}).body, "correct format"));
  EXPECT_EQ(t.count("locations"), before);
  int64_t lid = add_location(c, sid);
  std::string base = "/schemes/" + id(sid) + "/locations/" + id(lid);
  for (auto bad : {"0", "-3", "two", "1.5"}) {
    auto r = c.post(base + "/units", {{"units", bad}});
    EXPECT_EQ(r.status, 422) << bad;
  }
  EXPECT_TRUE(contains(c.post(base + "/units", {{"units", "0"}}).body, "at least 1"));
  auto early = c.post(base + "/availability", {{"startdate-day", "1"}, {"startdate-month", "1"}, {"startdate-year", "2020"}});
  EXPECT_EQ(early.status, 422);
  EXPECT_TRUE(contains(early.body, "cannot be available before the scheme"));
  EXPECT_EQ(c.post(base + "/local-authority", {{"location_code", "W06000015"}}).status, 422) << "only English authorities";
  auto conn = t.conn();
  auto l = schemes::store::find_location(*conn, sid, lid);
  EXPECT_EQ(*l->units, 5);
  EXPECT_EQ(l->location_code, "E08000021");
}

TEST(Deactivation, FromADateThenReactivate) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t sid = create_scheme(c, t.org_id("Northshire County Council"));
  add_location(c, sid);
  std::string base = "/schemes/" + id(sid);
  EXPECT_EQ(c.get(base + "/deactivate").status, 200);
  auto none = c.post(base + "/deactivate", {});
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(contains(none.body, "Select one of the options"));
  auto bad = c.post(base + "/deactivate", {{"choice", "other"}, {"date-day", "40"}, {"date-month", "1"}, {"date-year", "2027"}});
  EXPECT_TRUE(contains(bad.body, "Enter a real date"));
  auto before_year = c.post(base + "/deactivate", {{"choice", "other"}, {"date-day", "1"}, {"date-month", "1"}, {"date-year", "2020"}});
  EXPECT_TRUE(contains(before_year.body, "The date must be on or after"));
  util::Date when{util::system_clock().today().y + 1, 1, 15};
  auto ok = c.post(base + "/deactivate", {{"choice", "other"}, {"date-day", "15"}, {"date-month", "1"}, {"date-year", std::to_string(when.y)}});
  ASSERT_EQ(ok.status, 303);
  EXPECT_EQ(ok.header("Location"), base + "/deactivate/confirm?date=" + when.iso());
  EXPECT_EQ(c.get(ok.header("Location")).status, 200);
  EXPECT_EQ(t.count("scheme_deactivation_periods"), 0) << "nothing is saved before confirming";
  EXPECT_EQ(c.post(base + "/deactivate/confirm", {{"date", when.iso()}}).status, 303);
  auto conn = t.conn();
  auto s = schemes::store::find_scheme(*conn, sid);
  ASSERT_EQ(s->periods.size(), 1u);
  EXPECT_EQ(schemes::scheme_status(*s, util::system_clock().today()), schemes::Status::DeactivatingSoon);
  EXPECT_EQ(schemes::scheme_status(*s, when), schemes::Status::Deactivated);
  // A second deactivation inside the first is refused.
  auto inside = c.post(base + "/deactivate/confirm", {{"date", util::Date{when.y, 2, 1}.iso()}});
  EXPECT_EQ(inside.status, 422);
  EXPECT_EQ(schemes::store::find_scheme(*conn, sid)->periods.size(), 1u);
  // Reactivation must be on or after the deactivation date.
  auto early = c.post(base + "/reactivate/confirm", {{"date", util::Date{when.y, 1, 14}.iso()}});
  EXPECT_EQ(early.status, 422);
  EXPECT_TRUE(contains(early.body, "on or after deactivation date"));
  EXPECT_EQ(c.post(base + "/reactivate/confirm", {{"date", util::Date{when.y, 3, 1}.iso()}}).status, 303);
  s = schemes::store::find_scheme(*conn, sid);
  EXPECT_EQ(schemes::scheme_status(*s, util::Date{when.y, 2, 1}), schemes::Status::ReactivatingSoon);
  EXPECT_EQ(schemes::scheme_status(*s, util::Date{when.y, 3, 1}), schemes::Status::Active);
}

TEST(Deactivation, FromTheStartOfTheOpenCollectionPeriod) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t sid = create_scheme(c, t.org_id("Northshire County Council"));
  int64_t lid = add_location(c, sid);
  std::string base = "/schemes/" + id(sid) + "/locations/" + id(lid);
  auto r = c.post(base + "/deactivate", {{"choice", "default"}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto start = schemes::open_collection_start(util::system_clock().today());
  EXPECT_EQ(r.header("Location"), base + "/deactivate/confirm?date=" + start.iso());
  EXPECT_EQ(c.post(base + "/deactivate/confirm", {{"date", start.iso()}}).status, 303);
  auto conn = t.conn();
  auto s = schemes::store::find_scheme(*conn, sid);
  auto l = schemes::store::find_location(*conn, sid, lid);
  EXPECT_EQ(schemes::location_status(*l, *s, util::system_clock().today()), schemes::Status::Deactivated);
  EXPECT_TRUE(contains(c.get("/schemes/" + id(sid) + "/locations").body, "Deactivated"));
}

TEST(SchemeAccess, ProvidersViewManagingAgentsUseOthersGet404) {
  TestApp t;
  Client coord(t);
  coord.sign_in("coordinator@northshire.example");
  int64_t sid = create_scheme(coord, t.org_id("Northshire County Council"), "Northshire Private Scheme");
  Client provider(t);
  provider.sign_in("provider@northshire.example");
  EXPECT_EQ(provider.get("/schemes/" + id(sid)).status, 200);
  EXPECT_EQ(provider.get("/schemes/" + id(sid) + "/support").status, 403);
  EXPECT_EQ(provider.post("/schemes/" + id(sid) + "/support", {{"support_type", "2"}, {"intended_stay", "V"}}).status, 403);
  EXPECT_EQ(provider.get("/schemes/new").status, 403);
  Client agent(t);
  agent.sign_in("coordinator@riverside.example");  // Riverside manages Northshire's stock
  EXPECT_EQ(agent.get("/schemes/" + id(sid)).status, 200);
  EXPECT_TRUE(contains(agent.get("/schemes").body, "Northshire Private Scheme"));
  EXPECT_EQ(agent.post("/schemes/" + id(sid) + "/support", {{"support_type", "2"}, {"intended_stay", "V"}}).status, 403);
  Client stranger(t);
  stranger.sign_in("coordinator@eastbrook.example");
  auto r = stranger.get("/schemes/" + id(sid));
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(contains(r.body, "Northshire Private Scheme"));
  EXPECT_FALSE(contains(stranger.get("/schemes").body, "Northshire Private Scheme"));
  EXPECT_FALSE(contains(stranger.get("/schemes/download?type=combined").body, "Northshire Private Scheme"));
  EXPECT_EQ(stranger.get("/schemes/" + id(sid) + "/locations").status, 404);
  auto conn = t.conn();
  EXPECT_EQ(schemes::store::find_scheme(*conn, sid)->support_type, "3");
}

TEST(SchemeList, SearchAndStatusFilter) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto all = c.get("/schemes");
  EXPECT_TRUE(contains(all.body, "Northtown Direct Access Hostel"));
  EXPECT_TRUE(contains(all.body, "Riverside Court Older People"));
  auto search = c.get("/schemes?search=hostel");
  EXPECT_TRUE(contains(search.body, "Northtown Direct Access Hostel"));
  EXPECT_FALSE(contains(search.body, "Riverside Court Older People"));
  int64_t hostel = 0;
  {
    auto conn = t.conn();
    hostel = conn->query_one("SELECT id FROM schemes WHERE service_name = 'Northtown Direct Access Hostel'")->i64(0);
  }
  EXPECT_TRUE(contains(c.get("/schemes?search=S" + id(hostel)).body, "Northtown Direct Access Hostel")) << "by code";
  int64_t sid = create_scheme(c, t.org_id("Northshire County Council"), "Unfinished Place");
  (void)sid;
  auto incomplete = c.get("/schemes?status=incomplete");
  EXPECT_TRUE(contains(incomplete.body, "Unfinished Place"));
  EXPECT_FALSE(contains(incomplete.body, "Northtown Direct Access Hostel"));
}

TEST(SchemeCsv, DownloadsAreNeutralisedAgainstFormulae) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  create_scheme(c, t.org_id("Northshire County Council"), "=HYPERLINK(\"http://evil\")");
  for (std::string type : {"schemes", "locations", "combined"}) {
    auto r = c.get("/schemes/download?type=" + type);
    EXPECT_EQ(r.status, 200) << type;
    EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
    EXPECT_TRUE(contains(r.header("Content-Disposition"), "attachment"));
  }
  auto schemes_csv = c.get("/schemes/download?type=schemes").body;
  EXPECT_TRUE(contains(schemes_csv, "scheme_code,scheme_service_name"));
  EXPECT_TRUE(contains(schemes_csv, "\"'=HYPERLINK(\"\"http://evil\"\")\""));
  EXPECT_FALSE(contains(schemes_csv, ",=HYPERLINK"));
  auto locations = c.get("/schemes/download?type=locations").body;
  EXPECT_TRUE(contains(locations, "NE1 4ST"));
  EXPECT_TRUE(contains(locations, "deactivated")) << "the seeded deactivated location";
  EXPECT_EQ(c.get("/schemes/download?type=nonsense").status, 400);
  EXPECT_EQ(util::csv_cell("+44 123"), "'+44 123");
  EXPECT_EQ(util::csv_cell("-1"), "'-1");
  EXPECT_EQ(util::csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(util::csv_cell("plain"), "plain");
  EXPECT_EQ(util::csv_cell("a,b"), "\"a,b\"");
}

namespace {
// A local stand-in for a postcodes.io-style API.
class FakePostcodes : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) override {
    res.setContentType("application/json");
    if (req.getURI() == "/postcodes/NE14ST") {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      res.send() << R"({"status":200,"result":{"postcode":"NE1 4ST","admin_district":"Newcastle upon Tyne","codes":{"admin_district":"E08000021"}}})";
    } else if (req.getURI() == "/postcodes/BAD1JSON") {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
      res.send() << "{not json";
    } else {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      res.send() << R"({"status":404,"error":"Postcode not found"})";
    }
  }
};
class FakeFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new FakePostcodes; }
};
}  // namespace

TEST(PostcodeLookup, ClientReadsTheApiAndFailsSoftly) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = socket.address().port();
  Poco::Net::HTTPServer server(new FakeFactory, socket, new Poco::Net::HTTPServerParams);
  server.start();
  schemes::PostcodesIoLookup lookup("http://127.0.0.1:" + std::to_string(port) + "/");
  auto found = lookup.lookup("NE1 4ST");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->la_code, "E08000021");
  EXPECT_EQ(found->la_name, "Newcastle upon Tyne");
  EXPECT_FALSE(lookup.lookup("ZZ9 9ZZ")) << "unknown postcode";
  EXPECT_FALSE(lookup.lookup("BAD1 JSON")) << "a broken reply";
  server.stop();
  EXPECT_FALSE(lookup.lookup("NE1 4ST")) << "the service is down";
  schemes::NoPostcodeLookup none;
  EXPECT_FALSE(none.lookup("NE1 4ST"));
}
