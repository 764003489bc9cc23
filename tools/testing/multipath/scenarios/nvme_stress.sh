# SPDX-License-Identifier: GPL-2.0
#
# The NVMe head under faults and load.  Three loop controllers (paths) to
# one namespace; in each phase fio writes and verifies at QD32 through the
# head for mpath.duration seconds (12 by default; `make soak` sets more)
# while one kind of fault is injected over and over:
#
#   ana_<policy>   every 50-200 ms a random path gets a random ANA state
#                  (one of the paths always stays usable), for each policy;
#   reset          controller resets, one controller at a time;
#   reconnect      a controller deleted and connected again, in turn;
#   iopolicy       the policy switched every few milliseconds;
#   all_gone       all paths disconnected and connected again, with a
#                  removal delay, so that I/O waits instead of failing.
#
# Since a usable path exists throughout each of them, fio must see no I/O
# error and verify everything.  Each phase prints a STRESS line with its
# figures: I/Os, errors, requeues, failovers, faults and kernel reports.
#
# Then two phases without fio: all paths gone without a removal delay (the
# head goes each time, an opener gets errors and nothing hangs), and heads
# created and destroyed in a loop while other processes read and write the
# heads' sysfs files and open the head.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

STRESS_SECS=$(param mpath.duration 12)
FIO_QD=32
FIO_NICE=5
NPORTS=3

require nvme_loop_three_controllers setup_paths $NPORTS 64
echo "head $HEAD, paths $P1 $P2 $P3, $STRESS_SECS s a phase"

# Paths and their figures.
paths() {
	ls "/sys/block/$HEAD/multipath" 2>/dev/null
}

npaths() {
	paths | wc -l
}

# The diag counters of the head and its paths start every phase at 0.
zero_counters() {
	local p
	echo 0 >"/sys/block/$HEAD/diag/io_requeue_no_usable_path_count"
	for p in $(paths); do
		echo 0 >"/sys/block/$p/diag/multipath_failover_count"
	done
}

failovers() {
	local p n=0
	for p in $(paths); do
		n=$((n + $(cat "/sys/block/$p/diag/multipath_failover_count")))
	done
	echo "$n"
}

stress_zero() {
	zero_counters
}

stress_figures() {
	echo "requeues=$(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count")" \
		"failovers=$(failovers)"
}

stress_fio() {
	fio_start "$1" --iodepth=$FIO_QD
}

stress_fio_running() {
	fio_running
}

# settle: every port connected and optimized again, P1..Pn up to date.
settle() {
	local p
	for p in $(seq $NPORTS); do
		set_ana "$p" optimized
		ctrl_of_port "$p" >/dev/null || connect_port "$p" || return 1
		eval "P$p=$(path_of_port "$p")"
		wait_ana "$p" optimized || return 1
	done
	[ "$(npaths)" = $NPORTS ]
}

# phase NAME POLICY FAULT
phase() {
	require "${1}_iopolicy_$2" set_iopolicy "$2"
	stress_phase "$1" "$3"
}

# 1. ANA flapping.  A1..An: the state each port was given last.
usable() {
	case $1 in optimized | non-optimized) return 0 ;; esac
	return 1
}

flap_ana() {
	local p s q st others=0
	p=$((RANDOM % NPORTS + 1))
	set -- optimized non-optimized inaccessible change
	shift $((RANDOM % 4))
	s=$1
	for q in 1 2 3; do
		[ "$q" = "$p" ] && continue
		eval "st=\$A$q"
		usable "$st" && others=$((others + 1))
	done
	usable "$s" || [ "$others" -gt 0 ] || s=optimized
	set_ana "$p" "$s"
	eval "A$p=$s"
	rand_sleep 50 200
}

for policy in numa round-robin queue-depth; do
	A1=optimized A2=optimized A3=optimized
	want "ana_$policy" && phase "ana_$policy" "$policy" flap_ana
done

# 2. Controller resets, one controller at a time.
ctrl_live() {
	for _ in $(seq 200); do
		[ "$(cat "/sys/class/nvme/nvme$1/state" 2>/dev/null)" = live ] && return 0
		sleep 0.05
	done
	return 1
}

reset_one() {
	local c
	c=$(ctrl_of_port $((RANDOM % NPORTS + 1))) || return
	echo 1 >"/sys/class/nvme/nvme$c/reset_controller" 2>/dev/null
	ctrl_live "$c"
	rand_sleep 100 400
}
want reset && phase reset round-robin reset_one

# 3. A controller deleted and connected again, port after port.
NEXT=1
reconnect_one() {
	local c
	if c=$(ctrl_of_port $NEXT); then
		echo 1 >"/sys/class/nvme/nvme$c/delete_controller"
		while [ -e "/sys/class/nvme/nvme$c" ]; do sleep 0.05; done
	fi
	connect_port $NEXT
	NEXT=$((NEXT % NPORTS + 1))
	rand_sleep 100 400
}
want reconnect && phase reconnect queue-depth reconnect_one

