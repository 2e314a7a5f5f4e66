# SPDX-License-Identifier: GPL-2.0
# SCSI soak (scsi_mod multipath=on): cycles of path events, each under a
# fio verify pass through a native SCSI multipath head, on two targets:
#   lio    the LIO topology of lio.sh; events: an ALUA flip (the other
#          group becomes optimized), the optimized path offline and back
#          online, and a port's LU taken away and given back (the path
#          leaves the head and joins it again), alternating ports;
#   debug  scsi_debug, one LU through two hosts (host 0 optimized, host 1
#          non-optimized); events: a host added and removed (a third path
#          joins and leaves), a transport error on the optimized path
#          (failover, then reinstatement by TEST UNIT READY), and the
#          optimized path offline and back online.
# Every three cycles the I/O policy changes (numa, round-robin,
# queue-depth), so that 9 cycles see every event under every policy.
# mpcycles=N on the kernel command line sets the cycles per target
# (default 10).  Reports one MPSOAK line per target; the harness also
# fails the boot on any kernel warning in the console log.
. /tests/lib.sh
. /tests/lio.sh

cycles=10
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpcycles=*) cycles=${arg#mpcycles=} ;;
	esac
done
if [ ! -x /host/usr/bin/fio ]; then
	fail soak_scsi_host_fio_visible "no /host/usr/bin/fio (9p share of the host's /)"
	exit 0
fi

sdev_state() { echo "$2" > "/sys/class/scsi_device/$1/device/state"; }
# offline_online MEMBER: the member goes offline for a second, then runs.
offline_online() {
	sdev_state "$1" offline
	sleep 1
	sdev_state "$1" running
	[ "$(cat /sys/class/scsi_device/$1/device/state)" = running ]
}
# carries_reads PATH: a read through the head goes down PATH.
carries_reads() {
	_r=$(reads "$1")
	dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
	[ "$(reads "$1")" -gt "$_r" ]
}

# soak TARGET: $cycles cycles of "event_TARGET N" (N = cycle mod 3) under
# fio verify; an event fails if what it waits for does not happen.
soak() {
	_p=soak_scsi_$1
	done_cycles=0
	verify_errors=0
	io_errors=0
	fio_failures=0
	events_failed=0
	_t0=$(cut -d. -f1 /proc/uptime)
	_i=0
	while [ $_i -lt "$cycles" ]; do
		if [ $((_i % 3)) = 0 ]; then
			case $(((_i / 3) % 3)) in
			0) policy=numa ;;
			1) policy=round-robin ;;
			2) policy=queue-depth ;;
			esac
			echo $policy > /sys/block/$head/device/iopolicy
			[ "$(cat /sys/block/$head/device/iopolicy)" = $policy ] ||
				events_failed=$((events_failed + 1))
		fi
		fio_verify soakscsi /dev/$head 1
		sleep 1
		if ! "event_$1" $((_i % 3)) $(((_i / 3) % 2)); then
			events_failed=$((events_failed + 1))
			echo "soak/scsi-$1: cycle $_i: event $((_i % 3)) did not complete"
			dmesg | grep 'multipath:' | tail -3
		fi
		soak_fio_done /tmp/soakscsi.fio
		_i=$((_i + 1))
	done
	soak_report "scsi-$1" "$_p" "$_t0"
	say "soak/scsi-$1: $done_cycles cycles in $secs s, verify errors $verify_errors," \
		"I/O errors $io_errors, kernel warnings $warnings"
}

# LIO.  opt is the port whose group is optimized.
lio_setup soak_scsi_lio
check soak_scsi_lio_head wait_until 150 lio_head
# group PORT: the ALUA group directory of a port.
group() { if [ "$1" = 1 ]; then echo $GA; else echo $GB; fi; }
# settled: each member reports its group's state (TEST UNIT READY
# through a port delivers its pending unit attention).
settled() {
	_so=$(member $opt)
	_sn=$(member $((3 - opt)))
	wait_until 300 tur_is "$_so" active/optimized &&
		wait_until 300 tur_is "$_sn" active/non-optimized
}
opt=1
check soak_scsi_lio_settled settled
event_lio() {
	case $1 in
	0)
		echo 0 > "$(group $((3 - opt)))/alua_access_state"
		echo 1 > "$(group $opt)/alua_access_state"
		opt=$((3 - opt))
		settled
		;;
	1)
		offline_online "$(member $opt)" && settled
		;;
	2)
		# A port that comes back is in the default group again.
		replug $(($2 + 1)) || return 1
		[ "$2" = 0 ] || echo b > "$(port 2)/lun/lun_0/alua_tg_pt_gp"
		settled
		;;
	esac
}
soak lio
lio_teardown soak_scsi_lio

# scsi_debug.
dbg=/sys/kernel/debug/scsi_debug
sdbg=/sys/bus/pseudo/drivers/scsi_debug
modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=32 delay=0
debug_head() {
	head=$(heads)
	[ -n "$head" ] && [ "$(npaths $head)" = 2 ]
}
check soak_scsi_debug_head wait_until 150 debug_head
# opt_member: set opt to the member that is active/optimized (the first
# scsi_debug host's; the host numbers depend on the scenarios before).
opt_member() {
	opt=
	for _p in /sys/block/$head/multipath/*; do
		_m=$(basename "$(readlink -f "$_p/device")")
		access_is "$_m" active/optimized && opt=$_m
	done
	[ -n "$opt" ]
}
check soak_scsi_debug_optimized wait_until 300 opt_member
# uninject: remove a member's injected errors (see scsimpath.sh's inject).
uninject() {
	for _c in 0xff 0x28 0x2a; do
		echo "- 2 $_c" > "$dbg/$1/error" 2>/dev/null
	done
}
reinstated() { dmesg | grep -c "$opt: multipath: path reinstated"; }
reinstated_since() { [ "$(reinstated)" -gt "$1" ]; }
event_debug() {
	case $1 in
	0)
		echo 1 > $sdbg/add_host
		wait_until 150 npaths_is 3 || return 1
		sleep 1
		echo -1 > $sdbg/add_host
		wait_until 150 npaths_is 2
		;;
	1)
		# The next command on the path fails with DID_TRANSPORT_FAILFAST:
		# the path fails over, then TEST UNIT READY (every 5 s)
		# reinstates it.
		_r0=$(reinstated)
		_e0=$(cut -d. -f1 /proc/uptime)
		uninject $opt
		echo "2 -1 0xff 0x0f 0x0 0x0 0x0 0x0 0x0" > "$dbg/$opt/error"
		wait_until 600 reinstated_since "$_r0" || return 1
		_e1=$(cut -d. -f1 /proc/uptime)
		echo "soak/scsi-debug: reinstated $((_e1 - _e0)) s after the error"
		;;
	2)
		# Running again, the path carries the I/O again.
		offline_online $opt &&
			wait_until 200 carries_reads "$(scsi_path_of $opt)"
		;;
	esac
}
soak debug
uninject $opt
rmmod scsi_debug
check soak_scsi_debug_gone wait_until 150 no_heads_left
