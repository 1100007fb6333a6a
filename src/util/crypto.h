// Random tokens, hashes and MACs (libsodium). Tokens sent to users are stored only as hashes.
#pragma once
#include <string>

namespace core::util {
void crypto_init();                                    // sodium_init(); safe to call more than once
std::string random_token(size_t bytes = 32);           // hex
std::string sha256_hex(const std::string& data);
std::string hmac_sha256_hex(const std::string& key, const std::string& data);
bool constant_time_equal(const std::string& a, const std::string& b);
}  // namespace core::util
