# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath (scsi_mod multipath=on): scsi_debug
# presents one LU through two hosts (vpd_use_hostno=0); its REPORT TARGET
# PORT GROUPS gives host 0 active/optimized and host 1
# active/non-optimized.  The LU becomes one head disk sdX with the hidden
# paths sdX:N.
. /tests/lib.sh

cls=/sys/class/scsi_mpath_device/scsi_mpath_device0
dbg=/sys/kernel/debug/scsi_debug
sdbg=/sys/bus/pseudo/drivers/scsi_debug
iopol=/sys/module/scsi_mod/parameters/multipath_iopolicy

members() { ls $cls/multipath 2>/dev/null | wc -w; }
members_are() { [ "$(members)" = "$1" ]; }
no_heads() { [ ! -e /sys/block/$head ] && [ -z "$(ls /sys/class/scsi_mpath_device)" ]; }
head_paths() { ls /sys/block/$head/multipath 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
has_paths() { [ "$(head_paths)" = "$1" ]; }
# find_head: the sd disk with a multipath/ directory.
find_head() {
	head=
	for _d in /sys/block/sd*; do
		[ -d "$_d/multipath" ] && head=${_d##*/}
	done
	[ -n "$head" ]
}
has_path_of() { [ -n "$(scsi_path_of "$1")" ]; }
no_path_of() { [ -z "$(scsi_path_of "$1")" ]; }
# sd_names: how many sd names (sdX, not the hidden sdX:N) exist.
sd_names() { ls /sys/block | grep -c '^sd[a-z]*$'; }
sdev_state() { echo "$2" > "/sys/class/scsi_device/$1/device/state"; }
# inject H:C:T:L SPEC: scsi_debug error injection on a member (type 2,
# "fail the command"), replacing the earlier ones: scsi_debug applies the
# first entry that matches the opcode, even a used-up one.
inject() {
	for _c in 0xff 0x28 0x2a; do
		echo "- 2 $_c" > "$dbg/$1/error" 2>/dev/null
	done
	echo "$2" > "$dbg/$1/error"
}
# read_pattern: reads back the first 64 blocks written by write_pattern.
write_pattern() {
	dd if=/dev/urandom of=/tmp/spattern bs=4k count=64 2>/dev/null
	dd if=/tmp/spattern of=/dev/$head bs=4k oflag=direct conv=fsync 2>/dev/null
	want=$(md5sum < /tmp/spattern)
}
read_pattern() { dd if=/dev/$head bs=4k count=64 iflag=direct 2>/dev/null | md5sum; }

# scsi_mod reads multipath= when it loads: as a module it is loaded here
# with multipath=on (so no earlier scenario of the boot may load it); built
# in, the kernel command line must say scsi_mod.multipath=on.
mode() { cat /sys/module/scsi_mod/parameters/multipath 2>/dev/null; }
if [ ! -e /sys/module/scsi_mod ]; then
	# Exact names only: "office" is not "off".
	check scsi_mpath_param_bad_value_refused sh -c \
		"! modprobe scsi_mod multipath=office 2>/dev/null"
	modprobe scsi_mod multipath=on
fi
modprobe sd_mod 2>/dev/null
modprobe scsi_dh_alua 2>/dev/null
expect_eq scsi_mpath_param_multipath on "$(mode)"
check scsi_mpath_param_bad_iopolicy_einval sh -c "! echo foo > $iopol 2>/dev/null"
expect_eq scsi_mpath_param_iopolicy_kept numa "$(cat $iopol)"
modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=32 delay=0 atomic_wr=1
check scsi_mpath_head_device wait_for $cls/multipath 100
check scsi_mpath_two_members wait_until 100 members_are 2
check scsi_mpath_head_disk wait_until 100 find_head
first_head=$head
check scsi_mpath_two_paths wait_until 100 has_paths "$head:0 $head:1"
opt=0:0:0:0
nonopt=1:0:0:0
popt=$(scsi_path_of $opt)
pnon=$(scsi_path_of $nonopt)
expect_eq scsi_mpath_vpd_id "$(cat /sys/block/$popt/device/wwid)" "$(cat $cls/vpd_id)"
check scsi_mpath_no_path_nodes test ! -e "/dev/$popt" -a ! -e "/dev/$pnon" -a -b "/dev/$head"
expect_eq scsi_mpath_path_mpath_dev "$(cat /sys/block/$head/dev)" \
	"$(cat /sys/block/$popt/mpath_dev)"
# The head's limits are stacked from its paths: atomic writes included.
qlim() { cat /sys/block/$1/queue/$2; }
check scsi_mpath_atomic_writes_stacked test "$(qlim $head atomic_write_max_bytes)" -gt 0 -a \
	"$(qlim $head atomic_write_max_bytes)" = "$(qlim $popt atomic_write_max_bytes)"
expect_eq scsi_mpath_max_sectors_stacked "$(qlim $popt max_sectors_kb)" \
	"$(qlim $head max_sectors_kb)"
# The head takes NOWAIT I/O, as its paths do (io_uring then submits to it
# inline, not from a worker thread): a pwritev2() with RWF_NOWAIT is not
# refused with EOPNOTSUPP.  Past the 16 MiB that fio verify uses.
hostrun /usr/sbin/xfs_io -d -c 'pwrite -N -V 1 -S 0x5a 30m 4k' /dev/$head > /tmp/nowait 2>&1
if grep -q 'wrote 4096/4096' /tmp/nowait; then
	ok scsi_mpath_nowait
else
	fail scsi_mpath_nowait "xfs_io pwrite -N -V 1: $(head -c 200 /tmp/nowait)"
fi
# Paths without PI: neither they nor the head have an integrity profile.
integrity() { cat /sys/block/$1/integrity/format; }
expect_eq scsi_mpath_no_pi_no_profile "none none" "$(integrity $popt) $(integrity $head)"
check scsi_mpath_alua_optimized wait_until 100 access_is $opt active/optimized
check scsi_mpath_alua_nonoptimized wait_until 100 access_is $nonopt active/non-optimized
say "head $head: $popt ($opt, optimized), $pnon ($nonopt, non-optimized)"

write_pattern
expect_eq scsi_mpath_data_through_head "$want" "$(read_pattern)"

# Passthrough through the head goes to one path; reservation commands
# passed through are refused (the head's pr_ops register every path, see
# scsilio.sh; scsi_debug has no reservations).
vid=$(cat $cls/vpd_id)
sg_inquiry() { hostrun /usr/bin/sg_inq /dev/$head | grep -q 'Product identification: scsi_debug'; }
sg_designator() { hostrun /usr/bin/sg_vpd -p di /dev/$head | grep -qi "0x${vid#naa.}"; }
sg_rtpg() { hostrun /usr/bin/sg_rtpg -d /dev/$head | grep -q 'active/optimized'; }
check scsi_mpath_sg_inquiry sg_inquiry
check scsi_mpath_sg_vpd_designator sg_designator
check scsi_mpath_sg_rtpg sg_rtpg
# IOC_PR_REGISTER reaches the device, which answers "invalid command
# operation code", as a plain scsi_debug disk does: PR_STS_IOERR.
expect_eq scsi_mpath_pr_register_reaches_device "status 0x2" \
	"$(mpath-ioctl pr-register /dev/$head 0x1234)"
# SG_IO: INQUIRY goes through, PERSISTENT RESERVE IN and RESERVE(6)
# are refused.
sg() { mpath-ioctl sg /dev/$head "$1" | cut -d' ' -f1-2; }
expect_eq scsi_mpath_sg_io_inquiry "status 0x0" "$(sg 12000000ff00)"
expect_eq scsi_mpath_sg_io_pr_in_rejected "error 95" "$(sg 5e000000000000020000)"
expect_eq scsi_mpath_sg_io_reserve_rejected "error 95" "$(sg 160000000000)"

# ALUA decides: only the optimized path carries I/O, under every policy.
for pol in numa round-robin queue-depth; do
	echo $pol > $cls/iopolicy
	read_through "$head" 200 "$popt" "$pnon"
	say "$pol: 200 reads: optimized $d0, non-optimized $d1"
	check "scsi_mpath_${pol}_optimized_only" test "$d0" = 200 -a "$d1" = 0
done
echo numa > $cls/iopolicy

# The non-optimized path carries I/O while the optimized one is offline.
sdev_state $opt offline
read_through "$head" 100 "$popt" "$pnon"
check scsi_mpath_nonoptimized_when_no_optimized test "$d0" = 0 -a "$d1" = 100
sdev_state $opt running
read_through "$head" 100 "$popt" "$pnon"
check scsi_mpath_optimized_again test "$d0" = 100 -a "$d1" = 0

# A transport error fails the path over: the I/O completes on the other
# path, the failed path is reinstated by TEST UNIT READY.
inject $opt "2 -3 0xff 0x0f 0x0 0x0 0x0 0x0 0x0"
read_through "$head" 100 "$popt" "$pnon"
check scsi_mpath_transport_error_fails_over test "$d1" -ge 99
say "transport error on $popt: 100 reads: optimized $d0, non-optimized $d1 (failed over)"
expect_eq scsi_mpath_transport_error_data "$want" "$(read_pattern)"
check scsi_mpath_path_failed_logged sh -c "dmesg | grep -q '$opt: multipath: path failed'"
check scsi_mpath_path_reinstated wait_until 150 \
	sh -c "dmesg | grep -q '$opt: multipath: path reinstated'"
read_through "$head" 100 "$popt" "$pnon"
check scsi_mpath_reinstated_carries_io test "$d0" = 100 -a "$d1" = 0

# A medium error is the target's answer: EIO, no failover.
inject $opt "2 -1 0x28 0x0 0x0 0x2 0x3 0x11 0x0"
r1=$(reads "$pnon")
check scsi_mpath_medium_error_eio sh -c \
	"! dd if=/dev/$head of=/dev/null bs=4k count=1 skip=7 iflag=direct 2>/dev/null"
expect_eq scsi_mpath_medium_error_no_failover "$r1" "$(reads "$pnon")"

# "ALUA state transition" sense (NOT READY, 04h/0Ah) on the optimized
# path, eight commands in a row under fio verify: the ALUA handler takes
# the port group for transitioning and reads the states again, and the
# commands are retried or move to the other path; no I/O fails.
# The sense goes in once fio writes through the optimized path: fio over
# 9p takes seconds to start on a slow (debug) kernel.
transition_sense_used() { grep -q "^2	0	0xff" "$dbg/$opt/error"; }
w0=$(writes "$popt")
opt_written() { [ "$(writes "$popt")" -gt "$w0" ]; }
fio_verify scsitransition /dev/$head 2
wait_until 300 opt_written
inject $opt "2 -8 0xff 0x0 0x0 0x2 0x2 0x4 0xa"
check scsi_mpath_transition_sense_delivered wait_until 300 transition_sense_used
fio_result scsitransition scsi_mpath_transition_sense
check scsi_mpath_transition_optimized_again wait_until 100 access_is $opt active/optimized

# fio verify while the optimized path goes offline: nothing lost.
w1=$(writes "$pnon")
fio_verify scsioffline /dev/$head 3
sleep 2
sdev_state $opt offline
wait $fiopid
rc=$?
check scsi_mpath_fio_verify_offline test "$rc" = 0
moved=$(($(writes "$pnon") - w1))
say "fio verify while $opt went offline: exit status $rc, $moved writes moved to $pnon"
check scsi_mpath_fio_moved_to_nonoptimized test "$(writes "$pnon")" -gt "$w1"
sdev_state $opt running
write_pattern

# No usable path: I/O waits until a path is back.
inject $opt "2 -2 0xff 0x0f 0x0 0x0 0x0 0x0 0x0"
inject $nonopt "2 -2 0xff 0x0f 0x0 0x0 0x0 0x0 0x0"
expect_eq scsi_mpath_no_usable_path_waits "$want" "$(read_pattern)"
check scsi_mpath_requeue_logged sh -c "dmesg | grep -q 'no usable path - requeuing I/O'"

# A member removed and scanned again rejoins the same head.
echo 1 > /sys/class/scsi_device/$nonopt/device/delete
check scsi_mpath_member_removed wait_until 100 has_paths "$popt"
expect_eq scsi_mpath_one_member 1 "$(members)"
expect_eq scsi_mpath_data_one_path "$want" "$(read_pattern)"
echo "- - -" > /sys/class/scsi_host/host1/scan
check scsi_mpath_member_rejoins wait_until 100 members_are 2
check scsi_mpath_path_rejoins wait_until 100 has_path_of $nonopt

# Bad input changes nothing.
echo round-robin > $cls/iopolicy
check scsi_mpath_bad_iopolicy_einval sh -c "! echo foo > $cls/iopolicy"
expect_eq scsi_mpath_bad_iopolicy_kept round-robin "$(cat $cls/iopolicy)"
echo numa > $cls/iopolicy
check scsi_mpath_bad_removal_secs_einval sh -c \
	"! echo abc > /sys/block/$head/delayed_removal_secs"
expect_eq scsi_mpath_bad_removal_secs_kept 0 "$(cat /sys/block/$head/delayed_removal_secs)"

# Delayed removal: the head outlives its paths and a returning path
# reattaches to it.
echo 30 > /sys/block/$head/delayed_removal_secs
echo 1 > /sys/class/scsi_device/$opt/device/delete
echo 1 > /sys/class/scsi_device/$nonopt/device/delete
check scsi_mpath_paths_gone wait_until 100 has_paths ""
check scsi_mpath_head_kept test -b /dev/$head -a -d $cls
echo "- - -" > /sys/class/scsi_host/host0/scan
check scsi_mpath_returns_in_time wait_until 100 has_path_of $opt
expect_eq scsi_mpath_data_after_return "$want" "$(read_pattern)"

# Delayed removal expires: the head goes, failing the I/O it queued.
# The timer starts when the last path leaves, and removing it takes
# seconds on the debug kernel: leave enough time for the read to be
# queued before it fires.
echo 10 > /sys/block/$head/delayed_removal_secs
echo 1 > /sys/class/scsi_device/$opt/device/delete
check scsi_mpath_expiry_paths_gone wait_until 100 has_paths ""
dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
sleep 1
check scsi_mpath_expiry_io_queued kill -0 $ddpid
check scsi_mpath_expiry_removes_head wait_until 200 no_heads
wait $ddpid
rc=$?
check scsi_mpath_expiry_fails_queued_io test "$rc" != 0
echo "- - -" > /sys/class/scsi_host/host0/scan
check scsi_mpath_head_after_expiry wait_until 100 find_head
check scsi_mpath_path_after_expiry wait_until 100 has_path_of $opt

# Without delayed removal the head goes with its last path, even held
# open; the open file then reads nothing (the disk's capacity is 0).
exec 3< /dev/$head
echo 1 > /sys/class/scsi_device/$opt/device/delete
check scsi_mpath_head_removed wait_until 100 test ! -e /sys/block/$head -a ! -e $cls
expect_eq scsi_mpath_open_head_reads_nothing 0 \
	"$(dd bs=4k skip=3000 count=1 <&3 2>/dev/null | wc -c)"
exec 3<&-
echo "- - -" > /sys/class/scsi_host/host0/scan
echo "- - -" > /sys/class/scsi_host/host1/scan
check scsi_mpath_head_back wait_until 100 find_head
check scsi_mpath_head_back_two_paths wait_until 100 has_paths "$head:0 $head:1"
say "head back as $head: $(head_paths)"
expect_eq scsi_mpath_data_after_rescan "$want" "$(read_pattern)"

# The capacity follows revalidation: scsi_debug reports 1 GiB, then its
# 32 MiB again, and rescanning the members carries it to the head.
size0=$(cat /sys/block/$head/size)
rescan_all() {
	for _m in $opt $nonopt; do
		echo 1 > /sys/class/scsi_device/$_m/device/rescan
	done
}
size_is() { [ "$(cat /sys/block/$head/size)" = "$1" ]; }
echo 1 > $sdbg/virtual_gb
rescan_all
check scsi_mpath_capacity_grows wait_until 50 size_is 2097152
echo 0 > $sdbg/virtual_gb
rescan_all
check scsi_mpath_capacity_shrinks wait_until 50 size_is "$size0"

# Hosts come and go under fio verify: two more hosts join the head and
# leave it again, three times, and nothing is lost.  Their ALUA states
# follow their numbers (2 and 3, then 4 and 5, 6 and 7: each state
# twice), and round-robin sends I/O to the optimized ones.
echo round-robin > $cls/iopolicy
fio_verify scsihosts /dev/$head 8
joins=0
for i in 1 2 3; do
	echo 2 > $sdbg/add_host
	wait_until 150 members_are 4 && joins=$((joins + 1))
	sleep 1
	echo -2 > $sdbg/add_host
	wait_until 150 members_are 2 || break
done
expect_eq scsi_mpath_hosts_join_and_leave 3 "$joins"
check scsi_mpath_hosts_under_io kill -0 $fiopid
fio_result scsihosts scsi_mpath_hosts
echo numa > $cls/iopolicy

# sd unbound from each path and bound again under fio verify: the path
# leaves the head and rejoins it, the I/O goes on.
fio_verify scsiunbind /dev/$head 6
sleep 1
left=0
back=0
for m in $opt $nonopt; do
	echo $m > /sys/bus/scsi/drivers/sd/unbind
	wait_until 100 no_path_of $m && left=$((left + 1))
	sleep 1
	echo $m > /sys/bus/scsi/drivers/sd/bind
	wait_until 100 has_path_of $m && back=$((back + 1))
done
expect_eq scsi_mpath_unbind_path_leaves 2 "$left"
expect_eq scsi_mpath_rebind_path_rejoins 2 "$back"
check scsi_mpath_unbind_under_io kill -0 $fiopid
expect_eq scsi_mpath_rebind_same_names "$head:0 $head:1" "$(head_paths)"
fio_result scsiunbind scsi_mpath_unbind
rmmod scsi_debug
check scsi_mpath_all_gone wait_until 100 no_heads

# Grouping: two LUs through three hosts are two heads of three paths,
# one per designator, with the iopolicy the parameter gave at creation.
# The paths take no sd name and the heads reuse the freed ones.
echo round-robin > $iopol
modprobe scsi_debug vpd_use_hostno=0 add_host=3 num_tgts=1 max_luns=2 \
	dev_size_mb=16 delay=0
two_heads_three_paths() {
	set -- $(heads)
	[ $# = 2 ] && [ "$(npaths $1)" = 3 ] && [ "$(npaths $2)" = 3 ]
}
check scsi_mpath_two_heads_three_paths wait_until 150 two_heads_three_paths
set -- $(heads)
h1=$1
h2=$2
say "two LUs, three hosts: heads $h1 ($(npaths $h1) paths), $h2 ($(npaths $h2) paths)"
expect_eq scsi_mpath_head_name_reused "$first_head" "$h1"
expect_eq scsi_mpath_paths_take_no_sd_name 2 "$(sd_names)"
grouped_by_wwid() {
	for _h in $h1 $h2; do
		_v=$(cat /sys/block/$_h/device/vpd_id)
		for _p in /sys/block/$_h/multipath/*; do
			[ "$(cat $_p/device/wwid)" = "$_v" ] || return 1
		done
	done
	[ "$(cat /sys/block/$h1/device/vpd_id)" != "$(cat /sys/block/$h2/device/vpd_id)" ]
}
check scsi_mpath_grouped_by_wwid grouped_by_wwid
expect_eq scsi_mpath_iopolicy_from_param "round-robin round-robin" \
	"$(cat /sys/block/$h1/device/iopolicy) $(cat /sys/block/$h2/device/iopolicy)"
echo numa > $iopol

# The standby path is never used, not even when it is the only running
# one (the I/O waits for another).  scsi_debug's hosts are numbered on
# from the earlier ones: the member of LUN 0 whose host number is 0, 1
# or 2 modulo 3 is active/optimized, active/non-optimized or standby.
member_mod() {
	for _m in $(ls /sys/class/scsi_device); do
		case $_m in *:0:0:0) ;; *) continue ;; esac
		[ $((${_m%%:*} % 3)) = "$1" ] && echo "$_m"
	done
}
m0=$(member_mod 0)
m1=$(member_mod 1)
m2=$(member_mod 2)
head=$h1
has_path_of "$m0" || head=$h2
q0=$(scsi_path_of $m0)
q1=$(scsi_path_of $m1)
q2=$(scsi_path_of $m2)
check scsi_mpath_alua_standby wait_until 100 access_is $m2 standby
read3() {
	_a=$(reads $q0)
	_b=$(reads $q1)
	_c=$(reads $q2)
	dd if=/dev/$head of=/dev/null bs=4k count=$1 iflag=direct 2>/dev/null
	e0=$(($(reads $q0) - _a))
	e1=$(($(reads $q1) - _b))
	e2=$(($(reads $q2) - _c))
}
read3 100
check scsi_mpath_three_paths_optimized_only test "$e0" = 100 -a "$e1" = 0 -a "$e2" = 0
sdev_state $m0 offline
read3 100
check scsi_mpath_nonoptimized_before_standby test "$e0" = 0 -a "$e1" = 100 -a "$e2" = 0
sdev_state $m1 offline
r2=$(reads $q2)
dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
sleep 2
check scsi_mpath_standby_only_io_waits kill -0 $ddpid
expect_eq scsi_mpath_standby_never_used "$r2" "$(reads $q2)"
sdev_state $m1 running
wait $ddpid
expect_eq scsi_mpath_waiting_io_completes 0 "$?"
sdev_state $m0 running
rmmod scsi_debug
check scsi_mpath_grouping_gone wait_until 100 no_heads

# Without TPGS (vpd_use_hostno=1: a designator per host, no ALUA), "on"
# leaves the devices alone: two stock disks, no head.
modprobe scsi_debug vpd_use_hostno=1 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=16 delay=0
sd_names_are() { [ "$(sd_names)" = "$1" ]; }
check scsi_mpath_no_tpgs_stock_disks wait_until 100 sd_names_are 2
expect_eq scsi_mpath_no_tpgs_no_head "" "$(ls /sys/class/scsi_mpath_device)"
rmmod scsi_debug

# T10 PI: paths with DIF type 1 and DIX give the head their integrity
# profile, and it stays while the paths that remain agree on it.  The
# data written through the head is protected on the path it takes
# (scsi_debug checks the protection information of every write).
modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=16 delay=0 dif=1 dix=1
two_pi_paths() { find_head && [ "$(npaths $head)" = 2 ]; }
check scsi_mpath_pi_head wait_until 150 two_pi_paths
set -- $(head_paths)
pi0=$1
pi1=$2
expect_eq scsi_mpath_pi_path_profile T10-DIF-TYPE1-CRC "$(integrity $pi0)"
expect_eq scsi_mpath_pi_head_profile "$(integrity $pi0)" "$(integrity $head)"
pi_attrs() {
	for _a in tag_size protection_interval_bytes device_is_integrity_capable; do
		cat /sys/block/$1/integrity/$_a
	done | tr '\n' ' '
}
expect_eq scsi_mpath_pi_head_attrs "$(pi_attrs $pi0)" "$(pi_attrs $head)"
say "T10 PI: head $head $(integrity $head), paths $(head_paths)"
fio_verify scsipi /dev/$head 2
fio_result scsipi scsi_mpath_pi
pi_member=$(readlink -f /sys/block/$pi1/device)
echo 1 > $pi_member/delete
check scsi_mpath_pi_one_path wait_until 100 has_paths "$pi0"
expect_eq scsi_mpath_pi_profile_kept T10-DIF-TYPE1-CRC "$(integrity $head)"
rmmod scsi_debug
check scsi_mpath_pi_gone wait_until 100 no_heads
