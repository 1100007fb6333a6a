// Sign-in, sessions, lockout, CSRF and security headers, through the whole web pipeline.
#include <gtest/gtest.h>

#include "accounts/store.h"
#include "test_app.h"
#include "util/crypto.h"
#include "util/time.h"

using namespace core;
using test::Client;
using test::TestApp;

namespace {
using test::contains;
std::string cookie_header(const web::Response& r) { return r.header("Set-Cookie"); }
}  // namespace

TEST(SignIn, PageHasTheFormFieldsAndAToken) {
  TestApp t;
  Client c(t);
  auto r = c.get("/account/sign-in");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "name=\"email\""));
  EXPECT_TRUE(contains(r.body, "name=\"password\""));
  EXPECT_EQ(test::input_value(r.body, "csrf_token").size(), 64u);
  EXPECT_TRUE(contains(r.body, "Submit social housing lettings and sales data (CORE)"));
}

TEST(SignIn, RightPasswordSignsInAndRotatesTheSession) {
  TestApp t;
  Client c(t);
  c.get("/account/sign-in");
  std::string before = c.cookies["core_session"];
  auto r = c.sign_in("coordinator@northshire.example");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location"), "/") << "everyone lands on the home page";
  EXPECT_NE(c.cookies["core_session"], before) << "the session id changes at sign-in";
  auto set = cookie_header(r);
  EXPECT_TRUE(contains(set, "HttpOnly"));
  EXPECT_TRUE(contains(set, "SameSite=Lax"));
  EXPECT_FALSE(contains(set, "Secure")) << "only when configured for TLS";
  EXPECT_EQ(c.get("/account").status, 200);
  auto conn = t.conn();
  auto u = accounts::store::find_user_by_email(*conn, "coordinator@northshire.example");
  EXPECT_EQ(u->sign_in_count, 1);
  EXPECT_TRUE(u->last_sign_in_at.has_value());
  EXPECT_EQ(conn->query("SELECT id FROM audit_events WHERE action = 'sign_in' AND subject_id = ?", {u->id}).size(), 1u);
}

TEST(SignIn, EmailIsCaseInsensitive) {
  TestApp t;
  Client c(t);
  EXPECT_EQ(c.sign_in("Coordinator@NorthShire.example").status, 303);
}

TEST(SignIn, WrongPasswordAndUnknownEmailGiveTheSameMessage) {
  TestApp t;
  Client c(t);
  auto wrong = c.sign_in("coordinator@northshire.example", "Not-The-Password-1");
  auto unknown = c.sign_in("nobody@northshire.example", "Not-The-Password-1");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(contains(wrong.body, "Incorrect email or password"));
  EXPECT_TRUE(contains(unknown.body, "Incorrect email or password"));
  EXPECT_TRUE(contains(wrong.body, "govuk-error-summary"));
  EXPECT_EQ(c.get("/account").status, 303) << "still signed out";
  auto conn = t.conn();
  EXPECT_EQ(conn->query("SELECT id FROM audit_events WHERE action = 'sign_in.failed'").size(), 2u);
}

TEST(SignIn, EmptyAndMalformedFieldsGetFieldErrors) {
  TestApp t;
  Client c(t);
  auto r = c.sign_in("", "");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "Enter an email address"));
  EXPECT_TRUE(contains(r.body, "Enter a password"));
  EXPECT_TRUE(contains(r.body, "href=\"#email\""));
  r = c.sign_in("not-an-email", "x");
  EXPECT_TRUE(contains(r.body, "correct format"));
}

TEST(Lockout, ThreeWrongPasswordsLockEvenAgainstTheRightOne) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(contains(c.sign_in("provider@northshire.example", "Wrong-Pass-99").body, "Incorrect"));
  auto third = c.sign_in("provider@northshire.example", "Wrong-Pass-99");
  EXPECT_TRUE(contains(third.body, "locked")) << third.body;
  auto right = c.sign_in("provider@northshire.example");
  EXPECT_EQ(right.status, 422);
  EXPECT_TRUE(contains(right.body, "locked"));
  auto conn = t.conn();
  auto u = accounts::store::find_user_by_email(*conn, "provider@northshire.example");
  ASSERT_TRUE(u->locked_until);
  int64_t minutes = (util::seconds_from_iso(*u->locked_until) - util::now_seconds() + 30) / 60;
  EXPECT_EQ(minutes, 30);
}

