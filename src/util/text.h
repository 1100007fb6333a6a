// Small text helpers shared by the HTTP layer and the stored answers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core::util {

// The value of a hexadecimal digit, or -1.
int hex_value(char c);
// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// beyond U+10FFFF) that starts at s[i], or 0 if the bytes there are not one.
size_t utf8_sequence(const std::string& s, size_t i);
bool valid_utf8(const std::string& s);
// Appends a code point (at most U+10FFFF) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

// --- readers for what users send: they never throw and never backtrack.
// A whole number: an optional '-', then 1 to 18 digits, nothing else (no spaces, no '+').
std::optional<int64_t> parse_int64(std::string_view s);
// A positive id as it appears in a form or a path: 1 to 18 digits, not 0.
std::optional<int64_t> parse_id(std::string_view s);
// A decimal number as typed into a number box: digits, optionally '.' and digits, at most 15
// significant digits before the point and 15 after (so every value is exactly what was typed
// to the pence and fits a double); nothing else.
std::optional<double> parse_decimal(std::string_view s);

// Why a single-line text (a name, a code, a typed answer) cannot be stored, as the end of a
// sentence ("must not contain line breaks or other control characters"), or nullptr when it can.
// Refused: invalid UTF-8, control characters (U+0000-U+001F, U+007F-U+009F) and the characters
// that reorder text on screen (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
const char* single_line_problem(const std::string& s);
// ASCII letters folded to lower or upper case (other bytes, UTF-8 included, as they are).
std::string ascii_lower(std::string s);
std::string ascii_upper(std::string s);
// "300,000": a count with thousands separated by commas, as GOV.UK writes numbers.
std::string thousands(int64_t n);
// The text without the spaces, tabs, CRs and LFs at either end.
std::string trim_blanks(std::string_view s);

// A label as it reads inside a sentence: "Housing benefit" -> "housing benefit", but "UPRN" and
// "LA" stay as they are.
std::string lower_first_word(std::string s);

}  // namespace core::util
