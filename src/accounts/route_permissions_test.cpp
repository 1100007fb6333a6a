// Goes through every route in the app, as each role, from inside and outside the organisation
// concerned, and checks allow or deny: a 403 or 404 (never a 200 that shows another
// organisation's data), and a refused POST changes nothing.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "api/store.h"
#include "accounts/store.h"
#include "bulk/store.h"
#include "exports/csv_download.h"
#include "exports/store.h"
#include "util/time.h"
#include "logs/store.h"
#include "schemes/store.h"
#include "test_app.h"

using namespace core;
using test::Client;
using test::TestApp;

namespace {

std::string fingerprint(TestApp& t) {
  auto c = t.conn();
  std::ostringstream out;
  for (const char* table : {"organisations", "users", "organisation_relationships", "organisation_relationship_requests",
                            "data_protection_confirmations",
                            "organisation_rent_periods", "user_tokens", "password_history", "logs", "log_changes"}) {
    out << table << ":";
    for (auto& r : c->query(std::string("SELECT * FROM ") + table + " ORDER BY 1, 2")) {
      for (size_t i = 0; i < r.size(); ++i) out << (r.is_null(i) ? "~" : r.str(i)) << "|";
      out << "\n";
    }
  }
  out << "audit:" << c->query_one("SELECT COUNT(*) FROM audit_events WHERE action <> 'sign_in.failed'")->i64(0);
  return out.str();
}

struct Ids {
  int64_t org, user, other, scheme, location, log, request, sales_log, bulk_upload, sales_bulk_upload, csv_download;
  int64_t api_token = 0;
};

// The bulk-upload journey's own pages (no id): they answer everyone whose organisation may upload.
bool bulk_journey_route(const std::string& pattern) {
  return pattern.find("/bulk-upload-logs/") != std::string::npos || pattern.find("/bulk-uploads") != std::string::npos;
}

std::string fill(const std::string& pattern, const Ids& ids) {
  std::string p = std::regex_replace(pattern, std::regex(":other_id"), std::to_string(ids.other));
  p = std::regex_replace(p, std::regex(":request_id"), std::to_string(ids.request));
  p = std::regex_replace(p, std::regex(":location_id"), std::to_string(ids.location));
  p = std::regex_replace(p, std::regex(":token"), std::to_string(ids.api_token));
  bool location_route = p.find("/locations/") != std::string::npos;
  bool lettings_route = p.rfind("/lettings-logs/", 0) == 0, sales_route = p.rfind("/sales-logs/", 0) == 0;
  bool log_route = lettings_route || sales_route;
  p = std::regex_replace(p, std::regex(":page"), location_route ? "units" : lettings_route ? "tenant-code" : sales_route ? "purchaser-code" : "support");
  p = std::regex_replace(p, std::regex(":subsection"), "setup");
  bool user_route = p.rfind("/users/", 0) == 0, scheme_route = p.rfind("/schemes/", 0) == 0;
  bool download_route = p.rfind("/csv-downloads/", 0) == 0;
  bool bulk_route = p.find("/bulk-upload-results/") != std::string::npos || p.find("/bulk-upload-mapping/") != std::string::npos;
  p = std::regex_replace(p, std::regex(":id"),
                         std::to_string(download_route ? ids.csv_download
                                        : bulk_route   ? (lettings_route ? ids.bulk_upload : ids.sales_bulk_upload)
                                        : user_route ? ids.user
                                        : scheme_route ? ids.scheme
                                        : lettings_route ? ids.log
                                        : sales_route    ? ids.sales_log
                                                         : ids.org));
  if (p == "/schemes/download") p += "?type=combined";
  if (p == "/lettings-logs/delete") p += "?ids=" + std::to_string(ids.log);
  if (p == "/sales-logs/delete") p += "?ids=" + std::to_string(ids.sales_log);
  return p;
}

// A form that would change something if the request were allowed.
std::multimap<std::string, std::string> effective_form(const Ids& target, int64_t unrelated) {
  return {{"name", "Changed Name"},          {"email", "changed@example.com"},  {"phone", "01632 960 555"},
          {"provider_type", "2"},            {"holds_own_stock", "1"},          {"active", "1"},
          {"role", "coordinator"},           {"is_dpo", "1"},                   {"is_key_contact", "1"},
          {"organisation_id", std::to_string(target.org)},
          {"related_organisation_id", std::to_string(unrelated)},
          {"rent_periods", "1"},             {"current_password", "Housing-Demo-2026"},
          {"password", "Gable-Window-77"},   {"password_confirmation", "Gable-Window-77"},
          {"tenancycode", "CHANGED"},        {"purchid", "CHANGED"},            {"version", "1"},
          {"ids", std::to_string(target.log)}, {"ids", std::to_string(target.sales_log)}};
}

bool is_own_account_route(const std::string& pattern) {
  return pattern.rfind("/account", 0) == 0 || pattern == "/" || pattern == "/accessibility-statement" ||
         pattern == "/privacy-notice" || pattern == "/cookies";
}

class RoutePermissions : public ::testing::Test {
 protected:
  void SetUp() override {
    la = t.org_id("Northshire County Council");
    ha = t.org_id("Riverside Homes Housing Association");
    east = t.org_id("Eastbrook Housing Trust");
    auto c = t.conn();
    accounts::store::add_relationship(*c, ha, la);    // Riverside also owns stock that Northshire manages
    accounts::store::add_relationship(*c, ha, east);  // and Eastbrook has relationships of its own
    // Eastbrook's own scheme, which no one outside Eastbrook (and its managing agents) may see.
    schemes::Scheme s;
    s.owning_organisation_id = east;
    s.service_name = "Eastbrook Secret Refuge";
    s.scheme_type = "6";
    s.confirmed = true;
    int64_t east_scheme = schemes::store::create_scheme(*c, s);
    schemes::Location l;
    l.scheme_id = east_scheme;
    l.postcode = "EB9 9ZZ";
    l.confirmed = true;
    int64_t east_location = schemes::store::create_location(*c, l);
    auto la_scheme = c->query_one("SELECT id FROM schemes WHERE owning_organisation_id = ? ORDER BY id", {la})->i64(0);
    auto la_location = c->query_one("SELECT id FROM locations WHERE scheme_id = ? ORDER BY id", {la_scheme})->i64(0);
    // A log of each: Northshire's, and Eastbrook's (made directly: Eastbrook cannot create logs yet).
    auto log_of = [&](int64_t org, const std::string& code, const std::string& type = "lettings") {
      logs::store::Log l;
      l.type = type;
      l.form_year = 2026;
      l.owning_organisation_id = org;
      l.managing_organisation_id = org;
      l.answers = nlohmann::json({{"owning_organisation_id", org}, {"managing_organisation_id", org},
                                  {type == "sales" ? "purchid" : "tenancycode", code}}).dump();
      l.reference = code;
      return logs::store::create(*c, l, {});
    };
    int64_t la_log = log_of(la, "NORTHCODE"), east_log = log_of(east, "EASTSECRET");
    int64_t la_sale = log_of(la, "NORTHSALE", "sales"), east_sale = log_of(east, "EASTSALESECRET", "sales");
    // A pending request between two other organisations: Riverside asks Eastbrook to be its stock owner.
    int64_t request = accounts::store::create_relationship_request(*c, east, ha, ha, std::nullopt);
    // Bulk uploads (checked, with a report naming the organisation's own references), by a provider
    // so that both the uploader and their coordinator may see them.
    auto upload_of = [&](int64_t org, const std::string& email, const std::string& type, const std::string& code) {
      bulk::store::Upload u;
      u.type = type;
      u.year = 2026;
      u.organisation_id = org;
      u.user_id = t.user_id(email);
      u.filename = code + ".csv";
      int64_t id = bulk::store::create(*c, u, "a,b\r\n");
      bulk::store::set_checked(*c, id, {"checked", nlohmann::json({{"file_errors", nlohmann::json::array()}, {"rows", 1},
                                                                    {"logs", {{{"row", 9}, {"status", "in_progress"}, {"reference", code},
                                                                               {"errors", {{{"field", 13}, {"cell", "N9"}, {"category", "critical"},
                                                                                            {"message", "Wrong"}, {"question", "Tenant code"}}}}}}}})
                                                   .dump(),
                                        "critical", "", 1, 1, 1});
      return id;
    };
    int64_t la_upload = upload_of(la, "provider@northshire.example", "lettings", "NORTHUPLOAD");
    int64_t la_sales_upload = upload_of(la, "provider@northshire.example", "sales", "NORTHSALESUPLOAD");
    int64_t east_upload = upload_of(east, "coordinator@eastbrook.example", "lettings", "EASTSECRET");
    int64_t east_sales_upload = upload_of(east, "coordinator@eastbrook.example", "sales", "EASTSALESECRET");
    // Big CSV downloads, ready behind their links, holding the organisation's own references.
    auto download_of = [&](int64_t org, const std::string& email, const std::string& code) {
      exports::store::Download d;
      d.user_id = t.user_id(email);
      d.organisation_id = org;
      d.type = "lettings";
      d.year = 2026;
      logs::store::Filter f;
      f.organisation_id = org;
      d.filters = exports::filter_json(f);
      d.filename = code + ".csv";
      d.state = "ready";
      d.rows = 1;
      d.expires_at = util::iso_from_seconds(util::now_seconds() + 3600);
      int64_t id = exports::store::create(*c, d);
      exports::store::add_part(*c, id, 0, "id,tenancycode\r\n1," + code + "\r\n");
      return id;
    };
    int64_t la_download = download_of(la, "provider@northshire.example", "NORTHDOWNLOAD");
    int64_t east_download = download_of(east, "coordinator@eastbrook.example", "EASTSECRET");
    inside = {la, t.user_id("coordinator@northshire.example"), ha, la_scheme, la_location, la_log, request, la_sale, la_upload, la_sales_upload,
              la_download};
    outside = {east, t.user_id("coordinator@eastbrook.example"), ha, east_scheme, east_location, east_log, request, east_sale, east_upload,
               east_sales_upload, east_download};
    inside.api_token = api::store::create(*c, la, "Inside system", std::nullopt).first;
    outside.api_token = api::store::create(*c, east, "Outside system", std::nullopt).first;
  }
  TestApp t;
  int64_t la = 0, ha = 0, east = 0;
  Ids inside{}, outside{};
};

}  // namespace

