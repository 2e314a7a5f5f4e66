#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: set everything up, build the patched kernel, boot it under QEMU
# with two NVMe controllers sharing a namespace and with scsi_debug, and
# print a short report of what the multipath head does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=$ROOT/out/demo
mkdir -p "$OUT"
t0=$SECONDS
stepn=0
run() {
	local name=$1 start=$SECONDS
	shift
	stepn=$((stepn + 1))
	printf '[%4ds] step %d: %s\n' $((SECONDS - t0)) "$stepn" "$name"
	if ! "$@" > "$OUT/step$stepn.log" 2>&1; then
		tail -n 20 "$OUT/step$stepn.log"
		die "$name failed (log: out/demo/step$stepn.log)"
	fi
	printf '[%4ds]         done in %ds\n' $((SECONDS - t0)) $((SECONDS - start))
}

run "install dependencies (make setup)" "$ROOT/dev/setup.sh"
export PATH=$HOME/.cargo/bin:$PATH
run "kernel work tree with the series (make tree)" "$ROOT/dev/tree.sh"
run "build the kernel (make kernel; ~20 min cold, incremental after)" "$ROOT/dev/kernel.sh"
run "build the initramfs" "$ROOT/tools/testing/multipath/mkinitramfs.sh" "$BUILD/mods" "$OUT/initrd.gz"
rc=0
run "boot under QEMU (TCG) and run the scenarios" \
	"$ROOT/tools/testing/multipath/run-qemu.sh" -k "$BUILD/arch/x86/boot/bzImage" \
	-i "$OUT/initrd.gz" -t qemunvme,nvmetloop,scsidebug -l "$OUT/console.log" -T 600 || rc=1
# Native SCSI multipath loads scsi_mod with multipath=on: a boot of its own.
run "boot again for native SCSI multipath (scsi_debug, LIO with ALUA)" \
	"$ROOT/tools/testing/multipath/run-qemu.sh" -k "$BUILD/arch/x86/boot/bzImage" \
	-i "$OUT/initrd.gz" -t scsimpath,scsilio -l "$OUT/console-scsi.log" -T 600 || rc=1
cat "$OUT/console-scsi.log" >> "$OUT/console.log"
log=$OUT/console.log

echo
echo "================ libmultipath demo report ================"
echo "kernel: $(make -s -C "$TREE" O="$BUILD" kernelrelease 2>/dev/null), $(git -C "$TREE" rev-list --count pristine..mpath) patches on Linux 7.3.4"
tr -d '\r' < "$log" | sed -n 's/^MPDEMO /  /p'
pass=$(tr -d '\r' < "$log" | grep -c '^MPTEST ok ' || true)
fail=$(tr -d '\r' < "$log" | grep -c '^MPTEST fail ' || true)
echo "checks in the guest: $pass passed, $fail failed"
tr -d '\r' < "$log" | sed -n 's/^MPTEST fail /  FAILED: /p'
echo "console logs: out/demo/console.log (both boots), out/demo/console-scsi.log; total time $((SECONDS - t0)) s"
echo "=========================================================="
[ "$rc" = 0 ] && [ "$fail" = 0 ]
