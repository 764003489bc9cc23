# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath failover under fio --verify (kernel command line:
# scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0).
# A fourth host is added, so that two paths are active/optimized (hosts 0
# and 3), one active/non-optimized (1), one standby (2); round-robin.
# Paths are set offline, back to running, offline and deleted, and
# rescanned while fio writes and verifies through the head: bios queued on
# a path that goes are rejected by the SCSI midlayer and fail over; no I/O
# error, no verify failure, and every path carries I/O again once usable.
# Then a medium error is returned to the caller, not failed over, and
# I/O fails rather than waits when only the standby path is left.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

setup_four_paths
require rr_set set_iopolicy "$HEAD" round-robin
echo "optimized $P0 $P3, non-optimized $P1, standby $P2"

# Each command takes 4 jiffies and each optimized path takes one at a
# time, so that bios wait in a path's queue when it goes offline or away:
# the SCSI midlayer rejects them and they must fail over.
check scsi_debug_delay sh -c "echo 4 >$SDEBUG/delay"
for p in $P0 $P3; do
	echo 1 >"/sys/block/$p/device/queue_depth"
done
rejected() {
	dmesg | grep -c 'rejecting I/O'
}
R=$(rejected)

fio_start failover "$HEAD"
require fio_io_under_way wait_ios "$P0" 32
window 2 "$P0" "$P1" "$P2" "$P3"
echo "EVENT start: $P0 $(d "$P0"), $P3 $(d "$P3"), $P1 $(d "$P1"), $P2 $(d "$P2") I/Os in 2 s"
check start_both_optimized_used sh -c "[ $(d "$P0") -gt 10 ] && [ $(d "$P3") -gt 10 ]"
check start_non_optimized_unused test "$(d "$P1")" = 0
check start_standby_unused test "$(d "$P2")" = 0

# 1. Offline and back.
check offline_path0 sh -c "echo offline >/sys/block/$P0/device/state"
sleep 1 # what was in flight on it completes
window 2 "$P0" "$P3"
echo "EVENT $P0 offline: $P0 $(d "$P0"), $P3 $(d "$P3") I/Os in 2 s"
check offline_path_unused test "$(d "$P0")" = 0
echo "rejected by the offline path: $(($(rejected) - R)) time(s)"
check io_continues_on_path3 test "$(d "$P3")" -gt 10
check running_path0 sh -c "echo running >/sys/block/$P0/device/state"
window 2 "$P0" "$P3"
echo "EVENT $P0 running: $P0 $(d "$P0"), $P3 $(d "$P3") I/Os in 2 s"
check running_path0_used_again test "$(d "$P0")" -gt 10

# 2. Offline, then deleted, under I/O.
HCTL3=$(hctl_of "$P3")
check offline_path3 sh -c "echo offline >/sys/block/$P3/device/state"
check delete_path3 sh -c "echo 1 >/sys/block/$P3/device/delete"
check path3_gone wait_gone "/sys/block/$P3"
check three_paths_left test "$(paths_of "$HEAD" | wc -l)" = 3
check head_stays test -b "/dev/$HEAD"
window 2 "$P0"
echo "EVENT $P3 deleted: $P0 $(d "$P0") I/Os in 2 s"
check io_continues_on_path0 test "$(d "$P0")" -gt 10
echo "rejected by the offline and deleted paths: $(($(rejected) - R)) time(s)"

# 2b. The remaining optimized path flaps between offline and running: each
# time it goes offline, what waits in its queue is rejected and must fail
# over (to the non-optimized path, the only other usable one).
for _ in $(seq 10); do
	echo offline >"/sys/block/$P0/device/state"
	sleep 0.3
	echo running >"/sys/block/$P0/device/state"
	sleep 0.3
done
echo "rejected by the paths gone so far: $(($(rejected) - R)) time(s)"
check queued_io_rejected_and_failed_over test "$(rejected)" -gt "$R"
check fio_still_running kill -0 "$FIO_PID"

# 3. The last optimized path offline: the non-optimized one takes over.
check offline_path0_again sh -c "echo offline >/sys/block/$P0/device/state"
sleep 1
window 2 "$P0" "$P1" "$P2"
echo "EVENT $P0 offline: $P1 $(d "$P1") I/Os in 2 s"
check non_optimized_takes_over test "$(d "$P1")" -gt 10
check standby_still_unused test "$(d "$P2")" = 0
check running_path0_again sh -c "echo running >/sys/block/$P0/device/state"
window 2 "$P0" "$P1"
echo "EVENT $P0 running: $P0 $(d "$P0"), $P1 $(d "$P1") I/Os in 2 s"
check optimized_preferred_again sh -c "[ $(d "$P0") -gt 10 ] && [ $(d "$P1") = 0 ]"

# 4. The deleted path comes back with a rescan of its host.
check rescan_host3 sh -c "echo '- - -' >/sys/class/scsi_host/host${HCTL3%%:*}/scan"
P3=
for _ in $(seq 100); do
	P3=$(path_of_host "${HCTL3%%:*}") && break
	sleep 0.1
done
check rescanned_path_linked sh -c "[ -n '$P3' ] && [ -e /sys/block/$HEAD/multipath/$P3 ]"
check rescanned_path_optimized wait_state "$P3" active/optimized
window 2 "$P0" "$P3"
echo "EVENT $P3 back: $P0 $(d "$P0"), $P3 $(d "$P3") I/Os in 2 s"
check rescanned_path_used test "$(d "$P3")" -gt 10

fio_stop failover
fio_checks failover

# A medium error (scsi_debug opts=2: reads of sectors 4660-4669) is the
# logical unit's: returned at once, not retried on another path.
echo 2 >"$SDEBUG/opts"
snap
check medium_error_returned sh -c "! timeout 60 fio --name=medium \
	--filename=/dev/$HEAD --rw=read --bs=512 --offset=$((4660 * 512)) --size=512 \
	--direct=1 --ioengine=psync --output=/tmp/medium.log"
tried=0
for p in $P0 $P1 $P2 $P3; do
	[ "$(delta "$p")" -gt 0 ] && tried=$((tried + 1))
done
echo "medium error: $tried path(s) tried"
check medium_error_one_path_tried test "$tried" = 1
echo 0 >"$SDEBUG/opts"
check head_io_after_medium_error head_io "$HEAD"

# Only the standby path left: I/O fails rather than waits.
for p in $P0 $P1 $P3; do
	echo offline >"/sys/block/$p/device/state"
done
check standby_only_io_fails sh -c \
	"! timeout 30 dd if=/dev/$HEAD of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null"
for p in $P0 $P1 $P3; do
	echo running >"/sys/block/$p/device/state"
done
check head_io_after_all_back head_io "$HEAD"

# Paths came and went: nothing of them leaked.
check no_multipath_leak no_mpath_leak
