# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scenarios.  Results are printed as
#   MPTEST ok <name>
#   MPTEST fail <name>: <reason>
# and collected by the host (run-qemu.sh).  Checks that only make sense
# with the series applied are named libmultipath_*; the harness leaves them
# out of the comparison with the unpatched kernel.

# Kernel reports that fail a check: warnings, BUGs (KASAN's among them),
# lockdep and RCU splats, oopses, CFI failures, Rust panics, hung tasks.
KLOG_SPLAT='WARNING:|BUG:|Oops|Kernel panic|UBSAN:|CFI failure|panicked at'
KLOG_SPLAT="$KLOG_SPLAT|general protection fault|INFO: task .* blocked"

ok() { echo "MPTEST ok $1"; }
fail() { echo "MPTEST fail $1: $2"; }

# baseline: true when booted as the unpatched kernel (mpkernel=baseline).
baseline() { grep -qw mpkernel=baseline /proc/cmdline; }

# check NAME COMMAND...: pass if COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "'$*' failed"; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# wait_for PATH [TENTHS]: wait until PATH exists (default 10 s).
wait_for() {
	n=${2:-100}
	while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ -e "$1" ]
}

# Completed reads of a block device (first field of its stat file).
reads() {
	set -- $(cat "/sys/block/$1/stat")
	echo "$1"
}

# read_through DEV COUNT PATH0 PATH1: read COUNT 4 KiB blocks from /dev/DEV
# with O_DIRECT and set d0 and d1 to the reads PATH0 and PATH1 completed.
read_through() {
	_b0=$(reads "$3")
	_b1=$(reads "$4")
	dd if="/dev/$1" of=/dev/null bs=4k count="$2" iflag=direct 2>/dev/null
	d0=$(($(reads "$3") - _b0))
	d1=$(($(reads "$4") - _b1))
}

# Completed writes of a block device (fifth field of its stat file).
writes() {
	set -- $(cat "/sys/block/$1/stat")
	echo "$5"
}

# hostrun PROGRAM ARGS...: run a host program from the read-only 9p share
# of the host's / with the host's loader and libraries (bookworm's fio).
HOSTLIBS=/host/lib/x86_64-linux-gnu:/host/usr/lib/x86_64-linux-gnu
HOSTLIBS=$HOSTLIBS:/host/usr/lib/x86_64-linux-gnu/ceph
hostrun() {
	_hostrun=/host$1
	shift
	/host/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path "$HOSTLIBS" \
		"$_hostrun" "$@"
}

# fio_verify NAME DEV LOOPS: write DEV's first 16 MiB in random order with
# crc32c verification of what was written, LOOPS times, in the background;
# fio's PID is in $fiopid and its output goes to /tmp/NAME.fio.
fio_verify() {
	hostrun /usr/bin/fio --name="$1" --filename="$2" --direct=1 --thread \
		--ioengine=psync --rw=randwrite --bs=4k --size=16M --loops="$3" \
		--verify=crc32c --verify_backlog=64 --verify_fatal=1 \
		--output="/tmp/$1.fio" >/dev/null 2>&1 &
	fiopid=$!
}

# fio_result NAME PREFIX: wait for fio, then check its exit status and that
# it reported no verify or I/O error.
fio_result() {
	wait "$fiopid"
	_st=$?
	expect_eq "$2_fio_exit_status" 0 "$_st"
	fio_no_errors "$2" "/tmp/$1.fio"
}

# fio_no_errors PREFIX FILE: check that fio's output FILE reports no
# verify or I/O error.
fio_no_errors() {
	if grep -qiE 'verify:|bad magic|crc32c: .* mismatch|err= *[1-9]' "$2"; then
		fail "$1_fio_no_errors" "$(grep -iE 'verify|err=' "$2" | head -3)"
	else
		ok "$1_fio_no_errors"
	fi
}

# soak_fio_done FILE: wait for a soak cycle's fio (output FILE) and add its
# failure, verify errors and I/O errors to the soak's counts.
soak_fio_done() {
	wait "$fiopid" || fio_failures=$((fio_failures + 1))
	_sv=$(grep -ciE 'verify:|bad magic|verify failed|mismatch' "$1")
	verify_errors=$((verify_errors + _sv))
	grep -qE 'err= *[1-9]' "$1" && io_errors=$((io_errors + 1))
	done_cycles=$((done_cycles + 1))
}

# soak_report TARGET PREFIX T0: the MPSOAK line of a soak that started at
# uptime T0, and its checks PREFIX_*; sets secs and warnings.
soak_report() {
	secs=$(($(cut -d. -f1 /proc/uptime) - $3))
	warnings=$(dmesg | grep -caE "$KLOG_SPLAT")
	echo "MPSOAK $1 cycles=$done_cycles verify_errors=$verify_errors" \
		"io_errors=$io_errors fio_failures=$fio_failures events_failed=$events_failed" \
		"kernel_warnings=$warnings seconds=$secs"
	expect_eq "$2_cycles_done" "$cycles" "$done_cycles"
	expect_eq "$2_verify_errors" 0 "$verify_errors"
	expect_eq "$2_io_errors" 0 "$io_errors"
	expect_eq "$2_fio_failures" 0 "$fio_failures"
	expect_eq "$2_events_completed" 0 "$events_failed"
	expect_eq "$2_kernel_warnings" 0 "$warnings"
}

# Print a line of the human report (make demo).
say() { echo "MPDEMO $*"; }

