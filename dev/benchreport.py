#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a make bench run (dev/bench.sh).

Reads OUT/[{config}-]{mode}-{kernel}-{rep}.log (guest console logs with
MPBENCH lines; no prefix for config "test", "distro-" for the distro-like
config) and OUT/headsize.txt, writes OUT/results.json, OUT/results.csv,
OUT/chart.png and OUT/table.md, and prints the table.  Every number is
given per config.  A directory without console logs (the copies in
dev/bench-results/) is read from its results.json instead (config "test"
where the runs name none).  Python standard library only (the PNG is drawn
by hand).
"""

import argparse
import datetime
import json
import math
import re
import statistics
import struct
import sys
import zlib
from pathlib import Path

TARGETS = ["numa", "round-robin", "queue-depth", "nomultipath"]
SHORT = {"numa": "numa", "round-robin": "rr", "queue-depth": "qd", "nomultipath": "no-mp"}
KERNELS = ["baseline", "patched"]
MODES = ["icount", "wall"]
CONFIGS = ["test", "distro"]
CONFIG_TEXT = {"test": "the tinyconfig-based test config",
               "distro": "the test config + dev/bench-distro.config (mitigations, kCFI, "
                         "tracepoints, cgroups)"}
LOG_RE = re.compile(r"^(?:(distro)-)?(icount|wall)-(baseline|patched)-(\d+)\.log$")


def console_logs(out, log_re, failures):
    """(name, match, text) of each console log in OUT whose name LOG_RE
    matches; the guests that failed a check or did not finish go to
    FAILURES."""
    for log in sorted(out.iterdir()):
        m = log_re.match(log.name)
        if not m:
            continue
        text = log.read_bytes().decode("utf-8", "replace").replace("\r", "")
        if "MPTEST done" not in text:
            failures.append(f"{log.name}: the guest did not finish")
        for line in text.splitlines():
            if line.startswith("MPTEST fail"):
                failures.append(f"{log.name}: {line}")
        yield log.name, m, text


def fio_result(blob, rw):
    """(IOPS, p99 completion latency in us or None, fio's error) of one fio
    JSON output; raises ValueError, KeyError or IndexError if it is not."""
    job = json.loads(blob)["jobs"][0]
    side = job["read" if rw == "randread" else "write"]
    p99 = side.get("clat_ns", {}).get("percentile", {}).get("99.000000")
    return (float(side["iops"]), (p99 / 1000.0) if p99 is not None else None,
            int(job.get("error", 0)))


def parse_logs(out):
    """Return (fio runs, kunit lines, failures) from the console logs."""
    runs = []
    kunit = {}
    failures = []
    for name, m, text in console_logs(out, LOG_RE, failures):
        config = m.group(1) or "test"
        mode, kernel, rep = m.group(2), m.group(3), int(m.group(4))
        for line in text.splitlines():
            if line.startswith("MPBENCH kunit "):
                kunit.setdefault((config, mode, kernel), []).append(
                    line[len("MPBENCH kunit "):])
                continue
            if not line.startswith("MPBENCH fio "):
                continue
            parts = line.split(" ", 6)
            if len(parts) < 7:
                failures.append(f"{name}: short line {line[:60]}")
                continue
            _, _, target, rw, qd, jobs, blob = parts
            try:
                iops, p99, error = fio_result(blob, rw)
            except (ValueError, KeyError, IndexError) as e:
                failures.append(f"{name}: {target} {rw} qd{qd} j{jobs}: bad fio JSON ({e})")
                continue
            runs.append({
                "config": config, "mode": mode, "kernel": kernel, "rep": rep, "target": target,
                "rw": rw, "iodepth": int(qd), "jobs": int(jobs),
                "iops": iops, "p99_us": p99, "errors": error,
            })
    return runs, kunit, failures


def load_json(out):
    """(runs, selection, heads, failures) of an earlier report's results.json,
    for a directory without console logs; runs without a config are "test"."""
    path = out / "results.json"
    if not path.exists():
        return [], {}, {}, []
    data = json.loads(path.read_text())
    runs = []
    for r in data.get("runs", []):
        r = dict(r)
        r.setdefault("config", "test")
        runs.append(r)
    sel = {}
    for e in data.get("selection_ns", []):
        sel[(e.get("config", "test"), e["mode"], e["policy"], e["paths"])] = e["ns"]
    head = data.get("head") or {}
    if head and "sizeof" in head:  # one head, of the test config
        head = {"test": head}
    return runs, sel, head, list(data.get("failures", []))


def ordered(values, order):
    """The distinct values, known ones in the given order, then the others."""
    values = set(values)
    return [v for v in order if v in values] + sorted(values - set(order))


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    med = statistics.median(values)
    return {
        "median": med, "min": min(values), "max": max(values), "n": len(values),
        "spread_pct": (100.0 * (max(values) - min(values)) / med) if med else 0.0,
    }


def workloads(runs):
    seen = []
    for rw in ("randread", "randwrite"):
        for qd in (1, 32):
            for jobs in (1, 2):
                if any(r["rw"] == rw and r["iodepth"] == qd and r["jobs"] == jobs for r in runs):
                    seen.append((rw, qd, jobs))
    return seen


def head_overhead(sel_target, sel_nomp):
    """Per repetition (same boot), the time per I/O through the head minus
    that without multipath: 10^9/IOPS(head) - 10^9/IOPS(no-mp), in ns (in
    icount mode about guest instructions per I/O)."""
    nomp = {r["rep"]: r["iops"] for r in sel_nomp if r["iops"]}
    return [1e9 / r["iops"] - 1e9 / nomp[r["rep"]]
            for r in sel_target if r["iops"] and r["rep"] in nomp]


def summarise(runs):
    """Per config/mode/workload/target/kernel statistics plus ratios."""
    rows = []
    for config in ordered([r["config"] for r in runs], CONFIGS):
        for mode in MODES:
            mruns = [r for r in runs if r["mode"] == mode and r["config"] == config]
            for rw, qd, jobs in workloads(mruns):
                per = {}
                sel = {}
                for target in TARGETS:
                    for kernel in KERNELS:
                        sel[(target, kernel)] = [
                            r for r in mruns if r["rw"] == rw and r["iodepth"] == qd
                            and r["jobs"] == jobs and r["target"] == target
                            and r["kernel"] == kernel]
                        per[(target, kernel)] = {
                            "iops": stats([r["iops"] for r in sel[(target, kernel)]]),
                            "p99_us": stats([r["p99_us"] for r in sel[(target, kernel)]]),
                        }
                for target in TARGETS:
                    b = per[(target, "baseline")]["iops"]
                    p = per[(target, "patched")]["iops"]
                    row = {
                        "config": config, "mode": mode, "rw": rw, "iodepth": qd, "jobs": jobs,
                        "target": target,
                        "baseline": per[(target, "baseline")], "patched": per[(target, "patched")],
                        "patched_over_baseline": (p["median"] / b["median"]) if b and p else None,
                    }
                    for kernel in KERNELS:
                        h = per[(target, kernel)]["iops"]
                        n = per[("nomultipath", kernel)]["iops"]
                        head = target != "nomultipath"
                        row[f"head_over_nomp_{kernel}"] = (
                            (h["median"] / n["median"]) if h and n and head else None)
                        row[f"head_overhead_ns_{kernel}"] = (
                            stats(head_overhead(sel[(target, kernel)],
                                                sel[("nomultipath", kernel)]))
                            if head else None)
                    ob = row["head_overhead_ns_baseline"]
                    op = row["head_overhead_ns_patched"]
                    row["head_overhead_patched_over_baseline"] = (
                        op["median"] / ob["median"] if ob and op and ob["median"] > 0 else None)
                    rows.append(row)
    return rows


def fmt_iops(s):
    if not s:
        return "-"
    return f"{s['median']:.0f} ({s['min']:.0f}-{s['max']:.0f})"


def fmt_us(s):
    if not s:
        return "-"
    return f"{s['median']:.1f} ({s['min']:.1f}-{s['max']:.1f})"


def fmt_ratio(x):
    return "-" if x is None else f"{x:.3f}"


def fmt_ns(s):
    if not s:
        return "-"
    return f"{s['median']:.0f} ({s['min']:.0f}-{s['max']:.0f})"


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def kunit_table(kunit):
    """In-kernel selection cost and head size from the patched guests, per
    config."""
    sel = {}
    heads = {}
    for (config, mode, kernel), lines in kunit.items():
        for line in lines:
            m = re.search(r"select policy=(\S+) paths=(\d+) ns=(\d+)", line)
            if m:
                sel.setdefault((config, mode, m.group(1), int(m.group(2))), []).append(
                    int(m.group(3)))
            m = re.search(r"head sizeof=(\d+) slots=(\d+) max_numnodes=(\d+) bytes=(\d+) "
                          r"kmalloc=(\d+)", line)
            if m:
                heads[config] = dict(zip(["sizeof", "slots", "max_numnodes", "bytes", "kmalloc"],
                                         map(int, m.groups())))
    return sel, heads


def markdown(rows, sel, heads, sizes, meta, failures):
    out = []
    configs = ordered([r["config"] for r in rows], CONFIGS)
    out.append(f"make bench, {meta['date']}: `{meta['command']}`; "
               f"{meta['reps']} repetitions per kernel and mode, alternating; "
               "fio 4 KiB io_uring, nvmet-loop on null_blk; median IOPS (min-max).")
    out.append("")
    out.append("Configs (each with an unpatched and a patched kernel built from it): "
               + "; ".join(f"{c}: {CONFIG_TEXT.get(c, c)}" for c in configs) + ".")
    out.append("")
    out.append("Summary (geometric mean over the 8 workloads of the median IOPS ratios):")
    out.append("")
    out.append("Spread: (max - min) / median of the IOPS over the repetitions, median / "
               "maximum over the 8 workloads.")
    out.append("")
    out.append("Head overhead: time per I/O through the head minus without multipath, "
               "10^9/IOPS(head) - 10^9/IOPS(no-mp) in ns, each repetition against its own "
               "no-mp runs (same boot); in icount mode about the guest instructions per I/O "
               "that multipath adds.  Median over the 8 workloads of the medians; "
               "patched/baseline: geometric mean over the workloads of the ratios of the "
               "medians.")
    out.append("")
    out.append("| config | mode | target | patched/baseline | head/no-mp baseline "
               "| head/no-mp patched | head overhead ns baseline | head overhead ns patched "
               "| overhead patched/baseline | spread baseline | spread patched |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for config in configs:
        for mode in MODES:
            for target in TARGETS:
                rs = [r for r in rows if r["config"] == config and r["mode"] == mode
                      and r["target"] == target]
                if not rs:
                    continue
                spread = {}
                over = {}
                for k in KERNELS:
                    sp = [r[k]["iops"]["spread_pct"] for r in rs if r[k]["iops"]]
                    spread[k] = (f"{statistics.median(sp):.1f}% / {max(sp):.1f}%" if sp else "-")
                    ov = [r[f"head_overhead_ns_{k}"]["median"] for r in rs
                          if r[f"head_overhead_ns_{k}"]]
                    over[k] = f"{statistics.median(ov):.0f}" if ov else "-"
                pb = geomean([r["patched_over_baseline"] for r in rs])
                hb = geomean([r["head_over_nomp_baseline"] for r in rs])
                hp = geomean([r["head_over_nomp_patched"] for r in rs])
                op = geomean([r["head_overhead_patched_over_baseline"] for r in rs])
                out.append(f"| {config} | {mode} | {target} | {fmt_ratio(pb)} | {fmt_ratio(hb)} "
                           f"| {fmt_ratio(hp)} | {over['baseline']} | {over['patched']} "
                           f"| {fmt_ratio(op)} | {spread['baseline']} | {spread['patched']} |")
    for config in configs:
        for mode in MODES:
            rs = [r for r in rows if r["config"] == config and r["mode"] == mode]
            if not rs:
                continue
            out.append("")
            out.append(f"Config {config}, mode {mode}"
                       + (" (guest time = guest instructions, 1 vCPU)" if mode == "icount"
                          else " (host wall clock, 2 vCPUs)") + ":")
            out.append("")
            out.append("| workload | target | baseline IOPS | patched IOPS | patched/baseline "
                       "| baseline p99 us | patched p99 us | baseline head overhead ns "
                       "| patched head overhead ns | overhead patched/baseline |")
            out.append("|---|---|---|---|---|---|---|---|---|---|")
            for r in rs:
                out.append(f"| {r['rw']} qd{r['iodepth']} j{r['jobs']} | {r['target']} "
                           f"| {fmt_iops(r['baseline']['iops'])} "
                           f"| {fmt_iops(r['patched']['iops'])} "
                           f"| {fmt_ratio(r['patched_over_baseline'])} "
                           f"| {fmt_us(r['baseline']['p99_us'])} | {fmt_us(r['patched']['p99_us'])} "
                           f"| {fmt_ns(r['head_overhead_ns_baseline'])} "
                           f"| {fmt_ns(r['head_overhead_ns_patched'])} "
                           f"| {fmt_ratio(r['head_overhead_patched_over_baseline'])} |")
    if sel:
        out.append("")
        out.append("In-kernel path selection, ns per selection (KUnit libmultipath_bench, "
                   "patched guest, median over the boots):")
        out.append("")
        out.append("| config | mode | policy | 2 paths | 8 paths | 64 paths |")
        out.append("|---|---|---|---|---|---|")
        for config in ordered([k[0] for k in sel], CONFIGS):
            for mode in MODES:
                for policy in ("numa", "round-robin", "queue-depth"):
                    vals = [sel.get((config, mode, policy, n)) for n in (2, 8, 64)]
                    if any(vals):
                        out.append(f"| {config} | {mode} | {policy} | " + " | ".join(
                            "-" if not v else f"{statistics.median(v):.0f}" for v in vals) + " |")
    if heads or sizes:
        out.append("")
        out.append("Head memory, bytes:")
        out.append("")
        for config in ordered(heads, CONFIGS):
            head = heads[config]
            out.append(f"- {config} config, booted: sizeof(struct mpath_head) {head['sizeof']} + "
                       f"{head['slots']} per-node slots x 8 = {head['bytes']} "
                       f"(kmalloc bucket {head['kmalloc']})")
        for line in sizes:
            out.append(f"- {line}")
    if failures:
        out.append("")
        out.append("Failures:")
        for f in failures:
            out.append(f"- {f}")
    return "\n".join(out) + "\n"


def head_sizes(out):
    """Lines describing dev/headsize.sh's output."""
    path = out / "headsize.txt"
    if not path.exists():
        return [], {}
    vals = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4:
            vals[(parts[0], parts[1], parts[2])] = int(parts[3])
    lines = []
    for config in ("test", "distro"):
        mh = vals.get((config, "patched", "SIZEOF_MPATH_HEAD"))
        nh = vals.get((config, "patched", "SIZEOF_NVME_NS_HEAD"))
        bh = vals.get((config, "baseline", "SIZEOF_NVME_NS_HEAD"))
        nodes = vals.get((config, "patched", "MAX_NUMNODES_"))
        if mh is None:
            continue
        name = {"test": "test config",
                "distro": "x86_64_defconfig + NVMe multipath + MAXSMP (dev/headsize.sh; not "
                          "the bench's distro config)"}[config]
        text = (f"{name} (MAX_NUMNODES {nodes}, NR_CPUS "
                f"{vals.get((config, 'patched', 'NR_CPUS_'))}): sizeof(struct mpath_head) {mh}, "
                f"patched nvme_ns_head {nh}")
        if bh is not None:
            text += f", unpatched nvme_ns_head {bh}"
        text += (f"; per-node slots: 8 x nr_node_ids (possible nodes of the machine, "
                 f"at most {nodes}: {8 * nodes} bytes)")
        lines.append(text)
    return lines, {f"{a}/{b}/{c}": v for (a, b, c), v in vals.items()}


# --- PNG chart -------------------------------------------------------------

FONT = {  # 5x7 glyphs, one string of 7 rows of 5 pixels per character.
    "0": "01110100011001110101110011000101110", "1": "00100011000010000100001000010001110",
    "2": "01110100010000100010001000100011111", "3": "11111000100010000010000011000101110",
    "4": "00010001100101010010111110001000010", "5": "11111100001111000001000011000101110",
    "6": "00110010001000011110100011000101110", "7": "11111000010001000100010000100001000",
    "8": "01110100011000101110100011000101110", "9": "01110100011000101111000010001001100",
    "a": "00000000000111000001011111000101111", "b": "10000100001011011001100011000111110",
    "c": "00000000000111010000100001000101110", "d": "00001000010110110011100011000101111",
    "e": "00000000000111010001111111000001110", "f": "00110010010100011100010000100001000",
    "g": "00000011111000110001011110000101110", "h": "10000100001011011001100011000110001",
    "i": "00100000000110000100001000010001110", "j": "00010000000011000010000101001001100",
    "k": "10000100001001010100110001010010010", "l": "01100001000010000100001000010001110",
    "m": "00000000001101010101101011000110001", "n": "00000000001011011001100011000110001",
    "o": "00000000000111010001100011000101110", "p": "00000000001111010001111101000010000",
    "q": "00000000000110110011011110000100001", "r": "00000000001011011001100001000010000",
    "s": "00000000000111010000011100000111110", "t": "01000010001110001000010000100100110",
    "u": "00000000001000110001100011001101101", "v": "00000000001000110001100010101000100",
    "w": "00000000001000110001101011010101010", "x": "00000000001000101010001000101010001",
    "y": "00000000001000110001011110000101110", "z": "00000000001111100010001000100011111",
    ".": "00000000000000000000000000110001100", "/": "00000000010001000100010001000000000",
    "-": "00000000000000011111000000000000000", ":": "00000011000110000000011000110000000",
    "(": "00010001000100001000010000010000010", ")": "01000001000001000010000100010001000",
    " ": "0" * 35, "%": "11000110010001000100010001001100011",
    "=": "00000000001111100000111110000000000", "_": "00000000000000000000000000000011111",
}


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def rect(self, x0, y0, x1, y1, rgb):
        x0, x1 = max(0, min(x0, x1)), min(self.w, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.h, max(y0, y1))
        row = bytes(rgb) * (x1 - x0)
        for y in range(y0, y1):
            i = (y * self.w + x0) * 3
            self.px[i:i + len(row)] = row

    def text(self, x, y, s, rgb=(0, 0, 0), scale=1):
        for ch in s.lower():
            g = FONT.get(ch, FONT[" "])
            for r in range(7):
                for c in range(5):
                    if g[r * 5 + c] == "1":
                        self.rect(x + c * scale, y + r * scale,
                                  x + (c + 1) * scale, y + (r + 1) * scale, rgb)
            x += 6 * scale

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(kind, data):
            c = kind + data
            return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


COLORS = {"numa": (31, 119, 180), "round-robin": (255, 127, 14),
          "queue-depth": (44, 160, 44), "nomultipath": (127, 127, 127)}


def chart(rows, path, title):
    """Bars: patched/baseline median IOPS per workload and target, one panel
    per config and mode."""
    panels = [(c, m) for c in ordered([r["config"] for r in rows], CONFIGS) for m in MODES
              if any(r["config"] == c and r["mode"] == m for r in rows)]
    wl = workloads([{"rw": r["rw"], "iodepth": r["iodepth"], "jobs": r["jobs"]} for r in rows])
    bar, gap, left, top, ph = 9, 14, 60, 40, 220
    pw = len(wl) * (len(TARGETS) * bar + gap) + gap
    cv = Canvas(left + pw + 20, top + len(panels) * (ph + 60) + 30)
    cv.text(10, 10, title, scale=2)
    for i, (config, mode) in enumerate(panels):
        # Each panel on its own scale, around 1.0.
        vals = [r["patched_over_baseline"] for r in rows
                if r["config"] == config and r["mode"] == mode and r["patched_over_baseline"]]
        lo = min(0.95, math.floor((min(vals, default=1.0) - 0.02) * 20) / 20)
        hi = max(1.05, math.ceil((max(vals, default=1.0) + 0.02) * 20) / 20)
        step = 0.05 if hi - lo <= 0.5 else 0.25
        first = math.ceil(lo / step - 1e-9)
        ticks = [round(k * step, 2) for k in range(first, int(hi / step + 1e-9) + 1)]
        y0 = top + 20 + i * (ph + 60)
        cv.text(left, y0 - 14, f"{config} config / {mode}: patched/baseline iops (median)")
        cv.rect(left, y0, left + pw, y0 + ph, (245, 245, 245))
        for tick in ticks:
            ty = y0 + ph - int((tick - lo) / (hi - lo) * ph)
            cv.rect(left, ty, left + pw, ty + 1, (0, 0, 0) if tick == 1.0 else (200, 200, 200))
            cv.text(10, ty - 3, f"{tick:.2f}")
        x = left + gap
        for rw, qd, jobs in wl:
            for target in TARGETS:
                r = next((r for r in rows if r["config"] == config and r["mode"] == mode
                          and r["rw"] == rw and r["iodepth"] == qd and r["jobs"] == jobs
                          and r["target"] == target), None)
                v = r["patched_over_baseline"] if r else None
                if v is not None:
                    v = min(max(v, lo), hi)
                    base = y0 + ph - int((1.0 - lo) / (hi - lo) * ph)
                    vy = y0 + ph - int((v - lo) / (hi - lo) * ph)
                    cv.rect(x, min(base, vy), x + bar - 1, max(base, vy) + 1, COLORS[target])
                x += bar
            label = f"{'r' if rw == 'randread' else 'w'}{qd}j{jobs}"
            cv.text(x - len(TARGETS) * bar, y0 + ph + 4, label)
            x += gap
    lx = left
    ly = cv.h - 18
    for target in TARGETS:
        cv.rect(lx, ly, lx + 10, ly + 8, COLORS[target])
        cv.text(lx + 14, ly, SHORT[target])
        lx += 14 + 6 * len(SHORT[target]) + 16
    path.write_bytes(cv.png())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--dry-run", action="store_true",
                    help="print the table, write nothing (e.g. for dev/bench-results/*)")
    args = ap.parse_args()
    runs, kunit, failures = parse_logs(args.out)
    if runs:
        sel, heads = kunit_table(kunit)
    else:
        runs, sel, heads, json_failures = load_json(args.out)
        failures += json_failures
    if not runs:
        print(f"benchreport: no MPBENCH results in {args.out}", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    order = ordered([r["config"] for r in runs], CONFIGS)
    runs.sort(key=lambda r: order.index(r["config"]))  # stable: logs stay in name order
    rows = summarise(runs)
    sizes, size_vals = head_sizes(args.out)
    reps = max(r["rep"] for r in runs)
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "command": args.command, "reps": reps,
            "configs": ordered([r["config"] for r in runs], CONFIGS)}
    md = markdown(rows, sel, heads, sizes, meta, failures)
    print(md)
    if args.dry_run:
        return 1 if failures else 0
    (args.out / "results.json").write_text(json.dumps({
        "meta": meta, "runs": runs, "summary": rows,
        "selection_ns": [{"config": c, "mode": m, "policy": p, "paths": n, "ns": v}
                         for (c, m, p, n), v in sorted(sel.items())],
        "head": heads, "sizes": size_vals, "failures": failures}, indent=1) + "\n")
    with open(args.out / "results.csv", "w") as f:
        f.write("config,mode,kernel,rep,target,rw,iodepth,jobs,iops,p99_us,errors\n")
        for r in runs:
            p99 = "" if r["p99_us"] is None else f"{r['p99_us']:.2f}"
            f.write(f"{r['config']},{r['mode']},{r['kernel']},{r['rep']},{r['target']},{r['rw']},"
                    f"{r['iodepth']},{r['jobs']},{r['iops']:.1f},{p99},{r['errors']}\n")
    chart(rows, args.out / "chart.png", f"make bench {meta['date']}")
    (args.out / "table.md").write_text(md)
    print(f"written: {args.out}/results.json results.csv chart.png table.md")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
