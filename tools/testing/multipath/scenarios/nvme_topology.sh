# SPDX-License-Identifier: GPL-2.0
#
# NVMe native multipath over the loop transport: one subsystem, one
# namespace, two ports, one controller per port.  The head disk and its
# hidden per-controller paths, their ANA states as nvme-cli and sysfs show
# them, and the formats of the multipath attributes.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
echo "head $HEAD, paths $P1 (port 1) $P2 (port 2), subsystem ${SUBSYS##*/}"

check head_is_block_device test -b "/dev/$HEAD"
check head_name_format sh -c "echo $HEAD | grep -qE '^nvme[0-9]+n1$'"
check two_distinct_paths sh -c "[ -n '$P1' ] && [ -n '$P2' ] && [ '$P1' != '$P2' ]"
check path_name_format sh -c "echo '$P1 $P2' | grep -qE '^nvme[0-9]+c[0-9]+n1 nvme[0-9]+c[0-9]+n1$'"
check paths_hidden sh -c "[ \$(cat /sys/block/$P1/hidden) = 1 ] && [ \$(cat /sys/block/$P2/hidden) = 1 ]"
check head_not_hidden test "$(cat "/sys/block/$HEAD/hidden")" = 0
check no_dev_node_for_paths sh -c "[ ! -e /dev/$P1 ] && [ ! -e /dev/$P2 ]"
# The subsystem lists both controllers and the head.
check subsys_has_both_ctrls sh -c "[ -e $SUBSYS/nvme$(ctrl_of_port 1) ] && [ -e $SUBSYS/nvme$(ctrl_of_port 2) ]"
check subsys_has_head test -e "$SUBSYS/$HEAD"
check same_size_as_backing sh -c "[ \$(cat /sys/block/$HEAD/size) = \$(cat /sys/block/$P1/size) ] && [ \$(cat /sys/block/$HEAD/size) = $((64 * 2048)) ]"

# ANA: port 1 optimized, port 2 non-optimized, as the host sees them.
check ana_port2_non_optimized set_and_wait_ana 2 non-optimized
check ana_state_p1_optimized test "$(cat "/sys/block/$P1/ana_state")" = optimized
check ana_grpid_both_paths sh -c "[ \$(cat /sys/block/$P1/ana_grpid) = $GRP ] && [ \$(cat /sys/block/$P2/ana_grpid) = $GRP ]"

nvme list-subsys "/dev/$HEAD" >/tmp/ls.txt 2>&1
cat /tmp/ls.txt
c1=nvme$(ctrl_of_port 1) c2=nvme$(ctrl_of_port 2)
check list_subsys_nqn grep -q "NQN=$NQN" /tmp/ls.txt
check list_subsys_path1_optimized grep -qE "^ *\+- $c1 loop traddr=1 live optimized" /tmp/ls.txt
check list_subsys_path2_non_optimized grep -qE "^ *\+- $c2 loop traddr=2 live non-optimized" /tmp/ls.txt

check ana_port2_inaccessible set_and_wait_ana 2 inaccessible
nvme list-subsys "/dev/$HEAD" >/tmp/ls.txt 2>&1
cat /tmp/ls.txt
check list_subsys_path2_inaccessible grep -qE "^ *\+- $c2 loop traddr=2 live inaccessible" /tmp/ls.txt
check list_subsys_path1_still_optimized grep -qE "^ *\+- $c1 loop traddr=1 live optimized" /tmp/ls.txt
check ana_port2_optimized_again set_and_wait_ana 2 optimized
nvme list-subsys "/dev/$HEAD" >/tmp/ls.txt 2>&1
check list_subsys_both_optimized sh -c "[ \$(grep -cE 'loop traddr=[12] live optimized' /tmp/ls.txt) = 2 ]"

