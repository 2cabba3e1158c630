#!/usr/bin/env python3
"""Deterministic test shards for scripts/e2e.sh, and the timing file that balances them.

  shard.py select --list FILE --shard I/N [--timings FILE] [--pattern REGEX]
      FILE holds test identifiers, one a line (`swift test list` output: Module.Suite/test()).
      Prints the tests of shard I of N (1-based), one a line, in list order. The tests matched
      by --pattern are the selection; a suite (Module.TopLevelSuite, nested suites included) is
      never split, so tests that share a suite's scope (its traits, a serialized suite, a shared
      environment) run together. Suites are dealt to shards longest first (the seconds the
      timing file gives, else one unit a test), each to the shard with the least so far, ties to
      the lower shard: the same inputs always give the same slices, and every test of the
      selection is in exactly one shard.
  shard.py plan --list FILE --total N [--timings FILE] [--pattern REGEX]
      Prints, per shard, its suites, tests and estimated seconds (to check the balance).
  shard.py timings --attempt FILE [--attempt FILE ...] --out FILE
      Folds Swift Testing event streams (version 0) into the timing file: {"version": 1,
      "tests": {test id: seconds}}, merged into the file's earlier contents, so shards of one
      run each add what they measured.
  shard.py merge --out FILE SHARD_FILE...
      Folds the timing files that sharded runs wrote (they never rewrite the file they read, so
      all N slices of a selection come from the same timings) into FILE.
  shard.py filter --list FILE
      Prints the `swift test --filter` expression that runs exactly the tests FILE lists (each
      identifier escaped, a parameterised test with all its cases).
  shard.py from-env
      Prints `I/N` from Bazel's TEST_SHARD_INDEX (0-based) and TEST_TOTAL_SHARDS, or nothing
      when they are unset; exit 2 when they are malformed.

Exit status: 0, or 2 on bad input (one line on stderr). Standard library only.
"""
import json
import os
import re
import sys

# Importing the module beside this file must not write __pycache__ into the source tree: a run
# would leave the git tree dirty (and the run's fingerprint would disagree with git status).
sys.dont_write_bytecode = True
from testreport import test_name  # noqa: E402  one reading of Swift Testing's test ids


def fail(message):
    print(f"shard.py: {message}", file=sys.stderr)
    sys.exit(2)


def parse_shard(text):
    match = re.fullmatch(r"(\d+)/(\d+)", text or "")
    if not match:
        fail(f"--shard takes I/N (1-based, for example 2/3), got '{text}'")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        fail(f"shard {index}/{total}: I must be between 1 and N, and N at least 1")
    return index, total


def suite_of(test_id):
    """'L2.StackSuitesTests/Nested/test()' -> 'L2.StackSuitesTests' (the top-level suite)."""
    return test_id.split("/", 1)[0]


def read_list(path, pattern):
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as error:
        fail(f"cannot read the test list {path}: {error}")
    try:
        regex = re.compile(pattern) if pattern else None
    except re.error as error:
        fail(f"--pattern is not a regular expression: {error}")
    tests = []
    seen = set()
    for line in lines:
        test = line.strip()
        # `swift test list` prints only identifiers; anything else (a build line) is not a test.
        if not test or "." not in suite_of(test) or " " in test or test in seen:
            continue
        if regex is None or regex.search(test):
            seen.add(test)
            tests.append(test)
    return tests


def read_timings(path):
    if not path or not os.path.exists(path):
        return {}
    try:
        data = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"the timing file {path} is not JSON ({error}); delete it and the next run writes it again")
    tests = data.get("tests") if isinstance(data, dict) else None
    if not isinstance(tests, dict):
        fail(f"the timing file {path} has no 'tests' object; delete it and the next run writes it again")
    return {k: float(v) for k, v in tests.items() if isinstance(v, (int, float)) and v >= 0}