TEST(Lockout, EndsAfterThirtyMinutes) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 3; ++i) c.sign_in("provider@northshire.example", "Wrong-Pass-99");
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET locked_until = ? WHERE email = 'provider@northshire.example'",
               {util::iso_from_seconds(util::now_seconds() - 1)});
    accounts::store::users_changed();  // changed behind the store's back
  }
  EXPECT_EQ(c.sign_in("provider@northshire.example").status, 303);
}

TEST(Lockout, UnknownEmailsAlsoLockSoRepliesRevealNothing) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 2; ++i) c.sign_in("ghost@northshire.example", "Wrong-Pass-99");
  EXPECT_TRUE(contains(c.sign_in("ghost@northshire.example", "Wrong-Pass-99").body, "locked"));
}

TEST(Lockout, PasswordResetUnlocks) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 3; ++i) c.sign_in("provider@northshire.example", "Wrong-Pass-99");
  c.post("/account/password/new", {{"email", "provider@northshire.example"}});
  std::string link = test::first_link(t.last_email_to("provider@northshire.example"));
  ASSERT_FALSE(link.empty());
  std::string token = link.substr(link.find("token=") + 6);
  auto r = c.post("/account/password/reset", {{"token", token}, {"password", "Gable-Window-77"}, {"password_confirmation", "Gable-Window-77"}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(c.sign_in("provider@northshire.example", "Gable-Window-77").status, 303);
}

TEST(Sessions, DeactivatedUsersCannotSignIn) {
  TestApp t;
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET active = 0 WHERE email = 'provider@northshire.example'");
    accounts::store::users_changed();  // changed behind the store's back
  }
  Client c(t);
  auto r = c.sign_in("provider@northshire.example");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(contains(r.body, "deactivated"));
}

TEST(Sessions, IdleSessionsExpire) {
  TestApp t;
  Client c(t);
  c.sign_in("provider@northshire.example");
  EXPECT_EQ(c.get("/account").status, 200);
  {
    auto conn = t.conn();
    conn->exec("UPDATE sessions SET last_seen_at = ?", {util::iso_from_seconds(util::now_seconds() - 61 * 60)});
  }
  auto r = c.get("/account");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.header("Location").rfind("/account/sign-in", 0), 0u);
  EXPECT_NE(r.header("Location").find("expired=1"), std::string::npos);
  EXPECT_TRUE(contains(c.get(r.header("Location")).body, "inactive for too long"));
  EXPECT_EQ(t.count("sessions"), 0);
}

TEST(Sessions, SignOutEndsTheSession) {
  TestApp t;
  Client c(t);
  c.sign_in("provider@northshire.example");
  std::string old = c.cookies["core_session"];
  auto r = c.get("/account/sign-out?token=" + c.csrf());
  EXPECT_EQ(r.status, 303);
  EXPECT_NE(c.cookies["core_session"], old);
  EXPECT_EQ(c.get("/account").status, 303);
  // The old cookie no longer works either.
  Client stale(t);
  stale.cookies["core_session"] = old;
  EXPECT_EQ(stale.get("/account").status, 303);
}

TEST(Sessions, SignOutWithoutTokenAsksFirst) {
  TestApp t;
  Client c(t);
  c.sign_in("provider@northshire.example");
  auto r = c.get("/account/sign-out");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(c.get("/account").status, 200) << "a plain link from elsewhere does not sign anyone out";
  EXPECT_EQ(c.post("/account/sign-out", {}).status, 303);
  EXPECT_EQ(c.get("/account").status, 303);
}

TEST(Sessions, ReturnToOnlyAllowsLocalPaths) {
  TestApp t;
  Client c(t);
  auto page = c.get("/account/sign-in");
  auto r = c.post("/account/sign-in", {{"email", "provider@northshire.example"}, {"password", "Housing-Demo-2026"},
                                        {"return_to", "//evil.example/x"}});
  EXPECT_EQ(r.header("Location"), "/");
  Client d(t);
  r = d.post("/account/sign-in", {{"email", "provider@northshire.example"}, {"password", "Housing-Demo-2026"},
                                   {"return_to", "/account"}});
  EXPECT_EQ(r.header("Location"), "/account");
}

