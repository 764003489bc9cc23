#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn gate results and KUnit console logs into one report.

  report.py --work WORKTREE [--gate NAME=PASS|FAIL ...]
            [--ktap LOG ...] [--expect-suite NAME ...] [--boot NAME=RC ...]

Each KUnit test case counts as one test; so does each gate, each expected
suite that never reported, each boot that did not end cleanly, and each
kernel report (WARNING, BUG, oops, lockdep, KASAN, hung task, ...) found in
a console log.  The last line is 'N passed, N failed'; the exit status is
non-zero when anything failed or nothing ran.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SPLATS = re.compile(
    r"(WARNING: |BUG: |BUG at |Oops|Kernel panic|general protection fault|"
    r"KASAN: |UBSAN: |possible circular locking|possible recursive locking|"
    r"inconsistent lock state|suspicious RCU usage|"
    r"INFO: task .* blocked for more than|soft lockup|hard LOCKUP|"
    r"unreferenced object|list_add corruption|list_del corruption|"
    r"ODEBUG: )")

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def kernel_reports(path):
    """Return the first line of every kernel report in a console log."""
    found = []
    with open(path, errors="replace") as f:
        for line in f:
            text = TIMESTAMP.sub("", line.rstrip())
            # KUnit prints expected failures of deliberately failing tests
            # with "# " prefixes; kernel reports never start that way.
            if text.lstrip().startswith("#"):
                continue
            if SPLATS.search(text):
                found.append(text.strip())
    return found


def scenario_checks(path, name):
    """Return the CHECK results of a scenario log and its script's exit
    status (None when the scenario did not end).

    STRESS lines (the figures of a stress phase) are printed as they are.
    """
    checks, rc = [], None
    try:
        f = open(path, errors="replace")
    except OSError:
        return checks, rc
    with f:
        for line in f:
            text = TIMESTAMP.sub("", line.strip())
            m = re.match(r"CHECK (\S+) (PASS|FAIL)", text)
            if m:
                checks.append((m.group(1), m.group(2) == "PASS"))
            elif text.startswith("STRESS "):
                print("  " + text)
            else:
                m = re.match(r"SCENARIO-END %s rc=(\d+)" % re.escape(name), text)
                if m:
                    rc = int(m.group(1))
    return checks, rc


def ktap_cases(work, path):
    """Parse a console log with kunit.py and yield (suite, case, status)."""
    kunit = os.path.join(work, "tools/testing/kunit/kunit.py")
    with tempfile.NamedTemporaryFile(suffix=".json") as js:
        subprocess.run([sys.executable, kunit, "parse", "--json=" + js.name, path],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with open(js.name) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return

    def walk(group, prefix):
        name = group.get("name") or ""
        here = prefix + [name] if name else prefix
        for case in group.get("test_cases", []):
            yield ".".join(here[:1]) or "?", ".".join(here[1:] + [case["name"]]), case["status"]
        for sub in group.get("sub_groups", []):
            yield from walk(sub, here)

    for sub in data.get("sub_groups", []):
        yield from walk(sub, [])
    for case in data.get("test_cases", []):
        yield case["name"], case["name"], case["status"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--gate", action="append", default=[])
    ap.add_argument("--boot", action="append", default=[])
    ap.add_argument("--ktap", action="append", default=[])
    ap.add_argument("--expect-suite", action="append", default=[])
    ap.add_argument("--scenario", action="append", default=[],
                    help="NAME=LOG: CHECK lines of a scenario's console log")
    args = ap.parse_args()

    passed = failed = skipped = 0
    failures = []

    def record(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append(name + (": " + detail if detail else ""))

    for gate in args.gate:
        name, _, status = gate.partition("=")
        record("gate " + name, status == "PASS")
        print("%-40s %s" % ("gate " + name, status))

    for boot in args.boot:
        name, _, rc = boot.partition("=")
        ok = rc == "0"
        record("boot " + name, ok, "timed out" if rc == "124" else "exit %s" % rc)
        print("%-40s %s" % ("boot " + name, "PASS" if ok else "FAIL (exit %s)" % rc))

    suites = {}
    for log in args.ktap:
        for suite, case, status in ktap_cases(args.work, log):
            s = suites.setdefault(suite, [0, 0, 0])
            if status == "PASS":
                s[0] += 1
                record(case, True)
            elif status == "SKIP":
                s[2] += 1
                skipped += 1
            else:
                s[1] += 1
                record("%s.%s" % (suite, case), False, status)
        for report in kernel_reports(log):
            record("kernel report in " + os.path.basename(log), False, report)

    for spec in args.scenario:
        name, _, log = spec.partition("=")
        checks, rc = scenario_checks(log, name)
        for check, ok in checks:
            record("scenario %s.%s" % (name, check), ok)
        print("%-40s %d passed, %d failed" % ("scenario " + name,
              sum(ok for _, ok in checks), sum(not ok for _, ok in checks)))
        if rc is None:
            record("scenario " + name, False, "did not finish (hang or crash)")
        elif rc != 0:
            record("scenario " + name, False, "its script exited with status %d" % rc)
        for report in kernel_reports(log):
            record("kernel report in " + os.path.basename(log), False, report)

    for suite, (p, f, s) in sorted(suites.items()):
        print("%-40s %d passed, %d failed, %d skipped" % ("suite " + suite, p, f, s))
    for suite in args.expect_suite:
        if suite not in suites:
            record("suite " + suite, False, "no result (did not run or crashed)")

    for failure in failures:
        print("FAILED " + failure)
    if passed + failed == 0:
        print("FAILED no test ran")
        failed = 1
    print("%d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
