#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure (no build) a kernel without Rust from a configuration that
# asks for NVMe multipath: olddefconfig must drop NVME_MULTIPATH, which
# needs Rust, and leave the Kconfig comment that says so in .config, so
# that the loss is not silent.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
RB=$CACHE/build-rustoff
rm -rf "$RB"
mkdir -p "$RB"
MK=(make -C "$TREE" O="$RB" LLVM="${LLVM--19}" -s)
"${MK[@]}" allnoconfig >/dev/null
"$TREE/scripts/config" --file "$RB/.config" -e 64BIT -e BLOCK -e PCI \
	-e BLK_DEV_NVME -e NVME_MULTIPATH -d RUST
"${MK[@]}" olddefconfig >/dev/null
grep -q '^CONFIG_BLK_DEV_NVME=y$' "$RB/.config" ||
	die "olddefconfig dropped BLK_DEV_NVME: the test configuration is wrong"
if grep -q '^CONFIG_NVME_MULTIPATH=' "$RB/.config"; then
	die "NVME_MULTIPATH survived without RUST"
fi
grep -qx '# NVMe multipath support needs Rust (CONFIG_RUST)' "$RB/.config" ||
	die "no comment in .config says that NVMe multipath needs Rust"
log "RUST=n: NVME_MULTIPATH dropped, .config says why"
