#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the documents the series adds or changes with the kernel's Sphinx
# setup (make htmldocs SPHINXDIRS=... of the directories that hold them)
# and fail on any Sphinx or kernel-doc warning about them.  The rest of a
# directory is built too, for its links, and its own warnings (7.3 has
# about 180 in admin-guide alone, undefined labels of other directories)
# are counted but not ours to fix.
#
#   DOCS_OUT=dir   the build directory (default $CACHE/build-docs)
#   SHOT=file.png  also render the driver API page with headless Chromium
#                  and save a screenshot there
set -euo pipefail
. "$(dirname "$0")/lib.sh"

DOCS_OUT=${DOCS_OUT:-$CACHE/build-docs}
[ -d "$TREE/.git" ] || die "no work tree at $TREE; run 'make tree' first"
# Debian's Sphinx runs under Debian's python3, not a python3 earlier in PATH.
export PATH=/usr/bin:$PATH
command -v sphinx-build >/dev/null && python3 -c 'import sphinx, yaml' 2>/dev/null ||
	die "sphinx-build or PyYAML not found: run 'make setup' (Debian packages python3-sphinx python3-yaml)"

mapfile -t changed < <(git -C "$TREE" diff --name-only --diff-filter=AM pristine.."$WORK_BRANCH" -- 'Documentation/*.rst')
[ ${#changed[@]} -gt 0 ] || die "the series changes no document under Documentation/"
# An existing index.rst that the series only links a document from is not
# built (driver-api's would take the whole of driver-api, 10 min): each
# toctree entry it adds must name a document that exists.
docs=()
for d in "${changed[@]}"; do
	if [ "${d##*/}" = index.rst ] && git -C "$TREE" cat-file -e "pristine:$d" 2>/dev/null; then
		while read -r e; do
			[ -f "$TREE/${d%/*}/$e.rst" ] ||
				die "$d: the toctree entry '$e' added by the series names no document"
		done < <(git -C "$TREE" diff pristine.."$WORK_BRANCH" -- "$d" |
			sed -n 's/^+   \([a-z0-9_/.-]*\)$/\1/p')
		continue
	fi
	docs+=("$d")
done
# The directories to build: a document's own directory if it has an
# index.rst, else its top-level directory.
dirs=()
for d in "${docs[@]}"; do
	d=${d#Documentation/}
	sub=${d%/*}
	if [ -f "$TREE/Documentation/$sub/index.rst" ]; then dir=$sub; else dir=${d%%/*}; fi
	[[ " ${dirs[*]} " == *" $dir "* ]] || dirs+=("$dir")
done
log "building ${docs[*]} with SPHINXDIRS=\"${dirs[*]}\" in $DOCS_OUT"
logf=$DOCS_OUT.log
make -C "$TREE" -s O="$DOCS_OUT" htmldocs SPHINXDIRS="${dirs[*]}" > "$logf" 2>&1 || {
	tail -n 30 "$logf"
	die "make htmldocs failed (log: $logf)"
}
# Ours: the documents above and the headers and sources they include
# with kernel-doc directives.
ours=("${docs[@]}")
for d in "${docs[@]}"; do
	while read -r f; do ours+=("$f"); done < <(sed -n 's/^\.\. kernel-doc:: *//p' "$TREE/$d")
done
bad=$(grep -E 'WARNING|ERROR|CRITICAL' "$logf" | grep -F "${ours[@]/#/-e}" || true)
total=$(grep -c -E 'WARNING|ERROR|CRITICAL' "$logf" || true)
if [ -n "$bad" ]; then
	echo "$bad"
	die "Sphinx warnings in the series' documents (above; log: $logf)"
fi
for d in "${docs[@]}"; do
	html=$DOCS_OUT/Documentation/output/${d#Documentation/}
	html=${html%.rst}.html
	[ -s "$html" ] || die "no HTML for $d ($html)"
done
api=$DOCS_OUT/Documentation/output/driver-api/multipath/index.html
if [ -f "$TREE/Documentation/driver-api/multipath/index.rst" ]; then
	# The API reference is generated from the header: its structures and
	# functions must be on the page.
	for sym in 'struct mpath_head' 'struct mpath_head_template' 'mpath_alloc_head'; do
		grep -q "$sym" "$api" || die "the API page lacks $sym: kernel-doc of the header did not render"
	done
fi
log "${#docs[@]} documents built, no warning of theirs (${total:-0} elsewhere in ${dirs[*]})"

[ -n "${SHOT:-}" ] || exit 0
chromium=$(command -v chromium || true)
[ -n "$chromium" ] || die "SHOT needs chromium: apt-get install chromium"
mkdir -p "$(dirname "$SHOT")"
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
# shot PAGE PNG: a screenshot of the top of PAGE.
shot() {
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --hide-scrollbars --window-size=1280,2400 \
		--screenshot="$2" "file://$1" >/dev/null 2>&1
	[ -s "$2" ] || die "chromium wrote no screenshot of $1"
	log "screenshot of $1: $2"
}
shot "$api" "$SHOT"
# The API reference, generated from the header: headless Chromium does not
# scroll to a #fragment before its screenshot, so a copy of the page whose
# body starts at that section, next to the original for its style sheets.
ref=${api%.html}-api-reference.html
python3 - "$api" "$ref" <<'PY'
import sys
s = open(sys.argv[1]).read()
main = '<div class="body" role="main">'
body = s.index(main) + len(main)
sec = s.index('<section id="api-reference">')
open(sys.argv[2], 'w').write(s[:body] + s[sec:])
PY
shot "$ref" "${SHOT%.png}-api-reference.png"
