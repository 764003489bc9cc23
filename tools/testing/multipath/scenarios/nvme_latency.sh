# SPDX-License-Identifier: GPL-2.0
#
# The latency policy on NVMe/TCP (nvme_tcp_lib.sh: nvmet-tcp in two network
# namespaces, one veth link each), the test of NVMe's own latency-policy
# proposal: 4 KiB random reads and writes at depth 8 through the head
# under round-robin, queue-depth and latency,
#   a. with both links alike: latency is no worse than round-robin;
#   b. with netem adding 30 ms to every packet the target sends on link 2:
#      latency beats round-robin by more than upstream's 3.3x on reads and
#      queue-depth by upstream's 1.5x, and the slow path keeps a trickle;
#   c. link 2 recovers, and slows again, under load: within a second or
#      two, each shows in how the I/O splits.
# Every figure is a ratio of two fio runs of this boot; the slow path's
# share of the I/O is printed with each.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh
. /scenarios/net_lib.sh
. /scenarios/nvme_tcp_lib.sh

RUNTIME=${LAT_RUNTIME:-8}
require tcp_two_controllers tcp_setup_paths 2 64
echo "head $HEAD, paths $P1 (link 1) $P2 (link 2)"
printf 'adaptive|adaptive|\ntrailing_space|latency |\nuppercase|Latency|\n' |
	rejects_all lat "$SUBSYS/iopolicy"
check lat_set set_iopolicy latency

# iops NAME RW: fio's RW (randread or randwrite) at depth 8 through the
# head for RUNTIME seconds; prints the IOPS. In /tmp/NAME.link2, the I/Os
# of link 2 and their percentage of both links'.
iops() {
	local a b d1 d2
	a=$(ios "$P1") b=$(ios "$P2")
	fio --name="$1" --filename="/dev/$HEAD" --rw="$2" --bs=4k --size=32m --direct=1 \
		--ioengine=libaio --iodepth=8 --time_based --runtime="$RUNTIME" --ramp_time=1 \
		--eta=never --output-format=terse --output="/tmp/$1.fio" || return 1
	d1=$(($(ios "$P1") - a)) d2=$(($(ios "$P2") - b))
	echo "$d2 $((d2 * 100 / (d1 + d2 + 1)))" >"/tmp/$1.link2"
	# Terse v3: field 8 is the read IOPS, field 49 the write IOPS.
	awk -F';' -v rw="$2" '{ print (rw == "randread" ? $8 : $49) }' "/tmp/$1.fio"
}

# measure PHASE RW POLICY...: IOPS of each policy, in IOPS_<policy>
# (dashes as underscores), and link 2's I/Os and share in percent, in
# LINK2_<policy> and SHARE_<policy>.
measure() {
	local phase=$1 rw=$2 pol v n share
	shift 2
	for pol in "$@"; do
		set_iopolicy "$pol" || return 1
		v=$(iops "${phase}_${rw}_$pol" "$rw") || return 1
		read -r n share <"/tmp/${phase}_${rw}_$pol.link2"
		echo "$phase $rw $pol: $v IOPS, link 2 carried $n I/Os ($share%)"
		eval "IOPS_${pol//-/_}=$v LINK2_${pol//-/_}=$n SHARE_${pol//-/_}=$share"
	done
}

# at_least A B RATIO: A >= RATIO * B (RATIO a decimal).
at_least() {
	awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { exit !(b > 0 && a >= r * b) }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b > 0 ? a / b : 0 }'
}

# a. Symmetric links.
check a_symmetric_measured measure a randread round-robin latency
echo "a latency / round-robin, symmetric, reads: $(ratio "$IOPS_latency" "$IOPS_round_robin")"
# Within 10% here (one fio run each under TCG); make bench gives the
# precise figure.
check a_latency_no_worse_than_round_robin at_least "$IOPS_latency" "$IOPS_round_robin" 0.90
check a_latency_uses_both_links test "$SHARE_latency" -ge 25

# b. Link 2 30 ms slower, on every packet the target sends.
check b_delay_added $TC -n tgt2 qdisc add dev t2 root netem delay 30ms
for rw in randread randwrite; do
	check "b_${rw}_measured" measure b "$rw" round-robin queue-depth latency
	echo "b latency / round-robin, $rw: $(ratio "$IOPS_latency" "$IOPS_round_robin")" \
		"(upstream: 3.3 reads)"
	echo "b latency / queue-depth, $rw: $(ratio "$IOPS_latency" "$IOPS_queue_depth")" \
		"(upstream: 1.5 reads)"
	echo "b latency: the slow link carried $LINK2_latency I/Os ($SHARE_latency%)"
	check "b_${rw}_slow_link_keeps_a_trickle" test "$LINK2_latency" -gt 0
	check "b_${rw}_latency_over_3.3x_round_robin" \
		at_least "$IOPS_latency" "$IOPS_round_robin" 3.3
	check "b_${rw}_latency_over_1.5x_queue_depth" \
		at_least "$IOPS_latency" "$IOPS_queue_depth" 1.5
done

# c. Under load, link 2 recovers and slows again. Each window starts one
# second after the change.
check c_policy_latency set_iopolicy latency
fio --name=c_load --filename="/dev/$HEAD" --rw=randread --bs=4k --size=32m --direct=1 \
	--ioengine=libaio --iodepth=8 --time_based --runtime=20 --eta=never \
	--output=/tmp/c_load.fio &
load=$!
check c_load_running fio_running
window 2
echo "c slow: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_slow_link_gets_little test $((D2 * 10)) -le $((D1 + D2))
$TC -n tgt2 qdisc del dev t2 root
sleep 1
window 2
echo "c recovered: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_recovered_link_gets_its_share_within_a_second test $((D2 * 100)) -ge $(((D1 + D2) * 30))
$TC -n tgt2 qdisc add dev t2 root netem delay 30ms
sleep 1
window 2
echo "c slow again: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_slowed_link_left_within_a_second test $((D2 * 10)) -le $((D1 + D2))
$TC -n tgt2 qdisc del dev t2 root
wait "$load"
check c_fio_ok test $? = 0
check c_no_io_error test "$(grep -c 'err= *[1-9]' /tmp/c_load.fio)" = 0
scenario_time
