#!/usr/bin/env python3
"""Runs two builds of `greentic-bench scenario` alternately and prints the per-step overhead of
each round and the medians: the scenario's median minus the raw client's median, divided by the
steps, both measured by the same process in the same round. Alternating (before, after, before,
...) puts both builds through the same machine state, so a drift in load moves both figures.

Used by `scripts/bench.sh scenario --before REF`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def overhead(bench, steps, runs):
    """One run of `bench scenario`: (overhead per step in µs, the rows)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "scenario.json")
        subprocess.run([bench, "scenario", "--steps", str(steps), "--runs", str(runs), "--json", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            rows = json.load(f)
    raw, scenario = rows[0], rows[1]
    return (scenario["median_ms"] - raw["median_ms"]) / steps * 1000, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="greentic-bench built from the earlier commit")
    parser.add_argument("--after", required=True, help="greentic-bench built from the working tree")
    parser.add_argument("--label", default="before", help="name of the earlier commit")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement per round")
    args = parser.parse_args()
    for path in (args.before, args.after):
        if not os.access(path, os.X_OK):
            sys.exit(f"before_after.py: {path} is not an executable benchmark")

    before, after = [], []
    print(f"round  before ({args.label}) µs/step  after (working tree) µs/step  raw client before/after ms  scenario before/after ms")
    for round_ in range(1, args.rounds + 1):
        b, b_rows = overhead(args.before, args.steps, args.runs)
        a, a_rows = overhead(args.after, args.steps, args.runs)
        before.append(b)
        after.append(a)
        print(f"{round_:5}  {b:24.1f}  {a:28.1f}  {b_rows[0]['median_ms']:.1f} / {a_rows[0]['median_ms']:.1f}  {b_rows[1]['median_ms']:24.1f} / {a_rows[1]['median_ms']:.1f}", flush=True)
        if round_ == args.rounds:
            print("\nafter's last round, every row:", file=sys.stderr)
            for row in a_rows:
                print(f"  {row['name']}: {row['median_ms']:.1f} ms (ratio {row['ratio']})", file=sys.stderr)
    mb, ma = statistics.median(before), statistics.median(after)
    print(f"\nmedian overhead per step: before {mb:.1f} µs, after {ma:.1f} µs (after - before: {ma - mb:+.1f} µs)")
    print(f"range: before {min(before):.1f}–{max(before):.1f} µs, after {min(after):.1f}–{max(after):.1f} µs")


if __name__ == "__main__":
    main()
