# SPDX-License-Identifier: GPL-2.0
# Guest side of make insnprof (dev/insnprof.sh), run as /tests/insnprof.sh
# (mtest=insnprof) from an archive appended to the test initramfs.
#
# 4 KiB random reads at queue depth 1 through the multipath head of an
# nvmet-loop namespace (null_blk) with two optimized paths, for each I/O
# policy, and through the same namespace without multipath.  QEMU runs with
# the instruction-counting plugin (dev/insnprof/plugin.c), which snapshots
# its counters each time the guest enters __x64_sys_sync(), so each fio run
# is bracketed by two sync calls; two runs of different lengths per target
# let the host subtract everything that does not scale with the I/O count.
# Nothing else in the guest may call sync(2) before the last run.
#
# Prints:
#   MPPROF run TARGET IOS                  before each bracketed run
#   MPPROF ksym ADDR TYPE NAME [MODULE]    all text symbols (/proc/kallsyms),
#                                          after the multipath runs and after
#                                          the nomultipath ones (nvme_core
#                                          is reloaded in between)
#   MPTEST ok prof_done                    at the end
#   MPTEST fail NAME: REASON               on failure
# Then, for each extra path count P of mpprofpaths=P1,P2... (default none),
# the head gets P paths in mixed ANA states (port 1 inaccessible, ports 2
# to P/2 non-optimized, the others optimized) and each policy runs again as
# target POLICY@P.
# Then, with mpprofqemu=1, the same through the head of QEMU-emulated NVMe
# (two PCIe controllers, one shared namespace on a null-co drive) as
# target qemu-POLICY, and without multipath as qemu-nomultipath.
# Kernel command line: mpprof=N1,N2 or mpprof=syms (lib.sh, packed as
# /tests/insnprof-lib.sh).
. /tests/lib.sh
prof_size=1G
. /tests/insnprof-lib.sh

extra=
qemu=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpprofqemu=1) qemu=1 ;;
	mpprofpaths=*) extra=$(echo "${arg#mpprofpaths=}" | tr ',' ' ') ;;
	esac
done

TR=loop
NQN=mpath-prof
CFS=/sys/kernel/config/nvmet

# ports up|down P1 P2...: add (with their link to the subsystem) or remove
# nvmet loop ports.
ports() {
	_dir=$1
	shift
	for p in "$@"; do
		if [ "$_dir" = up ]; then
			mkdir "$CFS/ports/$p" &&
				echo loop > "$CFS/ports/$p/addr_trtype" &&
				echo "$p" > "$CFS/ports/$p/addr_traddr" &&
				ln -s "$CFS/subsystems/$NQN" "$CFS/ports/$p/subsystems/$NQN" ||
				return 1
		else
			rm -f "$CFS/ports/$p/subsystems/$NQN"
			rmdir "$CFS/ports/$p" || return 1
		fi
	done
}

ksyms() {
	grep -E '^[0-9a-f]+ [tT] ' /proc/kallsyms | sed 's/^/MPPROF ksym /'
}

modprobe null_blk nr_devices=1 queue_mode=2 irqmode=0 gb=16 ||
	{ fail prof_modules "cannot load null_blk"; exit 0; }
for m in nvme_core nvmet nvme-loop; do
	modprobe "$m" || { fail prof_modules "cannot load $m"; exit 0; }
done
{
	mkdir "$CFS/subsystems/$NQN" &&
		echo 1 > "$CFS/subsystems/$NQN/attr_allow_any_host" &&
		mkdir "$CFS/subsystems/$NQN/namespaces/1" &&
		echo -n /dev/nullb0 > "$CFS/subsystems/$NQN/namespaces/1/device_path" &&
		echo 1 > "$CFS/subsystems/$NQN/namespaces/1/enable" &&
		ports up 1 2
} || { fail prof_nvmet "cannot set up the nvmet subsystem $NQN"; exit 0; }

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
[ -n "$head" ] || { fail prof_head "controllers $c1 $c2, no head with both paths"; exit 0; }
subsys=$(subsys_dir)
# run_policies SUFFIX: each policy through the head, as target POLICY$SUFFIX.
run_policies() {
	for policy in numa round-robin queue-depth; do
		echo "$policy" > "$subsys/iopolicy" ||
			{ fail "prof_iopolicy_$policy" "cannot set $subsys/iopolicy"; return 1; }
		profile "$policy$1" "/dev/$head"
	done
}
run_policies "" || exit 0
have=2
for np in $extra; do
	if [ "$np" -le "$have" ]; then
		fail prof_paths "path counts must grow: $np after $have"
		exit 0
	fi
	p=$((have + 1))
	while [ $p -le "$np" ]; do
		ports up "$p" && connect "$p" >/dev/null ||
			{ fail prof_paths "cannot add port $p"; exit 0; }
		p=$((p + 1))
	done
	have=$np
	n=0
	while [ "$(npaths "$head")" != "$np" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ "$(npaths "$head")" = "$np" ] ||
		{ fail prof_paths "$head has $(npaths "$head") paths, want $np"; exit 0; }
	p=1
	while [ $p -le "$np" ]; do
		if [ $p = 1 ]; then
			st=inaccessible
		elif [ $p -le $((np / 2)) ]; then
			st=non-optimized
		else
			st=optimized
		fi
		echo "$st" > "$CFS/ports/$p/ana_groups/1/ana_state" ||
			{ fail prof_ana "cannot set port $p $st"; exit 0; }
		p=$((p + 1))
	done
	# The ANA change notices reach the host asynchronously.
	sleep 2
	run_policies "@$np" || exit 0
