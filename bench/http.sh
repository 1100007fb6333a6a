#!/usr/bin/env bash
# HTTP benchmark for CORE (issue 2). Builds nothing: it runs the existing ./build/core
# (`make bench` builds first). It makes a throwaway SQLite database with the demo data plus
# 1,000 extra providers in organisation 2, starts the server on a free port, signs in as the
# demo coordinator, and runs wrk against four targets:
#   sign-in      GET /account/sign-in                    (template render, new session token, no SQL)
#   users-page   GET /organisations/2/users              (signed in: session + SQL + render)
#   static-css   GET /assets/govuk-frontend.min.css      (136 KB)
#   static-svg   GET /assets/images/favicon.svg          (about 2 KB)
# then checks the budget: users-page p99 <= 20 ms, and its req/s >= 1/4 of static-css's req/s.
#
# Environment:
#   BENCH_DURATION     wrk duration per target (default 10s; a bare number means seconds)
#   BENCH_WARMUP       warm-up per target (default 2s)
#   BENCH_THREADS      wrk threads (default 2)      BENCH_CONNECTIONS  wrk connections (default 64)
#   BENCH_PORT         port for the server (default: a free one is picked)
#   BENCH_KEEP         a directory: keep the raw wrk output, curl timings and server log there
#   BENCH_STRICT=1     exit with status 3 when the budget does not hold (default: report only)
#   BENCH_WAIT_QUIET=N wait up to N seconds for the machine to be under 10% busy before starting
#                      (useful on a shared machine; default 0: do not wait)
#   CORE_BIN           the binary to run (default ./build/core)
# Exit status: 0 ran (whatever the budget), 1 setup failed, 2 a target answered wrongly,
# 3 budget failed (only with BENCH_STRICT=1).
#
# wrk and the server share the machine's cores, so the figures are relative: compare runs
# made on the same machine, and look at the "other" CPU column (CPU used by processes other
# than the server and wrk during the run); a high figure there means the run was disturbed.
# "srv CPU ms" (server CPU time per request) moves least from run to run: use it to compare
# builds. "B/resp" (bytes read per response) guards against measuring redirects, which wrk
# does not count as errors.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
core_src=${CORE_BIN:-$root/build/core}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}s"
[[ "$warmup" =~ ^[0-9]+$ ]] && warmup="${warmup}s"

die() { echo "bench/http.sh: $*" >&2; exit 1; }
[ -x "$core_src" ] || die "$core_src does not exist or is not executable. This script builds nothing: run \`make build\` first (or \`make bench\`, which builds and then runs this script)."
command -v wrk >/dev/null || die "wrk is not installed (Debian: apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"

