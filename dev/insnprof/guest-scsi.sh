# SPDX-License-Identifier: GPL-2.0
# Guest side of PROF_SCSI=1 make insnprof (dev/insnprof.sh), run as
# /tests/insnprof.sh (mtest=insnprof) from an archive appended to the test
# initramfs.
#
# 4 KiB random reads at queue depth 1 on one scsi_debug LU (delay=0) with
# two active/optimized paths (hosts 0 and 3 of four, the others deleted),
# as benchscsi.sh sets it up: with mpscsi=on (scsi_mod multipath=on)
# through the native head for each I/O policy, as targets numa,
# round-robin and queue-depth; with mpscsi=off (multipath=off) through one
# path's plain sd disk, under the same three target names, so that the
# host can subtract the plain disk's instructions per I/O, per function,
# from the head's.  Each fio run is bracketed by two sync calls (see
# guest.sh); nothing else may call sync(2) before the last run.
#
# Prints:
#   MPPROF run TARGET IOS                  before each bracketed run
#   MPPROF ksym ADDR TYPE NAME [MODULE]    all text symbols, after the runs
#   MPTEST ok prof_done                    at the end
#   MPTEST fail NAME: REASON               on failure
# Kernel command line: mpprof=N1,N2 or mpprof=syms (lib.sh),
# mpscsi=off|on.
. /tests/lib.sh
prof_size=32M
. /tests/insnprof-lib.sh

mode=
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpscsi=*) mode=${arg#mpscsi=} ;;
	esac
done
case $mode in
off | on) ;;
*) fail prof_mode "mpscsi=$mode: off or on"; exit 0 ;;
esac

{ modprobe scsi_mod multipath=$mode && modprobe sd_mod && modprobe scsi_dh_alua; } ||
	{ fail prof_modules "cannot load scsi_mod multipath=$mode, sd_mod, scsi_dh_alua"; exit 0; }
modprobe scsi_debug vpd_use_hostno=0 add_host=4 num_tgts=1 max_luns=1 \
	dev_size_mb=64 delay=0 || { fail prof_modules "cannot load scsi_debug"; exit 0; }
n=0
while [ "$(ls /sys/bus/scsi/drivers/sd | grep -c ':')" -lt 4 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
# scsi_debug gives host N the ALUA state N % 3: hosts 0 and 3 are optimized.
for s in /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*:*; do
	case ${s##*/} in
	0:0:0:0 | 3:0:0:0) ;;
	*) echo 1 > "$s/delete" ;;
	esac
done
if [ $mode = off ]; then
	dev=$(ls /sys/class/scsi_device/0:0:0:0/device/block 2>/dev/null)
	[ -b "/dev/$dev" ] || { fail prof_plain "no plain disk of 0:0:0:0"; exit 0; }
	for policy in numa round-robin queue-depth; do
		profile "$policy" "/dev/$dev"
	done
else
	head=
	n=0
	while [ -z "$head" ] && [ $n -lt 100 ]; do
		for d in /sys/block/sd*; do
			[ "$(ls "$d/multipath" 2>/dev/null | wc -w)" = 2 ] && head=${d##*/}
		done
		[ -n "$head" ] || sleep 0.1
		n=$((n + 1))
	done
	[ -n "$head" ] || { fail prof_head "no head with the two paths"; exit 0; }
	for h in 0:0:0:0 3:0:0:0; do
		st=$(cat /sys/class/scsi_device/$h/device/access_state 2>/dev/null)
		[ "$st" = active/optimized ] || { fail prof_alua "$h is '$st'"; exit 0; }
	done
	for policy in numa round-robin queue-depth; do
		echo "$policy" > "/sys/block/$head/device/iopolicy" ||
			{ fail "prof_iopolicy_$policy" "cannot set $policy"; exit 0; }
		profile "$policy" "/dev/$head"
	done
fi
grep -E '^[0-9a-f]+ [tT] ' /proc/kallsyms | sed 's/^/MPPROF ksym /'
ok prof_done
