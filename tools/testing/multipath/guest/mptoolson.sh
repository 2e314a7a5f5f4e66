# SPDX-License-Identifier: GPL-2.0
# multipath-tools with native SCSI multipath (scsi_mod multipath=on): the
# LU is one head disk sdX; its paths are hidden (no device node, no udev
# device), and multipath does not take the head for a path, as its parent
# is no scsi_device.  Even with find_multipaths "greedy" it makes no map,
# without any blacklist.  mptoolsoff.sh is the control.
. /tests/lib.sh
. /tests/mptools.sh
[ -e /sys/module/scsi_mod ] || modprobe scsi_mod multipath=on
modprobe sd_mod
mptools mptools_on
has_head() { [ -n "$(heads)" ]; }
check mptools_on_head wait_until 100 has_head
expect_eq mptools_on_no_map "" "$maps"
expect_eq mptools_on_ll_empty "" "$(cat /tmp/mptools.ll)"
check mptools_on_by_id_link sh -c "ls -l /dev/disk/by-id/ | grep -q 'wwn-.* -> ../../$(heads)\$'"
mptools_end mptools_on
check mptools_on_head_gone wait_until 100 no_heads_left
