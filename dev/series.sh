#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the series as git format-patch output with a cover letter to
# out/series/, then check that "git am" of it onto the pristine base gives
# exactly the tree of the work branch.
#
#   AUTHOR="Name <email>"  the submitter: replaces the placeholder identity
#                          in From: and Signed-off-by: of every patch and the
#                          cover letter (default: the placeholder)
#   V=n                    the version: V=3 gives "[PATCH v3 NN/MM]" and
#                          v3-NNNN-*.patch file names (default 1: no version)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

OUT=${OUT:-$ROOT/out/series}
PLACEHOLDER='libmultipath-rs developers <libmultipath-rs@users.noreply.example>'
AUTHOR=${AUTHOR:-}
V=${V:-1}
[[ "$V" =~ ^[1-9][0-9]*$ ]] || die "V=$V: the version must be a positive number (V=3 gives [PATCH v3 NN/MM])"
if [ -n "$AUTHOR" ]; then
	[[ "$AUTHOR" =~ ^[^\<\>@]*[^\<\>@\ ]\ \<[^\<\>@\ ]+@[^\<\>@\ ]+\>$ ]] ||
		die "AUTHOR=\"$AUTHOR\" is not \"Name <email>\" (e.g. AUTHOR=\"A U Thor <a@example.org>\")"
fi
[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
cd "$TREE"
[ "$(git rev-parse "$WORK_BRANCH")" = "$(cat .git/mpath-exported 2>/dev/null)" ] ||
	log "warning: branch $WORK_BRANCH has changes that were not exported (make export)"

rm -rf "$OUT"
mkdir -p "$OUT"
n=$(git rev-list --count pristine.."$WORK_BRANCH")
[ "$n" -gt 0 ] || die "the series is empty"

# The submitter's identity: the same commits (trees, dates, messages) with
# AUTHOR as author and committer and in place of the placeholder's
# Signed-off-by:, so that git itself writes (and if need be encodes) From:.
tip=$WORK_BRANCH
id=("${GIT_ID[@]}")
if [ -n "$AUTHOR" ]; then
	name=${AUTHOR% <*}
	email=${AUTHOR##*<}
	email=${email%>}
	id=(-c user.name="$name" -c user.email="$email")
	tip=$(git rev-parse pristine)
	for c in $(git rev-list --reverse pristine.."$WORK_BRANCH"); do
		msg=$(git log -1 --format=%B "$c" |
			sed "s/^Signed-off-by: $(printf '%s' "$PLACEHOLDER" | sed 's/[][\\.*^$/]/\\&/g')\$/Signed-off-by: $(printf '%s' "$AUTHOR" | sed 's/[\\&/]/\\&/g')/")
		tip=$(GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" \
			GIT_AUTHOR_DATE="$(git log -1 --format=%aD "$c")" \
			GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" \
			GIT_COMMITTER_DATE="$(git log -1 --format=%cD "$c")" \
			git commit-tree "$c^{tree}" -p "$tip" <<< "$msg")
	done
fi
version=()
[ "$V" = 1 ] || version=(--reroll-count="$V")
git "${id[@]}" format-patch -q --cover-letter --base=pristine --no-signature \
	--subject-prefix="PATCH" "${version[@]}" -o "$OUT" pristine.."$tip"

# Fill in the cover letter from series/cover-letter (subject line, blank, body).
cover=$(ls "$OUT"/*0000-cover-letter.patch)
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
mapfile -t patches < <(ls "$OUT"/*.patch | grep -v -e '-0000-cover-letter.patch$' -e '/0000-cover-letter.patch$')
git -C "$chk" "${GIT_ID[@]}" am -q "${patches[@]}" ||
	die "git am of the series onto the pristine base failed"
want=$(git rev-parse "$WORK_BRANCH^{tree}")
got=$(git -C "$chk" rev-parse "HEAD^{tree}")
[ "$want" = "$got" ] || die "git am result differs from the work branch ($got != $want)"
if [ -n "$AUTHOR" ] && grep -l -F "$PLACEHOLDER" "$OUT"/*.patch >/dev/null; then
	die "the placeholder identity is left in: $(grep -l -F "$PLACEHOLDER" "$OUT"/*.patch | tr '\n' ' ')"
fi
log "$n patches + cover letter in ${OUT#$ROOT/}; git am onto the pristine base gives the same tree"
