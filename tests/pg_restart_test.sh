#!/usr/bin/env bash
# Issue 11, finding 4: on PostgreSQL a restart of the database cost every pooled connection one
# failed request (500, "server closed the connection unexpectedly"), and while it was down users
# got a 500 page. This starts a throwaway cluster of its own (it is restarted and stopped, which
# the shared test cluster must not be), `core serve` on it, and counts the answers:
#   1. restart with the pool full of idle connections, then requests: every one 200;
#   2. restart under load (4 clients in loops): no 500s at all, 503s only while it was down,
#      every request started once `pg_ctl restart` has returned 200;
#   3. stopped: the GOV.UK "Sorry, the service is unavailable" page with 503, /health 503;
#      started again: 200.
# PostgreSQL only: runs in scripts/test.sh's PostgreSQL pass (CORE_TEST_PG set); skipped otherwise.
set -uo pipefail
core="$1"
if [ -z "${CORE_TEST_PG:-}" ]; then echo "skipped: PostgreSQL only (scripts/test.sh runs it)"; exit 77; fi
root=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
work=$(mktemp -d); chmod 755 "$work"
source "$(cd "$(dirname "$0")" && pwd)/support/checks.sh"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
server=""; loops=()
cleanup() {
  for p in "${loops[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  "$root/scripts/pg.sh" stop "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
export CORE_ARGON2=min CORE_MAIL_DIR="$work/mail"

admin=""
for _ in 1 2 3; do  # a port another cluster holds: try another
  pgport=$(( 57000 + RANDOM % 900 ))
  admin=$("$root/scripts/pg.sh" start "$work/pg" "$pgport" 2>/dev/null) && break
  "$root/scripts/pg.sh" stop "$work/pg" >/dev/null 2>&1; admin=""
done
[ -n "$admin" ] || { echo "FAIL: could not start a PostgreSQL cluster"; exit 1; }
pg_ctl() { run_pg "$PGBIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 "$@" >/dev/null; }
psql "$admin" -qc "CREATE DATABASE restart" >/dev/null
db="${admin%/*}/restart"
"$core" migrate --database "$db" >/dev/null
"$core" seed --demo --database "$db" >/dev/null

source "$root/tests/support/serve.sh"
read -r server port <<<"$(serve_core "$work/serve.log" "$core" "$db" CORE_ACTIVE_REQUESTS=8)"
[ -n "${port:-}" ] || { echo "FAIL: core serve did not start"; exit 1; }
base="http://127.0.0.1:$port"
jar="$work/jar"
token=$(curl -fs -c "$jar" "$base/account/sign-in" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=coordinator@northshire.example" --data-urlencode "password=Housing-Demo-2026" "$base/account/sign-in")
check "the coordinator signs in" [ "$code" = 303 ]
pages=(/lettings-logs /account /lettings-logs?page=1)
get() { curl -s -o /dev/null -w '%{http_code}' --max-time 30 -b "$jar" "$base$1"; }

# loop FILE: requests pages that read the database (session, user, logs) until $work/stop appears
# (at most 3,000), writing "BEGAN ENDED STATUS" per request: what the markers said as it began and
# as it ended (before: the restart had not begun; during; after: `pg_ctl restart` had returned).
phase() { if [ -e "$work/restarted" ]; then echo after; elif [ -e "$work/restarting" ]; then echo during; else echo before; fi; }
loop() {
  local i=0 began code
  while [ ! -e "$work/stop" ] && [ $i -lt 3000 ]; do
    began=$(phase)
    code=$(get "${pages[$((i % 3))]}")
    echo "$began $(phase) $code" >>"$1"
    i=$((i + 1))
  done
}
start_loops() { rm -f "$work/stop"; loops=(); for n in 1 2 3 4; do loop "$work/$1.$n" & loops+=($!); done; }
stop_loops() { touch "$work/stop"; for p in "${loops[@]}"; do wait "$p"; done; loops=(); }
# wait_for PREFIX PHASE N: until every loop has made N requests in PHASE (bounded)
wait_for() {
  for _ in $(seq 1 600); do
    local short=0
    for n in 1 2 3 4; do [ "$(cat "$work/$1.$n" 2>/dev/null | grep -c "^$2 ")" -ge "$3" ] || short=1; done
    [ $short = 0 ] && return 0
    sleep 0.1
  done
  return 1
}
count() { cat "$work/$1".* | grep -c -- "$2"; }
backends() { psql "$admin" -Atc "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'core' AND datname = 'restart'"; }

# --- 1. restart with idle pooled connections, then requests
start_loops warm; wait_for warm before 20; stop_loops
idle=$(backends)
check "the pool holds several connections before the restart ($idle)" [ "$idle" -ge 2 ]
pg_ctl restart -m fast
for i in $(seq 1 $((idle * 3))); do echo "after $(get "${pages[$((i % 3))]}")" >>"$work/idle.1"; done
check "after a restart every request is answered 200 (none pays for a broken pooled connection)" \
  [ "$(grep -vc '^after 200$' "$work/idle.1")" = 0 ]

# --- 2. restart under load
start_loops load; wait_for load before 10
touch "$work/restarting"; pg_ctl restart -m fast; touch "$work/restarted"
wait_for load after 20; stop_loops
total=$(cat "$work"/load.* | wc -l)
echo "under load: $total requests: $(count load ' 200$') 200, $(count load ' 503$') 503, $(count load ' 500$') 500" \
  "($(count load ' during ') ended while restarting)"
check "no 500 during a restart under load" [ "$(count load ' 500$')" = 0 ]
check "only 200 and 503 answers" [ "$(cat "$work"/load.* | grep -vc ' \(200\|503\)$')" = 0 ]
# A 503 must overlap the restart: not begun after it was over, not ended before it began.
check "503 only while the database was down" [ "$(grep -h ' 503$' "$work"/load.* | grep -c '^after \|^before before ')" = 0 ] ||
  grep -h ' 503$' "$work"/load.* | sort | uniq -c
check "every request begun after the restart is 200" [ "$(grep -h '^after ' "$work"/load.* | grep -vc ' 200$')" = 0 ]
check "and there were such requests" [ "$(cat "$work"/load.* | grep -c '^after ')" -ge 80 ]

# --- 3. stopped, then started
pg_ctl stop -m fast
code=$(curl -s -o "$work/down.html" -w '%{http_code}' --max-time 30 -b "$jar" "$base/lettings-logs")
check "with the database stopped a page answers 503" [ "$code" = 503 ]
check "with the GOV.UK unavailable page" grep -q "Sorry, the service is unavailable" "$work/down.html"
check "in the layout" grep -q "govuk-header" "$work/down.html"
check "and /health says 503" [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$base/health")" = 503 ]
pg_ctl start -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
code=$(get /lettings-logs)
check "started again, pages answer 200 ($code)" [ "$code" = 200 ]
check "the server logged no 500 (no 'error:' lines)" bash -c "! grep -q '^error:' '$work/serve.log'"
[ $fail -eq 0 ] || grep -E '^(error|database unavailable|busy):' "$work/serve.log" | sort | uniq -c | sort -rn | head -n8

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
