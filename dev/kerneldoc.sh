#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The C API and every C file or header the series adds must be valid
# kernel-doc: no warnings with -Wall.  The header is checked in the repo
# (the source of the patches), the other new files in the work tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
files=("$ROOT/include/linux/multipath.h")
while read -r f; do
	[ "$f" = include/linux/multipath.h ] || files+=("$TREE/$f")
done < <(git -C "$TREE" diff --name-only --diff-filter=A pristine.."$WORK_BRANCH" -- '*.c' '*.h')
bad=0
for f in "${files[@]}"; do
	out=$("$TREE/scripts/kernel-doc" -none -Wall "$f" 2>&1) || true
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
done
[ "$bad" = 0 ] || die "kernel-doc warnings (above)"
log "kernel-doc -Wall: ${#files[@]} files clean: ${files[*]##*/}"
