#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series with a submitter and a version, as one sends the series:
# AUTHOR="A U Thor <a@example.org>" V=3.  Every patch must be from and
# signed off by that identity, every subject must carry v3, base-commit:
# must name the pristine base, and git am of the result onto it must give
# the work branch's tree (series.sh checks that).  Bad AUTHOR and V values
# must be refused with a message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
who='A U Thor <a@example.org>'
OUT=$out/v3 AUTHOR="$who" V=3 "$ROOT/dev/series.sh"
n=$(git -C "$TREE" rev-list --count pristine.."$WORK_BRANCH")
mapfile -t patches < <(ls "$out"/v3/v3-*.patch)
[ ${#patches[@]} = $((n + 1)) ] || die "${#patches[@]} files for $n patches and a cover letter"
fail=0
for p in "${patches[@]}"; do
	f=${p##*/}
	grep -q "^Subject: \[PATCH v3 [0-9]*/$n\]" "$p" || { echo "$f: no [PATCH v3 NN/$n] subject"; fail=1; }
	grep -qx "From: $who" "$p" || { echo "$f: From: is not $who"; fail=1; }
	if grep -q -e 'noreply.example' -e 'libmultipath-rs@' "$p"; then
		echo "$f: the placeholder identity is left"; fail=1
	fi
	case $f in *-0000-cover-letter.patch) continue ;; esac
	[ "$(grep -c '^Signed-off-by: ' "$p")" = 1 ] && grep -qx "Signed-off-by: $who" "$p" ||
		{ echo "$f: not signed off by $who alone"; fail=1; }
done
base=$(git -C "$TREE" rev-parse 'pristine^{commit}')
grep -qx "base-commit: $base" "$out"/v3/v3-0000-cover-letter.patch ||
	{ echo "cover letter: no base-commit: $base"; fail=1; }
[ "$fail" = 0 ] || die "make series AUTHOR=\"$who\" V=3 (above)"

# Bad input: refused, with what is wrong.
for bad in "AUTHOR=A U Thor" "AUTHOR=<a@example.org>" "V=0" "V=three"; do
	if env "$bad" OUT="$out/bad" "$ROOT/dev/series.sh" > "$out/bad.log" 2>&1; then
		die "make series $bad was accepted"
	fi
	grep -q 'error: \(AUTHOR\|V\)=' "$out/bad.log" || die "make series $bad: no message: $(cat "$out/bad.log")"
done
log "$n patches + cover letter: [PATCH v3 NN/$n], from and signed off by $who, base-commit $base; bad AUTHOR/V refused"
