// Small text helpers shared by the HTTP layer and the stored answers.
#pragma once
#include <cstddef>
#include <string>

namespace core::util {

// The value of a hexadecimal digit, or -1.
int hex_value(char c);
// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// beyond U+10FFFF) that starts at s[i], or 0 if the bytes there are not one.
size_t utf8_sequence(const std::string& s, size_t i);
bool valid_utf8(const std::string& s);

}  // namespace core::util
