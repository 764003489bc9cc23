#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Native SCSI multipath against dm-multipath with multipathd, side by side.

  compare-dm.py NATIVE_LOG DM_LOG [NATIVE_LOG DM_LOG ...]

Each pair is the console log of a native LIO scenario (scsi_lio_*) and of
the same steps through dm-multipath (dm_lio_*).  The native scenario's
steps print CHECK lines (tests of `make check`); the dm one prints the
same results as DMSTEP lines (measurements, not tests: dm-multipath is
the yardstick, not the thing tested).  Prints one table row per step
result and per measured figure (step X: name=value) with both columns,
and exits non-zero when a step that dm-multipath passes fails natively,
or when either log has no step results: "at least as good as
dm-multipath", measured in the same run.
"""

import re
import sys

RESULT = re.compile(r"^(?:\[\s*\d+\.\d+\]\s*)?(CHECK|DMSTEP) (\S+) (PASS|FAIL)\s*$")
FIGURE = re.compile(r"^(?:\[\s*\d+\.\d+\]\s*)?step (\w+): .*?\b(\w+_(?:s|ms|per_s|cmds))=([\d.]+|none)")


def read(path):
    """Step results and figures of one console log, in order."""
    results, figures = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            m = RESULT.match(line.strip())
            if m:
                results[m.group(2)] = m.group(3)
                continue
            m = FIGURE.match(line.strip())
            if m:
                figures["%s %s" % (m.group(1), m.group(2))] = m.group(3)
    return results, figures


def compare(native_log, dm_log):
    """Print the table of one pair; return the number of regressions."""
    native, nfig = read(native_log)
    dm, dfig = read(dm_log)
    if not native or not dm:
        print("compare-dm: no step results in %s" %
              (native_log if not native else dm_log))
        return 1
    bad = 0
    print("%-44s %-8s %-8s" % ("step check", "native", "dm"))
    for name in [n for n in native if n in dm]:
        mark = ""
        if dm[name] == "PASS" and native[name] != "PASS":
            mark = "  <- worse than dm-multipath"
            bad += 1
        print("%-44s %-8s %-8s%s" % (name, native[name], dm[name], mark))
    for name in [n for n in dm if n not in native]:
        print("%-44s %-8s %-8s" % (name, "-", dm[name]))
    print("%-44s %-8s %-8s" % ("figure", "native", "dm"))
    for key in list(nfig) + [k for k in dfig if k not in nfig]:
        print("%-44s %-8s %-8s" % (key, nfig.get(key, "-"), dfig.get(key, "-")))
    passed = [sum(1 for v in r.values() if v == "PASS") for r in (native, dm)]
    print("checks passed: native %d of %d, dm-multipath %d of %d" %
          (passed[0], len(native), passed[1], len(dm)))
    return bad


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        print(__doc__.strip().splitlines()[2])
        return 2
    bad = 0
    for i in range(0, len(args), 2):
        bad += compare(args[i], args[i + 1])
    print("compare-dm: %s" % ("native at least as good as dm-multipath"
                              if not bad else "%d regression(s)" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
