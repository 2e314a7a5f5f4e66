#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make soak CYCLES=N: build the test kernel (incrementally), boot it and run
# N cycles (default 200) of path events under fio verify:
#   nvme  ANA flips, controller resets and controller delete plus reconnect,
#         on nvmet loop and on nvmet tcp (guest soak.sh);
#   scsi  native SCSI multipath: ALUA flips, path offline/online and a port
#         unplugged and plugged on an LIO target; hosts added and removed,
#         transport errors and path offline/online on scsi_debug (guest
#         soakscsi.sh).
# SOAK="nvme scsi" (default) chooses; "loop" and "tcp" are nvme's two
# halves alone.  Prints the cycles done, verify
# errors, I/O errors and kernel warnings per target; exits non-zero unless
# every count is as it should be.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CYCLES=${CYCLES:-200}
case $CYCLES in
'' | *[!0-9]*) die "CYCLES must be a number, got '$CYCLES'" ;;
esac
SOAK=${SOAK:-nvme scsi}
scenarios=
want=0
for t in $SOAK; do
	case $t in
	nvme) scenarios=$scenarios,soakloop,soaktcp want=$((want + 2)) ;;
	loop) scenarios=$scenarios,soakloop want=$((want + 1)) ;;
	tcp) scenarios=$scenarios,soaktcp want=$((want + 1)) ;;
	scsi) scenarios=$scenarios,soakscsi want=$((want + 2)) ;;
	*) die "SOAK: unknown '$t' (nvme, loop, tcp, scsi)" ;;
	esac
done
[ "$want" -gt 0 ] || die "SOAK is empty (nvme, loop, tcp, scsi)"
OUT=$ROOT/out/soak
mkdir -p "$OUT"
"$ROOT/dev/kernel.sh" > "$OUT/kernel-build.log" 2>&1 ||
	die "kernel build failed, see $OUT/kernel-build.log"
"$ROOT/tools/testing/multipath/mkinitramfs.sh" "$BUILD/mods" "$OUT/initrd.gz"
# About 10 s per cycle and target under TCG on an idle machine, plus boot
# and set-up; 18 s for the LIO one with two kernel builds alongside
# (2026-12-07, when 13 s per cycle stopped a SCSI soak that was still
# going).  The timeout allows 25 s.  scsi runs in the same boot: the NVMe
# scenarios do not load scsi_mod, which soakscsi loads with multipath=on.
timeout=$((300 + 25 * want * CYCLES))
log "booting for $CYCLES cycles per target: ${scenarios#,} (timeout ${timeout} s)"
start=$SECONDS
"$ROOT/tools/testing/multipath/run-qemu.sh" -k "$BUILD/arch/x86/boot/bzImage" \
	-i "$OUT/initrd.gz" -t "${scenarios#,}" -l "$OUT/console.log" \
	-T "$timeout" -a "mpcycles=$CYCLES"
tr -d '\r' < "$OUT/console.log" > "$OUT/console.log.clean"
echo "soak: $CYCLES cycles per target, $((SECONDS - start)) s"
grep '^MPSOAK' "$OUT/console.log.clean" | sed 's/^MPSOAK /  /'
splats=$(grep -cE "$SPLAT" "$OUT/console.log.clean")
echo "  kernel warnings in the console log: $splats"
fails=$(grep -c '^MPTEST fail' "$OUT/console.log.clean")
grep '^MPTEST fail' "$OUT/console.log.clean" | sed 's/^/  /'
nsoak=$(grep -c '^MPSOAK' "$OUT/console.log.clean")
if [ "$fails" = 0 ] && [ "$splats" = 0 ] && [ "$nsoak" = "$want" ] &&
	grep -q '^MPTEST done' "$OUT/console.log.clean"; then
	echo "soak passed"
else
	echo "soak FAILED (console log: $OUT/console.log)"
	exit 1
fi
