#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make insnprof: guest kernel instructions per I/O, per function, through
# the NVMe multipath head on the unpatched 7.3.4 kernel (stock C multipath)
# and on the patched kernel (Rust libmultipath), and through the same
# namespace without multipath.  Deterministic where wall-clock benchmarks
# are not: QEMU (TCG, one vCPU) runs with a plugin that counts the
# instructions of each kernel translation block (dev/insnprof/plugin.c).
#
# The guest (dev/insnprof/guest.sh, appended to the test initramfs as
# /tests/insnprof.sh) sets up nvmet-loop on null_blk with two ports and,
# per I/O policy and without multipath, runs fio randread at queue depth 1
# twice (PROF_IOS I/Os), each run between two sync calls; the plugin
# snapshots its counters whenever the guest enters __x64_sys_sync().
# dev/insnprof/report.py subtracts the short run from the long one.
#
# Kernels: $PATCHED_BUILD (default $BUILD: make kernel) and $BASELINE_BUILD
# (default $CACHE/build-baseline: make bench, or BASELINE_ONLY=1
# dev/bisect.sh); each needs arch/x86/boot/bzImage and mods/ (modules
# installed with INSTALL_MOD_PATH=mods; dev/kernel.sh does that for $BUILD).
# The address of __x64_sys_sync comes from the kernel's System.map, or, if
# there is none, from a first short boot that prints it.  Both kernels are
# profiled in parallel.
#
# Settings (environment): PROF_IOS (default 2000,6000: the two runs' I/Os),
# PROF_PATHS (default 4,8: after the two-path runs, the path counts to run
# each policy again at, with mixed ANA states; empty for none),
# PROF_QEMU_NVME (default 1: also through QEMU-emulated NVMe, two PCIe
# controllers sharing a namespace on a null-co drive; 0: nvmet-loop only),
# PATCHED_BUILD, BASELINE_BUILD, PROF_TIMEOUT (seconds per boot, default
# 900), QEMU_PLUGIN_API (default 4: QEMU 10.0's plugin API version).
# PROF_SCSI=1 profiles native SCSI multipath instead: the patched kernel
# twice, as "baseline" with scsi_mod multipath=off through one path's
# plain sd disk and as "patched" with multipath=on through the head, on a
# scsi_debug LU with two optimized paths (dev/insnprof/guest-scsi.sh), and
# dev/insnprof/report-scsi.py prints, per policy, what the head adds per
# function.
# Output: out/insnprof/<UTC stamp>/ with report.txt, and per kernel
# (baseline/, patched/) the console log, the snapshots prof.N.gz and the
# kernel and initramfs booted; out/insnprof/latest points at the last
# complete one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PROF_IOS=${PROF_IOS:-2000,6000}
PROF_PATHS=${PROF_PATHS-4,8}
PROF_QEMU_NVME=${PROF_QEMU_NVME:-1}
PATCHED_BUILD=${PATCHED_BUILD:-$BUILD}
BASELINE_BUILD=${BASELINE_BUILD:-$CACHE/build-baseline}
PROF_TIMEOUT=${PROF_TIMEOUT:-900}
PROF_SCSI=${PROF_SCSI:-0}
case $PROF_SCSI in
0)
	GUEST=$ROOT/dev/insnprof/guest.sh
	REPORT=$ROOT/dev/insnprof/report.py
	;;
1)
	# Both boots on the patched kernel; no extra paths, no QEMU NVMe.
	BASELINE_BUILD=$PATCHED_BUILD
	PROF_PATHS=
	PROF_QEMU_NVME=0
	GUEST=$ROOT/dev/insnprof/guest-scsi.sh
	REPORT=$ROOT/dev/insnprof/report-scsi.py
	;;
*) die "PROF_SCSI must be 0 or 1, got '$PROF_SCSI'" ;;
esac
QEMU_PLUGIN_API=${QEMU_PLUGIN_API:-4}
QEMU=${QEMU:-qemu-system-x86_64}
MKINITRAMFS=$ROOT/tools/testing/multipath/mkinitramfs.sh
RUN_QEMU=$ROOT/tools/testing/multipath/run-qemu.sh
# Targets of the guest script, two runs each, each run between two syncs.
case $PROF_PATHS in
*[!0-9,]* | ,* | *, | *,,*) die "PROF_PATHS must be path counts separated by commas (e.g. 4,8), got '$PROF_PATHS'" ;;
esac
# Two paths, then the extra counts: three policies each, and nomultipath.
TARGETS=$((4 + 3 * $(echo "$PROF_PATHS" | tr ',' ' ' | wc -w)))
# SCSI: the three policies (through the plain disk on the baseline boot).
[ "$PROF_SCSI" = 0 ] || TARGETS=3
case $PROF_QEMU_NVME in
1)
	# Three policies and qemu-nomultipath.
	TARGETS=$((TARGETS + 4))
	QEMU_NVME=(-blockdev driver=null-co,node-name=nvm1,size=17179869184,read-zeroes=on
		-device nvme-subsys,id=subsys0,nqn=mpath-qemu
		-device pcie-root-port,id=rp1,chassis=1,slot=1
		-device pcie-root-port,id=rp2,chassis=2,slot=2
		-device nvme,id=ctrl0,serial=MPATHPROF1,subsys=subsys0,bus=rp1
		-device nvme,id=ctrl1,serial=MPATHPROF1,subsys=subsys0,bus=rp2
		-device nvme-ns,drive=nvm1,nsid=1,shared=on,bus=ctrl0)
	;;
