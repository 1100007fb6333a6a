// For tests that run once per kind of log (lettings, sales, any added later):
//   class X : public ::testing::TestWithParam<std::string> {};
//   INSTANTIATE_TEST_SUITE_P(EveryKind, X, ::testing::ValuesIn(core::test::kind_types()), core::test::KindName());
// The kinds are read from the source tree's forms (CORE_ROOT, else the tree the tests were built
// from), also when ctest lists the tests from the build folder.
#pragma once
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

#include "logs/kinds.h"

namespace core::test {

inline std::vector<std::string> kind_types() {
  if (const char* root = std::getenv("CORE_ROOT"); !root || !*root) setenv("CORE_ROOT", CORE_SOURCE_DIR, 1);
  std::vector<std::string> out;
  for (auto& k : logs::kinds()) out.push_back(k.type);
  return out;
}

// A question's label as a message names it mid-sentence ("Needs type" -> "needs type"; "UPRN" stays).
inline std::string in_sentence(std::string s) {
  if (s.size() > 1 && std::isupper(static_cast<unsigned char>(s[0])) && !std::isupper(static_cast<unsigned char>(s[1])))
    s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

struct KindName {
  std::string operator()(const ::testing::TestParamInfo<std::string>& i) const { return i.param; }
};

}  // namespace core::test
