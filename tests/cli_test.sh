#!/usr/bin/env bash
# The command-line interface: migrate, seed, organisations add, users add, serve + /health.
# Runs on SQLite, or on PostgreSQL when CORE_TEST_PG names a server (as scripts/test.sh does).
set -uo pipefail
core="$1"
work=$(mktemp -d)
source "$(cd "$(dirname "$0")" && pwd)/support/checks.sh"
is_number() { [[ "$1" =~ ^[0-9]+$ ]]; }
if [ -n "${CORE_TEST_PG:-}" ]; then
  dbname="core_cli_$$_$RANDOM"
  psql "$CORE_TEST_PG" -q -c "CREATE DATABASE $dbname" >/dev/null
  db="${CORE_TEST_PG%/*}/$dbname"
  cleanup() { psql "$CORE_TEST_PG" -q -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"; }
else
  db="sqlite://$work/cli.db"
  cleanup() { rm -rf "$work"; }
fi
trap 'cleanup; [ -n "${server:-}" ] && kill $server 2>/dev/null' EXIT
sql() {  # sql QUERY: one value from the test database
  if [ -n "${CORE_TEST_PG:-}" ]; then psql "$db" -Atqc "$1"; else sqlite3 "$work/cli.db" "$1"; fi
}
export CORE_ARGON2=min

out=$("$core" migrate --database "$db" 2>&1); check "migrate applies every migration" grep -Eq "migrations: [1-9][0-9]* applied, 0 already applied" <<<"$out"
out=$("$core" migrate --database "$db" 2>&1); check "migrate twice changes nothing" grep -q "0 applied" <<<"$out"
out=$("$core" seed --demo --database "$db" 2>&1); check "seed creates" grep -q "demo data created" <<<"$out"
out=$("$core" seed --demo --database "$db" 2>&1); check "seed twice changes nothing" grep -q "already present" <<<"$out"

org=$("$core" organisations add --name "Cli Homes" --type PRP --holds-stock --database "$db" | tail -n1)
check "organisations add prints the id" is_number "$org"
"$core" organisations add --name "cli HOMES" --type LA --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "duplicate organisation name refused" [ $rc -ne 0 ]
check "duplicate name message" grep -q "already exists" "$work/err"
"$core" organisations add --name "Typo Homes" --type XYZ --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "bad type refused" [ $rc -ne 0 ]
# Issue 11: a new organisation gets every rent period (its logs could record no rent without one),
# or the ones --rent-periods names.
check "a new organisation has all 11 rent periods" [ "$(sql "SELECT COUNT(*) FROM organisation_rent_periods WHERE organisation_id = $org")" = 11 ]
some=$("$core" organisations add --name "Monthly Homes" --type LA --rent-periods 4,1 --database "$db" | tail -n1)
check "--rent-periods gives just those" [ "$(sql "SELECT COUNT(*) FROM organisation_rent_periods WHERE organisation_id = ${some:-0} AND rent_period IN (1, 4)")" = 2 ]
check "and no others" [ "$(sql "SELECT COUNT(*) FROM organisation_rent_periods WHERE organisation_id = ${some:-0}")" = 2 ]
"$core" organisations add --name "Odd Homes" --type LA --rent-periods 1,99 --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "an unknown rent period is refused" [ $rc -ne 0 ]
check "with the codes to use" grep -q -- "--rent-periods: use codes from this list: 2 (Every 2 weeks)" "$work/err"
"$core" organisations add --name "Odd Homes" --type LA --rent-periods weekly --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "a rent period that is not a code is refused" [ $rc -ne 0 ]
check "and says how to write them" grep -q "separated by commas" "$work/err"
check "nothing was created by the refused commands" [ "$(sql "SELECT COUNT(*) FROM organisations WHERE name = 'Odd Homes'")" = 0 ]

uid=$(echo "Gable-Window-77" | "$core" users add --email first.support@example.gov.uk --name "First Support" \
  --organisation "$org" --role support --dpo --key-contact --password-stdin --database "$db" | tail -n1)
check "users add prints the id" is_number "$uid"
echo "short" | "$core" users add --email weak@example.gov.uk --name "Weak" --organisation "$org" --role provider \
  --password-stdin --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "weak password refused" [ $rc -ne 0 ]
check "weak password message" grep -q "at least 9 characters" "$work/err"
echo "Gable-Window-77" | "$core" users add --email first.support@example.gov.uk --name "Again" --organisation "$org" \
  --role provider --password-stdin --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "duplicate email refused" [ $rc -ne 0 ]
echo "Gable-Window-77" | "$core" users add --email x@example.gov.uk --name "X" --organisation 999999 \
  --role provider --password-stdin --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "unknown organisation refused" [ $rc -ne 0 ]
"$core" migrate --database "mysql://nope" >/dev/null 2>"$work/err"; rc=$?
check "bad database URL refused" [ $rc -ne 0 ]
check "bad database URL message" grep -q "unsupported database URL" "$work/err"

# Settings that are not numbers in range stop the server with a clear message (never 0 threads).
for setting in CORE_THREADS=abc CORE_THREADS=0 CORE_MAX_BODY_BYTES=-1 CORE_REQUEST_TIMEOUT_SECONDS=1e9 CORE_PORT=99999; do
  env "$setting" "$core" serve --database "$db" >/dev/null 2>"$work/err" & pid=$!
  for _ in $(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
  if kill -0 $pid 2>/dev/null; then kill $pid; wait $pid 2>/dev/null; rc=0; else wait $pid; rc=$?; fi
  check "$setting is refused at start-up" [ $rc -ne 0 ]
  check "$setting: the message names the setting" grep -q "${setting%%=*} must be a whole number" "$work/err"
done
# log check --as: only an active user of this database, and only with --database.
echo '{"needstype": 1}' > "$work/answers.json"
"$core" log check --type lettings --year 2026 --database "$db" --as nobody@example.com "$work/answers.json" >/dev/null 2>"$work/err"; rc=$?
check "log check --as an unknown email is refused" [ $rc -eq 2 ]
check "and says so" grep -q "no active user with the email nobody@example.com" "$work/err"
"$core" log check --type lettings --year 2026 --as nobody@example.com "$work/answers.json" >/dev/null 2>"$work/err"; rc=$?
check "log check --as without --database is refused" [ $rc -eq 2 ]

# logs rekey: generated logs, their keys cleared as if saved before duplicate keys, get them back.
"$core" logs generate --count 20 --organisations "$org" --duplicates-every 5 --database "$db" >/dev/null
sets_before=$(sql "SELECT COUNT(*) FROM logs WHERE duplicate_set_id IS NOT NULL")
check "generated logs include duplicate sets ($sets_before logs in sets)" [ "${sets_before:-0}" -gt 0 ]
sql "UPDATE logs SET duplicate_key = NULL, duplicate_set_id = NULL" >/dev/null
out=$("$core" logs rekey --database "$db" 2>&1)
check "logs rekey reports what it did ($out)" grep -q "^20 logs checked; 20 duplicate keys changed; $sets_before logs in duplicate sets" <<<"$out"
check "logs rekey restores the sets" [ "$(sql "SELECT COUNT(*) FROM logs WHERE duplicate_set_id IS NOT NULL")" = "$sets_before" ]

# serve, then sign in as the user made above through the real HTTP server
source "$(cd "$(dirname "$0")" && pwd)/support/serve.sh"
read -r server port <<<"$(serve_core "$work/serve.log" "$core" "$db")"
check "core serve starts on a port the kernel picks" [ -n "${port:-}" ]
# A second server on the same port stops with a message, not a crash (it segfaulted).
CORE_PORT=$port timeout 20 "$core" serve --database "$db" >/dev/null 2>"$work/err"; rc=$?
check "a port in use stops the server with exit 1 ($rc)" [ $rc -eq 1 ]
check "and says which port" grep -q "cannot listen on port $port" "$work/err"
health=$(curl -fs "http://127.0.0.1:$port/health")
check "health answers with the database status" grep -q '"database":{"engine":"[a-z]*","status":"ok"}' <<<"$health"
jar="$work/cookies"
token=$(curl -fs -c "$jar" "http://127.0.0.1:$port/account/sign-in" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=first.support@example.gov.uk" --data-urlencode "password=Gable-Window-77" \
  "http://127.0.0.1:$port/account/sign-in")
check "the command-line user can sign in" [ "$code" = "303" ]
code=$(curl -s -o "$work/orgs.html" -w '%{http_code}' -b "$jar" "http://127.0.0.1:$port/organisations")
check "as support they see the organisations" [ "$code" = "200" ]
check "including the one made on the command line" grep -q "Cli Homes" "$work/orgs.html"
kill $server; wait $server 2>/dev/null; server=""

# core log check: one log through the gateway, without and with a database.
cat > "$work/log.json" <<'JSON'
{ "owning_organisation_id": 2, "managing_organisation_id": 2, "assigned_to_id": 2, "needstype": 1, "renewal": 0,
  "startdate": "2026-05-01", "rent_type": 0, "declaration": 1, "renewal_typo": 1, "hhmemb": "lots",
  "period": 1, "brent": 100 }
JSON
out=$("$core" log check --type lettings --year 2026 --today 2026-06-01 "$work/log.json"); rc=$?
check "log check exits 0 whatever the outcome" [ $rc -eq 0 ]
check "log check gives a status" grep -q '"status": "in_progress"' <<<"$out"
check "log check names an unknown attribute" grep -q "renewal_typo" <<<"$out"
check "log check names text in a number field" grep -q "Number of household members must be a number." <<<"$out"
check "log check reports what it derived" grep -q '"renttype": 1' <<<"$out"
check "without a database the owner's provider type is unknown, so no letting type" bash -c "! grep -q '\"lettype\"' <<<'$out'"
out=$("$core" log check --type lettings --year 2026 --today 2026-06-01 --database "$db" "$work/log.json"); rc=$?
check "log check with a database exits 0" [ $rc -eq 0 ]
check "with a database the owner is resolved (Northshire is a local authority: letting type 3)" grep -q '"lettype": 3' <<<"$out"
echo '{"owning_organisation_id": 999999}' > "$work/missing.json"
out=$("$core" log check --type lettings --year 2026 --today 2026-06-01 --database "$db" "$work/missing.json")
check "with a database an unknown organisation is an error on its field" grep -q "There is no organisation with the id 999999." <<<"$out"
echo '[1, 2]' > "$work/array.json"
"$core" log check --type lettings --year 2026 "$work/array.json" >/dev/null 2>"$work/err"; rc=$?
check "log check refuses JSON of the wrong shape" [ $rc -ne 0 ]
check "and says why" grep -q "must be a JSON object" "$work/err"
echo '{"broken' > "$work/broken.json"
"$core" log check --type lettings --year 2026 "$work/broken.json" >/dev/null 2>"$work/err"; rc=$?
check "log check refuses unreadable JSON" [ $rc -ne 0 ]
"$core" log check --type lettings --year 2031 "$work/log.json" >/dev/null 2>"$work/err"; rc=$?
check "log check refuses a year with no form" [ $rc -ne 0 ]
"$core" log check --type lettings --year 2026 --today 2026-02-31 "$work/log.json" >/dev/null 2>"$work/err"; rc=$?
check "log check refuses an impossible --today" [ $rc -ne 0 ]
# core form lint: a broken definition fails with a clear message.
sed 's/"depends_on": "needstype == 2"/"depends_on": "needstyp == 2"/' "$(dirname "$0")/fixtures/forms/2099/lettings.json" > "$work/bad-form.json"
"$core" form lint "$work/bad-form.json" >/dev/null 2>"$work/err"; rc=$?
check "form lint fails on an unknown field" [ $rc -ne 0 ]
check "form lint names it" grep -q "unknown field 'needstyp'" "$work/err"
# core form lint on a bulk-upload template spec: checked against the form beside it, problems by field.
forms="$(dirname "$0")/../forms/2026"
"$core" form lint "$forms/lettings-bulk-upload.json" "$forms/sales-bulk-upload.json" >"$work/out" 2>"$work/err"; rc=$?
check "form lint passes the 2026 template specs" [ $rc -eq 0 ]
check "form lint counts a spec's fields" grep -q "lettings 2026 bulk-upload template: 147 fields" "$work/out"
mkdir -p "$work/spec"
cp -r "$forms/lettings.json" "$forms/lettings" "$work/spec/"
sed 's/"field": 42, "attribute": "sexrab1"/"field": 42, "attribute": "sexrab9"/' "$forms/lettings-bulk-upload.json" > "$work/spec/lettings-bulk-upload.json"
"$core" form lint "$work/spec/lettings-bulk-upload.json" >/dev/null 2>"$work/err"; rc=$?
check "form lint fails on a spec naming an unknown attribute" [ $rc -ne 0 ]
check "form lint names the field" grep -q "field 42: attribute 'sexrab9' is not in the lettings 2026 form" "$work/err"
echo '{"template": ' > "$work/spec/sales-bulk-upload.json"
"$core" form lint "$work/spec/sales-bulk-upload.json" >/dev/null 2>"$work/err"; rc=$?
check "form lint refuses a spec that is not JSON" [ $rc -ne 0 ]
check "and says so" grep -q "is not valid JSON" "$work/err"

# core bulk-upload check: the report as JSON, exit code 0 whenever the file could be read.
"$core" bulk-upload generate --type lettings --year 2026 --rows 20 --errors-every 10 --out "$work/bulk.csv" >/dev/null
CORE_TODAY=2026-12-01 "$core" bulk-upload check --type lettings --year 2026 "$work/bulk.csv" >"$work/report.json"; rc=$?
check "bulk-upload check reads a generated file (exit 0)" [ $rc -eq 0 ]
check "and reports its 20 rows" grep -q '"rows": 20' "$work/report.json"
check "with the age error on cell AP18" grep -q '"cell": "AP18"' "$work/report.json"
"$core" bulk-upload generate --type lettings --year 2026 --rows 5 --out "$work/bulk.xlsx" >/dev/null
CORE_TODAY=2026-12-01 "$core" bulk-upload check --type lettings --year 2026 "$work/bulk.xlsx" >"$work/report.json"; rc=$?
check "bulk-upload check reads the same as XLSX" [ $rc -eq 0 ] && grep -q '"rows": 5' "$work/report.json"
head -c 3000 /dev/urandom > "$work/garbage.csv"
"$core" bulk-upload check --type lettings --year 2026 "$work/garbage.csv" >"$work/report.json"; rc=$?
check "a file that is no spreadsheet gets a file error, exit 0" [ $rc -eq 0 ] && grep -q '"file_errors": \[$' "$work/report.json"
"$core" bulk-upload check --type lettings --year 2026 "$work/missing.csv" >/dev/null 2>"$work/err"; rc=$?
check "bulk-upload check of a missing file fails" [ $rc -eq 1 ]
"$core" bulk-upload check --type rentals --year 2026 "$work/bulk.csv" >/dev/null 2>"$work/err"; rc=$?
check "bulk-upload check refuses an unknown type" [ $rc -eq 2 ]

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
