#!/usr/bin/env bash
# Runs the GreenticTestKit test tiers. Tiers are cumulative: l1 runs L0 and L1, l2 and all run
# every tier. Output ends with swift test's own summary line, so passes and failures can be
# counted; the exit status is non-zero on any failure.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/e2e.sh <tier> [--focus PATTERN]

Tiers (cumulative):
  l0    pure logic, no processes                        (Tests/L0)
  l1    + real local processes and loopback             (Tests/L1)
  l2    + full infrastructure: NATS, Postgres, Redis    (Tests/L2)
  all   every tier, and the Examples/Downstream package (what CI runs)

Options:
  --focus PATTERN   run only tests whose identifier (Module.Suite/test) matches the regular
                    expression PATTERN, within the selected tiers
  -h, --help        show this help

Environment:
  E2E_INSTALL=1|0   install what the tier needs and is missing, through scripts/install-deps.sh
                    (the one list: Sources/GreenticTestKit/Doctor/prerequisites.tsv); default:
                    yes when running as root
  E2E_KEEP=1        keep the artifacts of passing tests (.build/e2e/<test>/)
  E2E_STRICT=1      a test whose prerequisites are missing fails instead of skipping
                    (also implied by CI=true)
  E2E_INFRA         auto|native|compose|external (see docs/infra.md)
  E2E_ARTIFACTS_DIR where per-test folders go (default .build/e2e)
  E2E_DOWNSTREAM=0  with all, skip building and testing Examples/Downstream
  GOLDEN_RECORD     never|missing|failed|all: rewrite goldens (refused on a dirty git tree
                    unless GOLDEN_FORCE=1); GOLDEN_RECORD=all scripts/e2e.sh l1 refreshes them
USAGE
}

tier=""
focus=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --focus)
      [ $# -ge 2 ] || { echo "e2e.sh: --focus needs a PATTERN" >&2; usage >&2; exit 2; }
      focus="$2"; shift 2 ;;
    --focus=*) focus="${1#--focus=}"; shift ;;
    l0|l1|l2|all)
      [ -z "$tier" ] || { echo "e2e.sh: only one tier may be given" >&2; usage >&2; exit 2; }
      tier="$1"; shift ;;
    *) echo "e2e.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$tier" ] || { usage; exit 0; }

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)

# Recording goldens rewrites tracked files: only on a clean tree, so the diff shows exactly what
# was recorded (GOLDEN_FORCE=1 overrides).
if [ -n "${GOLDEN_RECORD:-}" ] && [ "${GOLDEN_RECORD}" != "never" ] && [ "${GOLDEN_FORCE:-}" != "1" ]; then
  if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
    echo "e2e.sh: refusing GOLDEN_RECORD=${GOLDEN_RECORD} on a dirty tree (commit or stash first, or set GOLDEN_FORCE=1)" >&2
    exit 2
  fi
fi

case "$tier" in
  l0) modules="L0" ;;
  l1) modules="L0|L1" ;;
  l2|all) modules="L0|L1|L2" ;;
esac

log() { printf 'e2e: %s\n' "$*" >&2; }

# Prerequisites come from the one list (scripts/install-deps.sh reads it). Installing is allowed
# by default as root; otherwise what is missing is named and those tests skip (or fail under
# CI/E2E_STRICT).
install_missing() {
  local allowed="${E2E_INSTALL:-}"
  if [ -z "$allowed" ]; then
    if [ "$(id -u)" = "0" ]; then allowed=1; else allowed=0; fi
  fi
  local deps_tier="$tier"
  if [ "$allowed" = "1" ]; then
    "$root/scripts/install-deps.sh" --tier "$deps_tier" || log "some prerequisites could not be installed (see above)"
  else
    "$root/scripts/install-deps.sh" --tier "$deps_tier" --check \
      || log "missing prerequisites (scripts/install-deps.sh --tier $deps_tier installs them, or E2E_INSTALL=1 as root); tests needing them will be skipped, or fail under CI/E2E_STRICT"
  fi
}

install_missing

log "tier '$tier' (modules: ${modules//|/, }; focus: ${focus:-none})"
log "building"
if ! swift build --build-tests >&2; then
  log "build failed"
  exit 1
fi
bin_dir=$(swift build --show-bin-path)

