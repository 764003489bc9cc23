# SPDX-License-Identifier: GPL-2.0
#
# The steps of scsi_iscsi.sh through dm-multipath with multipathd
# (dm_lib.sh; an initramfs built with INITRAMFS_DM=1) instead of native
# SCSI multipath: the same LIO iSCSI target in two network namespaces,
# the same open-iscsi sessions (iscsi_lib.sh), the map multipathd makes
# of them with its built-in LIO-ORG entry (no_path_retry 12: I/O queued
# for 60 s when no path is left).  Its results are DMSTEP lines, set
# beside scsi_iscsi's CHECKs by compare-dm.py (the dm-comparison gate).
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh
. /scenarios/net_lib.sh
. /scenarios/iscsi_lib.sh
if [ ! -f /scenarios/dm_lib.sh ] || ! command -v multipathd >/dev/null; then
	echo "no dm_lib.sh or multipathd in this initramfs (INITRAMFS_DM=1)"
	require dm_lib_present false
fi
. /scenarios/dm_lib.sh

require iscsi_two_sessions iscsi_setup
require dm_start dm_start
HEAD=$(mp_head 0)
require dm_map test -n "$HEAD" -a -b "/dev/$HEAD"
multipathd show topology
echo "map $HEAD, paths $P1 (link 1) $P2 (link 2)"
# From here on, dm-multipath's results are measurements, not tests.
CHECK_WORD=DMSTEP
iscsi_steps
dm_path_states
scenario_time
