# Sourced by the shell tests: check NAME CONDITION... counts a condition that holds as passed and
# one that does not as failed (printing "FAIL: NAME"), in $pass and $fail for the test's summary.
pass=0; fail=0
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name"; fi
}
