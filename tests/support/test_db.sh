# Sourced by the shell tests that need a database of their own. test_database NAME sets $db: a new
# PostgreSQL database on the server CORE_TEST_PG names (as scripts/test.sh starts one), or else an
# SQLite file in $work; and dropdb, which removes it again (call it from the test's cleanup).
test_database() {
  if [ -n "${CORE_TEST_PG:-}" ]; then
    dbname="core_$1_$$_$RANDOM"
    psql "$CORE_TEST_PG" -q -c "CREATE DATABASE $dbname" >/dev/null
    db="${CORE_TEST_PG%/*}/$dbname"
    dropdb() { psql "$CORE_TEST_PG" -q -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1; }
  else
    db="sqlite://$work/$1.db"
    dropdb() { :; }
  fi
}
