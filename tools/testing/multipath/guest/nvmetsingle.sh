# SPDX-License-Identifier: GPL-2.0
# nvmet loop with a single port: delayed removal of a head whose only path
# goes away, driven by nvme-cli exactly as blktests nvme/068 drives it,
# then a head held open across the removal of its last controller, the
# target and the NVMe modules.  Unloads the NVMe host modules (and leaves
# nvme_core loaded with multipath=0), so it runs after the scenarios that
# use them.
. /tests/lib.sh
. /tests/nvmet-single.sh

for m in nvmet nvme-loop; do
	modprobe "$m" || { fail single_modules "cannot load $m"; exit 0; }
done
target_up

# blktests nvme/068: one controller, delayed removal, nvme disconnect,
# then at once look for the head and at nvme_core's reference count.
if have_nvme_cli; then
	cli_connect
	expect_eq single_cli_connect 0 "$?"
	head=$(wait_head)
	check single_head_found_by_uuid test -n "$head"
	ref0=$(refcnt)
	# A window long enough for nvme-cli to reconnect on the debug kernel
	# (under KASAN a connect through the 9p share takes several seconds;
	# a window that expires first lets a new head of the same name come).
	echo 30 > "/sys/block/$head/delayed_removal_secs"
	nvme disconnect -d "$(ctrl_of_subsys)" >/tmp/single-disconnect.log 2>&1
	expect_eq single_cli_disconnect 0 "$?"
	expect_eq single_head_kept_after_disconnect "$head" "$(find_head)"
	expect_eq single_removal_pins_nvme_core $((ref0 + 1)) "$(refcnt)"
	# Reconnect within the window: the same head, the pin dropped.
	cli_connect
	expect_eq single_cli_reconnect 0 "$?"
	expect_eq single_same_head_after_reconnect "$head" "$(wait_head)"
	# The same head, not a new one of the same name: it kept its setting.
	expect_eq single_head_kept_its_window 30 "$(cat "/sys/block/$head/delayed_removal_secs")"
	expect_eq single_pin_dropped_after_reconnect "$ref0" "$(settle_refcnt "$ref0")"
	# Let the window expire this time: the head goes, the pin with it.
	echo 10 > "/sys/block/$head/delayed_removal_secs"
	nvme disconnect -d "$(ctrl_of_subsys)" >/tmp/single-disconnect.log 2>&1
	expect_eq single_head_kept_in_window "$head" "$(find_head)"
	expect_eq single_window_pins_nvme_core $((ref0 + 1)) "$(refcnt)"
	n=0
	while [ -n "$(find_head)" ] && [ $n -lt 200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	expect_eq single_head_gone_after_window "" "$(find_head)"
	expect_eq single_pin_dropped_after_window "$ref0" "$(settle_refcnt "$ref0")"
else
	fail single_host_nvme_cli_visible "no /host$NVME_CLI (9p share of the host's /)"
fi

# A head held open while its only controller, the target and the NVMe
# host modules go: nvme_core stays pinned until the head is closed, and
# the held head still answers (geometry without a path, EAGAIN for what
# needs one).
ctrl=$(connect 9)
head=$(wait_head)
check single_open_head_found test -n "$head"
exec 3<>"/dev/$head"
echo 1 > "/sys/class/nvme/$ctrl/delete_controller"
n=0
while [ -e "/sys/block/$head" ] && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
check single_open_head_disk_deleted test ! -e "/sys/block/$head"
target_down
if [ "$(refcnt)" = builtin ]; then
	fail single_nvme_core_is_a_module "nvme_core is built in: nothing to unload"
else
	for m in nvme_loop nvme_tcp nvme_fabrics nvme; do
		[ -e "/sys/module/$m" ] && rmmod "$m"
	done
	check single_other_nvme_modules_unloaded test ! -e /sys/module/nvme_fabrics
	expect_eq single_open_head_pins_nvme_core 1 "$(refcnt)"
	rmmod nvme_core 2>/dev/null
	check single_rmmod_refused_while_open test "$?" -ne 0
	check single_nvme_core_still_loaded test -e /sys/module/nvme_core
	expect_eq single_held_head_size64 "size 0" "$(mpath-ioctl size fd:3)"
	expect_eq single_held_head_getgeo "heads 64 sectors 32 cylinders 0" \
		"$(mpath-ioctl getgeo fd:3)"
	expect_eq single_held_head_pr_eagain "error 11" \
		"$(mpath-ioctl pr-read-keys fd:3 | cut -d' ' -f1-2)"
	expect_eq single_held_head_nvme_ioctl_eagain "error 11" \
		"$(mpath-ioctl nsid fd:3 | cut -d' ' -f1-2)"
	exec 3<&-
	rmmod nvme_core
	expect_eq single_rmmod_after_close 0 "$?"
	check single_nvme_core_unloaded test ! -e /sys/module/nvme_core
fi

# A namespace without a multipath head (nvme_core multipath=0) is used by
# no node: its numa_nodes reads an empty list, a lone newline.
if [ ! -e /sys/module/nvme_core ] && modprobe nvme_core multipath=0 &&
	modprobe nvme-loop; then
	target_up
	ctrl=$(connect 9)
	ns=$(wait_ctrl_ns "$ctrl")
	check single_namespace_without_head test -n "$ns" -a ! -e "/sys/block/$ns/multipath"
	expect_eq single_numa_nodes_without_head 1 "$(wc -c < "/sys/block/$ns/numa_nodes")"
	echo 1 > "/sys/class/nvme/$ctrl/delete_controller"
	target_down
else
	fail single_namespace_without_head "cannot load nvme_core with multipath=0"
fi
