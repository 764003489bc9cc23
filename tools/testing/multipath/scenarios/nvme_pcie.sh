# SPDX-License-Identifier: GPL-2.0
#
# PCIe NVMe hot-unplug (boot.sh's QEMU_TOPOLOGY=pcie-nvme: QEMU's NVMe
# subsystem with two controllers, nvme0 and nvme1, on two PCIe root
# ports, one shared namespace).  While fio writes and verifies through the
# round-robin head, controller nvme1 is unplugged through QMP (ACPI
# hot-plug removes it) and plugged in again, twice: I/O goes on through the other
# controller, the re-added one becomes a path of the same head and carries
# I/O again, and the head keeps its policy and its sysfs settings.
. /scenarios/lib.sh

modprobe nvme 2>/dev/null

# qmp JSON: ask the host's relay (qmp-relay.py) to send JSON to QEMU.
qmp() {
	echo "QMP-REQUEST $1"
}

# The subsystem directory of the head $HEAD.
subsys_dir() {
	local s
	for s in /sys/class/nvme-subsystem/nvme-subsys*; do
		[ -e "$s/$HEAD" ] && echo "$s" && return 0
	done
	return 1
}

# The path disk of the controller on PCI bus BUS (01 behind root port rp1,
# 02 behind rp2), or nothing.
path_of_bus() {
	local c d
	for c in /sys/class/nvme/nvme*; do
		case "$(readlink -f "$c/device")" in */0000:$1:00.0) ;; *) continue ;; esac
		for d in "$c"/nvme*c*n1; do
			[ -e "$d" ] && echo "${d##*/}" && return 0
		done
	done
	return 1
}

# wait_path BUS SECS: the controller's path disk appears within SECS.
wait_path() {
	for _ in $(seq $(($2 * 10))); do
		path_of_bus "$1" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# wait_no_path BUS SECS: it is gone within SECS.
wait_no_path() {
	for _ in $(seq $(($2 * 10))); do
		path_of_bus "$1" >/dev/null || return 0
		sleep 0.1
	done
	return 1
}

require both_controllers sh -c "for _ in \$(seq 300); do
	[ -n \"\$(ls -d /sys/block/nvme*c*n1 2>/dev/null | sed -n 2p)\" ] && exit 0
	sleep 0.1; done; exit 1"
P1=$(path_of_bus 01) P2=$(path_of_bus 02)
HEAD=
for d in /sys/block/nvme*n1; do
	case "${d##*/}" in *c*) continue ;; esac
	HEAD=${d##*/}
done
SUBSYS=$(subsys_dir)
require head_and_two_paths test -n "$HEAD" -a -n "$P1" -a -n "$P2" -a -n "$SUBSYS"
echo "head $HEAD, paths $P1 (nvme0) $P2 (nvme1), $SUBSYS"
echo round-robin >"$SUBSYS/iopolicy"
require rr_set test "$(cat "$SUBSYS/iopolicy")" = round-robin
echo 30 >"/sys/block/$HEAD/delayed_removal_secs"

fio_verify_start pcie "$HEAD"
require fio_io_under_way wait_ios "$HEAD" 32
pair_window 2
echo "EVENT start: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
check start_both_paths_used sh -c "[ $D1 -gt 10 ] && [ $D2 -gt 10 ]"

for cycle in 1 2; do
	qmp '{"execute": "device_del", "arguments": {"id": "nvme1"}}'
	check "unplug${cycle}_path_gone" wait_no_path 02 60
	gone=$P2 P2=
	pair_window 2
	echo "EVENT unplug $cycle: $gone gone, $P1 $D1 I/Os in 2 s"
	check "unplug${cycle}_io_on_nvme0" test "$D1" -gt 10
	check "unplug${cycle}_head_stays" test -b "/dev/$HEAD"
	qmp '{"execute": "device_add", "arguments": {"driver": "nvme", "id": "nvme1", "serial": "mpath", "subsys": "subsys0", "bus": "rp2"}}'
	check "replug${cycle}_path_back" wait_path 02 60
	P2=$(path_of_bus 02)
	pair_window 2
	echo "EVENT re-add $cycle: $P2 back, $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	check "replug${cycle}_same_head" test -e "/sys/block/$HEAD/multipath/$P2"
	check "replug${cycle}_path_used_again" test "$D2" -gt 10
	check "replug${cycle}_policy_kept" test "$(cat "$SUBSYS/iopolicy")" = round-robin
	check "replug${cycle}_delayed_removal_kept" test "$(cat "/sys/block/$HEAD/delayed_removal_secs")" = 30
done

fio_stop pcie
fio_checks pcie
fio_stall_ms pcie
echo "step pcie: stall_ms=$STALL_MS"
scenario_time
