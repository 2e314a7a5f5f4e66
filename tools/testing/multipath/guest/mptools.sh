# SPDX-License-Identifier: GPL-2.0
# multipath-tools (the host's, bookworm's 0.9.4) next to native SCSI
# multipath, for mptoolsoff.sh and mptoolson.sh: scsi_debug presents one LU
# through two hosts, the host's systemd-udevd runs in the guest (so that
# the devices are initialized in the udev database and get their
# /dev/disk/by-id links, which multipath needs), and multipath runs with
# find_multipaths "greedy", which makes a map of every path it accepts.
# Sourced after lib.sh; mptools PREFIX runs it with checks named PREFIX_*
# and leaves the udev data of the host's programs behind only in /run.

# Host binaries run directly: their loader and libraries, udev's rules and
# helpers, multipath's libraries and plugins come from the 9p share.
host_tree() {
	[ -e /lib64 ] || ln -s /host/lib64 /lib64
	mkdir -p /usr/lib /run/udev /etc/multipath
	for _d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib/udev \
		/lib/multipath; do
		[ -e "$_d" ] || ln -s "/host$_d" "$_d"
	done
	for _f in /host/lib/libmultipath.so.0 /host/lib/libmpathutil.so.0 \
		/host/lib/libmpathcmd.so.0; do
		[ -e "/lib/${_f##*/}" ] || ln -s "$_f" /lib/
	done
	[ -e /sbin/systemd-udevd ] || ln -s /host/bin/udevadm /sbin/systemd-udevd
}
udevadm() { /host/bin/udevadm "$@"; }
# libdevmapper makes the device nodes itself instead of waiting for udev's
# dm rules, whose helpers the guest does not have.
multipath() { DM_DISABLE_UDEV=1 /host/sbin/multipath "$@"; }
# mp_maps: the device-mapper multipath maps, one name per line.
mp_maps() {
	DM_DISABLE_UDEV=1 /host/sbin/dmsetup ls --target multipath 2>/dev/null |
		grep -v '^No devices found' | cut -f1
}

mptools() {
	if [ ! -x /host/sbin/multipath ]; then
		fail "$1_host_multipath_tools" \
			"no /sbin/multipath on the host: make setup installs multipath-tools"
		return
	fi
	host_tree
	# multipath's default path selector and its ALUA handler: the kernel
	# cannot load them on demand in the busybox guest.
	modprobe dm_multipath
	modprobe dm_service_time
	modprobe scsi_dh_alua
	printf 'defaults {\n\tfind_multipaths greedy\n\tuser_friendly_names yes\n}\n' \
		> /etc/multipath.conf
	/sbin/systemd-udevd --daemon >/dev/null 2>&1
	modprobe scsi_debug vpd_use_hostno=0 add_host=2 num_tgts=1 max_luns=1 \
		dev_size_mb=32 delay=0
	udevadm trigger --action=add >/dev/null 2>&1
	udevadm settle --timeout=60
	multipath -v3 > /tmp/mptools.out 2>&1
	multipath -ll > /tmp/mptools.ll 2>&1
	maps=$(mp_maps)
	_mode=$(cat /sys/module/scsi_mod/parameters/multipath 2>/dev/null)
	say "multipath-tools with scsi_mod multipath=$_mode: maps: ${maps:-none};" \
		"multipath -ll:"
	sed 's/^/MPDEMO   /' /tmp/mptools.ll
}

# mptools_end PREFIX: flush the maps, stop udevd, unload scsi_debug.
mptools_end() {
	multipath -F >/dev/null 2>&1
	expect_eq "$1_maps_flushed" "" "$(mp_maps)"
	udevadm control --exit >/dev/null 2>&1
	check "$1_scsi_debug_unloaded" rmmod scsi_debug
}
