#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the unpatched 7.3.4 kernel with the distro-like bench config
# (make bench CONFIGS=distro): the patched distro kernel's final .config
# ($FROM, built first by dev/kernel.sh with dev/bench-distro.config) minus
# the symbols the series adds, in its own work tree at `pristine` and its
# own build directory, incrementally.  The build directory is the install:
# arch/x86/boot/bzImage, .config, System.map and the modules in mods/, the
# layout of dev/bisect.sh's baseline.  It does not touch bisect-tree,
# build-bisect or build-baseline (make check's).
#
#   FROM=dir   the patched build whose .config is used
#              (default $CACHE/build-distro)
#   DEST=dir   build directory and install (default $CACHE/build-distro-baseline)
#   WT=dir     work tree of $TREE at pristine (default $CACHE/distro-base-tree)
#   LLVM=-19 (default) or LLVM= (GCC), as dev/kernel.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FROM=${FROM:-$CACHE/build-distro}
DEST=${DEST:-$CACHE/build-distro-baseline}
WT=${WT:-$CACHE/distro-base-tree}
LLVM=${LLVM--19}
JOBS=${JOBS:-$(($(nproc) + 1))}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}

[ -f "$FROM/.config" ] || die "no $FROM/.config; build the patched distro kernel first" \
	"(BUILD=$FROM FRAGMENTS=\"...mpath-test.config dev/bench-distro.config\" dev/kernel.sh)"
[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"

if [ ! -e "$WT/.git" ]; then
	rm -rf "$WT"
	log "adding work tree $WT at pristine"
	git -C "$TREE" worktree add -q --detach "$WT" pristine
fi
# pristine may have moved (make tree); a no-op otherwise.
[ "$(git -C "$WT" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse 'pristine^{commit}')" ] ||
	git -C "$WT" checkout -q --detach pristine

MK=(make -C "$WT" O="$DEST" -s)
[ -n "$LLVM" ] && MK+=(LLVM="$LLVM" CC="ccache clang$LLVM")
mkdir -p "$DEST"
# A failed build must not leave an older kernel behind.
rm -rf "$DEST/arch/x86/boot/bzImage" "$DEST/mods"

# The patched kernel's config, as far as the unpatched tree knows its
# symbols; only the series' own symbols (unknown to this tree) may go.
NEW=$DEST/.config.new
cp "$FROM/.config" "$NEW"
KCONFIG_CONFIG=$NEW "${MK[@]}" olddefconfig >/dev/null
lost=""
while read -r sym; do
	name=${sym#CONFIG_}
	if grep -rqE --include='Kconfig*' "^(menu)?config $name[[:space:]]*\$" "$WT"; then
		lost="$lost $sym"
	fi
done < <(diff <(grep '^CONFIG_' "$FROM/.config" | sort) <(grep '^CONFIG_' "$NEW" | sort) |
	sed -n 's/^< \(CONFIG_[A-Za-z0-9_]*\)=.*/\1/p')
[ -z "$lost" ] || die "the unpatched tree changed symbols it knows:$lost"
grep -q '^CONFIG_NVME_MULTIPATH=y' "$NEW" ||
	die "the unpatched kernel's config lost NVME_MULTIPATH"
if cmp -s "$NEW" "$DEST/.config"; then
	rm -f "$NEW"
else
	mv "$NEW" "$DEST/.config"
fi

log "building the unpatched kernel in $DEST (-j$JOBS)"
start=$SECONDS
"${MK[@]}" -j"$JOBS" bzImage modules
"${MK[@]}" INSTALL_MOD_PATH="$DEST/mods" modules_install >/dev/null
log "built $("${MK[@]}" kernelrelease) (unpatched) in $((SECONDS - start)) s: $DEST/arch/x86/boot/bzImage"