work=$(mktemp -d "${TMPDIR:-/tmp}/core-bench.XXXXXX")
server_pid=""
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then
    mkdir -p "$BENCH_KEEP" && cp "$work"/*.wrk "$work"/*.txt "$work"/server.log "$BENCH_KEEP"/ 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy of the binary, so a rebuild during the run cannot swap it between steps.
core="$work/core"
cp "$core_src" "$core"
export CORE_ROOT="$root"                    # templates, static files and migrations come from here
export CORE_MAIL_DIR="$work/mail"
db="sqlite://$work/bench.sqlite3"

# --- CPU accounting (to tell a clean run from a disturbed one) -------------------------------
ncpu=$(nproc)
cpu_totals() { awk '$1=="cpu"{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9; exit}' /proc/stat; }  # busy total
proc_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}'; }                           # utime+stime
child_ticks() {  # CPU used so far by this shell's waited-for children (wrk), in clock ticks
  times >"$work/times.out"   # not in a pipe or $(...): a subshell would report its own children
  awk -v hz="$(getconf CLK_TCK)" 'NR==2 {
    t=0; for (i=1;i<=2;i++) { s=$i; sub(/s$/,"",s); split(s,a,"m"); t+=a[1]*60+a[2] } printf "%d\n", t*hz+0.5 }' "$work/times.out"
}

# --- machine ---------------------------------------------------------------------------------
cpu_model=$(awk -F': *' '/^model name/{print $2; exit}' /proc/cpuinfo)
echo "== CORE HTTP benchmark (bench/http.sh)"
echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine: $(hostname), $ncpu cores (nproc), CPU ${cpu_model:-unknown}, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r)"
echo "binary:  $core_src ($(stat -c '%y' "$core_src" | cut -d. -f1), git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD -- src templates 2>/dev/null || echo ', uncommitted changes in src/templates'))"
echo "wrk:     $(wrk -v 2>&1 | head -n1 | awk '{print $1, $2}'), -t$threads -c$conns -d$duration --latency, warm-up $warmup per target"
busy_now() {  # % of the machine busy over the next $1 seconds
  local b0 t0 b1 t1
  read -r b0 t0 < <(cpu_totals); sleep "$1"; read -r b1 t1 < <(cpu_totals)
  echo $(( (b1 - b0) * 100 / (t1 - t0 > 0 ? t1 - t0 : 1) ))
}
if [ "${BENCH_WAIT_QUIET:-0}" -gt 0 ]; then
  quiet_end=$(( SECONDS + BENCH_WAIT_QUIET ))
  until [ "$(busy_now 3)" -lt 10 ]; do
    [ "$SECONDS" -lt "$quiet_end" ] || { echo "wait:    the machine did not become quiet within ${BENCH_WAIT_QUIET} s; going ahead"; break; }
  done
fi
idle_busy=$(busy_now 1)
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (load average); CPU busy before start: ${idle_busy}%"
if [ "$idle_busy" -ge 15 ]; then
  echo "WARNING: the machine is already ${idle_busy}% busy before the benchmark; figures will be low." \
       "Running: $(ps -eo stat=,comm= | awk '$1 ~ /^R/ && $2 != "ps" {print $2}' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')"
fi

# --- database --------------------------------------------------------------------------------
# CORE_ARGON2=min makes password hashing cheap for the 1,003 seeded users. It is used for the
# seeding only (seconds instead of minutes); the server itself runs with the default setting.
# The sign-in page and the pages measured below do not hash passwords.
CORE_ARGON2=min "$core" migrate --database "$db" >"$work/setup.txt" 2>&1 || { cat "$work/setup.txt"; die "migrate failed"; }
CORE_ARGON2=min "$core" seed --demo --users 1000 --database "$db" >>"$work/setup.txt" 2>&1 || { cat "$work/setup.txt"; die "seed failed"; }
echo "data:    SQLite in $work, seed --demo --users 1000 (seeding with CORE_ARGON2=min; the server runs without it)"

# --- server ----------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_server() {  # start_server PORT: 0 once /health answers, 1 if the server died (port taken?)
  env -u CORE_ARGON2 "$core" serve --port "$1" --database "$db" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    kill -0 "$server_pid" 2>/dev/null || { wait "$server_pid" 2>/dev/null || true; server_pid=""; return 1; }
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health")" = 200 ] && return 0
    sleep 0.1
  done
  die "the server did not answer /health within 10 s; log: $(tail -n5 "$work/server.log")"
}
port=""
for attempt in $(seq 1 20); do
  p=${BENCH_PORT:-$(( 20000 + RANDOM % 40000 ))}
  port_in_use "$p" && { [ -n "${BENCH_PORT:-}" ] && die "port $p is in use"; continue; }
  if start_server "$p"; then port=$p; break; fi
  [ -n "${BENCH_PORT:-}" ] && die "the server did not start on port $p: $(tail -n5 "$work/server.log")"
done
[ -n "$port" ] || die "could not start the server on a free port: $(tail -n5 "$work/server.log")"
base="http://127.0.0.1:$port"
echo "server:  pid $server_pid on port $port, log $work/server.log"

# --- sign in as the coordinator --------------------------------------------------------------
jar="$work/cookies"
token=$(curl -fsS -c "$jar" "$base/account/sign-in" | grep -o 'name="csrf_token" value="[^"]*"' | sed 's/.*value="//;s/"$//' || true)
[ -n "$token" ] || die "no csrf_token on GET /account/sign-in"
code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" --data-urlencode "csrf_token=$token" \
  --data-urlencode "email=coordinator@northshire.example" --data-urlencode "password=Housing-Demo-2026" \
  "$base/account/sign-in")
[ "$code" = 303 ] || die "sign-in as coordinator@northshire.example answered $code, expected 303"
session=$(awk '$6 == "core_session" {print $7}' "$jar" | tail -n1)
[ -n "$session" ] || die "no core_session cookie after signing in"
cookie="Cookie: core_session=$session"

# --- targets ---------------------------------------------------------------------------------
names=(sign-in users-page static-css static-svg)
paths=(/account/sign-in /organisations/2/users /assets/govuk-frontend.min.css /assets/images/favicon.svg)
headers=("" "$cookie" "" "")

# Check each target with curl first: status, body, and one timing of a single request on an idle server.
check_page() {  # check_page INDEX -> sets body size; exits 2 if the answer is wrong
  local i=$1 out="$work/${names[$1]}.body" code
  local -a h=(); [ -n "${headers[$i]}" ] && h=(-H "${headers[$i]}")
  code=$(curl -sS -o "$out" -w '%{http_code}' "${h[@]}" "$base${paths[$i]}")
  if [ "$code" != 200 ]; then echo "FAIL: GET ${paths[$i]} answered $code, expected 200" >&2; exit 2; fi
  case ${names[$i]} in
    sign-in)    grep -q 'name="csrf_token"' "$out" || { echo "FAIL: the sign-in page has no csrf_token" >&2; exit 2; } ;;
    users-page) grep -Eq 'user[0-9]+@northshire\.example' "$out" || { echo "FAIL: GET ${paths[$i]} does not list the users (not signed in?)" >&2; exit 2; }
                grep -q 'name="password"' "$out" && { echo "FAIL: GET ${paths[$i]} shows a password field (the sign-in page?)" >&2; exit 2; } ;;
  esac
  stat -c %s "$out"
}
declare -a size
printf '%s\n' "single requests before the load runs (curl, one connection each, 5 requests; time to first byte / total, ms):" >"$work/curl-timings.txt"
for i in "${!names[@]}"; do
  size[$i]=$(check_page "$i") || exit 2
  local_h=(); [ -n "${headers[$i]}" ] && local_h=(-H "${headers[$i]}")
  t=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_starttransfer} %{time_total}\n' "${local_h[@]}" "$base${paths[$i]}"; done |
      awk '{printf "%s%.1f/%.1f", sep, $1*1000, $2*1000; sep=" "}')
  printf '  %-11s %7s B  %s\n' "${names[$i]}" "${size[$i]}" "$t" >>"$work/curl-timings.txt"
done
echo "checked: ${paths[1]} answers 200 and lists user<N>@northshire.example ($((size[1])) bytes) when signed in as the coordinator"
cat "$work/curl-timings.txt"

# --- run wrk ---------------------------------------------------------------------------------
to_ms() {  # wrk time (e.g. 512.30us, 3.21ms, 1.02s, 1.50m) -> ms
  awk -v v="$1" 'BEGIN { n=v; u=v; sub(/[a-z]+$/,"",n); sub(/^[0-9.]+/,"",u)
    f = (u=="us") ? 0.001 : (u=="ms") ? 1 : (u=="s") ? 1000 : (u=="m") ? 60000 : (u=="h") ? 3600000 : -1
    if (f < 0) print "?"; else printf "%.2f\n", n*f }'
}
to_bytes() {  # wrk size (e.g. 14.88MB) -> bytes (wrk uses powers of 1024)
  awk -v v="$1" 'BEGIN { n=v; u=v; sub(/[A-Z]+$/,"",n); sub(/^[0-9.]+/,"",u)
    f = (u=="B") ? 1 : (u=="KB") ? 1024 : (u=="MB") ? 1048576 : (u=="GB") ? 1073741824 : (u=="TB") ? 1099511627776 : 0
    printf "%.0f\n", n*f }'
}
declare -a rps p50 p99 bpr cpu_req cpu_srv cpu_wrk cpu_other
warnings=0
for i in "${!names[@]}"; do
  h=(); [ -n "${headers[$i]}" ] && h=(-H "${headers[$i]}")
  wrk -t"$threads" -c"$conns" -d"$warmup" "${h[@]}" "$base${paths[$i]}" >"$work/${names[$i]}.warmup.txt" 2>&1 || true
  child_ticks >"$work/ticks"; w0=$(<"$work/ticks"); read -r b0 t0 < <(cpu_totals); s0=$(proc_ticks "$server_pid")
  if ! wrk -t"$threads" -c"$conns" -d"$duration" --latency "${h[@]}" "$base${paths[$i]}" >"$work/${names[$i]}.wrk" 2>&1; then
    cat "$work/${names[$i]}.wrk" >&2; die "wrk failed on ${paths[$i]}"
  fi
  read -r b1 t1 < <(cpu_totals); s1=$(proc_ticks "$server_pid"); child_ticks >"$work/ticks"; w1=$(<"$work/ticks")
  out="$work/${names[$i]}.wrk"
  rps[$i]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  p50[$i]=$(to_ms "$(awk '$1=="50%" {print $2}' "$out")")
  p99[$i]=$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")
  nreq=$(awk '/ requests in / {print $1}' "$out")
  read_bytes=$(to_bytes "$(awk '/ requests in / {sub(/,/,"",$5); print $5}' "$out")")
  bpr[$i]=$(( nreq > 0 ? read_bytes / nreq : 0 ))
  # Server CPU time per request: little affected by other load, unlike req/s and latency.
  cpu_req[$i]=$(awk -v t=$(( s1 - s0 )) -v hz="$(getconf CLK_TCK)" -v n="$nreq" 'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "?" }')
  # CPU during the run, as % of the whole machine (all cores): server, wrk, everything else.
  tt=$(( t1 - t0 > 0 ? t1 - t0 : 1 )); per=$(( tt / ncpu ))   # ticks per core elapsed
  [ "$per" -gt 0 ] || per=1
  cpu_srv[$i]=$(( (s1 - s0) * 100 / (per * ncpu) ))
  cpu_wrk[$i]=$(( (w1 - w0) * 100 / (per * ncpu) ))
  o=$(( ((b1 - b0) - (s1 - s0) - (w1 - w0)) * 100 / tt )); cpu_other[$i]=$(( o < 0 ? 0 : o ))
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out"); non2xx=${non2xx:-0}
  sock=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */,""); print}' "$out")
  serr=$(awk '/Socket errors:/ {gsub(/,/,""); print $4+$6+$8+$10}' "$out"); serr=${serr:-0}
  if [ "$non2xx" != 0 ] || [ "$serr" != 0 ]; then
    echo "WARNING: ${names[$i]}: wrk saw $non2xx non-2xx/3xx responses and $serr socket errors (${sock:-none})"
    warnings=$((warnings + 1))
  fi
  # wrk does not count 3xx as errors, so compare the bytes per response with the page curl got.
  if [ "${bpr[$i]}" -lt $(( size[$i] * 95 / 100 )) ]; then
    echo "WARNING: ${names[$i]}: $((bpr[$i])) bytes per response on average, but the page is ${size[$i]} bytes: not all answers were the page"
    warnings=$((warnings + 1))
  fi
