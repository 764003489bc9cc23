# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath: what the head disk shows of its I/O, and how each
# class of error is handled (kernel command line: scsi_mod.multipath=on
# scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0).  Paths: host 0
# active/optimized, 1 active/non-optimized, 2 standby.
#
# - I/O statistics: /sys/block/sdmpathN/stat counts what fio did through
#   the head, in_flight rises under I/O and is 0 at rest, and an I/O that
#   fails over is counted once.
# - nowait: a RWF_NOWAIT read of the head is taken (every path has it).
# - Persistent reservations: registering is refused on the head and on a
#   path; reading keys through the head gives what a path gives.
# - A transport error (DID_TRANSPORT_FAILFAST) on the optimized path fails
#   over under fio --verify; a medium error is returned, on one path only.
# - The optimized path becoming standby moves I/O away, and back.
# - A capacity change of the logical unit reaches the head.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

setup_head
P0=$(path_of_host 0) P1=$(path_of_host 1) P2=$(path_of_host 2)
require optimized_path wait_state "$P0" active/optimized
echo "optimized $P0, non-optimized $P1, standby $P2"

# stat_field N: field N of the head's stat (1 reads, 3 read sectors,
# 5 writes, 7 write sectors, 9 in flight).
stat_field() {
	awk -v f="$1" '{ print $f }' "/sys/block/$HEAD/stat"
}

# 1. I/O statistics: 1024 writes then 1024 reads of 4 KiB through the head.
check head_iostats_on test "$(cat "/sys/block/$HEAD/queue/iostats")" = 1
R0=$(stat_field 1) RS0=$(stat_field 3) W0=$(stat_field 5) WS0=$(stat_field 7)
check fio_write_through_head fio --name=w --filename="/dev/$HEAD" --rw=write \
	--bs=4k --size=4m --direct=1 --ioengine=libaio --iodepth=8 \
	--eta=never --output=/tmp/w.log
check fio_read_through_head fio --name=r --filename="/dev/$HEAD" --rw=read \
	--bs=4k --size=4m --direct=1 --ioengine=libaio --iodepth=8 \
	--eta=never --output=/tmp/r.log
grep -E "issued rwts|ios=" /tmp/w.log /tmp/r.log
R=$(($(stat_field 1) - R0)) RS=$(($(stat_field 3) - RS0))
W=$(($(stat_field 5) - W0)) WS=$(($(stat_field 7) - WS0))
echo "head stat: $R reads ($RS sectors), $W writes ($WS sectors); fio: 1024 of each"
check head_stat_writes_counted test "$W" = 1024
check head_stat_write_sectors_counted test "$WS" = 8192
check head_stat_reads_counted sh -c "[ $R -ge 1024 ] && [ $R -le 1040 ]"
check head_stat_read_sectors_counted sh -c "[ $RS -ge 8192 ] && [ $RS -le 8320 ]"
check head_inflight_0_at_rest test "$(awk '{ print $1 + $2 }' "/sys/block/$HEAD/inflight")" = 0
check head_stat_inflight_0_at_rest test "$(stat_field 9)" = 0

# in_flight under I/O: scsi_debug holds each command 20 jiffies.
echo 20 >"$SDEBUG/delay"
fio --name=inflight --filename="/dev/$HEAD" --rw=randread --bs=4k --size=8m \
	--direct=1 --ioengine=libaio --iodepth=16 --time_based --runtime=5 \
	--eta=never --output=/tmp/inflight.log &
pid=$!
max=0
while running "$pid"; do
	v=$(stat_field 9)
	[ "$v" -gt "$max" ] && max=$v
	sleep 0.1
done
wait $pid
echo 1 >"$SDEBUG/delay"
echo "head in_flight under fio at iodepth 16: up to $max"
check head_inflight_counts_under_io test "$max" -gt 0
check head_inflight_back_to_0 test "$(stat_field 9)" = 0

