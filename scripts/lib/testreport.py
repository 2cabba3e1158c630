#!/usr/bin/env python3
"""Folds Swift Testing event streams (swift test --event-stream-output-path, version 0) into the
outcome of a run: per test passed / failed / flaky / skipped / quarantined, per-tier counts, a
repro line per failing test, and JUnit (Surefire's flakyFailure / rerunFailure elements).

Used by scripts/e2e.sh; standard library only.

  testreport.py run --attempt FILE [--attempt FILE ...] [--junit OUT] [--quarantine FILE]
                    [--all-tests FILE] [--repro CMD] [--failed-out FILE]
      The first attempt is the whole run; each later one reruns the tests that failed before.
  testreport.py repeat --attempt FILE [...]
      Each attempt is a whole run of the same selection: prints, per test that ever failed, how
      many of the runs it failed.
Exit status: 0 when nothing failed (flaky and quarantined failures do not count), 1 otherwise,
2 on bad input.
"""
import datetime
import json
import re
import sys
from xml.sax.saxutils import escape as xml_escape, quoteattr as xml_quoteattr

# XML 1.0 allows no control character but tab, newline and carriage return, not even as a
# character reference; a test argument or a failure message may hold one (a parser test's
# input), so it is written as the text \uXXXX instead and the file stays well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _printable(text):
    return _NOT_XML.sub(lambda m: "\\u%04x" % ord(m.group(0)), text)


def escape(text):
    return xml_escape(_printable(text))


def quoteattr(text):
    return xml_quoteattr(_printable(text))


def test_name(test_id):
    """'L0.Suite/test()/File.swift:7:6' -> 'L0.Suite/test()' (the identifier swift test list prints)."""
    parts = test_id.split("/")
    if parts and re.search(r"\.swift:\d+:\d+$", parts[-1]):
        parts = parts[:-1]
    return "/".join(parts)


def load(path):
    """One attempt: {test name: {status, messages, location}} for test functions."""
    tests, kinds = {}, {}
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError as error:
        print(f"testreport: cannot read {path}: {error}", file=sys.stderr)
        sys.exit(2)
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        payload = record.get("payload", {})
        if record.get("kind") == "test":
            kinds[test_name(payload.get("id", ""))] = payload.get("kind")
            if payload.get("kind") == "function":
                loc = payload.get("sourceLocation", {})
                entry = tests.setdefault(test_name(payload["id"]), {"status": "passed", "messages": [], "location": f"{loc.get('fileID')}:{loc.get('line')}"})
                # A parameterised test lists its cases; each becomes its own JUnit <testcase>.
                if payload.get("isParameterized"):
                    entry["cases"] = {c.get("displayName", "?"): {"status": "passed", "messages": []} for c in payload.get("_testCases", [])}
            continue
        kind = payload.get("kind")
        name = test_name(payload.get("testID", "")) if payload.get("testID") else None
        if name is None:
            continue
        entry = tests.setdefault(name, {"status": "passed", "messages": [], "location": ""})
        text = "\n".join(m.get("text", "") for m in payload.get("messages", []))
        if kind == "issueRecorded":
            issue = payload.get("issue", {})
            if issue.get("isKnown") or issue.get("severity") == "warning":
                continue
            loc = issue.get("sourceLocation") or payload.get("_sourceLocation") or {}
            where = f"{loc.get('fileID') or loc.get('_filePath', '?')}:{loc.get('line', '?')}"
            entry["status"] = "failed"
            entry["messages"].append(f"{where}: {text}")
            case = (payload.get("_testCase") or {}).get("displayName")
            if case is not None:
                c = entry.setdefault("cases", {}).setdefault(case, {"status": "passed", "messages": []})
                c["status"] = "failed"
                c["messages"].append(f"{where}: {text}")
        elif kind in ("testSkipped", "testCancelled") and entry["status"] != "failed":
            entry["status"] = "skipped"
            entry["messages"].append(text)
    # Issues on a suite (a failing suite trait) fail every test of it that ran.
    return {n: t for n, t in tests.items() if kinds.get(n, "function") == "function"}


