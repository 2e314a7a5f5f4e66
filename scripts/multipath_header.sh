#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Generate include/linux/multipath.h from the Rust sources of libmultipath
# with cbindgen, or with --check verify that the committed header is current.
#
# Usage: run from the top of the tree, with --check to only compare.

set -eu

src=lib/multipath/multipath.rs
cfg=lib/multipath/cbindgen.toml
hdr=include/linux/multipath.h
CBINDGEN=${CBINDGEN:-cbindgen}

if ! command -v "$CBINDGEN" >/dev/null 2>&1; then
	echo "$0: cbindgen not found; install it with: cargo install --locked cbindgen@0.29.4" >&2
	exit 1
fi
if [ ! -f "$src" ]; then
	echo "$0: run from the top of the kernel tree ($src not found)" >&2
	exit 1
fi

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.raw"' EXIT

# cbindgen warns about every kernel type it cannot see; those are expected.
"$CBINDGEN" --quiet --config "$cfg" --lang c -o "$tmp.raw" "$src" 2>/dev/null
# Tabs for indentation, C99 flexible arrays, and no trailing blank lines.
sed -e ':a' -e 's/^\(\t*\)        /\1\t/' -e 'ta' \
    -e 's/\[0\];$/[];/' "$tmp.raw" | cat -s > "$tmp"

if [ "${1:-}" = "--check" ]; then
	if ! diff -u "$hdr" "$tmp"; then
		echo "$0: $hdr is out of date; run $0 to regenerate it" >&2
		exit 1
	fi
	exit 0
fi
cp "$tmp" "$hdr"
