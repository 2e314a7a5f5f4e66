# SPDX-License-Identifier: GPL-2.0
# multipath-tools without native SCSI multipath (scsi_mod multipath=off,
# the default): the two paths of the scsi_debug LU are sdX and sdY, and
# multipath makes a dm map over them.  The control for mptoolson.sh.
. /tests/lib.sh
. /tests/mptools.sh
mptools mptools_off
expect_eq mptools_off_one_map mpatha "$maps"
# What multipath said, when it made no map.
[ -n "$maps" ] || grep -E 'mpatha|fail|error' /tmp/mptools.out | tail -15
check mptools_off_map_two_paths test "$(grep -c 'active ready running' /tmp/mptools.ll)" = 2
mptools_end mptools_off
