# SPDX-License-Identifier: GPL-2.0
#
# NVMe over TCP across network namespaces, in the guest: port P of the
# nvmet subsystem listens on 10.201.P.2:4420 in namespace tgtP, which a
# veth pair (hP on the host side, tP in tgtP) joins to the host, whose
# end is 10.201.P.1.  Nothing else is reachable: every address is on those
# links.  Links are cut on either side or black-holed with netem.  Sourced
# after lib.sh and nvme_lib.sh.

# Debian's iproute2 (busybox's ip has no netns, its tc no netem).
IP=/usr/bin/ip
TC=/usr/bin/tc
modprobe -a nvme_tcp nvmet_tcp 2>/dev/null

TRTYPE=tcp
# Short keep-alive and reconnect delay: a lost link is seen within about
# three seconds.  A controller that cannot reconnect for CTRL_LOSS_TMO
# seconds is deleted.
CTRL_LOSS_TMO=${CTRL_LOSS_TMO:-10}
CONNECT_OPTS="-s 4420 --keep-alive-tmo=2 --reconnect-delay=1 --ctrl-loss-tmo=$CTRL_LOSS_TMO"

# tcp_link P: namespace tgtP and the veth pair hP/tP, both ends up.
tcp_link() {
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

# tcp_setup_paths NPORTS SIZE_MB: NPORTS links, the subsystem listening
# on each, one controller connected through each (setup_paths).
tcp_setup_paths() {
	local p
	for p in $(seq "$1"); do
		tcp_link "$p" || return 1
	done
	setup_paths "$1" "$2"
}

# Cutting and restoring port P's link: on the host's end (link down: the
# host's packets go nowhere, it sees no carrier), or a black hole on the
# target's end (every packet the target sends is dropped; the host sees
# nothing but silence).
host_cut() { $IP link set "h$1" down; }
host_restore() { $IP link set "h$1" up; }
target_blackhole() { $TC -n "tgt$1" qdisc add dev "t$1" root netem loss 100%; }
target_restore() { $TC -n "tgt$1" qdisc del dev "t$1" root; }

# ctrl_state P: the state of port P's controller, "gone" without one.
ctrl_state() {
	local c
	c=$(ctrl_of_port "$1") || { echo gone; return; }
	cat "/sys/class/nvme/nvme$c/state" 2>/dev/null || echo gone
}

# wait_ctrl P STATE SECS: port P's controller reaches STATE (live,
# connecting, resetting, gone; "lost" is any state but live) within SECS.
wait_ctrl() {
	local s
	for _ in $(seq $(($3 * 10))); do
		s=$(ctrl_state "$1")
		case "$2" in
		lost) [ "$s" != live ] && return 0 ;;
		*) [ "$s" = "$2" ] && return 0 ;;
		esac
		sleep 0.1
	done
	echo "  port $1's controller is $s, not $2 after $3 s"
	return 1
}
