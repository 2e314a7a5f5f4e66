# SPDX-License-Identifier: GPL-2.0
# Soak: cycles of ANA flips, controller resets and controller delete plus
# reconnect, each under a fio verify pass through the head, on nvmet over
# $TR.  Every three cycles the I/O policy (numa, round-robin, queue-depth)
# and the port whose controller is reset and deleted change, so that 18
# cycles see every event under every policy on both ports.  mpcycles=N on
# the kernel command line sets the number of cycles (default 10).  Reports
# one MPSOAK line; the harness also fails the boot on any kernel warning in
# the console log.  Sourced by soakloop.sh and soaktcp.sh.
P=soak_$TR
. /tests/nvmet-setup.sh

cycles=10
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	mpcycles=*) cycles=${arg#mpcycles=} ;;
	esac
done
if [ ! -x /host/usr/bin/fio ]; then
	fail "${P}_host_fio_visible" "no /host/usr/bin/fio (9p share of the host's /)"
	nvmet_teardown
	exit 0
fi

# Port 1 starts optimized; a flip makes the other port optimized and this
# one inaccessible, so that every flip moves the I/O.
echo inaccessible > "$CFS/ports/2/ana_groups/1/ana_state"
wait_ana "$p2" inaccessible >/dev/null
opt=1

SUBSYS=$(subsys_dir)
check "${P}_subsystem_has_iopolicy" test -f "$SUBSYS/iopolicy"

# ctrl_for_port N: the current controller connected to port N.
ctrl_for_port() {
	if [ "$1" = 1 ]; then echo "$c1"; else echo "$c2"; fi
}

done_cycles=0
verify_errors=0
io_errors=0
fio_failures=0
events_failed=0
i=0
t0=$(cut -d. -f1 /proc/uptime)
while [ $i -lt "$cycles" ]; do
	if [ $((i % 3)) = 0 ]; then
		case $(((i / 3) % 3)) in
		0) policy=numa ;;
		1) policy=round-robin ;;
		2) policy=queue-depth ;;
		esac
		echo "$policy" > "$SUBSYS/iopolicy"
		[ "$(cat "$SUBSYS/iopolicy")" = "$policy" ] ||
			events_failed=$((events_failed + 1))
	fi
	fio_verify soak "$H" 1
	sleep 1
	case $((i % 3)) in
	0)
		other=$((3 - opt))
		echo optimized > "$CFS/ports/$other/ana_groups/1/ana_state"
		echo inaccessible > "$CFS/ports/$opt/ana_groups/1/ana_state"
		opt=$other
		po=$p1
		[ "$opt" = 2 ] && po=$p2
		[ "$(wait_ana "$po" optimized)" = optimized ] ||
			events_failed=$((events_failed + 1))
		;;
	1)
		c=$(ctrl_for_port $(((i / 3) % 2 + 1)))
		echo 1 > "/sys/class/nvme/$c/reset_controller"
		[ "$(wait_live "$c")" = live ] || events_failed=$((events_failed + 1))
		;;
	2)
		port=$(((i / 3) % 2 + 1))
		echo 1 > "/sys/class/nvme/$(ctrl_for_port $port)/delete_controller"
		c=$(connect $port)
		if [ "$port" = 1 ]; then c1=$c; else c2=$c; fi
		[ "$(wait_npaths "$head" 2)" = 2 ] || events_failed=$((events_failed + 1))
		p1=$(path_of "$c1")
		p2=$(path_of "$c2")
		;;
	esac
	soak_fio_done /tmp/soak.fio
	i=$((i + 1))
done
soak_report "$TR" "$P" "$t0"
say "soak/$TR: $done_cycles cycles (ANA flip, reset, delete+reconnect;" \
	"numa, round-robin, queue-depth) in $secs s," \
	"verify errors $verify_errors, I/O errors $io_errors, kernel warnings $warnings"
nvmet_teardown
