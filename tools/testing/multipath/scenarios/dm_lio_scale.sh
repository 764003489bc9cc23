# SPDX-License-Identifier: GPL-2.0
#
# dm-multipath and multipathd (dm_lib.sh; an initramfs built with
# INITRAMFS_DM=1) on an LIO ALUA array of many logical units
# (LIO_SCALE_NR=N on the kernel command line, default 256, of 1 MiB each;
# kernel command line scsi_debug.add_host=0): lio_alua_steps.sh's step i,
# as scsi_lio_scale runs it through native SCSI multipath (the idle
# commands printed, not checked: multipathd's checkers poll every path).
. /scenarios/lib.sh
. /scenarios/lio_lib.sh
if [ ! -f /scenarios/dm_lib.sh ] || ! command -v multipathd >/dev/null; then
	echo "no dm_lib.sh or multipathd in this initramfs (INITRAMFS_DM=1)"
	require dm_lib_present false
fi
. /scenarios/dm_lib.sh

MP_BACKEND=dm
if ! type mp_path_states >/dev/null 2>&1; then
	mp_path_states() {
		lio_dm_path_states
	}
fi
# Every map at once, by the holder of each LU's path through A (mp_head
# looks at every map for each call).
mp_heads() {
	local n=0 p h
	while [ "$n" -lt "$LIO_NR" ]; do
		eval "p=\$LIO_P_A_$n"
		for h in /sys/block/"$p"/holders/dm-*; do
			[ -e "$h" ] && echo "${h##*/}"
		done
		n=$((n + 1))
	done
}

NR=${LIO_SCALE_NR:-256}
# The console prints warnings and worse only: the scan of hundreds of
# paths and their state changes (several lines each) would take seconds
# of the guest's time, in the measured relearning too.
lio_quiet_console
require lio_setup lio_setup "$NR" 1
require dm_start dm_start
# From here on, dm-multipath's results are measurements (DMSTEP lines),
# set beside the native scenario's tests by compare-dm.py: the yardstick,
# not the thing tested.
CHECK_WORD=DMSTEP
check maps_count test "$(mp_heads | wc -l)" = "$NR"
. /scenarios/lio_alua_steps.sh
step_i
lio_loud_console
scenario_time
