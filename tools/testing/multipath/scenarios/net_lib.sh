# SPDX-License-Identifier: GPL-2.0
#
# Network links of the real-transport scenarios, in the guest: link P
# joins the host to network namespace tgtP (the target's side) by a veth
# pair, hP on the host's side (10.201.P.1) and tP in tgtP (10.201.P.2).
# Nothing else is reachable: every address is on those links.  Links are
# cut on either side or black-holed with netem.  Sourced after lib.sh.

# Debian's iproute2 (busybox's ip has no netns, its tc no netem).
IP=/usr/bin/ip
TC=/usr/bin/tc

# net_link P: namespace tgtP and the veth pair hP/tP, both ends up;
# TRADDR_P is the target's address, NETNS_P its namespace.
net_link() {
	mkdir -p /run/netns
	$IP netns add "tgt$1" || return 1
	$IP link add "h$1" type veth peer name "t$1" || return 1
	$IP link set "t$1" netns "tgt$1" || return 1
	$IP addr add "10.201.$1.1/24" dev "h$1" || return 1
	$IP link set "h$1" up || return 1
	$IP -n "tgt$1" addr add "10.201.$1.2/24" dev "t$1" || return 1
	$IP -n "tgt$1" link set lo up || return 1
	$IP -n "tgt$1" link set "t$1" up || return 1
	eval "TRADDR_$1=10.201.$1.2 NETNS_$1=tgt$1"
	# The host reaches the target's address: one ping over the link.
	ping -c 1 -W 5 "10.201.$1.2" >/dev/null
}

# Cutting and restoring link P: on the host's end (link down: the
# host's packets go nowhere, it sees no carrier), or a black hole on the
# target's end (every packet the target sends is dropped; the host sees
# nothing but silence).
host_cut() { $IP link set "h$1" down; }
host_restore() { $IP link set "h$1" up; }
target_blackhole() { $TC -n "tgt$1" qdisc add dev "t$1" root netem loss 100%; }
target_restore() { $TC -n "tgt$1" qdisc del dev "t$1" root; }

# Phases of the link scenarios.  The scenario sets HEAD, P1 and P2 (the
# paths through links 1 and 2) and defines path_lost NAME P [SECS] and
# path_back NAME P: checks (named after phase NAME) that wait until the
# transport has given link P's path up (within SECS when given, else the
# scenario's own bound), and until it has it back.

# link_phase_start NAME: fio verify through the head, both paths used.
link_phase_start() {
	fio_verify_start "$1" "$HEAD"
	check "${1}_fio_under_way" wait_ios "$HEAD" 32
	pair_window 2
	echo "EVENT $1 start: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	check "${1}_both_paths_used" test "$D1" -gt 10 -a "$D2" -gt 10
}

# path_diag SD: the path's diag/ counters (NVMe's path disks and native
# SCSI multipath's sd paths have both), "-" where there are none.
path_diag() {
	local f v out=
	for f in multipath_failover_count command_error_count; do
		v=$(diag "$1" "$f" 2>/dev/null) || v=-
		out="$out ${f%_count}=$v"
	done
	echo "$1:$out"
}

# link_phase_end NAME: fio stopped and checked, its stall and the paths'
# counters printed.
link_phase_end() {
	fio_stop "$1"
	fio_checks "$1"
	fio_stall_ms "$1"
	echo "step $1: stall_ms=$STALL_MS"
	echo "diag after $1: $(path_diag "$P1"), $(path_diag "$P2")"
}

# link_lost_phase NAME P CUT RESTORE: link P cut by CUT while fio runs:
# the path is given up and I/O goes on through the other; restored by
# RESTORE, the path is back and carries I/O again.
link_lost_phase() {
	local n=$1 p=$2 o dp dq
	o=$((3 - p))
	link_phase_start "$n"
	$3 "$p"
	path_lost "$n" "$p"
	pair_window 2
	eval "dp=\$D$p dq=\$D$o"
	echo "EVENT $n: link $p cut: path $p $dp I/Os, path $o $dq I/Os in 2 s"
	check "${n}_io_continues_on_path$o" test "$dq" -gt 10
	check "${n}_no_io_on_path$p" test "$dp" -eq 0
	$4 "$p"
	path_back "$n" "$p"
	pair_window 2
	eval "dp=\$D$p"
	echo "EVENT $n: link $p back: $P1 $D1 I/Os, $P2 $D2 I/Os in 2 s"
	check "${n}_path${p}_used_again" test "$dp" -gt 10
	link_phase_end "$n"
}

# both_links_down_phase NAME SECS: both links cut while fio runs; once the
# transport gave both paths up, for SECS seconds the head completes
# nothing and fio waits; restored, both paths are back and the I/O that
# waited completes.
both_links_down_phase() {
	local n=$1 h
	link_phase_start "$n"
	host_cut 1 && host_cut 2
	path_lost "$n" 1
	# Link 2 was cut with link 1: its wait is short.
	path_lost "$n" 2 20
	h=$(ios "$HEAD")
	sleep "$2"
	check "${n}_head_waits" test "$(ios "$HEAD")" -eq "$h"
	check "${n}_fio_waits" running "$FIO_PID"
	host_restore 1 && host_restore 2
	path_back "$n" 1
	path_back "$n" 2
	check "${n}_io_resumes" wait_ios "$HEAD" 32
	link_phase_end "$n"
}
