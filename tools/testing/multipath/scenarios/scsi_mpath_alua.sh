# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath over scsi_debug: one logical unit through three
# hosts (kernel command line: scsi_mod.multipath=on scsi_debug.add_host=3
# scsi_debug.vpd_use_hostno=0).  scsi_debug reports the ALUA state of host
# N as N % 3: active/optimized, active/non-optimized, standby.  One head;
# each path's access_state as scsi_dh_alua learned it; every I/O policy
# uses only the optimized path; the head's sysfs.  Then every port group
# transitioning (I/O waits for the transition's end), unavailable and
# offline (I/O waits for no_path_timeout seconds, then fails; a read that
# waits completes when the states come back).
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

setup_head
check three_paths_linked test "$(paths_of "$HEAD" | wc -l)" = 3

for p in $(paths_of "$HEAD"); do
	h=$(host_of "$p")
	check "path_${p}_alua_handler" test "$(cat "/sys/block/$p/device/dh_state")" = alua
	check "path_${p}_access_state_$(expected_state "$h" | tr / _)" \
		wait_state "$p" "$(expected_state "$h")"
	check "path_${p}_wwid_is_head_wwid" \
		test "$(cat "/sys/block/$p/device/wwid")" = "$(cat "/sys/block/$HEAD/wwid")"
	check "path_${p}_queue_depth_reads_0" test "$(cat "/sys/block/$p/queue_depth")" = 0
	echo "path $p host $h $(hctl_of "$p"): $(access_state_of "$p")"
done
OPT=$(path_of_host 0) NON=$(path_of_host 1) STBY=$(path_of_host 2)
echo "optimized $OPT, non-optimized $NON, standby $STBY"

check head_capacity_is_path_capacity \
	test "$(cat "/sys/block/$HEAD/size")" = "$(cat "/sys/block/$OPT/size")"
check default_iopolicy_numa test "$(cat "/sys/block/$HEAD/iopolicy")" = numa

# only_optimized POLICY: with POLICY, I/O through the head goes to the
# optimized path only, and the data reads back.
only_optimized() {
	check "${1}_set" set_iopolicy "$HEAD" "$1"
	snap
	check "${1}_write_read_back" head_io "$HEAD"
	echo "$1: $OPT $(delta "$OPT"), $NON $(delta "$NON"), $STBY $(delta "$STBY") I/Os"
	check "${1}_uses_optimized" test "$(delta "$OPT")" -ge 64
	check "${1}_not_non_optimized" test "$(delta "$NON")" = 0
	check "${1}_not_standby" test "$(delta "$STBY")" = 0
}
only_optimized numa
check numa_nodes_of_optimized_path test -n "$(cat "/sys/block/$OPT/numa_nodes")"
check numa_nodes_of_standby_path_empty test -z "$(cat "/sys/block/$STBY/numa_nodes")"
only_optimized round-robin
only_optimized queue-depth

# queue_depth counts the host's multipath requests while they are in
# flight: scsi_debug holds each command 20 jiffies.
echo 20 >"$SDEBUG/delay"
fio --name=qd --filename="/dev/$HEAD" --rw=randread --bs=4k --size=8m --direct=1 \
	--ioengine=libaio --iodepth=16 --time_based --runtime=4 --eta=never \
	--output=/tmp/qd.log &
qd_pid=$!
max=0
for _ in $(seq 30); do
	v=$(cat "/sys/block/$OPT/queue_depth")
	[ "$v" -gt "$max" ] && max=$v
	sleep 0.1
done
wait $qd_pid
echo 1 >"$SDEBUG/delay"
grep -E "IOPS|err=" /tmp/qd.log | head -n 2
echo "queue_depth of $OPT under fio at iodepth 16: up to $max"
check queue_depth_counts_in_flight test "$max" -gt 0
check queue_depth_back_to_0 test "$(cat "/sys/block/$OPT/queue_depth")" = 0

