#!/usr/bin/env bash
# The export to the data store (issue 14): a full XML export of 300,000 lettings logs of one
# collection year from PostgreSQL 15, `core export cds --full --collection lettings --year 2026`.
# Wall time and peak memory (GNU time); then the same at a tenth of the logs, to show that memory
# stays flat (it does not grow with the number of logs). Budget (2 cores): at most 60 s, flat memory.
# The archive is checked: every record there, parts of at most 10,000, manifest.xml's count.
# Builds nothing: runs ./build/core. Environment: BENCH_LOGS (300000), BENCH_PG_PORT, CORE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
core_src=${CORE_BIN:-$root/build/core}
[ -x "$core_src" ] || { echo "bench/cds-export.sh: build first (make build)" >&2; exit 1; }
count=${BENCH_LOGS:-300000}
source bench/common.sh
bench_work cds
export CORE_ROOT="$root" CORE_TODAY=2026-06-01

echo "== CORE export to the data store benchmark (bench/cds-export.sh)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC'); machine: $(nproc) cores, $(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"
source bench/pg_logs.sh
pg_logs "$count"
echo "data:    PostgreSQL 15, $(psql "$pg" -Atc "SELECT COUNT(*) FROM logs") complete lettings logs over 50 organisations (generated in $generated_in s)"

run() {  # run LABEL EXPECTED_RECORDS [core export cds options...]
  local label=$1 expected=$2
  shift 2
  rm -rf "$work/out"
  /usr/bin/time -f '%e %M' -o "$work/time" "$core" export cds --out "$work/out" "$@" --database "$pg" >"$work/cli.out"
  read -r secs kb <"$work/time"
  local zip
  zip=$(ls "$work/out"/core_2026_2027_*.zip)
  echo "-- $label: $secs s, peak memory $(awk -v k="$kb" 'BEGIN{printf "%.0f", k / 1024}') MB; $(basename "$zip") $(awk -v s="$(stat -c %s "$zip")" 'BEGIN{printf "%.0f", s / 1048576}') MB"
  python3 - "$zip" "$expected" <<'PY'
import sys, zipfile, re
path, expected = sys.argv[1], int(sys.argv[2])
z = zipfile.ZipFile(path)
assert z.testzip() is None, "a damaged entry"
parts = [n for n in z.namelist() if n.endswith(".xml") and n != "manifest.xml"]
total = 0
for n in parts:
    with z.open(n) as f:
        k = sum(line.count(b"<form>") for line in f)
    assert k <= 10000, f"{n}: {k} records"
    total += k
count = int(re.search(rb"<count-of-records>(\d+)<", z.read("manifest.xml")).group(1))
assert total == expected == count, f"{total} records, manifest {count}, expected {expected}"
raw = sum(i.file_size for i in z.infolist())
print(f"   {len(parts)} parts, {total} records, manifest.xml says {count}: ok; {raw / 1048576:.0f} MB of XML")
PY
}
run "full export, $count logs" "$count" --full --collection lettings --year 2026
tenth=$(psql "$pg" -Atc "SELECT id FROM logs ORDER BY id OFFSET $((count / 10)) LIMIT 1")
psql "$pg" -qc "UPDATE logs SET deleted_at = NULL WHERE id < $tenth; DELETE FROM log_changes WHERE log_id >= $tenth; DELETE FROM logs WHERE id >= $tenth" >/dev/null
run "full export, $((count / 10)) logs (memory should not follow the count)" "$((count / 10))" --full --collection lettings --year 2026