0) QEMU_NVME=() ;;
*) die "PROF_QEMU_NVME must be 0 or 1, got '$PROF_QEMU_NVME'" ;;
esac
# Snapshots after the bracketed ones: the sync of the guest's init after
# "MPTEST done", the one of busybox's poweroff, and QEMU's exit.
TAIL_SNAPSHOTS=3

case $PROF_IOS in
*[!0-9,]* | *,*,* | ,* | *,) die "PROF_IOS must be N1,N2 (e.g. 2000,6000), got '$PROF_IOS'" ;;
*,*) ;;
*) die "PROF_IOS must be N1,N2 (e.g. 2000,6000), got '$PROF_IOS'" ;;
esac
n1=${PROF_IOS%,*}
n2=${PROF_IOS#*,}
[ "$n1" -ge 1 ] && [ "$n2" -gt "$n1" ] || die "PROF_IOS=$PROF_IOS: want 0 < N1 < N2"
case $PROF_TIMEOUT in '' | *[!0-9]*) die "PROF_TIMEOUT must be a number of seconds, got '$PROF_TIMEOUT'" ;; esac

command -v "$QEMU" >/dev/null || die "$QEMU not found: make setup (or apt-get install qemu-system-x86)"
command -v gcc >/dev/null || die "gcc is needed to build the QEMU plugin: apt-get install gcc"
command -v cpio >/dev/null || die "cpio is needed: apt-get install cpio"
command -v python3 >/dev/null || die "python3 is needed for the report: apt-get install python3"
[ -x /usr/bin/fio ] || die "fio is needed on the host (the guest runs it over 9p): apt-get install fio"

# need_kernel NAME DIR HOW: check that DIR has a bootable kernel and modules.
need_kernel() {
	[ -f "$2/arch/x86/boot/bzImage" ] ||
		die "no $1 kernel at $2/arch/x86/boot/bzImage: $3"
	[ -d "$2/mods/lib/modules" ] ||
		die "no modules for the $1 kernel in $2/mods (make modules_install INSTALL_MOD_PATH=$2/mods): $3"
}
need_kernel patched "$PATCHED_BUILD" "run make kernel"
need_kernel baseline "$BASELINE_BUILD" "run make bench or BASELINE_ONLY=1 dev/bisect.sh"

# The plugin, rebuilt when its source or the API version changes.
PLUGIN_DIR=$ROOT/out/insnprof
PLUGIN=$PLUGIN_DIR/insnprof-api$QEMU_PLUGIN_API.so
mkdir -p "$PLUGIN_DIR"
if [ ! -f "$PLUGIN" ] || [ "$ROOT/dev/insnprof/plugin.c" -nt "$PLUGIN" ]; then
	log "building the QEMU plugin $PLUGIN"
	gcc -O2 -Wall -Wextra -Wno-unused-parameter -shared -fPIC \
		-DVERSION="$QEMU_PLUGIN_API" -o "$PLUGIN.tmp" \
		"$ROOT/dev/insnprof/plugin.c" -lpthread ||
		die "cannot build the QEMU plugin from dev/insnprof/plugin.c"
	mv "$PLUGIN.tmp" "$PLUGIN"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$PLUGIN_DIR/$stamp
mkdir -p "$OUT"
log "output in $OUT"

# The guest script and its lib.sh as a second archive after the test
# initramfs: the kernel unpacks concatenated archives, so they land in
# /tests of the first.
guest_archive() {
	local dir
	dir=$(mktemp -d)
	mkdir "$dir/tests"
	cp "$GUEST" "$dir/tests/insnprof.sh"
	cp "$ROOT/dev/insnprof/lib.sh" "$dir/tests/insnprof-lib.sh"
	chmod 755 "$dir/tests" "$dir/tests/insnprof.sh"
	(cd "$dir" && printf 'tests\ntests/insnprof.sh\ntests/insnprof-lib.sh\n' |
		cpio -o -H newc --owner=0:0 --quiet) | gzip -1
	rm -rf "$dir"
}

# The kernel command line of run-qemu.sh, for the plugin boots.
CMDLINE="console=ttyS0 panic=-1 oops=panic loglevel=4 pcie_ports=compat nokaslr"

