#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test configuration with NVME_MULTIPATH off and
# LIBMULTIPATH_KUNIT_TEST off (KUNIT stays on), in a separate build
# directory: the converted driver's !CONFIG_NVME_MULTIPATH stubs must keep
# compiling, and so must the library on a KUnit kernel without its own test
# suites (no test module may depend on anything but
# LIBMULTIPATH_KUNIT_TEST).  Fails on any error or warning in drivers/nvme
# or lib/multipath.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

NB=$CACHE/build-nomultipath
mkdir -p "$NB"
cp "$BUILD/.config" "$NB/.config.new"
"$TREE/scripts/config" --file "$NB/.config.new" -d NVME_MULTIPATH \
	-m LIBMULTIPATH -d LIBMULTIPATH_KUNIT_TEST
cmp -s "$NB/.config.new" "$NB/.config" || cp "$NB/.config.new" "$NB/.config"
rm -f "$NB/.config.new"
MK=(make -C "$TREE" O="$NB" LLVM="${LLVM--19}" -j"$(($(nproc) + 1))")
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
[ -n "${LLVM--19}" ] && MK+=(CC="ccache clang${LLVM--19}")
"${MK[@]}" -s olddefconfig >/dev/null
want() { grep -q "^$1\$" "$NB/.config" || die "olddefconfig lost $1 in $NB/.config"; }
want '# CONFIG_NVME_MULTIPATH is not set'
want '# CONFIG_LIBMULTIPATH_KUNIT_TEST is not set'
want CONFIG_KUNIT=y
want CONFIG_LIBMULTIPATH=m
"${MK[@]}" drivers/nvme/ lib/multipath/ 2>&1 | tee "$NB/build.log"
if grep -nE '(error|warning)(\[E[0-9]+\])?:' "$NB/build.log"; then
	die "drivers/nvme or lib/multipath does not build cleanly"
fi
[ -f "$NB/lib/multipath/libmultipath.o" ] || die "lib/multipath/libmultipath.o was not built"
log "drivers/nvme builds without NVME_MULTIPATH; lib/multipath without its KUnit suites"
