#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make insnprof report: guest instructions per I/O, per function, on the
stock kernel (C NVMe multipath) and the patched one (Rust libmultipath).

Usage: report.py OUTDIR
OUTDIR (out/insnprof/<stamp>) has one run directory per kernel, baseline/
and patched/, each with the console log (log) and the plugin's snapshots
(prof.N, see dev/insnprof/plugin.c); the report goes to OUTDIR/report.txt
and to stdout.  Snapshots may be gzip'd (prof.N.gz).

The guest (dev/insnprof/guest.sh) runs, per target, fio with N1 and then
N2 I/Os, each run between two sync calls, so snapshots 4t..4t+3 bracket
target t's runs.  Per I/O, each translation block ran
((s3 - s2) - (s1 - s0)) / (N2 - N1) times, which cancels what does not
scale with the I/O count (fio start-up, the sync calls); its instructions
go to the symbol holding its start address (the guest's /proc/kallsyms,
printed after the runs: nvme_core is reloaded for the nomultipath target).
"""
import bisect
import collections
import gzip
import os
import re
import shutil
import subprocess
import sys

KERNELS = (('baseline', 'stock'), ('patched', 'patched'))
NOMP = 'nomultipath'
QEMU = 'qemu-'


def nomp_for(target):
    """The target without multipath that TARGET's head overhead is against."""
    return QEMU + NOMP if target.startswith(QEMU) else NOMP


# The functions of the I/O path that multipath adds to or changes: the
# head's submission and path selection (C and Rust), the bio layer it
# goes through once more, and I/O accounting on the head.
MPATH_FUNCS = re.compile(
    r'^(nvme_ns_head_submit_bio|nvme_find_path|__srcu_read_(un)?lock'
    r'|mpath_.*|rust_helper_.*|nvme_mpath_.*|bio_split_to_limits'
    r'|submit_bio_noacct.*|submit_bio_remapped|__submit_bio|blk_try_enter_queue'
    r'|bdev_(start|end)_io_acct)$')
# The multipath layer's own code: the head's submission and path selection,
# with the calls it makes into helpers and SRCU, but not the block layer.
OWN_FUNCS = re.compile(
    r'^(nvme_ns_head_submit_bio|nvme_find_path|__srcu_read_(un)?lock'
    r'|mpath_.*|rust_helper_.*)$')
# Code of the Rust multipath crate (v0 mangling, crate root "9multipath").
RUST_MPATH = re.compile(r'^_R.*C(s[0-9a-zA-Z]*_)?9multipath')

# Scheduler and idle functions: at queue depth 1 each I/O sleeps and wakes
# the fio thread, and how much of that the scheduler does varies by
# hundreds of instructions per I/O between boots.  Never summed.  (Not
# the block layer's I/O scheduler, blk_mq_sched_*: that one is steady.)
SCHED_IDLE = re.compile(
    r'(?<!mq_)sched|switch_to|switch_mm|wake|ttwu|enqueue|dequeue|_entity|load_avg'
    r'|update_curr|update_se|pick_(next|task)|_task_(fair|idle|dl|rt|stop)'
    r'|vruntime|idle|dl_server|rq_clock|ct_(kernel|nmi|idle)|preempt'
    r'|_wait|wait_event|context_switch|resched|place_entity|eevdf'
    r'|protect_slice|tick')


# --- Rust v0 symbol names, the simple cases --------------------------------

class _Demangler:
    """Nested paths (crate roots C, nested paths N, closures, backrefs B):
    _RNvNtCs..._9multipath5paths4find -> multipath::paths::find.  Generic
    and impl paths raise ValueError; the caller falls back to c++filt."""

    B62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

    def __init__(self, sym):
        self.s = sym
        self.i = 2

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ''

    def take(self):
        c = self.peek()
        if not c:
            raise ValueError('end of symbol')
        self.i += 1
        return c

    def base62(self):
        # "_" is 0, "x_" is x + 1
        n, digits = 0, False
        while True:
            c = self.take()
            if c == '_':
                return n + 1 if digits else 0
            n = n * 62 + self.B62.index(c)
            digits = True

    def disambiguator(self):
        if self.peek() == 's':
            self.i += 1
            return self.base62() + 1
        return 0

    def ident(self):
        self.disambiguator()
        if self.peek() == 'u':
            raise ValueError('punycode')
        start = self.i
        while self.peek().isdigit():
            self.i += 1
        if start == self.i:
            raise ValueError('identifier length')
        n = int(self.s[start:self.i])
        if self.peek() == '_':
            self.i += 1
        name = self.s[self.i:self.i + n]
        self.i += n
        return name

    def path(self):
        c = self.take()
        if c == 'C':
            return self.ident()
        if c == 'N':
            ns = self.take()
            parent = self.path()
            disamb = self.disambiguator()
            name = self.ident()
            if ns.isupper():
                kind = {'C': 'closure', 'S': 'shim'}.get(ns, ns)
                return '%s::{%s#%d}' % (parent, kind, disamb)
            return '%s::%s' % (parent, name)
        if c == 'B':
            at = 2 + self.base62()      # counted from after "_R"
            saved, self.i = self.i, at
            try:
                return self.path()
            finally:
                self.i = saved
        raise ValueError('path kind %r' % c)

    def demangle(self):
        if not self.s.startswith('_R'):
            raise ValueError('not v0')
        while self.peek().isdigit():    # encoding version
            self.i += 1
        return self.path()              # the instantiating crate is dropped