# mark_address K BUILD: the address of __x64_sys_sync in kernel K.
mark_address() {
	local k=$1 b=$2 addr
	if [ -f "$b/System.map" ]; then
		addr=$(awk '$3 == "__x64_sys_sync" { print $1 }' "$b/System.map")
		[ -n "$addr" ] || die "no __x64_sys_sync in $b/System.map"
		echo "$addr"
		return
	fi
	log "$k: no $b/System.map, booting once for the address of __x64_sys_sync" >&2
	"$RUN_QEMU" -m icount -k "$OUT/$k/bzImage" -i "$OUT/$k/initrd.gz" \
		-t insnprof -a "nokaslr mpprof=syms" -l "$OUT/$k/syms.log" -T 300 >&2 ||
		die "$k: the boot for the symbol address failed, see $OUT/$k/syms.log"
	addr=$(grep -a -o 'MPPROF ksym [0-9a-f]* [tT] __x64_sys_sync' "$OUT/$k/syms.log" |
		awk '{ print $3; exit }')
	[ -n "$addr" ] || die "$k: no __x64_sys_sync in /proc/kallsyms (CONFIG_KALLSYMS=y?), see $OUT/$k/syms.log"
	echo "$addr"
}

# profile K BUILD [CMDLINE]: boot kernel K with the plugin, check the run.
profile() {
	local k=$1 b=$2 extra=${3:-} d=$OUT/$1 mark rc=0 nsnap want t=$SECONDS
	mkdir -p "$d"
	cp "$b/arch/x86/boot/bzImage" "$d/bzImage"
	cp "$b/.config" "$d/config" 2>/dev/null || true
	"$MKINITRAMFS" "$b/mods" "$d/initrd.gz" ||
		die "$k: cannot make the initramfs from $b/mods"
	guest_archive >> "$d/initrd.gz"
	mark=$(mark_address "$k" "$b")
	log "$k: profiling (mark __x64_sys_sync = $mark, $PROF_IOS I/Os)"
	timeout --kill-after=10 "$PROF_TIMEOUT" "$QEMU" \
		-accel tcg -cpu max -machine q35 -m 1G -nographic -no-reboot -smp 1 \
		-plugin "$PLUGIN,mark=$mark,out=$d/prof" "${QEMU_NVME[@]}" \
		-kernel "$d/bzImage" -initrd "$d/initrd.gz" \
		-append "$CMDLINE mtest=insnprof mpprof=$PROF_IOS mpprofpaths=$PROF_PATHS mpprofqemu=$PROF_QEMU_NVME $extra" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		</dev/null >"$d/log" 2>&1 || rc=$?
	case $rc in
	0) ;;
	124 | 137) die "$k: the guest did not finish within ${PROF_TIMEOUT}s (PROF_TIMEOUT), see $d/log" ;;
	*) die "$k: QEMU failed (exit $rc), see $d/log" ;;
	esac
	! grep -a -q '^insnprof:' "$d/log" ||
		die "$k: the plugin reported errors: $(grep -a '^insnprof:' "$d/log" | head -3)"
	! grep -a -q '^MPTEST fail' "$d/log" ||
		die "$k: the guest failed: $(grep -a '^MPTEST fail' "$d/log" | head -3)"
	grep -a -q 'MPTEST ok prof_done' "$d/log" ||
		die "$k: the guest did not finish the profile (no 'MPTEST ok prof_done'), see $d/log"
	nsnap=$(find "$d" -maxdepth 1 -name 'prof.[0-9]*' ! -name '*.tmp' | wc -l)
	want=$((TARGETS * 4 + TAIL_SNAPSHOTS))
	[ "$nsnap" = "$want" ] ||
		die "$k: $nsnap snapshots in $d, want $want (4 per target + $TAIL_SNAPSHOTS): a sync(2) call other than the guest script's shifts them"
	# 1.5 MB each, a tenth of that compressed.
	gzip -1 "$d"/prof.[0-9]*
	log "$k: done in $((SECONDS - t)) s"
}

pids=()
if [ "$PROF_SCSI" = 1 ]; then
	profile baseline "$BASELINE_BUILD" mpscsi=off & pids+=($!)
	profile patched "$PATCHED_BUILD" mpscsi=on & pids+=($!)
else
	profile baseline "$BASELINE_BUILD" & pids+=($!)
	profile patched "$PATCHED_BUILD" & pids+=($!)
fi
failed=0
for p in "${pids[@]}"; do
	wait "$p" || failed=1
done
[ "$failed" = 0 ] || die "profiling failed, see the messages above and $OUT"

python3 "$REPORT" "$OUT" || die "${REPORT##*/} failed on $OUT"
ln -sfn "$stamp" "$PLUGIN_DIR/latest"
log "report: $OUT/report.txt"