// (The API's routes, web::Access::Token, take no session: ApiRoutes.* in src/api/api_test.cpp walks them.)
TEST_F(RoutePermissions, SignedOutVisitorsAreSentToSignIn) {
  ASSERT_GE(t.app().routes().size(), 35u) << "the route table is what these tests walk";
  for (const auto& r : t.app().routes()) {
    if (r.access != web::Access::SignedIn) continue;
    Client anon(t);
    std::string before = fingerprint(t);
    std::string path = fill(r.pattern, inside);
    auto res = r.method == "GET" ? anon.get(path) : anon.post(path, effective_form(inside, east));
    EXPECT_EQ(res.status, 303) << r.method << " " << path;
    EXPECT_EQ(res.header("Location").rfind("/account/sign-in", 0), 0u) << r.method << " " << path;
    EXPECT_EQ(fingerprint(t), before) << r.method << " " << path;
  }
}

TEST_F(RoutePermissions, OtherOrganisationsDataIsNeverShownOrChanged) {
  // Names and emails that belong only to Eastbrook.
  const std::vector<std::string> secrets = {"Eastbrook Housing Trust", "coordinator@eastbrook.example", "Eve Unsigned",
                                            "EB4 5CC", "Eastbrook Secret Refuge", "EB9 9ZZ", "EASTSECRET", "EASTSALESECRET"};
  for (const std::string email : {"coordinator@northshire.example", "provider@northshire.example",
                                   "dpo@northshire.example", "coordinator@riverside.example"}) {
    for (const auto& r : t.app().routes()) {
      if (r.access != web::Access::SignedIn || is_own_account_route(r.pattern)) continue;
      if (r.pattern == "/organisations" || r.pattern == "/organisations/new" || r.pattern == "/users/new" ||
          r.pattern == "/schemes" || r.pattern == "/schemes/new" || r.pattern == "/schemes/download" ||
          r.pattern == "/lettings-logs" || r.pattern == "/lettings-logs/clear-filters" || r.pattern == "/sales-logs" ||
          r.pattern == "/sales-logs/clear-filters" || r.pattern == "/duplicate-logs" || r.pattern == "/lettings-logs/csv-download" ||
          r.pattern == "/sales-logs/csv-download" || bulk_journey_route(r.pattern)) {
        // Lists and downloads of one's own: they answer, but never with another organisation's data.
        Client c(t);
        c.sign_in(email);
        auto res = r.method == "GET" ? c.get(fill(r.pattern, outside)) : c.post(fill(r.pattern, outside), effective_form(outside, la));
        for (const auto& s : secrets) {
          // Riverside is Eastbrook's stock owner, so Eastbrook's name is in its own log filters.
          if (s == "Eastbrook Housing Trust" && email == "coordinator@riverside.example" &&
              (r.pattern == "/lettings-logs" || r.pattern == "/sales-logs"))
            continue;
          EXPECT_EQ(res.body.find(s), std::string::npos) << email << " " << r.pattern << " shows " << s;
        }
        continue;
      }
      Client c(t);
      c.sign_in(email);
      std::string path = fill(r.pattern, outside);
      std::string before = fingerprint(t);
      auto res = r.method == "GET" ? c.get(path) : c.post(path, effective_form(outside, la));
      EXPECT_TRUE(res.status == 403 || res.status == 404) << email << " " << r.method << " " << path << " → " << res.status;
      for (const auto& s : secrets) EXPECT_EQ(res.body.find(s), std::string::npos) << email << " " << path << " shows " << s;
      EXPECT_EQ(fingerprint(t), before) << email << " " << r.method << " " << path;
    }
  }
}

