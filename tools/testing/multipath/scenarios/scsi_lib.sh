# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the native SCSI multipath scenarios (scsi_debug, one logical
# unit through several hosts; kernel command line scsi_mod.multipath=...).

# heads: the multipath head disks, one a line.
heads() {
	ls /sys/block | grep '^sdmpath' || true
}

# paths_of HEAD: the sd disks linked under the head's multipath/ directory.
paths_of() {
	ls "/sys/block/$1/multipath" 2>/dev/null | sort
}

# hctl_of SD: H:C:T:L of an sd disk; host_of SD: its host number.
hctl_of() {
	basename "$(readlink "/sys/block/$1/device")"
}
host_of() {
	hctl_of "$1" | cut -d: -f1
}

# path_of_host N: the sd disk reached through SCSI host N.
path_of_host() {
	for d in /sys/block/sd[a-z]*; do
		[ -e "$d/device" ] || continue
		d=${d##*/}
		[ "$(host_of "$d")" = "$1" ] && echo "$d" && return 0
	done
	return 1
}

# expected_state N: the ALUA state scsi_debug (vpd_use_hostno=0) reports
# through host N, shifted by its alua_shift parameter if it has one.
expected_state() {
	shift_by=0
	[ -r /sys/bus/pseudo/drivers/scsi_debug/alua_shift ] &&
		shift_by=$(cat /sys/bus/pseudo/drivers/scsi_debug/alua_shift)
	case $((($1 + shift_by) % 3)) in
	0) echo active/optimized ;;
	1) echo active/non-optimized ;;
	2) echo standby ;;
	esac
}

access_state_of() {
	cat "/sys/block/$1/device/access_state"
}

# wait_state SD STATE: the path's access_state reads STATE within 10 s.
wait_state() {
	wait_eq 10 "$2" access_state_of "$1" && return 0
	echo "$1: access_state $GOT, expected $2"
	return 1
}

# set_iopolicy HEAD POLICY
set_iopolicy() {
	echo "$2" >"/sys/block/$1/iopolicy" &&
		[ "$(cat "/sys/block/$1/iopolicy")" = "$2" ]
}

# snap: remember every sd disk's I/O count; delta SD: I/Os since snap.
snap() {
	for d in /sys/block/sd[a-z]*; do
		d=${d##*/}
		[ -e "/sys/block/$d/device" ] || continue
		eval "SNAP_$d=$(ios "$d")"
	done
}
delta() {
	if [ ! -e "/sys/block/$1/stat" ]; then
		echo 0
		return
	fi
	eval "echo \$(($(ios "$1") - \${SNAP_$1:-0}))"
}

# head_io HEAD: 4 MiB written and read back through the head with direct
# I/O in 64 KiB bios, compared byte for byte.
head_io() {
	dd if=/dev/urandom of=/tmp/data bs=64k count=64 2>/dev/null &&
		dd if=/tmp/data of="/dev/$1" bs=64k oflag=direct 2>/dev/null &&
		dd if="/dev/$1" of=/tmp/back bs=64k count=64 iflag=direct 2>/dev/null &&
		cmp -s /tmp/data /tmp/back
}

# fio_start NAME HEAD [fio options...]: fio_verify_start through HEAD.
fio_start() {
	fio_verify_start "$@"
}

SDEBUG=/sys/bus/pseudo/drivers/scsi_debug

# add_host: scsi_debug adds one more host (one more path); prints its disk.
add_host() {
	local n
	n=$(ls /sys/class/scsi_host | wc -l)
	echo 1 >"$SDEBUG/add_host" || return 1
	for _ in $(seq 100); do
		[ "$(ls /sys/class/scsi_host | wc -l)" -gt "$n" ] && break
		sleep 0.1
	done
	h=$(ls /sys/class/scsi_host | sed 's/host//' | sort -n | tail -n 1)
	for _ in $(seq 100); do
		p=$(path_of_host "$h") && echo "$p" && return 0
		sleep 0.1
	done
	return 1
}

# window SECONDS PATH...: I/Os each PATH completed in SECONDS, in D_<path>.
window() {
	local s=$1 p
	shift
	snap
	sleep "$s"
	for p in "$@"; do
		eval "D_$p=$(delta "$p")"
	done
}

# d PATH: the I/Os of PATH in the last window.
d() {
	eval "echo \$D_$1"
}

# no_mpath_leak: two kmemleak scans find no unreferenced object allocated
# by native SCSI multipath or libmultipath (other reports are left alone).
no_mpath_leak() {
	local f=/sys/kernel/debug/kmemleak
	[ -e "$f" ] || mount -t debugfs debugfs /sys/kernel/debug
	[ -w "$f" ] || return 1
	echo scan >"$f"
	sleep 6
	echo scan >"$f"
	if grep -q -E 'scsi_mpath|mpath_|multipath' "$f"; then
		cat "$f"
		return 1
	fi
}

# setup_head: the one head of scsi_debug's logical unit, in HEAD, once its
# three paths are there.  The scenario ends when there is none.
setup_head() {
	wait_for /sys/block/sdc
	wait_for /sys/block/sdmpath0
	require one_head test "$(heads | wc -l)" = 1
	HEAD=$(heads)
	require head_block_device test -b "/dev/$HEAD"
}

# setup_four_paths: the head of scsi_debug's logical unit through its
# three hosts and a fourth one added: HEAD, and P0..P3 the paths through
# hosts 0..3 (0 and 3 active/optimized, 1 active/non-optimized, 2
# standby).  The scenario ends when it cannot.
setup_four_paths() {
	setup_head
	P3=$(add_host)
	require fourth_host test -n "$P3"
	P0=$(path_of_host 0) P1=$(path_of_host 1) P2=$(path_of_host 2)
	require four_paths_linked sh -c "[ $(paths_of "$HEAD" | wc -l) = 4 ]"
	require fourth_path_optimized wait_state "$P3" active/optimized
}
