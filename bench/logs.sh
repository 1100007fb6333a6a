#!/usr/bin/env bash
# Log benchmarks (issues 5 and 12) for one kind of log: BENCH_TYPE=lettings (the default) or sales.
# Builds nothing: runs the existing ./build/core.
#   1. Saving an answer: POST /<kind's list>/ID/<page of the landlord's reference> (lettings: the
#      tenant code; sales: the purchaser code), i.e. session, CSRF, load the log, the gateway, the
#      versioned UPDATE and the audit rows, a redirect, under wrk, with 100,000 complete logs of the
#      kind in SQLite (`core logs generate --type`); beside it the static CSS for the throughput ratio.
#      Budget (2 cores): p99 <= 25 ms, the slowest save (max) <= 1 s, and requests/s >= 1/4 of the
#      static CSS's. wrk waits up to 60 s for an answer, so a save that waits long is measured, not
#      dropped as a timeout.
#   2. The log list's first page for a coordinator, with 1,000,000 logs in PostgreSQL 15 (a
#      throwaway cluster started here; 50 organisations, so the coordinator's sees 20,000).
#      Budget: p95 <= 50 ms. Then the home page (its count tiles) for that coordinator and for a
#      support user (every organisation's logs), at the same connections: no budget, for the record.
# The kind's list address, reference question and its page are read from its newest form
# (forms/<year>/<type>.json, form.log).
# Environment: BENCH_TYPE (lettings), BENCH_DURATION (default 10s), BENCH_CONNECTIONS (64), BENCH_LIST_CONNECTIONS (8),
#   BENCH_POST_LOGS (100000), BENCH_LIST_LOGS (1000000), BENCH_ONLY=post|list (one part only),
#   BENCH_PG_PORT, CORE_BIN, BENCH_PROFILE=FILE (records the server with `perf record --call-graph dwarf`
#   during the POST run into FILE, for `perf report -i FILE --children`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
core_src=${CORE_BIN:-$root/build/core}
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-64}
list_conns=${BENCH_LIST_CONNECTIONS:-8}
post_logs=${BENCH_POST_LOGS:-100000}
list_logs=${BENCH_LIST_LOGS:-1000000}
[ -x "$core_src" ] || { echo "bench/logs.sh: build first (make build)" >&2; exit 1; }
type=${BENCH_TYPE:-lettings}
form=$(ls forms/[0-9][0-9][0-9][0-9]/"$type".json 2>/dev/null | sort | tail -n1)
[ -n "$form" ] || { echo "bench/logs.sh: no form for BENCH_TYPE=$type" >&2; exit 1; }
list=$(jq -r .form.log.path "$form")              # lettings-logs
field=$(jq -r .form.log.reference "$form")        # tenancycode
page=$(jq -r --arg f "$field" '[.sections[].subsections[].pages[] | select(any(.questions[]; .id == $f)) | .id][0] | gsub("_"; "-")' "$form")
command -v wrk >/dev/null || { echo "bench/logs.sh: wrk is not installed" >&2; exit 1; }

source bench/common.sh
bench_work logs
export CORE_ROOT="$root" CORE_MAIL_DIR="$work/mail" CORE_TODAY=2026-06-01 BENCH_DIR="$root/bench"

