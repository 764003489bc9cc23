# SPDX-License-Identifier: GPL-2.0
#
# NVMe over TCP across network namespaces (net_lib.sh): port P of the
# nvmet subsystem listens on 10.201.P.2:4420 in namespace tgtP.  Sourced
# after lib.sh, nvme_lib.sh and net_lib.sh.

modprobe -a nvme_tcp nvmet_tcp 2>/dev/null

TRTYPE=tcp
# Short keep-alive and reconnect delay: a lost link is seen within about
# three seconds.  A controller that cannot reconnect for CTRL_LOSS_TMO
# seconds is deleted.
CTRL_LOSS_TMO=${CTRL_LOSS_TMO:-10}
CONNECT_OPTS="-s 4420 --keep-alive-tmo=2 --reconnect-delay=1 --ctrl-loss-tmo=$CTRL_LOSS_TMO"

# tcp_setup_paths NPORTS SIZE_MB: NPORTS links, the subsystem listening
# on each, one controller connected through each (setup_paths).
tcp_setup_paths() {
	local p
	for p in $(seq "$1"); do
		net_link "$p" || return 1
	done
	setup_paths "$1" "$2"
}

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
