# SPDX-License-Identifier: GPL-2.0
#
# All paths of an NVMe head gone.  With delayed_removal_secs set, the head
# stays, a write waits, and completes (data intact) when a path returns
# within the delay; when none returns in time, the waiting write fails and
# the head goes.  Without it, I/O fails at once and the head goes.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
echo "head $HEAD, paths $P1 (port 1) $P2 (port 2)"

disconnect_all() {
	nvme disconnect -n "$NQN" >/dev/null && ! ls -d /sys/block/nvme*c*n1 >/dev/null 2>&1
}

# new_head: after a head went away, connect port 1 again and find the new
# head.
new_head() {
	connect_port 1 && wait_head
}

dd if=/dev/urandom of=/tmp/data bs=64k count=16 2>/dev/null

# The references to nvme_core (a module here): a pending removal holds one
# more, and both outcomes give it back.  Compared at the end between states
# with the same number of controllers.
refs() {
	cat /sys/module/nvme_core/refcnt
}
check nvme_core_is_a_module test -e /sys/module/nvme_core/refcnt

# 1. Delayed removal, a path returns in time.
echo 10 >"/sys/block/$HEAD/delayed_removal_secs"
check delayed_removal_set test "$(cat "/sys/block/$HEAD/delayed_removal_secs")" = 10
check all_paths_disconnected disconnect_all
sleep 1
check head_stays_without_paths test -b "/dev/$HEAD"
# Before any opener: an open head disk pins nvme_core too.
pending1=$(refs)
rq=$(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count")
dd if=/tmp/data of="/dev/$HEAD" bs=64k oflag=direct 2>/tmp/dd1.err &
dd_pid=$!
sleep 2
check write_waits_for_a_path running "$dd_pid"
check waiting_write_counted_as_requeued test "$(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count")" -gt "$rq"
echo "EVENT no path for 3 s, the write is waiting; reconnecting port 2"
check path_returns_within_delay connect_port 2
check write_completes finished "$dd_pid" 20
wait "$dd_pid"
check write_succeeded test $? -eq 0
check same_head_after_return test -b "/dev/$HEAD"
returned1=$(refs)
P2=$(path_of_port 2)
check head_has_returned_path test -e "/sys/block/$HEAD/multipath/$P2"
check data_read_back_through_head sh -c "dd if=/dev/$HEAD bs=64k count=16 iflag=direct 2>/dev/null | cmp -s - /tmp/data"
check data_on_namespace sh -c "dd if=$NULLDEV bs=64k count=16 iflag=direct 2>/dev/null | cmp -s - /tmp/data"

# 2. Delayed removal, no path returns in time: the queued write fails when
# the delay ends, and the head goes.
echo 3 >"/sys/block/$HEAD/delayed_removal_secs"
old=$HEAD
check all_paths_disconnected_again disconnect_all
pending2=$(refs)
dd if=/tmp/data of="/dev/$HEAD" bs=64k oflag=direct 2>/tmp/dd2.err &
dd_pid=$!
sleep 1
check write_waits_during_delay running "$dd_pid"
check write_ends_after_delay finished "$dd_pid" 15
wait "$dd_pid"
rc=$?
echo "EVENT delay expired: dd exit status $rc: $(tr "\n" " " </tmp/dd2.err)"
check write_failed_after_delay test "$rc" -ne 0
check head_removed_after_delay wait_gone "/sys/block/$old"
expired2=$(refs)

# 3. No delayed removal: I/O in progress fails at once, the head goes.
require new_head_after_removal new_head
check delayed_removal_default_0 test "$(cat "/sys/block/$HEAD/delayed_removal_secs")" = 0
one_ctrl=$(refs)
dd if=/dev/zero of="/dev/$HEAD" bs=4k count=100000 oflag=direct 2>/tmp/dd3.err &
dd_pid=$!
sleep 1
check writer_running running "$dd_pid"
old=$HEAD
check last_path_disconnected disconnect_all
check writer_ends_without_hang finished "$dd_pid" 10
wait "$dd_pid"
rc=$?
echo "EVENT no delay: dd exit status $rc: $(tr "\n" " " </tmp/dd3.err)"
check writer_got_an_error test "$rc" -ne 0
check head_removed_at_once wait_gone "/sys/block/$old"
none=$(refs)
echo "nvme_core refcnt: no controller $none, one $one_ctrl; pending removal $pending1 and $pending2; path returned $returned1; removal expired $expired2"
check pending_removal_pins_nvme_core test "$pending1" -eq $((none + 1))
check returned_path_unpins_nvme_core test "$returned1" -eq "$one_ctrl"
check second_pending_removal_pins_nvme_core test "$pending2" -eq $((none + 1))
check expired_removal_unpins_nvme_core test "$expired2" -eq "$none"
scenario_time
