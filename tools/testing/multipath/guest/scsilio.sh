# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath on an LIO target (scsi_mod multipath=on): one
# ramdisk LU through two tcm_loop ports in two implicit ALUA groups, see
# lio.sh.
#
# LIO establishes the "asymmetric access state changed" unit attention
# only on the I_T nexuses of the ports in the group that changed, and the
# initiator sees it with the next command on such a nexus.  So each step
# below changes the group of the path that carries the I/O, or sends a
# TEST UNIT READY through the other port, as a path checker would.
. /tests/lib.sh
. /tests/lio.sh
lio_setup scsi_lio

check scsi_lio_head_two_paths wait_until 150 lio_head
m1=$(member 1)
m2=$(member 2)
p1=$(scsi_path_of $m1)
p2=$(scsi_path_of $m2)
check scsi_lio_members test -n "$p1" -a -n "$p2"
expect_eq scsi_lio_vpd_id "$(cat /sys/class/scsi_device/$m1/device/wwid)" \
	"$(cat /sys/block/$head/device/vpd_id)"
# Port 2 was scanned in the default group: it reports "inquiry data
# changed" for its move to group b with its next command.
check scsi_lio_port1_optimized wait_until 300 tur_is $m1 active/optimized
check scsi_lio_port2_nonoptimized wait_until 300 tur_is $m2 active/non-optimized
say "LIO: head $head, $p1 ($m1, port 1, group default), $p2 ($m2, port 2, group b)"

# reads_go_to PATH: the next 100 reads through the head all go to PATH.
reads_go_to() {
	read_through $head 100 $p1 $p2
	case $1 in
	"$p1") [ "$d0" = 100 ] && [ "$d1" = 0 ] ;;
	*) [ "$d0" = 0 ] && [ "$d1" = 100 ] ;;
	esac
}
check scsi_lio_io_on_optimized reads_go_to $p1

# An ALUA flip under fio verify: group b becomes optimized, the default
# group non-optimized.  Port 1 carries the I/O and sees the unit
# attention; its REPORT TARGET PORT GROUPS gives both groups' states.
fio_verify scsilioflip /dev/$head 6
sleep 1
w2=$(writes $p2)
echo 0 > $GB/alua_access_state
echo 1 > $GA/alua_access_state
check scsi_lio_flip_port2_optimized wait_until 300 access_is $m2 active/optimized
check scsi_lio_flip_port1_nonoptimized wait_until 300 access_is $m1 active/non-optimized
check scsi_lio_flip_io_moves wait_until 300 writes_above $p2 "$w2"
say "LIO ALUA flip under fio verify: $p2 optimized, $p1 non-optimized," \
	"writes on $p2 $w2 -> $(writes $p2)"
# And back, while fio still runs: now port 2 carries the I/O.
echo 0 > $GA/alua_access_state
echo 1 > $GB/alua_access_state
check scsi_lio_flip_back_port1 wait_until 300 read_is $m1 active/optimized
check scsi_lio_flip_back_port2 wait_until 300 access_is $m2 active/non-optimized
fio_result scsilioflip scsi_lio_flip
check scsi_lio_flip_back_io reads_go_to $p1

# Transitions that take 3 s (trans_delay_msecs) under fio verify: group b
# becomes optimized and the default group non-optimized, both through
# "transitioning", during which the target answers "ALUA state
# transition"; the I/O waits or moves, and none fails.  Then back.
echo 3000 > $GA/trans_delay_msecs
echo 3000 > $GB/trans_delay_msecs
fio_verify scsiliotrans /dev/$head 6
sleep 1
echo 0 > $GB/alua_access_state &
tb=$!
echo 1 > $GA/alua_access_state &
ta=$!
check scsi_lio_slow_transition_target wait_until 20 alua_state_is $GA 15
wait $tb $ta
check scsi_lio_slow_transition_under_io kill -0 $fiopid
check scsi_lio_slow_transition_port2 wait_until 300 read_is $m2 active/optimized
echo 0 > $GA/alua_access_state &
ta=$!
echo 1 > $GB/alua_access_state &
tb=$!
wait $ta $tb
check scsi_lio_slow_transition_back wait_until 300 read_is $m1 active/optimized
fio_result scsiliotrans scsi_lio_slow_transition
echo 0 > $GA/trans_delay_msecs
echo 0 > $GB/trans_delay_msecs