artifacts="${E2E_ARTIFACTS_DIR:-$root/.build/e2e}"
# Reap services of earlier runs that died, then clear old artifacts (the reaper's registry
# lives there, so it goes first).
"$bin_dir/greentic-integration" e2e reap --dir "$artifacts" >/dev/null 2>&1 || true
if [ "${E2E_KEEP:-0}" != "1" ] && [ -d "$artifacts" ]; then
  find "$artifacts" -mindepth 1 -maxdepth 1 ! -name .reaper -exec rm -rf {} + 2>/dev/null || true
fi

results=$(mktemp -d)
output="$results/swift-test.log"

# `all` also builds and tests Examples/Downstream, a package that uses the kit from outside
# (its output goes to stderr; its result is listed with the tiers). E2E_DOWNSTREAM=0 skips it.
downstream=""
if [ "$tier" = "all" ] && [ -z "$focus" ] && [ "${E2E_DOWNSTREAM:-1}" != "0" ]; then
  log "building and testing Examples/Downstream"
  if (cd Examples/Downstream && swift build --build-tests >&2 && swift test --skip-build 2>&1) > "$results/downstream.log" 2>&1; then
    downstream="Downstream: passed ($(grep -E 'Test run with [0-9]+ tests?' "$results/downstream.log" | tail -n 1 | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/') Swift Testing tests, $(grep -E "Executed [0-9]+ tests?" "$results/downstream.log" | tail -n 1 | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/') XCTest tests)"
  else
    downstream="Downstream: FAILED (see below)"
  fi
  cat "$results/downstream.log" >&2
fi
filter="^(${modules})\\."
[ -n "$focus" ] && filter="^(${modules})\\..*(${focus})"

log "running swift test --filter '$filter'"
swift test --skip-build --filter "$filter" --xunit-output "$results/results.xml" 2>&1 | tee "$output"
status=${PIPESTATUS[0]}

summary=$(grep -E '^(✔|✘|􁁛|􀢄)? ?Test run with [0-9]+ tests?' "$output" | tail -n 1)
xml="$results/results-swift-testing.xml"

echo
echo "== Per-tier results =="
if command -v python3 >/dev/null 2>&1 && [ -f "$xml" ]; then
  python3 - "$xml" "$output" <<'PY'
import re, sys, xml.etree.ElementTree as ET
tiers = {}
# Tests cancelled at run time for a missing prerequisite say so on the console:
#   ➜ Test x() was cancelled after 0.01 seconds: "skipped (L1.Suite/x): missing prerequisite: …"
cancelled = {}
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    m = re.search(r'was cancelled .*"skipped \((L\d)\.([^)]*)\): (.*)"', line)
    if m:
        cancelled.setdefault(m.group(1), []).append(f"{m.group(1)}.{m.group(2)}: {m.group(3)}")
for case in ET.parse(sys.argv[1]).iter("testcase"):
    tier = case.get("classname", "?").split(".")[0]
    t = tiers.setdefault(tier, {"passed": 0, "failed": 0, "skipped": 0})
    if case.find("failure") is not None or case.find("error") is not None:
        t["failed"] += 1
    elif case.find("skipped") is not None:
        t["skipped"] += 1
    else:
        t["passed"] += 1
for tier, items in cancelled.items():
    t = tiers.setdefault(tier, {"passed": 0, "failed": 0, "skipped": 0})
    moved = min(len(items), t["passed"])
    t["passed"] -= moved
    t["skipped"] += moved
for tier in sorted(tiers):
    t = tiers[tier]
    print(f"{tier}: {t['passed']} passed, {t['failed']} failed, {t['skipped']} skipped")
for tier in sorted(cancelled):
    for item in cancelled[tier]:
        print(f"  skipped {item}")
if not tiers:
    print("no tests ran")
PY
else
  echo "(python3 or the results file is missing; see the summary below)"
fi
if [ -n "$downstream" ]; then
  echo "$downstream"
  case "$downstream" in *FAILED*) status=1; tail -n 40 "$results/downstream.log" ;; esac
fi

ran=$(printf '%s' "$summary" | sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p')
if [ "${ran:-0}" = "0" ]; then
  echo "e2e: no test matched '$filter'" >&2
  status=1
fi

if [ "$status" -ne 0 ]; then
  echo
  echo "== Failed: artifacts kept under $artifacts =="
  find "$artifacts" -mindepth 1 -maxdepth 2 ! -path '*/.reaper*' 2>/dev/null | sort | head -n 60
fi
rm -rf "$results"
echo
echo "$summary"
exit "$status"
