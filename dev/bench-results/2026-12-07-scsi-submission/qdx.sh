# SPDX-License-Identifier: GPL-2.0
# One-off: plain sd, dm-multipath (bio, rq) or the head at iodepth 1 and 32
# with fio io_uring and libaio, each with fio's default submission (one I/O
# per io_uring_enter/io_submit) and with batches of up to 32.
. /tests/lib.sh
mode=off
for arg in $(cat /proc/cmdline); do case "$arg" in mpscsi=*) mode=${arg#mpscsi=} ;; esac; done
dmsetup() { DM_DISABLE_UDEV=1 hostrun /sbin/dmsetup "$@"; }
modprobe scsi_mod multipath=$mode && modprobe sd_mod && modprobe scsi_dh_alua
modprobe dm_multipath; modprobe dm_round_robin
modprobe scsi_debug vpd_use_hostno=0 add_host=4 num_tgts=1 max_luns=1 dev_size_mb=64 delay=0
n=0; while [ "$(ls /sys/bus/scsi/drivers/sd | grep -c ':')" -lt 4 ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
for s in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*; do
	case ${s##*/} in 0:0:0:0 | 3:0:0:0) ;; *) echo 1 > "$s/delete" ;; esac
done
sleep 1
fiorun() {
	t=$1 dev=$2
	for v in uring uring-b32 libaio libaio-b32; do
		case $v in
		uring) o="--ioengine=io_uring" ;;
		uring-b32) o="--ioengine=io_uring --iodepth_batch_submit=32 --iodepth_batch_complete_max=32" ;;
		libaio) o="--ioengine=libaio" ;;
		libaio-b32) o="--ioengine=libaio --iodepth_batch_submit=32 --iodepth_batch_complete_max=32" ;;
		esac
		for qd in 1 32; do
			[ $qd = 1 ] && case $v in *-b32) continue ;; esac
			hostrun /usr/bin/fio --name=q --filename="$dev" --direct=1 $o \
				--rw=randread --bs=4k --iodepth=$qd --numjobs=1 --thread --norandommap \
				--randrepeat=0 --time_based --ramp_time=1 --runtime=1 \
				--output-format=terse --output=/tmp/q.out >/dev/null 2>&1
			echo "QDX target=$t engine=$v qd=$qd iops=$(cut -d';' -f8 /tmp/q.out)"
		done
	done
}
if [ $mode = off ]; then
	d1=$(ls /sys/class/scsi_device/0:0:0:0/device/block)
	d2=$(ls /sys/class/scsi_device/3:0:0:0/device/block)
	fiorun single /dev/$d1
	sectors=$(cat /sys/block/$d1/size)
	for qm in bio rq; do
		dmsetup create x$qm --table "0 $sectors multipath 2 queue_mode $qm 0 1 1 round-robin 0 2 1 $(cat /sys/block/$d1/dev) 1 $(cat /sys/block/$d2/dev) 1"
		for _d in /sys/block/dm-*; do [ "$(cat $_d/dm/name)" = x$qm ] && dm=${_d##*/}; done
		fiorun dm-rr-$qm /dev/$dm
		dmsetup remove x$qm
	done
else
	for d in /sys/block/sd*; do [ -d "$d/multipath" ] && dev=/dev/${d##*/}; done
	echo round-robin > /sys/block/${dev#/dev/}/device/iopolicy
	echo "iopolicy $(cat /sys/block/${dev#/dev/}/device/iopolicy)"
	fiorun head-rr $dev
fi
ok qdx_done
