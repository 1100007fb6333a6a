#!/usr/bin/env bash
# Bulk upload (issue 13): how long a file takes to check and to import, on this machine.
#   1. `core bulk-upload check` (no database) on generated 2026 lettings template files of 1,000,
#      10,000 and 25,000 rows with realistic answers, every 10th row carrying errors: wall time and
#      peak memory (GNU time). Budget (2 cores): 10,000 rows in at most 2 s and 300 MB, growing
#      linearly with rows.
#   2. `core bulk-upload import` of 10,000 rows (no errors) as Riverside's coordinator into a throwaway
#      PostgreSQL 15 cluster with the demo data: the check through the log service, then the logs
#      created in one transaction. Budget: the import (creation) at most 10 s. The same on SQLite.
# Builds nothing: runs ./build/core. Environment: BENCH_PG_PORT, CORE_BIN, BENCH_ROWS ("1000 10000 25000").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
core=${CORE_BIN:-$root/build/core}
[ -x "$core" ] || { echo "bench/bulk-upload.sh: build first (cmake --build build)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/core-bench-bulk.XXXXXX")
chmod 755 "$work"
cleanup() {
  ./scripts/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export CORE_ROOT="$root" CORE_MAIL_DIR="$work/mail" CORE_TODAY=2026-12-01 CORE_ARGON2=min

echo "== CORE bulk-upload benchmark (bench/bulk-upload.sh)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"

echo "-- 1. core bulk-upload check (no database), every 10th row with errors"
printf '%8s %10s %10s %12s\n' rows wall_s peak_MB us_per_row
for rows in ${BENCH_ROWS:-1000 10000 25000}; do
  "$core" bulk-upload generate --type lettings --year 2026 --rows "$rows" --errors-every 10 --out "$work/l$rows.csv" >/dev/null
  /usr/bin/time -f '%e %M' -o "$work/time" "$core" bulk-upload check --type lettings --year 2026 "$work/l$rows.csv" >"$work/report.json"
  read -r wall kb <"$work/time"
  python3 - "$work/report.json" "$rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["file_errors"] == [] and r["rows"] == int(sys.argv[2]), "the generated file must read"
PY
  awk -v r="$rows" -v w="$wall" -v k="$kb" 'BEGIN { printf "%8d %10.2f %10.1f %12.0f\n", r, w, k / 1024, w * 1e6 / r }'
done

echo "-- 1b. the same check on an XLSX of 10,000 rows (every cell as text)"
"$core" bulk-upload generate --type lettings --year 2026 --rows 10000 --errors-every 10 --out "$work/l10000.xlsx" >/dev/null
/usr/bin/time -f '%e %M' -o "$work/time" "$core" bulk-upload check --type lettings --year 2026 "$work/l10000.xlsx" >"$work/report.json"
read -r wall kb <"$work/time"
awk -v w="$wall" -v k="$kb" -v b="$(stat -c %s "$work/l10000.xlsx")" 'BEGIN { printf "   10000 rows (%.1f MB file): %.2f s, %.1f MB peak\n", b / 1048576, w, k / 1024 }'

import() {  # import URL LABEL
  local url=$1 label=$2 riverside
  CORE_ARGON2=min "$core" migrate --database "$url" >/dev/null
  CORE_ARGON2=min "$core" seed --demo --database "$url" >/dev/null
  riverside=$(sqlish "$url" "SELECT id FROM organisations WHERE name = 'Riverside Homes Housing Association'")
  "$core" bulk-upload generate --type lettings --year 2026 --rows 10000 --errors-every 0 --organisation "$riverside" \
    --email provider@riverside.example --out "$work/import.csv" >/dev/null
  echo "-- 2. core bulk-upload import, 10,000 rows, $label"
  "$core" bulk-upload import --type lettings --year 2026 "$work/import.csv" --as coordinator@riverside.example --database "$url" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print("state %s, logs created %d, check %.2f s, create %.2f s" % (r["state"], r["logs_created"], r["check_seconds"], r["create_seconds"]))'
}
sqlish() {
  if [[ $1 == postgresql://* ]]; then psql "$1" -Atc "$2"; else sqlite3 "${1#sqlite://}" "$2" 2>/dev/null || python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "${1#sqlite://}" "$2"; fi
}
import "sqlite://$work/bench.sqlite3" "SQLite"
admin=$(./scripts/pg.sh start "$work/pg" "${BENCH_PG_PORT:-$(( 56000 + RANDOM % 900 ))}")
psql "$admin" -qc "CREATE DATABASE bench" >/dev/null
import "${admin%/*}/bench" "PostgreSQL 15"
