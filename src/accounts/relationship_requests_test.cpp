// Adding a stock owner or managing agent is a request the other organisation accepts (issue 10,
// finding 7): until then it grants nothing; both sides are emailed; every step is audited.
#include <gtest/gtest.h>

#include <algorithm>

#include "accounts/store.h"
#include "logs/context.h"
#include "test_app.h"

using namespace core;
using test::Client;
using test::contains;
using test::TestApp;

namespace {

std::string id(int64_t n) { return std::to_string(n); }

struct Demo {
  int64_t la, ha, east;
  explicit Demo(TestApp& t)
      : la(t.org_id("Northshire County Council")),
        ha(t.org_id("Riverside Homes Housing Association")),
        east(t.org_id("Eastbrook Housing Trust")) {}
};

int64_t request_id(TestApp& t, int64_t parent, int64_t child) {
  auto c = t.conn();
  auto r = c->query_one("SELECT id FROM organisation_relationship_requests WHERE parent_organisation_id = ? AND "
                        "child_organisation_id = ?",
                        {parent, child});
  return r ? r->i64(0) : 0;
}

std::vector<std::string> actions(TestApp& t, int64_t org) {
  auto c = t.conn();
  std::vector<std::string> out;
  for (auto& a : accounts::store::audit_rows(*c, "organisation", org)) out.push_back(a.action);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string first_scheme_name(TestApp& t, int64_t owner) {
  auto c = t.conn();
  auto r = c->query_one("SELECT service_name FROM schemes WHERE owning_organisation_id = ? ORDER BY id", {owner});
  return r ? r->str(0) : "";
}

}  // namespace

// The finding as reported: Eastbrook's coordinator names Northshire (which holds stock) as its
// stock owner, and must get nothing from it until Northshire accepts.
TEST(RelationshipRequests, AddingAStockOwnerGrantsNothingUntilItAccepts) {
  TestApp t;
  Demo d(t);
  std::string scheme = first_scheme_name(t, d.la);
  ASSERT_FALSE(scheme.empty());
  Client east(t);
  ASSERT_EQ(east.sign_in("coordinator@eastbrook.example").status, 303);
  auto r = east.post("/organisations/" + id(d.east) + "/stock-owners/add", {{"related_organisation_id", id(d.la)}});
  ASSERT_EQ(r.status, 303) << r.body;
  {
    auto c = t.conn();
    EXPECT_FALSE(accounts::store::relationship_exists(*c, d.la, d.east));
    EXPECT_TRUE(accounts::store::relationship_requested(*c, d.la, d.east));
    EXPECT_TRUE(accounts::store::stock_owners(*c, d.east).empty());
    EXPECT_TRUE(accounts::store::managing_agents(*c, d.la).size() == 1u) << "only Riverside, in force before";
    EXPECT_TRUE(logs::cached_relationships(*c, d.east).stock_owners.empty());
  }
  EXPECT_FALSE(contains(east.get("/schemes").body, scheme)) << "no schemes of the would-be stock owner";
  EXPECT_FALSE(contains(east.get("/schemes/download?type=schemes").body, scheme));
  auto page = east.get("/organisations/" + id(d.east) + "/stock-owners");
  EXPECT_TRUE(contains(page.body, "Requests waiting for an answer"));
  EXPECT_TRUE(contains(page.body, "Cancel request")) << "the asking side may cancel";
  EXPECT_FALSE(contains(page.body, ">Accept<")) << "but not accept its own request";
  int64_t req = request_id(t, d.la, d.east);
  ASSERT_GT(req, 0);
  EXPECT_EQ(east.post("/organisations/" + id(d.east) + "/stock-owners/requests/" + id(req) + "/accept", {}).status, 403);
  {
    auto c = t.conn();
    EXPECT_FALSE(accounts::store::relationship_exists(*c, d.la, d.east));
  }
  EXPECT_TRUE(has(actions(t, d.east), "organisation.relationship_requested"));

  // Both sides' coordinators are told.
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"), "There is a request for Northshire County "
                                                                          "Council to be a stock owner of Eastbrook"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"),
                       "/organisations/" + id(d.la) + "/managing-agents"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@eastbrook.example"), "made by Eastbrook Housing Trust"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"),
                       "until a data coordinator of Northshire County Council accepts it"));
  EXPECT_EQ(t.last_email_to("provider@northshire.example"), "") << "coordinators only";

  // Northshire's provider sees it but cannot answer; its coordinator accepts.
  Client provider(t);
  provider.sign_in("provider@northshire.example");
  std::string la_page = "/organisations/" + id(d.la) + "/managing-agents";
  EXPECT_TRUE(contains(provider.get(la_page).body, "Eastbrook Housing Trust"));
  EXPECT_EQ(provider.post(la_page + "/requests/" + id(req) + "/accept", {}).status, 403);
  Client la(t);
  la.sign_in("coordinator@northshire.example");
  auto incoming = la.get(la_page);
  EXPECT_TRUE(contains(incoming.body, "Accept<span class=\"govuk-visually-hidden\"> Eastbrook Housing Trust"));
  EXPECT_TRUE(contains(incoming.body, "Decline"));
  EXPECT_EQ(la.post(la_page + "/requests/" + id(req) + "/accept", {}).status, 303);
  {
    auto c = t.conn();
    EXPECT_TRUE(accounts::store::relationship_exists(*c, d.la, d.east));
    EXPECT_FALSE(accounts::store::relationship_requested(*c, d.la, d.east));
    EXPECT_EQ(logs::cached_relationships(*c, d.east).stock_owners.size(), 1u) << "the cache sees the accepted one";
  }
  EXPECT_TRUE(contains(east.get("/schemes/download?type=schemes").body, scheme)) << "in force now";
  EXPECT_TRUE(has(actions(t, d.la), "organisation.relationship_request_accepted"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@eastbrook.example"), "has been accepted"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"), "has been accepted"));
  // Answered once only.
  auto again = la.post(la_page + "/requests/" + id(req) + "/accept", {});
  EXPECT_EQ(again.status, 404);
}

