#include "accounts/passwords.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "util/paths.h"

namespace core::accounts::passwords {
namespace {
std::atomic<bool> g_min{false};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const std::unordered_set<std::string>& common_list() {
  static std::unordered_set<std::string> list;
  static std::once_flag once;
  std::call_once(once, [] {
    std::ifstream in(resource_root() / "data" / "common-passwords.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      list.insert(lower(line));
    }
  });
  return list;
}
}  // namespace

void configure_from_env() {
  const char* v = std::getenv("CORE_ARGON2");
  g_min = v && std::string(v) == "min";
}

std::string hash(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = g_min ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = g_min ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify(const std::string& h, const std::string& password) {
  if (h.empty()) return false;
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool is_common(const std::string& password) {
  const auto& list = common_list();
  std::string l = lower(password);
  if (list.count(l)) return true;
  // "Password123!" and "Summer2026!" are the same common word with decoration.
  std::string letters;
  for (char c : l)
    if (std::isalpha(static_cast<unsigned char>(c))) letters += c;
  return !letters.empty() && list.count(letters) && letters.size() + 6 >= l.size();
}

std::vector<std::string> policy_errors(const std::string& p) {
  std::vector<std::string> errors;
  if (p.empty()) return {"Enter a password"};
  size_t chars = 0;
  for (unsigned char c : p)
    if ((c & 0xC0) != 0x80) ++chars;
  if (chars < 9) errors.push_back("Password must be at least 9 characters long");
  if (p.size() > 128) errors.push_back("Password must be 128 characters or fewer");
  bool upper = std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::isupper(c); });
  bool low = std::any_of(p.begin(), p.end(), [](unsigned char c) { return std::islower(c); });
  bool special = p.find_first_of("-!@#$()%^&*") != std::string::npos;
  if (!upper) errors.push_back("Password must include at least one capital letter");
  if (!low) errors.push_back("Password must include at least one lower-case letter");
  if (!special) errors.push_back("Password must include at least one of these symbols: - ! @ # $ ( ) % ^ & *");
  if (is_common(p)) errors.push_back("Password is too common. Choose a password that is harder to guess");
  return errors;
}

bool reused(const std::vector<std::string>& recent, const std::string& password) {
  return std::any_of(recent.begin(), recent.end(), [&](const std::string& h) { return verify(h, password); });
}

}  // namespace core::accounts::passwords
