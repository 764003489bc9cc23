# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the NVMe scenarios: an nvmet subsystem exported over the loop
# transport through several ports, configured through configfs by hand,
# with one namespace on a memory-backed null_blk device, and a host that
# connects one controller per port.  The namespace is in ANA group 2; each
# port has its own state for that group, so each path (controller) has its
# own ANA state.  Sourced after lib.sh.

# NVMe host and target are modules in the test kernel (so that the
# references a head holds to nvme_core can be seen); built in, this does
# nothing.
modprobe -a nvme_loop nvmet 2>/dev/null

NQN=nqn.2026-11.io.libmultipath:loop-test
NVMET=/sys/kernel/config/nvmet
NULLB=/sys/kernel/config/nullb
GRP=2

# nullb_create NAME SIZE_MB: a memory-backed null_blk disk (not backed
# when NULLB_MEMORY_BACKED=0); prints its /dev path.  It completes I/O at
# once, or after NULLB_DELAY_NS nanoseconds (timer) when that is set.
nullb_create() {
	local d
	d=$NULLB/$1
	mkdir "$d" || return 1
	echo "$2" >"$d/size"
	echo "${NULLB_MEMORY_BACKED:-1}" >"$d/memory_backed"
	echo 4096 >"$d/blocksize"
	if [ -n "${NULLB_DELAY_NS:-}" ]; then
		echo 2 >"$d/irqmode"
		echo "$NULLB_DELAY_NS" >"$d/completion_nsec"
	else
		echo 0 >"$d/irqmode"
	fi
	echo 1 >"$d/power" || return 1
	# Named after the configfs item; older kernels used nullb<index>.
	if [ -e "/sys/block/$1" ]; then
		echo "/dev/$1"
	else
		echo "/dev/nullb$(cat "$d/index")"
	fi
}

# nvmet_setup NPORTS SIZE_MB: subsystem, namespace 1 and ports 1..NPORTS,
# every port in ANA state optimized.
nvmet_setup() {
	local nports dev s p
	nports=$1
	dev=$(nullb_create mpnull "$2") || return 1
	wait_for "$dev" || return 1
	s=$NVMET/subsystems/$NQN
	mkdir "$s" || return 1
	echo 1 >"$s/attr_allow_any_host"
	for p in $(seq "$nports"); do
		nvmet_add_port "$p" || return 1
	done
	mkdir "$s/namespaces/1"
	NULLDEV=$dev
	echo "$dev" >"$s/namespaces/1/device_path"
	echo $GRP >"$s/namespaces/1/ana_grpid"
	echo 1 >"$s/namespaces/1/enable"
}

# The transport of the ports: loop, where port P's address is P; or tcp
# (nvme_tcp_lib.sh), where it is $TRADDR_P, port 4420 in the network
# namespace $NETNS_P, and nvme connect takes $CONNECT_OPTS too.
TRTYPE=loop

# port_traddr P: the address of port P.
port_traddr() {
	if [ "$TRTYPE" = loop ]; then echo "$1"; else eval echo "\$TRADDR_$1"; fi
}

# nvmet_add_port P: port P exporting the subsystem, our ANA group
# optimized on it.  A TCP port listens in its network namespace: nvmet
# opens the socket in that of the process that links the subsystem.
nvmet_add_port() {
	local d=$NVMET/ports/$1 ns
	mkdir "$d" || return 1
	echo "$TRTYPE" >"$d/addr_trtype"
	port_traddr "$1" >"$d/addr_traddr"
	if [ "$TRTYPE" = tcp ]; then
		echo ipv4 >"$d/addr_adrfam"
		echo 4420 >"$d/addr_trsvcid"
	fi
	mkdir "$d/ana_groups/$GRP"
	echo optimized >"$d/ana_groups/$GRP/ana_state"
	eval "ns=\${NETNS_$1:-}"
	if [ -n "$ns" ]; then
		nsenter --net="/run/netns/$ns" \
			ln -s "$NVMET/subsystems/$NQN" "$d/subsystems/$NQN"
	else
		ln -s "$NVMET/subsystems/$NQN" "$d/subsystems/$NQN"
	fi
}

# Controller instance (N of nvmeN) connected through port P, or nothing.
ctrl_of_port() {
	local c a
	a=$(port_traddr "$1")
	for c in /sys/class/nvme/nvme*; do
		[ -e "$c/address" ] || continue
		grep -qE "^traddr=$a(,|\$)" "$c/address" 2>/dev/null || continue
		grep -qx "$NQN" "$c/subsysnqn" 2>/dev/null || continue
		echo "${c##*/nvme}"
		return 0
	done
	return 1
}

