#!/usr/bin/env bash
# Builds the benchmarks in release mode (in .build-release, apart from the debug build) and runs
# them. Each benchmark measures its baseline in the same run and prints medians and ratios.
#   scripts/bench.sh [testenv|server|store|nats|scenario|timeline|memory|stack|all] [--json DIR]
#   scripts/bench.sh scenario --before REF [--rounds N]
# server needs wrk (apt-get install wrk); nats compares with nats-py when it is installed.
# --before REF builds the scenario benchmark of commit REF too (in .build-before/, a worktree
# and its own release build) and runs the two alternately, N rounds (default 5), so the
# per-step overhead before and after a change is measured in one run on the same machine state.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
[ $# -gt 0 ] && shift
json_dir=""
before=""
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json_dir="${2:?--json needs a folder}"; mkdir -p "$json_dir"; shift 2 ;;
    --before) before="${2:?--before needs a commit}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    *) echo "bench.sh: unknown option '$1' (--json DIR, --before REF, --rounds N)" >&2; exit 2 ;;
  esac
done
case "$which" in
  testenv|server|store|nats|scenario|timeline|memory|stack|all) ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) echo "bench.sh: unknown benchmark '$which' (testenv, server, store, nats, scenario, timeline, memory, stack, all)" >&2; exit 2 ;;
esac
if [ -n "$before" ] && [ "$which" != "scenario" ]; then
  echo "bench.sh: --before is for the scenario benchmark (scripts/bench.sh scenario --before REF)" >&2; exit 2
fi
case "$rounds" in ''|*[!0-9]*|0) echo "bench.sh: --rounds needs a positive number, got '$rounds'" >&2; exit 2 ;; esac

swift build -c release --product greentic-bench --scratch-path .build-release >&2
if [ -n "$before" ]; then
  sha="$(git rev-parse --verify --quiet "$before^{commit}")" || { echo "bench.sh: '$before' is not a commit of this repository" >&2; exit 2; }
  tree=".build-before/$sha"
  if [ ! -d "$tree" ]; then git worktree add --detach "$tree" "$sha" >&2; fi
  (cd "$tree" && swift build -c release --product greentic-bench --scratch-path .build-release >&2)
  exec python3 scripts/lib/before_after.py --rounds "$rounds" --before "$tree/.build-release/release/greentic-bench" \
    --after .build-release/release/greentic-bench --label "$(git rev-parse --short "$sha")"
fi
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
if [ "$which" = "timeline" ] || [ "$which" = "all" ]; then run timeline; fi
if [ "$which" = "memory" ] || [ "$which" = "all" ]; then run memory; fi
if [ "$which" = "stack" ] || [ "$which" = "all" ]; then run stack --runs 10; fi