# A fourth host: hosts 0 and 3 are active/optimized.  Round-robin and
# queue-depth spread I/O over both optimized paths, and only over them.
P3=$(add_host)
require fourth_path test -n "$P3"
check fourth_path_linked test -e "/sys/block/$HEAD/multipath/$P3"
check fourth_path_optimized wait_state "$P3" active/optimized
two_optimized() {
	check "${1}_two_optimized_set" set_iopolicy "$HEAD" "$1"
	snap
	check "${1}_two_optimized_io" head_io "$HEAD"
	echo "$1: $OPT $(delta "$OPT"), $P3 $(delta "$P3"), $NON $(delta "$NON"), $STBY $(delta "$STBY") I/Os"
	check "${1}_uses_both_optimized" sh -c "[ $(delta "$OPT") -ge 8 ] && [ $(delta "$P3") -ge 8 ]"
	check "${1}_two_optimized_not_others" sh -c "[ $(delta "$NON") = 0 ] && [ $(delta "$STBY") = 0 ]"
}
two_optimized round-robin
echo 20 >"$SDEBUG/delay" # queue-depth only spreads what is in flight together
check queue-depth_two_optimized_set set_iopolicy "$HEAD" queue-depth
snap
fio --name=qd2 --filename="/dev/$HEAD" --rw=randread --bs=4k --size=8m --direct=1 \
	--ioengine=libaio --iodepth=16 --time_based --runtime=4 --eta=never \
	--output=/tmp/qd2.log
echo 1 >"$SDEBUG/delay"
echo "queue-depth under fio: $OPT $(delta "$OPT"), $P3 $(delta "$P3"), $NON $(delta "$NON"), $STBY $(delta "$STBY") I/Os"
check queue-depth_uses_both_optimized sh -c "[ $(delta "$OPT") -ge 8 ] && [ $(delta "$P3") -ge 8 ]"
check queue-depth_two_optimized_not_others sh -c "[ $(delta "$NON") = 0 ] && [ $(delta "$STBY") = 0 ]"

# The array changes its port groups' states (scsi_debug alua_shift=1: host
# N reports (N + 1) % 3) and says so with a unit attention on every I_T
# nexus; each path sees it on its next command (here a REPORT TARGET PORT
# GROUPS from sg_rtpg, as a path checker sends), scsi_dh_alua reads the
# new states, and the paths follow: host 2 optimized, hosts 0 and 3
# non-optimized, host 1 standby.
check alua_shift_store sh -c "echo 1 >$SDEBUG/alua_shift"
for p in $(paths_of "$HEAD"); do
	sg_rtpg "/dev/$p" >/dev/null 2>&1
	sg_rtpg "/dev/$p" >/dev/null 2>&1
done
for p in $(paths_of "$HEAD"); do
	check "after_change_${p}_$(expected_state "$(host_of "$p")" | tr / _)" \
		wait_state "$p" "$(expected_state "$(host_of "$p")")"
done
for pol in numa round-robin queue-depth latency; do
	set_iopolicy "$HEAD" "$pol"
	snap
	check "after_change_${pol}_io" head_io "$HEAD"
	echo "after the change, $pol: $OPT $(delta "$OPT"), $NON $(delta "$NON"), $STBY $(delta "$STBY"), $P3 $(delta "$P3") I/Os"
	check "after_change_${pol}_uses_new_optimized" test "$(delta "$STBY")" -ge 64
	check "after_change_${pol}_not_others" sh -c \
		"[ $(delta "$OPT") = 0 ] && [ $(delta "$NON") = 0 ] && [ $(delta "$P3") = 0 ]"
done
check alua_shift_back sh -c "echo 0 >$SDEBUG/alua_shift"
for p in $(paths_of "$HEAD"); do
	sg_rtpg "/dev/$p" >/dev/null 2>&1
	sg_rtpg "/dev/$p" >/dev/null 2>&1
done
check states_back_optimized wait_state "$OPT" active/optimized
check states_back_standby wait_state "$STBY" standby

# Transitioning, unavailable and offline (scsi_debug alua_state puts every
# port group in one state).  While every path is transitioning, a read of
# the head waits: scsi_dh_alua polls the port groups every 2 s, and when
# the transition ends the read completes with the data written before it.
# While every path is unavailable or offline, a read waits for the head's
# no_path_timeout (3 s here) and then fails (EIO); with the default (60 s),
# a read that waits completes once the states are back.  I/O works again
# once the states are back.

# all_paths_in STATE NAME: every port group goes to ALUA state STATE and
# every path's access_state reads NAME.
all_paths_in() {
	echo "$1" >"$SDEBUG/alua_state" || return 1
	for p in $(paths_of "$HEAD"); do
		sg_rtpg "/dev/$p" >/dev/null 2>&1
		sg_rtpg "/dev/$p" >/dev/null 2>&1
	done
	for p in $(paths_of "$HEAD"); do
		wait_state "$p" "$2" || return 1
	done
}