# An I/O that fails over is counted once: 512 writes, the optimized path
# (one command at a time, 4 jiffies each) set offline under them, so that
# what waits in its queue is rejected and fails over.
check scsi_debug_delay sh -c "echo 4 >$SDEBUG/delay"
echo 1 >"/sys/block/$P0/device/queue_depth"
rejected_io() {
	dmesg | grep -c 'rejecting I/O'
}
REJ=$(rejected_io)
W0=$(stat_field 5)
snap
fio --name=fo --filename="/dev/$HEAD" --rw=randwrite --bs=4k --size=2m \
	--direct=1 --ioengine=libaio --iodepth=8 --eta=never --output=/tmp/fo.log &
pid=$!
wait_ios "$P0" 16
check failover_offline_path0 sh -c "echo offline >/sys/block/$P0/device/state"
check failover_fio_no_error wait "$pid"
grep -E "issued rwts|err=" /tmp/fo.log
W=$(($(stat_field 5) - W0))
echo "failover: $W writes on the head, $(delta "$P0") on $P0 and $(delta "$P1") on $P1 (the paths count each try), rejected $(($(rejected_io) - REJ)) time(s)"
check failover_happened test "$(rejected_io)" -gt "$REJ"
check failover_io_on_other_path test "$(delta "$P1")" -gt 0
check failover_head_writes_counted_once test "$W" = 512
check failover_inflight_back_to_0 test "$(stat_field 9)" = 0
check failover_running_path0 sh -c "echo running >/sys/block/$P0/device/state"
echo 1 >"$SDEBUG/delay"
check failover_optimized_again wait_state "$P0" active/optimized

# 2. nowait: the head takes RWF_NOWAIT I/O, as its paths do.
check path_nowait_read mpath_ioctl "/dev/$P0" nowait-read OK
check head_nowait_read mpath_ioctl "/dev/$HEAD" nowait-read OK

# 3. Persistent reservations: PR OUT refused on the head and on a path;
# PR IN through the head gives what the path gives.
check pr_register_refused_on_head mpath_ioctl "/dev/$HEAD" pr-register EOPNOTSUPP
check pr_register_refused_on_path mpath_ioctl "/dev/$P0" pr-register EOPNOTSUPP
mpath_ioctl "/dev/$HEAD" pr-read-keys OK >/tmp/pr_head
mpath_ioctl "/dev/$P0" pr-read-keys OK >/tmp/pr_path
cat /tmp/pr_head /tmp/pr_path
check pr_read_keys_head_as_path test "$(cut -d: -f2 /tmp/pr_head)" = "$(cut -d: -f2 /tmp/pr_path)"

# 4. A transport error fails over: every WRITE(10) and READ(10) on the
# optimized path ends with DID_TRANSPORT_FAILFAST (BLK_STS_TRANSPORT)
# for 3 s under fio --verify.
[ -d /sys/kernel/debug/scsi_debug ] || mount -t debugfs debugfs /sys/kernel/debug
ERR=/sys/kernel/debug/scsi_debug/$(hctl_of "$P0")/error
require error_injection test -w "$ERR"
fio_start xport "$HEAD"
require xport_fio_under_way wait_ios "$P0" 32
snap
check inject_transport_error_writes sh -c "echo '2 1 0x2a 0x0f 0 0 0 0 0' >$ERR"
check inject_transport_error_reads sh -c "echo '2 1 0x28 0x0f 0 0 0 0 0' >$ERR"
sleep 3
cat "$ERR"
check remove_injected_write_error sh -c "echo '- 2 0x2a' >$ERR"
check remove_injected_read_error sh -c "echo '- 2 0x28' >$ERR"
echo "transport errors on $P0: $(delta "$P0") I/Os on it (failed), $(delta "$P1") on $P1"
check transport_error_failed_over_to_other_path test "$(delta "$P1")" -gt 10
check xport_fio_still_running running "$FIO_PID"
fio_stop xport
fio_checks xport