# iopolicy: numa by default; numa_nodes lists the nodes whose current
# path is this one (only under numa), queue_depth the in-flight count
# (only under queue-depth).
check iopolicy_default_numa test "$(cat "$SUBSYS/iopolicy")" = numa
set_and_wait_ana 2 non-optimized
node=$(ls -d /sys/devices/system/cpu/cpu0/node[0-9]*)
node=${node##*node}
taskset -c 0 dd if="/dev/$HEAD" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null
echo "numa_nodes after I/O from node $node: $P1='$(cat "/sys/block/$P1/numa_nodes")' $P2='$(cat "/sys/block/$P2/numa_nodes")'"
check numa_nodes_format sh -c "cat /sys/block/$P1/numa_nodes | grep -qxE '[0-9]+([-,][0-9]+)*'"
check numa_nodes_optimized_path_has_node in_nodelist "$(cat "/sys/block/$P1/numa_nodes")" "$node"
check numa_nodes_other_path_empty test -z "$(cat "/sys/block/$P2/numa_nodes")"
check queue_depth_empty_under_numa test -z "$(cat "/sys/block/$P1/queue_depth")"
check iopolicy_queue_depth set_iopolicy queue-depth
check queue_depth_idle_zero sh -c "[ \$(cat /sys/block/$P1/queue_depth) = 0 ] && [ \$(cat /sys/block/$P2/queue_depth) = 0 ]"
check numa_nodes_empty_under_qd test -z "$(cat "/sys/block/$P1/numa_nodes")"
check iopolicy_round_robin set_iopolicy round-robin
check iopolicy_numa_again set_iopolicy numa

# Data written through the head is on the namespace, whichever path.
dd if=/dev/urandom of=/tmp/data bs=64k count=16 2>/dev/null
dd if=/tmp/data of="/dev/$HEAD" bs=64k oflag=direct 2>/dev/null
check head_data_on_backing sh -c "dd if=$NULLDEV bs=64k count=16 iflag=direct 2>/dev/null | cmp -s - /tmp/data"

check disconnect_all sh -c "nvme disconnect -n $NQN | grep -q 'disconnected 2 controller'"
for _ in $(seq 50); do [ -e "/sys/block/$HEAD" ] || break; sleep 0.1; done
check head_gone_after_disconnect test ! -e "/sys/block/$HEAD"
# Four ports, four controllers, all optimized: four hidden paths,
# round-robin over all.
four_paths() {
	local p
	set_ana 2 optimized
	nvmet_add_port 3 && nvmet_add_port 4 || return 1
	for p in 1 2 3 4; do
		connect_port "$p" || return 1
	done
	HEAD=
	for _ in $(seq 100); do
		HEAD=$(head_disk) && [ -b "/dev/$HEAD" ] && break
		sleep 0.1
	done
	SUBSYS=$(subsys_dir)
	[ -b "/dev/$HEAD" ] && [ "$(ls "/sys/block/$HEAD/multipath" | wc -l)" = 4 ]
}
require four_controllers_four_paths four_paths
nvme list-subsys "/dev/$HEAD" >/tmp/ls.txt 2>&1
cat /tmp/ls.txt
check list_subsys_four_live_optimized sh -c "[ \$(grep -cE 'loop traddr=[1-4] live optimized' /tmp/ls.txt) = 4 ]"
check four_paths_hidden sh -c "for p in \$(ls /sys/block/$HEAD/multipath); do [ \$(cat /sys/block/\$p/hidden) = 1 ] || exit 1; done"
check rr_set_four set_iopolicy round-robin
before=$(path_ios $(ls "/sys/block/$HEAD/multipath"))
dd if="/dev/$HEAD" of=/dev/null bs=4k count=400 iflag=direct 2>/dev/null
after=$(path_ios $(ls "/sys/block/$HEAD/multipath"))
echo "round-robin over four paths, 400 reads: before $before, after $after"
# Each path carried at least 80 of the 400 reads (an even split is 100).
check rr_four_paths_each_a_share sh -c "echo '$before $after' | tr ' ' '\n' | awk -F= '
	{ if (\$1 in b) { d = \$2 - b[\$1]; n++; if (d < 80) bad = 1 } else b[\$1] = \$2 }
	END { exit !(n == 4 && !bad) }'"
check disconnect_four sh -c "nvme disconnect -n $NQN | grep -q 'disconnected 4 controller'"

# The other tools of the initramfs run (scsi_debug's default disk is sda).
check tool_bash bash -c '[ "${BASH_VERSINFO[0]}" -ge 5 ]'
check tool_dmsetup sh -c "dmsetup version | grep -q 'Driver version'"
check tool_sg_inq sh -c "sg_inq /dev/sda | grep -q 'scsi_debug'"
check tool_sg_rtpg_runs sh -c "sg_rtpg /dev/sda >/dev/null 2>&1; [ \$? -ne 127 ]"
check tool_sg_persist sh -c "sg_persist -i -k /dev/sda >/dev/null 2>&1; [ \$? -ne 127 ]"
scenario_time
