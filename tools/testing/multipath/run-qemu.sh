#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under QEMU (TCG only) with the multipath test topologies and
# run guest scenarios.  Prints the guest's MPTEST/MPDEMO/KTAP lines to the
# log file and exits 0 only if the guest finished and reported no failure.
#
# Usage: run-qemu.sh -k bzImage -i initrd.gz -t kunit,qemunvme,scsidebug
#                    -l console.log [-T timeout_s] [-B boot_timeout_s]
#                    [-a "extra cmdline"] [-m test|wall|icount]
#
# Machine (-m):
#   test    (default) q35, two vCPUs in two NUMA nodes; one nvme-subsys
#           with two controllers (same serial) on hot-pluggable root ports
#           sharing one namespace.
#   wall    the same without the NVMe devices (make bench).
#   icount  one vCPU, one node, no NVMe devices, -icount shift=0,sleep=off:
#           guest time counts guest instructions (make bench's
#           deterministic mode).
set -euo pipefail

kernel= initrd= tests= log= timeout=300 boot_timeout=300 append= machine=test
while getopts k:i:t:l:T:B:a:m: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	t) tests=$OPTARG ;;
	l) log=$OPTARG ;;
	T) timeout=$OPTARG ;;
	B) boot_timeout=$OPTARG ;;
	a) append=$OPTARG ;;
	m) machine=$OPTARG ;;
	*) exit 2 ;;
	esac
done
[ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$tests" ] && [ -n "$log" ] || {
	echo "usage: $0 -k bzImage -i initrd -t tests -l log [-T timeout]" \
		"[-B boot_timeout] [-a append] [-m test|wall|icount]" >&2
	exit 2
}
QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null || {
	echo "$0: $QEMU not found (Debian: apt-get install qemu-system-x86)" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
truncate -s 64M "$work/ns1.img"
two_nodes=(-smp 2
	-object memory-backend-ram,id=m0,size=512M
	-object memory-backend-ram,id=m1,size=512M
	-numa node,nodeid=0,cpus=0,memdev=m0
	-numa node,nodeid=1,cpus=1,memdev=m1)
nvme_devs=(-drive "file=$work/ns1.img,if=none,id=nvm1,format=raw"
	-device nvme-subsys,id=subsys0,nqn=mpath-test
	-device pcie-root-port,id=rp1,chassis=1,slot=1
	-device pcie-root-port,id=rp2,chassis=2,slot=2
	-device nvme,id=ctrl0,serial=MPATH0001,subsys=subsys0,bus=rp1
	-device nvme,id=ctrl1,serial=MPATH0001,subsys=subsys0,bus=rp2
	-device nvme-ns,drive=nvm1,nsid=1,shared=on,bus=ctrl0)
case $machine in
test) machine_args=("${two_nodes[@]}" "${nvme_devs[@]}") ;;
wall) machine_args=("${two_nodes[@]}") ;;
icount) machine_args=(-smp 1 -icount shift=0,sleep=off) ;;
*) echo "$0: unknown machine '$machine' (test, wall or icount)" >&2; exit 2 ;;
esac

# pcie_ports=compat: no PCIe port services; the tests remove and rescan
# devices through sysfs and need no native hotplug, and the root ports'
# bandwidth-notification interrupt once shared a line declared stuck
# ("irq N: nobody cared") with the NVMe controllers, before the test config
# had MSI.
# log_buf_len: the guest's init reads the kernel log after each scenario
# for warnings (loglevel=4 keeps them off the console); 4 MiB does not wrap
# in a scenario.
cmdline="console=ttyS0 panic=-1 oops=panic loglevel=4 log_buf_len=4M pcie_ports=compat"
# The guest dumps its blocked tasks shortly before the timeout (init);
# not under icount, where guest time does not follow the host's.
watchdog=$((timeout > 120 ? timeout - 60 : timeout / 2))
[ "$machine" = icount ] || append="mpwatchdog=$watchdog $append"
# A guest stuck before init prints nothing at loglevel=4 and has no
# watchdog of its own.  The host watches: if init has not started after
# boot_timeout seconds (a debug kernel reaches it in about 30 s here), or
# 20 s before the timeout, it asks QEMU's monitor where each vCPU is
# (qemu-stuck.py, symbols from the build's System.map); a guest that never
# reached init is stopped there.  (Its first line, "MPTEST begin", follows
# the console's terminal reset on the same line: not anchored.)
monitor=$work/monitor.sock
stuck() {
	python3 "$(dirname "$0")/qemu-stuck.py" "$monitor" \
		"$(dirname "$kernel")/../../../System.map" > "$work/stuck.txt" 2>&1 || true
}
timeout --kill-after=10 "$timeout" "$QEMU" \
	-accel tcg -cpu max -machine q35 -m 1G -nographic -no-reboot \
	-monitor "unix:$monitor,server=on,wait=off" \
	"${machine_args[@]}" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline mtest=$tests $append" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	</dev/null >"$log" 2>&1 &
qemu_pid=$!
(
	start=$SECONDS
	while kill -0 "$qemu_pid" 2>/dev/null; do
		t=$((SECONDS - start))
		if [ "$t" -ge "$boot_timeout" ] && ! grep -qa 'MPTEST begin' "$log"; then
			stuck
			touch "$work/no-init"
			kill "$qemu_pid"
			exit
		fi
		if [ "$t" -ge $((timeout - 20)) ]; then
			stuck
			exit
		fi
		sleep 5
	done
) &
watch_pid=$!
rc=0
wait "$qemu_pid" || rc=$?
kill "$watch_pid" 2>/dev/null || true
wait "$watch_pid" 2>/dev/null || true

if [ -e "$work/no-init" ] || [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	if [ -s "$work/stuck.txt" ]; then
		echo "MPSTUCK where the vCPUs were (qemu-stuck.py):"
		sed 's/^/MPSTUCK /' "$work/stuck.txt"
	fi >> "$log"
	if [ -e "$work/no-init" ]; then
		echo "MPTEST fail qemu: guest did not start init within ${boot_timeout}s" >> "$log"
	else
		echo "MPTEST fail qemu: guest did not finish within ${timeout}s" >> "$log"
	fi
	exit 1
fi
if ! grep -q '^MPTEST done' "$log"; then
	echo "MPTEST fail qemu: guest stopped before the end (qemu exit $rc)" >> "$log"
	exit 1
fi
! grep -q '^MPTEST fail' "$log"
