#!/usr/bin/env bash
# Runs the GreenticTestKit test tiers. Tiers are cumulative: l1 runs L0 and L1, l2 and all run
# every tier. Output ends with swift test's own summary line, so passes and failures can be
# counted; the exit status is non-zero on any failure.
set -uo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/e2e.sh <tier> [--focus PATTERN] [--shard I/N] [--junit FILE] [--rerun-failures N] [--repeat N]

Tiers (cumulative):
  l0    pure logic, no processes                        (Tests/L0)
  l1    + real local processes and loopback             (Tests/L1)
  l2    + full infrastructure: NATS, Postgres, Redis    (Tests/L2)
  all   every tier, and the Examples/Downstream package (what CI runs)

Options:
  --focus PATTERN   run only tests whose identifier (Module.Suite/test) matches the regular
                    expression PATTERN, within the selected tiers
  --shard I/N       run shard I of N (1-based) of the selected tests: whole suites, dealt
                    longest first by the durations the timing file holds (one unit a test when
                    it has none), so the N shards together run every selected test exactly once
                    and the same inputs always give the same slices. Bazel's TEST_TOTAL_SHARDS
                    and TEST_SHARD_INDEX (0-based) select the same slices when --shard is not
                    given. With all, Examples/Downstream goes with shard 1.
  --junit FILE      write JUnit built from Swift Testing's event stream: one <testcase> per
                    test and per case of a parameterised test, <skipped message=…> with the reason, failures with their source
                    location and repro line, <flakyFailure>/<rerunFailure> for reruns
  --rerun-failures N  after the run, rerun only the failed tests (each by its exact id) up to N
                    more times; a test that fails then passes is flaky (listed, run passes), one
                    that fails every attempt is failed (default 0: nothing is retried)
  --repeat N        run the selection N times; print, per test that ever failed, how many of
                    the N runs it failed; exit 1 if any did (the tool for proving a fix)
  -h, --help        show this help

Quarantine: Tests/quarantine.yaml lists tests (test, reason, issue, expires: YYYY-MM-DD) whose
failures do not fail the run until their expiry date; they still run and are reported.
Every failing test is listed with a 'repro:' line that reruns it alone.

Environment:
  E2E_INSTALL=1|0   install what the tier needs and is missing, through scripts/install-deps.sh
                    (the one list: Sources/GreenticTestKit/Prerequisites/prerequisites.tsv); default:
                    yes when running as root
  E2E_KEEP=1        keep the artifacts of passing tests (.build/e2e/<test>/)
  E2E_STRICT=1      a test whose prerequisites are missing fails instead of skipping
                    (also implied by CI=true)
  E2E_INFRA         auto|native|compose|external (see docs/infra.md)
  E2E_ARTIFACTS_DIR where per-test folders go (default .build/e2e)
  E2E_DOWNSTREAM=0  with all, skip building and testing Examples/Downstream
  E2E_TIMINGS       the timing file shards are balanced by (default .build/e2e-timings.json);
                    an unsharded run merges what it measured into it, a sharded run writes
                    <file>.shard-I-of-N.json beside it instead, so all N slices come from the
                    same timings (scripts/lib/shard.py merge folds those files in)
  E2E_PARALLEL      how many tests run at once (default: cores + 1); Swift Testing otherwise
                    starts every test at once, and on a small machine a hundred tests booting
                    servers together delay every process by seconds
  GOLDEN_RECORD     never|missing|failed|all: rewrite goldens (refused on a dirty git tree
                    unless GOLDEN_FORCE=1); GOLDEN_RECORD=all scripts/e2e.sh l1 refreshes them
USAGE
}

tier=""
focus=""
junit_out=""
reruns=0
repeat=1
shard=""
number() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "e2e.sh: $1 needs a whole number, got '$2'" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --focus)
      [ $# -ge 2 ] || { echo "e2e.sh: --focus needs a PATTERN" >&2; usage >&2; exit 2; }
      focus="$2"; shift 2 ;;
    --focus=*) focus="${1#--focus=}"; shift ;;
    --shard)
      [ $# -ge 2 ] || { echo "e2e.sh: --shard needs I/N (for example 2/3)" >&2; exit 2; }
      shard="$2"; shift 2 ;;
    --shard=*) shard="${1#--shard=}"; shift ;;
    --junit)
      [ $# -ge 2 ] || { echo "e2e.sh: --junit needs a FILE" >&2; exit 2; }
      junit_out="$2"; shift 2 ;;
    --rerun-failures)
      [ $# -ge 2 ] || { echo "e2e.sh: --rerun-failures needs N" >&2; exit 2; }
      number --rerun-failures "$2"; reruns="$2"; shift 2 ;;
    --repeat)
      [ $# -ge 2 ] || { echo "e2e.sh: --repeat needs N" >&2; exit 2; }
      number --repeat "$2"; repeat="$2"; [ "$repeat" -ge 1 ] || { echo "e2e.sh: --repeat needs N >= 1" >&2; exit 2; }; shift 2 ;;
    l0|l1|l2|all)
      [ -z "$tier" ] || { echo "e2e.sh: only one tier may be given" >&2; usage >&2; exit 2; }
      tier="$1"; shift ;;
    *) echo "e2e.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$tier" ] || { usage; exit 0; }

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
shard_tool="$root/scripts/lib/shard.py"