TEST_F(RoutePermissions, OrganisationWideRoutesAreLimitedToTheUsersOwnOrganisation) {
  // /organisations lists everything for support only; /users/new invites into one's own organisation only.
  for (const std::string email : {"coordinator@northshire.example", "provider@northshire.example"}) {
    Client c(t);
    c.sign_in(email);
    auto list = c.get("/organisations");
    EXPECT_EQ(list.status, 303) << email;
    EXPECT_EQ(list.body.find("Eastbrook"), std::string::npos);
    EXPECT_EQ(c.get("/organisations/new").status, 403);
    EXPECT_EQ(c.get("/users/new?organisation_id=" + std::to_string(east)).status, 404);
    std::string before = fingerprint(t);
    EXPECT_EQ(c.post("/organisations/new", effective_form(outside, la)).status, 403);
    EXPECT_EQ(fingerprint(t), before);
  }
}

TEST_F(RoutePermissions, ProvidersAreRefusedEveryChangeInTheirOwnOrganisation) {
  const std::regex coordinator_only(R"((/edit|/add|/remove|/deactivate|/reactivate|/resend-invite|^/users/new|^/organisations/new|data-sharing-agreement|^/schemes/new|:page|check-answers|/locations/new|/confirm))");
  for (const auto& r : t.app().routes()) {
    if (r.access != web::Access::SignedIn || is_own_account_route(r.pattern)) continue;
    if (!std::regex_search(r.pattern, coordinator_only)) continue;
    if (r.pattern.rfind("/lettings-logs", 0) == 0 || r.pattern.rfind("/sales-logs", 0) == 0) continue;  // providers fill in their organisation's logs
    Client p(t);
    p.sign_in("provider@northshire.example");
    std::string path = fill(r.pattern, inside);
    if (r.method == "GET" && r.pattern.find("data-sharing-agreement") != std::string::npos) continue;  // reading is allowed
    std::string before = fingerprint(t);
    auto res = r.method == "GET" ? p.get(path) : p.post(path, effective_form(inside, east));
    EXPECT_TRUE(res.status == 403 || res.status == 404 || (r.pattern == "/organisations/new" && res.status == 403))
        << r.method << " " << path << " → " << res.status;
    EXPECT_EQ(fingerprint(t), before) << r.method << " " << path;
  }
}

