# SPDX-License-Identifier: GPL-2.0
# nvmet over $TR with ANA (set up by nvmet-setup.sh): reservations,
# failover, requeueing, nvme-cli, resets, deletes, connect/disconnect loops
# and delayed removal.  Sourced by nvmetloop.sh and nvmettcp.sh.
. /tests/nvmet-setup.sh

# Persistent reservations through the head: register, reserve, read back,
# release, clear; each command goes to a path chosen by the policy.
expect_eq "${TR}_pr_register" ok "$(mpath-ioctl pr-register $H 0x1234)"
expect_eq "${TR}_pr_read_keys" "keys 1: 0x1234" "$(mpath-ioctl pr-read-keys $H)"
expect_eq "${TR}_pr_reserve" ok "$(mpath-ioctl pr-reserve $H 0x1234)"
expect_eq "${TR}_pr_read_reservation" "key 0x1234 type 1" "$(mpath-ioctl pr-read-resv $H)"
expect_eq "${TR}_pr_release" ok "$(mpath-ioctl pr-release $H 0x1234)"
expect_eq "${TR}_pr_clear" ok "$(mpath-ioctl pr-clear $H 0x1234)"
expect_eq "${TR}_pr_no_keys_left" "keys 0:" "$(mpath-ioctl pr-read-keys $H)"
expect_eq "${TR}_head_cdev_ioctl_nsid" 1 "$(mpath-ioctl nsid /dev/ng${head#nvme})"

expect_eq "${TR}_ana_optimized_seen" optimized "$(wait_ana "$p1" optimized)"
expect_eq "${TR}_ana_nonoptimized_seen" non-optimized "$(wait_ana "$p2" non-optimized)"
a1=$(cat "/sys/block/$p1/ana_state")
a2=$(cat "/sys/block/$p2/ana_state")
say "nvmet/$TR: head $head, $p1 ($a1), $p2 ($a2)"

# numa (default): everything goes to the optimized path.
read_through "$head" 1000 "$p1" "$p2"
say "nvmet/$TR numa: 1000 reads -> $p1 (optimized): $d0, $p2 (non-optimized): $d1"
check "${TR}_numa_uses_optimized" test "$d0" -ge 1000
expect_eq "${TR}_numa_skips_nonoptimized" 0 "$d1"

# Failover: port 1 inaccessible, port 2 optimized.
echo inaccessible > "$CFS/ports/1/ana_groups/1/ana_state"
echo optimized > "$CFS/ports/2/ana_groups/1/ana_state"
expect_eq "${TR}_ana_inaccessible_seen" inaccessible "$(wait_ana "$p1" inaccessible)"
expect_eq "${TR}_ana_failover_optimized_seen" optimized "$(wait_ana "$p2" optimized)"
read_through "$head" 1000 "$p1" "$p2"
say "nvmet/$TR after ANA change: 1000 reads -> $p1 (inaccessible): $d0, $p2 (optimized): $d1"
expect_eq "${TR}_failover_skips_inaccessible" 0 "$d0"
check "${TR}_failover_uses_new_optimized" test "$d1" -ge 1000

# ANA flip during fio verify: I/O moves to the newly optimized path and
# fio sees no verify or I/O error.
if [ -x /host/usr/bin/fio ]; then
	fio_verify anaflip "/dev/$head" 3
	sleep 2
	w1=$(writes "$p1")
	echo optimized > "$CFS/ports/1/ana_groups/1/ana_state"
	echo inaccessible > "$CFS/ports/2/ana_groups/1/ana_state"
	wait_ana "$p1" optimized >/dev/null
	wait_ana "$p2" inaccessible >/dev/null
	fio_result anaflip "${TR}_ana_flip"
	check "${TR}_ana_flip_moves_io" test "$(writes "$p1")" -gt "$w1"
	ferr=$(grep -o 'err= *[0-9]*' /tmp/anaflip.fio | head -1)
	say "nvmet/$TR fio verify across an ANA flip: $ferr," \
		"writes on $p1: $w1 -> $(writes "$p1")"
	# Back to the state the next steps expect.
	echo inaccessible > "$CFS/ports/1/ana_groups/1/ana_state"
	echo optimized > "$CFS/ports/2/ana_groups/1/ana_state"
	wait_ana "$p1" inaccessible >/dev/null
	wait_ana "$p2" optimized >/dev/null
else
	fail "${TR}_host_fio_visible" "no /host/usr/bin/fio (9p share of the host's /)"
