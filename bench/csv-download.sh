#!/usr/bin/env bash
# CSV downloads (issue 14): 300,000 lettings logs of one collection year from PostgreSQL 15.
#   1. Through the web, as support (every column, labels): POST /lettings-logs/csv-download, the
#      file streamed from a database cursor. Wall time of the whole download (curl), and the
#      server's resident memory before, and at its highest during, the download (sampled from
#      /proc every 50 ms). Budget (2 cores): at most 15 s, memory growing by at most 50 MB.
#   2. `core export csv --codes` of the same logs: wall time and peak memory (GNU time).
# Both files are checked: the BOM, the two header rows and one row per log.
# Builds nothing: runs ./build/core. Environment: BENCH_LOGS (300000), BENCH_PG_PORT, CORE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
core_src=${CORE_BIN:-$root/build/core}
[ -x "$core_src" ] || { echo "bench/csv-download.sh: build first (make build)" >&2; exit 1; }
count=${BENCH_LOGS:-300000}
source bench/common.sh
bench_work csv
# Streamed whatever the number (the job path is for the people who would otherwise wait).
export CORE_ROOT="$root" CORE_MAIL_DIR="$work/mail" CORE_TODAY=2026-06-01 CORE_CSV_STREAM_LIMIT=100000000

echo "== CORE CSV download benchmark (bench/csv-download.sh)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"
source bench/pg_logs.sh
pg_logs "$count"
echo "data:    PostgreSQL 15, $(psql "$pg" -Atc "SELECT COUNT(*) FROM logs") complete lettings logs over 50 organisations (generated in $generated_in s)"

check_file() {  # check_file FILE LABEL
  python3 - "$1" "$count" "$2" <<'PY'
import csv, sys
path, count, label = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, newline="", encoding="utf-8") as f:
    head = f.read(1)
    assert head == "\ufeff", "no byte order mark"
    rows = sum(1 for _ in csv.reader(f))
assert rows == count + 2, f"{rows - 2} rows, expected {count}"
print(f"   {label}: {rows - 2} logs, two header rows, BOM: ok")
PY
}

source "$root/tests/support/serve.sh"
read -r server_pid port <<<"$(serve_core "$work/server.log" "$core" "$pg" -u CORE_ARGON2)"
[ -n "${port:-}" ] || { echo "the server did not start: $(tail -n5 "$work/server.log")" >&2; exit 1; }
base="http://127.0.0.1:$port"
jar="$work/jar"
token=$(curl -fsS -c "$jar" "$base/account/sign-in" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" --data-urlencode "email=support@example.gov.uk" \
  --data-urlencode "password=Housing-Demo-2026" "$base/account/sign-in"
curl -fsS -o /dev/null -b "$jar" "$base/lettings-logs?filtered=1&years=2026"
confirm=$(curl -fsS -b "$jar" "$base/lettings-logs/csv-download")
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$confirm" | head -n1 | sed 's/.*value="//;s/"$//')
grep -o 'You have selected <strong>[0-9,]* logs' <<<"$confirm" | sed 's/<strong>//;s/^/   confirmation: /'
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
before=$(rss)
( peak=0; while kill -0 "$server_pid" 2>/dev/null && [ ! -e "$work/done" ]; do r=$(rss); [ "$r" -gt "$peak" ] && peak=$r && echo "$peak" >"$work/peak"; sleep 0.05; done ) &
sampler=$!
t0=$(date +%s.%N)
curl -fsS -b "$jar" --data-urlencode "csrf_token=$csrf" --data "year=2026" -o "$work/web.csv" "$base/lettings-logs/csv-download"
t1=$(date +%s.%N)
touch "$work/done"; wait "$sampler" 2>/dev/null || true
peak=$(cat "$work/peak" 2>/dev/null || echo "$before")
web_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')
grow=$(awk -v a="$before" -v b="$peak" 'BEGIN{printf "%.1f", (b - a) / 1024}')
echo "-- 1. web download, support, labels: $web_s s, $(awk -v s="$(stat -c %s "$work/web.csv")" 'BEGIN{printf "%.0f", s / 1048576}') MB file; server RSS $(awk -v a="$before" 'BEGIN{printf "%.0f", a / 1024}') MB before, $(awk -v a="$peak" 'BEGIN{printf "%.0f", a / 1024}') MB at most during (+$grow MB)"
check_file "$work/web.csv" web
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

/usr/bin/time -f '%e %M' -o "$work/time" "$core" export csv --type lettings --year 2026 --codes --out "$work/cli.csv" --database "$pg" >/dev/null
read -r cli_s kb <"$work/time"
echo "-- 2. core export csv --codes: $cli_s s, peak memory $(awk -v k="$kb" 'BEGIN{printf "%.0f", k / 1024}') MB"
check_file "$work/cli.csv" "command line"
echo "budget:  web download $web_s s (<= 15: $(awk -v x="$web_s" 'BEGIN{print (x<=15)?"holds":"does not hold"}')); server memory +$grow MB (<= 50: $(awk -v x="$grow" 'BEGIN{print (x<=50)?"holds":"does not hold"}'))"
