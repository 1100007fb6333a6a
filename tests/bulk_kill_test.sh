#!/usr/bin/env bash
# A server killed (kill -9) while it checks a bulk upload, and again while it creates the upload's
# logs (issue 13): the upload's logs are all there or none of them, never some; after a restart the
# job is claimed again once its lease runs out, and the upload ends created with every log exactly
# once. Runs on SQLite, or on PostgreSQL when CORE_TEST_PG names a server (as scripts/test.sh does).
set -uo pipefail
core="$1"
rows=${BULK_KILL_ROWS:-4000}
work=$(mktemp -d)
source "$(cd "$(dirname "$0")" && pwd)/support/checks.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/support/test_db.sh"
test_database bulk_kill
pid=""
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  dropdb; rm -rf "$work"
}
trap cleanup EXIT
export CORE_ARGON2=min CORE_MAIL_DIR="$work/mail" CORE_TODAY=2026-12-01

"$core" migrate --database "$db" >/dev/null
"$core" seed --demo --database "$db" >/dev/null
source "$root/tests/support/serve.sh"
# The generated file names Riverside: the demo data's third organisation (src/accounts/seed.cpp).
riverside=3
"$core" bulk-upload generate --type lettings --year 2026 --rows "$rows" --errors-every 0 --organisation "$riverside" \
  --email provider@riverside.example --out "$work/file.csv" >/dev/null
status() { "$core" bulk-upload status "$1" --database "$db"; }
field() { sed -n "s/.*\"$2\":\\(\"[^\"]*\"\\|[0-9]*\\).*/\\1/p" <<<"$1" | tr -d '"'; }
# kill -9 the server, then the upload's logs must be all there or none of them.
kill_server() {  # kill_server WHEN
  kill -9 "$pid"; wait "$pid" 2>/dev/null; pid=""
  local s in_db
  s=$(status "$id")
  echo "bulk_kill: killed $1, with the upload $(field "$s" state) ($s)"
  in_db=$(field "$s" logs_in_database)
  check "after a kill $1: all of the logs or none ($in_db)" [ "$in_db" = 0 ] || [ "$in_db" = "$rows" ]
}
start() { read -r pid port <<<"$(serve_core "$work/serve.log" "$core" "$db" CORE_JOB_LEASE_SECONDS=2)"; [ -n "${port:-}" ]; }

id=$("$core" bulk-upload submit --type lettings --year 2026 "$work/file.csv" --as coordinator@riverside.example --database "$db")
check "the upload is stored" [ -n "$id" ]
check "a server starts" start
# 1. Killed while it checks the file.
for _ in $(seq 1 600); do
  s=$(status "$id")
  { [ "$(field "$s" state)" != checking ] || [ "$(field "$s" rows_checked)" != 0 ]; } && break
  sleep 0.05
done
kill_server "during the check"
# 2. Restarted, then killed again once it creates the logs (or as soon as it can be).
check "the server restarts" start
for _ in $(seq 1 600); do s=$(status "$id"); [ "$(field "$s" state)" = creating ] || [ "$(field "$s" state)" = created ] && break; sleep 0.05; done
sleep 0.5
kill_server "during the import"
# 3. Restarted: the import runs again and finishes, every log once.
check "the server restarts again" start
for _ in $(seq 1 1200); do s=$(status "$id"); [ "$(field "$s" state)" = created ] && break; sleep 0.1; done
check "the upload is created in the end ($s)" [ "$(field "$s" state)" = created ]
check "every log exactly once ($s)" [ "$(field "$s" logs_in_database)" = "$rows" ]
check "and the upload says so" [ "$(field "$s" logs_created)" = "$rows" ]
echo "bulk_kill: $pass passed, $fail failed"
[ "$fail" = 0 ]