TEST_F(RoutePermissions, ReadingRoutesWorkInsideTheOrganisation) {
  for (const std::string email : {"coordinator@northshire.example", "provider@northshire.example"}) {
    Client c(t);
    c.sign_in(email);
    for (const auto& r : t.app().routes()) {
      if (r.method != "GET" || r.access != web::Access::SignedIn) continue;
      if (r.pattern.find("/edit") != std::string::npos || r.pattern.find("/add") != std::string::npos ||
          r.pattern.find("/remove") != std::string::npos || r.pattern.find("activate") != std::string::npos ||
          r.pattern.find("/new") != std::string::npos || r.pattern == "/organisations" ||
          r.pattern.find(":page") != std::string::npos || r.pattern.find("check-answers") != std::string::npos ||
          r.pattern.find("/confirm") != std::string::npos || r.pattern.find("/delete") != std::string::npos ||
          r.pattern.find("clear-filters") != std::string::npos || r.pattern.find("bulk-upload-logs/start") != std::string::npos ||
          r.pattern.find("bulk-upload-mapping") != std::string::npos ||  // checked uploads: their mapping pages go to the results
          (r.pattern.find("/api-tokens") != std::string::npos && email.rfind("provider", 0) == 0))  // coordinators' (ApiTokens.*)
        continue;
      std::string path = fill(r.pattern, inside);
      EXPECT_EQ(c.get(path).status, 200) << email << " " << path;
    }
  }
}

TEST_F(RoutePermissions, SupportReachesEveryRouteWithoutServerErrors) {
  Client s(t);
  s.sign_in("support@example.gov.uk");
  for (const Ids& ids : {inside, outside}) {
    for (const auto& r : t.app().routes()) {
      if (r.method != "GET") continue;
      std::string path = fill(r.pattern, ids);
      auto res = s.get(path);
      EXPECT_LT(res.status, 500) << path;
      bool needs_token = r.pattern.find("/account/password/reset") == 0 || r.pattern.find("/account/invitation") == 0;
      if (r.access == web::Access::SignedIn && !needs_token && r.pattern.find(":other_id/remove") == std::string::npos) {
        EXPECT_TRUE(res.status == 200 || res.status == 303) << path << " → " << res.status;
      }
    }
  }
}
