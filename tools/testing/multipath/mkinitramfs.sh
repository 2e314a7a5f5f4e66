#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a busybox initramfs for the multipath QEMU tests.
#
# Usage: mkinitramfs.sh <modules dir (INSTALL_MOD_PATH)> <output.cpio.gz>
#
# Needs a static busybox (Debian: busybox-static) and cpio.
set -euo pipefail

mods=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}

is_static() { [ -n "$1" ] && [ -x "$1" ] && file -L "$1" | grep -q 'statically linked'; }
if ! is_static "$BUSYBOX"; then
	BUSYBOX=
	for b in /bin/busybox /usr/bin/busybox; do
		is_static "$b" && BUSYBOX=$b && break
	done
fi
if [ -z "$BUSYBOX" ]; then
	echo "$0: a static busybox is needed (Debian: apt-get install busybox-static)" >&2
	exit 1
fi
command -v cpio >/dev/null || { echo "$0: cpio is needed (apt-get install cpio)" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,mnt,etc,lib/modules,tests}
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ "$applet" = busybox ] && continue
	ln -sf busybox "$root/bin/$applet"
done
if [ -d "$mods/lib/modules" ]; then
	cp -a "$mods/lib/modules/." "$root/lib/modules/"
fi
# The ioctl helper, built statically for the busybox guest.
${CC_HOST:-cc} -static -O2 -Wall -o "$root/bin/mpath-ioctl" "$here/mpath-ioctl.c" || {
	echo "$0: cannot build mpath-ioctl statically (Debian: apt-get install libc6-dev)" >&2
	exit 1
}
cp "$here/guest/init" "$root/init"
cp "$here"/guest/*.sh "$root/tests/"
chmod +x "$root/init" "$root"/tests/*.sh
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
