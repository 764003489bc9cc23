# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath: an I/O error of a path that is still running and
# active (DID_NO_CONNECT, which the midlayer completes as BLK_STS_IOERR)
# fails that path and retries the bio on another one, at most once per
# path (kernel command line: scsi_mod.multipath=on scsi_debug.add_host=3
# scsi_debug.vpd_use_hostno=0).  Paths: host 0 active/optimized, 1
# active/non-optimized, 2 standby.  A failed path is reinstated 2 s later.
#
# - DID_NO_CONNECT on every READ(10) and WRITE(10) of the optimized path
#   for 3 s under fio --verify: no fio error, the data verifies, the I/O
#   goes on on the non-optimized path; 256 writes through the head while
#   the path fails them are counted 256 times on the head.
# - Once the injection is removed, I/O is back on the optimized path.
# - DID_NO_CONNECT on every path: a read waits for the failed paths to be
#   reinstated (no_path_timeout), is tried on as many paths as the head
#   has (the usable ones, none twice in a row), gets EIO in bounded time
#   and is counted once on the head; with no_path_timeout 0, more reads
#   get EIO at once; once the injection is removed, I/O is back on the
#   optimized path.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

setup_head
P0=$(path_of_host 0) P1=$(path_of_host 1) P2=$(path_of_host 2)
require optimized_path wait_state "$P0" active/optimized
require non_optimized_path wait_state "$P1" active/non-optimized
echo "optimized $P0, non-optimized $P1, standby $P2"

# stat_field N: field N of the head's stat (1 reads, 5 writes).
stat_field() {
	awk -v f="$1" '{ print $f }' "/sys/block/$HEAD/stat"
}

[ -d /sys/kernel/debug/scsi_debug ] || mount -t debugfs debugfs /sys/kernel/debug
err_file() {
	echo "/sys/kernel/debug/scsi_debug/$(hctl_of "$1")/error"
}
require error_injection test -w "$(err_file "$P0")"

# inject SD: every WRITE(10) and READ(10) on SD ends with DID_NO_CONNECT
# (host byte 0x01); uninject SD: no more.
inject() {
	echo '2 1 0x2a 0x01 0 0 0 0 0' >"$(err_file "$1")" &&
		echo '2 1 0x28 0x01 0 0 0 0 0' >"$(err_file "$1")"
}
uninject() {
	echo '- 2 0x2a' >"$(err_file "$1")" &&
		echo '- 2 0x28' >"$(err_file "$1")"
}
path_failures() {
	dmesg | grep -c 'multipath: path failed by an I/O error'
}

# counters SD: the path's failovers, errors and fails, as "F E N".
counters() {
	echo "$(diag "$1" multipath_failover_count) $(diag "$1" command_error_count)" \
		"$(diag "$1" path_fail_count)"
}

# 1. DID_NO_CONNECT on the optimized path under fio --verify.
fio_start noconn "$HEAD"
require noconn_fio_under_way wait_ios "$P0" 32
FAILS=$(path_failures)
set -- $(counters "$P0")
F0=$1 E0=$2 N0=$3
C1=$(counters "$P1")
snap
check inject_no_connect_path0 inject "$P0"
sleep 3
cat "$(err_file "$P0")"
check remove_no_connect_path0 uninject "$P0"
echo "DID_NO_CONNECT on $P0: $(delta "$P0") I/Os on it (failed), $(delta "$P1") on $P1, $(delta "$P2") on $P2; path failed $(($(path_failures) - FAILS)) time(s)"
check no_connect_failed_over_to_other_path test "$(delta "$P1")" -gt 10
check no_connect_not_on_standby test "$(delta "$P2")" = 0
check no_connect_path_failed test "$(path_failures)" -gt "$FAILS"
check noconn_fio_still_running running "$FIO_PID"
fio_stop noconn
fio_checks noconn

# The path's diag/ counters: each failover is an error of the path, and
# path_fail_count counts the failures the console reported.
set -- $(counters "$P0")
F=$(($1 - F0)) E=$(($2 - E0)) N=$(($3 - N0))
echo "diag of $P0: $F failovers, $E errors, failed $N time(s); $P1: $(counters "$P1") (was $C1)"
check diag_failovers_counted test "$F" -ge 1
check diag_errors_cover_failovers test "$E" -ge "$F"
check diag_fails_as_reported test "$N" = "$(($(path_failures) - FAILS))"
check diag_other_path_clean test "$(counters "$P1")" = "$C1"
check diag_counter_reset accepted "/sys/block/$P0/diag/multipath_failover_count" 0 0

# A write of 256 bios through the head, the optimized path failing them
# (once reinstated): each is counted once on the head.
sleep 3
check inject_no_connect_path0_again inject "$P0"
snap
W0=$(stat_field 5)
check write_under_no_connect dd if=/dev/urandom of="/dev/$HEAD" bs=4k \
	seek=4096 count=256 oflag=direct
W=$(($(stat_field 5) - W0))
check remove_no_connect_path0_again uninject "$P0"
echo "256 writes: $W on the head, $(delta "$P0") on $P0 (failed), $(delta "$P1") on $P1"
check no_connect_head_writes_counted_once test "$W" = 256
check no_connect_write_tried_on_path0 test "$(delta "$P0")" -ge 1
check no_connect_writes_done_on_path1 test "$(delta "$P1")" -ge 256

# 2. Reinstated: I/O back on the optimized path.
sleep 3
snap
check head_io_after_no_connect head_io "$HEAD"
echo "reinstated: $P0 $(delta "$P0"), $P1 $(delta "$P1") I/Os"
check io_back_on_path0 test "$(delta "$P0")" -ge 64
check nothing_on_path1 test "$(delta "$P1")" = 0

