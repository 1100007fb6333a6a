// Organisations, users, relationships and the data sharing agreement through the web pages.
#include <gtest/gtest.h>

#include <tuple>

#include "accounts/passwords.h"
#include "accounts/permissions.h"
#include "accounts/seed.h"
#include "accounts/service.h"
#include "accounts/store.h"
#include "test_app.h"

using namespace core;
using test::Client;
using test::TestApp;

namespace {
using test::contains;
std::string id(int64_t n) { return std::to_string(n); }
std::multimap<std::string, std::string> new_org(const std::string& name) {
  return {{"name", name}, {"provider_type", "2"}, {"holds_own_stock", "1"}, {"rent_periods", ""}, {"rent_periods", "1"},
          {"rent_periods", "4"}, {"postcode", "sw1a1aa"}, {"stock_general_needs", "120"}, {"active", "1"}};
}
}  // namespace

TEST(Organisations, SupportCreatesOneAndItIsAudited) {
  TestApp t;
  Client s(t);
  s.sign_in("support@example.gov.uk");
  EXPECT_EQ(s.get("/organisations/new").status, 200);
  auto r = s.post("/organisations/new", new_org("Hilltop Homes"));
  ASSERT_EQ(r.status, 303) << r.body;
  int64_t org = t.org_id("Hilltop Homes");
  EXPECT_EQ(r.header("Location"), "/organisations/" + id(org));
  auto conn = t.conn();
  auto o = accounts::store::find_organisation(*conn, org);
  EXPECT_EQ(o->provider_type, 2);
  EXPECT_TRUE(o->holds_own_stock);
  EXPECT_EQ(o->postcode, "SW1A 1AA");
  EXPECT_EQ(o->stock_general_needs.value_or(-1), 120);
  EXPECT_EQ(o->rent_periods.size(), 2u);
  EXPECT_FALSE(o->dsa_accepted);
  auto audit = accounts::store::audit_rows(*conn, "organisation", org);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "organisation.created");
  EXPECT_EQ(audit[0].actor_id.value_or(0), t.user_id("support@example.gov.uk"));
  auto list = s.get("/organisations?search=hillTOP");
  EXPECT_TRUE(contains(list.body, "Hilltop Homes"));
  EXPECT_FALSE(contains(list.body, "Northshire County Council"));
}

// Issue 11: a new organisation must be able to record rent, so the form starts with every rent
// period ticked (as the real service's does); support may untick some, and what they send is kept.
TEST(Organisations, TheNewOrganisationFormStartsWithEveryRentPeriodTicked) {
  TestApp t;
  Client s(t);
  s.sign_in("support@example.gov.uk");
  auto form = s.get("/organisations/new");
  ASSERT_EQ(form.status, 200);
  for (const auto& p : accounts::rent_periods()) {
    std::string box = "name=\"rent_periods\" type=\"checkbox\" value=\"" + std::to_string(p.code) + "\" checked>";
    EXPECT_TRUE(contains(form.body, box)) << p.label << " is not ticked";
  }
  std::multimap<std::string, std::string> all = {{"name", "All Periods Homes"}, {"provider_type", "2"},
                                                 {"holds_own_stock", "1"}, {"active", "1"}};
  for (const auto& code : accounts::service::all_rent_period_codes()) all.emplace("rent_periods", code);
  ASSERT_EQ(s.post("/organisations/new", all).status, 303);
  auto conn = t.conn();
  auto o = accounts::store::find_organisation(*conn, t.org_id("All Periods Homes"));
  EXPECT_EQ(o->rent_periods.size(), 11u);
  EXPECT_EQ(o->rent_periods.size(), accounts::rent_periods().size());
}

