// UK postcodes: normalised to upper case with one space before the last three characters.
#pragma once
#include <string>

namespace core::util {
std::string normalise_postcode(const std::string& postcode);
// Whether a normalised postcode has the shape of a UK postcode (e.g. "SW1A 1AA", "M1 1AE").
bool valid_postcode(const std::string& normalised);
}  // namespace core::util
