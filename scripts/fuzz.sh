#!/usr/bin/env bash
# Fuzzes the bulk-upload sheet readers and the API's JSON bodies (docs/fuzzing.md): builds the libFuzzer targets with clang in
# build-fuzz/, runs each for SECONDS (default 600) from its corpus in tests/fuzz/corpus/, and
# merges the inputs that reached new code back into that corpus. A crash stops the script and
# leaves the input that caused it in the work folder it prints.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: csv xlsx sheet_xml api_json)
set -euo pipefail
cd "$(dirname "$0")/.."
export CORE_ROOT="$PWD"  # api_json_fuzz loads the 2026 lettings form
secs=${1:-600}
shift || true
targets=${*:-csv xlsx sheet_xml api_json}
CXX=clang++ CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORE_FUZZ=ON >/dev/null
cmake --build build-fuzz -j2
work=$(mktemp -d /tmp/core-fuzz.XXXXXX)
echo "work folder: $work"
for t in $targets; do
  mkdir -p "$work/$t" "$work/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/$t/"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "== $t for ${secs}s"
  ./build-fuzz/"${t}_fuzz" -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/$t-" "${dict[@]}" "$work/$t" 2>&1 | grep -E '^(#[0-9]+ +DONE|stat::|==[0-9]+==|SUMMARY)'
  ./build-fuzz/"${t}_fuzz" -merge=1 -max_len=16384 -timeout=10 -rss_limit_mb=2048 "tests/fuzz/corpus/$t" "$work/$t" 2>&1 | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
done
