# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath (scsi_mod multipath=on): scsi_debug
# presents one LU through two hosts (vpd_use_hostno=0); its REPORT TARGET
# PORT GROUPS gives host 0 active/optimized and host 1
# active/non-optimized.  The LU becomes one head disk sdX with the hidden
# paths sdX:N.
. /tests/lib.sh

cls=/sys/class/scsi_mpath_device/scsi_mpath_device0
dbg=/sys/kernel/debug/scsi_debug

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

members() { ls $cls/multipath 2>/dev/null | wc -w; }
members_are() { [ "$(members)" = "$1" ]; }
access_is() { [ "$(cat /sys/class/scsi_device/$1/device/access_state)" = "$2" ]; }
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
# path_of H:C:T:L: the hidden path disk of a member.
path_of() {
	for _p in /sys/block/$head/multipath/*; do
		case "$(readlink -f $_p/device)" in
		*/"$1") echo "${_p##*/}" ;;
		esac
	done
}
has_path_of() { [ -n "$(path_of "$1")" ]; }
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
[ -e /sys/module/scsi_mod ] || modprobe scsi_mod multipath=on
modprobe sd_mod 2>/dev/null
modprobe scsi_dh_alua 2>/dev/null
expect_eq scsi_mpath_param_multipath on "$(mode)"
modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=32 delay=0
check scsi_mpath_head_device wait_for $cls/multipath 100
check scsi_mpath_two_members wait_until 100 members_are 2
check scsi_mpath_head_disk wait_until 100 find_head
check scsi_mpath_two_paths wait_until 100 has_paths "$head:0 $head:1"
opt=0:0:0:0
nonopt=1:0:0:0
popt=$(path_of $opt)
pnon=$(path_of $nonopt)
expect_eq scsi_mpath_vpd_id "$(cat /sys/block/$popt/device/wwid)" "$(cat $cls/vpd_id)"
check scsi_mpath_no_path_nodes test ! -e "/dev/$popt" -a ! -e "/dev/$pnon" -a -b "/dev/$head"
expect_eq scsi_mpath_path_mpath_dev "$(cat /sys/block/$head/dev)" \
	"$(cat /sys/block/$popt/mpath_dev)"
check scsi_mpath_alua_optimized wait_until 100 access_is $opt active/optimized
check scsi_mpath_alua_nonoptimized wait_until 100 access_is $nonopt active/non-optimized
say "head $head: $popt ($opt, optimized), $pnon ($nonopt, non-optimized)"

write_pattern
expect_eq scsi_mpath_data_through_head "$want" "$(read_pattern)"

# Passthrough through the head goes to one path; reservations through the
# head are not supported.
vid=$(cat $cls/vpd_id)
sg_inquiry() { hostrun /usr/bin/sg_inq /dev/$head | grep -q 'Product identification: scsi_debug'; }
sg_designator() { hostrun /usr/bin/sg_vpd -p di /dev/$head | grep -qi "0x${vid#naa.}"; }
sg_rtpg() { hostrun /usr/bin/sg_rtpg -d /dev/$head | grep -q 'active/optimized'; }
check scsi_mpath_sg_inquiry sg_inquiry
check scsi_mpath_sg_vpd_designator sg_designator
check scsi_mpath_sg_rtpg sg_rtpg
expect_eq scsi_mpath_pr_register_rejected "error 95" \
	"$(mpath-ioctl pr-register /dev/$head 0x1234 | cut -d' ' -f1-2)"

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

# fio verify while the optimized path goes offline: nothing lost.
w1=$(writes "$pnon")
fio_verify scsioffline /dev/$head 3
sleep 2
sdev_state $opt offline
wait $fiopid
rc=$?
check scsi_mpath_fio_verify_offline test "$rc" = 0
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
echo 3 > /sys/block/$head/delayed_removal_secs
echo 1 > /sys/class/scsi_device/$opt/device/delete
check scsi_mpath_expiry_paths_gone wait_until 100 has_paths ""
dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
sleep 1
check scsi_mpath_expiry_io_queued kill -0 $ddpid
check scsi_mpath_expiry_removes_head wait_until 100 no_heads
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
rmmod scsi_debug
check scsi_mpath_all_gone wait_until 100 no_heads
