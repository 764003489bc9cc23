# SPDX-License-Identifier: GPL-2.0
#
# Hostile module parameters of the Rust sample (kernel command line as
# sample_scsi: scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0): each bad
# load fails, and leaves nothing behind: no head disk, the module not
# loaded, the paths free; a good load works afterwards.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

wait_for /sys/block/sdb
require two_scsi_paths test -e /sys/block/sda -a -e /sys/block/sdb
MOD=$(sample_module)
A=$(devt sda) B=$(devt sdb)
# A disk number nothing has: sd's major, a minor past the last disk.
NONE=$(((8 << 20) | 240))

loaded() {
	grep -q '^rust_mpath ' /proc/modules
}

# refused NAME PARAM...: insmod with PARAM fails, and nothing is left.
refused() {
	local name=$1
	shift
	if insmod "$MOD" "$@" >/tmp/insmod.out 2>&1; then
		echo "  insmod $* loaded" | cut -c1-160
		rmmod rust_mpath
		return 1
	fi
	echo "  insmod $*: $(tr '\n' ' ' </tmp/insmod.out)" | cut -c1-160
	! loaded && [ ! -e /sys/block/mpatha ] && [ ! -e /dev/mpatha ]
}

check refuses_no_path refused none
check refuses_path0_abc refused abc path0=abc
check refuses_path0_empty refused empty path0=
check refuses_path0_negative refused negative path0=-1
check refuses_path0_above_u32 refused above_u32 path0=4294967296
check refuses_path0_huge refused huge path0=99999999999999999999999
check refuses_path0_fraction refused fraction path0=1.5
check refuses_path0_trailing_junk refused trailing_junk "path0=${A}x"
check refuses_path0_overlong refused overlong "path0=$(xs 5000)"
check refuses_path0_no_such_disk refused no_such_disk "path0=$NONE"
check refuses_path1_no_such_disk refused path1_no_such_disk "path0=$A" "path1=$NONE"
check refuses_path1_junk refused path1_junk "path0=$A" path1=junk
check refuses_path0_no_such_major refused no_such_major "path0=$((4095 << 20))"
check refuses_same_path_twice refused same_path_twice "path0=$A" "path1=$A"
check refuses_iopolicy_4 refused iopolicy_4 "path0=$A" "path1=$B" iopolicy=4
check refuses_iopolicy_minus_1 refused iopolicy_minus_1 "path0=$A" iopolicy=-1
check refuses_iopolicy_above_i32 refused iopolicy_above_i32 "path0=$A" iopolicy=2147483648
check refuses_iopolicy_name refused iopolicy_name "path0=$A" iopolicy=numa
# The module loader ignores a parameter the module does not have (with a
# warning), as for every module.
check ignores_unknown_param insmod "$MOD" "path0=$A" path9=1
check unloads_after_unknown_param rmmod rust_mpath

# A good load after all that: both paths free, I/O through the head.
check loads_after_bad_params insmod "$MOD" "path0=$A" "path1=$B" iopolicy=2
wait_for /dev/mpatha
check head_disk_appears test -b /dev/mpatha
check two_paths_linked test "$(ls /sys/block/mpatha/multipath | wc -l)" = 2
check io_through_head head_io mpatha
check second_load_refused sh -c "! insmod $MOD path0=$A 2>/dev/null"
check still_loaded_once test "$(grep -c '^rust_mpath ' /proc/modules)" = 1
check io_after_second_load head_io mpatha
PARAMS=/sys/module/rust_mpath/parameters
if [ -d "$PARAMS" ]; then
	echo "parameters: $(ls -l "$PARAMS" | awk 'NR > 1 { print $1, $NF }' | tr '\n' ' ')"
	for p in "$PARAMS"/*; do
		[ -w "$p" ] || continue
		printf '%s\n' "$NUMBER_JUNK" | rejects_all "param_${p##*/}" "$p"
	done
fi
check sample_unloads rmmod rust_mpath
check head_disk_gone test ! -e /sys/block/mpatha
check path_zero_is_skipped insmod "$MOD" path0=0 "path1=$B"
wait_for /dev/mpatha
check one_path_linked test "$(ls /sys/block/mpatha/multipath | wc -l)" = 1
check io_through_one_path head_io mpatha
check sample_unloads_again rmmod rust_mpath
check no_mpath_leak no_mpath_leak
