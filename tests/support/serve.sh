# Sourced by the shell tests that run `core serve`. serve_core LOG CORE DATABASE [ENV=VALUE...]
# starts a server on a port the kernel picks (so no other test's server can hold it) and waits
# until it answers /health: prints "PID PORT", or nothing when it did not come up within 30 s
# (the last lines of LOG then say why).
serve_core() {
  local log=$1 core=$2 db=$3; shift 3
  env "$@" CORE_PORT=0 "$core" serve --database "$db" >"$log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's|^CORE is serving on http://localhost:\([0-9]*\).*|\1|p' "$log" | head -n1)
    [ -n "$port" ] && curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && { echo "$pid $port"; return; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null
  tail -n5 "$log" >&2
}
