# SPDX-License-Identifier: GPL-2.0
#
# Invalid input to the NVMe multipath knobs is rejected: the write fails
# and the value reads back unchanged.  Valid spellings are accepted, so
# the rejections are not just a read-only file.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 16
IOP=$SUBSYS/iopolicy
DRS=/sys/block/$HEAD/delayed_removal_secs
long=$(printf '%05000d' 0 | tr 0 x)

# rejected FILE VALUE: writing VALUE (as is, no newline added) fails and
# FILE reads the same afterwards.
rejected() {
	local before after
	before=$(cat "$1")
	if (printf '%s' "$2" >"$1") 2>/dev/null; then
		echo "  accepted '$(echo "$2" | cut -c1-40)' into $1 (now '$(cat "$1")')"
		return 1
	fi
	after=$(cat "$1")
	[ "$before" = "$after" ] || echo "  $1 changed from '$before' to '$after'"
	[ "$before" = "$after" ]
}

# accepted FILE VALUE EXPECTED
accepted() {
	(printf '%s' "$2" >"$1") 2>/dev/null && [ "$(cat "$1")" = "$3" ]
}

check iopolicy_starts_numa test "$(cat "$IOP")" = numa
check iopolicy_rejects_foo rejected "$IOP" foo
check iopolicy_rejects_empty_line rejected "$IOP" "
"
check iopolicy_rejects_long_string rejected "$IOP" "$long"
check iopolicy_rejects_uppercase rejected "$IOP" NUMA
check iopolicy_rejects_prefix rejected "$IOP" round
check iopolicy_rejects_trailing_junk rejected "$IOP" "round-robin2"
check iopolicy_rejects_leading_space rejected "$IOP" " queue-depth"
check iopolicy_accepts_round_robin accepted "$IOP" "round-robin
" round-robin
check iopolicy_rejects_foo_keeps_rr rejected "$IOP" foo
check iopolicy_accepts_queue_depth accepted "$IOP" queue-depth queue-depth
check iopolicy_accepts_numa accepted "$IOP" numa numa

check delayed_removal_starts_0 test "$(cat "$DRS")" = 0
check delayed_removal_accepts_7 accepted "$DRS" 7 7
check delayed_removal_rejects_minus_1 rejected "$DRS" -1
check delayed_removal_rejects_abc rejected "$DRS" abc
check delayed_removal_rejects_above_uint_max rejected "$DRS" 4294967296
check delayed_removal_rejects_huge rejected "$DRS" 99999999999999999999999
check delayed_removal_rejects_fraction rejected "$DRS" 1.5
check delayed_removal_rejects_empty_line rejected "$DRS" "
"
check delayed_removal_rejects_long_string rejected "$DRS" "$long"
check delayed_removal_accepts_hex accepted "$DRS" 0x10 16
check delayed_removal_accepts_0 accepted "$DRS" 0 0

# Read-only per-path attributes and the module parameter.
check ana_state_not_writable rejected "/sys/block/$P1/ana_state" inaccessible
check ana_grpid_not_writable rejected "/sys/block/$P1/ana_grpid" 1
MP=/sys/module/nvme_core/parameters/iopolicy
if [ -e "$MP" ]; then
	check module_iopolicy_rejects_foo rejected "$MP" foo
	check module_iopolicy_unchanged_numa test "$(cat "$MP")" = numa
fi

# Fabrics: an unknown NQN or a malformed option string connects nothing.
ctrls() {
	ls -d /sys/class/nvme/nvme* 2>/dev/null | wc -l
}
n=$(ctrls)
check connect_unknown_nqn_fails sh -c "! nvme connect -t loop -n nqn.2026-11.io.libmultipath:nonexistent -a 1 >/dev/null 2>&1"
check fabrics_rejects_garbage sh -c "! (printf 'transport=loop,bogus_option=1' >/dev/nvme-fabrics) 2>/dev/null"
check fabrics_rejects_missing_nqn sh -c "! (printf 'transport=loop,traddr=1' >/dev/nvme-fabrics) 2>/dev/null"
check no_controller_added test "$(ctrls)" -eq "$n"
check paths_still_two sh -c "[ \$(ls /sys/block/$HEAD/multipath | wc -l) = 2 ]"
scenario_time