# 5. A medium error (scsi_debug opts=2: reads of sectors 4660-4669) is
# returned to the reader, sent to the optimized path only, and each read
# of the head is counted once there (as many reads as the path carried).
echo 2 >"$SDEBUG/opts"
snap
R0=$(stat_field 1)
check medium_error_eio sh -c "! dd if=/dev/$HEAD of=/dev/null bs=512 skip=4660 \
	count=1 iflag=direct 2>/tmp/medium.err"
cat /tmp/medium.err
echo "medium error: $P0 $(delta "$P0"), $P1 $(delta "$P1"), $P2 $(delta "$P2") I/Os," \
	"$(($(stat_field 1) - R0)) read(s) on the head"
check medium_error_sent_to_one_path test "$(delta "$P0")" -ge 1
check medium_error_not_retried_on_other_paths \
	sh -c "[ $(delta "$P1") = 0 ] && [ $(delta "$P2") = 0 ]"
check medium_error_counted_once_on_head \
	test "$(($(stat_field 1) - R0))" = "$(delta "$P0")"
echo 0 >"$SDEBUG/opts"

# 6. The array's port groups change state (alua_shift 2: host 0 standby,
# 1 active/optimized, 2 active/non-optimized): once the paths learn it
# (the unit attention comes with their next command), I/O leaves the path
# that became standby for the one that became optimized, and comes back
# when the states return (alua_shift 0).
# kick: a REPORT TARGET PORT GROUPS on every path, as a path checker
# sends: each path sees the unit attention and learns its new state.
kick() {
	for p in $P0 $P1 $P2; do
		sg_rtpg "/dev/$p" >/dev/null 2>&1
	done
	true
}
check alua_shift_2 sh -c "echo 2 >$SDEBUG/alua_shift"
kick
check path0_standby wait_state "$P0" standby
check path1_optimized wait_state "$P1" active/optimized
snap
check standby_head_io head_io "$HEAD"
echo "shifted: $P0 $(delta "$P0"), $P1 $(delta "$P1"), $P2 $(delta "$P2") I/Os"
check standby_path_unused test "$(delta "$P0")" = 0
check io_moved_to_new_optimized test "$(delta "$P1")" -ge 64
check alua_shift_0 sh -c "echo 0 >$SDEBUG/alua_shift"
kick
check path0_optimized_again wait_state "$P0" active/optimized
check path1_non_optimized_again wait_state "$P1" active/non-optimized
snap
check back_head_io head_io "$HEAD"
echo "back: $P0 $(delta "$P0"), $P1 $(delta "$P1"), $P2 $(delta "$P2") I/Os"
check io_back_on_path0 test "$(delta "$P0")" -ge 64
check former_optimized_unused test "$(delta "$P1")" = 0

# 7. A capacity change of the logical unit (scsi_debug virtual_gb) reaches
# the head when its paths are rescanned, and so does the change back.
SIZE0=$(cat "/sys/block/$HEAD/size")
rescan_all() {
	for p in $P0 $P1 $P2; do
		echo 1 >"/sys/block/$p/device/rescan"
	done
}
check virtual_gb_1 sh -c "echo 1 >$SDEBUG/virtual_gb"
rescan_all
echo "capacity: path $(cat "/sys/block/$P0/size"), head $(cat "/sys/block/$HEAD/size") sectors (was $SIZE0)"
check path_capacity_1g test "$(cat "/sys/block/$P0/size")" = 2097152
check head_capacity_follows test "$(cat "/sys/block/$HEAD/size")" = 2097152
check virtual_gb_0 sh -c "echo 0 >$SDEBUG/virtual_gb"
rescan_all
check head_capacity_back test "$(cat "/sys/block/$HEAD/size")" = "$SIZE0"
check head_io_after_capacity_change head_io "$HEAD"

check no_multipath_leak no_mpath_leak
