#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: fio through the NVMe multipath head on the unpatched 7.3.4
# kernel (stock C multipath) and on the patched kernel (Rust libmultipath),
# and through the same namespace without multipath, under identical QEMU
# machines; plus the in-kernel path-selection cost and head size (KUnit
# suite libmultipath_bench) and the head size on a distro-like config.
# BENCH="nvme scsi" (default) chooses the benches: scsi is fio on a
# scsi_debug LU with two paths through one plain sd path, dm-multipath
# (dmsetup tables: round-robin and queue-length, request- and bio-based)
# and, on the patched kernel, the native SCSI multipath head for each
# iopolicy (guest benchscsi.sh, report dev/benchscsireport.py).
#
# Configs (CONFIGS, default "test distro"), each with its two kernels,
# both built from one config (the baseline lacks only the series' symbols):
# - test: the kernels of make check (the tinyconfig-based test config, no
#   debug options): $BUILD (patched, dev/kernel.sh) and
#   $CACHE/build-baseline (unpatched, dev/bisect.sh BASELINE_ONLY=1);
# - distro: the test config plus dev/bench-distro.config (CPU mitigations,
#   kCFI, ftrace and tracepoints, block cgroups, SLUB, PREEMPT_DYNAMIC, as
#   a distribution ships them): $CACHE/build-distro (patched, dev/kernel.sh)
#   and $CACHE/build-distro-baseline (unpatched, dev/distro-baseline.sh).
# All are cached; the patched kernels and the distro baseline are rebuilt
# incrementally, the test baseline only when missing.
#
# Modes: "icount" (one vCPU, -icount shift=0,sleep=off: guest time counts
# instructions, deterministic) and "wall" (two vCPUs, multi-threaded TCG,
# host wall clock), one after the other.  Each repetition boots, for each
# config, baseline and patched in turn, alternating which goes first.
#
# Settings (environment): REPS (default 5), RUNTIME (seconds per fio run
# in wall mode, default 3), ICOUNT_RUNTIME (guest seconds per fio run in
# icount mode, default 1: about 10^9 guest instructions, tens of thousands
# of I/Os), MODES (default "icount wall"), CONFIGS (default "test distro";
# "test" alone is the bench of before the distro config).  Each fio run
# also has a 1 s ramp.
# Output: out/bench/<UTC stamp>/ with the console logs, results.json,
# results.csv, chart.png and table.md; out/bench/latest points at it.
# Files of config test keep their old names (patched-bzImage,
# icount-patched-1.log, ...); the other configs' start with "<config>-"
# (distro-patched-bzImage, distro-icount-patched-1.log, ...); the SCSI
# bench's console logs start with "scsi-" (scsi-icount-patched-1.log,
# scsi-distro-icount-patched-1.log; "scsi-head-" for the boots with
# multipath=on) and its table is table-scsi.md.
# BENCH_DIR=out/bench/<stamp> adds runs to an earlier run's directory, with
# that run's kernels (e.g. MODES=icount while the machine is busy, which
# does not change icount results, then MODES=wall on a quiet machine); the
# report covers every run in it; the new repetitions are numbered after
# the ones there.  CONFIGS defaults there to the configs
# whose kernels the directory has.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

REPS=${REPS:-5}
RUNTIME=${RUNTIME:-3}
ICOUNT_RUNTIME=${ICOUNT_RUNTIME:-1}
MODES=${MODES:-icount wall}
CONFIGS_SET=${CONFIGS+set}
CONFIGS=${CONFIGS:-test distro}
BENCH=${BENCH:-nvme scsi}
for v in REPS RUNTIME ICOUNT_RUNTIME; do
	case ${!v} in
	'' | *[!0-9]*) die "$v must be a number, got '${!v}'" ;;
	esac
	[ "${!v}" -ge 1 ] || die "$v must be at least 1"
done
for m in $MODES; do
	case $m in icount | wall) ;; *) die "MODES: unknown mode '$m' (icount, wall)" ;; esac
done
for c in $CONFIGS; do
	case $c in test | distro) ;; *) die "CONFIGS: unknown config '$c' (test, distro)" ;; esac
done
for b in $BENCH; do
	case $b in nvme | scsi) ;; *) die "BENCH: unknown bench '$b' (nvme, scsi)" ;; esac
