#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Negative test of the build-time layout check: add a field to the Rust
# struct mpath_head without regenerating the header, build the library as an
# external module against the test kernel's build, and expect the build to
# fail on the layout assertion.  Also expect header-check to see the change.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "$CACHE/layout-guard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/lib/multipath/." "$tmp/"
# Kbuild for an external module: same objects, built as a module.
printf 'obj-m += libmultipath.o\nlibmultipath-y := multipath.o mpath_exports.o\n' > "$tmp/Kbuild"
rm -f "$tmp/Makefile"
python3 - "$tmp/abi.rs" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
anchor = '    pub nr_current_paths: c_uint,\n'
assert anchor in s
s = s.replace(anchor, anchor + '    /// @layout_guard_probe: Added by the layout guard test.\n'
              '    pub layout_guard_probe: u64,\n', 1)
open(p, 'w').write(s)
PY
MK=(make -C "$TREE" O="$BUILD" M="$tmp" LLVM="${LLVM--19}")
if "${MK[@]}" -j2 modules > "$tmp/build.log" 2>&1; then
	die "the library built although struct mpath_head no longer matches the header"
fi
if ! grep -q 'size_of::<\$t>() == size_of::<bindings::\$t>()\|size_of::<mpath_head>()' "$tmp/build.log" &&
   ! grep -q 'assertion failed' "$tmp/build.log"; then
	tail -20 "$tmp/build.log"
	die "the build failed, but not on the layout assertion"
fi
log "stale header detected at build time:"
grep -m2 'assertion failed\|error\[' "$tmp/build.log" | sed 's/^/    /'

# header-check must show the difference too.
mkdir -p "$tmp/chk/lib/multipath" "$tmp/chk/include/linux"
cp "$tmp"/{multipath.rs,abi.rs,head.rs,cbindgen.toml} "$tmp/chk/lib/multipath/"
cp "$ROOT/include/linux/multipath.h" "$tmp/chk/include/linux/"
if (cd "$tmp/chk" && "$ROOT/scripts/multipath_header.sh" --check) > "$tmp/hc.log" 2>&1; then
	die "header-check did not notice the new field"
fi
grep -q '^+.*layout_guard_probe' "$tmp/hc.log" || die "header-check diff does not show the new field"
log "header-check shows: $(grep '^+.*layout_guard_probe' "$tmp/hc.log" | head -n1)"