fi

# No usable path: with both paths inaccessible I/O is queued (and counted),
# and completes once a path becomes optimized again.
REQ=/sys/block/$head/diag/io_requeue_no_usable_path_count
r0=$(cat "$REQ")
echo inaccessible > "$CFS/ports/2/ana_groups/1/ana_state"
wait_ana "$p2" inaccessible >/dev/null
dd if="/dev/$head" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null &
ddpid=$!
sleep 1
r1=$(cat "$REQ")
check "${TR}_requeue_counter_grows" test "$r1" -gt "$r0"
check "${TR}_io_waits_without_path" kill -0 "$ddpid"
echo optimized > "$CFS/ports/1/ana_groups/1/ana_state"
wait_ana "$p1" optimized >/dev/null
wait "$ddpid"
expect_eq "${TR}_queued_io_completes" 0 "$?"
say "nvmet/$TR no usable path: requeue count $r0 -> $r1, queued read completed after ANA change"
echo non-optimized > "$CFS/ports/2/ana_groups/1/ana_state"
wait_ana "$p2" non-optimized >/dev/null

# nvme-cli through the head: admin and I/O passthrough on /dev/ngXnY, and
# reservations on the head block device.
ng=/dev/ng${head#nvme}
if have_nvme_cli; then
	subnqn=$(nvme id-ctrl "$ng" 2>&1 | sed -n 's/^subnqn *: *//p')
	expect_eq "${TR}_nvme_cli_id_ctrl_ng" "$NQN" "$subnqn"
	cli_rw_check "$TR" "$ng" "$H"
	# resv_report: the reservation type and the registered keys.
	resv_report() {
		_j=$(nvme resv-report "$H" -n 1 --eds -o json 2>&1 | tr -d ' \n')
		_t=$(echo "$_j" | sed -n 's/.*"rtype":\([0-9]*\).*/\1/p')
		_k=$(echo "$_j" | grep -o '"rkey":[0-9]*' | cut -d: -f2 | tr '\n' ' ')
		echo "rtype ${_t:-none} keys${_k:+ ${_k% }}"
	}
	nvme resv-register "$H" -n 1 --nrkey=0xabcd --rrega=0 >/tmp/resv.log 2>&1
	expect_eq "${TR}_nvme_cli_resv_register" 0 "$?"
	nvme resv-acquire "$H" -n 1 --crkey=0xabcd --rtype=1 --racqa=0 >>/tmp/resv.log 2>&1
	expect_eq "${TR}_nvme_cli_resv_acquire" 0 "$?"
	expect_eq "${TR}_nvme_cli_resv_report" 'rtype 1 keys 43981' "$(resv_report)"
	nvme resv-release "$H" -n 1 --crkey=0xabcd --rtype=1 --rrela=0 >>/tmp/resv.log 2>&1
	expect_eq "${TR}_nvme_cli_resv_release" 0 "$?"
	expect_eq "${TR}_nvme_cli_resv_report_released" 'rtype 0 keys 43981' "$(resv_report)"
	nvme resv-release "$H" -n 1 --crkey=0xabcd --rrela=1 >>/tmp/resv.log 2>&1
	expect_eq "${TR}_nvme_cli_resv_clear" 0 "$?"
	expect_eq "${TR}_nvme_cli_resv_report_cleared" 'rtype 0 keys' "$(resv_report)"
else
	fail "${TR}_host_nvme_cli_visible" "no /host$NVME_CLI (9p share of the host's /)"
fi

# Controller reset under fio verify, one controller after the other: I/O
# rides each reset out on the other path; both come back live.
if [ -x /host/usr/bin/fio ]; then
	fio_verify reset "$H" 3
	sleep 2
	echo 1 > "/sys/class/nvme/$c1/reset_controller"
	expect_eq "${TR}_ctrl1_live_after_reset" live "$(wait_live "$c1")"
	echo 1 > "/sys/class/nvme/$c2/reset_controller"
	expect_eq "${TR}_ctrl2_live_after_reset" live "$(wait_live "$c2")"
	fio_result reset "${TR}_reset_under_io"
	expect_eq "${TR}_paths_after_reset" 2 "$(wait_npaths "$head" 2)"

	# Delete the optimized controller under fio verify, then connect it
	# again while the I/O goes on.
	fio_verify delete "$H" 3
	sleep 2
	echo 1 > "/sys/class/nvme/$c1/delete_controller"
	expect_eq "${TR}_one_path_after_delete" 1 "$(wait_npaths "$head" 1)"
	c1=$(connect 1)
	expect_eq "${TR}_two_paths_after_reconnect" 2 "$(wait_npaths "$head" 2)"
	fio_result delete "${TR}_delete_under_io"
	p1=$(path_of "$c1")
	check "${TR}_reconnected_path_in_head" test -e "/sys/block/$head/multipath/$p1"
	say "nvmet/$TR fio verify across resets of $c2 and $c1 and a delete" \
		"and reconnect of port 1: $(grep -o 'err= *[0-9]*' /tmp/delete.fio | head -1)"
fi

# Connect/disconnect loop: the head is created and torn down ten times in
# quick succession; afterwards exactly one head with both paths remains.
heads_of_subsys() {
	for d in /sys/block/nvme*n*; do
		case "${d##*/}" in *c*) continue ;; esac
		[ "$(cat "$d/device/subsysnqn" 2>/dev/null)" = "$NQN" ] && echo "${d##*/}"
	done
}
i=0
loops_ok=0
while [ $i -lt 10 ]; do
	echo 1 > "/sys/class/nvme/$c1/delete_controller"
	echo 1 > "/sys/class/nvme/$c2/delete_controller"
	c1=$(connect 1)
	c2=$(connect 2)
	[ -e "/sys/class/nvme/$c1" ] && [ -e "/sys/class/nvme/$c2" ] &&
		loops_ok=$((loops_ok + 1))
	i=$((i + 1))
