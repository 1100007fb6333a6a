# Sourced by the benchmarks that run a server (bench/logs.sh, csv-download.sh, cds-export.sh,
# api.sh, ...). bench_work NAME: a scratch folder $work (readable by the postgres user, for a
# throwaway cluster in $work/pg), a copy of the binary there as $core (so a rebuild during the run
# changes nothing), and a cleanup on exit that stops the server ($server_pid, when set) and the
# cluster and removes the folder. Needs $root and $core_src.
bench_work() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/core-bench-$1.XXXXXX")
  chmod 755 "$work"
  server_pid=""
  trap bench_cleanup EXIT
  core="$work/core"
  cp "$core_src" "$core"
}
bench_cleanup() {
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  ./scripts/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
