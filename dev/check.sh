#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: host checks, kernel build, KUnit and QEMU scenarios.
# Ends with "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

RESULTS=$ROOT/out/check
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
passed=0
failed=0
failures=()
t0=$SECONDS

pass() { passed=$((passed + 1)); printf '  ok    %s\n' "$1"; }
failt() {
	failed=$((failed + 1)); failures+=("$1")
	printf '  FAIL  %s%s\n' "$1" "${2:+: $2}"
}
# step NAME CMD...: run CMD with its output in out/check/NAME.log.
step() {
	local name=$1 start=$SECONDS
	shift
	printf '[%4ds] %s ...\n' $((SECONDS - t0)) "$name"
	if "$@" > "$RESULTS/$name.log" 2>&1; then
		pass "$name ($((SECONDS - start)) s)"
		return 0
	fi
	failt "$name" "see out/check/$name.log"
	tail -n 15 "$RESULTS/$name.log" | sed 's/^/        /'
	return 1
}

# In CI the work tree is only a cache: rebuild it whatever state it is in.
[ "${CI:-}" = true ] && export FORCE=1

echo "== setup"
step setup "$ROOT/dev/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }
export PATH=$HOME/.cargo/bin:$PATH
step tree "$ROOT/dev/tree.sh" || { echo "$passed passed, $failed failed"; exit 1; }

echo "== host checks"
step header-check make -C "$ROOT" -s header-check
step rustfmtcheck make -C "$TREE" -s LLVM=-19 rustfmtcheck
step series "$ROOT/dev/series.sh"
step checkpatch "$ROOT/dev/checkpatch.sh"

echo "== kernel"
if step kernel-build "$ROOT/dev/kernel.sh"; then
	step clippy "$ROOT/dev/clippy.sh"
	step layout-guard "$ROOT/dev/layout-guard.sh"
	kernel_ok=1
else
	kernel_ok=0
fi

echo "== QEMU (KUnit and scenarios)"
if [ "$kernel_ok" = 1 ]; then
	log_file=$RESULTS/qemu-console.log
	printf '[%4ds] qemu boot: kunit,qemunvme,scsidebug ...\n' $((SECONDS - t0))
	"$ROOT/tools/testing/multipath/mkinitramfs.sh" "$BUILD/mods" "$RESULTS/initrd.gz"
	"$ROOT/tools/testing/multipath/run-qemu.sh" -k "$BUILD/arch/x86/boot/bzImage" \
		-i "$RESULTS/initrd.gz" -t kunit,qemunvme,scsidebug -l "$log_file" -T 600
	tr -d '\r' < "$log_file" > "$log_file.clean"
	while read -r _ res name rest; do
		name=${name%:}
		case $res in
		ok) pass "guest: $name" ;;
		fail) failt "guest: $name" "$rest" ;;
		esac
	done < <(grep -E '^MPTEST (ok|fail) ' "$log_file.clean")
	# KUnit: parse the KTAP the guest dumped.
	sed -n '/^MPKUNIT begin/,/^MPKUNIT end/p' "$log_file.clean" | sed '1d;$d' > "$RESULTS/kunit.ktap"
	python3 "$TREE/tools/testing/kunit/kunit.py" parse --raw_output=all < "$RESULTS/kunit.ktap" \
		> "$RESULTS/kunit-parse.log" 2>&1 || true
	nk=0
	while read -r res name; do
		nk=$((nk + 1))
		if [ "$res" = ok ]; then pass "kunit: $name"; else failt "kunit: $name"; fi
	done < <(python3 "$ROOT/dev/ktap.py" < "$RESULTS/kunit.ktap" | grep ' libmultipath')
	[ "$nk" -gt 0 ] || failt "kunit" "no KUnit results in the guest log"
	grep -q '^MPTEST done' "$log_file.clean" || failt "qemu" "guest did not finish (see out/check/qemu-console.log)"
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "Failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "make check took $((SECONDS - t0)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