done
# QEMU NVMe: the PCIe driver is loaded only now, so the nvmet runs above
# saw no other NVMe device.
qhead=
if [ $qemu = 1 ]; then
	modprobe nvme || { fail prof_qemu "cannot load nvme"; exit 0; }
	n=0
	while [ -z "$qhead" ] && [ $n -lt 300 ]; do
		for d in /sys/block/nvme*n*; do
			case "${d##*/}" in *c*) continue ;; esac
			[ "${d##*/}" = "$head" ] && continue
			[ "$(npaths "${d##*/}")" = 2 ] && qhead=${d##*/}
		done
		[ -n "$qhead" ] || sleep 0.1
		n=$((n + 1))
	done
	[ -n "$qhead" ] || { fail prof_qemu_head "no QEMU NVMe head with two paths"; exit 0; }
	qsubsys=$(readlink -f "/sys/block/$qhead/device")
	for policy in numa round-robin queue-depth; do
		echo "$policy" > "$qsubsys/iopolicy" ||
			{ fail "prof_qemu_iopolicy_$policy" "cannot set $qsubsys/iopolicy"; exit 0; }
		profile "qemu-$policy" "/dev/$qhead"
	done
fi
# The symbols of the head runs: nvme_core moves when it is reloaded below.
ksyms
# The same namespace without multipath: one controller, nvme_core
# reloaded with multipath=0.
for c in /sys/class/nvme/nvme*; do
	echo 1 > "$c/delete_controller"
done
sleep 1
ports down $(seq 1 "$have") || { fail prof_ports "cannot remove the nvmet ports"; exit 0; }
if [ $qemu = 1 ]; then
	rmmod nvme || { fail prof_rmmod "$(lsmod | grep nvme)"; exit 0; }
fi
rmmod nvme_loop nvme_fabrics nvme_core || { fail prof_rmmod "$(lsmod | grep nvme)"; exit 0; }
{ modprobe nvme_core multipath=0 && modprobe nvme-loop; } ||
	{ fail prof_nomp_modules "cannot reload nvme_core multipath=0"; exit 0; }
ports up 1 || { fail prof_ports "cannot add an nvmet port again"; exit 0; }
c1=$(connect 1)
dev=
n=0
while [ -z "$dev" ] && [ $n -lt 100 ]; do
	for d in /sys/class/nvme/"$c1"/nvme*n*; do
		case "${d##*/}" in *c* | *'*'*) continue ;; esac
		[ -e "/dev/${d##*/}" ] && dev=${d##*/}
	done
	[ -n "$dev" ] || sleep 0.1
	n=$((n + 1))
done
[ -n "$dev" ] || { fail prof_nomp "no namespace on $c1"; exit 0; }
profile nomultipath "/dev/$dev"
if [ $qemu = 1 ]; then
	modprobe nvme || { fail prof_qemu "cannot load nvme again"; exit 0; }
	qdev=
	n=0
	while [ -z "$qdev" ] && [ $n -lt 300 ]; do
		for d in /sys/class/nvme/nvme*; do
			[ "$(cat "$d/transport" 2>/dev/null)" = pcie ] || continue
			for ns in "$d"/nvme*n*; do
				case "${ns##*/}" in *c* | *'*'*) continue ;; esac
				[ -e "/dev/${ns##*/}" ] && qdev=${ns##*/} && break 2
			done
		done
		[ -n "$qdev" ] || sleep 0.1
		n=$((n + 1))
	done
	[ -n "$qdev" ] || { fail prof_qemu_nomp "no QEMU NVMe namespace with multipath=0"; exit 0; }
	profile qemu-nomultipath "/dev/$qdev"
fi
ksyms
ok prof_done
