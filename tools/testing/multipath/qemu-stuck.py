#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where is a stuck guest?  Ask QEMU's monitor, from the host.

usage: qemu-stuck.py MONITOR_SOCKET [SYSTEM_MAP]

run-qemu.sh calls this shortly before its timeout.  A guest stuck before
init (no console output at loglevel=4, no sysrq from init's watchdog) can
only be seen from outside: for each vCPU this prints the instruction
pointer and the kernel text addresses found on its stack (a rough
backtrace: stale return addresses included), named from System.map.
"""

import bisect
import re
import socket
import sys

PROMPT = b"(qemu) "


class Monitor:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self._read_to_prompt()

    def _read_to_prompt(self):
        buf = b""
        while not buf.endswith(PROMPT):
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        return buf

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        out = self._read_to_prompt().decode(errors="replace")
        # Drop the echoed command (with its terminal escapes) and the prompt.
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
        lines = out.split("\n")
        return "\n".join(lines[1:-1])


def load_map(path):
    addrs, names = [], []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[1] in "tTwW":
                    addrs.append(int(parts[0], 16))
                    names.append(parts[2])
    except OSError:
        pass
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    return [addrs[i] for i in order], [names[i] for i in order]


def name(symmap, addr):
    addrs, names = symmap
    i = bisect.bisect_right(addrs, addr) - 1
    if i < 0 or not addrs or addr - addrs[i] > 0x100000:
        return None
    return "%s+0x%x" % (names[i], addr - addrs[i])


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    symmap = load_map(sys.argv[2]) if len(sys.argv) > 2 else ([], [])
    mon = Monitor(sys.argv[1])
    regs = mon.cmd("info registers -a")
    cpus = re.split(r"\n(?=CPU#\d+)", regs)
    for block in cpus:
        m = re.search(r"CPU#(\d+)", block)
        rip = re.search(r"RIP=([0-9a-f]+)", block)
        rsp = re.search(r"RSP=([0-9a-f]+)", block)
        if not (m and rip and rsp):
            continue
        cpu = m.group(1)
        ip = int(rip.group(1), 16)
        print("vCPU %s: RIP %016x %s" % (cpu, ip, name(symmap, ip) or "(not kernel text)"))
        halted = re.search(r"HLT=(\d)", block)
        if halted:
            print("vCPU %s: HLT=%s" % (cpu, halted.group(1)))
        mon.cmd("cpu %s" % cpu)
        words = mon.cmd("x/96gx 0x%s" % rsp.group(1))
        for val in re.findall(r"0x([0-9a-f]{16})", words):
            sym = name(symmap, int(val, 16))
            if sym:
                print("vCPU %s:   stack %s %s" % (cpu, val, sym))


if __name__ == "__main__":
    main()