def demangle(names):
    """Map each Rust v0 name in names to a readable one."""
    out, hard = {}, []
    for n in names:
        if not n.startswith('_R'):
            continue
        try:
            out[n] = _Demangler(n.split('.')[0]).demangle()
        except (ValueError, IndexError):
            hard.append(n)
    if hard and shutil.which('c++filt'):
        res = subprocess.run(['c++filt'], input='\n'.join(hard) + '\n',
                             capture_output=True, text=True, check=False)
        for n, d in zip(hard, res.stdout.splitlines()):
            if d != n:
                out[n] = re.sub(r'\[[0-9a-f]{16}\]', '', d)
    return out


# --- Runs --------------------------------------------------------------------

def die(msg):
    sys.exit('report.py: error: %s' % msg)


def parse_log(path):
    """The fio runs [(target, ios)] and the symbol dumps [(runs before it,
    [(addr, name)])] of a console log."""
    runs, dumps, cur = [], [], None
    run_re = re.compile(r'MPPROF run (\S+) (\d+)')
    sym_re = re.compile(r'MPPROF ksym ([0-9a-f]+) [tT] (\S+)')
    with open(path, errors='replace') as f:
        for line in f:
            m = run_re.search(line)
            if m:
                runs.append((m.group(1), int(m.group(2))))
                cur = None
                continue
            m = sym_re.search(line)
            if m:
                if cur is None:
                    cur = []
                    dumps.append((len(runs), cur))
                cur.append((int(m.group(1), 16), m.group(2)))
    return runs, dumps


def read_snapshot(path):
    counts = {}
    with (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)) as f:
        for line in f:
            vaddr, n, count = line.split()
            counts[(int(vaddr, 16), int(n))] = int(count)
    return counts


