# SPDX-License-Identifier: GPL-2.0
#
# Paths going away under load: while fio writes and verifies through the
# head of two round-robin loop paths, a controller is deleted with nvme-cli,
# another through sysfs, and a port is unlinked from the subsystem on the
# target.  I/O has to continue on the remaining path without error, and the
# path has to carry I/O again once reconnected.  Every block fio wrote
# must read back as written, and that check must fail once the blocks are
# zeroed.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
require rr_set set_iopolicy round-robin
echo "head $HEAD, paths $P1 (port 1) $P2 (port 2)"

# back P NAME: reconnect port P; its path must carry I/O again.
back() {
	check "${2}_reconnect" connect_port "$1"
	eval "P$1=$(path_of_port "$1")"
	window 2
	echo "EVENT $2: port $1 reconnected as $(eval echo "\$P$1"): $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	check "${2}_path1_used_again" test "$D1" -gt 10
	check "${2}_path2_used_again" test "$D2" -gt 10
}

fio_start failover
require fio_io_under_way fio_running
window 2
echo "EVENT start: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
check start_both_paths_used sh -c "[ $D1 -gt 10 ] && [ $D2 -gt 10 ]"

# 1. nvme disconnect of the controller of port 2.
c2=nvme$(ctrl_of_port 2)
check disconnect_ctrl_port2 nvme disconnect -d "$c2"
check path2_gone wait_gone "/sys/block/$P2"
check head_stays test -b "/dev/$HEAD"
old2=$P2 P2=
window 2
echo "EVENT disconnect $c2 ($old2): $P1 $D1 I/Os in 2 s"
check io_continues_on_path1 test "$D1" -gt 10
back 2 disconnect

# 2. delete_controller of port 1 through sysfs.
c1=nvme$(ctrl_of_port 1)
echo 1 >"/sys/class/nvme/$c1/delete_controller"
check path1_gone_after_delete_controller wait_gone "/sys/block/$P1"
old1=$P1 P1=
window 2
echo "EVENT delete_controller $c1 ($old1): $P2 $D2 I/Os in 2 s"
check io_continues_on_path2 test "$D2" -gt 10
back 1 delete_controller

# 3. The target unlinks the subsystem from port 1: the target deletes the
# port's controllers, the host loses the path.
rm "$NVMET/ports/1/subsystems/$NQN"
check path1_gone_after_port_unlink wait_gone "/sys/block/$P1"
P1=
window 2
echo "EVENT port 1 unlinked: $P2 $D2 I/Os in 2 s"
check io_continues_after_port_unlink test "$D2" -gt 10
ln -s "$NVMET/subsystems/$NQN" "$NVMET/ports/1/subsystems/$NQN"
back 1 port_relink

fio_stop failover
fio_checks failover

# The replay of fio_checks can fail: with the job's region zeroed through
# the head, the blocks fio wrote there no longer verify.
replay_fails_on_zeroed_data() {
	dd if=/dev/zero of="/dev/$HEAD" bs=1M count=$((FIO_SIZE_KIB / 1024)) \
		oflag=direct 2>/dev/null || return 1
	! fio_replay failover >/dev/null 2>&1
}
check replay_fails_on_zeroed_data replay_fails_on_zeroed_data
echo "replay of the zeroed region: error=$(fio_field failover 5 replay)" \
	"verified=$(fio_field failover 6 replay)KiB"
scenario_time
