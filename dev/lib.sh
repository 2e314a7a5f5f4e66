# SPDX-License-Identifier: GPL-2.0
# Common settings for the workspace scripts.  Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath-rs}
PRISTINE=${KERNEL_SRC:-$CACHE/linux-7.3.4}
TREE=${TREE:-$CACHE/linux}
BUILD=${BUILD:-$CACHE/build}
SERIES_DIR=$ROOT/series
BASE_BRANCH=base
WORK_BRANCH=mpath
GIT_ID=(-c user.name="libmultipath-rs" -c user.email="libmultipath-rs@localhost")

# Kernel reports that fail a boot: warnings, BUGs (KASAN reports start with
# "BUG: KASAN"), lockdep and RCU splats (they start with "WARNING:"), oopses,
# CFI failures, Rust panics and hung tasks.
SPLAT='WARNING:|BUG:|Oops|Kernel panic|UBSAN:|CFI failure|panicked at|general protection fault|INFO: task .* blocked'

log() { printf '[%s] %s\n' "${0##*/}" "$*"; }
die() { printf '[%s] error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Paths in the repo that are workspace tooling, not part of the series.
is_workspace_path() {
	case "$1" in
	Makefile|README.md|.gitignore|.ci/*|dev/*|series/*|out/*) return 0 ;;
	esac
	return 1
}

# The patches, in order: one directory name per line in series/series.
series_patches() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$SERIES_DIR/series"
}

# Make sure a pristine tree exists (fetching the Debian package if needed).
need_pristine() {
	if [ -n "${KERNEL_SRC:-}" ]; then
		[ -f "$KERNEL_SRC/Makefile" ] || die "KERNEL_SRC=$KERNEL_SRC is not a kernel tree"
		grep -q '^PATCHLEVEL = 3$' "$KERNEL_SRC/Makefile" &&
			grep -q '^VERSION = 7$' "$KERNEL_SRC/Makefile" ||
			die "KERNEL_SRC=$KERNEL_SRC is not Linux 7.3"
	else
		"$ROOT/dev/fetch-kernel.sh"
	fi
}
