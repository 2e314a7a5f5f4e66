#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure (tinyconfig + fragments) and build the test kernel out of tree,
# incrementally, in $BUILD.  Modules are installed into $BUILD/mods.
#
#   LLVM=-19 (default) builds with clang-19/lld-19; LLVM= (empty) uses GCC.
#   FRAGMENTS="a.config b.config" overrides the config fragments.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LLVM=${LLVM--19}
FRAGMENTS=${FRAGMENTS:-$ROOT/tools/testing/multipath/mpath-test.config}
JOBS=${JOBS:-$(($(nproc) + 1))}

[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
mkdir -p "$BUILD"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}

MK=(make -C "$TREE" O="$BUILD")
if [ -n "$LLVM" ]; then
	MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")
	label="LLVM=$LLVM"
else
	MK+=(CC="ccache gcc")
	label=GCC
fi

log "checking the Rust toolchain (make rustavailable)"
"${MK[@]}" -s rustavailable >/dev/null ||
	die "Rust is not available for the kernel build; run 'make setup'"

log "configuring: tinyconfig + ${FRAGMENTS//$ROOT\//}"
NEW=$BUILD/.config.new
KCONFIG_CONFIG=$NEW "${MK[@]}" -s tinyconfig >/dev/null
# shellcheck disable=SC2086
KCONFIG_CONFIG=$NEW "$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$NEW" $FRAGMENTS >/dev/null
KCONFIG_CONFIG=$NEW "${MK[@]}" -s olddefconfig >/dev/null
# Every requested symbol must have survived; a later fragment overrides
# an earlier one.
# shellcheck disable=SC2086
lost=$(cat $FRAGMENTS | python3 -c '
import re, sys
want = {}
for line in sys.stdin:
    m = re.match(r"(CONFIG_\w+)=(.*)$", line.strip())
    if m:
        want[m.group(1)] = m.group(2)
have = {}
for line in open(sys.argv[1]):
    m = re.match(r"(CONFIG_\w+)=(.*)$", line.strip())
    if m:
        have[m.group(1)] = m.group(2)
for sym, val in want.items():
    got = have.get(sym, "n")
    if got != val:
        print(f"  requested {sym}={val}, got {got}")
' "$NEW")
if [ -n "$lost" ]; then
	echo "$lost" >&2
	die "some requested config symbols did not survive (see above)"
fi
if cmp -s "$NEW" "$BUILD/.config"; then
	rm -f "$NEW"
else
	mv "$NEW" "$BUILD/.config"
fi

log "building bzImage and modules (-j$JOBS, $label)"
start=$SECONDS
"${MK[@]}" -j"$JOBS" -s bzImage modules
rm -rf "$BUILD/mods"
"${MK[@]}" -s INSTALL_MOD_PATH="$BUILD/mods" modules_install >/dev/null
log "built $("${MK[@]}" -s kernelrelease) in $((SECONDS - start)) s: $BUILD/arch/x86/boot/bzImage"
