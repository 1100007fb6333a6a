#include "util/crypto.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace core::util {

void crypto_init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

static std::string to_hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

std::string random_token(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), bytes);
  return to_hex(buf.data(), bytes);
}

std::string sha256_hex(const std::string& data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out, sizeof out);
}

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char k[crypto_auth_hmacsha256_KEYBYTES];
  crypto_hash_sha256(k, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size(), k);
  return to_hex(out, sizeof out);
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace core::util
