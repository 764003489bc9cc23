#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a `make bench` run (tools/workbench/bench.sh).

    bench_report.py RUN_DIR [BENCH_SECONDS BUILD_SECONDS]

Reads RUN_DIR/machine.json, boots.tsv, the console log of every boot
(fio JSON reports between BENCH-FIO-BEGIN/END lines), selector.log
(MPATH-BENCH-SELECT lines) and scale-KERNEL.log (BENCH-SCALE and
BENCH-FAILOVER lines), and writes RUN_DIR/results.json,
RUN_DIR/results.md and RUN_DIR/iops.svg.  Python standard library only.

Ratios are taken within a round (every configuration of a round ran in the
same hour, interleaved), then summarised by their median and range over
the rounds.
"""

import json
import os
import re
import statistics
import sys

# (kernel, config) -> row label, in table order.
ROWS = [
    (("patched", "raw"), "raw null_blk (patched kernel)"),
    (("pristine", "raw"), "raw null_blk (7.3)"),
    (("patched", "sample-numa"), "Rust sample head, numa"),
    (("patched", "sample-round-robin"), "Rust sample head, round-robin"),
    (("patched", "sample-queue-depth"), "Rust sample head, queue-depth"),
    (("patched", "sample-latency"), "Rust sample head, latency"),
    (("pristine", "dm-round-robin"), "dm-multipath, round-robin"),
    (("pristine", "dm-queue-length"), "dm-multipath, queue-length"),
    (("patched", "nvme-single"), "NVMe loop, multipath=N (patched kernel)"),
    (("pristine", "nvme-single"), "NVMe loop, multipath=N (7.3)"),
    (("patched", "nvme-numa"), "NVMe, libmultipath, numa"),
    (("patched", "nvme-round-robin"), "NVMe, libmultipath, round-robin"),
    (("patched", "nvme-queue-depth"), "NVMe, libmultipath, queue-depth"),
    (("patched", "nvme-latency"), "NVMe, libmultipath, latency"),
    (("pristine", "nvme-numa"), "NVMe, C multipath (7.3), numa"),
    (("pristine", "nvme-round-robin"), "NVMe, C multipath (7.3), round-robin"),
    (("pristine", "nvme-queue-depth"), "NVMe, C multipath (7.3), queue-depth"),
]
LABEL = dict(ROWS)


def floor_of(kernel, config):
    """The configuration without a multipath layer for this row."""
    if config.startswith("nvme-") and config != "nvme-single":
        return (kernel, "nvme-single")
    if config == "raw":
        return None
    return (kernel, "raw")


def c_of(kernel, config):
    """The C counterpart of a row of ours: same policy on the unpatched
    kernel (dm-multipath for the sample head)."""
    if kernel != "patched":
        return None
    if config.endswith("-latency"):
        # No C peer has the policy: its cost is measured against the
        # library's own round-robin.
        return (kernel, config.replace("-latency", "-round-robin"))
    if config.startswith("sample-"):
        dm = {"round-robin": "dm-round-robin", "queue-depth": "dm-queue-length"}
        other = dm.get(config[len("sample-"):])
        return ("pristine", other) if other else None
    return ("pristine", config)


def parse_boot(path):
    """Yields (item, result dict) for each fio report in a console log."""
    lines = open(path, errors="replace").read().splitlines()
    paths = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.search(r"BENCH-PATHS (\S+) dev=(\S+) before=\[(.*)\] after=\[(.*)\]", line)
        if m:
            before = dict(kv.split("=") for kv in m.group(3).split())
            after = dict(kv.split("=") for kv in m.group(4).split())
            paths[m.group(1)] = {k: int(after[k]) - int(before.get(k, 0)) for k in after}
        m = re.search(r"BENCH-FIO-BEGIN (\S+) rc=(\d+)", line)
        if not m:
            i += 1
            continue
        item, rc = m.group(1), int(m.group(2))
        body = []
        i += 1
        while i < len(lines) and "BENCH-FIO-END" not in lines[i]:
            body.append(lines[i])
            i += 1
        text = "\n".join(body)
        start = text.find("{")
        try:
            job = json.loads(text[start:])["jobs"][0]["read"]
            pct = job["clat_ns"]["percentile"]
            yield item, {
                "rc": rc,
                "iops": job["iops"],
                "p50_us": pct["50.000000"] / 1000,
                "p99_us": pct["99.000000"] / 1000,
                "ios": job["total_ios"],
                "per_path_ios": paths.get(item, {}),
            }
        except (ValueError, KeyError, IndexError) as e:
            yield item, {"rc": rc, "error": "unparsable fio output: %s" % e}


def med(values):
    return statistics.median(values) if values else None


def summary(values):
    """Median, min, max and spread ((max - min) / median, in %)."""
    if not values:
        return None
    m = statistics.median(values)
    return {
        "median": m,
        "min": min(values),
        "max": max(values),
        "spread_pct": 100 * (max(values) - min(values)) / m if m else None,
        "n": len(values),
    }


def ratio_summary(results, row, other, workload):
    """Per-round IOPS ratios row/other, summarised over rounds."""
    ratios = []
    for rnd, by_key in results.items():
        a = by_key.get(row + (workload,))
        b = by_key.get(other + (workload,))
        if a and b and "iops" in a and "iops" in b and b["iops"]:
            ratios.append(a["iops"] / b["iops"])
    return summary(ratios)


def fmt_ratio(s):
    if not s:
        return "–"
    return "%.3f (%.3f–%.3f)" % (s["median"], s["min"], s["max"])


def svg_plot(summary_rows, workloads, path, title):
    """Horizontal bars of median IOPS per configuration, one panel per
    workload, with min–max whiskers."""
    bar, gap, left, width, top = 14, 4, 330, 420, 40
    colours = {"raw": "#888888", "sample": "#d95f02", "dm": "#7570b3",
               "single": "#1b9e77", "lib": "#e7298a", "c": "#66a61e"}

    def colour(kernel, config):
        if config == "raw":
            return colours["raw"]
        if config.startswith("sample"):
            return colours["sample"]
        if config.startswith("dm"):
            return colours["dm"]
        if config == "nvme-single":
            return colours["single"]
        return colours["lib"] if kernel == "patched" else colours["c"]

    out = []
    y = top
    for w in workloads:
        rows = [r for r in summary_rows if r["workload"] == w and r["iops"]]
        if not rows:
            continue
        peak = max(r["iops"]["max"] for r in rows) or 1
        out.append('<text x="10" y="%d" font-weight="bold">%s</text>' % (y + 12, w))
        y += 20
        for r in rows:
            s = r["iops"]
            wmed = width * s["median"] / peak
            out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                       % (left - 6, y + bar - 3, r["label"]))
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (left, y, wmed, bar, colour(r["kernel"], r["config"])))
            x0, x1 = left + width * s["min"] / peak, left + width * s["max"] / peak
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>'
                       % (x0, y + bar // 2, x1, y + bar // 2))
            out.append('<text x="%.1f" y="%d">%.0f</text>' % (x1 + 4, y + bar - 3, s["median"]))
            y += bar + gap
        y += 16
    height = y + 10
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (left + width + 90, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14" font-weight="bold">%s</text>' % title]
    svg += out
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("<!-- SPDX-License-Identifier: GPL-2.0 -->\n" + "\n".join(svg) + "\n")


def parse_scale(run):
    """kernel -> the BENCH-SCALE figures and BENCH-FAILOVER stalls of its
    bench_scale.sh boot (scale-KERNEL.log), for the kernels that have one;
    and the problems seen."""
    out, errors = {}, []
    for kernel in ("patched", "pristine"):
        log = os.path.join(run, "scale-%s.log" % kernel)
        if not os.path.exists(log):
            continue
        text = open(log, errors="replace").read()
        if "BENCH-DONE" not in text:
            errors.append("scale-%s.log: the guest did not finish" % kernel)
        for err in re.findall(r"BENCH-ERROR .*", text):
            errors.append("scale-%s.log: %s" % (kernel, err))
        res = {"failover_stall_us": [], "failover_errors": 0}
        m = re.search(r"BENCH-SCALE (.*)", text)
        if m:
            res.update({k: int(v) for k, v in
                        (kv.split("=") for kv in m.group(1).split())})
        for m in re.finditer(r"BENCH-FAILOVER n=\d+ port=\d+ stall_us=(-?\d+) errors=(-?\d+)",
                             text):
            res["failover_stall_us"].append(int(m.group(1)))
            res["failover_errors"] += int(m.group(2)) != 0
        out[kernel] = res
    return out, errors


def scale_md(scale):
    """The results.md section of the scale boots: ours, C's and ours / C."""
    if not scale:
        return []
    ours, c = scale.get("patched", {}), scale.get("pristine", {})
    n = ours.get("namespaces") or c.get("namespaces") or 0
    rows = [("connect %d namespaces over 2 controllers, ms" % n, "connect_ms"),
            ("disconnect them, ms", "disconnect_ms"),
            ("kernel memory per namespace (head + 2 paths), KiB", "kmem_per_ns"),
            ("memory in use per namespace, KiB", "memused_per_ns"),
            ("failover stall, median, µs", "failover_us")]
    for res in (ours, c):
        if res.get("namespaces"):
            res["kmem_per_ns"] = res.get("kmem_kib", 0) / res["namespaces"]
            res["memused_per_ns"] = res.get("memused_kib", 0) / res["namespaces"]
        if res.get("failover_stall_us"):
            res["failover_us"] = statistics.median(res["failover_stall_us"])
    md = ["## Scale, memory and failover", "",
          "One boot of each kernel with NVMe multipath on "
          "(`scenarios/bench_scale.sh`): an nvmet loop subsystem of %d "
          "namespaces on one null_blk disk, connected through two ports, "
          "times in guest ms; memory is what the heads and path disks added "
          "(Slab + Percpu + VmallocUsed, and MemTotal − MemAvailable) per "
          "namespace; failover is fio's longest read completion at queue depth "
          "1 when the target unlinks the port of the path in use (numa "
          "policy), median of %d losses (all: ours %s, C %s; losses with an "
          "fio error: ours %d, C %d). Lower is better; ours / C ≤ 1 meets "
          "the goal." % (n, len(ours.get("failover_stall_us", [])),
                         ours.get("failover_stall_us"), c.get("failover_stall_us"),
                         ours.get("failover_errors", 0), c.get("failover_errors", 0)),
          "", "| measure | libmultipath | C NVMe multipath (7.3) | ours / C |",
          "| --- | ---: | ---: | ---: |"]
    for label, key in rows:
        a, b = ours.get(key), c.get(key)
        r = "%.3f" % (a / b) if a is not None and b else "–"
        md.append("| %s | %s | %s | %s |" % (
            label, "%.1f" % a if a is not None else "–",
            "%.1f" % b if b is not None else "–", r))
    return md + [""]


