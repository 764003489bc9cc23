# SPDX-License-Identifier: GPL-2.0
#
# dm-multipath with multipathd in the guest (dm_lib.sh; the image of
# initramfs.sh INITRAMFS_DM=1), on scsi_debug's one logical unit through
# two hosts (kernel command line: scsi_debug.add_host=2
# scsi_debug.vpd_use_hostno=0): ALUA active/optimized through host 0,
# active/non-optimized through host 1.  multipathd makes one map of the two
# paths in two priority groups (the built-in defaults for a device the
# hardware table does not know: failover grouping, failback manual, and
# the sysfs prioritizer detect_prio picks, which reads scsi_dh_alua's
# access_state).  fio writes and verifies
# through the map while the path in use goes offline, I/O goes on through
# the other one without an error, and multipathd reinstates the path
# within a polling interval (5 s) and a few seconds once it runs again.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh
. /scenarios/dm_lib.sh

wait_for /sys/block/sdb
P0=$(path_of_host 0) P1=$(path_of_host 1)
require two_scsi_paths sh -c "[ -n '$P0' ] && [ -n '$P1' ]"
require p0_optimized wait_state "$P0" active/optimized
require p1_non_optimized wait_state "$P1" active/non-optimized

require dm_start dm_start
echo "maps (LUN WWID DM): $(dm_maps)"
require one_map test "$(dm_maps | wc -l)" = 1
HEAD=$(mp_head 0)
require head_block_device test -b "/dev/$HEAD"
echo "map $(dm_name "$HEAD") is $HEAD; optimized $P0, non-optimized $P1"
dm_show "$HEAD"
# udevd relayed the uevent of the new map (multipathd waits for it before
# it refreshes priorities or fails back).
relayed() {
	grep -q "$HEAD: add map (uevent)" "$DM_LOG"
}
for _ in $(seq 50); do
	relayed && break
	sleep 0.1
done
check map_uevent_relayed relayed

check map_two_paths test "$(ls "/sys/block/$HEAD/slaves" | tr '\n' ' ')" = \
	"$(printf '%s\n' "$P0" "$P1" | sort | tr '\n' ' ')"
check map_two_groups test "$(dm_groups "$HEAD")" = 2
check map_alua_handler sh -c "dmsetup table $(dm_name "$HEAD") | grep -q ' 1 alua '"
# path_is SD DM_STATE CHECKER_STATE: multipathd sees the path so.
path_is() {
	case $(dm_path_state "$1") in "$2 $3 "*) return 0 ;; esac
	return 1
}
S0=$(dm_path_state "$P0") S1=$(dm_path_state "$P1")
echo "$P0: $S0; $P1: $S1"
check p0_active_ready path_is "$P0" active ready
check p1_active_ready path_is "$P1" active ready
check optimized_prio_higher test "${S0##* }" -gt "${S1##* }"
mp_path_states >/tmp/states
check mp_path_states_optimized grep -qx "$P0 optimized" /tmp/states
check mp_path_states_non_optimized grep -qx "$P1 non-optimized" /tmp/states

# fio writes and verifies through the map: on the optimized path only.
fio_start smoke "$HEAD"
require fio_io_under_way wait_ios "$HEAD" 32
window 2 "$P0" "$P1"
echo "EVENT start: $P0 $(d "$P0"), $P1 $(d "$P1") I/Os in 2 s"
check start_optimized_used test "$(d "$P0")" -gt 10
check start_non_optimized_unused test "$(d "$P1")" = 0

# The path in use offline: the kernel fails it, I/O goes on through the
# other one, multipathd's checker finds it faulty.
check offline_p0 sh -c "echo offline >/sys/block/$P0/device/state"
sleep 1
window 2 "$P0" "$P1"
echo "EVENT $P0 offline: $P0 $(d "$P0"), $P1 $(d "$P1") I/Os in 2 s"
check offline_path_unused test "$(d "$P0")" = 0
check io_moves_to_p1 test "$(d "$P1")" -gt 10
check offline_path_failed_in_dm test "$(dm_kstate "$HEAD" "$P0")" = F
for _ in $(seq 150); do
	path_is "$P0" failed faulty && break
	sleep 0.1
done
echo "$P0 offline: $(dm_path_state "$P0")"
check offline_path_faulty path_is "$P0" failed faulty
mp_path_states >/tmp/states
check mp_path_states_failed grep -qx "$P0 failed" /tmp/states
dm_path_states

# Running again: multipathd's checker finds it up and reinstates it.
uptime_cs() {
	awk '{ printf "%d", $1 * 100 }' /proc/uptime
}
check running_p0 sh -c "echo running >/sys/block/$P0/device/state"
t0=$(uptime_cs)
reinstated=
for _ in $(seq 300); do
	if [ "$(dm_kstate "$HEAD" "$P0")" = A ]; then
		reinstated=$(uptime_cs)
		break
	fi
	sleep 0.1
done
if [ -n "$reinstated" ]; then
	cs=$((reinstated - t0))
	echo "EVENT $P0 reinstated $((cs / 100)).$((cs % 100 / 10)) s after it ran again"
else
	echo "EVENT $P0 not reinstated in 30 s: $(dm_path_state "$P0")"
fi
check reinstated_within_10s sh -c "[ -n '$reinstated' ] && [ $((${reinstated:-0} - t0)) -le 1000 ]"
sleep 1
echo "$P0 running: $(dm_path_state "$P0")"
check reinstated_active_ready path_is "$P0" active ready
window 2 "$P0" "$P1"
echo "EVENT $P0 running: $P0 $(d "$P0"), $P1 $(d "$P1") I/Os in 2 s (failback manual)"
check io_goes_on test $(($(d "$P0") + $(d "$P1"))) -gt 10

fio_stop smoke
fio_checks smoke
dm_show "$HEAD"

check dm_stop dm_stop
echo "multipathd's log: $(wc -l <"$DM_LOG") lines, the last ones:"
tail -n 25 "$DM_LOG"
scenario_time