def parse_quarantine(path):
    """Tests/quarantine.yaml: a list of {test, reason, issue, expires} mappings (a YAML subset)."""
    entries, current = [], None
    for number, raw in enumerate(open(path, encoding="utf-8").read().splitlines(), 1):
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        m = re.match(r"^(\s*)(- )?([a-z_]+):\s*(.*)$", line)
        if not m:
            print(f"testreport: {path}:{number}: expected 'key: value'", file=sys.stderr)
            sys.exit(2)
        if m.group(2):
            current = {}
            entries.append(current)
        if current is None:
            print(f"testreport: {path}:{number}: entries start with '- test:'", file=sys.stderr)
            sys.exit(2)
        current[m.group(3)] = m.group(4).strip().strip("'\"")
    for entry in entries:
        missing = [k for k in ("test", "reason", "issue", "expires") if not entry.get(k)]
        if missing:
            print(f"testreport: {path}: entry {entry.get('test', '?')} lacks {', '.join(missing)}", file=sys.stderr)
            sys.exit(2)
        try:
            entry["expires_date"] = datetime.date.fromisoformat(entry["expires"])
        except ValueError:
            print(f"testreport: {path}: entry {entry['test']}: expires must be YYYY-MM-DD, got {entry['expires']}", file=sys.stderr)
            sys.exit(2)
    return entries


def tier(name):
    return name.split(".")[0]


def repro_line(template, name):
    focus = re.escape(name.split(".", 1)[1] if "." in name else name)
    return template.replace("{tier}", tier(name).lower()).replace("{focus}", "'" + focus.replace("'", "'\\''") + "'")


def case_rows(name, t):
    """The JUnit rows of one test: the test itself, or one per case of a parameterised test
    (name 'test(arg:) [case]'), each with its own outcome and attempts."""
    cases = t["attempts"][0].get("cases") or {}
    failing_cases = [c for c, v in cases.items() if v["status"] == "failed"]
    if not cases or (t["outcome"] in ("failed", "quarantined", "flaky") and not failing_cases):
        return [(name, t["outcome"], t["attempts"])]
    rows = []
    for case in cases:
        history = [a.get("cases", {}).get(case, {"status": a["status"], "messages": a["messages"]}) for a in t["attempts"]]
        if t["outcome"] == "skipped":
            outcome = "skipped"
        elif history[0]["status"] == "passed":
            outcome = "passed"
        elif any(h["status"] == "passed" for h in history[1:]):
            outcome = "flaky"
        else:
            outcome = t["outcome"] if t["outcome"] in ("failed", "quarantined") else "failed"
        rows.append((f"{name} [{case}]", outcome, history))
    return rows


