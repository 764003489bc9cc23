# SPDX-License-Identifier: GPL-2.0
#
# scsi_mod.multipath=off|on|always (kernel command line: scsi_debug.add_host=2
# scsi_debug.vpd_use_hostno=0, multipath left at its default).  The mode
# applies to disks probed after it is set, so each case removes the
# scsi_debug hosts, sets the mode (and whether scsi_debug claims ALUA) and
# adds two hosts again: one logical unit through two paths.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

wait_for /sys/block/sdb
sleep 1
require default_mode_off test "$(cat /sys/module/scsi_mod/parameters/multipath)" = off

# off: the disks as before native multipath.
check off_no_head test -z "$(heads)"
check off_two_disks test "$(ls /sys/block | grep -c '^sd')" = 2
check off_no_path_attributes sh -c \
	"[ ! -e /sys/block/sda/queue_depth ] && [ ! -e /sys/block/sda/numa_nodes ]"
check off_disk_io sh -c "dd if=/dev/urandom of=/dev/sda bs=64k count=4 oflag=direct 2>/dev/null"

# sd_disks: the sd disks (not the heads).
sd_disks() {
	ls /sys/block | grep -E '^sd[a-z]+$'
}

# hosts N: replace the scsi_debug hosts by N new ones.
hosts() {
	n=$(ls /sys/class/scsi_host | wc -l)
	echo "-$n" >"$SDEBUG/add_host"
	for _ in $(seq 100); do
		[ -z "$(ls /sys/block | grep '^sd')" ] && break
		sleep 0.1
	done
	# The disks and the heads are gone.
	[ -z "$(ls /sys/block | grep '^sd')" ] || return 1
	echo "$1" >"$SDEBUG/add_host"
	for _ in $(seq 100); do
		[ "$(ls /sys/class/scsi_host | wc -l)" = "$1" ] && break
		sleep 0.1
	done
	sleep 2 # sd probes asynchronously
	[ "$(sd_disks | wc -l)" = "$1" ]
}

# always, without ALUA: grouped; both paths optimized (nothing tells them
# apart), so round-robin uses both.
echo always >/sys/module/scsi_mod/parameters/multipath
echo 1 >"$SDEBUG/no_tpgs"
require always_no_alua_hosts hosts 2
check always_no_alua_one_head test "$(heads | wc -l)" = 1
HEAD=$(heads)
check always_no_alua_two_paths test "$(paths_of "$HEAD" | wc -l)" = 2
check always_no_alua_no_handler test "$(cat /sys/block/sda/device/dh_state)" = detached
set_iopolicy "$HEAD" round-robin
snap
check always_no_alua_io head_io "$HEAD"
echo "always, no ALUA, round-robin: sda $(delta sda), sdb $(delta sdb) I/Os"
check always_no_alua_rr_uses_both sh -c "[ $(delta sda) -ge 16 ] && [ $(delta sdb) -ge 16 ]"
check always_no_alua_path_attributes test -e /sys/block/sdb/queue_depth

# on, without ALUA: not grouped.
echo on >/sys/module/scsi_mod/parameters/multipath
require on_no_alua_hosts hosts 2
check head_removed_with_its_paths test -z "$(ls /sys/block | grep "^$HEAD\$")"
check on_no_alua_no_head test -z "$(heads)"
check on_no_alua_no_path_attributes test ! -e /sys/block/sda/queue_depth

# on, with ALUA: grouped, following the states (host 0 optimized, host 1
# non-optimized; host numbers are reused).
echo 0 >"$SDEBUG/no_tpgs"
require on_alua_hosts hosts 2
check on_alua_one_head test "$(heads | wc -l)" = 1
HEAD=$(heads)
check on_alua_two_paths test "$(paths_of "$HEAD" | wc -l)" = 2
for p in $(paths_of "$HEAD"); do
	check "on_alua_${p}_state" wait_state "$p" "$(expected_state "$(host_of "$p")")"
done
check on_alua_io head_io "$HEAD"

# always, with ALUA: grouped likewise.
echo always >/sys/module/scsi_mod/parameters/multipath
require always_alua_hosts hosts 2
check always_alua_one_head test "$(heads | wc -l)" = 1

# Back to off: the heads go with their paths, new disks are plain.
echo off >/sys/module/scsi_mod/parameters/multipath
require off_again_hosts hosts 2
check off_again_no_head test -z "$(heads)"
# (scsi_debug's host numbers grow: read through a disk whose host is in
# an active ALUA state, as the ALUA handler refuses I/O to standby.)
for p in $(sd_disks); do
	case $(access_state_of "$p") in active*) ACTIVE=$p ;; esac
done
check off_again_disk_io sh -c "dd if=/dev/$ACTIVE of=/dev/null bs=64k count=4 iflag=direct 2>/dev/null"

# Heads and paths came and went: nothing of them leaked.
check no_multipath_leak no_mpath_leak
