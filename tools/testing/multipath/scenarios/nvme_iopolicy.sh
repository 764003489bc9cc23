# SPDX-License-Identifier: GPL-2.0
#
# NVMe native multipath I/O policies over two loop controllers: how the
# I/Os of a fixed fio job split between the paths under numa, round-robin
# and queue-depth, with both paths optimized and then with one of them
# non-optimized.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

# Each I/O takes 1 ms on the target: with the guest's one CPU, I/O that
# completes at once is rarely seen in flight, and queue-depth has little
# to choose between.
NULLB_DELAY_NS=1000000
require nvme_loop_two_controllers setup_paths 2 64
echo "head $HEAD, paths $P1 (port 1) $P2 (port 2)"
N=512

# run_split NAME [deep]: N 4 KiB direct reads through the head, by dd one
# at a time, or with "deep" random by fio (libaio, depth 8); sets D1 and D2,
# the I/Os each path completed meanwhile, and DH, the head's.
run_split() {
	local a b h
	a=$(ios "$P1") b=$(ios "$P2") h=$(ios "$HEAD")
	if [ "${2:-}" = deep ]; then
		fio --name="$1" --filename="/dev/$HEAD" --rw=randread --bs=4k --size=$((N * 4))k \
			--direct=1 --ioengine=libaio --iodepth=8 --eta=never --output="/tmp/$1.fio"
	else
		dd if="/dev/$HEAD" of=/dev/null bs=4k count="$N" iflag=direct 2>/dev/null
	fi
	D1=$(($(ios "$P1") - a)) D2=$(($(ios "$P2") - b)) DH=$(($(ios "$HEAD") - h))
	echo "$1: $P1 $D1 I/Os, $P2 $D2 I/Os, head $DH I/Os"
}

# both_at_least PCT: both paths carried at least PCT% of the I/Os.
both_at_least() {
	[ $((D1 * 100)) -ge $((N * $1)) ] && [ $((D2 * 100)) -ge $((N * $1)) ]
}

# one_path_only: all N I/Os on one of the paths, none on the other.
one_path_only() {
	{ [ "$D1" -ge "$N" ] && [ "$D2" -eq 0 ]; } || { [ "$D2" -ge "$N" ] && [ "$D1" -eq 0 ]; }
}

# Both optimized.
check rr_set set_iopolicy round-robin
run_split rr_both_optimized
check rr_alternates_between_paths both_at_least 40
check rr_all_ios_through_paths test $((D1 + D2)) -ge "$N"
check head_counts_the_ios test "$DH" -ge "$N"

check numa_set set_iopolicy numa
run_split numa_both_optimized
check numa_sticks_to_one_path one_path_only

check qd_set set_iopolicy queue-depth
# Sample the in-flight counts (with read, no fork, to take many samples)
# while a deeper job runs.
fio --name=qdbg --filename="/dev/$HEAD" --rw=randread --bs=4k --size=16m --direct=1 \
	--ioengine=libaio --iodepth=16 --time_based --runtime=6 --eta=never --output=/tmp/qdbg.fio &
qd_pid=$!
qmax=0 samples=0
while kill -0 "$qd_pid" 2>/dev/null; do
	for p in "$P1" "$P2"; do
		read -r q <"/sys/block/$p/queue_depth"
		[ "${q:-0}" -gt "$qmax" ] && qmax=$q
		samples=$((samples + 1))
	done
done
wait
echo "queue-depth: highest in-flight count seen on a path: $qmax ($samples samples)"
check qd_queue_depth_counts_inflight test "$qmax" -gt 0
run_split qd_both_optimized deep
check qd_uses_both_paths both_at_least 5

# Port 2 non-optimized: only the optimized path carries I/O, whatever
# the policy.
require ana_port2_non_optimized set_and_wait_ana 2 non-optimized
for pol in numa round-robin queue-depth latency; do
	pn=$(echo "$pol" | tr - _)
	check "${pn}_set_with_non_optimized" set_iopolicy "$pol"
	run_split "${pn}_non_optimized" "$([ "$pol" = queue-depth ] && echo deep)"
	check "${pn}_only_optimized_path_used" sh -c "[ $D2 -eq 0 ] && [ $D1 -ge $N ]"
done

# And the other way round: port 1 non-optimized, port 2 optimized.
swap_to_port2() {
	set_ana 1 non-optimized && set_and_wait_ana 2 optimized && wait_ana 1 non-optimized
}
require ana_swapped swap_to_port2
run_split qd_swapped deep
check qd_follows_swapped_ana sh -c "[ $D1 -eq 0 ] && [ $D2 -ge $N ]"
check rr_set_swapped set_iopolicy round-robin
run_split rr_swapped
check rr_follows_swapped_ana sh -c "[ $D1 -eq 0 ] && [ $D2 -ge $N ]"
scenario_time