# 4. The policy switched every few milliseconds.
switch_iopolicy() {
	echo round-robin >"$SUBSYS/iopolicy"
	echo queue-depth >"$SUBSYS/iopolicy"
	echo numa >"$SUBSYS/iopolicy"
	rand_sleep 2 10
}
want iopolicy && phase iopolicy numa switch_iopolicy

# connect_all: a controller through every port that has none; HEAD is
# the head again.
connect_all() {
	local p
	for p in $(seq $NPORTS); do
		ctrl_of_port "$p" >/dev/null || connect_port "$p" || return 1
	done
	for _ in $(seq 100); do
		HEAD=$(head_disk) && [ -b "/dev/$HEAD" ] && return 0
		sleep 0.1
	done
	return 1
}

# 5. All paths gone and back, with a removal delay: I/O waits for them.
all_gone() {
	nvme disconnect -n "$NQN" >/dev/null
	rand_sleep 200 1000
	connect_all
	rand_sleep 500 1000
}
delayed_all_gone() {
	require delayed_removal_set sh -c "echo 60 >/sys/block/$HEAD/delayed_removal_secs"
	phase all_gone round-robin all_gone
	check all_gone_same_head test -b "/dev/$HEAD"
	require delayed_removal_cleared sh -c "echo 0 >/sys/block/$HEAD/delayed_removal_secs"
}
want all_gone && delayed_all_gone

# 6. All paths gone without a delay: each time the head goes, its opener
# gets errors (and does not hang), and connecting creates a head again.
no_delay_rounds() {
	local n=0 hung=0 kept=0 end pid
	end=$(($(uptime_s) + STRESS_SECS))
	while [ "$(uptime_s)" -lt "$end" ] || [ $n = 0 ]; do
		connect_all || break
		dd if=/dev/zero of="/dev/$HEAD" bs=4k count=1000000 oflag=direct 2>/dev/null &
		pid=$!
		rand_sleep 200 600
		nvme disconnect -n "$NQN" >/dev/null
		finished $pid 30 || hung=$((hung + 1))
		wait_gone "/sys/block/$HEAD" || kept=$((kept + 1))
		n=$((n + 1))
	done
	check no_delay_all_gone_reconnects connect_all
	echo "STRESS no_delay_all_gone: rounds=$n opener_hung=$hung head_kept=$kept"
	check no_delay_all_gone_opener_never_hangs test $hung = 0
	check no_delay_all_gone_head_goes_each_time test $kept = 0
}
want no_delay_all_gone && no_delay_rounds

# 7. Heads created and destroyed while other processes read and write
# their sysfs files and open them.  Some rounds leave a removal delay of a
# second on the head, so that the delayed removal races the next connect.
read_sysfs() {
	cat /sys/block/nvme*n1/* /sys/block/nvme*n1/multipath/*/ana_state \
		/sys/block/nvme*n1/diag/* /sys/class/nvme-subsystem/*/iopolicy >/dev/null 2>&1
}

write_sysfs() {
	local f
	for f in /sys/block/nvme*n1/delayed_removal_secs; do
		echo $((RANDOM % 2)) >"$f"
	done 2>/dev/null
	for f in /sys/class/nvme-subsystem/*/iopolicy; do
		echo round-robin >"$f"
		echo numa >"$f"
	done 2>/dev/null
	for f in /sys/block/nvme*n1/diag/io_requeue_no_usable_path_count; do
		echo 0 >"$f"
	done 2>/dev/null
}

open_head() {
	local d
	for d in /dev/nvme*n1; do
		dd if="$d" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
	done
}

teardown_rounds() {
	nvme disconnect -n "$NQN" >/dev/null
	r0=$(kernel_reports)
	loop_start reader read_sysfs
	loop_start writer write_sysfs
	loop_start opener open_head
	local n=0 failed=0 end r0 reads writes
	end=$(($(uptime_s) + STRESS_SECS))
	while [ "$(uptime_s)" -lt "$end" ] || [ $n = 0 ]; do
		connect_port $((n % NPORTS + 1)) || failed=$((failed + 1))
		rand_sleep 50 300
		nvme disconnect -n "$NQN" >/dev/null || failed=$((failed + 1))
		n=$((n + 1))
	done
	loop_stop reader
	reads=$LOOPS
	loop_stop writer
	writes=$LOOPS
	loop_stop opener
	echo "STRESS teardown: rounds=$n failed=$failed sysfs_reads=$reads sysfs_writes=$writes" \
		"opens=$LOOPS kernel_reports=$(($(kernel_reports) - r0))"
	check teardown_rounds_ran test "$n" -gt 0
	check teardown_connects_and_disconnects_succeed test "$failed" = 0
	check teardown_sysfs_readers_ran test "$reads" -gt 0
	# A head left with a delay goes within a second of its last path.
	check teardown_no_head_left sh -c "sleep 3; ! ls -d /sys/block/nvme*n1 >/dev/null 2>&1"
}
want teardown && teardown_rounds
scenario_time