# A pattern for the steps below to read back.
dd if=/dev/urandom of=/tmp/lpattern bs=4k count=64 2>/dev/null
dd if=/tmp/lpattern of=/dev/$head bs=4k oflag=direct conv=fsync 2>/dev/null
want=$(md5sum < /tmp/lpattern)
lread() { dd if=/dev/$head bs=4k count=64 iflag=direct 2>/dev/null | md5sum; }

# Standby: the default group goes standby, seen through port 1's I/O, and
# the non-optimized path takes over.
echo 2 > $GA/alua_access_state
check scsi_lio_standby_state wait_until 300 read_is $m1 standby
check scsi_lio_standby_io_moves reads_go_to $p2
expect_eq scsi_lio_standby_data "$want" "$(lread)"

# Transitioning: group b (carrying the I/O) is held in transitioning
# while the default group is standby: no path may carry the I/O, so it
# waits; when group b becomes optimized the ALUA handler, which polls a
# transitioning group, sees it and the I/O completes.
echo 15 > $GB/alua_access_state
dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
check scsi_lio_transitioning_state wait_until 300 access_is $m2 transitioning
sleep 2
check scsi_lio_transitioning_io_waits kill -0 $ddpid
echo 0 > $GB/alua_access_state
check scsi_lio_transition_done wait_until 150 access_is $m2 active/optimized
check scsi_lio_transitioning_io_ends wait_until 150 sh -c "! kill -0 $ddpid"
wait $ddpid
rc=$?
expect_eq scsi_lio_transitioning_io_completes 0 "$rc"
say "LIO transitioning with the other group standby: a read waited, then completed (status $rc)"
check scsi_lio_after_transition_io reads_go_to $p2
expect_eq scsi_lio_after_transition_data "$want" "$(lread)"

# The default group becomes optimized again; port 1 carries no I/O, so
# a TEST UNIT READY through it delivers the unit attention.
echo 0 > $GA/alua_access_state
echo 1 > $GB/alua_access_state
check scsi_lio_tur_port1_optimized wait_until 300 tur_is $m1 active/optimized
check scsi_lio_tur_io_back wait_until 300 reads_go_to $p1

# Persistent reservations through the head (IOC_PR_*).  SCSI registers a
# key per I_T nexus: the head registers it on every path, so READ KEYS
# lists it once per path, and LIO once per initiator port (configfs).
PR=$LU/pr
I1=naa.50014050000000a1
I2=naa.50014050000000a2
sgof() { echo "/dev/$(ls /sys/class/scsi_device/$1/device/scsi_generic)"; }
# persist MEMBER ARGS...: sg_persist through a member's own sg node, behind
# the head's back (as another program or another host's tools would).
persist() {
	_dev=$(sgof "$1")
	shift
	hostrun /usr/bin/sg_persist --no-inquiry "$@" "$_dev" >/dev/null 2>&1
}
# lio_regs KEY: the initiator ports LIO has registered with KEY (hex).
lio_regs() {
	grep -i "Key: 0x0*$1 " $PR/res_pr_registered_i_pts |
		grep -o 'naa\.[0-9a-f]*' | sort | tr '\n' ' ' | sed 's/ $//'
}
pr() {
	_op=$1
	shift
	mpath-ioctl "pr-$_op" /dev/$head "$@"
}
expect_eq scsi_lio_pr_register ok "$(pr register 0xabc)"
expect_eq scsi_lio_pr_keys_every_path "keys 2: 0xabc 0xabc" "$(pr read-keys)"
expect_eq scsi_lio_pr_target_registrations "$I1 $I2" "$(lio_regs abc)"