def main():
    run = sys.argv[1]
    bench_s = int(sys.argv[2]) if len(sys.argv) > 2 else None
    build_s = int(sys.argv[3]) if len(sys.argv) > 3 else None
    machine = json.load(open(os.path.join(run, "machine.json")))
    workloads = machine["workloads"]

    # round -> (kernel, config, workload) -> result
    results = {}
    boots = []
    errors = []
    with open(os.path.join(run, "boots.tsv")) as f:
        for line in f:
            rnd, kernel, mode, log, load = line.rstrip("\n").split("\t")
            boots.append({"round": int(rnd), "kernel": kernel, "mode": mode,
                          "log": os.path.basename(log), "host_load_after": load})
            log = os.path.join(run, os.path.basename(log))
            if not os.path.exists(log):
                errors.append("%s: no log" % log)
                continue
            text = open(log, errors="replace").read()
            if "BENCH-DONE" not in text:
                errors.append("%s: the guest did not finish" % os.path.basename(log))
            for err in re.findall(r"BENCH-ERROR .*", text):
                errors.append("%s: %s" % (os.path.basename(log), err))
            for item, res in parse_boot(log):
                config, workload = item.split(":")
                res.update({"round": int(rnd), "kernel": kernel, "mode": mode,
                            "config": config, "workload": workload})
                if "error" in res or res["rc"] != 0:
                    errors.append("%s %s %s: %s" % (os.path.basename(log), item,
                                                    res.get("error", ""), "rc=%d" % res["rc"]))
                results.setdefault(int(rnd), {})[(kernel, config, workload)] = res

    selector = []
    slog = os.path.join(run, "selector.log")
    if os.path.exists(slog):
        for m in re.finditer(r"MPATH-BENCH-SELECT selector=(\S+) paths=(\d+) ns=([\d.]+)",
                             open(slog, errors="replace").read()):
            selector.append({"selector": m.group(1), "paths": int(m.group(2)),
                             "ns": float(m.group(3))})

    scale, scale_errors = parse_scale(run)
    errors += scale_errors

    summary_rows = []
    for w in workloads:
        for (kernel, config), label in ROWS:
            vals = [r[(kernel, config, w)] for r in results.values()
                    if (kernel, config, w) in r and "iops" in r[(kernel, config, w)]]
            fl = floor_of(kernel, config)
            cc = c_of(kernel, config)
            row = {
                "workload": w, "kernel": kernel, "config": config, "label": label,
                "iops": summary([v["iops"] for v in vals]),
                "p50_us": summary([v["p50_us"] for v in vals]),
                "p99_us": summary([v["p99_us"] for v in vals]),
                "floor": LABEL.get(fl) if fl else None,
                "vs_floor": ratio_summary(results, (kernel, config), fl, w) if fl else None,
                "vs_c": LABEL.get(cc) if cc else None,
                "ratio_vs_c": ratio_summary(results, (kernel, config), cc, w) if cc else None,
            }
            if row["iops"]:
                summary_rows.append(row)

    raw = [v for r in results.values() for v in r.values()]
    # The lint wants the SPDX line in the first lines of every file.
    doc = {"license": "SPDX-License-Identifier: GPL-2.0", "machine": machine,
           "bench_seconds": bench_s, "build_seconds": build_s,
           "boots": boots, "errors": errors, "results": raw,
           "summary": summary_rows, "selector": selector, "scale": scale}
    with open(os.path.join(run, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)

    nrounds = len(results)
    md = ["<!-- SPDX-License-Identifier: GPL-2.0 -->",
          "# libmultipath benchmark: `make bench`", "",
          "**QEMU runs under TCG (binary translation) here: absolute IOPS and "
          "latencies mean little. Ratios between configurations measured in "
          "the same run, interleaved round by round, mean a lot.**", "",
          "Machine: %s, %d host CPUs, %d MiB; host kernel %s; %s, accel %s, "
          "guest -smp %d -m %s. Commit %s." % (
              machine["cpu"], machine["host_cpus"], machine["host_mem_mib"],
              machine["host_kernel"], machine["qemu"], machine["accel"],
              machine["guest_smp"], machine["guest_mem"], machine["commit"]),
          ""]
    if machine.get("icount"):
        md += ["**Guest time is QEMU's instruction counter (`-icount %s`)**: "
               "IOPS here are I/Os per fixed number of guest instructions, "
               "which the host's load does not move; every instruction costs "
               "the same (no cache misses, no cost of atomics), so these "
               "figures compare path lengths, not wall-clock speed." % machine["icount"],
               ""]
    md += [
          "Run: %d rounds (ROUNDS=%d), fio %d s per item after a %d s ramp "
          "(RUNTIME=%d, RAMP=%d), seed %d; %s." % (
              nrounds, machine["rounds"], machine["runtime_s"], machine["ramp_s"],
              machine["runtime_s"], machine["ramp_s"], machine["seed"],
              ("boots and fio took %d s, builds and initramfs %d s" % (bench_s, build_s))
              if bench_s is not None else "time not recorded"),
          "",
          "Design: each round boots four guests in a shuffled order (patched and "
          "unpatched 7.3 kernel, each with NVMe multipath on and with "
          "`nvme_core.multipath=N`), all from the same bench config (no "
          "debug options). Each boot runs every (configuration, workload) "
          "item of that kernel once, in a shuffled order. Each ratio is taken "
          "within a round, then its median and range (min–max) over the rounds "
          "are shown. Spread is (max − min) / median of IOPS over the rounds.",
          "",
          "fio: 4 KiB random reads, io_uring, direct I/O, `--output-format=json`; "
          "latencies are completion latencies (clat) in µs, medians over rounds. "
          "Every null_blk disk: 1 GiB, not memory-backed, irqmode=0. NVMe: "
          "nvmet loop transport, one subsystem, namespace on null_blk, two "
          "ports/controllers (one with multipath=N). dm-multipath and the Rust "
          "sample's head: two null_blk disks each.",
          "",
          "vs floor: the same configuration without a multipath layer on the "
          "same kernel (NVMe rows: NVMe multipath=N; others: raw null_blk). "
          "vs C: NVMe rows against the C NVMe multipath of 7.3 with the same "
          "policy; sample rows against dm-multipath (round-robin, queue-length); "
          "latency rows (no C peer) against round-robin on the library; "
          "raw and multipath=N rows of the patched kernel against those of 7.3.",
          ""]
    if errors:
        md += ["Problems in this run:", ""] + ["- %s" % e for e in errors] + [""]
    for w in workloads:
        md += ["## %s" % w, "",
               "| configuration | IOPS (median) | spread | p50 µs | p99 µs | vs floor | vs C |",
               "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
        for r in summary_rows:
            if r["workload"] != w:
                continue
            md.append("| %s | %.0f | %.1f%% | %.1f | %.1f | %s | %s |" % (
                r["label"], r["iops"]["median"], r["iops"]["spread_pct"] or 0,
                r["p50_us"]["median"], r["p99_us"]["median"],
                fmt_ratio(r["vs_floor"]), fmt_ratio(r["ratio_vs_c"])))
        md.append("")
    if selector:
        sizes = sorted({s["paths"] for s in selector})
        names = []
        for s in selector:
            if s["selector"] not in names:
                names.append(s["selector"])
        md += ["## Selector microbenchmark", "",
               "ns per path selection (KUnit suite `libmultipath_bench`, patched "
               "bench kernel, one boot): the real head's SRCU section, path list, "
               "cache and the driver's `is_disabled`, median of 5 timed runs of "
               "50000 selections; every path optimized with one request in "
               "flight. `empty` takes the first path on the list (the loop's own "
               "cost); policy minus empty is the policy's cost.", "",
               "| selector | " + " | ".join("%d paths" % n for n in sizes) + " |",
               "| --- |" + " ---: |" * len(sizes)]
        for name in names:
            cells = []
            for n in sizes:
                v = [s["ns"] for s in selector if s["selector"] == name and s["paths"] == n]
                cells.append("%.1f" % v[0] if v else "–")
            md.append("| %s | %s |" % (name, " | ".join(cells)))
        md.append("")
    md += scale_md(scale)
    md += ["![IOPS by configuration](iops.svg)", ""]
    with open(os.path.join(run, "results.md"), "w") as f:
        f.write("\n".join(md))
    svg_plot(summary_rows, workloads, os.path.join(run, "iops.svg"),
             "IOPS by configuration (median over %d rounds, min–max whiskers; TCG)" % nrounds)
    print(os.path.join(run, "results.md"))


if __name__ == "__main__":
    main()
