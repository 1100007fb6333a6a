#include "util/postcode.h"

#include <cctype>

namespace core::util {

std::string normalise_postcode(const std::string& postcode) {
  std::string s;
  for (char c : postcode)
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.size() > 3) s.insert(s.size() - 3, " ");
  return s;
}

// "A9 9AA", "A99 9AA", "A9A 9AA", "AA9 9AA", "AA99 9AA", "AA9A 9AA": one or two letters, a digit, an
// optional letter or digit (the outward code), a space, a digit and two letters (the inward code).
bool valid_postcode(const std::string& normalised) {
  const std::string& s = normalised;
  auto letter = [&](size_t i) { return i < s.size() && s[i] >= 'A' && s[i] <= 'Z'; };
  auto digit = [&](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
  if (s.size() < 6 || s.size() > 8) return false;
  size_t in = s.size() - 4;  // the space before the inward code
  if (s[in] != ' ' || !digit(in + 1) || !letter(in + 2) || !letter(in + 3)) return false;
  size_t i = 0;
  if (!letter(i++)) return false;
  if (letter(i)) ++i;
  if (!digit(i++)) return false;
  if (i < in && (letter(i) || digit(i))) ++i;
  return i == in;
}

}  // namespace core::util
