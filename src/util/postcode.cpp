#include "util/postcode.h"

#include <cctype>
#include <regex>

namespace core::util {

std::string normalise_postcode(const std::string& postcode) {
  std::string s;
  for (char c : postcode)
    if (!std::isspace(static_cast<unsigned char>(c))) s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (s.size() > 3) s.insert(s.size() - 3, " ");
  return s;
}

bool valid_postcode(const std::string& normalised) {
  static const std::regex re(R"(^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$)");
  return std::regex_match(normalised, re);
}

}  // namespace core::util
