# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath on an LIO target (scsi_mod multipath=on): one
# ramdisk LU exported through two tcm_loop target ports, each a SCSI host
# of its own, with implicit ALUA: port 1 (target 1) is in the default
# target port group, port 2 (target 2) in group "b".  Writing a group's
# alua_access_state makes the target report the new state.
#
# LIO establishes the "asymmetric access state changed" unit attention
# only on the I_T nexuses of the ports in the group that changed, and the
# initiator sees it with the next command on such a nexus.  So each step
# below changes the group of the path that carries the I/O, or sends a
# TEST UNIT READY through the other port, as a path checker would.
. /tests/lib.sh

T=/sys/kernel/config/target
LU=$T/core/rd_mcp_0/lu0
GA=$LU/alua/default_tg_pt_gp
GB=$LU/alua/b
port() { echo "$T/loopback/naa.500140500000000$1/tpgt_$1"; }

if [ ! -e /sys/module/scsi_mod ]; then
	modprobe scsi_mod multipath=on
fi
modprobe sd_mod
modprobe sg 2>/dev/null
modprobe scsi_dh_alua
check scsi_lio_target_modules sh -c "modprobe target_core_mod && modprobe tcm_loop"
grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config

# Reservations registered with APTPL (as sd registers them) are written
# to a file under the target's dbroot, which must exist: without it the
# target registers the key and then fails the command.
mkdir -p /tmp/lio/pr
echo /tmp/lio > $T/dbroot

# The LU: 32 MiB of ramdisk with a unit serial number, which gives it the
# NAA designator (VPD page 0x83) that groups its paths.
mkdir -p $LU
echo rd_pages=8192 > $LU/control
echo 5e1f0c2a-77d4-4b8e-9c1a-2f6d3b8e4a90 > $LU/wwn/vpd_unit_serial
echo 1 > $LU/enable
mkdir $GB
echo 2 > $GB/tg_pt_gp_id
echo 1 > $GB/alua_access_type
echo 1 > $GA/alua_access_type
echo 1 > $GB/alua_access_state
for i in 1 2; do
	mkdir -p "$(port $i)/lun/lun_0"
	echo "naa.50014050000000a$i" > "$(port $i)/nexus"
	ln -s $LU "$(port $i)/lun/lun_0/virtual_scsi_port"
done
echo b > "$(port 2)/lun/lun_0/alua_tg_pt_gp"

# The head and its members, found by target number (= port).
member() {
	for _m in /sys/class/scsi_device/*:0:$1:0; do
		case "$(cat $_m/device/vendor 2>/dev/null)" in
		LIO-ORG*) echo "${_m##*/}" ;;
		esac
	done
}
lio_head() {
	head=$(heads)
	[ -n "$head" ] && [ "$(npaths $head)" = 2 ]
}
# tur MEMBER: TEST UNIT READY through a member's sg node.
tur() {
	_sg=$(ls /sys/class/scsi_device/$1/device/scsi_generic)
	hostrun /usr/bin/sg_turs "/dev/$_sg" >/dev/null 2>&1
}
# tur_is MEMBER STATE: a TEST UNIT READY through MEMBER, then its state.
tur_is() {
	tur "$1"
	access_is "$1" "$2"
}
# read_is MEMBER STATE: one read through the head, then MEMBER's state.
read_is() {
	dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
	access_is "$1" "$2"
}
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
check scsi_lio_port1_optimized wait_until 100 tur_is $m1 active/optimized
check scsi_lio_port2_nonoptimized wait_until 100 tur_is $m2 active/non-optimized
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
check scsi_lio_flip_port2_optimized wait_until 100 access_is $m2 active/optimized
check scsi_lio_flip_port1_nonoptimized wait_until 100 access_is $m1 active/non-optimized
check scsi_lio_flip_io_moves wait_until 100 test "$(writes $p2)" -gt "$w2"
say "LIO ALUA flip under fio verify: $p2 optimized, $p1 non-optimized," \
	"writes on $p2 $w2 -> $(writes $p2)"
