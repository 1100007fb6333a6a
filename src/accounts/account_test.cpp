// Password reset, invitations, changing your password and your details.
#include <gtest/gtest.h>

#include "accounts/store.h"
#include "test_app.h"
#include "util/time.h"

using namespace core;
using test::Client;
using test::TestApp;

namespace {
using test::contains;
std::string token_in(const std::string& email) {
  auto link = test::first_link(email);
  auto p = link.find("token=");
  return p == std::string::npos ? "" : link.substr(p + 6);
}
const char* kNew = "Gable-Window-77";
}  // namespace

TEST(PasswordReset, SameReplyWhetherOrNotTheEmailExists) {
  TestApp t;
  Client c(t);
  auto known = c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  auto unknown = c.post("/account/password/new", {{"email", "nobody@northshire.example"}});
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(unknown.status, 200);
  auto strip = [](std::string body, const std::string& email) {
    for (size_t p; (p = body.find(email)) != std::string::npos;) body.erase(p, email.size());
    return body;
  };
  EXPECT_EQ(strip(known.body, "provider@northshire.example"), strip(unknown.body, "nobody@northshire.example"));
  EXPECT_EQ(t.emails().size(), 1u) << "only the real account gets an email";
}

TEST(PasswordReset, LinkWorksOnceAndSignsOutOtherSessions) {
  TestApp t;
  Client other(t);
  other.sign_in("provider@northshire.example");
  Client c(t);
  c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  std::string token = token_in(t.last_email_to("provider@northshire.example"));
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(c.get("/account/password/reset?token=" + token).status, 200);
  auto r = c.post("/account/password/reset", {{"token", token}, {"password", kNew}, {"password_confirmation", kNew}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(c.post("/account/password/reset", {{"token", token}, {"password", "Other-Window-88"}, {"password_confirmation", "Other-Window-88"}}).status, 404);
  EXPECT_EQ(c.get("/account/password/reset?token=" + token).status, 404);
  EXPECT_EQ(other.get("/account").status, 303) << "sessions elsewhere end";
  EXPECT_EQ(c.sign_in("provider@northshire.example", "Housing-Demo-2026").status, 422);
  EXPECT_EQ(c.sign_in("provider@northshire.example", kNew).status, 303);
}

TEST(PasswordReset, ExpiredOrForgedLinksDoNothing) {
  TestApp t;
  Client c(t);
  c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  std::string token = token_in(t.last_email_to("provider@northshire.example"));
  {
    auto conn = t.conn();
    conn->exec("UPDATE user_tokens SET expires_at = ?", {util::iso_from_seconds(util::now_seconds() - 1)});
  }
  auto r = c.post("/account/password/reset", {{"token", token}, {"password", kNew}, {"password_confirmation", kNew}});
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(contains(r.body, "expired"));
  EXPECT_EQ(c.post("/account/password/reset", {{"token", std::string(64, 'f')}, {"password", kNew}, {"password_confirmation", kNew}}).status, 404);
  EXPECT_EQ(c.get("/account/password/reset").status, 404);
  EXPECT_EQ(c.sign_in("provider@northshire.example").status, 303) << "the old password still works";
}

TEST(PasswordReset, NewPasswordMustFollowThePolicyAndMatch) {
  TestApp t;
  Client c(t);
  c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  std::string token = token_in(t.last_email_to("provider@northshire.example"));
  auto weak = c.post("/account/password/reset", {{"token", token}, {"password", "short"}, {"password_confirmation", "short"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_TRUE(contains(weak.body, "at least 9 characters"));
  auto mismatch = c.post("/account/password/reset", {{"token", token}, {"password", kNew}, {"password_confirmation", "Gable-Window-78"}});
  EXPECT_TRUE(contains(mismatch.body, "Passwords do not match"));
  auto reused = c.post("/account/password/reset", {{"token", token}, {"password", "Housing-Demo-2026"}, {"password_confirmation", "Housing-Demo-2026"}});
  EXPECT_TRUE(contains(reused.body, "last 3 passwords"));
  EXPECT_EQ(c.sign_in("provider@northshire.example").status, 303) << "nothing changed";
}

TEST(PasswordReset, RequestsAreThrottled) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.post("/account/password/new", {{"email", "provider@northshire.example"}}).status, 200);
  auto r = c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(t.emails().size(), 5u);
  // Throttled the same way for addresses with no account.
  for (int i = 0; i < 5; ++i) c.post("/account/password/new", {{"email", "ghost@northshire.example"}});
  EXPECT_EQ(c.post("/account/password/new", {{"email", "ghost@northshire.example"}}).status, 429);
}

TEST(PasswordReset, MalformedEmailGetsAFieldError) {
  TestApp t;
  Client c(t);
  auto r = c.post("/account/password/new", {{"email", "not an email"}});
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "govuk-error-summary"));
  EXPECT_TRUE(t.emails().empty());
}

TEST(ChangePassword, NeedsTheCurrentPasswordAndKeepsHistory) {
  TestApp t;
  Client c(t);
  c.sign_in("provider@northshire.example");
  auto wrong = c.post("/account/change-password", {{"current_password", "Nope-Nope-123"}, {"password", kNew}, {"password_confirmation", kNew}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_TRUE(contains(wrong.body, "not your current password"));
  auto ok = c.post("/account/change-password", {{"current_password", "Housing-Demo-2026"}, {"password", kNew}, {"password_confirmation", kNew}});
  EXPECT_EQ(ok.status, 303);
  auto after = c.get("/account");
  EXPECT_EQ(after.status, 200) << "still signed in after changing it";
  EXPECT_TRUE(contains(after.body, "Your password has been changed"));
  EXPECT_FALSE(contains(c.get("/account").body, "Your password has been changed")) << "the banner shows once";
  // The last 3 passwords cannot be reused.
  auto again = c.post("/account/change-password", {{"current_password", kNew}, {"password", "Housing-Demo-2026"}, {"password_confirmation", "Housing-Demo-2026"}});
  EXPECT_TRUE(contains(again.body, "last 3 passwords"));
  std::string p3 = "Third-Window-33", p4 = "Fourth-Window-44";
  EXPECT_EQ(c.post("/account/change-password", {{"current_password", kNew}, {"password", p3}, {"password_confirmation", p3}}).status, 303);
  EXPECT_EQ(c.post("/account/change-password", {{"current_password", p3}, {"password", p4}, {"password_confirmation", p4}}).status, 303);
  // Demo password is now 4 passwords ago, so it may be used again.
  EXPECT_EQ(c.post("/account/change-password", {{"current_password", p4}, {"password", "Housing-Demo-2026"}, {"password_confirmation", "Housing-Demo-2026"}}).status, 303);
}

TEST(AccountDetails, EditingValidatesAndIsAudited) {
  TestApp t;
  Client c(t);
  c.sign_in("provider@northshire.example");
  auto bad = c.post("/account/edit", {{"name", ""}, {"email", "coordinator@northshire.example"}, {"phone", "call me"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_TRUE(contains(bad.body, "Enter a name"));
  EXPECT_TRUE(contains(bad.body, "already exists"));
  EXPECT_TRUE(contains(bad.body, "Enter a telephone number"));
  EXPECT_TRUE(contains(bad.body, "value=\"call me\"")) << "what was typed is kept";
  auto ok = c.post("/account/edit", {{"name", "Patricia Provider"}, {"email", "pat@northshire.example"}, {"phone", "01632 960 111"}});
  EXPECT_EQ(ok.status, 303);
  auto page = c.get("/account");
  EXPECT_TRUE(contains(page.body, "Patricia Provider"));
  EXPECT_TRUE(contains(page.body, "Your details have been updated"));
  auto conn = t.conn();
  auto rows = accounts::store::audit_rows(*conn, "user", t.user_id("pat@northshire.example"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().action, "user.updated");
  EXPECT_TRUE(contains(rows.back().details, "Pat Provider"));
  EXPECT_TRUE(contains(rows.back().details, "Patricia Provider"));
}

TEST(Invitations, CoordinatorInvitesAndTheInviteeSetsAPassword) {
  TestApp t;
  Client coord(t);
  coord.sign_in("coordinator@northshire.example");
  auto r = coord.post("/users/new", {{"name", "Nia New"}, {"email", "nia@northshire.example"}, {"role", "provider"},
                                      {"is_dpo", "0"}, {"is_key_contact", "0"}});
  ASSERT_EQ(r.status, 303) << r.body;
  int64_t id = t.user_id("nia@northshire.example");
  ASSERT_GT(id, 0);
  {
    auto conn = t.conn();
    auto u = accounts::store::find_user(*conn, id);
    EXPECT_EQ(u->status(), "unconfirmed");
    EXPECT_EQ(u->organisation_id, t.org_id("Northshire County Council"));
  }
  std::string email = t.last_email_to("nia@northshire.example");
  ASSERT_FALSE(email.empty());
  std::string token = token_in(email);
  Client nia(t);
  EXPECT_EQ(nia.sign_in("nia@northshire.example", "whatever-Aa1").status, 422);
  EXPECT_EQ(nia.get("/account/invitation?token=" + token).status, 200);
  auto set = nia.post("/account/invitation", {{"token", token}, {"password", kNew}, {"password_confirmation", kNew}});
  EXPECT_EQ(set.status, 303);
  EXPECT_EQ(set.header("Location"), "/account");
  EXPECT_EQ(nia.get("/account").status, 200) << "signed in after setting the password";
  EXPECT_EQ(nia.get("/account/invitation?token=" + token).status, 404) << "single use";
  Client again(t);
  EXPECT_EQ(again.sign_in("nia@northshire.example", kNew).status, 303);
}

TEST(Invitations, ResendReplacesTheLinkAndExpiredLinksFail) {
  TestApp t;
  Client coord(t);
  coord.sign_in("coordinator@northshire.example");
  coord.post("/users/new", {{"name", "Nia New"}, {"email", "nia@northshire.example"}, {"role", "provider"},
                            {"is_dpo", "0"}, {"is_key_contact", "0"}});
  int64_t id = t.user_id("nia@northshire.example");
  std::string first = token_in(t.last_email_to("nia@northshire.example"));
  EXPECT_EQ(coord.post("/users/" + std::to_string(id) + "/resend-invite", {}).status, 303);
  std::string second = token_in(t.last_email_to("nia@northshire.example"));
  EXPECT_NE(first, second);
  Client nia(t);
  EXPECT_EQ(nia.get("/account/invitation?token=" + first).status, 404) << "the old link stops working";
  EXPECT_EQ(nia.get("/account/invitation?token=" + second).status, 200);
  {
    auto conn = t.conn();
    conn->exec("UPDATE user_tokens SET expires_at = ?", {util::iso_from_seconds(util::now_seconds() - 1)});
  }
  EXPECT_EQ(nia.get("/account/invitation?token=" + second).status, 404);
  // Once confirmed, there is nothing to resend.
  EXPECT_EQ(coord.post("/users/" + std::to_string(t.user_id("provider@northshire.example")) + "/resend-invite", {}).status, 400);
}

TEST(Invitations, ProvidersCannotInvite) {
  TestApp t;
  Client p(t);
  p.sign_in("provider@northshire.example");
  EXPECT_EQ(p.get("/users/new").status, 403);
  auto r = p.post("/users/new", {{"name", "X"}, {"email", "x@northshire.example"}, {"role", "provider"}, {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(t.user_id("x@northshire.example"), 0);
  EXPECT_TRUE(t.emails().empty());
}
