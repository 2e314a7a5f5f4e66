# SPDX-License-Identifier: GPL-2.0
# Native SCSI multipath (scsi_mod.multipath=on): scsi_debug presents one LU
# through two hosts (vpd_use_hostno=0); the LU becomes one head disk sdX
# with the hidden paths sdX:0 and sdX:1.
. /tests/lib.sh

modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 dev_size_mb=16 delay=0
cls=/sys/class/scsi_mpath_device/scsi_mpath_device0
check scsi_mpath_head_device wait_for $cls/multipath 100
n=0
while [ "$(ls $cls/multipath 2>/dev/null | wc -w)" -lt 2 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
expect_eq scsi_mpath_two_members 2 "$(ls $cls/multipath | wc -w)"
head=
for d in /sys/block/sd*; do
	[ -d "$d/multipath" ] && head=${d##*/}
done
n=0
while [ -z "$head" ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
	for d in /sys/block/sd*; do
		[ -d "$d/multipath" ] && head=${d##*/}
	done
done
check scsi_mpath_head_disk test -n "$head"
say "head $head: $(ls /sys/block/$head/multipath | tr '\n' ' ')"
say "vpd_id $(cat $cls/vpd_id) iopolicy $(cat $cls/iopolicy)"
say "block: $(ls /sys/block | tr '\n' ' ')"
say "dev: $(ls /dev | grep sd | tr '\n' ' ')"
for m in $cls/multipath/*; do
	say "member ${m##*/}: state $(cat $m/state) access $(cat $m/access_state 2>&1)"
done
expect_eq scsi_mpath_head_paths "$head:0 $head:1" "$(ls /sys/block/$head/multipath | tr '\n' ' ' | sed 's/ $//')"
check scsi_mpath_no_path_nodes test ! -e "/dev/$head:0"
dd if=/dev/urandom of=/tmp/spattern bs=4k count=64 2>/dev/null
dd if=/tmp/spattern of=/dev/$head bs=4k oflag=direct conv=fsync 2>/dev/null
want=$(md5sum < /tmp/spattern)
got=$(dd if=/dev/$head bs=4k count=64 iflag=direct 2>/dev/null | md5sum)
expect_eq scsi_mpath_data_through_head "$want" "$got"
read_through "$head" 200 "$head:0" "$head:1"
say "numa: 200 reads: $head:0 $d0, $head:1 $d1"
echo round-robin > $cls/iopolicy
read_through "$head" 200 "$head:0" "$head:1"
say "round-robin: 200 reads: $head:0 $d0, $head:1 $d1"
say "head stat: $(cat /sys/block/$head/stat)"
dmesg | grep -i "alua\|multipath" | while read -r l; do say "dmesg: $l"; done