TEST(Csrf, PostsWithoutOrWithAWrongTokenAreRefusedAndChangeNothing) {
  TestApp t;
  Client c(t);
  c.sign_in("support@example.gov.uk");
  int64_t before = t.count("organisations");
  auto none = c.post("/organisations/new", {{"name", "Forged Homes"}, {"provider_type", "2"}, {"holds_own_stock", "1"}}, false);
  EXPECT_EQ(none.status, 403);
  auto wrong = c.post("/organisations/new", {{"name", "Forged Homes"}, {"provider_type", "2"}, {"holds_own_stock", "1"},
                                             {"csrf_token", std::string(64, 'a')}}, false);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(t.count("organisations"), before);
  // A token from another session does not work either.
  Client other(t);
  other.sign_in("coordinator@northshire.example");
  auto foreign = c.post("/organisations/new", {{"name", "Forged Homes"}, {"provider_type", "2"}, {"holds_own_stock", "1"},
                                               {"csrf_token", other.csrf()}}, false);
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(t.count("organisations"), before);
  // Sign-in itself needs the token.
  Client fresh(t);
  EXPECT_EQ(fresh.post("/account/sign-in", {{"email", "provider@northshire.example"}, {"password", "Housing-Demo-2026"}}, false).status, 403);
}

TEST(Headers, EveryResponseCarriesTheSecurityHeaders) {
  TestApp t;
  Client c(t);
  for (const std::string path : {"/account/sign-in", "/no-such-page", "/assets/govuk-frontend.min.css", "/organisations/abc", "/health"}) {
    auto r = c.get(path);
    auto csp = r.header("Content-Security-Policy");
    if (path.rfind("/assets", 0) != 0) {
      EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << path;
      EXPECT_TRUE(contains(csp, "script-src 'self'")) << path;
      EXPECT_FALSE(contains(csp, "unsafe-inline")) << path;
      EXPECT_FALSE(r.header("Referrer-Policy").empty()) << path;
    }
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << path;
  }
}

TEST(Pages, NoInlineScriptInTheLayout) {
  TestApp t;
  Client c(t);
  auto body = c.get("/account/sign-in").body;
  size_t pos = 0;
  while ((pos = body.find("<script", pos)) != std::string::npos) {
    auto end = body.find('>', pos);
    EXPECT_TRUE(contains(body.substr(pos, end - pos), "src=")) << body.substr(pos, 80);
    pos = end;
  }
}

TEST(Health, ReportsTheDatabase) {
  TestApp t;
  Client c(t);
  auto r = c.get("/health");
  EXPECT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["database"]["status"], "ok");
  EXPECT_EQ(j["database"]["engine"], t.db().dialect() == db::Dialect::SQLite ? "sqlite" : "postgresql");
}

TEST(Pages, UnknownRoutesAndIdsGetGovukNotFound) {
  TestApp t;
  Client c(t);
  c.sign_in("support@example.gov.uk");
  for (const std::string path : {"/nope", "/organisations/abc", "/organisations/0", "/organisations/-1",
                                 "/organisations/99999999999999999999999", "/organisations/424242", "/users/1x",
                                 "/users/999999/edit", "/organisations/1/stock-owners/77777/remove"}) {
    auto r = c.get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_TRUE(contains(r.body, "Page not found")) << path;
    EXPECT_TRUE(contains(r.body, "govuk-template")) << path;
  }
  EXPECT_EQ(c.post("/organisations/abc/edit", {{"name", "x"}}).status, 404);
}

// The signed-in user is kept a second in the process (accounts::store::cached_user); a change made
// through the store is seen by the very next request.
TEST(Sessions, ChangesToTheSignedInUserTakeEffectAtOnce) {
  TestApp t;
  Client c(t);
  ASSERT_EQ(c.sign_in("provider@northshire.example").status, 303);
  EXPECT_EQ(c.get("/account").status, 200);
  int64_t id = t.user_id("provider@northshire.example");
  {
    auto conn = t.conn();
    auto u = accounts::store::cached_user(*conn, id);
    ASSERT_TRUE(u);
    accounts::store::update_user_details(*conn, id, "Renamed Provider", u->email, "");
    EXPECT_EQ(accounts::store::cached_user(*conn, id)->name, "Renamed Provider");
  }
  EXPECT_TRUE(contains(c.get("/account").body, "Renamed Provider"));
  {
    auto conn = t.conn();
    accounts::store::set_user_active(*conn, id, false);  // the sessions are left in place on purpose
  }
  auto r = c.get("/account");
  EXPECT_NE(r.status, 200);
  EXPECT_FALSE(contains(r.body, "Renamed Provider"));
}