def junit(path, tests):
    suites = {}
    for name, t in sorted(tests.items()):
        for row in case_rows(name, t):
            suites.setdefault(name.split("/")[0], []).append((row, t))
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for suite, items in suites.items():
        failures = sum(1 for (_, outcome, _), _ in items if outcome == "failed")
        skipped = sum(1 for (_, outcome, _), _ in items if outcome == "skipped")
        out.append(f'  <testsuite name={quoteattr(suite)} tests="{len(items)}" failures="{failures}" skipped="{skipped}">')
        for (name, outcome, attempts), t in items:
            case = name.split("/", 1)[1] if "/" in name else name
            out.append(f'    <testcase classname={quoteattr(suite)} name={quoteattr(case)} file={quoteattr(t["location"])}>')
            first_failed = next((a for a in attempts if a["status"] == "failed"), None)
            if outcome == "skipped":
                out.append(f'      <skipped message={quoteattr(" ".join(attempts[0]["messages"]) or "skipped")}/>')
            elif outcome in ("failed", "quarantined") and first_failed:
                body = "\n".join(first_failed["messages"] + ([t["repro"]] if t.get("repro") else []))
                out.append(f'      <failure message={quoteattr(first_failed["messages"][0] if first_failed["messages"] else "failed")}>{escape(body)}</failure>')
                for rerun in attempts[1:]:
                    if rerun["status"] == "failed":
                        text = "\n".join(rerun["messages"])
                        out.append(f'      <rerunFailure message={quoteattr(rerun["messages"][0] if rerun["messages"] else "failed")}>{escape(text)}</rerunFailure>')
            elif outcome == "flaky":
                for failed in (a for a in attempts if a["status"] == "failed"):
                    text = "\n".join(failed["messages"])
                    out.append(f'      <flakyFailure message={quoteattr(failed["messages"][0] if failed["messages"] else "failed")}>{escape(text)}</flakyFailure>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main(argv):
    if len(argv) < 1 or argv[0] not in ("run", "repeat"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, args = argv[0], argv[1:]
    attempts, junit_out, quarantine, repro, failed_out, all_tests = [], None, None, None, None, None
    i = 0
    while i < len(args):
        flag = args[i]
        if i + 1 >= len(args):
            print(f"testreport: {flag} needs a value", file=sys.stderr)
            return 2
        value = args[i + 1]
        if flag == "--attempt":
            attempts.append(load(value))
        elif flag == "--junit":
            junit_out = value
        elif flag == "--quarantine":
            quarantine = value
        elif flag == "--repro":
            repro = value
        elif flag == "--failed-out":
            failed_out = value
        elif flag == "--all-tests":
            all_tests = {l.strip() for l in open(value, encoding="utf-8") if l.strip()}
        else:
            print(f"testreport: unknown option {flag}", file=sys.stderr)
            return 2
        i += 2
    if not attempts:
        print("testreport: no --attempt given", file=sys.stderr)
        return 2

    if mode == "repeat":
        names = sorted(set().union(*[a.keys() for a in attempts]))
        failing = {n: sum(1 for a in attempts if a.get(n, {}).get("status") == "failed") for n in names}
        failing = {n: c for n, c in failing.items() if c}
        print(f"repeat: {len(attempts)} runs of {len(names)} tests")
        for name, count in sorted(failing.items()):
            print(f"  failed {count} of {len(attempts)}: {name}")
            runs = [i + 1 for i, a in enumerate(attempts) if a.get(name, {}).get("status") == "failed"]
            first = attempts[runs[0] - 1][name]["messages"]
            print(f"    runs {', '.join(map(str, runs))}; first failure: " + (first[0].split("\n")[0][:400] if first else "?"))
            if repro:
                print(f"    {repro_line(repro, name)}")
        if not failing:
            print("  no test failed in any run")
        return 1 if failing else 0

    today = datetime.date.today()
    entries = parse_quarantine(quarantine) if quarantine else []
    known = set(attempts[0].keys())
    status = 0
    # An entry whose test no longer exists is an error (with the list of every test, from
    # `swift test list`; a test outside this run's selection is fine).
    everything = all_tests if all_tests is not None else known
    gone = [e["test"] for e in entries if e["test"] not in everything]
    if gone:
        for name in gone:
            print(f"testreport: quarantine entry {name} names no test (remove it from {quarantine})", file=sys.stderr)
        return 2
    tests = {}
    for name, first in attempts[0].items():
        history = [first] + [a[name] for a in attempts[1:] if name in a]
        t = {"location": first["location"], "attempts": history}
        if first["status"] == "skipped":
            t["outcome"] = "skipped"
        elif first["status"] == "passed":
            t["outcome"] = "passed"
        elif any(a["status"] == "passed" for a in history[1:]):
            t["outcome"] = "flaky"
        else:
            t["outcome"] = "failed"
        q = next((e for e in entries if e["test"] == name), None)
        if t["outcome"] == "failed" and q:
            if today <= q["expires_date"]:
                t["outcome"] = "quarantined"
                t["quarantine"] = q
            else:
                t["expired"] = q
        # A failure recorded under the kit's testEnv trait already ends with its own repro line.
        carries_repro = any(line.startswith("repro: ") for a in history for m in a["messages"] for line in m.split("\n"))
        if t["outcome"] in ("failed", "quarantined") and repro and not carries_repro:
            t["repro"] = "repro: " + repro_line(repro, name)
        tests[name] = t

    counts = {}
    for name, t in tests.items():
        c = counts.setdefault(tier(name), {"passed": 0, "failed": 0, "skipped": 0, "flaky": 0, "quarantined": 0})
        c[t["outcome"]] += 1
        if t["outcome"] == "flaky":
            c["passed"] += 1
    for name in sorted(counts):
        c = counts[name]
        print(f"{name}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped, {c['flaky']} flaky, {c['quarantined']} quarantined")
    for label, outcome in (("skipped", "skipped"), ("flaky", "flaky"), ("quarantined", "quarantined"), ("failed", "failed")):
        items = [(n, t) for n, t in sorted(tests.items()) if t["outcome"] == outcome]
        if not items:
            continue
        print(f"{label}:")
        for name, t in items:
            reason = ""
            if outcome == "skipped":
                reason = ": " + " ".join(t["attempts"][0]["messages"]).strip()
            elif outcome == "flaky":
                reason = f" (failed {sum(1 for a in t['attempts'] if a['status'] == 'failed')} of {len(t['attempts'])} attempts)"
            elif outcome == "quarantined":
                reason = f" (until {t['quarantine']['expires']}: {t['quarantine']['reason']}, {t['quarantine']['issue']})"
            elif "expired" in t:
                reason = f" (its quarantine entry expired on {t['expired']['expires']})"
            print(f"  {name}{reason}")
            if outcome in ("failed", "quarantined"):
                for message in t["attempts"][0]["messages"][:3]:
                    print("    " + message.replace("\n", "\n    "))
                if t.get("repro"):
                    print(f"    {t['repro']}")
    if any(t["outcome"] == "failed" for t in tests.values()):
        status = 1
    if failed_out:
        with open(failed_out, "w", encoding="utf-8") as f:
            for name, t in sorted(tests.items()):
                if t["outcome"] in ("failed", "quarantined", "flaky") and t["attempts"][-1]["status"] == "failed":
                    f.write(name + "\n")
    if junit_out:
        junit(junit_out, tests)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
