#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The generated C API must be valid kernel-doc: no warnings with -Wall.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$("$TREE/scripts/kernel-doc" -none -Wall "$ROOT/include/linux/multipath.h" 2>&1)
if [ -n "$out" ]; then
	echo "$out"
	die "kernel-doc warnings in include/linux/multipath.h"
fi
log "kernel-doc -Wall: include/linux/multipath.h is clean"
