#!/usr/bin/env bash
# Builds the benchmarks in release mode (in .build-release, apart from the debug build) and runs
# them. Each benchmark measures its baseline in the same run and prints medians and ratios.
#   scripts/bench.sh [testenv|nats|stack|all] [--json DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
json_dir=""
if [ "${2:-}" = "--json" ]; then json_dir="${3:?--json needs a folder}"; mkdir -p "$json_dir"; fi
case "$which" in
  testenv|nats|stack|all) ;;
  -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
  *) echo "bench.sh: unknown benchmark '$which' (testenv, nats, stack, all)" >&2; exit 2 ;;
esac

swift build -c release --product greentic-bench --scratch-path .build-release >&2
swift build -c release --product greentic-integration --scratch-path .build-release >&2
bench=".build-release/release/greentic-bench"
run() {
  local name="$1"; shift
  echo "== $name =="
  if [ -n "$json_dir" ]; then "$bench" "$name" "$@" --json "$json_dir/$name.json"; else "$bench" "$name" "$@"; fi
  echo
}
if [ "$which" = "testenv" ] || [ "$which" = "all" ]; then run testenv --runs 20; fi
if [ "$which" = "nats" ] || [ "$which" = "all" ]; then run nats; fi
if [ "$which" = "stack" ] || [ "$which" = "all" ]; then run stack --runs 10; fi
