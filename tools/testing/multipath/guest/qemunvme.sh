# SPDX-License-Identifier: GPL-2.0
# QEMU-emulated NVMe: one subsystem, two controllers, one shared namespace.
. /tests/lib.sh

SUBSYS=/sys/class/nvme-subsystem/nvme-subsys0
modprobe nvme
if ! wait_for /sys/block/nvme0n1/multipath 300; then
	fail nvme_head_exists "no /sys/block/nvme0n1/multipath after 30 s"
	exit 0
fi
ok nvme_head_exists
n=0
while [ "$(ls /sys/block/nvme0n1/multipath | wc -l)" -lt 2 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
paths=$(ls /sys/block/nvme0n1/multipath)
expect_eq nvme_head_has_two_paths 2 "$(echo $paths | wc -w)"
check nvme_head_dev_node test -b /dev/nvme0n1
check nvme_paths_hidden sh -c "! ls /dev/nvme0c*n1 >/dev/null 2>&1"
if [ -e /sys/module/libmultipath/refcnt ]; then
	# Modular library: nvme_core must hold a reference on it.
	check nvme_core_uses_libmultipath test -e /sys/module/libmultipath/holders/nvme_core
else
	check nvme_core_uses_libmultipath grep -q ' mpath_alloc_head$' /proc/kallsyms
fi
say "head nvme0n1: paths $(echo $paths), iopolicy $(cat $SUBSYS/iopolicy)"

expect_eq nvme_iopolicy_default numa "$(cat $SUBSYS/iopolicy)"
echo round-robin > $SUBSYS/iopolicy
expect_eq nvme_iopolicy_set_rr round-robin "$(cat $SUBSYS/iopolicy)"

set -- $paths
p0=$1
p1=$2
b0=$(reads "$p0")
b1=$(reads "$p1")
dd if=/dev/nvme0n1 of=/dev/null bs=4k count=2000 iflag=direct 2>/dev/null
d0=$(($(reads "$p0") - b0))
d1=$(($(reads "$p1") - b1))
say "round-robin: 2000 reads of 4 KiB through nvme0n1 -> $p0: $d0, $p1: $d1"
check nvme_rr_total_reads test $((d0 + d1)) -ge 2000
check nvme_rr_uses_path0 test "$d0" -ge 500
check nvme_rr_uses_path1 test "$d1" -ge 500

# Write a pattern through the head, remove one controller, read it back.
dd if=/dev/urandom of=/tmp/pattern bs=4k count=256 2>/dev/null
dd if=/tmp/pattern of=/dev/nvme0n1 bs=4k oflag=direct conv=fsync 2>/dev/null
want=$(md5sum < /tmp/pattern)
victim=
for c in /sys/class/nvme/nvme*; do
	case "$(ls -d $c/nvme0c*n1 2>/dev/null)" in
	*"/$p1") victim=$c ;;
	esac
done
[ -n "$victim" ] || victim=/sys/class/nvme/nvme1
pci=$(readlink -f "$victim/device")
say "removing path $p1: PCI device ${pci##*/} (${victim##*/})"
echo 1 > "$pci/remove"
n=0
while [ "$(ls /sys/block/nvme0n1/multipath | wc -l)" -ne 1 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
left=$(ls /sys/block/nvme0n1/multipath)
expect_eq nvme_one_path_left "$p0" "$left"
check nvme_head_survives_removal test -b /dev/nvme0n1
b0=$(reads "$p0")
got=$(dd if=/dev/nvme0n1 bs=4k count=256 iflag=direct 2>/dev/null | md5sum)
expect_eq nvme_io_after_path_removal "$want" "$got"
d0=$(($(reads "$p0") - b0))
check nvme_io_went_to_remaining_path test "$d0" -ge 256
say "after removal: paths $(echo $left); 256 reads of 4 KiB -> $p0: $d0, data $( [ "$want" = "$got" ] && echo intact || echo CORRUPT)"
