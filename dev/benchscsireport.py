#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the SCSI part of a make bench run (dev/bench.sh BENCH=scsi).

Reads OUT/scsi-[head-][{config}-]{mode}-{kernel}-{rep}.log (guest console logs
with "MPBENCH scsi TARGET RW IODEPTH <fio JSON>" lines, guest benchscsi.sh),
writes OUT/results-scsi.json and OUT/table-scsi.md and prints the table.
Targets: single (one plain sd path), dm-{rr,ql}-{rq,bio} (dm-multipath,
round-robin or queue-length, request- or bio-based), and numa, round-robin
and queue-depth (the native head, patched kernel only).  Exits non-zero
when a guest failed a check or did not finish.
"""

import argparse
import datetime
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchreport import (CONFIGS, MODES, console_logs, fio_result, fmt_iops,  # noqa: E402
                         fmt_ratio, fmt_us, geomean, ordered, stats)

HEADS = ["numa", "round-robin", "queue-depth"]
DMS = ["dm-rr-rq", "dm-ql-rq", "dm-rr-bio", "dm-ql-bio"]
TARGETS = ["single"] + DMS + HEADS
KERNELS = ["baseline", "patched"]
LOG_RE = re.compile(r"^scsi-(?:head-)?(?:(distro)-)?(icount|wall)-(baseline|patched)-(\d+)\.log$")
# Acceptance of the SCSI bench (issue 14), on the geometric mean over the
# workloads and in icount mode.
WANT = {f"{h} / single": 0.97 for h in HEADS}
WANT.update({f"{h} / best dm": 1.15 for h in HEADS})
WANT["off / stock"] = 0.995


def parse_logs(out):
    runs = []
    failures = []
    for name, m, text in console_logs(out, LOG_RE, failures):
        config = m.group(1) or "test"
        mode, kernel, rep = m.group(2), m.group(3), int(m.group(4))
        for line in text.splitlines():
            if not line.startswith("MPBENCH scsi "):
                continue
            parts = line.split(" ", 5)
            if len(parts) < 6:
                failures.append(f"{name}: short line {line[:60]}")
                continue
            _, _, target, rw, qd, blob = parts
            try:
                iops, p99, error = fio_result(blob, rw)
            except (ValueError, KeyError, IndexError) as e:
                failures.append(f"{name}: {target} {rw} qd{qd}: bad fio JSON ({e})")
                continue
            if error:
                failures.append(f"{name}: {target} {rw} qd{qd}: fio error {error}")
            runs.append({
                "config": config, "mode": mode, "kernel": kernel, "rep": rep,
                "target": target, "rw": rw, "iodepth": int(qd),
                "iops": iops, "p99_us": p99, "errors": error,
            })
    return runs, failures


def summarise(runs):
    """{(config, mode): {"rows": [...], "ratios": {...}}}."""
    result = {}
    for config in ordered([r["config"] for r in runs], CONFIGS):
        for mode in MODES:
            mruns = [r for r in runs if r["config"] == config and r["mode"] == mode]
            if not mruns:
                continue
            loads = [(rw, qd) for rw in ("randread", "randwrite") for qd in (1, 32)
                     if any(r["rw"] == rw and r["iodepth"] == qd for r in mruns)]
            per = {}
            rows = []
            for rw, qd in loads:
                for target in TARGETS:
                    for kernel in KERNELS:
                        sel = [r for r in mruns if r["rw"] == rw and r["iodepth"] == qd
                               and r["target"] == target and r["kernel"] == kernel]
                        if not sel:
                            continue
                        iops = stats([r["iops"] for r in sel])
                        per[(rw, qd, target, kernel)] = iops["median"]
                        rows.append({
                            "rw": rw, "iodepth": qd, "target": target, "kernel": kernel,
                            "iops": iops, "p99_us": stats([r["p99_us"] for r in sel]),
                            # Guest ns per I/O; in icount mode guest instructions.
                            "ns_per_io": stats([1e9 / r["iops"] for r in sel if r["iops"]]),
                        })

            def ratios(num, den):
                xs = []
                for rw, qd in loads:
                    a = per.get((rw, qd) + num)
                    b = max((per.get((rw, qd) + d) or 0) for d in den) if den else None
                    if a and b:
                        xs.append(a / b)
                return {"geomean": geomean(xs), "min": min(xs) if xs else None, "n": len(xs)}

            rat = {}
            for h in HEADS:
                rat[f"{h} / single"] = ratios((h, "patched"), [("single", "patched")])
                rat[f"{h} / best dm"] = ratios((h, "patched"), [(d, "patched") for d in DMS])
                rat[f"{h} / best dm stock"] = ratios((h, "patched"),
                                                     [(d, "baseline") for d in DMS])
            rat["off / stock"] = ratios(("single", "patched"), [("single", "baseline")])
            for d in DMS:
                rat[f"{d} patched / stock"] = ratios((d, "patched"), [(d, "baseline")])
            result[(config, mode)] = {"rows": rows, "ratios": rat}
    return result


def verdict(name, r):
    want = WANT.get(name)
    if want is None or r["geomean"] is None:
        return "" if want is None else "-"
    return f">= {want}: " + ("yes" if r["geomean"] >= want else "NO")


def markdown(summary, meta, failures):
    out = [f"make bench SCSI, {meta['date']}: `{meta['command']}`; fio 4 KiB io_uring, "
           "scsi_debug delay=0, one LU with two active/optimized paths; median (min-max) "
           "over the repetitions.  \"stock\": the unpatched kernel; single, off: plain sd "
           "with scsi_mod multipath=off (the stock kernel has no parameter); dm: dmsetup "
           "table over both paths in one group.", ""]
    for (config, mode), s in summary.items():
        out.append(f"Config {config}, mode {mode}"
                   + (" (guest time = guest instructions, 1 vCPU)" if mode == "icount"
                      else " (host wall clock, 2 vCPUs)")
                   + ": ratios of median IOPS, geometric mean (minimum) over the workloads:")
        out.append("")
        out.append("| ratio | geomean | min | acceptance |")
        out.append("|---|---|---|---|")
        for name, r in s["ratios"].items():
            out.append(f"| {name} | {fmt_ratio(r['geomean'])} | {fmt_ratio(r['min'])} "
                       f"| {verdict(name, r)} |")
        out.append("")
        out.append("| workload | target | kernel | IOPS | p99 us | guest ns per I/O |")
        out.append("|---|---|---|---|---|---|")
        for r in s["rows"]:
            out.append(f"| {r['rw']} qd{r['iodepth']} | {r['target']} | {r['kernel']} "
                       f"| {fmt_iops(r['iops'])} | {fmt_us(r['p99_us'])} "
                       f"| {fmt_iops(r['ns_per_io'])} |")
        out.append("")
    if failures:
        out.append("Failures:")
        out.extend(f"- {f}" for f in failures)
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--command", default="make bench BENCH=scsi")
    args = ap.parse_args()
    runs, failures = parse_logs(args.out)
    if not runs:
        print(f"no SCSI bench results in {args.out}", file=sys.stderr)
        return 1
    summary = summarise(runs)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "command": args.command}
    text = markdown(summary, meta, failures)
    (args.out / "table-scsi.md").write_text(text)
    (args.out / "results-scsi.json").write_text(json.dumps({
        "meta": meta, "runs": runs, "failures": failures,
        "summary": [{"config": c, "mode": m, **s} for (c, m), s in summary.items()],
    }, indent=1))
    print(text, end="")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
