# SPDX-License-Identifier: GPL-2.0
#
# The Rust sample's per-path state files, set at run time: I/O goes to the
# optimized path, to a non-optimized one when no optimized path is left,
# waits while every path is failed and resumes when one comes back, with
# no I/O error and the data verified; every bad value is rejected (kernel
# command line: scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0).
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

S=/sys/block/mpatha/sample

state() {
	cat "$S/path$1_state"
}

# set_state N STATE: path N takes STATE and reads it back.
set_state() {
	printf '%s\n' "$2" >"$S/path$1_state" && [ "$(state "$1")" = "$2" ]
}

# rejected N VALUE: writing VALUE (as is) to path N's state fails and the
# state reads the same afterwards.
rejected() {
	local before after
	before=$(state "$1")
	if (printf '%s' "$2" >"$S/path$1_state") 2>/dev/null; then
		echo "  accepted '$(printf '%s' "$2" | head -c 40)' (now '$(state "$1")')"
		return 1
	fi
	after=$(state "$1")
	[ "$before" = "$after" ] || echo "  path$1_state changed from '$before' to '$after'"
	[ "$before" = "$after" ]
}

wait_for /sys/block/sdb
require two_scsi_paths test -e /sys/block/sda -a -e /sys/block/sdb
require sample_loads insmod "$(sample_module)" path0="$(devt sda)" path1="$(devt sdb)" iopolicy=1
wait_for /dev/mpatha
require head_disk_appears test -b /dev/mpatha
check state_file_per_path test -f "$S/path0_state" -a -f "$S/path1_state"
check no_state_file_without_path test ! -e "$S/path2_state"
check multipath_links_kept test -L /sys/block/mpatha/multipath/sda -a -L /sys/block/mpatha/multipath/sdb
check paths_start_optimized test "$(state 0) $(state 1)" = "optimized optimized"

# Exactly the three names, with at most one trailing newline.
long=$(printf '%05000d' 0 | tr 0 x)
long_valid=optimized$(printf '%04090d' 0 | tr 0 ' ')
check state_rejects_foo rejected 0 foo
check state_rejects_uppercase rejected 0 Optimized
check state_rejects_prefix rejected 0 optim
check state_rejects_trailing_junk rejected 0 failedx
check state_rejects_leading_space rejected 0 " failed"
check state_rejects_trailing_space rejected 0 "failed "
check state_rejects_underscore rejected 0 non_optimized
check state_rejects_two_newlines rejected 0 "failed

"
check state_rejects_empty_line rejected 0 "
"
check state_rejects_number rejected 0 1
check state_rejects_long_string rejected 0 "$long"
check state_rejects_long_valid_prefix rejected 1 "$long_valid"
check state_rejects_on_path1_too rejected 1 standby
check state_accepts_without_newline sh -c "printf non-optimized >$S/path1_state && [ \$(cat $S/path1_state) = non-optimized ]"
check state_accepts_with_newline set_state 1 optimized

dd if=/dev/urandom of=/tmp/data1 bs=64k count=64 2>/dev/null
dd if=/dev/urandom of=/tmp/data2 bs=64k count=64 2>/dev/null
dd if=/dev/urandom of=/tmp/data3 bs=64k count=64 2>/dev/null
put() {
	dd if="$1" of=/dev/mpatha bs=64k oflag=direct 2>/dev/null
}
same_as() {
	dd if=/dev/mpatha of=/tmp/back bs=64k count=64 iflag=direct 2>/dev/null && cmp -s "$1" /tmp/back
}
# round_trip DATA: written and read back through the head; the I/Os of
# each path in A and B.
round_trip() {
	local a b
	a=$(ios sda) b=$(ios sdb)
	put "$1" && same_as "$1"
	local rc=$?
	A=$(($(ios sda) - a)) B=$(($(ios sdb) - b))
	echo "  sda $A I/Os, sdb $B I/Os"
	return $rc
}

# One optimized path, one non-optimized: everything on the optimized one.
check set_path1_non_optimized set_state 1 non-optimized
check optimized_round_trip round_trip /tmp/data1
check optimized_path_used test "$A" -ge 128
check non_optimized_path_unused test "$B" -eq 0
# Swapped.
check swap_path0_non_optimized set_state 0 non-optimized
check swap_path1_optimized set_state 1 optimized
check swapped_round_trip round_trip /tmp/data2
check swapped_optimized_path_used test "$B" -ge 128
check swapped_non_optimized_path_unused test "$A" -eq 0
# No optimized path left: the non-optimized one.
check fail_path1 set_state 1 failed
check non_optimized_round_trip round_trip /tmp/data3
check non_optimized_path_used test "$A" -ge 128
check failed_path_unused test "$B" -eq 0

# Every path failed: a write waits, and completes once a path is back.
check fail_path0 set_state 0 failed
a=$(ios sda) b=$(ios sdb)
put /tmp/data1 &
writer=$!
sleep 3
check write_waits_while_all_failed kill -0 $writer
check no_io_while_all_failed test "$(ios sda) $(ios sdb)" = "$a $b"
check path1_back_optimized set_state 1 optimized
wait $writer
check queued_write_completes test $? -eq 0
check queued_write_went_to_path1 test "$(ios sdb)" -gt "$b" -a "$(ios sda)" -eq "$a"
check queued_write_read_back same_as /tmp/data1

# fio verifying its data while the states change under it.
check path0_back_optimized set_state 0 optimized
fio_start flip mpatha
check fio_flip_running wait_ios sda 64
window 2 sda sdb
echo "both optimized: sda $(d sda) I/Os, sdb $(d sdb) I/Os"
check fio_uses_both_optimized test "$(d sda)" -gt 0 -a "$(d sdb)" -gt 0
set_state 0 non-optimized
window 2 sda sdb
echo "path0 non-optimized: sda $(d sda) I/Os, sdb $(d sdb) I/Os"
check fio_moves_to_optimized test "$(d sda)" -eq 0 -a "$(d sdb)" -gt 0
set_state 1 failed
window 2 sda sdb
echo "path0 non-optimized, path1 failed: sda $(d sda) I/Os, sdb $(d sdb) I/Os"
check fio_moves_to_non_optimized test "$(d sda)" -gt 0 -a "$(d sdb)" -eq 0
set_state 0 failed
sleep 1
window 2 sda sdb
echo "both failed: sda $(d sda) I/Os, sdb $(d sdb) I/Os"
check fio_waits_while_all_failed test "$(d sda)" -eq 0 -a "$(d sdb)" -eq 0
set_state 1 non-optimized
window 2 sda sdb
echo "path1 back non-optimized: sda $(d sda) I/Os, sdb $(d sdb) I/Os"
check fio_resumes_on_path_back test "$(d sda)" -eq 0 -a "$(d sdb)" -gt 0
set_state 0 optimized
set_state 1 optimized
check fio_flip_still_running wait_ios sda 64
fio_stop flip
fio_checks flip
check no_io_error_logged sh -c '! dmesg | grep -i "i/o error"'

check sample_unloads rmmod rust_mpath
check head_disk_gone test ! -e /sys/block/mpatha