# 3. DID_NO_CONNECT on every path: a read is tried on the usable paths (0
# and 1), three tries in all (the head has three paths; the third waits
# for a failed path's reinstatement, 2 s), then fails; it is counted once
# on the head, and ends in bounded time.
for p in $P0 $P1 $P2; do
	check "inject_no_connect_$p" inject "$p"
done
snap
R0=$(stat_field 1)
dd if="/dev/$HEAD" of=/dev/null bs=4k count=1 skip=100 iflag=direct \
	2>/tmp/eio.err &
pid=$!
check all_paths_read_ends_in_10s finished "$pid" 10
wait "$pid"
rc=$?
cat /tmp/eio.err
R=$(($(stat_field 1) - R0))
echo "all paths failing: dd status $rc; tries $P0 $(delta "$P0"), $P1 $(delta "$P1"), $P2 $(delta "$P2"); head reads $R"
check all_paths_read_eio sh -c "[ $rc -ne 0 ] && grep -q -i 'error' /tmp/eio.err"
check all_paths_tried_three_times test "$(($(delta "$P0") + $(delta "$P1")))" = 3
check all_paths_tried_path0 test "$(delta "$P0")" -ge 1
check all_paths_tried_path1 test "$(delta "$P1")" -ge 1
check all_paths_standby_not_tried test "$(delta "$P2")" = 0
check all_paths_read_counted_once test "$R" = 1

# Ten more reads with no_path_timeout 0, for 10 s at most: each gets EIO
# (a path failed is not tried again before it is reinstated, and nothing
# waits for that).
check no_path_timeout_0 sh -c "echo 0 >/sys/block/$HEAD/no_path_timeout"
NOAVAIL=$(diag "$HEAD" io_fail_no_available_path_count)
start=$(date +%s)
eio=0
for i in $(seq 10); do
	dd if="/dev/$HEAD" of=/dev/null bs=4k count=1 skip=$((200 + i)) \
		iflag=direct 2>/dev/null || eio=$((eio + 1))
done
secs=$(($(date +%s) - start))
echo "all paths failing: $eio of 10 reads got EIO in $secs s; tries $P0 $(delta "$P0"), $P1 $(delta "$P1")"
check all_paths_ten_reads_eio test "$eio" = 10
check all_paths_ten_reads_bounded test "$secs" -le 10
NOAVAIL=$(($(diag "$HEAD" io_fail_no_available_path_count) - NOAVAIL))
echo "head $HEAD: $NOAVAIL bios failed with no path available," \
	"$(diag "$HEAD" io_requeue_no_usable_path_count) waited for one since boot"
check diag_head_counts_failed_bios test "$NOAVAIL" -ge 1
check diag_head_counts_waiting_bios test "$(diag "$HEAD" io_requeue_no_usable_path_count)" -ge 1
check no_path_timeout_back sh -c "echo 60 >/sys/block/$HEAD/no_path_timeout"
for p in $P0 $P1 $P2; do
	check "remove_no_connect_$p" uninject "$p"
done

# 4. The injection removed: once the paths are reinstated, I/O is back on
# the optimized path.
sleep 3
snap
check head_io_after_all_paths head_io "$HEAD"
echo "recovered: $P0 $(delta "$P0"), $P1 $(delta "$P1"), $P2 $(delta "$P2") I/Os"
check recovered_io_on_path0 test "$(delta "$P0")" -ge 64
check recovered_nothing_on_path1 test "$(delta "$P1")" = 0

# 5. Marginal (issue 29): with marginal_errors 2, the optimized path that
# fails I/O, is failed, reinstated 2 s later and fails again becomes
# marginal; reinstated, it still gets no I/O while the healthy
# non-optimized path is usable, until it has had no error for
# marginal_recovery_secs (10 s).
H=/sys/block/$HEAD
check marginal_errors_default_off test "$(cat "$H/marginal_errors")" = 0
check marginal_window_rejects_0 rejected "$H/marginal_window_secs" 0
check marginal_errors_rejects_junk rejected "$H/marginal_errors" abc
check marginal_errors_takes_2 accepted "$H/marginal_errors" 2 2
check marginal_recovery_takes_10 accepted "$H/marginal_recovery_secs" 10 10
check marginal_path_file_reads_0 test "$(cat "/sys/block/$P0/marginal")" = 0
# writes_for SECS: 4 KiB direct writes through the head for SECS seconds.
writes_for() {
	local end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		dd if=/dev/urandom of="/dev/$HEAD" bs=4k seek=8192 count=16 \
			oflag=direct 2>/dev/null || return 1
	done
}
check marginal_inject inject "$P0"
check marginal_writes_under_errors writes_for 5
check marginal_uninject uninject "$P0"
check marginal_path0_marginal test "$(cat "/sys/block/$P0/marginal")" = 1
check marginal_path0_counted test "$(diag "$P0" multipath_marginal_count)" -ge 1
sleep 3
snap
check marginal_head_io head_io "$HEAD"
echo "marginal, reinstated: $P0 $(delta "$P0"), $P1 $(delta "$P1") I/Os"
check marginal_path0_set_aside test "$(delta "$P0")" = 0
check marginal_path1_serves test "$(delta "$P1")" -ge 64
check marginal_path0_healthy_again wait_eq 15 0 cat "/sys/block/$P0/marginal"
snap
check marginal_head_io_after head_io "$HEAD"
echo "healthy again: $P0 $(delta "$P0"), $P1 $(delta "$P1") I/Os"
check marginal_recovered_io_on_path0 test "$(delta "$P0")" -ge 64
echo 0 >"$H/marginal_errors"

check no_multipath_leak no_mpath_leak
