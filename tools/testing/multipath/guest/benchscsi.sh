# SPDX-License-Identifier: GPL-2.0
# SCSI benchmark (make bench BENCH=scsi, dev/bench.sh): fio io_uring 4 KiB
# random reads and writes, iodepth 1 and 32, on one scsi_debug LU
# (delay=0) with two active/optimized paths, through
#   single       one path's plain sd disk (scsi_mod multipath=off)
#   dm-rr-rq     dm-multipath, both paths in one group, round-robin,
#   dm-ql-rq     queue-length, request-based (queue_mode rq),
#   dm-rr-bio    and bio-based (queue_mode bio): tables made with dmsetup
#   dm-ql-bio    directly, no multipath-tools
# or, with mpscsi=on on the patched kernel, scsi_mod loaded with
# multipath=on:
#   numa, round-robin, queue-depth   the native head with that iopolicy.
# scsi_mod cannot be reloaded in one boot (the second load's hosts fail
# with "kobject_add_internal failed for scsi_tmf_0 with -EEXIST", on the
# unpatched kernel too), hence a boot for each.  Needs the modular kernel
# and the host's fio and dmsetup over 9p.  Prints one line per fio run:
#   MPBENCH scsi TARGET RW IODEPTH <fio JSON on one line>
# Kernel command line: mpbench=RUNTIME (seconds per fio run, default 3),
# mpscsi=off|on (default off).
. /tests/lib.sh