# connect_port P: one controller to port P with nvme-cli; waits for its
# path disk.
connect_port() {
	local c
	# Unquoted: CONNECT_OPTS is a list of options.
	nvme connect -t "$TRTYPE" -n "$NQN" -a "$(port_traddr "$1")" \
		${CONNECT_OPTS:-} >/tmp/connect.log 2>&1 || {
		cat /tmp/connect.log
		return 1
	}
	for _ in $(seq 100); do
		c=$(ctrl_of_port "$1") && [ -n "$(path_of_ctrl "$c")" ] && return 0
		sleep 0.1
	done
	return 1
}

# The path disk (nvmeXcYnZ) of controller C.
path_of_ctrl() {
	local d
	for d in /sys/class/nvme/nvme$1/nvme*c*n1; do
		[ -e "$d" ] && echo "${d##*/}"
	done
}

# The path disk of port P.
path_of_port() {
	local c
	c=$(ctrl_of_port "$1") && path_of_ctrl "$c"
}

# The head disk (nvmeXnY) and its subsystem directory.
head_disk() {
	local d
	for d in /sys/block/nvme*n1; do
		case "${d##*/}" in *c*) continue ;; esac
		[ -e "$d" ] && echo "${d##*/}" && return 0
	done
	return 1
}

# wait_head: within 10 s, HEAD is the head disk and its /dev node is
# there (after a head went away and a path came back: the new head).
wait_head() {
	for _ in $(seq 100); do
		HEAD=$(head_disk) && [ -b "/dev/$HEAD" ] && return 0
		sleep 0.1
	done
	HEAD=
	return 1
}

subsys_dir() {
	local s
	for s in /sys/class/nvme-subsystem/nvme-subsys*; do
		grep -qx "$NQN" "$s/subsysnqn" 2>/dev/null && echo "$s" && return 0
	done
	return 1
}

# set_ana P STATE: the target's ANA state of our group on port P.
set_ana() {
	echo "$2" >"$NVMET/ports/$1/ana_groups/$GRP/ana_state"
}

# wait_ana P STATE: until the host sees STATE on the path of port P (up
# to 10 s).  Uses $Pn when set (setup_paths sets it), else looks it up.
wait_ana() {
	local p
	eval "p=\${P$1:-}"
	for _ in $(seq 100); do
		[ -n "$p" ] || p=$(path_of_port "$1")
		[ -n "$p" ] && [ "$(cat "/sys/block/$p/ana_state" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# set_and_wait_ana P STATE
set_and_wait_ana() {
	local p
	set_ana "$1" "$2" && wait_ana "$1" "$2"
}

# setup_paths NPORTS SIZE_MB: target and one controller per port; sets HEAD
# (nvmeXnY), SUBSYS (its sysfs directory) and P1..Pn (path disks).
setup_paths() {
	local p
	nvmet_setup "$1" "$2" || return 1
	for p in $(seq "$1"); do
		connect_port "$p" || return 1
		eval "P$p=$(path_of_port "$p")"
	done
	HEAD=
	for _ in $(seq 100); do
		HEAD=$(head_disk) && break
		sleep 0.1
	done
	[ -n "$HEAD" ] || return 1
	SUBSYS=$(subsys_dir) || return 1
	wait_for "/dev/$HEAD"
}

# window SECS: pair_window (lib.sh).
window() {
	pair_window "$1"
}

set_iopolicy() {
	echo "$1" >"$SUBSYS/iopolicy" && [ "$(cat "$SUBSYS/iopolicy")" = "$1" ]
}

# in_nodelist LIST NODE: NODE is in a node list such as "0-1,3".
in_nodelist() {
	echo "$1" | tr ',' '\n' | awk -F- -v n="$2" '
		/^[0-9]+(-[0-9]+)?$/ { hi = NF == 2 ? $2 : $1; if (n >= $1 && n <= hi) found = 1 }
		END { exit !found }'
}

# Completed reads and writes of each path, as "name=count ...".
path_ios() {
	local out p
	out=
	for p in "$@"; do
		out="$out $p=$(ios "$p")"
	done
	echo "${out# }"
}

# fio_start NAME [fio options...]: fio_verify_start through the head.
fio_start() {
	local n=$1
	shift
	fio_verify_start "$n" "$HEAD" "$@"
}

# fio_running: fio's I/O is under way (the head completed 32 I/Os more),
# within 60 s; fio takes a while to start under TCG.
fio_running() {
	local h
	h=$(ios "$HEAD")
	for _ in $(seq 600); do
		[ "$(ios "$HEAD")" -ge $((h + 32)) ] && return 0
		sleep 0.1
	done
	return 1
}

# fault_paths: the set-up of the fault injection scenarios: two loop
# paths under round-robin, and FI1, the host's fault_inject directory of
# path 1; the scenario ends if any of it fails.
fault_paths() {
	require nvme_loop_two_controllers setup_paths 2 64
	require rr_set set_iopolicy round-robin
	echo "head $HEAD, paths $P1 (port 1) $P2 (port 2)"
	FI1=/sys/kernel/debug/$P1/fault_inject
	require fault_inject_present test -d "$FI1"
}
