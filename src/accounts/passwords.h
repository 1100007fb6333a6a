// Password hashing (argon2id, libsodium) and the password policy.
// Policy: at least 9 characters; upper- and lower-case letters; one of -!@#$()%^&*; not one of
// the user's last 3 passwords; not on the list of common passwords (data/common-passwords.txt).
#pragma once
#include <string>
#include <vector>

namespace core::accounts::passwords {

// "interactive" (default, 64 MiB) or "min" (tests and benches only: still argon2id, cheaper).
// Read from CORE_ARGON2 at start-up.
void configure_from_env();
std::string hash(const std::string& password);
bool verify(const std::string& hash, const std::string& password);

// The messages of every rule the password breaks (empty when it is acceptable), not counting
// reuse, which needs the stored hashes: see reused().
std::vector<std::string> policy_errors(const std::string& password);
bool reused(const std::vector<std::string>& recent_hashes, const std::string& password);
inline const char* kReusedMessage = "Enter a password you have not used before. You cannot use any of your last 3 passwords";
bool is_common(const std::string& password);

}  // namespace core::accounts::passwords
