#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel at every patch of the series (in a separate work
# tree and build directory, so the main build stays incremental), and check
# at every patch that include/linux/multipath.h matches the Rust sources.
#
# It starts with the unpatched base: that build, with the test config
# minus the symbols the series adds, is installed into $BASELINE_BUILD
# (bzImage and modules) as the baseline kernel of make check and make
# bench.  BASELINE_ONLY=1 stops after that.
#
# A patch whose tree was verified before (built without warnings, header
# in agreement) with the same config, the same toolchain and the same
# checks is not built again: $BB/verified/ keeps one stamp per tree, keyed
# by all of those, so make check walks only from the first changed patch.
# BISECT_ALL=1 builds every patch whatever the stamps say.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$CACHE/bisect-tree
BB=$CACHE/build-bisect
BASELINE_BUILD=${BASELINE_BUILD:-$CACHE/build-baseline}
LLVM=${LLVM--19}
[ -f "$BUILD/.config" ] || die "no $BUILD/.config; run 'make kernel' first"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	rm -rf "$WT"
	git -C "$TREE" worktree add -q --detach "$WT" pristine
fi
mkdir -p "$BB/verified"
MK=(make -C "$WT" O="$BB" -j"$(($(nproc) + 1))" -s)
[ -n "$LLVM" ] && MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")

# What a patch's verdict depends on besides its tree.
envkey=$({
	cat "$BUILD/.config" "$0" "$ROOT/dev/header-check.sh"
	echo "LLVM=$LLVM"
	"clang$LLVM" --version
	rustc --version
	bindgen --version
} 2>&1 | sha256sum | cut -c1-16)
[ "${BISECT_ALL:-0}" = 1 ] && rm -f "$BB"/verified/*

n=-1
for c in $(git -C "$TREE" rev-parse pristine) \
	$(git -C "$TREE" rev-list --reverse pristine.."$WORK_BRANCH"); do
	n=$((n + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	stamp=$(git -C "$TREE" rev-parse "$c^{tree}")-$envkey
	if [ -f "$BB/verified/$stamp" ] &&
		{ [ "$n" != 0 ] || [ "$(cat "$BASELINE_BUILD/.verified" 2>/dev/null)" = "$stamp" ]; }; then
		log "patch $n built before at this tree and config (stamp $stamp): $subject"
		[ "$n" != 0 ] || [ -z "${BASELINE_ONLY:-}" ] || exit 0
		continue
	fi
	# A failed run must not leave an older baseline kernel behind.
	[ "$n" != 0 ] || rm -rf "$BASELINE_BUILD"
	git -C "$WT" checkout -q --detach "$c"
	if [ -f "$WT/lib/multipath/abi.rs" ]; then
		"$ROOT/dev/header-check.sh" "$WT" >/dev/null ||
			die "patch $n ($subject): the header and abi.rs disagree (dev/header-check.sh $WT)"
	fi
	# The test config, as far as this patch knows its symbols.
	cp "$BUILD/.config" "$BB/.config"
	"${MK[@]}" olddefconfig >/dev/null
	start=$SECONDS
	rm -f "$BB/lib/multipath/libmultipath.ko"
	"${MK[@]}" bzImage modules 2>&1 | tee "$BB/build.log" ||
		die "patch $n ($subject) does not build"
	# The series must build without warnings at every patch.  Each patch
	# rebuilds what it changes, so its warnings show here; a warning's
	# location is on its line (C) or on one of the next lines (Rust).
	warnings=$(grep -A3 'warning' "$BB/build.log" |
		grep -E 'lib/multipath|drivers/nvme|rust/(kernel|helpers)|linux/multipath\.h' || true)
	[ -z "$warnings" ] || die "patch $n ($subject) builds with warnings:
$warnings"
	if [ "$n" = 0 ]; then
		grep -q '^CONFIG_NVME_MULTIPATH=y' "$BB/.config" ||
			die "the unpatched kernel's config lost NVME_MULTIPATH"
		mkdir -p "$BASELINE_BUILD/arch/x86/boot"
		cp "$BB/.config" "$BASELINE_BUILD/.config"
		cp "$BB/arch/x86/boot/bzImage" "$BASELINE_BUILD/arch/x86/boot/"
		cp "$BB/System.map" "$BASELINE_BUILD/"
		"${MK[@]}" INSTALL_MOD_PATH="$BASELINE_BUILD/mods" modules_install >/dev/null
		echo "$stamp" > "$BASELINE_BUILD/.verified"
		touch "$BB/verified/$stamp"
		log "unpatched base builds in $((SECONDS - start)) s; installed into $BASELINE_BUILD"
		[ -z "${BASELINE_ONLY:-}" ] || exit 0
		continue
	fi
	touch "$BB/verified/$stamp"
	built=""
	[ -f "$BB/lib/multipath/libmultipath.ko" ] && built=" (libmultipath.ko built)"
	log "patch $n builds in $((SECONDS - start)) s$built: $subject"
done
