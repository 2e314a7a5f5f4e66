#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report of PROF_SCSI=1 make insnprof: what the native SCSI head adds per
I/O over one path's plain sd disk, per function.

OUTDIR/baseline holds the boot with scsi_mod multipath=off (fio on the
plain disk), OUTDIR/patched the boot with multipath=on (fio on the head),
both of the patched kernel; each has the targets numa, round-robin and
queue-depth (the plain disk runs the same workload under each name).  The
report goes to OUTDIR/report.txt: per policy, the functions whose
instructions per I/O differ by at least MIN between the two, the sum of
those differences without the scheduler and idle functions (which vary
by hundreds of instructions per I/O between boots at queue depth 1), and
the all-kernel totals.

Usage: report-scsi.py OUTDIR [MIN]  (MIN default 3)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (dev/insnprof/report.py)


def main(outdir, least):
    plain = report.profile(os.path.join(outdir, 'baseline'))
    head = report.profile(os.path.join(outdir, 'patched'))
    if list(plain) != list(head):
        report.die('the runs differ: plain %s, head %s' %
                   (', '.join(plain), ', '.join(head)))
    names = set()
    for prof in (plain, head):
        for _, _, per in prof.values():
            names |= set(per)
    readable = report.demangle(names)
    lines = []
    out = lines.append
    n1, n2, _ = plain[next(iter(plain))]
    out('PROF_SCSI=1 make insnprof: guest instructions per 4 KiB random read '
        'at queue depth 1 (fio, io_uring)')
    out('scsi_debug LU (delay=0), two active/optimized paths; plain = one '
        "path's sd disk, scsi_mod multipath=off;")
    out('head = the native head, multipath=on; same patched kernel; per I/O '
        '= (run of %d - run of %d) / %d' % (n2, n1, n2 - n1))
    out('Scheduler and idle functions (report.py SCHED_IDLE) are left out of '
        'the sums: they vary between boots.')
    for target in plain:
        p, h = plain[target][2], head[target][2]
        diff = {k: h.get(k, 0) - p.get(k, 0) for k in set(p) | set(h)}
        rows = sorted((k for k, v in diff.items()
                       if abs(v) >= least and not report.SCHED_IDLE.search(k)),
                      key=lambda k: -abs(diff[k]))
        out('')
        out('  %-52s %9s %9s %9s' % (target, 'plain', 'head', 'head-plain'))
        for k in rows:
            out('    %-50s %s %s %s' % (readable.get(k, k)[:50],
                                       report.fmt(p.get(k)), report.fmt(h.get(k)),
                                       report.fmt(diff[k])))
        quiet = [k for k in diff if not report.SCHED_IDLE.search(k)]
        out('    %-50s %9s %9s %s' % ('sum of all differences but scheduler/idle',
                                      '', '', report.fmt(sum(diff[k] for k in quiet))))
        out('    %-50s %s %s %s' % ('all kernel code (noisy)',
                                   report.fmt(sum(p.values())),
                                   report.fmt(sum(h.values())),
                                   report.fmt(sum(h.values()) - sum(p.values()))))
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(outdir, 'report.txt'), 'w') as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == '__main__':
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: report-scsi.py OUTDIR [MIN]')
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 3.0)
