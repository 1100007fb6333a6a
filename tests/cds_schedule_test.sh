#!/usr/bin/env bash
# The nightly export to the data store on two `core serve` processes sharing one database (issue
# 14): both find today's run due at once, exactly one queues it, it runs once, and one master
# manifest is written. A run by hand afterwards is the next incremental one. Runs on SQLite, or on
# PostgreSQL when CORE_TEST_PG names a server (as scripts/test.sh does).
set -uo pipefail
core="$1"
work=$(mktemp -d)
source "$(cd "$(dirname "$0")" && pwd)/support/checks.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/support/test_db.sh"
test_database cds
a=""; b=""
cleanup() {
  [ -n "$a" ] && kill "$a" 2>/dev/null && wait "$a" 2>/dev/null
  [ -n "$b" ] && kill "$b" 2>/dev/null && wait "$b" 2>/dev/null
  dropdb; rm -rf "$work"
}
trap cleanup EXIT
export CORE_ARGON2=min CORE_MAIL_DIR="$work/mail"

"$core" migrate --database "$db" >/dev/null
org=$("$core" organisations add --name "Export Homes" --type PRP --holds-stock --database "$db" | tail -n1)
echo "Gable-Window-77" | "$core" users add --email coord@export.example --name "Export Coordinator" \
  --organisation "$org" --role coordinator --password-stdin --database "$db" >/dev/null
"$core" logs generate --count 3 --organisations "$org" --database "$db" >/dev/null
sleep 1.1  # times are kept to the second: a record changed in the second a run starts is in the next run too

source "$root/tests/support/serve.sh"
# Due at midnight in England: already due today, so each server finds it due at its first check.
schedule=(CORE_CDS_EXPORT_AT=00:00 CORE_CDS_EXPORT_DIR="$work/out" CORE_CDS_EXPORT_CHECK_SECONDS=1 CORE_TODAY=2026-06-01)
read -r a port_a <<<"$(serve_core "$work/a.log" "$core" "$db" "${schedule[@]}")"
read -r b port_b <<<"$(serve_core "$work/b.log" "$core" "$db" "${schedule[@]}")"
check "server A started" [ -n "${port_a:-}" ] || tail -n5 "$work/a.log"
check "server B started" [ -n "${port_b:-}" ] || tail -n5 "$work/b.log"
check "each says when the export is due" grep -q "the export to the data store is due every day at 00:00" "$work/a.log" "$work/b.log"
for _ in $(seq 1 300); do
  ls "$work/out"/Manifest_*.csv >/dev/null 2>&1 && break
  sleep 0.1
done
sleep 3  # both servers have checked again meanwhile
check "a master manifest was written" bash -c "ls '$work/out'/Manifest_*_0001.csv >/dev/null"
check "only one: the run ran once" [ "$(ls "$work/out"/Manifest_*.csv 2>/dev/null | wc -l)" = "1" ]
queued=$(cat "$work/a.log" "$work/b.log" | grep -c "cds export: queued the run due at")
check "exactly one of the two servers queued it" [ "$queued" = "1" ]
ran=$(cat "$work/a.log" "$work/b.log" | grep -c "cds export: Manifest_")
check "and exactly one ran it" [ "$ran" = "1" ]
check "the lettings archive holds the logs" bash -c "ls '$work/out'/core_*_f0001_inc0001.zip >/dev/null"
check "the users and organisations archives too" bash -c "ls '$work/out'/users_2024_2025_apr_mar_f0001_inc0001.zip '$work/out'/organisations_2024_2025_apr_mar_f0001_inc0001.zip >/dev/null"
check "manifest.xml counts the logs" bash -c "unzip -p '$work/out'/core_*_f0001_inc0001.zip manifest.xml | grep -q '<count-of-records>3</count-of-records>'"

# By hand, while the servers run: the next run of the day, with nothing changed since.
"$core" export cds --out "$work/hand" --database "$db" >"$work/hand.out" 2>&1; rc=$?
check "a run by hand afterwards works" [ $rc -eq 0 ] || cat "$work/hand.out"
check "and is the day's second" bash -c "ls '$work/hand'/Manifest_*_0002.csv >/dev/null"
check "with nothing changed, no archive" [ "$(ls "$work/hand" | wc -l)" = "1" ] || ls "$work/hand"
"$core" export cds --out "$work/hand" --collection rentals --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "an unknown collection is refused" [ $rc -eq 2 ]
check "by name" grep -q 'no collection called "rentals"' "$work/err"
# A server started with a wrong schedule says so and does not start.
env CORE_CDS_EXPORT_AT=midnight CORE_CDS_EXPORT_DIR="$work/out" CORE_PORT=0 "$core" serve --database "$db" >"$work/bad.log" 2>&1; rc=$?
check "a bad CORE_CDS_EXPORT_AT stops the server" [ $rc -eq 2 ]
check "with the reason" grep -q "CORE_CDS_EXPORT_AT must be a time of day as HH:MM" "$work/bad.log"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
