# SPDX-License-Identifier: GPL-2.0
# nvmet loop with a single port, for nvmetsingle and cdevfault: the
# subsystem $NQN with one namespace (uuid $UUID) on loop port 9.  Sourced.

CFS=/sys/kernel/config/nvmet
NQN=mpath-single
UUID=5d2a1c6e-3b0f-4f7e-9a41-7c0d2e8b6f13
TR=loop

# target_up / target_down: the subsystem with one namespace on port 9.
target_up() {
	truncate -s 64M /tmp/nvmet-single.img
	L=$(losetup -f)
	losetup "$L" /tmp/nvmet-single.img
	mkdir "$CFS/subsystems/$NQN"
	echo 1 > "$CFS/subsystems/$NQN/attr_allow_any_host"
	mkdir "$CFS/subsystems/$NQN/namespaces/1"
	echo -n "$L" > "$CFS/subsystems/$NQN/namespaces/1/device_path"
	echo -n "$UUID" > "$CFS/subsystems/$NQN/namespaces/1/device_uuid"
	echo 1 > "$CFS/subsystems/$NQN/namespaces/1/enable"
	mkdir "$CFS/ports/9"
	echo loop > "$CFS/ports/9/addr_trtype"
	echo 9 > "$CFS/ports/9/addr_traddr"
	ln -s "$CFS/subsystems/$NQN" "$CFS/ports/9/subsystems/$NQN"
}
target_down() {
	rm -f "$CFS/ports/9/subsystems/$NQN"
	rmdir "$CFS/ports/9"
	rmdir "$CFS/subsystems/$NQN/namespaces/1" "$CFS/subsystems/$NQN"
	losetup -d "$L"
}

# The head whose uuid attribute reads $UUID, found as blktests'
# _find_nvme_ns() finds it.
find_head() {
	for d in /sys/block/nvme*; do
		case "${d##*/}" in nvme*c*) continue ;; esac
		[ "$(cat "$d/uuid" 2>/dev/null)" = "$UUID" ] && echo "${d##*/}"
	done
}
# wait_head [TENTHS]: wait for the head to appear (default 10 s).
wait_head() {
	n=${1:-100}
	while [ -z "$(find_head)" ] && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	find_head
}
# wait_ctrl_ns CTRL: wait (up to 10 s) for the namespace disk of
# controller CTRL without a multipath head (nvmeXnY) and print its name.
wait_ctrl_ns() {
	n=0
	while [ $n -lt 100 ]; do
		for d in /sys/class/nvme/$1/nvme*n*; do
			[ -e "$d/numa_nodes" ] && echo "${d##*/}" && return 0
		done
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
# The controller (nvmeN) connected to $NQN.
ctrl_of_subsys() {
	for c in /sys/class/nvme/nvme*; do
		[ "$(cat "$c/subsysnqn" 2>/dev/null)" = "$NQN" ] && echo "${c##*/}"
	done
}
cli_connect() {
	nvme connect -t loop -n "$NQN" --hostnqn="$HOSTNQN" --hostid="$HOSTID" \
		>/tmp/single-connect.log 2>&1
}
