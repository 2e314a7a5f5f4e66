#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run checkpatch.pl --strict on every patch of out/series (make series first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$ROOT/out/series" ] || "$ROOT/dev/series.sh"
rc=0
for p in "$ROOT"/out/series/0*.patch; do
	case "$p" in */0000-cover-letter.patch) continue ;; esac
	# FILE_PATH_CHANGES fires for every new file, even in a directory
	# MAINTAINERS already covers; coverage is checked below instead.
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES "$p" 2>&1) || rc=1
	if [ -n "$out" ]; then
		echo "== ${p##*/}"
		echo "$out"
		rc=1
	fi
done
# Every file the series adds must have a MAINTAINERS entry: ours, or for
# Rust helpers the Rust maintainers' (rust/helpers is theirs).
while read -r f; do
	case $f in
	rust/helpers/*) entry='RUST' ;;
	drivers/scsi/* | include/scsi/* | Documentation/admin-guide/scsi-multipath.rst)
		entry='SCSI NATIVE MULTIPATH' ;;
	*) entry='LIBMULTIPATH' ;;
	esac
	if ! (cd "$TREE" && scripts/get_maintainer.pl --no-git -f "$f" 2>/dev/null) |
			grep -q "($entry)\|:$entry\|$entry"; then
		echo "MAINTAINERS: no $entry entry covers $f"
		rc=1
	fi
done < <(git -C "$TREE" diff --name-only --diff-filter=A pristine mpath)
[ "$rc" = 0 ] && log "checkpatch --strict: no errors, warnings or checks; MAINTAINERS covers every new file"
exit "$rc"
