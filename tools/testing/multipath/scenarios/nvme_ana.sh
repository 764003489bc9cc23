# SPDX-License-Identifier: GPL-2.0
#
# ANA transitions under load: fio writes and verifies through the head of
# two loop paths (round-robin) while the target moves port 1 through
# non-optimized, inaccessible and change and back, then takes port 2 and
# finally both ports out for a moment.  I/O has to move to the usable
# path each time, and fio must end with no error and all data verified.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
require rr_set set_iopolicy round-robin
echo "head $HEAD, paths $P1 (port 1) $P2 (port 2)"

wait_both() {
	wait_ana 1 "$1" && wait_ana 2 "$2"
}

# phase NAME STATE1 STATE2 USE1 USE2: set both ports' states, wait for
# the host to see them, then check over 2 s which paths carry I/O (USEn:
# 1 must carry some, 0 must carry none).
phase() {
	local n=$1
	set_ana 1 "$2" && set_ana 2 "$3"
	check "${n}_host_sees_states" wait_both "$2" "$3"
	window 2
	echo "EVENT $n: port 1 $2, port 2 $3: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	if [ "$4" = 1 ]; then
		check "${n}_path1_used" test "$D1" -gt 10
	else
		check "${n}_path1_unused" test "$D1" -eq 0
	fi
	if [ "$5" = 1 ]; then
		check "${n}_path2_used" test "$D2" -gt 10
	else
		check "${n}_path2_unused" test "$D2" -eq 0
	fi
}

fio_start ana
require fio_io_under_way fio_running
phase both_optimized optimized optimized 1 1
phase p1_non_optimized non-optimized optimized 0 1
phase p1_inaccessible inaccessible optimized 0 1
phase p1_change change optimized 0 1
phase p1_optimized_again optimized optimized 1 1
phase p2_inaccessible optimized inaccessible 1 0
phase p2_non_optimized_p1_inaccessible inaccessible non-optimized 0 1

# No usable path for 3 s: I/O waits (queued, the controllers are live)
# and resumes when port 1 comes back.
rq=$(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count")
set_ana 1 inaccessible && set_ana 2 inaccessible
check none_usable_host_sees_states wait_both inaccessible inaccessible
window 3
echo "EVENT both inaccessible: $P1 $D1 I/Os, $P2 $D2 I/Os in 3 s"
check none_usable_no_io test $((D1 + D2)) -eq 0
rq=$(($(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count") - rq))
echo "head $HEAD requeued $rq bios for want of a usable path"
check none_usable_bios_requeued test "$rq" -gt 0
phase back_to_both_optimized optimized optimized 1 1

fio_stop ana
echo "failovers (I/O retried on another path): $P1 $(cat "/sys/block/$P1/diag/multipath_failover_count")," \
	"$P2 $(cat "/sys/block/$P2/diag/multipath_failover_count")"
fio_checks ana
scenario_time