// Issue 10, finding 9: browsers drop tabs and line breaks from a Location and read a backslash as
// a slash, so each of these would send the user to another site after signing in.
TEST(Sessions, ReturnToRefusesControlCharactersBackslashesAndSpaces) {
  TestApp t;
  for (const std::string bad : {std::string("/\t/evil.example/x"), std::string("/\n/evil.example"), std::string("/\r/evil.example"),
                                std::string("/ /evil.example"), std::string("/\\evil.example"), std::string("/x\\y"),
                                std::string("/\x7f/evil.example"), std::string("/\x01/evil.example"), std::string("//evil.example"),
                                std::string("https://evil.example/"), std::string("/caf\xc3\xa9"), std::string("evil.example")}) {
    Client c(t);
    auto r = c.post("/account/sign-in", {{"email", "provider@northshire.example"}, {"password", "Housing-Demo-2026"},
                                          {"return_to", bad}});
    ASSERT_EQ(r.status, 303) << bad;
    EXPECT_EQ(r.header("Location"), "/") << bad << " gave " << r.header("Location");
  }
  Client c(t);
  auto page = c.get("/account/sign-in?return_to=/%09/evil.example/x");
  EXPECT_FALSE(contains(page.body, "name=\"return_to\"")) << "not carried into the form either";
  EXPECT_TRUE(contains(c.get("/account/sign-in?return_to=/lettings-logs%3Fpage%3D2").body,
                       "name=\"return_to\" value=\"/lettings-logs?page=2\""));
  auto ok = c.post("/account/sign-in", {{"email", "provider@northshire.example"}, {"password", "Housing-Demo-2026"},
                                         {"return_to", "/lettings-logs?page=2&status=completed"}});
  EXPECT_EQ(ok.header("Location"), "/lettings-logs?page=2&status=completed");
}

namespace {
// Moves every stored sign-in time back by `seconds`, as if that much time had passed.
void age_sign_in_records(TestApp& t, int64_t seconds) {
  auto c = t.conn();
  for (const char* table : {"users", "sign_in_failures"})
    for (const char* column : {"first_failed_at", "locked_until"})
      for (auto& r : c->query(std::string("SELECT ") + (std::string(table) == "users" ? "id" : "key") + ", " + column +
                              " FROM " + table + " WHERE " + column + " IS NOT NULL")) {
        std::string moved = util::iso_from_seconds(util::seconds_from_iso(r.str(1)) - seconds);
        c->exec(std::string("UPDATE ") + table + " SET " + column + " = ? WHERE " +
                    (std::string(table) == "users" ? "id" : "key") + " = ?",
                {moved, std::string(table) == "users" ? db::Value{r.i64(0)} : db::Value{r.str(0)}});
      }
}

// What a failed sign-in answered: "locked", "incorrect" or the status.
std::string outcome(const web::Response& r) {
  if (contains(r.body, "Your account is locked")) return "locked";
  if (contains(r.body, "Incorrect email or password")) return "incorrect";
  return std::to_string(r.status);
}
}  // namespace

// Issue 10, finding 12: a failure weeks after the last must not lock the account.
TEST(Lockout, FailuresOutsideTheLockPeriodStartTheCountAgain) {
  TestApp t;
  Client c(t);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(outcome(c.sign_in("provider@northshire.example", "Wrong-Pass-99")), "incorrect");
  age_sign_in_records(t, 31 * 60);
  EXPECT_EQ(outcome(c.sign_in("provider@northshire.example", "Wrong-Pass-99")), "incorrect")
      << "the earlier failures fall outside the window";
  EXPECT_EQ(outcome(c.sign_in("provider@northshire.example", "Wrong-Pass-99")), "incorrect");
  EXPECT_EQ(outcome(c.sign_in("provider@northshire.example", "Wrong-Pass-99")), "locked") << "three within the window";
  age_sign_in_records(t, 40L * 24 * 3600);
  EXPECT_EQ(c.sign_in("provider@northshire.example").status, 303) << "the lock ends";
}

