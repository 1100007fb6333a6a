#!/usr/bin/env bash
# Checks over the source tree that keep classes of bug from coming back (issue 10):
# - no std::regex outside tests: ECMAScript regexes recurse per character in libstdc++, so a long
#   answer overflowed the stack and killed the server; what users send is read by hand-written,
#   non-backtracking code (util/text.h, the phrase matcher in expr/builtins.cpp);
# - no throwing or overflowing number parse (std::stoi/stol/stoll/stod/stof, atoi/atol/atoll) in the
#   code that handles requests (src/web, src/logs, src/accounts, src/schemes, src/form, src/home, src/bulk): use
#   util::parse_int64 / parse_id / parse_decimal.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
pass=0; fail=0
check() {  # check NAME FILES-FOUND
  local name=$1 found=$2
  if [ -z "$found" ]; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name:"; echo "$found"; fi
}
sources=$(find src -name '*.cpp' -o -name '*.h' | grep -v '_test\.cpp$')
check "std::regex outside tests" "$(grep -ln 'std::regex\|#include <regex>' $sources)"
request_code=$(echo "$sources" | grep -E '^src/(web|logs|accounts|schemes|form|util|home|bulk)/')
check "throwing number parse in request code" "$(grep -nE 'std::sto(i|l|ll|ul|ull|d|f)\(|\bato(i|l|ll)\(' $request_code | grep -v 'Config::from_env\|env_or(')"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
