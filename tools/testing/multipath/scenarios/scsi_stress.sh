# SPDX-License-Identifier: GPL-2.0
#
# The native SCSI multipath head under faults and load (kernel command
# line: scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0).
# A fourth host is added: hosts 0 and 3 active/optimized, 1
# active/non-optimized, 2 standby.  In each phase fio writes and verifies
# at QD32 through the head for mpath.duration seconds (12 by default)
# while one kind of fault is injected over and over:
#
#   offline_<policy>  an optimized path set offline and back to running
#                     every 50-300 ms, for each policy;
#   delete_rescan     an optimized path deleted and its host rescanned;
#   alua              the array's port group states rotated (scsi_debug
#                     alua_shift), each path told through a unit attention.
#
# The non-optimized path (and in the alua phase, the rotation itself)
# keeps a usable path throughout, so fio must see no I/O error and verify
# everything.  Each phase prints a STRESS line with its figures.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

STRESS_SECS=$(param mpath.duration 12)
FIO_QD=32
FIO_NICE=5

setup_four_paths
HOST3=$(host_of "$P3")
echo "head $HEAD: optimized $P0 $P3, non-optimized $P1, standby $P2; $STRESS_SECS s a phase"

# Commands take a jiffy, so that bios are in a path's queue when it goes.
check scsi_debug_delay sh -c "echo 1 >$SDEBUG/delay"

rejections() {
	dmesg | grep -c 'rejecting I/O'
}

stress_zero() {
	R0=$(rejections)
}

stress_figures() {
	echo "rejected_by_paths=$(($(rejections) - R0))"
}

stress_fio() {
	fio_start "$1" "$HEAD" --iodepth=$FIO_QD
}

# The head keeps no I/O statistics of its own (sd does not account the
# head's bios to it, as NVMe does): count the optimized paths'.
optimized_ios() {
	echo $(($(ios "$P0") + $(ios "$P3")))
}

stress_fio_running() {
	local start
	start=$(optimized_ios)
	for _ in $(seq 600); do
		[ "$(optimized_ios)" -ge $((start + 32)) ] && return 0
		sleep 0.1
	done
	return 1
}

# settle: every path running and back in the head, in its first ALUA
# state; P3 up to date.
settle() {
	local p
	echo 0 >"$SDEBUG/alua_shift"
	for p in $P0 $P1 $P2 $P3; do
		[ -e "/sys/block/$p/device/state" ] &&
			echo running >"/sys/block/$p/device/state"
	done
	if ! P3=$(path_of_host "$HOST3"); then
		echo '- - -' >"/sys/class/scsi_host/host$HOST3/scan"
		for _ in $(seq 100); do
			P3=$(path_of_host "$HOST3") && break
			sleep 0.1
		done
	fi
	for p in $P0 $P1 $P2 $P3; do
		sg_rtpg "/dev/$p" >/dev/null 2>&1
		wait_state "$p" "$(expected_state "$(host_of "$p")")" || return 1
	done
	[ "$(paths_of "$HEAD" | wc -l)" = 4 ]
}

# 1. Optimized paths offline and running again; P1 stays.
flap_offline() {
	local p=$P0
	[ $((RANDOM % 2)) = 0 ] && p=$P3
	echo offline >"/sys/block/$p/device/state"
	rand_sleep 50 300
	echo running >"/sys/block/$p/device/state"
	rand_sleep 50 300
}

for policy in numa round-robin queue-depth; do
	require "offline_${policy}_iopolicy" set_iopolicy "$HEAD" "$policy"
	stress_phase "offline_$policy" flap_offline
done

# 2. An optimized path deleted under I/O and found again by a rescan.
delete_rescan() {
	local p
	p=$(path_of_host "$HOST3") || return
	echo offline >"/sys/block/$p/device/state"
	echo 1 >"/sys/block/$p/device/delete"
	wait_gone "/sys/block/$p"
	rand_sleep 100 300
	echo '- - -' >"/sys/class/scsi_host/host$HOST3/scan"
	for _ in $(seq 100); do
		path_of_host "$HOST3" >/dev/null && break
		sleep 0.1
	done
	rand_sleep 100 300
}
require delete_rescan_iopolicy set_iopolicy "$HEAD" round-robin
stress_phase delete_rescan delete_rescan

# 3. The port group states rotate.  Every path sees the change on its next
# command (a REPORT TARGET PORT GROUPS here, as a path checker sends).
# Each rotation leaves one host of 0-2 optimized and one non-optimized.
rotate_alua() {
	local p
	echo $((($(cat "$SDEBUG/alua_shift") + 1) % 3)) >"$SDEBUG/alua_shift"
	for p in $P0 $P1 $P2 $P3; do
		sg_rtpg "/dev/$p" >/dev/null 2>&1
	done
	rand_sleep 200 600
}
stress_phase alua rotate_alua

check no_multipath_leak no_mpath_leak
scenario_time
