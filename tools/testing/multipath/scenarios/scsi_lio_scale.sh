# SPDX-License-Identifier: GPL-2.0
#
# Native SCSI multipath on an LIO ALUA array of many logical units
# (LIO_SCALE_NR=N on the kernel command line, default 256, of 1 MiB each;
# two tcm_loop WWNs, port groups A active/optimized and B
# active/non-optimized; kernel command line scsi_mod.multipath=on
# scsi_debug.add_host=0): lio_alua_steps.sh's step i, the commands the
# host sends while idle and the time and commands to relearn A optimized
# on every head after it was unavailable.
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
# Every head at once (mp_head maps the heads again when it misses one).
mp_heads() {
	local n=0
	lio_native_map
	while [ "$n" -lt "$LIO_NR" ]; do
		eval "eval echo \\\${LIO_HEAD_\$LIO_P_A_$n}"
		n=$((n + 1))
	done
}

NR=${LIO_SCALE_NR:-256}
# The console prints warnings and worse only: the scan of hundreds of
# paths and their state changes (several lines each) would take seconds
# of the guest's time, in the measured relearning too.
lio_quiet_console
require lio_setup lio_setup "$NR" 1
require one_head_per_lu lio_native_wait $((60 + NR / 2))
check heads_count test "$(heads | wc -l)" = "$NR"
. /scenarios/lio_alua_steps.sh
step_i
lio_loud_console
scenario_time
