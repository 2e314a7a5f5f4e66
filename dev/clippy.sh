#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build lib/multipath with CLIPPY=1 in a separate build directory (a Clippy
# build rebuilds rust/, and must not disturb the test kernel's build dir).
# Fails on any warning in lib/multipath.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CB=$CACHE/build-clippy
mkdir -p "$CB"
cmp -s "$BUILD/.config" "$CB/.config" || cp "$BUILD/.config" "$CB/.config"
MK=(make -C "$TREE" O="$CB" LLVM="${LLVM--19}" CLIPPY=1 -j"$(($(nproc) + 1))")
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
[ -n "${LLVM--19}" ] && MK+=(CC="ccache clang${LLVM--19}")
"${MK[@]}" -s olddefconfig >/dev/null
"${MK[@]}" -s prepare >/dev/null
# Force a rebuild of the library so that warnings are seen every run.
rm -f "$CB"/lib/multipath/*.o
"${MK[@]}" lib/multipath/ 2>&1 | tee "$CB/clippy.log"
if grep -nE '^(warning|error)' "$CB/clippy.log"; then
	die "clippy reported problems in lib/multipath"
fi
log "make CLIPPY=1 lib/multipath/: clean"