TEST(Organisations, RentPeriodListsFromTheCommandLine) {
  using accounts::service::rent_period_list;
  EXPECT_EQ(rent_period_list("1,2, 4"), (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(rent_period_list("11"), (std::vector<std::string>{"11"}));
  for (const char* bad : {"", ",", "1,,2", "1,", "weekly", "1;2", "-1", "99999999999999999999"})
    EXPECT_FALSE(rent_period_list(bad)) << bad;
  EXPECT_EQ(accounts::service::all_rent_period_codes().size(), 11u);
}

TEST(Organisations, NamesAreUniqueIgnoringCase) {
  TestApp t;
  Client s(t);
  s.sign_in("support@example.gov.uk");
  int64_t before = t.count("organisations");
  auto r = s.post("/organisations/new", new_org("NORTHSHIRE county council"));
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "already exists"));
  EXPECT_EQ(t.count("organisations"), before);
}

TEST(Organisations, BadInputGetsFieldErrorsAndSavesNothing) {
  TestApp t;
  Client s(t);
  s.sign_in("support@example.gov.uk");
  int64_t before = t.count("organisations");
  auto r = s.post("/organisations/new", {{"name", ""}, {"provider_type", "7"}, {"postcode", "NOT A CODE"},
                                         {"stock_general_needs", "lots"}, {"rent_periods", "99"}});
  EXPECT_EQ(r.status, 422);
  for (auto msg : {"Enter the organisation name", "Select the organisation type", "Enter a real postcode",
                   "whole number", "Select rent periods from the list", "Select yes if the organisation holds its own stock"})
    EXPECT_TRUE(contains(r.body, msg)) << msg;
  EXPECT_TRUE(contains(r.body, "value=\"lots\""));
  EXPECT_EQ(t.count("organisations"), before);
}

TEST(Organisations, OnlySupportListsAndCreates) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto list = c.get("/organisations");
  EXPECT_EQ(list.status, 303) << "others are sent to their own organisation";
  EXPECT_EQ(c.get("/organisations/new").status, 403);
  int64_t before = t.count("organisations");
  EXPECT_EQ(c.post("/organisations/new", new_org("Sneaky Homes")).status, 403);
  EXPECT_EQ(t.count("organisations"), before);
}

TEST(Organisations, CoordinatorEditsOwnDetailsButNotSupportOnlyFields) {
  TestApp t;
  int64_t org = t.org_id("Northshire County Council");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  EXPECT_EQ(c.get("/organisations/" + id(org) + "/edit").status, 200);
  auto r = c.post("/organisations/" + id(org) + "/edit",
                  {{"name", "Northshire Council"}, {"phone", "01632 960 999"}, {"provider_type", "2"},
                   {"holds_own_stock", "0"}, {"active", "0"}, {"rent_periods", "2"}});
  ASSERT_EQ(r.status, 303) << r.body;
  auto conn = t.conn();
  auto o = accounts::store::find_organisation(*conn, org);
  EXPECT_EQ(o->name, "Northshire Council");
  EXPECT_EQ(o->phone, "01632 960 999");
  EXPECT_EQ(o->provider_type, 1) << "type is support-only";
  EXPECT_TRUE(o->holds_own_stock) << "holding stock is support-only";
  EXPECT_TRUE(o->active) << "the active flag is support-only";
  EXPECT_EQ(o->rent_periods, std::vector<int>{2});
  auto audit = accounts::store::audit_rows(*conn, "organisation", org);
  EXPECT_EQ(audit.back().action, "organisation.updated");
  EXPECT_TRUE(contains(audit.back().details, "Northshire County Council"));
}

TEST(Organisations, ProvidersSeeButCannotEditAndOthersGet404) {
  TestApp t;
  int64_t own = t.org_id("Northshire County Council"), other = t.org_id("Riverside Homes Housing Association");
  Client p(t);
  p.sign_in("provider@northshire.example");
  EXPECT_EQ(p.get("/organisations/" + id(own)).status, 200);
  EXPECT_EQ(p.get("/organisations/" + id(own) + "/edit").status, 403);
  EXPECT_EQ(p.post("/organisations/" + id(own) + "/edit", {{"name", "Hacked"}}).status, 403);
  auto r = p.get("/organisations/" + id(other));
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(contains(r.body, "Riverside"));
  EXPECT_EQ(p.get("/organisations/" + id(other) + "/users").status, 404);
  auto conn = t.conn();
  EXPECT_EQ(accounts::store::find_organisation(*conn, own)->name, "Northshire County Council");
}

