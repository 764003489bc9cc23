# SPDX-License-Identifier: GPL-2.0
#
# The latency policy on NVMe/TCP (nvme_tcp_lib.sh: nvmet-tcp in two network
# namespaces, one veth link each), on the test of NVMe's own latency-policy
# proposal: 4 KiB random I/O through the head under round-robin,
# queue-depth and latency,
#   a. with both links alike: latency uses both, as round-robin does;
#   b. with netem adding 30 ms to every packet the target sends on link 2;
#   c. link 2 recovers, and slows again, under load: within a second or
#      two, each shows in how the I/O splits.
# Every figure is a ratio of two fio runs of this boot; link 2's share of
# the I/O is printed with each.
#
# Throughput ratios are printed, not checked: they are timings, and make
# check runs two guests at once on two cores.  The checks are on where the
# I/O goes, which follows the weights: under latency, the slow link keeps
# a trickle but well under round-robin's half.  In this TCG guest with
# KASAN and lockdep an NVMe/TCP I/O costs about 11 ms of CPU, so 30 ms is
# only a few times the fast link's latency, and at depth 8 the vCPU
# limits every policy; upstream's figures are for real hardware.
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

# iops NAME RW DEPTH: fio's RW (randread or randwrite) at DEPTH through
# the head for RUNTIME seconds; prints the IOPS. In /tmp/NAME.link2, the
# I/Os of link 2 and their percentage of both links'.
iops() {
	local a b d1 d2
	a=$(ios "$P1") b=$(ios "$P2")
	fio --name="$1" --filename="/dev/$HEAD" --rw="$2" --bs=4k --size=32m --direct=1 \
		--ioengine=libaio --iodepth="$3" --time_based --runtime="$RUNTIME" --ramp_time=1 \
		--eta=never --output-format=terse --output="/tmp/$1.fio" || return 1
	d1=$(($(ios "$P1") - a)) d2=$(($(ios "$P2") - b))
	echo "$d2 $((d2 * 100 / (d1 + d2 + 1)))" >"/tmp/$1.link2"
	# Terse v3: field 8 is the read IOPS, field 49 the write IOPS.
	awk -F';' -v rw="$2" '{ print (rw == "randread" ? $8 : $49) }' "/tmp/$1.fio"
}

# measure PHASE RW DEPTH POLICY...: IOPS of each policy, in
# IOPS_<policy> (dashes as underscores), and link 2's I/Os and share in
# percent, in LINK2_<policy> and SHARE_<policy>.
measure() {
	local phase=$1 rw=$2 depth=$3 pol v n share name
	shift 3
	for pol in "$@"; do
		set_iopolicy "$pol" || return 1
		name=${phase}_${rw}_qd${depth}_$pol
		v=$(iops "$name" "$rw" "$depth") || return 1
		read -r n share <"/tmp/$name.link2"
		echo "$phase $rw depth $depth $pol: $v IOPS, link 2 carried $n I/Os ($share%)"
		eval "IOPS_${pol//-/_}=$v LINK2_${pol//-/_}=$n SHARE_${pol//-/_}=$share"
	done
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf("%.2f", (b > 0) ? a / b : 0) }'
}

# a. Symmetric links.
check a_symmetric_measured measure a randread 8 round-robin latency
echo "a latency / round-robin, symmetric, reads, depth 8: $(ratio "$IOPS_latency" "$IOPS_round_robin")"
check a_latency_uses_both_links test "$SHARE_latency" -ge 25

# b. Link 2 30 ms slower, on every packet the target sends.
check b_delay_added $TC -n tgt2 qdisc add dev t2 root netem delay 30ms
for run in "randread 1" "randwrite 1" "randread 8"; do
	set -- $run
	rw=$1 depth=$2 tag=${1}_qd$2
	check "b_${tag}_measured" measure b "$rw" "$depth" round-robin queue-depth latency
	echo "b latency / round-robin, $rw, depth $depth: $(ratio "$IOPS_latency" "$IOPS_round_robin")"
	echo "b latency / queue-depth, $rw, depth $depth: $(ratio "$IOPS_latency" "$IOPS_queue_depth")"
	echo "b latency: the slow link carried $LINK2_latency I/Os ($SHARE_latency%)"
	check "b_${tag}_slow_link_keeps_a_trickle" test "$LINK2_latency" -gt 0
	check "b_${tag}_round_robin_halves" test "$SHARE_round_robin" -ge 40
	check "b_${tag}_slow_link_under_a_third" test "$SHARE_latency" -le 33
done

# c. Under load (depth 8), link 2 recovers and slows again. Each window
# starts one second after the change. Slow, link 2 takes at most a
# quarter of the I/O (at depth 8 the fast link's latency is mostly the
# guest's CPU, so the weights are only a few times apart); recovered, at
# least 30%.
check c_policy_latency set_iopolicy latency
fio --name=c_load --filename="/dev/$HEAD" --rw=randread --bs=4k --size=32m --direct=1 \
	--ioengine=libaio --iodepth=8 --time_based --runtime=20 --eta=never \
	--output=/tmp/c_load.fio &
load=$!
check c_load_running fio_running
window 2
echo "c slow: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_slow_link_gets_little test $((D2 * 4)) -le $((D1 + D2))
$TC -n tgt2 qdisc del dev t2 root
sleep 1
window 2
echo "c recovered: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_recovered_link_gets_its_share_within_a_second test $((D2 * 100)) -ge $(((D1 + D2) * 30))
$TC -n tgt2 qdisc add dev t2 root netem delay 30ms
sleep 1
window 2
echo "c slow again: link 1 $D1 I/Os, link 2 $D2 I/Os"
check c_slowed_link_left_within_a_second test $((D2 * 4)) -le $((D1 + D2))
$TC -n tgt2 qdisc del dev t2 root
wait "$load"
check c_fio_ok test $? = 0
check c_no_io_error test "$(grep -c 'err= *[1-9]' /tmp/c_load.fio)" = 0
scenario_time
