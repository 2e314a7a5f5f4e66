#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Negative test of the build-time prototype check: give mpath_put_head() a
# parameter type that differs from its prototype in include/linux/multipath.h,
# build the library as an external module against the test kernel's build
# (whose bindings come from the header), and expect the build to fail in
# abi.rs's c_prototypes!.  Also expect header-check to notice a function
# that c_prototypes! does not list.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "$CACHE/prototype-guard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -r "$ROOT/lib/multipath/." "$tmp/"
# Kbuild for an external module: same objects, built as a module.
printf 'obj-m += libmultipath.o\nlibmultipath-y := multipath.o mpath_exports.o\n' > "$tmp/Kbuild"
rm -f "$tmp/Makefile"
python3 - "$tmp/abi/head.rs" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
anchor = 'pub unsafe extern "C" fn mpath_put_head(head: *mut mpath_head) {\n'
assert anchor in s
s = s.replace(anchor, 'pub unsafe extern "C" fn mpath_put_head(head: *mut c_void) {\n'
              '    let head = head.cast::<mpath_head>();\n', 1)
open(p, 'w').write(s)
PY
MK=(make -C "$TREE" O="$BUILD" M="$tmp" LLVM="${LLVM--19}")
if "${MK[@]}" -j2 modules > "$tmp/build.log" 2>&1; then
	die "the library built although mpath_put_head() no longer matches its prototype"
fi
if ! grep -q '`if` and `else` have incompatible types' "$tmp/build.log" ||
   ! grep -q 'c_prototypes' "$tmp/build.log"; then
	tail -20 "$tmp/build.log"
	die "the build failed, but not in c_prototypes!"
fi
log "prototype mismatch caught at build time:"
grep -m1 'error\[' "$tmp/build.log" | sed 's/^/    /'

# header-check must notice a function that c_prototypes! leaves out.
mkdir -p "$tmp/chk/lib/multipath" "$tmp/chk/include/linux"
cp "$ROOT/include/linux/multipath.h" "$tmp/chk/include/linux/"
cp -r "$ROOT/lib/multipath/abi" "$tmp/chk/lib/multipath/"
sed '/^c_prototypes!(/,/^);/{/^    mpath_put_head,$/d}' "$ROOT/lib/multipath/abi.rs" \
	> "$tmp/chk/lib/multipath/abi.rs"
if "$ROOT/dev/header-check.sh" "$tmp/chk" > "$tmp/hc.log" 2>&1; then
	die "header-check did not notice mpath_put_head() missing from c_prototypes!"
fi
grep -q '^mpath_put_head: not in abi.rs c_prototypes!' "$tmp/hc.log" ||
	die "header-check failed, but not on mpath_put_head(): $(cat "$tmp/hc.log")"
log "header-check says: $(head -n1 "$tmp/hc.log")"