// The same attempts against a real account and an unknown address get the same answers, in the
// same order, across locks and gaps: the replies do not tell whether an account exists.
TEST(Lockout, UnknownEmailsAreAnsweredExactlyLikeRealAccounts) {
  TestApp t;
  auto script = [&](const std::string& email) {
    Client c(t);
    std::vector<std::string> seen;
    auto attempt = [&] { seen.push_back(outcome(c.sign_in(email, "Wrong-Pass-99"))); };
    attempt();
    attempt();
    age_sign_in_records(t, 31 * 60);  // a long gap: the count starts again
    for (int i = 0; i < 5; ++i) attempt();
    age_sign_in_records(t, 20 * 60);  // still locked
    attempt();
    age_sign_in_records(t, 11 * 60);  // the lock is over
    for (int i = 0; i < 3; ++i) attempt();
    return seen;
  };
  auto real = script("provider@northshire.example");
  auto unknown = script("nobody.at.all@northshire.example");
  EXPECT_EQ(real, (std::vector<std::string>{"incorrect", "incorrect", "incorrect", "incorrect", "locked", "locked", "locked",
                                            "locked", "incorrect", "incorrect", "locked"}));
  EXPECT_EQ(unknown, real);
}

// Issue 10, finding 8: what decides access is read with the session on every request, so a change
// made by another server (here: straight in the database, which this process's caches never hear
// of) counts on the very next request.
TEST(Sessions, ARoleOrOrganisationChangedByAnotherServerCountsOnTheNextRequest) {
  TestApp t;
  int64_t coord = t.user_id("coordinator@northshire.example");
  int64_t la = t.org_id("Northshire County Council"), east = t.org_id("Eastbrook Housing Trust");
  Client c(t);
  ASSERT_EQ(c.sign_in("coordinator@northshire.example").status, 303);
  EXPECT_EQ(c.get("/users/new").status, 200);
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET role = 1 WHERE id = ?", {coord});  // no users_changed(): another process did it
  }
  EXPECT_EQ(c.get("/users/new").status, 403);
  int64_t users = t.count("users");
  auto r = c.post("/users/new", {{"name", "Late Invite"}, {"email", "late@northshire.example"}, {"role", "provider"},
                                 {"is_dpo", "0"}, {"is_key_contact", "0"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(t.count("users"), users);
  EXPECT_TRUE(t.emails().empty());
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET role = 2, organisation_id = ? WHERE id = ?", {east, coord});
  }
  EXPECT_EQ(c.get("/organisations/" + std::to_string(la) + "/users").status, 404) << "no longer a member";
  EXPECT_EQ(c.get("/organisations/" + std::to_string(east) + "/users").status, 200);
  {
    auto conn = t.conn();
    conn->exec("UPDATE users SET active = 0 WHERE id = ?", {coord});
  }
  EXPECT_EQ(c.get("/account").status, 303) << "deactivated elsewhere: signed out at once";
}

// The same-process race: a request reading the user while a change is being committed must not
// keep the old row once the change has committed.
TEST(Sessions, AUserReadWhileAChangeCommitsIsNotKeptAfterTheCommit) {
  TestApp t;
  int64_t coord = t.user_id("coordinator@northshire.example");
  auto writer = t.conn();
  auto reader = t.conn();
  ASSERT_EQ(accounts::store::cached_user(*reader, coord)->role, accounts::Role::Coordinator);
  writer->transaction([&] {
    accounts::store::update_user_admin(*writer, coord, accounts::Role::Provider, false, true);
    // Another request reads meanwhile: it cannot see the uncommitted change yet, and caches the old row.
    EXPECT_EQ(accounts::store::cached_user(*reader, coord)->role, accounts::Role::Coordinator);
  });
  EXPECT_EQ(accounts::store::cached_user(*reader, coord)->role, accounts::Role::Provider)
      << "the commit drops what was read before it";
}

// A sign-in that read the account before wrong passwords tried alongside it locked it is refused.
TEST(Lockout, ARightPasswordRacingALockIsRefused) {
  TestApp t;
  int64_t id = t.user_id("provider@northshire.example");
  auto c = t.conn();
  c->exec("UPDATE users SET locked_until = ? WHERE id = ?", {util::iso_from_seconds(util::now_seconds() + 600), id});
  EXPECT_FALSE(accounts::store::record_sign_in(*c, id));
  auto u = accounts::store::find_user(*c, id);
  EXPECT_EQ(u->sign_in_count, 0);
  EXPECT_TRUE(u->locked_until.has_value()) << "still locked";
  c->exec("UPDATE users SET locked_until = ? WHERE id = ?", {util::iso_from_seconds(util::now_seconds() - 1), id});
  EXPECT_TRUE(accounts::store::record_sign_in(*c, id));
  EXPECT_EQ(accounts::store::find_user(*c, id)->sign_in_count, 1);
}