done
expect_eq "${TR}_connect_disconnect_loop" 10 "$loops_ok"
p1=$(path_of "$c1")
p2=$(path_of "$c2")
n=0
while [ "$(heads_of_subsys | wc -l)" -ne 1 ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
expect_eq "${TR}_one_head_after_loop" 1 "$(heads_of_subsys | wc -l)"
head=$(heads_of_subsys | head -1)
H=/dev/$head
expect_eq "${TR}_both_paths_after_loop" 2 "$(wait_npaths "$head" 2)"
read_through "$head" 100 "$p1" "$p2"
expect_eq "${TR}_io_after_loop" 100 $((d0 + d1))
say "nvmet/$TR 10 connect/disconnect cycles: head $head, paths $p1 $p2"

# Delayed removal: the head outlives its last path for the window, pinning
# nvme_core; a path that returns in time keeps it, and a write issued
# meanwhile succeeds.
DRS=/sys/block/$head/delayed_removal_secs
ref0=$(refcnt)
echo 10 > "$DRS"
echo 1 > "/sys/class/nvme/$c1/delete_controller"
echo 1 > "/sys/class/nvme/$c2/delete_controller"
sleep 1
check "${TR}_head_kept_without_paths" test -e "/sys/block/$head"
# Geometry needs no path (64 MiB: 64 cylinders of 64 heads x 32 sectors).
expect_eq "${TR}_getgeo_without_paths" "heads 64 sectors 32 cylinders 64" \
	"$(mpath-ioctl getgeo "/dev/$head")"
[ "$ref0" = builtin ] || expect_eq "${TR}_removal_pins_nvme_core" $((ref0 + 1)) "$(refcnt)"
dd if=/dev/zero of="/dev/$head" bs=4k count=1 oflag=direct 2>/dev/null &
ddpid=$!
c1=$(connect 1)
wait "$ddpid"
expect_eq "${TR}_write_completes_when_path_returns" 0 "$?"
check "${TR}_head_kept_when_path_returns" test -e "/sys/block/$head"
expect_eq "${TR}_module_ref_dropped_when_path_returns" "$ref0" "$(settle_refcnt "$ref0")"

# This time the window expires: the head goes and the queued write fails.
echo 2 > "$DRS"
echo 1 > "/sys/class/nvme/$c1/delete_controller"
sleep 0.5
dd if=/dev/zero of="/dev/$head" bs=4k count=1 oflag=direct 2>/dev/null &
ddpid=$!
wait "$ddpid"
st=$?
check "${TR}_write_fails_after_window" test "$st" -ne 0
n=0
while [ -e "/sys/block/$head" ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
check "${TR}_head_removed_after_window" test ! -e "/sys/block/$head"
expect_eq "${TR}_module_ref_dropped_after_window" "$ref0" "$(settle_refcnt "$ref0")"
say "nvmet/$TR delayed removal: head kept while pathless," \
	"write ok after reconnect, write failed ($st) after 2 s window"

nvmet_teardown
