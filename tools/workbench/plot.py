#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-path I/O of the NVMe demo, from the guest's console log.

The guest (tools/testing/multipath/scenarios/nvme_demo.sh) prints

    PATHS nvme0n1=head nvme0c0n1=port1 nvme0c1n1=port2
    TICK t=3 nvme0c0n1=123 nvme0c1n1=118 nvme0n1=241
    EVENT t=10 ana port1 inaccessible

  plot.py table            read a console log on stdin (tail -f), print one
                           row per TICK and the events, as they come
  plot.py svg LOG OUT.svg  draw I/Os per second per path over time, events
                           marked, as a hand-written SVG
"""

import html
import re
import sys

TICK = re.compile(r"TICK t=(\d+)((?: [\w]+=-?\d+)*)")
EVENT = re.compile(r"EVENT t=(\d+) (.*)")
PATHS = re.compile(r"PATHS((?: [\w]+=\w+)*)")
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def fields(text):
    return [kv.split("=", 1) for kv in text.split()]


def is_head(name, roles):
    return roles.get(name) == "head" or re.fullmatch(r"nvme\d+n\d+", name)


def parse(lines):
    """Return (ticks, events, roles): ticks a list of (t, {path: iops})."""
    ticks, events, roles = [], [], {}
    for line in lines:
        line = line.rstrip("\r\n")
        m = TICK.search(line)
        if m:
            ticks.append((int(m.group(1)), {k: int(v) for k, v in fields(m.group(2))}))
            continue
        m = EVENT.search(line)
        if m:
            events.append((int(m.group(1)), m.group(2).strip()))
            continue
        m = PATHS.search(line)
        if m:
            roles.update(dict(fields(m.group(1))))
    return ticks, events, roles


def table(stream):
    """Follow a console log: one row per second, events in between."""
    cols, roles, width, peak = [], {}, 9, 1
    out = sys.stdout
    for raw in stream:
        line = raw.rstrip("\r\n")
        m = PATHS.search(line)
        if m:
            roles.update(dict(fields(m.group(1))))
            continue
        m = EVENT.search(line)
        if m:
            out.write("   %3ss  ** %s\n" % (m.group(1), m.group(2).strip()))
            out.flush()
            continue
        m = TICK.search(line)
        if m:
            vals = {k: int(v) for k, v in fields(m.group(2))}
            new = [k for k in vals if k not in cols]
            if new or not cols:
                cols += new
                cols.sort(key=lambda c: (bool(is_head(c, roles)), c))
                head = "".join("%*s" % (width + 3, c) for c in cols)
                sub = "".join("%*s" % (width + 3, roles.get(c, "")) for c in cols)
                out.write("\n   time%s   I/Os per second\n       %s\n" % (head, sub))
            row = "".join("%*s" % (width + 3, vals[c] if c in vals else "-") for c in cols)
            paths = [c for c in cols if not is_head(c, roles)]
            peak = max([peak] + [vals.get(c, 0) for c in paths])
            bars = " ".join("%-16s" % ("#=*+%@"[i % 6] * (16 * vals.get(c, 0) // peak))
                            for i, c in enumerate(paths))
            out.write("   %3ss%s   %s\n" % (m.group(1), row, bars))
            out.flush()
            continue
        if line.startswith(("CHECK ", "RESULT ", "fio ", "scenario ran")) or \
                "SCENARIO-END" in line:
            out.write("   " + line + "\n")
            out.flush()
        if "SCENARIO-END" in line:
            break


def svg(log, dest):
    with open(log, errors="replace") as f:
        ticks, events, roles = parse(f)
    if not ticks:
        sys.exit("plot.py: no TICK lines in %s" % log)
    names = []
    for _, vals in ticks:
        names += [k for k in vals if k not in names]
    names.sort(key=lambda c: (bool(is_head(c, roles)), c))
    tmax = max(t for t, _ in ticks) or 1
    vmax = max(max(v.values(), default=0) for _, v in ticks) or 1
    step = 10 ** (len(str(vmax)) - 1)
    vtop = ((vmax + step - 1) // step) * step

    W, H, L, R, T, B = 960, 480, 70, 200, 50, 130
    pw, ph = W - L - R, H - T - B

    def x(t):
        return L + pw * t / tmax

    def y(v):
        return T + ph - ph * v / vtop

    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (W, H, W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="24" font-size="16">libmultipath demo: NVMe over loop, '
         'I/Os per second per path</text>' % L]
    # Axes and grid.
    for i in range(6):
        v = vtop * i / 5
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, y(v), L + pw, y(v)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%d</text>' % (L - 6, y(v) + 4, v))
    tstep = max(1, round(tmax / 10))
    for t in range(0, tmax + 1, tstep):
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888"/>' % (x(t), T + ph, x(t), T + ph + 4))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (x(t), T + ph + 18, t))
    o.append('<text x="%d" y="%d" text-anchor="middle">time (s)</text>' % (L + pw / 2, T + ph + 34))
    o.append('<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">'
             'I/Os per second</text>' % (T + ph / 2, T + ph / 2))
    o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (L, T, pw, ph))
    # Events: dashed vertical lines, numbered, listed under the plot.
    for i, (t, text) in enumerate(events, 1):
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#999" '
                 'stroke-dasharray="4,3"/>' % (x(t), T, x(t), T + ph))
        o.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%d</text>' % (x(t), T - 4, i))
        o.append('<text x="%d" y="%d" fill="#555">%d: t=%d s %s</text>' % (
            L + (i - 1) // 5 * 420, T + ph + 56 + (i - 1) % 5 * 15, i, t, html.escape(text)))
    # One polyline per disk; a path missing from a tick breaks its line.
    for i, name in enumerate(names):
        head = is_head(name, roles)
        color = "#999" if head else COLORS[i % len(COLORS)]
        runs, cur = [], []
        for t, vals in ticks:
            if name in vals:
                cur.append("%.1f,%.1f" % (x(t), y(vals[name])))
            elif cur:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        for run in runs:
            o.append('<polyline fill="none" stroke="%s" stroke-width="%s"%s points="%s"/>' % (
                color, "1.5" if head else "2.5", ' stroke-dasharray="6,3"' if head else "",
                " ".join(run)))
        ly = T + 14 + i * 20
        o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"%s/>' % (
            L + pw + 14, ly - 4, L + pw + 38, ly - 4, color,
            ' stroke-dasharray="6,3"' if head else ""))
        label = name + (" (%s)" % roles[name] if name in roles else "")
        o.append('<text x="%d" y="%d">%s</text>' % (L + pw + 44, ly, html.escape(label)))
    o.append("</svg>")
    with open(dest, "w") as f:
        f.write("\n".join(o) + "\n")


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "table":
        table(sys.stdin)
    elif len(sys.argv) == 4 and sys.argv[1] == "svg":
        svg(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
