#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the NVMe drivers of the test configuration with NVME_MULTIPATH off,
# in a separate build directory: the converted driver's !CONFIG_NVME_MULTIPATH
# stubs must keep compiling.  Fails on any error or warning in drivers/nvme.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

NB=$CACHE/build-nomultipath
mkdir -p "$NB"
cp "$BUILD/.config" "$NB/.config.new"
"$TREE/scripts/config" --file "$NB/.config.new" -d NVME_MULTIPATH
cmp -s "$NB/.config.new" "$NB/.config" || cp "$NB/.config.new" "$NB/.config"
rm -f "$NB/.config.new"
MK=(make -C "$TREE" O="$NB" LLVM="${LLVM--19}" -j"$(($(nproc) + 1))")
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
[ -n "${LLVM--19}" ] && MK+=(CC="ccache clang${LLVM--19}")
"${MK[@]}" -s olddefconfig >/dev/null
if grep -q '^CONFIG_NVME_MULTIPATH=y' "$NB/.config"; then
	die "NVME_MULTIPATH is still enabled in $NB/.config"
fi
"${MK[@]}" drivers/nvme/ 2>&1 | tee "$NB/build.log"
if grep -nE '(error|warning):' "$NB/build.log"; then
	die "drivers/nvme does not build cleanly without NVME_MULTIPATH"
fi
log "drivers/nvme builds without NVME_MULTIPATH"
