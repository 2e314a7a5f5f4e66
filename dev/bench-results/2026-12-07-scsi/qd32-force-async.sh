# SPDX-License-Identifier: GPL-2.0
# One-off: plain sd (multipath=off) or the head (mpscsi=on) at iodepth 32,
# fio io_uring inline vs force_async (every I/O through io-wq).
. /tests/lib.sh
mode=off
for arg in $(cat /proc/cmdline); do case "$arg" in mpscsi=*) mode=${arg#mpscsi=} ;; esac; done
modprobe scsi_mod multipath=$mode && modprobe sd_mod && modprobe scsi_dh_alua
modprobe scsi_debug vpd_use_hostno=0 add_host=4 num_tgts=1 max_luns=1 dev_size_mb=64 delay=0
n=0; while [ "$(ls /sys/bus/scsi/drivers/sd | grep -c ':')" -lt 4 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
for s in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*; do
	case ${s##*/} in 0:0:0:0 | 3:0:0:0) ;; *) echo 1 > "$s/delete" ;; esac
done
sleep 1
if [ $mode = off ]; then
	dev=/dev/$(ls /sys/class/scsi_device/0:0:0:0/device/block)
else
	for d in /sys/block/sd*; do [ -d "$d/multipath" ] && dev=/dev/${d##*/}; done
fi
for fa in 0 1; do
	for qd in 1 32; do
		hostrun /usr/bin/fio --name=q --filename="$dev" --direct=1 --ioengine=io_uring \
			--rw=randread --bs=4k --iodepth=$qd --numjobs=1 --thread --norandommap \
			--randrepeat=0 --time_based --ramp_time=1 --runtime=1 --force_async=$fa \
			--output-format=terse --output=/tmp/q.out >/dev/null 2>&1
		echo "QD32 mode=$mode dev=$dev force_async=$fa qd=$qd iops=$(cut -d';' -f8 /tmp/q.out)"
	done
done
ok qd32_done