TEST(Organisations, SupportDeactivatesAnOrganisationAndItsUsersAreSignedOut) {
  TestApp t;
  int64_t org = t.org_id("Riverside Homes Housing Association");
  Client member(t);
  member.sign_in("provider@riverside.example");
  Client s(t);
  s.sign_in("support@example.gov.uk");
  auto form = new_org("Riverside Homes Housing Association");
  form.erase("active");
  form.emplace("active", "0");
  ASSERT_EQ(s.post("/organisations/" + id(org) + "/edit", form).status, 303);
  EXPECT_EQ(member.get("/account").status, 303);
  auto conn = t.conn();
  EXPECT_FALSE(accounts::permissions::organisation_can_create_logs(*accounts::store::find_organisation(*conn, org)));
}

TEST(Users, ListSearchFilterAndPaginate) {
  TestApp t;
  int64_t org = t.org_id("Northshire County Council");
  {
    auto conn = t.conn();
    accounts::seed_demo(*conn, 45);  // adds providers user1..user45
  }
  Client c(t);
  c.sign_in("provider@northshire.example");
  std::string base = "/organisations/" + id(org) + "/users";
  auto all = c.get(base);
  EXPECT_EQ(all.status, 200);
  EXPECT_TRUE(contains(all.body, "48 users"));
  EXPECT_TRUE(contains(all.body, "govuk-pagination"));
  auto page3 = c.get(base + "?page=3");
  EXPECT_TRUE(contains(page3.body, "Showing 41 to 48 of 48"));
  auto search = c.get(base + "?search=DANA");
  EXPECT_TRUE(contains(search.body, "dpo@northshire.example"));
  EXPECT_TRUE(contains(search.body, "1 user found"));
  auto coords = c.get(base + "?role=coordinator");
  EXPECT_TRUE(contains(coords.body, "coordinator@northshire.example"));
  EXPECT_FALSE(contains(coords.body, "provider@northshire.example"));
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET active = 0 WHERE email = 'user7@northshire.example'");
    accounts::store::users_changed();  // changed behind the store's back
  }
  auto deact = c.get(base + "?status=deactivated");
  EXPECT_TRUE(contains(deact.body, "user7@northshire.example"));
  EXPECT_TRUE(contains(deact.body, "1 user found"));
  EXPECT_EQ(c.get(base + "?page=abc&role=nonsense&status=odd").status, 200);
  EXPECT_TRUE(contains(c.get(base + "?search=%25").body, "0 users found")) << "LIKE wildcards are searched literally";
}

