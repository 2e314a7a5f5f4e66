# SPDX-License-Identifier: GPL-2.0
# nvmet target on this machine exported on two ports with ANA (port 1
# optimized, port 2 non-optimized), connected twice over $TR (loop or tcp):
# sets c1/c2 (controllers), p1/p2 (path disks), head and H (/dev/$head).
# Checks are named ${P}_* (P defaults to $TR).  Sourced by nvmet.sh and
# soak.sh; nvmet_teardown undoes it.
. /tests/lib.sh
P=${P:-$TR}

CFS=/sys/kernel/config/nvmet
NQN=mpath-$TR

# nvme-loop is host and target in one module.
mods="nvmet nvme-$TR"
[ "$TR" = loop ] || mods="nvmet nvmet-$TR nvme-$TR"
for m in $mods; do
	modprobe "$m" || { fail "${P}_modules" "cannot load $m"; exit 0; }
done
ip link set lo up 2>/dev/null
truncate -s 64M /tmp/nvmet-$TR.img
L=$(losetup -f)
losetup "$L" /tmp/nvmet-$TR.img

mkdir "$CFS/subsystems/$NQN"
echo 1 > "$CFS/subsystems/$NQN/attr_allow_any_host"
mkdir "$CFS/subsystems/$NQN/namespaces/1"
echo -n "$L" > "$CFS/subsystems/$NQN/namespaces/1/device_path"
echo -n 91fdba0d-f87b-4c25-b80f-db7be1418b9e > "$CFS/subsystems/$NQN/namespaces/1/device_uuid"
echo 1 > "$CFS/subsystems/$NQN/namespaces/1/resv_enable"
echo 1 > "$CFS/subsystems/$NQN/namespaces/1/enable"
for p in 1 2; do
	port=$CFS/ports/$p
	mkdir "$port"
	echo "$TR" > "$port/addr_trtype"
	if [ "$TR" = tcp ]; then
		echo ipv4 > "$port/addr_adrfam"
		echo 127.0.0.1 > "$port/addr_traddr"
		echo $((4419 + p)) > "$port/addr_trsvcid"
	else
		echo "$p" > "$port/addr_traddr"
	fi
	ln -s "$CFS/subsystems/$NQN" "$port/subsystems/$NQN"
done
echo optimized > "$CFS/ports/1/ana_groups/1/ana_state"
echo non-optimized > "$CFS/ports/2/ana_groups/1/ana_state"

c1=$(connect 1)
c2=$(connect 2)
check "${P}_connect_two_ports" test -e "/sys/class/nvme/$c1" -a -e "/sys/class/nvme/$c2"

# path_of CTRL: the path disk of the namespace behind controller CTRL.
path_of() {
	n=0
	while [ $n -lt 100 ]; do
		for d in /sys/class/nvme/$1/nvme*c*n*; do
			[ -e "$d" ] && echo "${d##*/}" && return 0
		done
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
p1=$(path_of "$c1")
p2=$(path_of "$c2")
# The multipath/ links appear once the paths are live (after the ANA log
# is read), a little after the path disks.
head=
n=0
while [ -z "$head" ] && [ $n -lt 100 ]; do
	for d in /sys/block/nvme*n*; do
		case "${d##*/}" in *c*) continue ;; esac
		[ -e "$d/multipath/$p1" ] && head=${d##*/}
	done
	[ -n "$head" ] || sleep 0.1
	n=$((n + 1))
done
if [ -z "$head" ] || [ -z "$p1" ] || [ -z "$p2" ]; then
	fail "${P}_head_exists" "head '$head', paths '$p1' '$p2'"
	exit 0
fi
ok "${P}_head_exists"
check "${P}_head_has_both_paths" wait_for "/sys/block/$head/multipath/$p2"
H=/dev/$head

# wait_ana PATH STATE: wait for the host to see an ANA state.
wait_ana() {
	n=0
	while [ "$(cat /sys/block/$1/ana_state 2>/dev/null)" != "$2" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	cat "/sys/block/$1/ana_state" 2>/dev/null
}

# nvmet_teardown: disconnect and remove the target.
nvmet_teardown() {
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat "$c/subsysnqn" 2>/dev/null)" = "$NQN" ] &&
			echo 1 > "$c/delete_controller"
	done
	for p in 1 2; do
		rm -f "$CFS/ports/$p/subsystems/$NQN"
		rmdir "$CFS/ports/$p"
	done
	rmdir "$CFS/subsystems/$NQN/namespaces/1" "$CFS/subsystems/$NQN"
	losetup -d "$L"
}
