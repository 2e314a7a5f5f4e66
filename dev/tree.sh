#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Materialise the kernel git work tree: branch "base" is the pristine tree,
# branch "mpath" has one commit per patch of the series on top of it.
#
# The work tree is reused: existing commits are replaced, but files whose
# content does not change keep their timestamps, so out-of-tree builds stay
# incremental.  Refuses to run over uncommitted changes or unexported commits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

FORCE=${FORCE:-0}
need_pristine

if [ ! -d "$TREE/.git" ]; then
	log "creating work tree $TREE from $PRISTINE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	if [ -d "$PRISTINE/.git" ]; then
		git -C "$PRISTINE" archive HEAD | tar -x -C "$TREE"
	else
		rsync -a --exclude=.mpath-pristine "$PRISTINE/" "$TREE/"
	fi
	cd "$TREE"
	git init -q -b "$BASE_BRANCH"
	# Debian's .gitignore ignores every top-level entry, which would hide
	# every new file; drop that block in the work tree only.
	python3 - <<'PY'
p = '.gitignore'
s = open(p).read()
i = s.find('#\n# Debian packaging')
if i >= 0:
    open(p, 'w').write(s[:i])
PY
	git add -A -f
	# A fixed date, so that the base commit, and the series' base-commit:,
	# are the same on every machine.
	GIT_AUTHOR_DATE="2026-11-23T00:00:00Z" GIT_COMMITTER_DATE="2026-11-23T00:00:00Z" \
		git "${GIT_ID[@]}" commit -q -m "Linux 7.3.4 base"
	git tag -f pristine >/dev/null
fi

cd "$TREE"
if [ "$FORCE" != 1 ]; then
	if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
		die "$TREE has uncommitted changes; commit them and run 'make export', or FORCE=1"
	fi
	if git rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null &&
	   [ -f "$TREE/.git/mpath-exported" ] &&
	   [ "$(git rev-parse "$WORK_BRANCH")" != "$(cat "$TREE/.git/mpath-exported")" ] &&
	   [ "$(git rev-parse "$WORK_BRANCH")" != "$(cat "$TREE/.git/mpath-built" 2>/dev/null)" ]; then
		die "branch $WORK_BRANCH has commits that were not exported; run 'make export' first, or FORCE=1"
	fi
fi

log "applying the series from $SERIES_DIR"
# Build the commits with plumbing in a private index, so the work tree is only
# touched at the end, and only where content changes.
export GIT_INDEX_FILE=$TREE/.git/mpath-index
rm -f "$GIT_INDEX_FILE"
git read-tree pristine
parent=$(git rev-parse pristine)
n=0
while read -r p; do
	d=$SERIES_DIR/$p
	[ -f "$d/message" ] || die "series/$p/message is missing"
	if [ -s "$d/upstream.diff" ]; then
		git apply --cached --whitespace=nowarn "$d/upstream.diff" ||
			die "series/$p/upstream.diff does not apply"
	fi
	if [ -f "$d/files" ]; then
		while read -r f; do
			[ -n "$f" ] || continue
			[ -f "$ROOT/$f" ] || die "series/$p/files names $f, which is not in the repo"
			mode=100644
			[ -x "$ROOT/$f" ] && mode=100755
			sha=$(git hash-object -w "$ROOT/$f")
			git update-index --add --cacheinfo "$mode,$sha,$f"
		done < "$d/files"
	fi
	if [ -s "$d/interim.diff" ]; then
		git apply --cached --whitespace=nowarn "$d/interim.diff" ||
			die "series/$p/interim.diff does not apply"
	fi
	author=$(sed -n '1s/^Author: //p' "$d/message")
	[ -n "$author" ] || author="libmultipath-rs <libmultipath-rs@localhost>"
	msg=$(sed '1{/^Author: /d}' "$d/message" | sed '/./,$!d')
	tree=$(git write-tree)
	parent=$(GIT_AUTHOR_NAME="${author% <*}" GIT_AUTHOR_EMAIL="$(echo "$author" | sed 's/.*<\(.*\)>.*/\1/')" \
		GIT_AUTHOR_DATE="2026-11-23T00:00:00Z" GIT_COMMITTER_DATE="2026-11-23T00:00:00Z" \
		git "${GIT_ID[@]}" commit-tree "$tree" -p "$parent" -m "$msg")
	n=$((n + 1))
done < <(series_patches)
unset GIT_INDEX_FILE
rm -f "$TREE/.git/mpath-index"

# Move the work tree to the new commits; unchanged files keep their mtime.
if git rev-parse -q --verify "refs/heads/$WORK_BRANCH" >/dev/null; then
	git checkout -q "$WORK_BRANCH"
	git reset -q --hard "$parent"
else
	git checkout -q -b "$WORK_BRANCH" "$parent"
fi
git rev-parse HEAD > "$TREE/.git/mpath-built"
git rev-parse HEAD > "$TREE/.git/mpath-exported"
log "$TREE: $n patches on top of the pristine base (branch $WORK_BRANCH)"