def weights(tests, timings):
    """Seconds per suite from the timing file; one unit per test when it has none of them. A test
    the file does not know (new since the last run) counts as the median of the known ones."""
    known = sorted(timings[t] for t in tests if t in timings)
    if not known:
        guess, use = 1.0, lambda t: 1.0
    else:
        guess = known[len(known) // 2]
        use = lambda t: timings.get(t, guess)
    suites = {}
    for test in tests:
        suites.setdefault(suite_of(test), []).append(test)
    return {suite: sum(use(t) for t in members) for suite, members in suites.items()}, suites


def deal(tests, total, timings):
    """Shard number (1-based) per suite: longest first, each to the least loaded shard."""
    weight, suites = weights(tests, timings)
    loads = [0.0] * total
    owner = {}
    for suite in sorted(suites, key=lambda s: (-weight[s], s)):
        target = min(range(total), key=lambda i: (loads[i], i))
        loads[target] += weight[suite]
        owner[suite] = target + 1
    return owner, loads, suites, weight


def command_select(args):
    index, total = parse_shard(args.get("--shard"))
    tests = read_list(need(args, "--list"), args.get("--pattern"))
    owner, _, _, _ = deal(tests, total, read_timings(args.get("--timings")))
    for test in tests:
        if owner[suite_of(test)] == index:
            print(test)


def command_plan(args):
    text = need(args, "--total")
    if not text.isdigit() or int(text) < 1:
        fail(f"--total takes a whole number of shards, at least 1, got '{text}'")
    total = int(text)
    tests = read_list(need(args, "--list"), args.get("--pattern"))
    owner, loads, suites, weight = deal(tests, total, read_timings(args.get("--timings")))
    for shard in range(1, total + 1):
        mine = sorted(s for s in suites if owner[s] == shard)
        count = sum(len(suites[s]) for s in mine)
        print(f"shard {shard}/{total}: {len(mine)} suites, {count} tests, {loads[shard - 1]:.1f} estimated")
        for suite in mine:
            print(f"  {suite} ({len(suites[suite])} tests, {weight[suite]:.1f})")


def command_timings(args):
    out = need(args, "--out")
    measured = {}
    for path in args.get("--attempt[]", []):
        started = {}
        try:
            lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
        except OSError as error:
            fail(f"cannot read {path}: {error}")
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            payload = record.get("payload", {})
            kind, test_id = payload.get("kind"), payload.get("testID")
            instant = (payload.get("instant") or {}).get("absolute")
            if record.get("kind") != "event" or not test_id or instant is None:
                continue
            name = test_name(test_id)
            # Suites have events too; only test functions (an id with a '/') are timed.
            if "/" not in name:
                continue
            if kind == "testStarted":
                started[name] = instant
            elif kind in ("testEnded", "testSkipped") and name in started:
                measured[name] = round(max(0.0, instant - started.pop(name)), 3)
    merged = read_timings(out)
    merged.update(measured)
    write_timings(out, merged)
    print(f"shard.py: {len(measured)} test durations written to {out}", file=sys.stderr)


def write_timings(out, merged):
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    temporary = out + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"version": 1, "tests": dict(sorted(merged.items()))}, handle, indent=1, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, out)


def command_merge(args):
    out = need(args, "--out")
    merged = read_timings(out)
    for path in args.get("files", []):
        merged.update(read_timings(path))
    write_timings(out, merged)
    print(f"shard.py: {len(args.get('files', []))} timing files merged into {out}", file=sys.stderr)


def command_filter(args):
    tests = read_list(need(args, "--list"), None)
    if not tests:
        fail(f"{args['--list']} lists no tests")
    print("^(" + "|".join(re.escape(t) for t in tests) + ")(/|$)")


def command_from_env(_args):
    index, total = os.environ.get("TEST_SHARD_INDEX"), os.environ.get("TEST_TOTAL_SHARDS")
    if index is None and total is None:
        return
    if index is None or total is None or not index.isdigit() or not total.isdigit():
        fail(f"TEST_SHARD_INDEX ({index}) and TEST_TOTAL_SHARDS ({total}) must both be whole numbers")
    if not 0 <= int(index) < int(total):
        fail(f"TEST_SHARD_INDEX {index} is outside 0..{int(total) - 1}")
    print(f"{int(index) + 1}/{int(total)}")


def need(args, name):
    if name not in args:
        fail(f"{name} is required")
    return args[name]


def main(argv):
    commands = {"select": command_select, "plan": command_plan, "timings": command_timings, "merge": command_merge, "filter": command_filter,
                "from-env": command_from_env}
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    args = {}
    rest = argv[1:]
    i = 0
    while i < len(rest):
        key = rest[i]
        if argv[0] == "merge" and not key.startswith("--"):
            args.setdefault("files", []).append(key)
            i += 1
            continue
        if key not in ("--list", "--shard", "--timings", "--pattern", "--total", "--attempt", "--out") or i + 1 >= len(rest):
            fail(f"unknown or incomplete option '{key}' (see shard.py --help)")
        if key == "--attempt":
            args.setdefault("--attempt[]", []).append(rest[i + 1])
        else:
            args[key] = rest[i + 1]
        i += 2
    commands[argv[0]](args)


if __name__ == "__main__":
    main(sys.argv[1:])
