#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Head memory for make bench: sizeof(struct mpath_head) and of NVMe's
# struct nvme_ns_head, patched and unpatched, on the test config and on a
# distro-like config (x86_64_defconfig with NVMe multipath and MAXSMP:
# NODES_SHIFT=10, NR_CPUS=8192).  Compiles dev/headsize/sizes.c to assembly
# against prepared build directories; nothing is linked or booted.
# Prints "config tree name value" lines.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SRC=$ROOT/dev/headsize
LLVM=${LLVM--19}
MK=(make -s -j"$(($(nproc) + 1))")
[ -n "$LLVM" ] && MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

# distro_config TREE BUILD: configure and prepare BUILD from TREE.
distro_config() {
	local tree=$1 build=$2
	if [ ! -f "$build/.sizes-prepared" ]; then
		mkdir -p "$build"
		"${MK[@]}" -C "$tree" O="$build" x86_64_defconfig >/dev/null
		"$tree/scripts/config" --file "$build/.config" -e NUMA -e MAXSMP \
			-m NVME_CORE -m BLK_DEV_NVME -e NVME_MULTIPATH
		"${MK[@]}" -C "$tree" O="$build" olddefconfig >/dev/null
		"${MK[@]}" -C "$tree" O="$build" modules_prepare >/dev/null
		touch "$build/.sizes-prepared"
	fi
}

# sizes CONFIG TREE BUILD LIBMULTIPATH: print the sizes for one build.
sizes() {
	local config=$1 tree=$2 build=$3 mp=$4 out
	out=$CACHE/headsize-out/$config-$(basename "$build")
	mkdir -p "$out"
	"${MK[@]}" -C "$tree" O="$build" M="$SRC" MO="$out" \
		HAVE_LIBMULTIPATH="$mp" sizes.s
	sed -n 's/.*->\([A-Z_]*\) \$\{0,1\}\([0-9]*\) .*/\1 \2/p' "$out/sizes.s" |
		while read -r name value; do
			echo "$config $([ "$mp" = y ] && echo patched || echo baseline) $name $value"
		done
}

[ -f "$BUILD/.config" ] || die "no $BUILD/.config; run 'make kernel' first"
# The test config: the patched kernel's build directory.  The distro-like
# config: two prepared build directories, patched and unpatched (cached).
sizes test "$TREE" "$BUILD" y
distro_config "$TREE" "$CACHE/build-sizes-distro"
sizes distro "$TREE" "$CACHE/build-sizes-distro" y
distro_config "$PRISTINE" "$CACHE/build-sizes-distro-base"
sizes distro "$PRISTINE" "$CACHE/build-sizes-distro-base" n
