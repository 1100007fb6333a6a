#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite, the same again on a throwaway
# PostgreSQL 15 cluster started here, then the browser tests (chromium + playwright-core + axe).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$(mktemp -d /tmp/core-test.XXXXXX)
chmod 755 "$scratch"   # the postgres user must reach the cluster folder inside it
pgdir="$scratch/pg"
cleanup() { ./scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$scratch"; }
trap cleanup EXIT
export CORE_ROOT="$root" CORE_ARGON2=min TMPDIR="$scratch"

echo "== unit and integration tests: SQLite"
ctest --test-dir build -j2 --output-on-failure --timeout 300

echo "== unit and integration tests: PostgreSQL 15"
port=$(( 55000 + RANDOM % 900 ))
admin_url=$(./scripts/pg.sh start "$pgdir" "$port")
CORE_TEST_PG="$admin_url" ctest --test-dir build -j2 --output-on-failure --timeout 300
./scripts/pg.sh stop "$pgdir"

echo "== browser tests: chromium + playwright-core + axe"
node --test --test-concurrency=1 tests/browser/
