# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath with multipath=always: any device with a VPD page
# 0x83 designator is multipathed, target port groups or not.  scsi_debug
# with vpd_use_hostno=1 reports no TPGS and a designator per host: each
# device is a head of one path, which "on" would have left alone.  Needs
# a boot of its own: scsi_mod reads multipath= when it loads.
. /tests/lib.sh

[ -e /sys/module/scsi_mod ] || modprobe scsi_mod multipath=always
modprobe sd_mod 2>/dev/null
expect_eq scsi_always_param always \
	"$(cat /sys/module/scsi_mod/parameters/multipath 2>/dev/null)"

one_path_each() {
	set -- $(heads)
	[ $# = 2 ] && [ "$(npaths $1)" = 1 ] && [ "$(npaths $2)" = 1 ]
}
modprobe scsi_debug vpd_use_hostno=1 add_host=2 num_tgts=1 max_luns=1 \
	dev_size_mb=16 delay=0
check scsi_always_head_per_device wait_until 150 one_path_each
set -- $(heads)
h1=$1
h2=$2
say "multipath=always, no TPGS: heads $h1, $h2, one path each"
check scsi_always_distinct_ids test -n "$h1" -a \
	"$(cat /sys/block/$h1/device/vpd_id 2>/dev/null)" != \
	"$(cat /sys/block/$h2/device/vpd_id 2>/dev/null)"
expect_eq scsi_always_two_classes 2 "$(ls /sys/class/scsi_mpath_device | wc -w)"

# No device handler: the path reads as active/optimized and carries the
# I/O.
p1=$(ls /sys/block/$h1/multipath 2>/dev/null)
dd if=/dev/urandom of=/tmp/apattern bs=4k count=64 2>/dev/null
dd if=/tmp/apattern of=/dev/$h1 bs=4k oflag=direct conv=fsync 2>/dev/null
r0=$(reads "$p1")
expect_eq scsi_always_data "$(md5sum < /tmp/apattern)" \
	"$(dd if=/dev/$h1 bs=4k count=64 iflag=direct 2>/dev/null | md5sum)"
check scsi_always_path_carries_io test "$(($(reads "$p1") - r0))" -ge 64

rmmod scsi_debug
no_mpath_devices() { [ -z "$(ls /sys/class/scsi_mpath_device)" ]; }
check scsi_always_heads_gone wait_until 100 no_mpath_devices
