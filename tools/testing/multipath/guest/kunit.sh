# SPDX-License-Identifier: GPL-2.0
# KUnit: make sure libmultipath is loaded (its suites run at load time when
# it is a module, at boot when built in) and hand the KTAP log to the host.
. /tests/lib.sh

if [ ! -d /sys/module/libmultipath ]; then
	modprobe libmultipath
fi
check kunit_libmultipath_loaded test -d /sys/module/libmultipath
echo "MPKUNIT begin"
dmesg | sed -n '/KTAP version/,$p'
echo "MPKUNIT end"
