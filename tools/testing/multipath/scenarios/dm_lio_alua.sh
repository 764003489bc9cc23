# SPDX-License-Identifier: GPL-2.0
#
# dm-multipath and multipathd (dm_lib.sh; an initramfs built with
# INITRAMFS_DM=1) on an LIO ALUA array built in the guest (lio_lib.sh: two
# rd_mcp logical units of 64 MiB, each through two tcm_loop WWNs, port
# groups A active/optimized and B active/non-optimized; kernel command line
# scsi_debug.add_host=0).  The steps of lio_alua_steps.sh on logical unit
# 0, as scsi_lio_alua runs them through native SCSI multipath.
. /scenarios/lib.sh
. /scenarios/lio_lib.sh
if [ ! -f /scenarios/dm_lib.sh ] || ! command -v multipathd >/dev/null; then
	echo "no dm_lib.sh or multipathd in this initramfs (INITRAMFS_DM=1)"
	require dm_lib_present false
fi
. /scenarios/dm_lib.sh

MP_BACKEND=dm
# dm_lib.sh's own, if it has one.
if ! type mp_path_states >/dev/null 2>&1; then
	mp_path_states() {
		lio_dm_path_states
	}
fi

require lio_setup lio_setup 2 64
require dm_start dm_start
# From here on, dm-multipath's results are measurements (DMSTEP lines),
# set beside the native scenario's tests by compare-dm.py: the yardstick,
# not the thing tested.
CHECK_WORD=DMSTEP
multipathd show topology
. /scenarios/lio_alua_steps.sh
lio_alua_steps
multipathd show paths format "%d %t %T %p"
scenario_time
