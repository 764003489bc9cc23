# SPDX-License-Identifier: GPL-2.0
#
# iSCSI links lost under load, native SCSI multipath (iscsi_lib.sh: LIO's
# iSCSI target with a portal in each of two network namespaces, open-iscsi
# on the host; two sessions, two paths of one head, round-robin).  The
# steps of iscsi_steps: one link cut on the host's side, the other
# black-holed on the target's, both down past the replacement timeout
# while the head waits.  dm_iscsi.sh takes the same steps through
# dm-multipath.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh
. /scenarios/net_lib.sh
. /scenarios/iscsi_lib.sh

# native_head: the head linking both paths, round-robin.
native_head() {
	for _ in $(seq 300); do
		HEAD=$(heads | head -n 1) && [ -n "$HEAD" ] &&
			[ "$(paths_of "$HEAD" | wc -l)" = 2 ] && break
		sleep 0.1
	done
	[ -n "$HEAD" ] && [ -b "/dev/$HEAD" ] && set_iopolicy "$HEAD" round-robin
}

require iscsi_two_sessions iscsi_setup
require iscsi_one_head native_head
echo "head $HEAD, paths $P1 (link 1) $P2 (link 2)," \
	"no_path_timeout $(cat "/sys/block/$HEAD/no_path_timeout") s"
iscsi_steps
iscsiadm -m node -T "$IQN" --logout >/dev/null 2>&1
check sessions_logged_out_head_gone wait_gone "/dev/$HEAD"
scenario_time