# wait_until TENTHS COMMAND...: poll until COMMAND succeeds.
wait_until() {
	_n=$1
	shift
	while ! "$@" && [ "$_n" -gt 0 ]; do
		sleep 0.1
		_n=$((_n - 1))
	done
	"$@"
}

# writes_above DEV N: DEV has completed more than N writes.
writes_above() { [ "$(writes "$1")" -gt "$2" ]; }

# heads: the SCSI multipath head disks (sd disks with a multipath/
# directory), sorted, on one line.
heads() {
	for _d in /sys/block/sd*; do
		[ -d "$_d/multipath" ] && echo "${_d##*/}"
	done | sort | tr '\n' ' ' | sed 's/ $//'
}

# no_heads_left: no SCSI multipath head disk exists.
no_heads_left() { [ -z "$(heads)" ]; }

# scsi_path_of H:C:T:L: the hidden path disk of the SCSI head $head whose
# member is the scsi_device H:C:T:L.
scsi_path_of() {
	for _p in /sys/block/$head/multipath/*; do
		case "$(readlink -f $_p/device)" in
		*/"$1") echo "${_p##*/}" ;;
		esac
	done
}

# access_is H:C:T:L STATE: the scsi_device's ALUA access state is STATE.
access_is() { [ "$(cat /sys/class/scsi_device/$1/device/access_state)" = "$2" ]; }

# wait_gone PATH [TENTHS]: wait until PATH no longer exists (default 10 s).
wait_gone() {
	n=${2:-100}
	while [ -e "$1" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ ! -e "$1" ]
}

# npaths HEAD: how many paths HEAD's multipath/ directory lists.
npaths() {
	ls "/sys/block/$1/multipath" 2>/dev/null | wc -l
}

# wait_npaths HEAD N [TENTHS]: wait until HEAD has N paths (default 15 s).
wait_npaths() {
	n=${3:-150}
	while [ "$(npaths "$1")" -ne "$2" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	npaths "$1"
}

# wait_live CTRL: wait (up to 20 s) until controller CTRL (nvmeN) is live,
# print its state.
wait_live() {
	n=200
	while [ "$(cat "/sys/class/nvme/$1/state" 2>/dev/null)" != live ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	cat "/sys/class/nvme/$1/state" 2>/dev/null
}

# nvme ARGS...: the host's nvme-cli (bookworm's 2.3), see hostrun.
NVME_CLI=/usr/sbin/nvme
nvme() { hostrun "$NVME_CLI" "$@"; }
have_nvme_cli() { [ -x "/host$NVME_CLI" ]; }

# cli_rw_check PREFIX NG BDEV: write 4 KiB at LBA 64 with "nvme write" on
# the head character device NG, read it back with "nvme read", and check
# both copies and what the head block device BDEV reads there.
cli_rw_check() {
	_lbs=$(cat "/sys/block/${3#/dev/}/queue/logical_block_size")
	_nlb=$((4096 / _lbs - 1))
	dd if=/dev/urandom of=/tmp/cli.in bs=4k count=1 2>/dev/null
	nvme write "$2" -s 64 -c "$_nlb" -z 4096 -d /tmp/cli.in >/tmp/cli.log 2>&1
	expect_eq "$1_nvme_cli_write_ng" 0 "$?"
	nvme read "$2" -s 64 -c "$_nlb" -z 4096 -d /tmp/cli.out >>/tmp/cli.log 2>&1
	expect_eq "$1_nvme_cli_read_ng" 0 "$?"
	check "$1_nvme_cli_read_matches_write" cmp -s /tmp/cli.in /tmp/cli.out
	dd if="$3" of=/tmp/cli.bdev bs=4096 skip=$((64 * _lbs / 4096)) count=1 \
		iflag=direct 2>/dev/null
	check "$1_nvme_cli_write_seen_by_head_bdev" cmp -s /tmp/cli.in /tmp/cli.bdev
}

# The host NQN and host ID of every fabrics connection of the tests.
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:0f01fb42-9f7f-4856-b0b3-51e60b8de349
HOSTID=${HOSTNQN##*:}

# subsys_dir: the sysfs directory of NVMe subsystem $NQN on the host side.
subsys_dir() {
	for s in /sys/class/nvme-subsystem/nvme-subsys*; do
		[ "$(cat "$s/subsysnqn" 2>/dev/null)" = "$NQN" ] && echo "$s"
	done
}

# connect P: connect to port P of subsystem $NQN over $TR (loop: port P,
# tcp: 127.0.0.1:4419+P) and print the new controller's name (nvmeN).
connect() {
	if [ "$TR" = tcp ]; then
		addr="traddr=127.0.0.1,trsvcid=$((4419 + $1))"
	else
		addr="traddr=$1"
	fi
	exec 3<>/dev/nvme-fabrics
	echo "transport=$TR,$addr,nqn=$NQN,hostnqn=$HOSTNQN,hostid=$HOSTID" >&3
	read -r r <&3
	exec 3>&-
	r=${r#instance=}
	echo "nvme${r%%,*}"
}

# refcnt: nvme_core's module reference count ("builtin" if built in).
refcnt() { cat /sys/module/nvme_core/refcnt 2>/dev/null || echo builtin; }
# settle_refcnt WANT: wait (up to 5 s) for the nvme_core refcount to reach
# WANT, which the delayed-removal work drops after the head is gone.
settle_refcnt() {
	n=0
	while [ "$(refcnt)" != "$1" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	refcnt
}
