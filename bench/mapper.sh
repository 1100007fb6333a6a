#!/usr/bin/env bash
# The bulk-upload column mapper (src/bulk/mapper.h) on the alpha's sample file: precision, recall and
# the result for every column, the two check lists, and timings. Builds mapper_bench if needed.
#   bench/mapper.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target mapper_bench -j2 >/dev/null
CORE_ROOT="$root" "$build/mapper_bench"
