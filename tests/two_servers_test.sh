#!/usr/bin/env bash
# Two `core serve` processes on one database (issue 10, finding 8): a coordinator demoted through
# server A must be refused by server B on the very next request, though B served them a moment
# before (and so had them in any per-process copy it keeps). Runs on SQLite, or on PostgreSQL when
# CORE_TEST_PG names a server (as scripts/test.sh does).
set -uo pipefail
core="$1"
work=$(mktemp -d)
source "$(cd "$(dirname "$0")" && pwd)/support/checks.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/support/test_db.sh"
test_database two
a=""; b=""; c=""
cleanup() {
  [ -n "$a" ] && kill "$a" 2>/dev/null && wait "$a" 2>/dev/null
  [ -n "$b" ] && kill "$b" 2>/dev/null && wait "$b" 2>/dev/null
  [ -n "$c" ] && kill "$c" 2>/dev/null && wait "$c" 2>/dev/null
  dropdb; rm -rf "$work"
}
trap cleanup EXIT
export CORE_ARGON2=min CORE_MAIL_DIR="$work/mail"

"$core" migrate --database "$db" >/dev/null
org=$("$core" organisations add --name "Two Server Homes" --type PRP --holds-stock --database "$db" | tail -n1)
coord=$(echo "Gable-Window-77" | "$core" users add --email coord@two.example --name "Two Coordinator" \
  --organisation "$org" --role coordinator --password-stdin --database "$db" | tail -n1)
echo "Gable-Window-77" | "$core" users add --email support@two.example --name "Two Support" \
  --organisation "$org" --role support --password-stdin --database "$db" >/dev/null

source "$root/tests/support/serve.sh"
start() { serve_core "$1" "$core" "$db" "${@:2}"; }  # start LOG [ENV=VALUE...]
read -r a port_a <<<"$(start "$work/a.log")"
read -r b port_b <<<"$(start "$work/b.log")"
check "server A started" [ -n "${port_a:-}" ] || tail -n5 "$work/a.log"
check "server B started" [ -n "${port_b:-}" ] || tail -n5 "$work/b.log"

token_of() { grep -o 'name="csrf_token" value="[^"]*"' | head -n1 | sed 's/.*value="//;s/"$//'; }
sign_in() {  # sign_in PORT JAR EMAIL -> status
  local token
  token=$(curl -fs -c "$2" -b "$2" "http://127.0.0.1:$1/account/sign-in" | token_of)
  curl -s -o /dev/null -w '%{http_code}' -b "$2" -c "$2" --data-urlencode "csrf_token=$token" \
    --data-urlencode "email=$3" --data-urlencode "password=Gable-Window-77" "http://127.0.0.1:$1/account/sign-in"
}
status() { curl -s -o /dev/null -w '%{http_code}' -b "$2" "http://127.0.0.1:$1$3"; }

check "the coordinator signs in on B" [ "$(sign_in "$port_b" "$work/coord" coord@two.example)" = "303" ]
check "and B lets them invite users" [ "$(status "$port_b" "$work/coord" /users/new)" = "200" ]
check "support signs in on A" [ "$(sign_in "$port_a" "$work/support" support@two.example)" = "303" ]
edit_token=$(curl -fs -b "$work/support" "http://127.0.0.1:$port_a/users/$coord/edit" | token_of)
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/support" --data-urlencode "csrf_token=$edit_token" \
  --data-urlencode "name=Two Coordinator" --data-urlencode "email=coord@two.example" --data-urlencode "role=provider" \
  --data-urlencode "is_dpo=0" --data-urlencode "is_key_contact=0" "http://127.0.0.1:$port_a/users/$coord/edit")
check "support demotes the coordinator through A" [ "$code" = "303" ]
# The very next requests through B, without any pause.
check "B refuses the invitation page at once" [ "$(status "$port_b" "$work/coord" /users/new)" = "403" ]
invite_token=$(curl -fs -b "$work/coord" "http://127.0.0.1:$port_b/account" | token_of)
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$work/coord" --data-urlencode "csrf_token=$invite_token" \
  --data-urlencode "name=Late Invite" --data-urlencode "email=late@two.example" --data-urlencode "role=provider" \
  --data-urlencode "is_dpo=0" --data-urlencode "is_key_contact=0" "http://127.0.0.1:$port_b/users/new")
check "B refuses an invitation from the demoted coordinator" [ "$code" = "403" ]
check "and A agrees" [ "$(status "$port_a" "$work/coord" /users/new)" = "403" ]
check "no invitation was sent" bash -c "! grep -rqs late@two.example '$work/mail'"

# Issue 11: CORE_SECRET_KEY on one server only breaks every form between it and the others; it says so.
check "servers without CORE_SECRET_KEY say nothing about it" bash -c "! grep -q CORE_SECRET_KEY '$work/a.log' '$work/b.log'"
read -r c port_c <<<"$(start "$work/c.log" CORE_SECRET_KEY=only-this-server-has-it)"
check "the server with its own key started" [ -n "$c" ] || tail -n5 "$work/c.log"
check "a server started with a CORE_SECRET_KEY of its own warns at start-up" \
  grep -q "warning: CORE_SECRET_KEY differs from the secret key kept in the database" "$work/c.log"
check "and says what to do" grep -q "on every server that shares this database, or on none" "$work/c.log"
form_token=$(curl -fs -b "$work/support" "http://127.0.0.1:$port_b/account" | token_of)
curl -s -o "$work/c.html" -w '%{http_code}' -b "$work/support" --data-urlencode "csrf_token=$form_token" \
  "http://127.0.0.1:$port_c/account/sign-out" >"$work/c.code"
check "as it warns: a form served by B is refused by that server" [ "$(cat "$work/c.code")" = "403" ]
check "as expired" grep -q "Your form has expired" "$work/c.html"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
