#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: fio through the NVMe multipath head on the unpatched 7.3.4
# kernel (stock C multipath) and on the patched kernel (Rust libmultipath),
# and through the same namespace without multipath, under identical QEMU
# machines; plus the in-kernel path-selection cost and head size (KUnit
# suite libmultipath_bench) and the head size on a distro-like config.
#
# Kernels: the two kernels of make check, built from one config (the test
# config, no debug options; the baseline lacks only the series' symbols):
# $BUILD (patched, dev/kernel.sh) and $CACHE/build-baseline (unpatched,
# dev/bisect.sh BASELINE_ONLY=1).  Both are cached and rebuilt only when
# missing or, for the patched one, incrementally.
#
# Modes: "icount" (one vCPU, -icount shift=0,sleep=off: guest time counts
# instructions, deterministic) and "wall" (two vCPUs, multi-threaded TCG,
# host wall clock), one after the other.  Each repetition boots baseline
# and patched in turn, alternating which goes first.
#
# Settings (environment): REPS (default 5), RUNTIME (seconds per fio run
# in wall mode, default 3), ICOUNT_RUNTIME (guest seconds per fio run in
# icount mode, default 1: about 10^9 guest instructions, tens of thousands
# of I/Os), MODES (default "icount wall").  Each fio run also has a 1 s
# ramp.
# Output: out/bench/<UTC stamp>/ with the console logs, results.json,
# results.csv, chart.png and table.md; out/bench/latest points at it.
# BENCH_DIR=out/bench/<stamp> adds runs to an earlier run's directory, with
# that run's kernels (e.g. MODES=icount while the machine is busy, which
# does not change icount results, then MODES=wall on a quiet machine); the
# report covers every run in it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

REPS=${REPS:-5}
RUNTIME=${RUNTIME:-3}
ICOUNT_RUNTIME=${ICOUNT_RUNTIME:-1}
MODES=${MODES:-icount wall}
for v in REPS RUNTIME ICOUNT_RUNTIME; do
	case ${!v} in
	'' | *[!0-9]*) die "$v must be a number, got '${!v}'" ;;
	esac
	[ "${!v}" -ge 1 ] || die "$v must be at least 1"
done
for m in $MODES; do
	case $m in icount | wall) ;; *) die "MODES: unknown mode '$m' (icount, wall)" ;; esac
done
[ -x /usr/bin/fio ] || die "fio is needed on the host (the guest runs it over 9p): apt-get install fio"

BASELINE=$CACHE/build-baseline

# prepare_kernels: build both kernels if needed, keep copies of them and
# their initramfs in $OUT (a make check running meanwhile rebuilds the
# baseline, and the results stay reproducible), compile the head sizes.
prepare_kernels() {
	log "patched kernel: $BUILD (incremental build)"
	"$ROOT/dev/kernel.sh" > "$OUT/kernel-build.log" 2>&1 ||
		die "kernel build failed, see $OUT/kernel-build.log"
	if [ ! -f "$BASELINE/arch/x86/boot/bzImage" ]; then
		log "unpatched kernel: building into $BASELINE"
		BASELINE_ONLY=1 "$ROOT/dev/bisect.sh" > "$OUT/baseline-build.log" 2>&1 ||
			die "baseline build failed, see $OUT/baseline-build.log"
	fi
	for k in baseline patched; do
		b=$BUILD
		[ $k = baseline ] && b=$BASELINE
		cp "$b/arch/x86/boot/bzImage" "$OUT/$k-bzImage"
		cp "$b/.config" "$OUT/$k.config"
		"$ROOT/tools/testing/multipath/mkinitramfs.sh" "$b/mods" "$OUT/$k-initrd.gz"
	done
	log "head size on a distro-like config (x86_64_defconfig + NUMA, NODES_SHIFT=10)"
	"$ROOT/dev/headsize.sh" > "$OUT/headsize.txt" 2> "$OUT/headsize.log" ||
		log "headsize failed, see $OUT/headsize.log"
}

if [ -n "${BENCH_DIR:-}" ]; then
	OUT=$(cd "$BENCH_DIR" && pwd) || die "BENCH_DIR=$BENCH_DIR does not exist"
	[ -f "$OUT/patched-bzImage" ] && [ -f "$OUT/baseline-bzImage" ] ||
		die "BENCH_DIR=$BENCH_DIR has no kernels of an earlier make bench"
	log "adding runs to $OUT, with its kernels"
else
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	OUT=$ROOT/out/bench/$stamp
	mkdir -p "$OUT"
	ln -sfn "$stamp" "$ROOT/out/bench/latest"
	prepare_kernels
fi

# 4 targets x 8 fio runs of RUNTIME + 1 s ramp, plus start-up; icount
# guests run slower than real time.
timeout=$((600 + 4 * 8 * (RUNTIME + 1) * 8))
start=$SECONDS
for mode in $MODES; do
	for rep in $(seq 1 "$REPS"); do
		order="baseline patched"
		[ $((rep % 2)) = 0 ] && order="patched baseline"
		for k in $order; do
			append="mpbench=$RUNTIME"
			[ "$mode" = icount ] && append="mpbench=$ICOUNT_RUNTIME"
			[ $k = baseline ] && append="$append mpkernel=baseline"
			t=$SECONDS
			rc=0
			"$ROOT/tools/testing/multipath/run-qemu.sh" -m "$mode" \
				-k "$OUT/$k-bzImage" -i "$OUT/$k-initrd.gz" -t bench \
				-l "$OUT/$mode-$k-$rep.log" -T "$timeout" -a "$append" || rc=$?
			log "rep $rep/$REPS $mode $k: $((SECONDS - t)) s (exit $rc)"
			[ $rc = 0 ] || log "  failed: $(grep -a '^MPTEST fail' "$OUT/$mode-$k-$rep.log" | head -3)"
		done
	done
done
log "all runs: $((SECONDS - start)) s"
echo "make bench REPS=$REPS RUNTIME=$RUNTIME ICOUNT_RUNTIME=$ICOUNT_RUNTIME MODES='$MODES'" \
	"${BENCH_DIR:+BENCH_DIR=$BENCH_DIR}" >> "$OUT/commands"
python3 "$ROOT/dev/benchreport.py" "$OUT" --command "$(paste -sd';' "$OUT/commands")"