# And back, while fio still runs: now port 2 carries the I/O.
echo 0 > $GA/alua_access_state
echo 1 > $GB/alua_access_state
check scsi_lio_flip_back_port1 wait_until 100 read_is $m1 active/optimized
check scsi_lio_flip_back_port2 wait_until 100 access_is $m2 active/non-optimized
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
check scsi_lio_slow_transition_target wait_until 20 \
	test "$(cat $GA/alua_access_state)" = 15
wait $tb $ta
check scsi_lio_slow_transition_under_io kill -0 $fiopid
check scsi_lio_slow_transition_port2 wait_until 100 read_is $m2 active/optimized
echo 0 > $GA/alua_access_state &
ta=$!
echo 1 > $GB/alua_access_state &
tb=$!
wait $ta $tb
check scsi_lio_slow_transition_back wait_until 100 read_is $m1 active/optimized
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
check scsi_lio_standby_state wait_until 100 read_is $m1 standby
check scsi_lio_standby_io_moves reads_go_to $p2
expect_eq scsi_lio_standby_data "$want" "$(lread)"

# Transitioning: group b (carrying the I/O) is held in transitioning
# while the default group is standby: no path may carry the I/O, so it
# waits; when group b becomes optimized the ALUA handler, which polls a
# transitioning group, sees it and the I/O completes.
echo 15 > $GB/alua_access_state
dd if=/dev/$head of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null &
ddpid=$!
check scsi_lio_transitioning_state wait_until 100 access_is $m2 transitioning
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
check scsi_lio_tur_port1_optimized wait_until 100 tur_is $m1 active/optimized
check scsi_lio_tur_io_back wait_until 100 reads_go_to $p1

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
check scsi_lio_pr_both_optimized wait_until 100 tur_is $m2 active/optimized
w1=$(writes $p1)
w2=$(writes $p2)
fio_verify scsiliopr /dev/$head 2
fio_result scsiliopr scsi_lio_pr_io
check scsi_lio_pr_io_both_paths test "$(writes $p1)" -gt "$w1" -a "$(writes $p2)" -gt "$w2"
say "LIO reservation (write exclusive, registrants only) held through the head;" \
	"writes on $p1 $w1 -> $(writes $p1), on $p2 $w2 -> $(writes $p2)"

# PREEMPT of the head's own key changes the reservation's type; the
# target also drops the registrations of the key on the other nexuses,
# which the head registers again.
expect_eq scsi_lio_pr_preempt_own ok "$(pr preempt 0xabc 0xabc 4)"
expect_eq scsi_lio_pr_preempt_type "key 0xabc type 4" "$(pr read-resv)"
expect_eq scsi_lio_pr_preempt_keeps_paths "$I1 $I2" "$(lio_regs abc)"
expect_eq scsi_lio_pr_release ok "$(pr release 0xabc 4)"
expect_eq scsi_lio_pr_released "key 0x0 type 0" "$(pr read-resv)"

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

# replug PORT: take the LU away from a tcm_loop port and give it back;
# the path leaves the head and comes back as a new sd disk.
npaths_is() { [ "$(npaths $head)" = "$1" ]; }
replug() {
	rm "$(port $1)/lun/lun_0/virtual_scsi_port"
	wait_until 100 npaths_is 1 || return 1
	ln -s $LU "$(port $1)/lun/lun_0/virtual_scsi_port"
	wait_until 150 npaths_is 2
}
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

# Tear the target down under the head: the paths and the head go.
for i in 2 1; do
	rm "$(port $i)/lun/lun_0/virtual_scsi_port"
	rmdir "$(port $i)/lun/lun_0"
done
check scsi_lio_paths_gone wait_until 150 test -z "$(heads)"
teardown() {
	for _d in "$(port 2)" $T/loopback/naa.5001405000000002 "$(port 1)" \
		$T/loopback/naa.5001405000000001 $T/loopback $GB $LU $T/core/rd_mcp_0; do
		rmdir "$_d" || { echo "teardown: rmdir $_d failed"; return 1; }
	done
}
check scsi_lio_teardown teardown
# The fabric directory held tcm_loop, the HBA the backstore; the target
# core may stay busy a moment after its last HBA went.
unload() { [ ! -e /sys/module/$1 ] || rmmod $1 2>/dev/null; }
lio_unload() { unload tcm_loop && unload target_core_mod; }
check scsi_lio_unload wait_until 50 lio_unload
