# SPDX-License-Identifier: GPL-2.0
#
# NVMe status codes injected on one path (the host's debugfs
# fault_inject of the path disk), two loop paths:
#   1. path-related statuses (0x370 host path error, 0x371 aborted by the
#      host, 0x302 ANA inaccessible, 0x303 ANA transition), without DNR,
#      on every command of path 1 for a while under fio verify: each one
#      fails over to path 2, fio sees no error, path 1 carries I/O again
#      afterwards (ANA statuses: once the host re-read the log);
#   2. a media error (0x281, unrecovered read error) with DNR on a read:
#      returned to the reader at once, and not sent to the other path;
#   3. the same without DNR: retried on the same path only; the read
#      succeeds.
# The injection count (fault_inject/times counts down) and the path's
# diag counters show that each injection happened.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

fault_paths

# inject DIR STATUS DNR TIMES OPCODE: every command (of OPCODE, or any with
# 0xffff) of the path fails with STATUS (DNR set when DNR is Y), TIMES
# times.
inject() {
	echo 0 >"$1/verbose"
	echo "$2" >"$1/status"
	echo "$3" >"$1/dont_retry"
	echo "$5" >"$1/opcode"
	echo "$4" >"$1/times"
	echo 100 >"$1/probability"
}

# injected DIR: every injection armed by inject() happened.
injected() {
	for _ in $(seq 100); do
		[ "$(cat "$1/times")" = 0 ] && return 0
		sleep 0.1
	done
	echo "  $(cat "$1/times") injections left"
	return 1
}

# 1. Path errors fail over.
fio_start patherr
require fio_io_under_way fio_running
for st in 0x370 0x371 0x302 0x303; do
	f0=$(diag "$P1" multipath_failover_count)
	e0=$(diag "$P1" command_error_count)
	inject "$FI1" "$st" N 50 0xffff
	check "status_${st}_injected" injected "$FI1"
	f=$(($(diag "$P1" multipath_failover_count) - f0))
	e=$(($(diag "$P1" command_error_count) - e0))
	echo "EVENT status $st x50 on $P1: $f failovers, $e errors counted"
	check "status_${st}_failed_over" test "$f" -ge 50
	check "status_${st}_path1_optimized" wait_ana 1 optimized
	window 2
	echo "EVENT after $st: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	check "status_${st}_path1_used_again" test "$D1" -gt 10
	check "status_${st}_path2_used" test "$D2" -gt 10
done
fio_stop patherr
fio_checks patherr
fio_stall_ms patherr
echo "step patherr: stall_ms=$STALL_MS"

# 2 and 3 with path 1 the only optimized path: every read goes there.
require p2_non_optimized set_and_wait_ana 2 non-optimized
dd if=/dev/urandom of=/tmp/block bs=4k count=1 2>/dev/null
require block_written dd if=/tmp/block of="/dev/$HEAD" bs=4k count=1 oflag=direct 2>/dev/null

# read_block: one 4k read of block 0 through the head into /tmp/read.
read_block() {
	dd if="/dev/$HEAD" of=/tmp/read bs=4k count=1 iflag=direct 2>/tmp/read.err
}

reads() {
	awk '{ print $1 }' "/sys/block/$1/stat"
}

# path1_serves_reads: a read through the head is served by path 1.
path1_serves_reads() {
	local r1 r2
	r1=$(reads "$P1") r2=$(reads "$P2")
	read_block && [ "$(reads "$P1")" -gt "$r1" ] && [ "$(reads "$P2")" = "$r2" ]
}
check read_through_path1_only path1_serves_reads

# media DNR MUST_FAIL: a media error on path 1's next read, with or without DNR.
media() {
	local r2 f0 t0 rc
	r2=$(reads "$P2")
	f0=$(diag "$P1" multipath_failover_count)
	t0=$(diag "$P1" command_retries_count)
	inject "$FI1" 0x281 "$1" 1 0x02
	read_block
	rc=$?
	echo "EVENT media error (DNR $1): read status $rc ($(head -n 1 /tmp/read.err)), $P1" \
		"retries +$(($(diag "$P1" command_retries_count) - t0))," \
		"failovers +$(($(diag "$P1" multipath_failover_count) - f0))," \
		"$P2 reads +$(($(reads "$P2") - r2))"
	check "media_dnr_$1_injected" injected "$FI1"
	check "media_dnr_$1_not_failed_over" test "$(diag "$P1" multipath_failover_count)" = "$f0"
	check "media_dnr_$1_path2_not_read" test "$(reads "$P2")" = "$r2"
	if [ "$1" = Y ]; then
		check media_dnr_returned_to_reader test "$rc" != 0
		check media_dnr_not_retried test "$(diag "$P1" command_retries_count)" = "$t0"
	else
		check media_retried_read_succeeds test "$rc" = 0
		check media_retried_data_intact cmp -s /tmp/read /tmp/block
		check media_retried_on_path1 test "$(diag "$P1" command_retries_count)" -gt "$t0"
	fi
}
media Y
media N
scenario_time
