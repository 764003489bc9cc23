# SPDX-License-Identifier: GPL-2.0
#
# A marginal path (two loop paths, round-robin): the host's fault_inject
# fails 1% of path 1's commands with a host path error (0x370, no DNR)
# under fio verify.
#   1. The head's marginal_errors, marginal_window_secs and
#      marginal_recovery_secs take good values and refuse bad ones.
#   2. With detection off (marginal_errors 0, the default) the errors
#      fail over and path 1 keeps carrying half the I/O.
#   3. With 5 errors in 10 s: path 1 becomes marginal (its "marginal"
#      file, diag/multipath_marginal_count) and carries next to nothing
#      while path 2 is usable.
#   4. The injections stop: after marginal_recovery_secs without an error
#      path 1 is healthy and carries I/O again.
#   5. A flapping path: path 1 fails every command for a second, then
#      none for a second, four times.  With detection off the I/O comes
#      back to it every time; with it on, path 1 is marginal after the
#      first flap and the I/O stays on path 2.
# fio sees no error and every block verifies.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

fault_paths

# 1. Settings.
for f in marginal_errors marginal_window_secs marginal_recovery_secs; do
	F=/sys/block/$HEAD/$f
	check "${f}_exists" test -f "$F"
	printf '%s\n' "$NUMBER_JUNK" | rejects_all "$f" "$F"
	rejects_sizes "$f" "$F"
done
check marginal_errors_default_off test "$(cat "/sys/block/$HEAD/marginal_errors")" = 0
check marginal_errors_rejects_above_max rejected "/sys/block/$HEAD/marginal_errors" 1000001
check marginal_window_rejects_0 rejected "/sys/block/$HEAD/marginal_window_secs" 0
check marginal_window_rejects_3601 rejected "/sys/block/$HEAD/marginal_window_secs" 3601
check marginal_recovery_rejects_0 rejected "/sys/block/$HEAD/marginal_recovery_secs" 0
check marginal_recovery_rejects_86401 rejected "/sys/block/$HEAD/marginal_recovery_secs" 86401
check marginal_window_takes_10 accepted "/sys/block/$HEAD/marginal_window_secs" '10\n' 10
check marginal_recovery_takes_5 accepted "/sys/block/$HEAD/marginal_recovery_secs" 5 5
check path_marginal_file_reads_0 test "$(cat "/sys/block/$P1/marginal")" = 0
check head_has_no_marginal_file test ! -e "/sys/block/$HEAD/marginal"
check path_has_no_marginal_errors_file test ! -e "/sys/block/$P1/marginal_errors"

# inject_1pct: 1% of path 1's commands fail with 0x370, until stopped.
inject_1pct() {
	echo 0 >"$FI1/verbose"
	echo 0x370 >"$FI1/status"
	echo N >"$FI1/dont_retry"
	echo 0xffff >"$FI1/opcode"
	echo 1 >"$FI1/probability"
	echo -1 >"$FI1/times"
}
inject_stop() {
	echo 0 >"$FI1/times"
	echo 0 >"$FI1/probability"
}

fio_start marginal
require fio_io_under_way fio_running

# 2. Detection off: errors fail over, path 1 keeps its share.
f0=$(diag "$P1" multipath_failover_count)
inject_1pct
window 4
echo "EVENT detection off, 1% errors: $P1 $D1 I/Os, $P2 $D2 I/Os in 4 s," \
	"$(($(diag "$P1" multipath_failover_count) - f0)) failovers"
check off_errors_fail_over test "$(diag "$P1" multipath_failover_count)" -gt "$f0"
check off_path1_keeps_its_share test $((D1 * 3)) -ge "$D2"
check off_path1_not_marginal test "$(cat "/sys/block/$P1/marginal")" = 0

# 3. Detection on: 5 errors in 10 s.
check marginal_errors_takes_5 accepted "/sys/block/$HEAD/marginal_errors" 5 5
check path1_becomes_marginal wait_eq 30 1 cat "/sys/block/$P1/marginal"
check path1_marginal_counted test "$(diag "$P1" multipath_marginal_count)" -ge 1
window 2
echo "EVENT marginal: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
check marginal_path1_carries_next_to_nothing test $((D1 * 20)) -le "$D2"
check marginal_path2_carries_the_io test "$D2" -gt 100

# 4. Clean again: taken back after 5 s without an error.
inject_stop
check path1_healthy_again wait_eq 20 0 cat "/sys/block/$P1/marginal"
window 2
echo "EVENT recovered: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
check recovered_path1_carries_io test $((D1 * 3)) -ge "$D2"

# 5. Flapping.
inject_all() {
	echo 100 >"$FI1/probability"
	echo -1 >"$FI1/times"
}

# flap ROUNDS: ROUNDS times, a second of every command of path 1
# failing and a second of none; UP counts the good seconds in which
# path 1 carried I/O.
flap() {
	UP=0
	for _ in $(seq "$1"); do
		inject_all
		sleep 1
		inject_stop
		window 1
		[ "$D1" -gt 0 ] && UP=$((UP + 1))
	done
	echo "EVENT flapping x$1, marginal_errors $(cat "/sys/block/$HEAD/marginal_errors"):" \
		"path 1 carried I/O in $UP of the $1 good seconds," \
		"marginal $(diag "$P1" multipath_marginal_count) times so far"
}
echo 0 >"/sys/block/$HEAD/marginal_errors"
flap 4
check flapping_off_bounces_back test "$UP" -ge 3
check marginal_recovery_takes_30 accepted "/sys/block/$HEAD/marginal_recovery_secs" 30 30
echo 5 >"/sys/block/$HEAD/marginal_errors"
flap 4
check flapping_on_stays_off_path1 test "$UP" -le 1
check flapping_path1_marginal test "$(cat "/sys/block/$P1/marginal")" = 1
fio_stop marginal
fio_checks marginal
echo 0 >"/sys/block/$HEAD/marginal_errors"
scenario_time
