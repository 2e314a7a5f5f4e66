# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest scenarios.  Results are printed as
#   MPTEST ok <name>
#   MPTEST fail <name>: <reason>
# and collected by the host (run-qemu.sh).

ok() { echo "MPTEST ok $1"; }
fail() { echo "MPTEST fail $1: $2"; }

# check NAME COMMAND...: pass if COMMAND succeeds.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "'$*' failed"; fi
}

# expect_eq NAME WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# wait_for PATH [TENTHS]: wait until PATH exists (default 10 s).
wait_for() {
	n=${2:-100}
	while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	[ -e "$1" ]
}

# Completed reads of a block device (first field of its stat file).
reads() {
	set -- $(cat "/sys/block/$1/stat")
	echo "$1"
}

# read_through DEV COUNT PATH0 PATH1: read COUNT 4 KiB blocks from /dev/DEV
# with O_DIRECT and set d0 and d1 to the reads PATH0 and PATH1 completed.
read_through() {
	_b0=$(reads "$3")
	_b1=$(reads "$4")
	dd if="/dev/$1" of=/dev/null bs=4k count="$2" iflag=direct 2>/dev/null
	d0=$(($(reads "$3") - _b0))
	d1=$(($(reads "$4") - _b1))
}

# Print a line of the human report (make demo).
say() { echo "MPDEMO $*"; }
