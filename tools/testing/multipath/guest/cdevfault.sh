# SPDX-License-Identifier: GPL-2.0
# Adding an NVMe character device (ngXnY) fails: failslab fails the first
# slab allocation under cdev_device_add(), once for a namespace's device
# (nvme_core multipath=0) and once for a head's (multipath).  The
# reference nvme_cdev_add()'s caller took for the device's release must be
# dropped once: the head or namespace then outlives the failure and its
# removal reports nothing.  Needs failslab with the stack-trace filter (the
# debug kernel); reloads the NVMe host modules.
. /tests/lib.sh
. /tests/nvmet-single.sh

FS=/sys/kernel/debug/failslab

# sym_range NAME: the start and end address of function NAME.
sym_range() {
	sort /proc/kallsyms | awk -v f="$1" '
		s != "" && $1 != s { print "0x" s, "0x" $1; exit }
		$3 == f && s == "" { s = $1 }'
}

# arm_cdev_fault: fail the next slab allocation whose call chain passes
# through cdev_device_add(), and only that one, but not while a controller
# adds its own character device (nvme_add_ctrl()).
arm_cdev_fault() {
	set -- $(sym_range cdev_device_add) $(sym_range nvme_add_ctrl)
	[ $# = 4 ] || return 1
	echo "$1" > $FS/require-start
	echo "$2" > $FS/require-end
	echo "$3" > $FS/reject-start
	echo "$4" > $FS/reject-end
	echo N > $FS/ignore-gfp-wait
	echo N > $FS/task-filter
	echo 0 > $FS/space
	echo 1 > $FS/interval
	echo 2 > $FS/verbose
	echo 1 > $FS/times
	echo 100 > $FS/probability
}
disarm() { echo 0 > $FS/probability; }

# reports: what the kernel said about reference counts and memory since
# the mark MARK was written to the log.
reports() {
	dmesg | sed -n "/cdevfault: $1/,\$p" |
		grep -E 'refcount_t|KASAN|use-after-free|BUG:|WARNING:' | head -3
}
mark() { echo "cdevfault: $1" > /dev/kmsg; }

# fault_site MARK: the task and call chain, innermost first, of the
# failure failslab forced since MARK (verbose=2 dumps the stack).
fault_site() {
	dmesg | sed -n "/cdevfault: $1/,\$p" |
		sed -n '/FAULT_INJECTION: forcing a failure/,/<\/TASK>/p' |
		grep -oE 'Comm: [^ ]+|[A-Za-z_][A-Za-z_0-9.]*\+0x' | sed 's/+0x$//' |
		tr '\n' ' '
}

# expect_fault_in NAME MARK FUNCTION: the failure forced since MARK was
# one under FUNCTION, which tells a fault that hit elsewhere from one
# whose error went unnoticed.
expect_fault_in() {
	_site=$(fault_site "$2")
	case " $_site" in
	*" $3 "*) ok "$1" ;;
	*) fail "$1" "no forced failure under $3; forced: ${_site:-none}" ;;
	esac
}

# failures: how many "Unable to create" lines the log has.
failures() { dmesg | grep -c 'Unable to create the ng'; }

# wait_cdev_attempt DEV N0: wait (up to 10 s) until the character device
# of disk DEV exists or a failure beyond N0 was logged.  The disk shows in
# sysfs before its character device is added (nvme_alloc_ns() and
# nvme_mpath_set_live() add the disk first), so the fault stays armed
# until the add has been tried.
wait_cdev_attempt() {
	n=100
	while [ ! -e "/sys/class/nvme-generic/ng${1#nvme}" ] &&
		[ "$(failures)" -le "$2" ] && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
}

if [ ! -e $FS/require-start ]; then
	fail cdevfault_failslab \
		"no $FS/require-start: needs FAILSLAB and FAULT_INJECTION_STACKTRACE_FILTER"
	exit 0
fi
# reload_nvme [PARAM]: the NVMe host modules afresh, nvme_core with PARAM;
# with the target down (an enabled loop port holds nvme_loop), and up again
# after.  A controller being deleted holds its transport for a moment.
reload_nvme() {
	n=0
	while [ -e /sys/module/nvme_core ] && [ $n -lt 50 ]; do
		for m in nvme_loop nvme_tcp nvme_fabrics nvme nvme_core; do
			[ -e "/sys/module/$m" ] && rmmod "$m" 2>/dev/null
		done
		[ -e /sys/module/nvme_core ] && sleep 0.1
		n=$((n + 1))
	done
	[ ! -e /sys/module/nvme_core ] && modprobe nvme_core "$@" && modprobe nvme-loop
}
# nvme_modules: the loaded NVMe modules, for error messages.
nvme_modules() { lsmod | grep nvme | tr '\n' ' '; }
# reload_target [PARAM]: reload_nvme PARAM around target_down/target_up.
reload_target() {
	if [ -n "${L:-}" ]; then
		target_down
		L=
	fi
	reload_nvme "$@" || return 1
	target_up
}
# delete_ctrl CTRL: delete a controller and wait until it is gone.
delete_ctrl() {
	echo 1 > "/sys/class/nvme/$1/delete_controller"
	wait_gone "/sys/class/nvme/$1"
}

if ! modprobe nvmet; then
	fail cdevfault_modules "cannot load nvmet"
	exit 0
fi

# fault_case ns|head: connect with the fault armed; the namespace's (ns,
# nvme_core multipath=0) or the head's disk must come without its
# character device, be readable, and go away without a report.
fault_case() {
	p=cdevfault_$1
	mark "$1"
	n0=$(failures)
	check "${p}_armed" arm_cdev_fault
	ctrl=$(connect 9)
	if [ "$1" = ns ]; then dev=$(wait_ctrl_ns "$ctrl"); else dev=$(wait_head); fi
	[ -n "$dev" ] && wait_cdev_attempt "$dev" "$n0"
	disarm
	check "${p}_disk_added" test -n "$dev"
	expect_fault_in "${p}_fault_in_cdev_add" "$1" nvme_cdev_add
	expect_eq "${p}_cdev_error_logged" $((n0 + 1)) "$(failures)"
	check "${p}_without_cdev" test ! -e "/dev/ng${dev#nvme}"
	check "${p}_readable" dd if="/dev/$dev" of=/dev/null bs=4k count=16 iflag=direct
	delete_ctrl "$ctrl"
	wait_gone "/sys/block/$dev"
	check "${p}_removed" test ! -e "/sys/block/$dev"
	expect_eq "${p}_no_report" "" "$(reports "$1")"
}

if reload_target multipath=0 &&
	[ "$(cat /sys/module/nvme_core/parameters/multipath)" = N ]; then
	fault_case ns
else
	fail cdevfault_ns_modules "cannot reload nvme_core with multipath=0: $(nvme_modules)"
fi

# The head's character device.
if ! reload_target || [ "$(cat /sys/module/nvme_core/parameters/multipath)" != Y ]; then
	fail cdevfault_head_modules "cannot reload nvme_core with multipath=1: $(nvme_modules)"
	[ -n "${L:-}" ] && target_down
	exit 0
fi
fault_case head
# Without the fault the same subsystem gets its character device again.
ctrl=$(connect 9)
head=$(wait_head)
check cdevfault_head_cdev_after_fault wait_for "/dev/ng${head#nvme}"
delete_ctrl "$ctrl"
target_down
