#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the unpatched 7.3.4 kernel (the work tree's "pristine" commit) from
# the test kernel's .config, for the baseline comparison of make check:
# same options, minus the symbols the series adds.  The build is
# incremental in its own work tree and build directory.  Modules are
# installed into $BASELINE_BUILD/mods.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$CACHE/baseline-tree
BB=${BASELINE_BUILD:-$CACHE/build-baseline}
LLVM=${LLVM--19}
[ -f "$BUILD/.config" ] || die "no $BUILD/.config; run 'make kernel' first"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	rm -rf "$WT"
	git -C "$TREE" worktree add -q --detach "$WT" pristine
fi
[ "$(git -C "$WT" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse pristine)" ] ||
	git -C "$WT" checkout -q --detach pristine
[ -e "$WT/lib/multipath/Kconfig" ] &&
	die "$WT is not the unpatched kernel"
mkdir -p "$BB"
MK=(make -C "$WT" O="$BB" -s)
[ -n "$LLVM" ] && MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")

# The test config; olddefconfig drops LIBMULTIPATH*, which 7.3 lacks.
NEW=$BB/.config.new
cp "$BUILD/.config" "$NEW"
KCONFIG_CONFIG=$NEW "${MK[@]}" olddefconfig >/dev/null
if cmp -s "$NEW" "$BB/.config"; then
	rm -f "$NEW"
else
	mv "$NEW" "$BB/.config"
fi
grep -q '^CONFIG_NVME_MULTIPATH=y' "$BB/.config" ||
	die "the baseline config lost NVME_MULTIPATH"

log "building the unpatched kernel in $BB"
start=$SECONDS
"${MK[@]}" -j"$(($(nproc) + 1))" bzImage modules
rm -rf "$BB/mods"
"${MK[@]}" INSTALL_MOD_PATH="$BB/mods" modules_install >/dev/null
log "built unpatched $("${MK[@]}" kernelrelease) in $((SECONDS - start)) s"