# The shard: --shard I/N, else Bazel's variables; checked before anything is built.
if [ -z "$shard" ] && { [ -n "${TEST_TOTAL_SHARDS:-}" ] || [ -n "${TEST_SHARD_INDEX:-}" ]; }; then
  shard=$(python3 "$shard_tool" from-env) || exit 2
fi
if [ -n "$shard" ]; then
  if ! [[ "$shard" =~ ^([0-9]+)/([0-9]+)$ ]] || [ "${BASH_REMATCH[2]}" -lt 1 ] || [ "${BASH_REMATCH[1]}" -lt 1 ] || [ "${BASH_REMATCH[1]}" -gt "${BASH_REMATCH[2]}" ]; then
    echo "e2e.sh: --shard takes I/N with 1 <= I <= N (for example 2/3), got '$shard'" >&2
    exit 2
  fi
  shard_index="${BASH_REMATCH[1]}"
  shard_total="${BASH_REMATCH[2]}"
fi
# Bazel: touching the status file says this runner honours the shard variables.
[ -n "${TEST_SHARD_STATUS_FILE:-}" ] && touch "$TEST_SHARD_STATUS_FILE"
[ -z "$junit_out" ] && [ -n "${XML_OUTPUT_FILE:-}" ] && junit_out="$XML_OUTPUT_FILE"
timings="${E2E_TIMINGS:-$root/.build/e2e-timings.json}"

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

log "tier '$tier' (modules: ${modules//|/, }; focus: ${focus:-none}; shard: ${shard:-all})"
log "building"
if ! swift build --build-tests >&2; then
  log "build failed"
  exit 1
fi
bin_dir=$(swift build --show-bin-path)

default_artifacts="$root/.build/e2e"
[ -n "${TEST_TMPDIR:-}" ] && default_artifacts="$TEST_TMPDIR/e2e"
artifacts="${E2E_ARTIFACTS_DIR:-$default_artifacts}"
# The kit reads the base from E2E_ARTIFACTS_DIR; it needs telling only when TEST_TMPDIR chose it.
[ -n "${TEST_TMPDIR:-}" ] && [ -z "${E2E_ARTIFACTS_DIR:-}" ] && export E2E_ARTIFACTS_DIR="$artifacts"
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
if [ "$tier" = "all" ] && [ -z "$focus" ] && [ "${E2E_DOWNSTREAM:-1}" != "0" ] && [ "${shard_index:-1}" = "1" ]; then
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
if [ -n "$shard" ]; then
  # The slice is taken from the list swift test itself prints, and run by exact identifiers.
  if ! swift test list --skip-build 2>/dev/null > "$results/all-tests.txt"; then
    log "swift test list failed"
    exit 1
  fi
  python3 "$shard_tool" select --list "$results/all-tests.txt" --shard "$shard" --timings "$timings" --pattern "$filter" > "$results/shard.txt" || exit 2
  selected=$(python3 "$shard_tool" select --list "$results/all-tests.txt" --shard 1/1 --pattern "$filter" | wc -l)
  log "shard $shard: $(wc -l < "$results/shard.txt") of $selected selected tests ($( [ -f "$timings" ] && echo "balanced by $timings" || echo "no timing file: balanced by count"))"
  if [ ! -s "$results/shard.txt" ]; then
    echo "e2e: shard $shard has no tests: the selection has fewer suites than shards" >&2
    [ -n "$downstream" ] && echo "$downstream"
    rm -rf "$results"
    case "$downstream" in *FAILED*) exit 1 ;; esac
    exit 0
  fi
  filter=$(python3 "$shard_tool" filter --list "$results/shard.txt")
fi

