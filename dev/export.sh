#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the commits of the work tree's "mpath" branch back into the repo:
# new files at their in-tree paths, and per patch its message, the list of
# new files it adds or changes, the diff to upstream files and, for new files
# that later patches change again, the diff from the final to this version.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
cd "$TREE"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes; commit them first"
head=$(git rev-parse "$WORK_BRANCH")

# New files: absent from the pristine base, present at the tip.
mapfile -t new_files < <(git diff --name-only --no-renames --diff-filter=A pristine "$head")
for f in "${new_files[@]}"; do
	if is_workspace_path "$f"; then
		die "$f is a workspace path and cannot be part of the series"
	fi
done
if git diff --name-only --no-renames --diff-filter=D pristine "$head" | grep -q .; then
	log "note: the series deletes upstream files"
fi

# Files that earlier patches add but later ones delete are not supported.
mapfile -t commits < <(git rev-list --reverse pristine.."$head")
is_new() { git cat-file -e "$head:$1" 2>/dev/null && ! git cat-file -e "pristine:$1" 2>/dev/null; }

# 1. New files at their in-tree paths in the repo.
declare -A keep=()
for f in "${new_files[@]}"; do
	keep[$f]=1
	mkdir -p "$ROOT/$(dirname "$f")"
	git show "$head:$f" > "$ROOT/$f.tmp"
	mode=$(git ls-tree "$head" -- "$f" | cut -d' ' -f1)
	if [ "$mode" = 100755 ]; then chmod +x "$ROOT/$f.tmp"; else chmod -x "$ROOT/$f.tmp"; fi
	if cmp -s "$ROOT/$f.tmp" "$ROOT/$f" &&
	   [ "$(stat -c %a "$ROOT/$f.tmp")" = "$(stat -c %a "$ROOT/$f")" ]; then
		rm -f "$ROOT/$f.tmp"
	else
		mv "$ROOT/$f.tmp" "$ROOT/$f"
	fi
done
# Series files in the repo that the branch no longer has.
while read -r f; do
	is_workspace_path "$f" && continue
	[ -n "${keep[$f]:-}" ] && continue
	if [ "${PRUNE:-0}" = 1 ]; then
		log "removing $f (not in the series any more)"
		git -C "$ROOT" rm -q -f "$f"
	else
		log "warning: $f is in the repo but in no patch (PRUNE=1 removes it)"
	fi
done < <(git -C "$ROOT" ls-files)

# 2. One directory per patch.
tmpseries=$(mktemp -d)
trap 'rm -rf "$tmpseries"' EXIT
n=0
for c in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git log -1 --format=%s "$c")
	slug=$(printf '%s' "$subject" | tr -c 'A-Za-z0-9' '-' | tr -s '-' | sed 's/^-//; s/-$//' | cut -c1-52 | sed 's/-$//')
	name=$(printf '%04d-%s' "$n" "$slug")
	d=$tmpseries/$name
	mkdir -p "$d"
	printf 'Author: %s\n\n' "$(git log -1 --format='%an <%ae>' "$c")" > "$d/message"
	git log -1 --format=%B "$c" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >> "$d/message"
	upstream=()
	newf=()
	while read -r f; do
		if git cat-file -e "pristine:$f" 2>/dev/null; then
			upstream+=("$f")
		elif is_new "$f"; then
			newf+=("$f")
		else
			die "commit $name deletes $f, which an earlier patch added; not supported"
		fi
	done < <(git diff --name-only --no-renames "$c^" "$c")
	if [ ${#upstream[@]} -gt 0 ]; then
		git diff --no-renames "$c^" "$c" -- "${upstream[@]}" > "$d/upstream.diff"
	fi
	if [ ${#newf[@]} -gt 0 ]; then
		printf '%s\n' "${newf[@]}" > "$d/files"
		git diff --no-renames "$head" "$c" -- "${newf[@]}" > "$d/interim.diff"
		[ -s "$d/interim.diff" ] || rm -f "$d/interim.diff"
	fi
	echo "$name" >> "$tmpseries/series.list"
done
{
	sed -n '/^#/p' "$SERIES_DIR/series"
	cat "$tmpseries/series.list" 2>/dev/null || true
} > "$tmpseries/series"
# Replace the patch directories (keep series/cover-letter and the like).
find "$SERIES_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9][0-9][0-9][0-9]-*' -exec rm -rf {} +
for d in "$tmpseries"/[0-9]*; do
	[ -d "$d" ] && cp -r "$d" "$SERIES_DIR/"
done
cp "$tmpseries/series" "$SERIES_DIR/series"
echo "$head" > "$TREE/.git/mpath-exported"
log "exported $n patches and ${#new_files[@]} new files into $ROOT"