done

# The session must still be valid after the run (else the run measured redirects).
check_page 1 >/dev/null
echo "checked: after the runs, ${paths[1]} still answers 200 with the user list"

# --- report ----------------------------------------------------------------------------------
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-11s %-32s %8s %8s %8s %8s %11s   %s\n' target path "req/s" "p50 ms" "p99 ms" "B/resp" "srv CPU ms" "CPU % of machine: server / wrk / other"
for i in "${!names[@]}"; do
  printf '%-11s %-32s %8s %8s %8s %8s %11s   %3s / %3s / %3s\n' "${names[$i]}" "${paths[$i]}" "${rps[$i]}" "${p50[$i]}" "${p99[$i]}" \
    "${bpr[$i]}" "${cpu_req[$i]}" "${cpu_srv[$i]}" "${cpu_wrk[$i]}" "${cpu_other[$i]}"
done
echo "(srv CPU ms = server CPU time per request; B/resp = bytes read per response, headers included)"
maxother=0; for o in "${cpu_other[@]}"; do [ "$o" -gt "$maxother" ] && maxother=$o; done
if [ "$maxother" -ge 15 ]; then
  echo "WARNING: other processes used up to ${maxother}% of the machine during a run: the figures are disturbed; run again on a quiet machine"
fi

echo
budget_ok=1
p99_ok=$(awk -v p="${p99[1]}" 'BEGIN { print (p != "?" && p+0 <= 20) ? 1 : 0 }')
ratio=$(awk -v a="${rps[1]}" -v b="${rps[2]}" 'BEGIN { if (b > 0) printf "%.3f", a/b; else print "0" }')
rps_ok=$(awk -v r="$ratio" 'BEGIN { print (r+0 >= 0.25) ? 1 : 0 }')
[ "$p99_ok" = 1 ] || budget_ok=0
[ "$rps_ok" = 1 ] || budget_ok=0
printf 'budget: users-page p99 %s ms <= 20 ms: %s\n' "${p99[1]}" "$([ "$p99_ok" = 1 ] && echo yes || echo NO)"
printf 'budget: users-page req/s %s >= 1/4 of static-css req/s %s (ratio %s >= 0.25): %s\n' "${rps[1]}" "${rps[2]}" "$ratio" \
  "$([ "$rps_ok" = 1 ] && echo yes || echo NO)"
if [ "$budget_ok" = 1 ]; then echo "BUDGET HOLDS"; else echo "BUDGET DOES NOT HOLD"; fi
[ "$warnings" = 0 ] || echo "($warnings warning(s) above)"
[ -n "${BENCH_KEEP:-}" ] && echo "raw wrk output and server log kept in $BENCH_KEEP"
if [ "$budget_ok" = 0 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 3; fi
exit 0
