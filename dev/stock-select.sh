#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# In-kernel cost of one path selection, stock C NVMe multipath against
# libmultipath, measured the same way (issue 12): the KUnit suite
# libmultipath_bench of the patched kernel and its stock counterpart,
# dev/stock-select/stock_select_bench.c, built into nvme-core of a scratch
# copy of the unpatched tree ($CACHE/stock-select-tree, a worktree of $TREE
# at pristine, built in $CACHE/build-stock-select from $BUILD's config with
# NVMe built in, so that the suite runs at boot).  Both kernels boot under
# QEMU in icount mode (one vCPU: guest ns are guest instructions).
#
#   PATCHED_BUILD (default $BUILD) is the patched kernel, already built
#   (make kernel); REPS boots of each (default 3), median reported.
#   Prints one table; the raw lines go to $OUT (out/stock-select/<stamp>).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PATCHED_BUILD=${PATCHED_BUILD:-$BUILD}
REPS=${REPS:-3}
LLVM=${LLVM--19}
WT=$CACHE/stock-select-tree
SB=$CACHE/build-stock-select
OUT=$ROOT/out/stock-select/$(date -u +%Y%m%dT%H%M%SZ)
RUNQ=$ROOT/tools/testing/multipath/run-qemu.sh
MKINITRD=$ROOT/tools/testing/multipath/mkinitramfs.sh

[ -f "$PATCHED_BUILD/arch/x86/boot/bzImage" ] ||
	die "no patched kernel in $PATCHED_BUILD; run 'make kernel' first"
git -C "$TREE" rev-parse -q --verify pristine >/dev/null ||
	die "no tag 'pristine' in $TREE; run 'make tree' first"
mkdir -p "$OUT" "$SB"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	rm -rf "$WT"
	git -C "$TREE" worktree add -q --detach "$WT" pristine
fi
git -C "$WT" checkout -q -f --detach pristine
git -C "$WT" clean -q -fd drivers/nvme/host
cp "$ROOT/dev/stock-select/stock_select_bench.c" "$WT/drivers/nvme/host/"
echo 'nvme-core-$(CONFIG_NVME_MULTIPATH) += stock_select_bench.o' >> "$WT/drivers/nvme/host/Makefile"

MK=(make -C "$WT" O="$SB" -j"$(($(nproc) + 1))" -s)
[ -n "$LLVM" ] && MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")
cp "$PATCHED_BUILD/.config" "$SB/.config"
"$WT/scripts/config" --file "$SB/.config" -e BLK_DEV_NVME
"${MK[@]}" olddefconfig >/dev/null
grep -q '^CONFIG_NVME_CORE=y' "$SB/.config" || die "NVMe is not built in ($SB/.config)"
log "building the unpatched kernel with the stock bench into $SB"
"${MK[@]}" bzImage modules > "$OUT/build.log" 2>&1 || die "build failed, see $OUT/build.log"
rm -rf "$SB/mods"
"${MK[@]}" INSTALL_MOD_PATH="$SB/mods" modules_install >/dev/null

"$MKINITRD" "$SB/mods" "$OUT/stock-initrd.gz" >/dev/null
"$MKINITRD" "$PATCHED_BUILD/mods" "$OUT/patched-initrd.gz" >/dev/null
for k in stock patched; do
	b=$SB
	[ $k = patched ] && b=$PATCHED_BUILD
	for r in $(seq 1 "$REPS"); do
		log "$k kernel, boot $r of $REPS (icount, KUnit)"
		# The kunit scenario's own checks are about libmultipath, which the
		# stock kernel has not: only the bench lines matter here.
		"$RUNQ" -m icount -k "$b/arch/x86/boot/bzImage" -i "$OUT/$k-initrd.gz" \
			-t kunit -l "$OUT/$k-$r.log" -T 900 > "$OUT/$k-$r.out" 2>&1 || true
		grep -q '_bench: select ' "$OUT/$k-$r.log" ||
			die "$k boot $r printed no selection cost, see $OUT/$k-$r.log"
	done
done
python3 - "$OUT" "$REPS" <<'PY'
import re, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])
pat = re.compile(r'(stock_select_bench|libmultipath_bench): select policy=(\S+) paths=(\d+) ns=(\d+)')
vals = {}
for kind in ('stock', 'patched'):
    for r in range(1, reps + 1):
        for m in pat.finditer(open(f'{out}/{kind}-{r}.log', errors='replace').read()):
            vals.setdefault((kind, m[2], int(m[3])), []).append(int(m[4]))
print('In-kernel cost of one selection, SRCU read lock and unlock included, in guest')
print(f'instructions (icount; median of {reps} boots; fake paths, all optimized and idle)')
print()
print('| policy | paths | stock | patched | patched/stock |')
print('|---|---|---|---|---|')
for policy in ('numa', 'round-robin', 'queue-depth'):
    for n in (2, 8, 64):
        s = vals.get(('stock', policy, n))
        p = vals.get(('patched', policy, n))
        if not s or not p:
            print(f'| {policy} | {n} | {"-" if not s else statistics.median(s)} | '
                  f'{"-" if not p else statistics.median(p)} | - |')
            continue
        ms, mp = statistics.median(s), statistics.median(p)
        print(f'| {policy} | {n} | {ms:g} | {mp:g} | {mp / ms:.2f} |')
PY
log "raw logs in $OUT"
