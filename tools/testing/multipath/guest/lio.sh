# SPDX-License-Identifier: GPL-2.0
# The LIO topology of scsilio.sh and soakscsi.sh (scsi_mod multipath=on):
# one ramdisk LU exported through two tcm_loop target ports, each a SCSI
# host of its own, with implicit ALUA: port 1 (target 1) is in the default
# target port group, port 2 (target 2) in group "b", non-optimized.
# Writing a group's alua_access_state makes the target report the new
# state.  Sourced after lib.sh; lio_setup PREFIX builds it, lio_teardown
# PREFIX takes it down under the head, with checks named PREFIX_*.
T=/sys/kernel/config/target
LU=$T/core/rd_mcp_0/lu0
GA=$LU/alua/default_tg_pt_gp
GB=$LU/alua/b
port() { echo "$T/loopback/naa.500140500000000$1/tpgt_$1"; }

lio_setup() {
	if [ ! -e /sys/module/scsi_mod ]; then
		modprobe scsi_mod multipath=on
	fi
	modprobe sd_mod
	modprobe sg 2>/dev/null
	modprobe scsi_dh_alua
	check "$1_target_modules" sh -c "modprobe target_core_mod && modprobe tcm_loop"
	grep -q configfs /proc/mounts || mount -t configfs none /sys/kernel/config

	# Reservations registered with APTPL (as sd registers them) are
	# written to a file under the target's dbroot, which must exist:
	# without it the target registers the key and then fails the
	# command.
	mkdir -p /tmp/lio/pr
	echo /tmp/lio > $T/dbroot

	# The LU: 32 MiB of ramdisk with a unit serial number, which gives
	# it the NAA designator (VPD page 0x83) that groups its paths.
	mkdir -p $LU
	echo rd_pages=8192 > $LU/control
	echo 5e1f0c2a-77d4-4b8e-9c1a-2f6d3b8e4a90 > $LU/wwn/vpd_unit_serial
	echo 1 > $LU/enable
	mkdir $GB
	echo 2 > $GB/tg_pt_gp_id
	echo 1 > $GB/alua_access_type
	echo 1 > $GA/alua_access_type
	echo 1 > $GB/alua_access_state
	for _i in 1 2; do
		mkdir -p "$(port $_i)/lun/lun_0"
		echo "naa.50014050000000a$_i" > "$(port $_i)/nexus"
		ln -s $LU "$(port $_i)/lun/lun_0/virtual_scsi_port"
	done
	echo b > "$(port 2)/lun/lun_0/alua_tg_pt_gp"
}

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
npaths_is() { [ "$(npaths $head)" = "$1" ]; }
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
# alua_state_is GROUP STATE: the target's state of a group (a number).
alua_state_is() { [ "$(cat $1/alua_access_state)" = "$2" ]; }
# replug PORT: take the LU away from a tcm_loop port and give it back;
# the path leaves the head and comes back as a new sd disk.
replug() {
	rm "$(port $1)/lun/lun_0/virtual_scsi_port"
	wait_until 100 npaths_is 1 || return 1
	ln -s $LU "$(port $1)/lun/lun_0/virtual_scsi_port"
	wait_until 150 npaths_is 2
}

# Tear the target down under the head: the paths and the head go.  The
# fabric directory holds tcm_loop, the HBA the backstore; the target core
# may stay busy a moment after its last HBA went.
lio_teardown() {
	for _i in 2 1; do
		rm "$(port $_i)/lun/lun_0/virtual_scsi_port"
		rmdir "$(port $_i)/lun/lun_0"
	done
	check "$1_paths_gone" wait_until 150 no_heads_left
	check "$1_teardown" lio_rmdirs
	check "$1_unload" wait_until 50 lio_unload
}
lio_rmdirs() {
	for _d in "$(port 2)" $T/loopback/naa.5001405000000002 "$(port 1)" \
		$T/loopback/naa.5001405000000001 $T/loopback $GB $LU $T/core/rd_mcp_0; do
		rmdir "$_d" || { echo "teardown: rmdir $_d failed"; return 1; }
	done
}
unload() { [ ! -e /sys/module/$1 ] || rmmod $1 2>/dev/null; }
lio_unload() { unload tcm_loop && unload target_core_mod; }