TEST(Users, CoordinatorChangesRoleButCannotGrantSupport) {
  TestApp t;
  int64_t p = t.user_id("provider@northshire.example");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto bad = c.post("/users/" + id(p) + "/edit", {{"name", "Pat Provider"}, {"email", "provider@northshire.example"},
                                                 {"role", "support"}, {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(bad.status, 422);
  auto ok = c.post("/users/" + id(p) + "/edit", {{"name", "Pat Provider"}, {"email", "provider@northshire.example"},
                                                {"role", "coordinator"}, {"is_dpo", "1"}, {"is_key_contact", "1"}});
  EXPECT_EQ(ok.status, 303);
  auto conn = t.conn();
  auto u = accounts::store::find_user(*conn, p);
  EXPECT_EQ(u->role, accounts::Role::Coordinator);
  EXPECT_TRUE(u->is_dpo);
  EXPECT_TRUE(u->is_key_contact);
}

TEST(Users, ProviderEditsOnlyTheirOwnDetails) {
  TestApp t;
  int64_t me = t.user_id("provider@northshire.example"), coord = t.user_id("coordinator@northshire.example");
  Client p(t);
  p.sign_in("provider@northshire.example");
  EXPECT_EQ(p.get("/users/" + id(coord)).status, 200) << "providers see their organisation's users";
  EXPECT_EQ(p.get("/users/" + id(coord) + "/edit").status, 403);
  EXPECT_EQ(p.post("/users/" + id(coord) + "/edit", {{"name", "Hacked"}}).status, 403);
  auto r = p.post("/users/" + id(me) + "/edit", {{"name", "Pat P"}, {"email", "provider@northshire.example"},
                                                {"role", "coordinator"}, {"is_dpo", "1"}, {"is_key_contact", "1"}});
  EXPECT_EQ(r.status, 303);
  auto conn = t.conn();
  auto u = accounts::store::find_user(*conn, me);
  EXPECT_EQ(u->name, "Pat P");
  EXPECT_EQ(u->role, accounts::Role::Provider) << "cannot promote themselves";
  EXPECT_FALSE(u->is_dpo);
  EXPECT_EQ(accounts::store::find_user(*conn, coord)->name, "Chris Coordinator");
}

TEST(Users, DeactivateSignsOutAndReactivateRestores) {
  TestApp t;
  int64_t p = t.user_id("provider@northshire.example");
  Client victim(t);
  victim.sign_in("provider@northshire.example");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  EXPECT_EQ(c.get("/users/" + id(p) + "/deactivate").status, 200);
  EXPECT_EQ(c.post("/users/" + id(p) + "/deactivate", {}).status, 303);
  EXPECT_EQ(victim.get("/account").status, 303);
  EXPECT_EQ(victim.sign_in("provider@northshire.example").status, 422);
  EXPECT_TRUE(contains(c.get("/organisations/" + id(t.org_id("Northshire County Council")) + "/users?status=deactivated").body,
                       "provider@northshire.example"));
  EXPECT_EQ(c.post("/users/" + id(p) + "/reactivate", {}).status, 303);
  EXPECT_EQ(victim.sign_in("provider@northshire.example").status, 303);
  auto conn = t.conn();
  auto audit = accounts::store::audit_rows(*conn, "user", p);
  std::vector<std::string> actions;
  for (auto& a : audit) actions.push_back(a.action);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "user.deactivated"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "user.reactivated"), actions.end());
}

TEST(Users, InviteRejectsDuplicateAndMalformedEmails) {
  TestApp t;
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  int64_t before = t.count("users");
  auto dup = c.post("/users/new", {{"name", "Dup"}, {"email", "PROVIDER@northshire.example"}, {"role", "provider"},
                                   {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(dup.status, 422);
  EXPECT_TRUE(contains(dup.body, "already exists"));
  auto bad = c.post("/users/new", {{"name", "Bad"}, {"email", "bad@@example"}, {"role", "provider"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(contains(bad.body, "correct format"));
  EXPECT_TRUE(contains(bad.body, "Select yes if the user is a data protection officer"));
  EXPECT_EQ(t.count("users"), before);
  EXPECT_TRUE(t.emails().empty());
}

TEST(Users, CoordinatorCannotInviteIntoAnotherOrganisation) {
  TestApp t;
  int64_t other = t.org_id("Riverside Homes Housing Association");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto r = c.post("/users/new", {{"name", "Spy"}, {"email", "spy@riverside.example"}, {"role", "provider"},
                                 {"is_dpo", "0"}, {"is_key_contact", "0"}, {"organisation_id", id(other)}});
  ASSERT_EQ(r.status, 303);
  auto conn = t.conn();
  EXPECT_EQ(accounts::store::find_user(*conn, t.user_id("spy@riverside.example"))->organisation_id,
            t.org_id("Northshire County Council"))
      << "the organisation field is ignored for coordinators";
  EXPECT_EQ(c.get("/users/new?organisation_id=" + id(other)).status, 404);
}

TEST(Relationships, AddAndRemoveStockOwnersAndManagingAgents) {
  TestApp t;
  int64_t la = t.org_id("Northshire County Council"), east = t.org_id("Eastbrook Housing Trust");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  EXPECT_TRUE(contains(c.get("/organisations/" + id(la) + "/managing-agents").body, "Riverside Homes"));
  EXPECT_EQ(c.get("/organisations/" + id(la) + "/managing-agents/add").status, 200);
  ASSERT_EQ(c.post("/organisations/" + id(la) + "/managing-agents/add", {{"related_organisation_id", id(east)}}).status, 303);
  ASSERT_EQ(c.post("/organisations/" + id(la) + "/stock-owners/add", {{"related_organisation_id", id(east)}}).status, 303);
  auto conn = t.conn();
  EXPECT_FALSE(accounts::store::relationship_exists(*conn, la, east)) << "requests until Eastbrook accepts";
  Client e(t);
  e.sign_in("coordinator@eastbrook.example");
  for (auto [parent, child, page] : {std::tuple{la, east, "stock-owners"}, std::tuple{east, la, "managing-agents"}}) {
    auto r = conn->query_one("SELECT id FROM organisation_relationship_requests WHERE parent_organisation_id = ? AND "
                             "child_organisation_id = ?", {parent, child});
    ASSERT_TRUE(r);
    EXPECT_EQ(e.post("/organisations/" + id(east) + "/" + page + "/requests/" + id(r->i64(0)) + "/accept", {}).status, 303);
  }
  EXPECT_TRUE(accounts::store::relationship_exists(*conn, la, east));
  EXPECT_TRUE(accounts::store::relationship_exists(*conn, east, la));
  auto dup = c.post("/organisations/" + id(la) + "/stock-owners/add", {{"related_organisation_id", id(east)}});
  EXPECT_EQ(dup.status, 422);
  EXPECT_TRUE(contains(dup.body, "already a stock owner"));
  EXPECT_EQ(c.get("/organisations/" + id(la) + "/stock-owners/" + id(east) + "/remove").status, 200);
  EXPECT_EQ(c.post("/organisations/" + id(la) + "/stock-owners/" + id(east) + "/remove", {}).status, 303);
  EXPECT_FALSE(accounts::store::relationship_exists(*conn, east, la));
  EXPECT_TRUE(accounts::store::relationship_exists(*conn, la, east));
  auto audit = accounts::store::audit_rows(*conn, "organisation", la);
  EXPECT_EQ(audit.back().action, "organisation.relationship_removed");
}

TEST(Relationships, AStockOwnerMustHoldStock) {
  TestApp t;
  int64_t la = t.org_id("Northshire County Council");
  int64_t dept = t.org_id("Ministry of Housing, Communities and Local Government");
  Client c(t);
  c.sign_in("coordinator@northshire.example");
  auto r = c.post("/organisations/" + id(la) + "/stock-owners/add", {{"related_organisation_id", id(dept)}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "does not hold its own stock"));
  for (const std::string& bad : std::vector<std::string>{"", "abc", "0", "99999", id(la)}) {
    auto b = c.post("/organisations/" + id(la) + "/stock-owners/add", {{"related_organisation_id", bad}});
    EXPECT_EQ(b.status, 422) << bad;
    EXPECT_TRUE(contains(b.body, "Select an organisation from the list")) << bad;
  }
  auto conn = t.conn();
  EXPECT_TRUE(accounts::store::stock_owners(*conn, la).empty());
}

TEST(Relationships, ProvidersAndOtherOrganisationsCannotChangeThem) {
  TestApp t;
  int64_t la = t.org_id("Northshire County Council"), ha = t.org_id("Riverside Homes Housing Association"),
          east = t.org_id("Eastbrook Housing Trust");
  Client p(t);
  p.sign_in("provider@northshire.example");
  EXPECT_EQ(p.get("/organisations/" + id(la) + "/managing-agents").status, 200);
  EXPECT_EQ(p.post("/organisations/" + id(la) + "/managing-agents/add", {{"related_organisation_id", id(east)}}).status, 403);
  EXPECT_EQ(p.post("/organisations/" + id(la) + "/managing-agents/" + id(ha) + "/remove", {}).status, 403);
  Client other(t);
  other.sign_in("coordinator@eastbrook.example");
  EXPECT_EQ(other.post("/organisations/" + id(la) + "/managing-agents/" + id(ha) + "/remove", {}).status, 404);
  auto conn = t.conn();
  EXPECT_TRUE(accounts::store::relationship_exists(*conn, la, ha));
  EXPECT_FALSE(accounts::store::relationship_exists(*conn, la, east));
}

TEST(DataSharingAgreement, OnlyTheDpoAcceptsAndASnapshotIsKept) {
  TestApp t;
  int64_t east = t.org_id("Eastbrook Housing Trust");
  {
    auto conn = t.conn();
    EXPECT_FALSE(accounts::permissions::organisation_can_create_logs(*accounts::store::find_organisation(*conn, east)));
  }
  Client s(t);
  s.sign_in("support@example.gov.uk");
  EXPECT_EQ(s.post("/organisations/" + id(east) + "/data-sharing-agreement", {}).status, 403) << "support is not the DPO";
  Client dpo(t);
  dpo.sign_in("coordinator@eastbrook.example");
  auto page = dpo.get("/organisations/" + id(east) + "/data-sharing-agreement");
  EXPECT_TRUE(contains(page.body, "Accept this agreement"));
  EXPECT_EQ(dpo.post("/organisations/" + id(east) + "/data-sharing-agreement", {}).status, 303);
  auto after = dpo.get("/organisations/" + id(east) + "/data-sharing-agreement");
  EXPECT_TRUE(contains(after.body, "Accepted on"));
  EXPECT_TRUE(contains(after.body, "Eve Unsigned"));
  EXPECT_FALSE(contains(after.body, "Accept this agreement"));
  auto conn = t.conn();
  auto dsa = accounts::store::find_data_sharing_agreement(*conn, east);
  ASSERT_TRUE(dsa);
  EXPECT_EQ(dsa->dpo_email, "coordinator@eastbrook.example");
  EXPECT_EQ(dsa->organisation_name, "Eastbrook Housing Trust");
  EXPECT_EQ(dsa->organisation_phone, "01632 960 003");
  EXPECT_TRUE(accounts::permissions::organisation_can_create_logs(*accounts::store::find_organisation(*conn, east)));
  EXPECT_EQ(accounts::store::audit_rows(*conn, "organisation", east).back().action,
            "organisation.data_sharing_agreement_accepted");
  EXPECT_EQ(dpo.post("/organisations/" + id(east) + "/data-sharing-agreement", {}).status, 403) << "only once";
}

TEST(DataSharingAgreement, NonDpoMembersCannotAccept) {
  TestApp t;
  int64_t east = t.org_id("Eastbrook Housing Trust");
  {
    auto conn = t.conn();
    accounts::store::NewUser nu{east, "Non Dpo", "nondpo@eastbrook.example", "", accounts::Role::Coordinator,
                                false, false, accounts::passwords::hash("Housing-Demo-2026"), true};
    accounts::store::create_user(*conn, nu);
  }
  Client c(t);
  c.sign_in("nondpo@eastbrook.example");
  auto page = c.get("/organisations/" + id(east) + "/data-sharing-agreement");
  EXPECT_FALSE(contains(page.body, "Accept this agreement"));
  EXPECT_TRUE(contains(page.body, "Eve Unsigned")) << "names the DPOs who can";
  EXPECT_EQ(c.post("/organisations/" + id(east) + "/data-sharing-agreement", {}).status, 403);
  auto conn = t.conn();
  EXPECT_FALSE(accounts::store::find_data_sharing_agreement(*conn, east));
}