TEST(RelationshipRequests, DeclineAndCancelChangeNothingButAreAuditedAndEmailed) {
  TestApp t;
  Demo d(t);
  Client la(t);
  la.sign_in("coordinator@northshire.example");
  // Northshire asks Eastbrook to be one of its managing agents; Eastbrook declines.
  ASSERT_EQ(la.post("/organisations/" + id(d.la) + "/managing-agents/add", {{"related_organisation_id", id(d.east)}}).status, 303);
  int64_t req = request_id(t, d.la, d.east);
  ASSERT_GT(req, 0);
  auto dup = la.post("/organisations/" + id(d.la) + "/managing-agents/add", {{"related_organisation_id", id(d.east)}});
  EXPECT_EQ(dup.status, 422);
  EXPECT_TRUE(contains(dup.body, "There is already a request"));
  Client east(t);
  east.sign_in("coordinator@eastbrook.example");
  std::string east_page = "/organisations/" + id(d.east) + "/stock-owners";
  EXPECT_TRUE(contains(east.get(east_page).body, "Decline<span class=\"govuk-visually-hidden\"> Northshire"));
  // The request is reached only through the pages of the two organisations in it.
  Client ha(t);
  ha.sign_in("coordinator@riverside.example");
  EXPECT_EQ(ha.post("/organisations/" + id(d.ha) + "/stock-owners/requests/" + id(req) + "/accept", {}).status, 404);
  EXPECT_EQ(ha.post(east_page + "/requests/" + id(req) + "/accept", {}).status, 404);
  EXPECT_EQ(east.post(east_page + "/requests/" + id(req) + "/decline", {}).status, 303);
  {
    auto c = t.conn();
    EXPECT_FALSE(accounts::store::relationship_exists(*c, d.la, d.east));
    EXPECT_FALSE(accounts::store::relationship_requested(*c, d.la, d.east));
  }
  EXPECT_TRUE(has(actions(t, d.east), "organisation.relationship_request_declined"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"), "has been declined"));

  // Asked again, then cancelled by the asking side.
  ASSERT_EQ(la.post("/organisations/" + id(d.la) + "/managing-agents/add", {{"related_organisation_id", id(d.east)}}).status, 303);
  req = request_id(t, d.la, d.east);
  EXPECT_EQ(east.post(east_page + "/requests/" + id(req) + "/cancel", {}).status, 403) << "only the asking side cancels";
  EXPECT_EQ(la.post("/organisations/" + id(d.la) + "/managing-agents/requests/" + id(req) + "/cancel", {}).status, 303);
  {
    auto c = t.conn();
    EXPECT_FALSE(accounts::store::relationship_exists(*c, d.la, d.east));
    EXPECT_FALSE(accounts::store::relationship_requested(*c, d.la, d.east));
  }
  EXPECT_TRUE(has(actions(t, d.la), "organisation.relationship_request_cancelled"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@eastbrook.example"), "has been cancelled"));
  EXPECT_EQ(la.post("/organisations/" + id(d.la) + "/managing-agents/requests/abc/cancel", {}).status, 404);
}

TEST(RelationshipRequests, SupportAnswersAnyRequestAndWhatSupportAddsIsInForceAtOnce) {
  TestApp t;
  Demo d(t);
  Client east(t);
  east.sign_in("coordinator@eastbrook.example");
  ASSERT_EQ(east.post("/organisations/" + id(d.east) + "/stock-owners/add", {{"related_organisation_id", id(d.ha)}}).status, 303);
  int64_t req = request_id(t, d.ha, d.east);
  Client s(t);
  s.sign_in("support@example.gov.uk");
  EXPECT_EQ(s.post("/organisations/" + id(d.ha) + "/managing-agents/requests/" + id(req) + "/accept", {}).status, 303);
  {
    auto c = t.conn();
    EXPECT_TRUE(accounts::store::relationship_exists(*c, d.ha, d.east));
  }
  ASSERT_EQ(s.post("/organisations/" + id(d.east) + "/managing-agents/add", {{"related_organisation_id", id(d.la)}}).status, 303);
  {
    auto c = t.conn();
    EXPECT_TRUE(accounts::store::relationship_exists(*c, d.east, d.la)) << "support is an accepter";
    EXPECT_FALSE(accounts::store::relationship_requested(*c, d.east, d.la));
  }
  EXPECT_TRUE(has(actions(t, d.east), "organisation.relationship_added"));
  EXPECT_TRUE(contains(t.last_email_to("coordinator@northshire.example"), "The CORE helpdesk has made Eastbrook"));
}

TEST(RelationshipRequests, TheDemoRelationshipIsInForce) {
  TestApp t;
  Demo d(t);
  auto c = t.conn();
  EXPECT_TRUE(accounts::store::relationship_exists(*c, d.la, d.ha));
  EXPECT_EQ(accounts::store::managing_agents(*c, d.la).size(), 1u);
  EXPECT_TRUE(accounts::store::relationship_requests(*c, d.la).empty());
}