done
[ -n "$BENCH" ] || die "BENCH is empty (nvme, scsi)"
[ -x /usr/bin/fio ] || die "fio is needed on the host (the guest runs it over 9p): apt-get install fio"

DISTRO_FRAGMENTS="$ROOT/tools/testing/multipath/mpath-test.config $ROOT/dev/bench-distro.config"

# prefix CONFIG: the prefix of the config's files in $OUT ("" for test,
# whose files keep the names of the bench before CONFIGS).
prefix() {
	[ "$1" = test ] || printf '%s-' "$1"
}

# build_dirs CONFIG: "patched-build baseline-build" of the config.
build_dirs() {
	case $1 in
	test) echo "$BUILD $CACHE/build-baseline" ;;
	distro) echo "$CACHE/build-distro $CACHE/build-distro-baseline" ;;
	esac
}

# prepare_config CONFIG: build the config's two kernels if needed, keep
# copies of them and their initramfs in $OUT (a make check running
# meanwhile rebuilds the test baseline, and the results stay reproducible).
prepare_config() {
	local c=$1 p patched baseline k b
	p=$(prefix "$c")
	read -r patched baseline < <(build_dirs "$c")
	case $c in
	test)
		log "test config, patched kernel: $patched (incremental build)"
		"$ROOT/dev/kernel.sh" > "$OUT/kernel-build.log" 2>&1 ||
			die "kernel build failed, see $OUT/kernel-build.log"
		if [ ! -f "$baseline/arch/x86/boot/bzImage" ]; then
			log "test config, unpatched kernel: building into $baseline"
			BASELINE_ONLY=1 "$ROOT/dev/bisect.sh" > "$OUT/baseline-build.log" 2>&1 ||
				die "baseline build failed, see $OUT/baseline-build.log"
		fi
		;;
	distro)
		log "distro config, patched kernel: $patched (incremental build)"
		BUILD=$patched FRAGMENTS=$DISTRO_FRAGMENTS "$ROOT/dev/kernel.sh" \
			> "$OUT/distro-kernel-build.log" 2>&1 ||
			die "distro kernel build failed, see $OUT/distro-kernel-build.log"
		log "distro config, unpatched kernel: $baseline (incremental build)"
		FROM=$patched DEST=$baseline "$ROOT/dev/distro-baseline.sh" \
			> "$OUT/distro-baseline-build.log" 2>&1 ||
			die "distro baseline build failed, see $OUT/distro-baseline-build.log"
		;;
	esac
	for k in baseline patched; do
		b=$patched
		[ $k = baseline ] && b=$baseline
		cp "$b/arch/x86/boot/bzImage" "$OUT/$p$k-bzImage"
		cp "$b/.config" "$OUT/$p$k.config"
		"$ROOT/tools/testing/multipath/mkinitramfs.sh" "$b/mods" "$OUT/$p$k-initrd.gz"
	done
}

# prepare_kernels: every config's kernels, and the head sizes.
prepare_kernels() {
	for c in $CONFIGS; do
		prepare_config "$c"
	done
	case " $BENCH " in *" nvme "*) ;; *) return ;; esac
	log "head size on a distro-like config (x86_64_defconfig + NUMA, NODES_SHIFT=10)"
	"$ROOT/dev/headsize.sh" > "$OUT/headsize.txt" 2> "$OUT/headsize.log" ||
		log "headsize failed, see $OUT/headsize.log"
}

# has_kernels CONFIG: whether $OUT has the config's two kernels.
has_kernels() {
	local p
	p=$(prefix "$1")
	[ -f "$OUT/${p}patched-bzImage" ] && [ -f "$OUT/${p}baseline-bzImage" ]
}

if [ -n "${BENCH_DIR:-}" ]; then
	OUT=$(cd "$BENCH_DIR" && pwd) || die "BENCH_DIR=$BENCH_DIR does not exist"
	if [ -z "$CONFIGS_SET" ]; then
		CONFIGS=""
		for c in test distro; do
			has_kernels "$c" && CONFIGS="$CONFIGS${CONFIGS:+ }$c"
		done
		[ -n "$CONFIGS" ] || die "BENCH_DIR=$BENCH_DIR has no kernels of an earlier make bench"
	fi
	for c in $CONFIGS; do
		has_kernels "$c" || die "BENCH_DIR=$BENCH_DIR has no kernels of config $c"
	done
	log "adding runs to $OUT, with its kernels (CONFIGS='$CONFIGS')"
