# SPDX-License-Identifier: GPL-2.0
# Benchmark (make bench, dev/bench.sh): fio io_uring 4 KiB random reads and
# writes against nvmet-loop on null_blk, through the multipath head for
# each I/O policy (two optimized paths), then through the same namespace
# with nvme_core loaded with multipath=0 (one controller, no multipath
# layer).  Needs the modular kernel (NVMe core reloaded) and the host's fio
# over 9p.  Prints one line per fio run:
#   MPBENCH fio TARGET RW IODEPTH JOBS <fio JSON on one line>
# and the in-kernel selection cost and head size lines of the KUnit suite
# libmultipath_bench (patched kernel only):
#   MPBENCH kunit <line>
# Kernel command line: mpbench=RUNTIME (seconds per fio run, default 3).
. /tests/lib.sh

runtime=3
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpbench=*) runtime=${arg#mpbench=} ;;
	esac
done
if [ ! -x /host/usr/bin/fio ]; then
	fail bench_host_fio_visible "no /host/usr/bin/fio (9p share of the host's /)"
	exit 0
fi
TR=loop
NQN=mpath-bench
CFS=/sys/kernel/config/nvmet
for m in null_blk nvme_core nvmet nvme-loop; do
	case $m in
	null_blk) modprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 gb=16 ;;
	*) modprobe "$m" ;;
	esac || { fail bench_modules "cannot load $m"; exit 0; }
done

mkdir "$CFS/subsystems/$NQN"
echo 1 > "$CFS/subsystems/$NQN/attr_allow_any_host"
mkdir "$CFS/subsystems/$NQN/namespaces/1"
echo -n /dev/nullb0 > "$CFS/subsystems/$NQN/namespaces/1/device_path"
echo -n 5c1e8b4a-6f0d-4c57-9f7e-2b8d1f3a9c10 > "$CFS/subsystems/$NQN/namespaces/1/device_uuid"
echo 1 > "$CFS/subsystems/$NQN/namespaces/1/enable"
# Enabled loop ports hold a reference on nvme-loop: ports_down before
# reloading it.
ports_up() {
	for p in 1 2; do
		mkdir "$CFS/ports/$p"
		echo loop > "$CFS/ports/$p/addr_trtype"
		echo "$p" > "$CFS/ports/$p/addr_traddr"
		echo optimized > "$CFS/ports/$p/ana_groups/1/ana_state"
		ln -s "$CFS/subsystems/$NQN" "$CFS/ports/$p/subsystems/$NQN"
	done
}
ports_down() {
	for p in 1 2; do
		rm -f "$CFS/ports/$p/subsystems/$NQN"
		rmdir "$CFS/ports/$p"
	done
}
ports_up

disconnect_all() {
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/delete_controller" ] && echo 1 > "$c/delete_controller"
	done
	n=0
	while [ -n "$(ls /sys/class/nvme 2>/dev/null)" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
}

# run TARGET DEV: the fio matrix on DEV.
run() {
	for w in randread,1,1 randread,1,2 randread,32,1 randread,32,2 \
		randwrite,1,1 randwrite,1,2 randwrite,32,1 randwrite,32,2; do
		IFS=, read -r rw qd jobs <<-EOF
		$w
		EOF
		if ! hostrun /usr/bin/fio --name=bench --filename="$2" --direct=1 \
			--ioengine=io_uring --rw="$rw" --bs=4k --iodepth="$qd" \
			--numjobs="$jobs" --group_reporting --thread \
			--norandommap --randrepeat=0 --time_based \
			--ramp_time=1 --runtime="$runtime" \
			--output-format=json --output=/tmp/bench.json >/dev/null 2>&1; then
			fail "bench_fio_$1_${rw}_${qd}_$jobs" "fio failed on $2"
			continue
		fi
		echo "MPBENCH fio $1 $rw $qd $jobs $(tr -d '\n\t' < /tmp/bench.json)"
	done
}

# Through the head, two optimized paths.
c1=$(connect 1)
c2=$(connect 2)
head=
n=0
while [ -z "$head" ] && [ $n -lt 100 ]; do
	for d in /sys/block/nvme*n*; do
		case "${d##*/}" in *c*) continue ;; esac
		[ "$(npaths "${d##*/}")" = 2 ] && head=${d##*/}
	done
	[ -n "$head" ] || sleep 0.1
	n=$((n + 1))
done
if [ -z "$head" ]; then
	fail bench_head_with_two_paths "controllers $c1 $c2, no head with both paths"
	exit 0
fi
ok bench_head_with_two_paths
subsys=$(subsys_dir)
for policy in numa round-robin queue-depth; do
	echo "$policy" > "$subsys/iopolicy"
	expect_eq "bench_iopolicy_$policy" "$policy" "$(cat "$subsys/iopolicy")"
	run "$policy" "/dev/$head"
done
disconnect_all
ports_down

# The same namespace without the multipath layer.
if ! err=$(rmmod nvme_loop nvme_fabrics nvme_core 2>&1 &&
	modprobe nvme_core multipath=0 2>&1 && modprobe nvme-loop 2>&1); then
	fail bench_nomultipath_modules "cannot reload nvme_core multipath=0: $err;$(lsmod |
		grep nvme | tr '\n' ' ')"
	exit 0
fi
expect_eq bench_nomultipath_param N "$(cat /sys/module/nvme_core/parameters/multipath)"
ports_up
c1=$(connect 1)
dev=
n=0
while [ -z "$dev" ] && [ $n -lt 100 ]; do
	for d in /sys/class/nvme/$c1/nvme*n*; do
		[ -e "$d" ] && dev=${d##*/}
	done
	[ -n "$dev" ] || sleep 0.1
	n=$((n + 1))
done
case "$dev" in
nvme*c*n*|"")
	fail bench_nomultipath_namespace "controller $c1: namespace '$dev'"
	exit 0 ;;
esac
ok bench_nomultipath_namespace
run nomultipath "/dev/$dev"
disconnect_all

dmesg | grep -E 'libmultipath_bench: (select|head) ' | sed 's/^\[[^]]*\] *//; s/^/MPBENCH kunit /'
