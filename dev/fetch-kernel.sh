#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned base kernel (Debian linux-source-7.3) into the cache and
# unpack it as a pristine tree.  Uses a private apt state so the host's apt
# configuration is left untouched.
#
# Output: $CACHE/linux-7.3.4 (pristine, read-only by convention)
set -euo pipefail

PKG=linux-source-7.3
VERSION=7.3.4-1~bpo13+1
SUITE=trixie-backports
TARBALL_SHA256_FILE=$(dirname "$0")/linux-source.sha256
CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath-rs}
DEST=$CACHE/linux-7.3.4

log() { printf '[fetch-kernel] %s\n' "$*"; }
die() { printf '[fetch-kernel] error: %s\n' "$*" >&2; exit 1; }

if [ -f "$DEST/Makefile" ] && [ -f "$DEST/.mpath-pristine" ]; then
	log "pristine tree already at $DEST"
	exit 0
fi

mkdir -p "$CACHE/apt/lists/partial" "$CACHE/apt/archives/partial" "$CACHE/deb"
cat > "$CACHE/apt/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main
SRC
APT_OPTS=(-o Dir::Etc::SourceList="$CACHE/apt/sources.list"
	  -o Dir::Etc::SourceParts=/dev/null
	  -o Dir::State="$CACHE/apt"
	  -o Dir::State::status=/var/lib/dpkg/status
	  -o Dir::Cache="$CACHE/apt"
	  -o APT::Get::List-Cleanup=0
	  -o APT::Sandbox::User=root)

DEB=$(ls "$CACHE"/deb/${PKG}_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$DEB" ]; then
	log "downloading $PKG=$VERSION from $SUITE (private apt state in $CACHE/apt)"
	apt-get "${APT_OPTS[@]}" -qq update || die "apt-get update for $SUITE failed"
	if ! (cd "$CACHE/deb" && apt-get "${APT_OPTS[@]}" -qq download "$PKG=$VERSION"); then
		die "$PKG version $VERSION is not available from $SUITE any more.
Point KERNEL_SRC at a Linux 7.3 tree instead: make tree KERNEL_SRC=/path/to/linux-7.3"
	fi
	DEB=$(ls "$CACHE"/deb/${PKG}_*.deb | head -n1)
fi

log "unpacking $(basename "$DEB")"
TMP=$(mktemp -d "$CACHE/unpack.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
dpkg-deb -x "$DEB" "$TMP"
TAR=$(ls "$TMP"/usr/src/linux-source-7.3.tar.* | head -n1)
[ -n "$TAR" ] || die "no tarball in $DEB"
SUM=$(sha256sum "$TAR" | cut -d' ' -f1)
if [ -f "$TARBALL_SHA256_FILE" ]; then
	want=$(cut -d' ' -f1 "$TARBALL_SHA256_FILE")
	[ "$SUM" = "$want" ] || die "sha256 mismatch for $(basename "$TAR"): got $SUM, want $want"
	log "sha256 ok ($SUM)"
else
	log "no recorded sha256; recording $SUM"
	echo "$SUM  $(basename "$TAR")" > "$TARBALL_SHA256_FILE"
fi
mkdir -p "$TMP/src"
tar -xf "$TAR" -C "$TMP/src"
rm -rf "$DEST"
mv "$TMP/src/linux-source-7.3" "$DEST"
touch "$DEST/.mpath-pristine"
log "pristine tree at $DEST"