# states_back: alua_state -1, and every path back in alua_shift's state.
states_back() {
	echo -1 >"$SDEBUG/alua_state" || return 1
	for p in $(paths_of "$HEAD"); do
		sg_rtpg "/dev/$p" >/dev/null 2>&1
		sg_rtpg "/dev/$p" >/dev/null 2>&1
	done
	for p in $(paths_of "$HEAD"); do
		wait_state "$p" "$(expected_state "$(host_of "$p")")" || return 1
	done
}

# read_waits_then_fails: with no_path_timeout 3, a read of the head still
# waits after 1.5 s and ends with EIO within 10 s.
read_waits_then_fails() {
	echo 3 >"/sys/block/$HEAD/no_path_timeout" || return 1
	dd if="/dev/$HEAD" of=/dev/null bs=4k count=1 iflag=direct 2>/tmp/eio.err &
	pid=$!
	sleep 1.5
	running $pid || {
		echo "the read ended before the timeout"
		return 1
	}
	finished $pid 10 || {
		echo "the read still waits 10 s after the timeout"
		return 1
	}
	! wait $pid && grep -q "Input/output error" /tmp/eio.err
}

# read_waits_for_states_back: with the default no_path_timeout, a read
# issued while every path is out waits and completes once the states are
# back, with the data written before.
read_waits_for_states_back() {
	echo 60 >"/sys/block/$HEAD/no_path_timeout" || return 1
	dd if="/dev/$HEAD" of=/tmp/during bs=64k skip=64 count=4 iflag=direct &
	pid=$!
	sleep 2
	running $pid || {
		echo "the read did not wait"
		return 1
	}
	states_back || return 1
	finished $pid 30 && wait $pid && cmp -s /tmp/pattern /tmp/during
}

dd if=/dev/urandom of=/tmp/pattern bs=64k count=4 2>/dev/null
check pattern_written dd if=/tmp/pattern of="/dev/$HEAD" bs=64k seek=64 \
	count=4 oflag=direct