source "$root/tests/support/serve.sh"
start_server() {  # start_server DATABASE_URL: on a port the kernel picks (wrk's own connections hold random ones)
  local port
  read -r server_pid port <<<"$(serve_core "$work/server.log" "$core" "$1" -u CORE_ARGON2)"
  [ -n "${port:-}" ] || { echo "the server did not start: $(tail -n5 "$work/server.log")" >&2; exit 1; }
  base="http://127.0.0.1:$port"
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
sign_in() {  # sign_in [EMAIL]: sets $cookie and $csrf for EMAIL (coordinator@northshire.example)
  local jar="$work/jar" token
  token=$(curl -fsS -c "$jar" "$base/account/sign-in" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
  curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "email=${1:-coordinator@northshire.example}" \
    --data-urlencode "password=Housing-Demo-2026" "$base/account/sign-in"
  cookie="Cookie: core_session=$(awk '$6 == "core_session" {print $7}' "$jar" | tail -n1)"
  [ "$cookie" != "Cookie: core_session=" ] || { echo "FAIL: ${1:-coordinator@northshire.example} could not sign in" >&2; exit 2; }
  # Not every role's list holds a form (support's has none until an organisation is chosen): no token then.
  csrf=$(curl -fsS -H "$cookie" "$base/$list" | { grep -o 'name="csrf_token" value="[^"]*"' || true; } | head -n1 | sed 's/.*value="//;s/"$//')
}
result() { grep '^RESULT' "$1" | sed 's/^RESULT //'; }
# The server's CPU time so far in clock ticks (user + system): a figure other load on the machine
# changes little, unlike latency.
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }

echo "== CORE $type log benchmark (bench/logs.sh, BENCH_TYPE=$type; saves POST /$list/ID/$page)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. saving an answer, SQLite, 100,000 logs ----------------------------------------------------
if [ "${BENCH_ONLY:-}" != list ]; then
db="sqlite://$work/post.sqlite3"
CORE_ARGON2=min "$core" migrate --database "$db" >/dev/null
CORE_ARGON2=min "$core" seed --demo --database "$db" >/dev/null
uid=$(sqlite3 "$work/post.sqlite3" "SELECT id FROM users WHERE email = 'coordinator@northshire.example'")
t0=$SECONDS
"$core" logs generate --type "$type" --count "$post_logs" --organisations 2 --assigned-to "$uid" --database "$db" >/dev/null
first=$(sqlite3 "$work/post.sqlite3" "SELECT MIN(id) FROM logs")
echo "data:    SQLite, $post_logs complete $type logs owned by Northshire (generated in $((SECONDS - t0)) s)"
start_server "$db"
sign_in
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" --data "csrf_token=$csrf&version=1&$field=CHECK" "$base/$list/$first/$page")
[ "$code" = 303 ] || { echo "FAIL: a save answered $code, expected 303" >&2; exit 2; }
wrk -t2 -c"$conns" -d2s -s bench/post_answer.lua -H "$cookie" "$base" -- "$((first + 1))" "$post_logs" "$csrf" 2 "$list" "$page" "$field" >/dev/null 2>&1 || true
profiler=""
if [ -n "${BENCH_PROFILE:-}" ]; then
  perf record -F 199 --call-graph dwarf,16384 -p "$server_pid" -o "$BENCH_PROFILE" >/dev/null 2>&1 &
  profiler=$!
fi
ticks0=$(server_ticks)
wrk -t2 -c"$conns" -d"$duration" --timeout 60s --latency -s bench/post_answer.lua -H "$cookie" "$base" -- "$((first + 1))" "$((post_logs - 1))" "$csrf" 2 "$list" "$page" "$field" >"$work/post.wrk" 2>&1
ticks1=$(server_ticks)
[ -z "$profiler" ] || { kill -INT "$profiler"; wait "$profiler" 2>/dev/null || true; }
post=$(result "$work/post.wrk")
cpu_per_save=$(awk -v t="$((ticks1 - ticks0))" -v hz="$(getconf CLK_TCK)" -v n="$(field "$post" requests)" 'BEGIN{printf "%.2f", n ? t * 1000 / hz / n : 0}')
wrk -t2 -c"$conns" -d"$duration" -s bench/wrk_report.lua "$base/assets/govuk-frontend.min.css" >"$work/css.wrk" 2>&1
css=$(result "$work/css.wrk")
saved=$(sqlite3 "$work/post.sqlite3" "SELECT COUNT(*) FROM logs WHERE version > 1")
stop_server
echo "POST save answer, $type (c$conns): $post"
echo "static CSS       (c$conns): $css"
echo "logs saved at least once during the runs: $saved; server CPU per save: $cpu_per_save ms"
ratio=$(awk -v a="$(field "$post" rps)" -v b="$(field "$css" rps)" 'BEGIN{printf "%.2f", a/b}')
p99=$(field "$post" p99)
max=$(field "$post" max)
echo "budget:  POST p99 $p99 ms (<= 25: $(awk -v x="$p99" 'BEGIN{print (x<=25)?"holds":"does not hold"}')); POST max $max ms (<= 1000: $(awk -v x="$max" 'BEGIN{print (x<=1000)?"holds":"does not hold"}')); POST/CSS requests/s $ratio (>= 0.25: $(awk -v x="$ratio" 'BEGIN{print (x>=0.25)?"holds":"does not hold"}'))"
[ "$(field "$post" errors)" = 0 ] || echo "WARNING: $(field "$post" errors) POSTs did not answer 2xx/3xx"
fi

# --- 2. the list, PostgreSQL, 1,000,000 logs -------------------------------------------------------
[ "${BENCH_SKIP_PG:-0}" = 1 ] || [ "${BENCH_ONLY:-}" = post ] && exit 0
source bench/pg_logs.sh
pg_logs "$list_logs" --type "$type"
mine=$(psql "$pg" -Atc "SELECT COUNT(*) FROM logs WHERE owning_organisation_id = 2 OR managing_organisation_id = 2")
echo "data:    PostgreSQL 15, $(psql "$pg" -Atc "SELECT COUNT(*) FROM logs") logs over 50 organisations; the coordinator's organisation has $mine (generated in $generated_in s)"
start_server "$pg"
sign_in
curl -fsS -H "$cookie" "$base/$list" >"$work/list.html"
shown=$(echo "$mine" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
grep -q "$shown logs" "$work/list.html" || { echo "FAIL: the list does not say $shown logs" >&2; exit 2; }
for c in 1 "$list_conns" "$conns"; do
  wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d2s -s bench/wrk_report.lua -H "$cookie" "$base/$list" >/dev/null 2>&1 || true
  wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"$duration" -s bench/wrk_report.lua -H "$cookie" "$base/$list" >"$work/list$c.wrk" 2>&1
  r=$(result "$work/list$c.wrk")
  echo "GET list first page (c$c): $r"
  [ "$c" = "$list_conns" ] && p95=$(field "$r" p95)
done
echo "budget:  list p95 at $list_conns connections $p95 ms (<= 50: $(awk -v x="$p95" 'BEGIN{print (x<=50)?"holds":"does not hold"}'))"
# The home page's counts: the coordinator's organisation, then support (all logs).
for who in coordinator@northshire.example support@example.gov.uk; do
  sign_in "$who"
  wrk -t2 -c"$list_conns" -d2s -s bench/wrk_report.lua -H "$cookie" "$base/" >/dev/null 2>&1 || true
  wrk -t2 -c"$list_conns" -d"$duration" -s bench/wrk_report.lua -H "$cookie" "$base/" >"$work/home.wrk" 2>&1
  echo "GET home page as $who (c$list_conns): $(result "$work/home.wrk")"
done