case "$junit_out" in ''|/*) ;; *) junit_out="$root/$junit_out" ;; esac
report="$root/scripts/lib/testreport.py"
strict_env=""
if [ "${E2E_STRICT:-}" = "1" ] || { [ -n "${CI:-}" ] && [ "${CI:-}" != "false" ] && [ "${CI:-}" != "0" ]; }; then strict_env="E2E_STRICT=1 "; fi
repro_template="${strict_env}E2E_INFRA=${E2E_INFRA:-auto} scripts/e2e.sh {tier} --focus {focus}"

# Swift Testing starts every test of the run at once unless bounded. Each of ours boots servers
# and services; a hundred at once on two cores put seconds of scheduling delay on every process
# (nats-server took 14 s to start, an in-process responder missed a 1 s reply), so the number
# of tests in flight is bounded: cores + 1 unless E2E_PARALLEL says otherwise.
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
parallel="${E2E_PARALLEL:-$((cores + 1))}"
case "$parallel" in ''|*[!0-9]*|0) echo "e2e.sh: E2E_PARALLEL must be a whole number above 0, got '$parallel'" >&2; exit 2 ;; esac
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$parallel"

# One run of swift test over a filter; its events go to the attempt file.
run_tests() {
  local run_filter="$1" events="$2"
  log "running swift test --filter '$run_filter' ($parallel tests at a time)"
  swift test --skip-build --filter "$run_filter" --event-stream-output-path "$events" --event-stream-version 0 2>&1 | tee -a "$output"
  return "${PIPESTATUS[0]}"
}

attempts=()
run_tests "$filter" "$results/attempt-0.jsonl"
status=$?
first_status=$status
attempts+=(--attempt "$results/attempt-0.jsonl")
summary=$(grep -E '^(✔|✘|􁁛|􀢄)? ?Test run with [0-9]+ tests?' "$output" | tail -n 1)

echo
if [ "$repeat" -gt 1 ]; then
  for ((run = 2; run <= repeat; run++)); do
    log "repeat: run $run of $repeat"
    run_tests "$filter" "$results/attempt-$run.jsonl" >/dev/null
    attempts+=(--attempt "$results/attempt-$run.jsonl")
  done
  echo "== Repeated $repeat times =="
  python3 "$report" repeat "${attempts[@]}" --repro "$repro_template"
  status=$?
else
  for ((attempt = 1; attempt <= reruns; attempt++)); do
    python3 "$report" run "${attempts[@]}" --failed-out "$results/failed.txt" >/dev/null 2>&1
    [ -s "$results/failed.txt" ] || break
    rerun_filter=$(python3 "$shard_tool" filter --list "$results/failed.txt")
    log "rerun $attempt of $reruns: $(wc -l < "$results/failed.txt") failed test(s)"
    run_tests "$rerun_filter" "$results/attempt-$attempt.jsonl" >/dev/null
    attempts+=(--attempt "$results/attempt-$attempt.jsonl")
  done
  echo "== Per-tier results =="
  quarantine=()
  if [ -f "$root/Tests/quarantine.yaml" ]; then
    [ -s "$results/all-tests.txt" ] || swift test list --skip-build 2>/dev/null > "$results/all-tests.txt"
    quarantine=(--quarantine "$root/Tests/quarantine.yaml" --all-tests "$results/all-tests.txt")
  fi
  python3 "$report" run "${attempts[@]}" "${quarantine[@]}" --repro "$repro_template" ${junit_out:+--junit "$junit_out"} > "$results/report.txt"
  status=$?
  cat "$results/report.txt"
  # swift test failed but no test did (a crash, a failed build of the bundle): that is red too,
  # unless the failures were flaky or quarantined ones.
  if [ "$first_status" -ne 0 ] && [ "$status" -eq 0 ] && ! grep -qE '^(flaky|quarantined):$' "$results/report.txt"; then
    echo "e2e: swift test exited $first_status although no test failed (see the output above)" >&2
    status=$first_status
  fi
fi
# What this run measured balances the next sharded one. A sharded run never rewrites the file
# it was sliced by: the other shards of the same selection must see the same timings.
timing_out="$timings"
[ -n "$shard" ] && timing_out="${timings%.json}.shard-${shard_index}-of-${shard_total}.json"
python3 "$shard_tool" timings "${attempts[@]}" --out "$timing_out" 2>/dev/null || log "could not write the timing file $timing_out"
if [ -n "$downstream" ]; then
  echo "$downstream"
  case "$downstream" in *FAILED*) status=1; tail -n 40 "$results/downstream.log" ;; esac
fi

ran=$(printf '%s' "$summary" | sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p')
if [ "${ran:-0}" = "0" ]; then
  # No summary line: either nothing matched, or the test process died before printing it.
  if [ "$first_status" -ne 0 ] && grep -q '"testStarted"' "$results/attempt-0.jsonl" 2>/dev/null; then
    echo "e2e: the test process died (swift test exit $first_status) before its summary line; its backtrace is above" >&2
  else
    echo "e2e: no test matched '$filter'" >&2
  fi
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
