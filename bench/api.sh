#!/usr/bin/env bash
# The submission API (issue 14): POST /api/v1/lettings-logs of a complete 2026 lettings log (the
# rule cases' first complete log), at 32 connections for BENCH_DURATION (10 s), on PostgreSQL 15
# started here with the demo data and 100,000 logs (BENCH_LOGS). Each request creates a log: gateway, audit rows, the record of
# the token's use. Budget (2 cores): p99 at most 30 ms. The per-token limit (20 a second) is raised
# for the run (CORE_API_RATE_LIMIT): what is measured is the server, not the limit.
# Checks that every answer was 201 (wrk's errors) and that the logs were made, complete.
# Builds nothing: runs ./build/core. Environment: BENCH_DURATION, BENCH_CONNECTIONS (32), BENCH_PG_PORT, CORE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
core_src=${CORE_BIN:-$root/build/core}
[ -x "$core_src" ] || { echo "bench/api.sh: build first (make build)" >&2; exit 1; }
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-32}
source bench/common.sh
bench_work api
export CORE_ROOT="$root" CORE_MAIL_DIR="$work/mail" CORE_TODAY=2026-06-01 BENCH_DIR="$root/bench"

echo "== CORE submission API benchmark (bench/api.sh)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"
# 100,000 logs there already (as a database in use has, its statistics up to date), over 50 organisations.
source bench/pg_logs.sh
pg_logs "${BENCH_LOGS:-100000}"
echo "data:    PostgreSQL 15, $(psql "$pg" -Atc "SELECT COUNT(*) FROM logs") logs before the run (generated in $generated_in s)"
org=$(psql "$pg" -Atc "SELECT id FROM organisations WHERE name = 'Riverside Homes Housing Association'")
user=$(psql "$pg" -Atc "SELECT id FROM users WHERE email = 'coordinator@riverside.example'")
token=$("$core" api-tokens create --organisation "$org" --name "Benchmark" --database "$pg" | tail -n1)
python3 - "$root/tests/cases/lettings-2026/complete-logs.json" "$user" >"$work/body.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["cases"][0]
a = {k: v for k, v in c["before"].items() if k not in ("owning_organisation_id", "managing_organisation_id")}
a["assigned_to_id"] = int(sys.argv[2])
a.update(c["answers"])
a["tenancycode"] = "BENCH-TENANT"  # made unique per request by bench/api_post.lua
print(json.dumps({"answers": a}))
PY
echo "body:    $(wc -c <"$work/body.json") bytes, $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['answers']))" "$work/body.json") answers"
source "$root/tests/support/serve.sh"
read -r server_pid port <<<"$(serve_core "$work/server.log" "$core" "$pg" -u CORE_ARGON2 CORE_API_RATE_LIMIT=1000000)"
# PostgreSQL's share of the machine during the run: its processes' CPU time before and after.
pg_cpu() { ps -u postgres -o times= 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
[ -n "${port:-}" ] || { echo "the server did not start: $(tail -n5 "$work/server.log")" >&2; exit 1; }
base="http://127.0.0.1:$port"
first=$(curl -s -o "$work/first.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
  --data-binary @"$work/body.json" "$base/api/v1/lettings-logs")
status=$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['log']['status'], len(j['errors']), len(j['soft_checks']))" "$work/first.json")
echo "check:   one POST answered $first, the log: $status (status, errors, soft checks waiting)"
[ "$first" = 201 ] || { cat "$work/first.json"; exit 2; }
wrk -t2 -c"$conns" -d2s -s bench/api_post.lua "$base" -- "$token" "$work/body.json" >/dev/null 2>&1 || true
before=$(psql "$pg" -Atc "SELECT COUNT(*) FROM logs")
pg0=$(pg_cpu); srv0=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
# BENCH_PERF=FILE: also profile the server during the run (perf record -g), the report written to FILE.
[ -n "${BENCH_PERF:-}" ] && { perf record -F 499 -g -p "$server_pid" -o "$work/perf.data" >/dev/null 2>&1 & perf_pid=$!; }
wrk -t2 -c"$conns" -d"$duration" --timeout 60s --latency -s bench/api_post.lua "$base" -- "$token" "$work/body.json" >"$work/post.wrk" 2>&1
if [ -n "${BENCH_PERF:-}" ]; then
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  perf report -i "$work/perf.data" --stdio --no-children --percent-limit 1.5 >"$BENCH_PERF" 2>/dev/null || true
  psql "$pg" -Atc "SELECT relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd FROM pg_stat_user_tables ORDER BY idx_scan + n_tup_ins DESC LIMIT 12" >>"$BENCH_PERF"
  psql "$pg" -Atc "SELECT sum(xact_commit), sum(tup_returned), sum(tup_fetched) FROM pg_stat_database WHERE datname = 'bench'" >>"$BENCH_PERF"
fi
pg1=$(pg_cpu); srv1=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
after=$(psql "$pg" -Atc "SELECT COUNT(*) FROM logs")
completed=$(psql "$pg" -Atc "SELECT COUNT(*) FROM logs WHERE status = 'completed'")
result=$(grep '^RESULT' "$work/post.wrk" || { cat "$work/post.wrk"; exit 2; })
echo "-- POST /api/v1/lettings-logs, $conns connections, $duration: $result"
echo "   logs made during the run: $((after - before)); complete logs in all: $completed"
tick=$(getconf CLK_TCK)
awk -v s0="$srv0" -v s1="$srv1" -v p0="$pg0" -v p1="$pg1" -v n="$((after - before))" -v t="$tick" \
  'BEGIN{ if (n > 0) printf "   CPU per request: server %.2f ms, PostgreSQL %.2f ms\n", (s1 - s0) / t * 1000 / n, (p1 - p0) * 1000 / n }'
p99=$(sed 's/.* p99=\([0-9.]*\).*/\1/' <<<"$result")
errors=$(sed 's/.* errors=\([0-9]*\).*/\1/' <<<"$result")
awk -v p="$p99" -v e="$errors" 'BEGIN{ if (e == 0 && p <= 30) print "budget:  p99 " p " ms <= 30 ms, no errors: holds"; else print "budget:  p99 " p " ms, " e " errors: DOES NOT HOLD" }'
