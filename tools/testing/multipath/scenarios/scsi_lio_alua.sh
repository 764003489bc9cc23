# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath on an LIO ALUA array built in the guest (lio_lib.sh:
# two rd_mcp logical units of 64 MiB, each through two tcm_loop WWNs, port
# groups A active/optimized and B active/non-optimized; kernel command line
# scsi_mod.multipath=on scsi_debug.add_host=0).  The steps of
# lio_alua_steps.sh on logical unit 0: failover, failback, one-step
# failover, no path for a while, optimized swap, transitioning, explicit
# activation and logical unit resets, each under fio.  RELEARN_BOUND=N on
# the kernel command line (default 7) bounds the seconds to relearn a path.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh
. /scenarios/lio_lib.sh

MP_BACKEND=native
mp_head() {
	lio_native_head "$1"
}
mp_path_states() {
	lio_native_path_states
}

require lio_setup lio_setup 2 64
require one_head_per_lu lio_native_wait 60
check two_heads test "$(heads | wc -l)" = 2
for h in $(heads); do
	echo "head $h: $(cat "/sys/block/$h/wwid"), paths $(paths_of "$h" | tr '\n' ' ')"
	for f in path_check_interval no_path_timeout; do
		[ -r "/sys/block/$h/$f" ] && echo "  $f=$(cat "/sys/block/$h/$f")"
	done
done
. /scenarios/lio_alua_steps.sh
lio_alua_steps
scenario_time
