# Sourced by the benchmarks that need many logs in PostgreSQL (bench/logs.sh, bench/duplicates.sh).
# pg_logs COUNT [core logs generate options...]: starts a throwaway PostgreSQL 15 cluster in
# $work/pg, makes a database with the demo data and 49 more organisations (50 in all, Northshire
# first), generates COUNT complete logs (of the kind the options name; lettings by default) over them and analyses the tables, as autovacuum
# would have by then. Sets $pg (the database's URL), $orgs (the organisations' ids) and
# $generated_in (seconds). An option given as COORDINATOR stands for the user id of Northshire's
# coordinator (--assigned-to COORDINATOR). Needs $work and $core; the caller's cleanup stops the
# cluster.
# pg_demo: the cluster and a database with the demo data only (sets $pg).
pg_demo() {
  local admin
  admin=$(./scripts/pg.sh start "$work/pg" "${BENCH_PG_PORT:-$(( 56000 + RANDOM % 900 ))}")
  psql "$admin" -qc "CREATE DATABASE bench" >/dev/null
  pg="${admin%/*}/bench"
  CORE_ARGON2=min "$core" migrate --database "$pg" >/dev/null
  CORE_ARGON2=min "$core" seed --demo --database "$pg" >/dev/null
}
pg_logs() {
  local count=$1 t0 i
  shift
  pg_demo
  orgs="2"
  for i in $(seq 1 49); do orgs="$orgs,$("$core" organisations add --name "Bench Housing $i" --type PRP --holds-stock --database "$pg" | tail -n1)"; done
  local uid args=()
  uid=$(psql "$pg" -Atc "SELECT id FROM users WHERE email = 'coordinator@northshire.example'")
  for i in "$@"; do [ "$i" = COORDINATOR ] && args+=("$uid") || args+=("$i"); done
  t0=$SECONDS
  "$core" logs generate --count "$count" --organisations "$orgs" ${args[@]+"${args[@]}"} --database "$pg" >/dev/null
  generated_in=$((SECONDS - t0))
  psql "$pg" -qc "VACUUM ANALYZE" >/dev/null
}
