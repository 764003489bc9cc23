# SPDX-License-Identifier: GPL-2.0
#
# What a user sees of a two-path NVMe loop topology (one path optimized,
# one non-optimized): nvme-cli's view and every sysfs file of the head,
# its paths and the subsystem that multipath is concerned with, one
# "DUMP path=value" line each.  Booted once on each kernel, the two dumps
# are diffed by tools/workbench/compare-sysfs.sh; it is not a pass/fail
# test of its own.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
set_and_wait_ana 2 non-optimized
dd if="/dev/$HEAD" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null

dump() {
	local f v
	for f in "$@"; do
		[ -f "$f" ] || continue
		v=$(cat "$f" 2>/dev/null | tr '\n' '|')
		echo "DUMP $f=$v"
	done
}

nvme list-subsys 2>&1 | sed 's/^/DUMP list-subsys: /'
nvme list-subsys "/dev/$HEAD" 2>&1 | sed 's/^/DUMP list-subsys-ns: /'
nvme list-subsys -o json "/dev/$HEAD" 2>&1 | sed 's/^/DUMP list-subsys-json: /'
dump "$SUBSYS/iopolicy" "$SUBSYS/subsystype" "$SUBSYS/model"
for d in "$HEAD" "$P1" "$P2"; do
	for a in ana_grpid ana_state numa_nodes queue_depth delayed_removal_secs nsid uuid \
		nguid wwid eui csi metadata_bytes nuse size hidden ro removable capability range \
		ext_range alignment_offset queue/logical_block_size queue/max_sectors_kb; do
		dump "/sys/block/$d/$a"
	done
	dump /sys/block/"$d"/diag/*
	echo "DUMP /sys/block/$d/multipath: $(ls /sys/block/"$d"/multipath 2>/dev/null | tr '\n' ' ')"
	echo "DUMP /sys/block/$d entries: $(ls /sys/block/"$d" | tr '\n' ' ')"
done
echo "DUMP /dev: $(ls /dev | grep -E '^(nvme|ng)' | tr '\n' ' ')"
