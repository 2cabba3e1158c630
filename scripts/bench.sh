#!/usr/bin/env bash
# Builds the benchmarks in release mode (in .build-release, apart from the debug build) and runs
# them. Each benchmark measures its baseline in the same run and prints medians and ratios.
#   scripts/bench.sh [testenv|server|store|nats|scenario|memory|stack|all] [--json DIR]
# server needs wrk (apt-get install wrk); nats compares with nats-py when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
json_dir=""
if [ "${2:-}" = "--json" ]; then json_dir="${3:?--json needs a folder}"; mkdir -p "$json_dir"; fi
case "$which" in
  testenv|server|store|nats|scenario|memory|stack|all) ;;
  -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
  *) echo "bench.sh: unknown benchmark '$which' (testenv, server, store, nats, scenario, memory, stack, all)" >&2; exit 2 ;;
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
if [ "$which" = "testenv" ] || [ "$which" = "all" ]; then run testenv --runs 30; fi
if [ "$which" = "server" ] || [ "$which" = "all" ]; then run server; fi
if [ "$which" = "store" ] || [ "$which" = "all" ]; then run store; fi
if [ "$which" = "nats" ] || [ "$which" = "all" ]; then run nats; fi
if [ "$which" = "scenario" ] || [ "$which" = "all" ]; then run scenario; fi
if [ "$which" = "memory" ] || [ "$which" = "all" ]; then run memory; fi
if [ "$which" = "stack" ] || [ "$which" = "all" ]; then run stack --runs 10; fi
