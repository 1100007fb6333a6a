// English local authorities active in the collection year, from data/local-authorities-england-2026.csv.
#pragma once
#include <string>
#include <vector>

namespace core::schemes {
struct LocalAuthority {
  std::string code, name;
};
// Sorted by name. Loaded once.
const std::vector<LocalAuthority>& local_authorities();
// The name for a code, or "" when the code is not an active English local authority.
std::string local_authority_name(const std::string& code);
}  // namespace core::schemes
