#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the workspace needs on a Debian 12 (bookworm) machine.
# Idempotent: every step checks first and only installs what is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

BINDGEN_VERSION=0.73.2
APT_PKGS=(flex bison bc libelf-dev libssl-dev dwarves ccache cpio kmod file
	  busybox-static fio nvme-cli udev dmsetup multipath-tools sg3-utils xfsprogs
	  uuid-runtime python3-sphinx python3-yaml
	  clang-19 libclang-19-dev lld-19 llvm-19 rsync python3 git make gcc libc6-dev)
# QEMU comes from bookworm-backports: bookworm's qemu-system 7.2 conflicts with
# the qemu-utils 10.0 that these machines ship.
BPO_PKGS=(qemu-system-x86 qemu-system-data qemu-system-common seabios)

[ "$(id -u)" = 0 ] || SUDO=sudo
SUDO=${SUDO:-}

missing=()
for p in "${APT_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing Debian packages: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	log "Debian packages: all present"
fi

if ! command -v qemu-system-x86_64 >/dev/null; then
	log "installing QEMU from bookworm-backports (private apt lists in $CACHE/apt-bpo)"
	C=$CACHE/apt-bpo
	mkdir -p "$C/lists/partial"
	k=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$C/sources.list" <<SRC
deb [signed-by=$k] http://deb.debian.org/debian bookworm main
deb [signed-by=$k] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$k] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=$k] http://deb.debian.org/debian bookworm-backports main
SRC
	O=(-o Dir::Etc::SourceList="$C/sources.list" -o Dir::Etc::SourceParts=/dev/null
	   -o Dir::State::Lists="$C/lists" -o APT::Sandbox::User=root)
	$SUDO apt-get "${O[@]}" update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${O[@]}" install -y -qq \
		--no-install-recommends -t bookworm-backports "${BPO_PKGS[@]}" >/dev/null
else
	log "QEMU: $(qemu-system-x86_64 --version | head -n1)"
fi

command -v rustc >/dev/null || die "rustc not found: install Rust with rustup (https://rustup.rs)"
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
	log "adding rust-src for $(rustc --version)"
	rustup component add rust-src
else
	log "rust-src: present for $(rustc --version)"
fi
for c in rustfmt clippy; do
	rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done

export PATH=$HOME/.cargo/bin:$PATH
if [ "$(bindgen --version 2>/dev/null)" != "bindgen $BINDGEN_VERSION" ]; then
	log "building bindgen-cli $BINDGEN_VERSION (cargo install, a few minutes)"
	cargo install --locked --quiet "bindgen-cli@$BINDGEN_VERSION"
else
	log "bindgen $BINDGEN_VERSION: present"
fi

need_pristine
log "checking 'make LLVM=-19 rustavailable' in the pristine tree"
make -s -C "$PRISTINE" LLVM=-19 rustavailable ||
	die "the kernel cannot use this Rust toolchain (see the message above)"
log "setup complete"