class Symbols:
    def __init__(self, syms):
        # One name per address: prefer a name of interest, else the first.
        by_addr = {}
        for addr, name in syms:
            if addr not in by_addr or (interesting(name) and
                                       not interesting(by_addr[addr])):
                by_addr[addr] = name
        self.addrs = sorted(by_addr)
        self.names = [by_addr[a] for a in self.addrs]

    def lookup(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else '?'


def interesting(name):
    return bool(MPATH_FUNCS.match(name) or RUST_MPATH.match(name))


def profile(rundir):
    """{target: (ios1, ios2, {function: instructions per I/O})}"""
    log = os.path.join(rundir, 'log')
    if not os.path.exists(log):
        die('no console log %s' % log)
    runs, dumps = parse_log(log)
    if len(runs) % 2 or not runs:
        die('%s: %d fio runs, want two per target' % (log, len(runs)))
    res = collections.OrderedDict()
    for t in range(len(runs) // 2):
        (target, n1), (target2, n2) = runs[2 * t], runs[2 * t + 1]
        if target != target2 or n2 <= n1:
            die('%s: runs %d and %d are %s %d and %s %d' %
                (log, 2 * t, 2 * t + 1, target, n1, target2, n2))
        syms = next((s for after, s in dumps if after >= 2 * t + 2), None)
        if syms is None:
            die('%s: no kallsyms dump after the %s runs' % (log, target))
        syms = Symbols(syms)
        snaps = []
        for j in range(4):
            p = os.path.join(rundir, 'prof.%d' % (4 * t + j))
            if not os.path.exists(p) and os.path.exists(p + '.gz'):
                p += '.gz'
            if not os.path.exists(p):
                die('missing snapshot %s' % p)
            snaps.append(read_snapshot(p))
        per = collections.Counter()
        for key in set(snaps[3]) | set(snaps[1]):
            runs_diff = ((snaps[3].get(key, 0) - snaps[2].get(key, 0)) -
                         (snaps[1].get(key, 0) - snaps[0].get(key, 0)))
            if runs_diff:
                per[syms.lookup(key[0])] += runs_diff * key[1] / (n2 - n1)
        res[target] = (n1, n2, per)
    return res


# --- Report ------------------------------------------------------------------

def fmt(v):
    """A count per I/O; '-' for a function that did not run."""
    return '%9s' % '-' if v is None or abs(v) < 0.05 else '%9.1f' % v


def report(outdir):
    prof = {}
    for kdir, label in KERNELS:
        prof[label] = profile(os.path.join(outdir, kdir))
    targets = list(prof[KERNELS[0][1]])
    for kdir, label in KERNELS:
        if list(prof[label]) != targets:
            die('the runs differ: %s has %s, %s has %s' % (
                KERNELS[0][0], ', '.join(targets), kdir,
                ', '.join(prof[label])))
    if NOMP not in targets:
        die('no %s target' % NOMP)
    policies = [t for t in targets if t not in (NOMP, QEMU + NOMP)]
    for t in policies:
        if nomp_for(t) not in targets:
            die('no %s target for %s' % (nomp_for(t), t))
    labels = [label for _, label in KERNELS]
    names = set()
    for label in labels:
        for _, _, per in prof[label].values():
            names |= set(per)
    readable = demangle(names)

    def show(name):
        return readable.get(name, name)

    def counted(name):
        return interesting(name) and not SCHED_IDLE.search(name)

    n1, n2, _ = prof[labels[0]][targets[0]]
    lines = []
    out = lines.append
    out('make insnprof: guest instructions per 4 KiB random read at queue '
        'depth 1 (fio, io_uring)')
    out('nvmet-loop on null_blk, head with two optimized paths (POLICY@P: P '
        'paths, port 1 inaccessible,')
    out('ports 2 to P/2 non-optimized, the others optimized); qemu-*: QEMU '
        'NVMe, two PCIe controllers,')
    out('one shared namespace on a null-co drive; QEMU TCG, one vCPU, '
        'instruction-counting plugin')
    out('stock = unpatched 7.3.4 (C NVMe multipath); patched = the series '
        '(Rust libmultipath)')
    out('per I/O = (run of %d I/Os - run of %d I/Os) / %d, per function '
        '(symbol holding each translation block\'s start)' %
        (n2, n1, n2 - n1))
    out('Scheduler and idle functions vary by hundreds of instructions per '
        'I/O between boots')
    out('at queue depth 1: they are excluded from every sum below, and the '
        'all-kernel totals are noisy.')
    out('')
    out('(a) multipath-path functions per I/O (submission, path selection, '
        'bio layer, head accounting)')
    for target in targets:
        per = {label: prof[label][target][2] for label in labels}
        rows = set()
        for label in labels:
            rows |= {k for k, v in per[label].items()
                     if counted(k) and abs(v) >= 0.5}
        rows = sorted(rows, key=lambda k: (-max(abs(per[l].get(k, 0))
                                                 for l in labels), show(k)))
        out('')
        out('  %-52s %9s %9s' % (target, *labels))
        for k in rows:
            out('    %-50s %s' % (show(k)[:50], ' '.join(
                fmt(per[l].get(k)) for l in labels)))
        out('    %-50s %s' % ('sum', ' '.join(
            fmt(sum(v for k, v in per[l].items() if counted(k)))
            for l in labels)))
        out('    %-50s %s' % ('all kernel code (noisy)', ' '.join(
            fmt(sum(per[l].values())) for l in labels)))
        out('    %-50s %s' % ('all kernel code but scheduler/idle (noisy)', ' '.join(
            fmt(sum(v for k, v in per[l].items() if not SCHED_IDLE.search(k)))
            for l in labels)))
    out('')
    out('(b) head overhead per I/O: sum over the functions of (a) of '
        '(through the head - nomultipath)')
    out('')
    out('  %-16s %9s %9s %14s' % ('target', *labels, 'patched/stock'))
    for policy in policies:
        over = {}
        for label in labels:
            head = prof[label][policy][2]
            nomp = prof[label][nomp_for(policy)][2]
            over[label] = sum(head.get(k, 0) - nomp.get(k, 0)
                              for k in set(head) | set(nomp) if counted(k))
        ratio = over['patched'] / over['stock'] if over['stock'] else 0
        out('  %-16s %s %14.2f' % (policy, ' '.join(fmt(over[l])
                                                  for l in labels), ratio))
    out('')
    out("(c) the multipath layer's own code per I/O: head submission and path "
        'selection with the helper')
    out('    and SRCU calls they make (stock: nvme_ns_head_submit_bio, '
        'nvme_find_path, __srcu_read_*;')
    out('    patched: mpath_*, the multipath crate, rust_helper_*)')
    out('')
    out('  %-16s %9s %9s %14s' % ('target', *labels, 'patched/stock'))
    for policy in policies:
        own = {label: sum(v for k, v in prof[label][policy][2].items()
                          if OWN_FUNCS.match(k) or RUST_MPATH.match(k))
               for label in labels}
        ratio = own['patched'] / own['stock'] if own['stock'] else 0
        out('  %-16s %s %14.2f' % (policy, ' '.join(fmt(own[l])
                                                  for l in labels), ratio))
    text = '\n'.join(lines) + '\n'
    with open(os.path.join(outdir, 'report.txt'), 'w') as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: report.py OUTDIR (with baseline/ and patched/ runs)')
    report(sys.argv[1])
