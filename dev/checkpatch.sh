#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run checkpatch.pl --strict on every patch of out/series (make series first).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$ROOT/out/series" ] || "$ROOT/dev/series.sh"
rc=0
for p in "$ROOT"/out/series/0*.patch; do
	case "$p" in */0000-cover-letter.patch) continue ;; esac
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --quiet "$p" 2>&1) || rc=1
	if [ -n "$out" ]; then
		echo "== ${p##*/}"
		echo "$out"
		rc=1
	fi
done
[ "$rc" = 0 ] && log "checkpatch --strict: no errors, warnings or checks"
exit "$rc"
