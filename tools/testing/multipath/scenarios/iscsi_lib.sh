# SPDX-License-Identifier: GPL-2.0
#
# iSCSI across network namespaces (net_lib.sh), for scsi_iscsi.sh (native
# SCSI multipath) and dm_iscsi.sh (dm-multipath with multipathd): LIO's
# iSCSI target exports one rd_mcp logical unit through one target portal
# group with a portal in each of two namespaces (link P: the portal
# 10.201.P.2:3260 in tgtP); open-iscsi's iscsid and iscsiadm on the host
# log in to both portals: two sessions, two paths.  iscsi_steps runs the
# link phases on the head HEAD the scenario found; in dm_iscsi their
# results are DMSTEP lines (CHECK_WORD), beside scsi_iscsi's CHECKs in
# the dm-comparison gate.  Sourced after lib.sh, scsi_lib.sh and
# net_lib.sh.

TGT=/sys/kernel/config/target
IQN=iqn.2026-12.io.libmultipath:array
HOST_IQN=iqn.2026-12.io.libmultipath:host
# Seconds a session's I/O is held after its connection failed before it
# fails (and fails over); the no-op ping that finds a dead link.
REPLACEMENT_TIMEOUT=5

# iscsi_target: the logical unit (64 MiB in memory) behind tpgt_1 of IQN,
# any initiator allowed, a portal in each namespace.  It has a unit serial
# (LIO then reports a WWID in VPD page 0x83), and its LUN is in ALUA target
# port group 1, active/optimized (LIO then reports the group in 0x83, as
# scsi_dh_alua needs).  LIO opens a portal's socket in the network
# namespace of the process that makes it.
iscsi_target() {
	local lu=$TGT/core/rd_mcp_0/lu0 tpg=$TGT/iscsi/$IQN/tpgt_1 p
	mkdir -p "$lu" || return 1
	echo rd_pages=16384 >"$lu/control" || return 1
	echo 15c51a110c0de0000000000000000001 >"$lu/wwn/vpd_unit_serial" || return 1
	echo 1 >"$lu/enable" || return 1
	mkdir "$lu/alua/G" || return 1
	echo 1 >"$lu/alua/G/tg_pt_gp_id" || return 1
	mkdir -p "$tpg/lun/lun_0" || return 1
	ln -s "$lu" "$tpg/lun/lun_0/lu0" || return 1
	echo G >"$tpg/lun/lun_0/alua_tg_pt_gp" || return 1
	echo 1 >"$tpg/attrib/generate_node_acls"
	echo 1 >"$tpg/attrib/cache_dynamic_acls"
	echo 0 >"$tpg/attrib/demo_mode_write_protect"
	echo 0 >"$tpg/attrib/authentication"
	# A session whose connection failed waits Time2Retain seconds for
	# the initiator to come back (it always does here).  open-iscsi asks
	# for 0, which makes 7.3's LIO close the session from its
	# time2retain timer at once, in softirq context, where it takes
	# se_tpg->session_lock: lockdep reports an irq lock inversion with
	# tpg->tpg_state_lock (a bug of the target, not of the host under
	# test).  Both sides ask for the most the standard allows.
	echo 3600 >"$tpg/param/DefaultTime2Retain"
	for p in 1 2; do
		nsenter --net="/run/netns/tgt$p" mkdir "$tpg/np/10.201.$p.2:3260" || return 1
	done
	echo 1 >"$tpg/enable"
}

# iscsi_initiator: iscsid running, both portals logged in to.
iscsi_initiator() {
	local p
	mkdir -p /etc/iscsi /run/lock/iscsi /var/lib/iscsi
	# iscsid takes requests only from a peer whose user name is root.
	grep -q '^root:' /etc/passwd 2>/dev/null ||
		echo 'root:x:0:0:root:/:/bin/sh' >>/etc/passwd
	echo "InitiatorName=$HOST_IQN" >/etc/iscsi/initiatorname.iscsi
	cat >/etc/iscsi/iscsid.conf <<EOF
node.startup = manual
node.session.timeo.replacement_timeout = $REPLACEMENT_TIMEOUT
node.conn[0].timeo.noop_out_interval = 1
node.conn[0].timeo.noop_out_timeout = 2
node.conn[0].timeo.login_timeout = 5
node.session.initial_login_retry_max = 4
node.session.iscsi.DefaultTime2Retain = 3600
EOF
	iscsid -f >/tmp/iscsid.log 2>&1 &
	# Ready once it listens on its abstract socket.
	for _ in $(seq 100); do
		grep -q '@ISCSIADM_ABSTRACT_NAMESPACE' /proc/net/unix && break
		sleep 0.1
	done
	for p in 1 2; do
		iscsiadm -m node -o new -T "$IQN" -p "10.201.$p.2:3260" >/dev/null || return 1
		iscsiadm -m node -T "$IQN" -p "10.201.$p.2:3260" --login >/tmp/login.log 2>&1 || {
			cat /tmp/login.log /tmp/iscsid.log
			return 1
		}
	done
}

# sd_of_link P: the disk of the session through link P's portal.
sd_of_link() {
	local s n d
	for s in /sys/class/iscsi_session/session*; do
		n=${s##*session}
		grep -qx "10.201.$1.2" "/sys/class/iscsi_connection/connection$n:0/persistent_address" \
			2>/dev/null || continue
		for d in "$s"/device/target*/*/block/*; do
			[ -e "$d" ] && echo "${d##*/}" && return 0
		done
	done
	return 1
}

# iscsi_setup: links, target, initiator; P1 and P2 the paths through
# links 1 and 2.
iscsi_setup() {
	net_link 1 && net_link 2 && iscsi_target && iscsi_initiator || return 1
	for _ in $(seq 300); do
		P1=$(sd_of_link 1) && P2=$(sd_of_link 2) && return 0
		sleep 0.1
	done
	return 1
}

# sdev_state P: the SCSI device state of link P's path.
sdev_state() {
	cat "/sys/block/$(eval echo "\$P$1")/device/state"
}

# wait_sdev P STATE SECS: the path's device reaches STATE within SECS s.
wait_sdev() {
	wait_eq "$3" "$2" sdev_state "$1" && return 0
	echo "  link $1's path is $GOT, not $2 after $3 s"
	return 1
}

# path_lost NAME P, path_back NAME P (net_lib.sh): the session's
# replacement timeout expired (the path's device transport-offline), and
# iscsid logged in again (running).
path_lost() {
	check "${1}_path${2}_transport_offline" wait_sdev "$2" transport-offline \
		"${3:-$((REPLACEMENT_TIMEOUT + 20))}"
}

path_back() {
	check "${1}_path${2}_running_again" wait_sdev "$2" running 60
}

# iscsi_steps: under fio verify,
#   a. the host's end of link 1 goes down: the session's no-op times out,
#      its I/O is held until the replacement timeout, then fails over;
#      the link comes back, iscsid logs in again, the path carries I/O;
#   b. the target's end of link 2 becomes a black hole, then recovers;
#   c. both links are down past the replacement timeout: no path is
#      left, the head waits, and the I/O completes when the links come
#      back.
# fio must end with no error and every block verified; each phase prints
# fio's longest completion latency (step NAME: stall_ms=).
iscsi_steps() {
	link_lost_phase a_host_link_down 1 host_cut host_restore
	link_lost_phase b_target_black_hole 2 target_blackhole target_restore

	both_links_down_phase c_both_down 3
}
