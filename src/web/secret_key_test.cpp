// Issue 11, finding 5: CORE_SECRET_KEY set on one server of two broke every CSRF token between
// them without a word. The server now warns at start-up when its key cannot be the others'.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "accounts/sessions.h"
#include "accounts/store.h"
#include "test_app.h"
#include "util/paths.h"
#include "web/app.h"

using namespace core;
using test::contains;

namespace {
// Builds a second App on the test's database with CORE_SECRET_KEY as given ("" unset) and returns
// what it wrote to stderr.
std::string start_up_output(test::TestApp& t, const std::string& env_key) {
  if (env_key.empty()) unsetenv("CORE_SECRET_KEY");
  else setenv("CORE_SECRET_KEY", env_key.c_str(), 1);
  std::ostringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  try {
    web::Templates templates(resource_root() / "templates");
    mail::FileMailer mailer(t.mail_dir(), "CORE <noreply@core.test>");
    web::App app(web::Config{}, t.db(), accounts::sessions(), templates, mailer);
  } catch (...) {
    std::cerr.rdbuf(old);
    unsetenv("CORE_SECRET_KEY");
    throw;
  }
  std::cerr.rdbuf(old);
  unsetenv("CORE_SECRET_KEY");
  return captured.str();
}
}  // namespace

TEST(SecretKey, NoWarningWhenNoServerSetsIt) {
  EXPECT_EQ(web::secret_key_warning("", std::string("kept"), std::nullopt), "");
  EXPECT_EQ(web::secret_key_warning("", std::nullopt, std::nullopt), "");
}

TEST(SecretKey, WarnsWhenTheConfiguredKeyDiffersFromTheKeptOne) {
  std::string w = web::secret_key_warning("mine", std::string("kept"), std::nullopt);
  EXPECT_TRUE(contains(w, "CORE_SECRET_KEY differs from the secret key kept in the database")) << w;
  EXPECT_TRUE(contains(w, "on every server that shares this database, or on none")) << w;
  EXPECT_EQ(web::secret_key_warning("kept", std::string("kept"), std::nullopt), "") << "the same key is fine";
  EXPECT_EQ(web::secret_key_warning("mine", std::nullopt, web::secret_key_fingerprint("mine")), "");
}

TEST(SecretKey, WarnsWhenTwoServersHaveDifferentKeysOrOnlyOneHasOne) {
  auto other = web::secret_key_fingerprint("theirs");
  EXPECT_TRUE(contains(web::secret_key_warning("mine", std::nullopt, other), "another server on this database"));
  EXPECT_TRUE(contains(web::secret_key_warning("", std::string("kept"), other), "CORE_SECRET_KEY is not set here"));
  EXPECT_EQ(web::secret_key_warning("", std::string("kept"), web::secret_key_fingerprint("kept")), "");
  EXPECT_NE(web::secret_key_fingerprint("theirs"), "theirs");
}

TEST(SecretKey, TheAppWarnsOnStderrAtStartUp) {
  test::TestApp t(false);  // its App generated and kept a key
  EXPECT_EQ(start_up_output(t, ""), "") << "a second server without the key agrees with the first";
  std::string out = start_up_output(t, "a-key-only-this-server-has");
  EXPECT_TRUE(contains(out, "warning: CORE_SECRET_KEY differs from the secret key kept in the database")) << out;
  // The other order: the key-holding server started, then one without it.
  out = start_up_output(t, "");
  EXPECT_TRUE(contains(out, "CORE_SECRET_KEY is not set here, but a server on this database was started with it")) << out;
  // The kept key itself is not replaced by the configured one, and the fingerprint does not reveal it.
  auto c = t.conn();
  auto kept = accounts::store::setting(*c, "secret_key");
  ASSERT_TRUE(kept);
  EXPECT_NE(*kept, "a-key-only-this-server-has");
  EXPECT_EQ(accounts::store::setting(*c, "secret_key_env_fingerprint"), web::secret_key_fingerprint("a-key-only-this-server-has"));
}
