#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that the hand-kept include/linux/multipath.h and the library agree
# on which functions exist: every function the header declares (not the
# static inline helpers) is defined in lib/multipath/abi.rs or its
# submodules abi/*.rs, every C function they define is declared there, and
# each of them is listed in abi.rs's c_prototypes!, which checks its types
# against the header at build time.  The header must also be kernel-doc clean.
#
# Usage: dev/header-check.sh [TREE]   (default: the repo's copies)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

top=${1:-$ROOT}
hdr=$top/include/linux/multipath.h
abi=$top/lib/multipath/abi.rs
[ -f "$hdr" ] || die "no $hdr"
[ -f "$abi" ] || die "no $abi"

python3 - "$hdr" "$abi" <<'PY'
import glob, os, re, sys
hdr, abi = (open(p).read() for p in sys.argv[1:3])
# The C functions live in abi.rs's submodules, abi/*.rs.
sub = ''.join(open(p).read() for p in sorted(glob.glob(os.path.join(sys.argv[2][:-3], '*.rs'))))
code = re.sub(r'/\*.*?\*/', '', hdr, flags=re.S)
# Prototypes: a declaration at column 0 that ends in ");" (not inline).
declared = set()
for m in re.finditer(r'(?m)^(?=\S)(?!static |#|typedef |extern |struct \w+ \{|enum |})[^\n;{}]*?\b(\w+)\((?!\*)[^;{]*\);', code):
    declared.add(m.group(1))
defined = set(re.findall(r'(?m)^pub (?:unsafe )?extern "C" fn (\w+)', abi + sub))
m = re.search(r'(?ms)^c_prototypes!\((.*?)\);', abi)
listed = set(re.findall(r'\w+', m.group(1))) if m else set()
bad = False
for what, names in (('declared in the header but not defined in abi.rs', declared - defined),
                    ('defined in abi.rs but not declared in the header', defined - declared),
                    ('not in abi.rs c_prototypes!', (declared | defined) - listed),
                    ('in c_prototypes! but not a C function', listed - (declared & defined))):
    for n in sorted(names):
        print('%s: %s' % (n, what))
        bad = True
if bad:
    sys.exit(1)
print('%d functions: header, abi.rs and c_prototypes! agree' % len(declared))
PY
kd=$TREE/scripts/kernel-doc
[ -x "$kd" ] || kd=$PRISTINE/scripts/kernel-doc
out=$("$kd" -Wall -none "$hdr" 2>&1) || true
[ -z "$out" ] || die "kernel-doc on the header: $out"
log "include/linux/multipath.h: kernel-doc clean"
