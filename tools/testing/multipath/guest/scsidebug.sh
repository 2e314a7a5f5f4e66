# SPDX-License-Identifier: GPL-2.0
# scsi_debug: the same LU through two hosts (vpd_use_hostno=0).
. /tests/lib.sh

# As a module, sd is not loaded without udev.
modprobe sd_mod 2>/dev/null
modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 dev_size_mb=16 delay=0
disks=
n=0
while [ $n -lt 100 ]; do
	disks=
	for d in /sys/block/sd*; do
		[ -e "$d/device/model" ] || continue
		case "$(cat $d/device/model)" in
		scsi_debug*) disks="$disks ${d##*/}" ;;
		esac
	done
	[ "$(echo $disks | wc -w)" -ge 2 ] && break
	sleep 0.1
	n=$((n + 1))
done
expect_eq scsi_debug_two_disks 2 "$(echo $disks | wc -w)"
set -- $disks
a=$1
b=$2
if [ -n "$a" ] && [ -n "$b" ]; then
	wa=$(cat /sys/block/$a/device/wwid)
	wb=$(cat /sys/block/$b/device/wwid)
	expect_eq scsi_debug_same_wwid "$wa" "$wb"
	ha=$(readlink -f /sys/block/$a/device | grep -o 'host[0-9]*' | head -n1)
	hb=$(readlink -f /sys/block/$b/device | grep -o 'host[0-9]*' | head -n1)
	check scsi_debug_different_hosts test "$ha" != "$hb"
	dd if=/dev/urandom of=/tmp/spattern bs=4k count=64 2>/dev/null
	dd if=/tmp/spattern of=/dev/$a bs=4k oflag=direct conv=fsync 2>/dev/null
	want=$(md5sum < /tmp/spattern)
	got=$(dd if=/dev/$b bs=4k count=64 iflag=direct 2>/dev/null | md5sum)
	expect_eq scsi_debug_shared_store "$want" "$got"
	say "scsi_debug LU: $a ($ha) and $b ($hb), wwid $wa"
fi
# multipath=off (the default): no multipath heads, the paths are the
# stock disks above.
no_heads() { [ -z "$(ls /sys/class/scsi_mpath_device 2>/dev/null)" ]; }
check scsi_debug_no_multipath_heads no_heads
rmmod scsi_debug