else
	stamp=$(date -u +%Y%m%dT%H%M%SZ)
	OUT=$ROOT/out/bench/$stamp
	mkdir -p "$OUT"
	ln -sfn "$stamp" "$ROOT/out/bench/latest"
	prepare_kernels
fi

# 4 targets x 8 fio runs (nvme), at most 5 targets x 4 (scsi), of
# RUNTIME + 1 s ramp, plus start-up; icount guests run slower than real
# time.
timeout=$((600 + 4 * 8 * (RUNTIME + 1) * 8))

# bench_boot BOOT CONFIG PREFIX MODE KERNEL REP: one guest.  BOOT: nvme
# (guest bench.sh), scsi-off (benchscsi.sh: plain sd and dm-multipath) or
# scsi-on (benchscsi.sh: the native SCSI head, scsi_mod multipath=on).
bench_boot() {
	local boot=$1 c=$2 p=$3 mode=$4 k=$5 rep=$6 scenario=bench lp= l append rc t
	append="mpbench=$RUNTIME mpkernel=$k"
	[ "$mode" = icount ] && append="mpbench=$ICOUNT_RUNTIME mpkernel=$k"
	case $boot in
	scsi-off) scenario=benchscsi lp=scsi- ;;
	scsi-on) scenario=benchscsi lp=scsi-head- append="$append mpscsi=on" ;;
	esac
	l=$OUT/$lp$p$mode-$k-$rep.log
	t=$SECONDS
	rc=0
	"$ROOT/tools/testing/multipath/run-qemu.sh" -m "$mode" \
		-k "$OUT/$p$k-bzImage" -i "$OUT/$p$k-initrd.gz" \
		-t $scenario -l "$l" -T "$timeout" -a "$append" || rc=$?
	log "rep $rep $boot $c $mode $k: $((SECONDS - t)) s (exit $rc)"
	[ $rc = 0 ] || log "  failed: $(grep -a '^MPTEST fail' "$l" | head -3)"
}
# first_rep MODE: 1, or with BENCH_DIR the repetition after the last one
# of MODE already there (its logs are kept, the report counts them all).
first_rep() {
	local n
	n=$(ls "$OUT" | sed -nE "s/^(scsi-(head-)?)?(distro-)?$1-(baseline|patched)-([0-9]+)\.log\$/\5/p" |
		sort -n | tail -1)
	echo $((${n:-0} + 1))
}
start=$SECONDS
for mode in $MODES; do
	rep0=$(first_rep "$mode")
	for rep in $(seq "$rep0" $((rep0 + REPS - 1))); do
		order="baseline patched"
		[ $((rep % 2)) = 0 ] && order="patched baseline"
		for b in $BENCH; do
			for c in $CONFIGS; do
				p=$(prefix "$c")
				for k in $order; do
					boots=nvme
					[ "$b" = scsi ] && boots="scsi-off scsi-on"
					[ "$b" = scsi ] && [ $k = baseline ] && boots=scsi-off
					for boot in $boots; do
						bench_boot "$boot" "$c" "$p" "$mode" "$k" "$rep"
					done
				done
			done
		done
	done
done
log "all runs: $((SECONDS - start)) s"
echo "make bench REPS=$REPS RUNTIME=$RUNTIME ICOUNT_RUNTIME=$ICOUNT_RUNTIME MODES='$MODES'" \
	"CONFIGS='$CONFIGS' BENCH='$BENCH'" \
	"${BENCH_DIR:+BENCH_DIR=$BENCH_DIR}" >> "$OUT/commands"
if ls "$OUT" | grep -qE '^(distro-)?(icount|wall)-'; then
	python3 "$ROOT/dev/benchreport.py" "$OUT" --command "$(paste -sd';' "$OUT/commands")"
fi
if ls "$OUT" | grep -q '^scsi-'; then
	python3 "$ROOT/dev/benchscsireport.py" "$OUT" --command "$(paste -sd';' "$OUT/commands")"
fi
