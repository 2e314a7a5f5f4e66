# SPDX-License-Identifier: GPL-2.0
# KUnit: make sure libmultipath is loaded (its suites run at load time when
# it is a module, at boot when built in) and hand the KTAP log to the host.
. /tests/lib.sh

# Built in, the suites ran at boot; as a module they run when it loads.
# Either way the host counts the suites' results, and fails the boot if
# there are none.
if ! grep -q ' mpath_alloc_head$' /proc/kallsyms; then
	modprobe libmultipath
	check kunit_libmultipath_loaded test -d /sys/module/libmultipath
fi
echo "MPKUNIT begin"
dmesg | sed -n '/KTAP version/,$p'
echo "MPKUNIT end"
