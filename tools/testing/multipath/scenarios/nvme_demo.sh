# SPDX-License-Identifier: GPL-2.0
#
# The NVMe part of `make demo`: one namespace through two loop controllers
# (round-robin), fio writing and verifying through the head for about 30 s
# while ANA states flip and a controller is deleted and reconnected.  A
# sampler prints once a second the I/Os per second each path completed:
#
#   TICK t=3 nvme0c0n1=123 nvme0c1n1=118 nvme0n1=241
#   EVENT t=10 ana port1 inaccessible
#
# which tools/workbench/demo.sh shows as a table and plot.py draws.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
require rr_set set_iopolicy round-robin

# Centiseconds of uptime, without forking.
now_cs() {
	local up cs _
	read -r up _ </proc/uptime
	cs=${up#*.}
	echo $((${up%.*} * 100 + ${cs#0}))
}
START=$(now_cs)
now_t() {
	echo $((($(now_cs) - START) / 100))
}

event() {
	echo "EVENT t=$(now_t) $*"
}

paths() {
	echo "PATHS $HEAD=head $(for p in 1 2; do q=$(path_of_port $p) && echo "$q=port$p"; done | tr '\n' ' ')"
}

# sampler: until /tmp/sampler.stop exists, one TICK line a second with
# the completed reads + writes per second of every nvme disk.  Only
# builtins but sleep, so that a tick costs little guest time.
sampler() {
	local d n r w up cs now pt dt rem prev line
	read -r up _ </proc/uptime
	cs=${up#*.}
	pt=$((${up%.*} * 100 + ${cs#0}))
	for d in /sys/block/nvme*; do
		read -r r _ _ _ w _ <"$d/stat"
		n=${d##*/}
		eval "last_$n=$((r + w))"
	done
	while [ ! -e /tmp/sampler.stop ]; do
		# Sleep until a second after the previous tick.
		read -r up _ </proc/uptime
		cs=${up#*.}
		now=$((${up%.*} * 100 + ${cs#0}))
		rem=$((pt + 100 - now))
		if [ "$rem" -ge 100 ]; then
			sleep 1
		elif [ "$rem" -ge 10 ]; then
			sleep "0.$rem"
		elif [ "$rem" -gt 0 ]; then
			sleep "0.0$rem"
		fi
		read -r up _ </proc/uptime
		cs=${up#*.}
		now=$((${up%.*} * 100 + ${cs#0}))
		dt=$((now - pt))
		pt=$now
		line="TICK t=$(((now - START) / 100))"
		for d in /sys/block/nvme*; do
			n=${d##*/}
			read -r r _ _ _ w _ <"$d/stat" 2>/dev/null || continue
			eval "prev=\${last_$n:-0}"
			# A path that came back is a new disk: its counts restart.
			[ $((r + w)) -lt "$prev" ] && prev=0
			eval "last_$n=$((r + w))"
			line="$line $n=$(((r + w - prev) * 100 / dt))"
		done
		echo "$line"
	done
}

# at T: sleep until T seconds after fio got going.
at() {
	while [ "$(now_t)" -lt $((BASE + $1)) ]; do
		sleep 0.2
	done
}

paths
rm -f /tmp/sampler.stop
sampler &
sampler_pid=$!
# fio and the loop target keep the guest's one CPU busy: the sampler goes
# first, so that its ticks stay about a second apart.
renice -n -20 -p "$sampler_pid" >/dev/null
fio_start demo
require fio_io_under_way fio_running
BASE=$(now_t)
event "fio running (round-robin, both optimized)"

at 5
set_ana 1 non-optimized
event "ana port1 non-optimized"
at 9
set_ana 1 optimized
set_ana 2 non-optimized
event "ana port1 optimized, port2 non-optimized"
at 13
set_ana 2 optimized
event "ana port2 optimized"
at 16
set_ana 1 inaccessible
event "ana port1 inaccessible"
at 20
set_ana 1 optimized
event "ana port1 optimized"
at 23
c2=nvme$(ctrl_of_port 2)
event "delete controller $c2 (port2)"
nvme disconnect -d "$c2" >/dev/null
at 27
check reconnect_port2 connect_port 2
event "reconnect port2 as $(path_of_port 2)"
paths
at 31
p1=$(path_of_port 1) p2=$(path_of_port 2)
a=$(ios "$p1") b=$(ios "$p2")
sleep 2
check both_paths_carry_io_at_the_end sh -c "[ $(($(ios "$p1") - a)) -gt 0 ] && [ $(($(ios "$p2") - b)) -gt 0 ]"
fio_stop demo
event "fio stop"
touch /tmp/sampler.stop
wait "$sampler_pid"

fio_checks demo
echo "RESULT fio errors=$(fio_field demo 5) written=$(fio_field demo 47)KiB verified=$(fio_field demo 6)KiB"
# The diag/ counters of each path (port 2's since it was reconnected)
# and of the head: which path failed I/O over, and how much waited.
for p in $p1 $p2; do
	echo "RESULT counters $p: failovers=$(cat "/sys/block/$p/diag/multipath_failover_count")" \
		"retries=$(cat "/sys/block/$p/diag/command_retries_count")" \
		"errors=$(cat "/sys/block/$p/diag/command_error_count")"
done
echo "RESULT counters $HEAD: waited_for_a_path=$(cat "/sys/block/$HEAD/diag/io_requeue_no_usable_path_count")" \
	"failed_for_want_of_one=$(cat "/sys/block/$HEAD/diag/io_fail_no_available_path_count")"

# Final verify: 4 MiB of random data through the head, read back through
# the head and from the namespace's backing disk, compared byte for byte.
dd if=/dev/urandom of=/tmp/final bs=64k count=64 2>/dev/null
dd if=/tmp/final of="/dev/$HEAD" bs=64k oflag=direct 2>/dev/null
check final_verify_through_head sh -c "dd if=/dev/$HEAD bs=64k count=64 iflag=direct 2>/dev/null | cmp -s - /tmp/final"
check final_verify_on_namespace sh -c "dd if=$NULLDEV bs=64k count=64 iflag=direct 2>/dev/null | cmp -s - /tmp/final"
if dd if="/dev/$HEAD" bs=64k count=64 iflag=direct 2>/dev/null | cmp -s - /tmp/final; then
	echo "RESULT verify 4 MiB through the head: identical"
else
	echo "RESULT verify 4 MiB through the head: DIFFERENT"
fi
scenario_time