# A registrants-only reservation, with I/O through both paths: both
# groups optimized, round-robin.  A path left unregistered would fail its
# writes with a reservation conflict, which is no path error.
expect_eq scsi_lio_pr_reserve ok "$(pr reserve 0xabc 3)"
expect_eq scsi_lio_pr_read_reservation "key 0xabc type 3" "$(pr read-resv)"
check scsi_lio_pr_target_reservation grep -q "Registrants Only" $PR/res_pr_type
echo 0 > $GB/alua_access_state
echo round-robin > /sys/block/$head/device/iopolicy
check scsi_lio_pr_both_optimized wait_until 300 tur_is $m2 active/optimized
w1=$(writes $p1)
w2=$(writes $p2)
fio_verify scsiliopr /dev/$head 2
fio_result scsiliopr scsi_lio_pr_io
check scsi_lio_pr_io_both_paths test "$(writes $p1)" -gt "$w1" -a "$(writes $p2)" -gt "$w2"
# The host holds the reservation: RESERVE again succeeds through either
# path (round-robin alternates), though LIO's holder is one nexus.
expect_eq scsi_lio_pr_reserve_again ok "$(pr reserve 0xabc 3)"
expect_eq scsi_lio_pr_reserve_again_other_path ok "$(pr reserve 0xabc 3)"
say "LIO reservation (write exclusive, registrants only) held through the head;" \
	"writes on $p1 $w1 -> $(writes $p1), on $p2 $w2 -> $(writes $p2)"

# PREEMPT of the head's own key changes the reservation's type; the
# target also drops the registrations of the key on the other nexuses,
# which the head registers again.
expect_eq scsi_lio_pr_preempt_own ok "$(pr preempt 0xabc 0xabc 4)"
expect_eq scsi_lio_pr_preempt_type "key 0xabc type 4" "$(pr read-resv)"
expect_eq scsi_lio_pr_preempt_keeps_paths "$I1 $I2" "$(lio_regs abc)"
# RELEASE through the head releases whichever path holds it.
expect_eq scsi_lio_pr_release ok "$(pr release 0xabc 4)"
expect_eq scsi_lio_pr_released "key 0x0 type 0" "$(pr read-resv)"
check scsi_lio_pr_target_released grep -q "No SPC-3 Reservation holder" $PR/res_pr_holder_tg_port

# A REGISTER that one path refuses is undone on the others: port 2's
# nexus is re-registered behind the head's back with another key, so
# REGISTER 0xabc -> 0x123 meets a reservation conflict there.
persist $m2 --out --register-ignore --param-sark=0xdef
expect_eq scsi_lio_pr_other_key "$I2" "$(lio_regs def)"
expect_eq scsi_lio_pr_register_conflict "status 0x18" "$(pr register 0x123 0xabc)"
expect_eq scsi_lio_pr_register_undone "$I1" "$(lio_regs abc)"
expect_eq scsi_lio_pr_register_no_new_key "" "$(lio_regs 123)"
expect_eq scsi_lio_pr_register_ignore ok "$(pr register-ignore 0xabc)"
expect_eq scsi_lio_pr_register_ignore_every_path "$I1 $I2" "$(lio_regs abc)"

# A path that comes back is registered before it carries I/O: its
# registration was dropped while it was away.
persist $m2 --out --register-ignore --param-sark=0
expect_eq scsi_lio_pr_path_unregistered "$I1" "$(lio_regs abc)"
check scsi_lio_pr_path_back replug 2
m2=$(member 2)
p2=$(scsi_path_of $m2)
expect_eq scsi_lio_pr_path_back_registered "$I1 $I2" "$(lio_regs abc)"
# Unless the key is gone from the logical unit (another initiator
# preempted it): registering the returning path would undo the fencing.
persist $m1 --out --register-ignore --param-sark=0
persist $m2 --out --register-ignore --param-sark=0
check scsi_lio_pr_fenced_path_back replug 2
m2=$(member 2)
p2=$(scsi_path_of $m2)
expect_eq scsi_lio_pr_fenced_not_registered "" "$(lio_regs abc)"
check scsi_lio_pr_fenced_logged sh -c \
	"dmesg | grep -q 'multipath: reservation key no longer registered'"

# CLEAR through the head removes every registration.
expect_eq scsi_lio_pr_register_again ok "$(pr register 0xabc)"
expect_eq scsi_lio_pr_clear ok "$(pr clear 0xabc)"
expect_eq scsi_lio_pr_cleared "keys 0:" "$(pr read-keys)"
check scsi_lio_pr_target_cleared grep -q None $PR/res_pr_registered_i_pts

lio_teardown scsi_lio
