#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the series as git format-patch output with a cover letter to
# out/series/, then check that "git am" of it onto the pristine base gives
# exactly the tree of the work branch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${OUT:-$ROOT/out/series}
[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
cd "$TREE"
[ "$(git rev-parse "$WORK_BRANCH")" = "$(cat .git/mpath-exported 2>/dev/null)" ] ||
	log "warning: branch $WORK_BRANCH has changes that were not exported (make export)"

rm -rf "$OUT"
mkdir -p "$OUT"
n=$(git rev-list --count pristine.."$WORK_BRANCH")
[ "$n" -gt 0 ] || die "the series is empty"
git format-patch -q --cover-letter --base=pristine --no-signature \
	--subject-prefix="PATCH" -o "$OUT" pristine.."$WORK_BRANCH"

# Fill in the cover letter from series/cover-letter (subject line, blank, body).
cover=$(ls "$OUT"/0000-cover-letter.patch)
if [ -f "$SERIES_DIR/cover-letter" ]; then
	subject=$(head -n1 "$SERIES_DIR/cover-letter")
	tail -n +3 "$SERIES_DIR/cover-letter" > "$OUT/.blurb"
	python3 - "$cover" "$subject" "$OUT/.blurb" <<'PY'
import sys
path, subject, blurb = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip('\n')
s = open(path).read()
s = s.replace('*** SUBJECT HERE ***', subject, 1)
s = s.replace('*** BLURB HERE ***', blurb, 1)
open(path, 'w').write(s)
PY
	rm -f "$OUT/.blurb"
fi
grep -q '^ [0-9]* files\? changed' "$cover" || die "cover letter has no diffstat"

# Verify: git am onto the pristine base in a scratch worktree.
chk=$(mktemp -d "$CACHE/am-check.XXXXXX")
trap 'git -C "$TREE" worktree remove --force "$chk" >/dev/null 2>&1 || true; rm -rf "$chk"' EXIT
git worktree add -q --detach "$chk" pristine
mapfile -t patches < <(ls "$OUT"/*.patch | grep -v '/0000-cover-letter.patch$')
git -C "$chk" "${GIT_ID[@]}" am -q "${patches[@]}" ||
	die "git am of the series onto the pristine base failed"
want=$(git rev-parse "$WORK_BRANCH^{tree}")
got=$(git -C "$chk" rev-parse "HEAD^{tree}")
[ "$want" = "$got" ] || die "git am result differs from the work branch ($got != $want)"
log "$n patches + cover letter in ${OUT#$ROOT/}; git am onto the pristine base gives the same tree"