check all_paths_transitioning all_paths_in 15 transitioning
dd if="/dev/$HEAD" of=/tmp/during bs=64k skip=64 count=4 iflag=direct &
RD=$!
sleep 4
check read_waits_while_transitioning running "$RD"
check transition_ends states_back
check read_completes_after_transition finished "$RD" 30
check read_after_transition_ok wait "$RD"
check read_after_transition_data cmp -s /tmp/pattern /tmp/during
for st in 3:unavailable 14:offline; do
	sname=${st#*:}
	check "all_paths_${sname}" all_paths_in "${st%%:*}" "$sname"
	check "read_waits_then_fails_${sname}" read_waits_then_fails
	check "back_from_${sname}" states_back
	check "io_after_${sname}" head_io "$HEAD"
	check "pattern_again_${sname}" dd if=/tmp/pattern of="/dev/$HEAD" \
		bs=64k seek=64 count=4 oflag=direct
	check "all_paths_${sname}_again" all_paths_in "${st%%:*}" "$sname"
	check "read_waits_for_states_back_${sname}" read_waits_for_states_back
done

# A path deleted while every path is unavailable and the path checker
# probes them (every second here): the probe lets it go cleanly (KASAN,
# lockdep and kmemleak watch), the read that waits completes through the
# paths left once the states are back, and the path rescanned is a path
# again.
echo 1 >"/sys/block/$HEAD/path_check_interval"
NPATHS=$(paths_of "$HEAD" | wc -l)
check all_paths_unavailable_probed all_paths_in 3 unavailable
dd if="/dev/$HEAD" of=/tmp/during bs=64k skip=64 count=4 iflag=direct &
RD=$!
c0=$(cat "/sys/block/$STBY/device/iorequest_cnt")
sleep 2.5
c1=$(cat "/sys/block/$STBY/device/iorequest_cnt")
echo "path checker: $((c1 - c0)) command(s) to $STBY in 2.5 s"
check checker_probes_unusable_path test $((c1)) -gt $((c0))
check delete_probed_path sh -c "echo 1 >/sys/block/$STBY/device/delete"
check deleted_path_gone wait_gone "/sys/block/$STBY"
sleep 2
check read_waits_after_delete running "$RD"
check states_back_after_delete states_back
check read_completes_after_delete finished "$RD" 30
check read_after_delete_ok wait "$RD"
check read_after_delete_data cmp -s /tmp/pattern /tmp/during
echo "- - -" >/sys/class/scsi_host/host2/scan
wait_paths() {
	for _ in $(seq 100); do
		[ "$(paths_of "$HEAD" | wc -l)" = "$NPATHS" ] && return 0
		sleep 0.1
	done
	return 1
}
check deleted_path_back wait_paths
STBY=$(path_of_host 2)
check rescanned_path_standby wait_state "$STBY" standby
echo 5 >"/sys/block/$HEAD/path_check_interval"
check io_after_delete head_io "$HEAD"

# Bad input to the new stores: rejected, nothing changed.
# bad FILE VALUE [INPUT...]: every INPUT (default: a set of non-policy
# names) is refused and FILE still reads VALUE.
bad() {
	f=$1 want=$2
	shift 2
	[ $# -gt 0 ] || set -- "" foo "round-robin-x" numa1 "queue depth" 0 -1
	for v in "$@"; do
		echo "$v" >"$f" 2>/dev/null && {
			echo "$f took '$v'"
			return 1
		}
	done
	test "$(cat "$f")" = "$want"
}
set_iopolicy "$HEAD" round-robin
check iopolicy_rejects_bad_input bad "/sys/block/$HEAD/iopolicy" round-robin
check iopolicy_takes_newline sh -c "echo numa >/sys/block/$HEAD/iopolicy"
check iopolicy_numa_again test "$(cat "/sys/block/$HEAD/iopolicy")" = numa
check multipath_param_reads_on test "$(cat /sys/module/scsi_mod/parameters/multipath)" = on
check multipath_param_rejects_bad_input bad /sys/module/scsi_mod/parameters/multipath on
check wwid_read_only sh -c "! echo x >/sys/block/$HEAD/wwid 2>/dev/null"
# The checker's interval and the wait for a path: seconds from 0 to 86400.
SECS_BAD="-1 x 1x 86401 4294967296 99999999999999999999 0x10"
for attr in path_check_interval no_path_timeout; do
	# shellcheck disable=SC2086 # a list on purpose
	check "${attr}_rejects_bad_input" bad "/sys/block/$HEAD/$attr" \
		"$(cat "/sys/block/$HEAD/$attr")" "" $SECS_BAD
	check "${attr}_takes_0" sh -c "echo 0 >/sys/block/$HEAD/$attr"
	check "${attr}_reads_0" test "$(cat "/sys/block/$HEAD/$attr")" = 0
	check "${attr}_takes_86400" sh -c "echo 86400 >/sys/block/$HEAD/$attr"
	check "${attr}_reads_86400" test "$(cat "/sys/block/$HEAD/$attr")" = 86400
done
echo 5 >"/sys/block/$HEAD/path_check_interval"
echo 60 >"/sys/block/$HEAD/no_path_timeout"
for param in multipath_check_interval multipath_no_path_timeout; do
	P=/sys/module/scsi_mod/parameters/$param
	# shellcheck disable=SC2086 # a list on purpose
	check "${param}_param_rejects_bad_input" bad "$P" "$(cat "$P")" "" $SECS_BAD
done
check check_interval_param_default test "$(cat /sys/module/scsi_mod/parameters/multipath_check_interval)" = 5
check no_path_timeout_param_default test "$(cat /sys/module/scsi_mod/parameters/multipath_no_path_timeout)" = 60
check scsi_debug_alua_shift_rejects_bad_input bad "$SDEBUG/alua_shift" 0 3 -1 x ""
check scsi_debug_alua_state_rejects_bad_input bad "$SDEBUG/alua_state" -1 \
	-2 4 13 16 x ""
check scsi_debug_no_tpgs_rejects_bad_input bad "$SDEBUG/no_tpgs" 0 x 2 ""
check queue_depth_read_only sh -c "! echo 1 >/sys/block/$OPT/queue_depth 2>/dev/null"

# The path disks stay what they were: I/O straight to a path works.
check path_disk_direct_io sh -c \
	"dd if=/dev/$NON of=/dev/null bs=64k count=16 iflag=direct 2>/dev/null"