runtime=3
mpscsi=off
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpbench=*) runtime=${arg#mpbench=} ;;
	mpscsi=*) mpscsi=${arg#mpscsi=} ;;
	esac
done
for p in /usr/bin/fio /sbin/dmsetup; do
	if [ ! -x "/host$p" ]; then
		fail benchscsi_host_tools \
			"no /host$p (9p share of the host's /): make setup installs fio and dmsetup"
		exit 0
	fi
done
if [ -e /sys/module/scsi_mod ]; then
	fail benchscsi_scsi_mod_unloaded "scsi_mod is loaded: run benchscsi in its own boot"
	exit 0
fi
dmsetup() { DM_DISABLE_UDEV=1 hostrun /sbin/dmsetup "$@"; }

# words WORD...: the words sorted, on one line.
words() { printf '%s\n' "$@" | sort | tr '\n' ' '; }

# ios STAT...: the I/Os completed on each block device's stat file.
ios() {
	for _f in "$@"; do
		awk '{ printf "%d ", $1 + $5 }' "$_f"
	done
}

# run TARGET DEV [PATHSTAT...]: the fio matrix on DEV; with the stat files
# of the paths, checks that each carried I/O.
run() {
	_t=$1
	_dev=$2
	shift 2
	_before=$(ios "$@")
	for w in randread,1 randread,32 randwrite,1 randwrite,32; do
		IFS=, read -r rw qd <<-EOF
		$w
		EOF
		if ! hostrun /usr/bin/fio --name=bench --filename="$_dev" --direct=1 \
			--ioengine=io_uring --rw="$rw" --bs=4k --iodepth="$qd" \
			--numjobs=1 --thread --norandommap --randrepeat=0 \
			--time_based --ramp_time=1 --runtime="$runtime" \
			--output-format=json --output=/tmp/bench.json >/dev/null 2>&1; then
			fail "benchscsi_fio_${_t}_${rw}_$qd" "fio failed on $_dev"
			continue
		fi
		echo "MPBENCH scsi $_t $rw $qd $(tr -d '\n\t' < /tmp/bench.json)"
	done
	[ $# -gt 0 ] || return 0
	_after=$(ios "$@")
	_i=1
	for _b in $_before; do
		if [ "$(echo $_after | cut -d' ' -f$_i)" -le "$_b" ]; then
			fail "benchscsi_$(echo $_t | tr - _)_every_path" \
				"path $_i idle: I/Os before $_before after $_after"
			return
		fi
		_i=$((_i + 1))
	done
	ok "benchscsi_$(echo $_t | tr - _)_every_path"
}

# scsi_debug's REPORT TARGET PORT GROUPS gives host N the ALUA state N % 3
# (0 active/optimized, 1 active/non-optimized, 2 standby).  load_lu: load
# scsi_debug with four hosts (the first SCSI hosts of the boot: 0-3) and
# keep hosts 0 and 3, two optimized paths; their H:C:T:L in $opt.
load_lu() {
	modprobe scsi_debug vpd_use_hostno=0 add_host=4 num_tgts=1 max_luns=1 \
		dev_size_mb=64 delay=0 || return 1
	_n=0
	while [ "$(ls /sys/bus/scsi/drivers/sd | grep -c ':')" -lt 4 ] && [ $_n -lt 100 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	opt=
	for _s in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*; do
		_h=${_s##*/}
		case $_h in
		0:0:0:0 | 3:0:0:0) opt="$opt $_h" ;;
		*) echo 1 > "$_s/delete" ;;
		esac
	done
	[ "$(echo $opt | wc -w)" = 2 ]
}

# plain_and_dm: the plain disks and dm-multipath.
plain_and_dm() {
	for m in scsi_mod sd_mod scsi_dh_alua dm_multipath dm_round_robin dm_queue_length; do
		modprobe $m || { fail benchscsi_modules "cannot load $m"; return; }
	done
	expect_eq benchscsi_multipath_off "" \
		"$(grep -x on /sys/module/scsi_mod/parameters/multipath 2>/dev/null)"
	if ! load_lu; then
		fail benchscsi_two_members "members 0:0:0:0 and 3:0:0:0: '$opt'"
		return
	fi
	disks=
	majmin=
	for h in $opt; do
		d=$(ls /sys/class/scsi_device/$h/device/block 2>/dev/null)
		disks="$disks $d"
		majmin="$majmin $(cat /sys/block/$d/dev)"
	done
	read -r d1 d2 <<-EOF
	$disks
	EOF
	set -- $majmin
	sectors=$(cat /sys/block/$d1/size 2>/dev/null)
	check benchscsi_two_plain_disks test -n "$2" -a -n "$sectors"
	run single "/dev/$d1"
	for ps in round-robin,rr queue-length,ql; do
		for qm in rq bio; do
			IFS=, read -r sel short <<-EOF
			$ps
			EOF
			map=mpbench-$short-$qm
			table="0 $sectors multipath 2 queue_mode $qm 0 1 1 $sel 0 2 1 $1 1 $2 1"
			if ! dmsetup create $map --table "$table"; then
				fail "benchscsi_dm_${short}_$qm" "dmsetup create $map failed"
				continue
			fi
			dm=
			for _d in /sys/block/dm-*; do
				[ "$(cat $_d/dm/name 2>/dev/null)" = $map ] && dm=${_d##*/}
			done
			expect_eq "benchscsi_dm_${short}_${qm}_paths" "$(words $d1 $d2)" \
				"$(words $(ls /sys/block/$dm/slaves 2>/dev/null))"
			run "dm-$short-$qm" "/dev/mapper/$map" \
				/sys/block/$d1/stat /sys/block/$d2/stat
			dmsetup status $map > /tmp/dmstatus
			check "benchscsi_dm_${short}_${qm}_paths_active" \
				test "$(grep -oE ' [0-9]+:[0-9]+ A ' /tmp/dmstatus | wc -l)" = 2
			dmsetup remove $map ||
				fail "benchscsi_dm_${short}_${qm}_removed" "dmsetup remove $map"
		done
	done
}

# heads: the native head.
heads() {
	modprobe scsi_mod multipath=on && modprobe sd_mod && modprobe scsi_dh_alua ||
		{ fail benchscsi_multipath_on "cannot load scsi_mod multipath=on"; return; }
	if ! load_lu; then
		fail benchscsi_head_members "members 0:0:0:0 and 3:0:0:0: '$opt'"
		return
	fi
	has_two() { [ "$(ls /sys/block/$head/multipath 2>/dev/null | wc -w)" = 2 ]; }
	head=
	for d in /sys/block/sd*; do
		[ -d "$d/multipath" ] && head=${d##*/}
	done
	check benchscsi_head_two_paths wait_until 100 has_two
	for h in $opt; do
		check "benchscsi_head_optimized_$h" wait_until 100 access_is $h active/optimized
	done
	cls=/sys/block/$head/device
	for policy in numa round-robin queue-depth; do
		echo "$policy" > "$cls/iopolicy"
		expect_eq "benchscsi_iopolicy_$policy" "$policy" "$(cat "$cls/iopolicy")"
		case $policy in
		numa) run "$policy" "/dev/$head" ;;
		*) run "$policy" "/dev/$head" /sys/block/$head/multipath/*/stat ;;
		esac
	done
}

case $mpscsi in
off) plain_and_dm ;;
on) heads ;;
*) fail benchscsi_mpscsi "mpscsi=$mpscsi: off or on" ;;
esac
