#include "accounts/passwords.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "util/crypto.h"

using namespace core::accounts;

namespace {
bool has(const std::vector<std::string>& v, const std::string& part) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(part) != std::string::npos; });
}
struct Init {
  Init() {
    core::util::crypto_init();
    setenv("CORE_ARGON2", "min", 0);
    passwords::configure_from_env();
  }
} init;
}  // namespace

TEST(Passwords, HashesWithArgon2idAndVerifies) {
  auto h = passwords::hash("Gable-Window-77");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(passwords::verify(h, "Gable-Window-77"));
  EXPECT_FALSE(passwords::verify(h, "Gable-Window-78"));
  EXPECT_FALSE(passwords::verify("", "anything"));
  EXPECT_NE(passwords::hash("Gable-Window-77"), h) << "each hash has its own salt";
}

TEST(PasswordPolicy, AcceptsAStrongPassword) { EXPECT_TRUE(passwords::policy_errors("Gable-Window-77").empty()); }

TEST(PasswordPolicy, EachRuleHasItsOwnMessage) {
  EXPECT_TRUE(has(passwords::policy_errors("Ab-1"), "at least 9 characters"));
  EXPECT_TRUE(has(passwords::policy_errors("gable-window-77"), "capital letter"));
  EXPECT_TRUE(has(passwords::policy_errors("GABLE-WINDOW-77"), "lower-case letter"));
  EXPECT_TRUE(has(passwords::policy_errors("GableWindow77"), "symbols"));
  EXPECT_EQ(passwords::policy_errors(""), std::vector<std::string>{"Enter a password"});
}

TEST(PasswordPolicy, EightCharactersIsTooShortNineIsEnough) {
  EXPECT_TRUE(has(passwords::policy_errors("Gable-W7"), "at least 9"));
  EXPECT_FALSE(has(passwords::policy_errors("Gable-W77"), "at least 9"));
}

TEST(PasswordPolicy, RefusesCommonPasswordsAndDecoratedCommonWords) {
  EXPECT_TRUE(passwords::is_common("Password123!"));
  EXPECT_TRUE(passwords::is_common("P@ssw0rd"));
  EXPECT_TRUE(passwords::is_common("Welcome-2026"));
  EXPECT_TRUE(has(passwords::policy_errors("Password123!"), "too common"));
  EXPECT_FALSE(passwords::is_common("Gable-Window-77"));
  EXPECT_FALSE(passwords::is_common("Tenant-house-2026"));
}

TEST(PasswordPolicy, ReuseIsCheckedAgainstTheGivenHashes) {
  std::vector<std::string> recent = {passwords::hash("First-Pass-001"), passwords::hash("Second-Pass-002")};
  EXPECT_TRUE(passwords::reused(recent, "Second-Pass-002"));
  EXPECT_FALSE(passwords::reused(recent, "Third-Pass-003"));
}
