# SPDX-License-Identifier: GPL-2.0
#
# Hostile input to NVMe native multipath on libmultipath (kernel command
# line: null_blk.nr_devices=0): junk, oversized, embedded-NUL writes to
# every store of the head, subsystem and paths and to nvme_core's iopolicy
# parameter; bad commands and bad pointers to the ioctls of the head block
# device and of its character device (ngXnY); concurrent writers while fio
# verifies data through the head.  Each is refused with the errno the
# kernel gives, and nothing changes: values read back, the path count, and
# I/O through the head.  Supersedes nvme_bad_input.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 16
IOP=$SUBSYS/iopolicy
H=/sys/block/$HEAD
DRS=$H/delayed_removal_secs
NG=/dev/ng${HEAD#nvme}
MP=/sys/module/nvme_core/parameters
echo "head $HEAD, char device $NG, paths $P1 $P2, subsystem $SUBSYS"
echo "writable attributes:"
for d in "$H" "$SUBSYS" "/sys/block/$P1" "$MP"; do
	find "$d/" -maxdepth 2 -type f -perm -200 2>/dev/null | grep -v '/queue/\|/power/\|/trace/\|/integrity/' | sed 's/^/  /'
done

# round_trip: 1 MiB of random data written through the head and read back.
dd if=/dev/urandom of=/tmp/data bs=64k count=16 2>/dev/null
round_trip() {
	dd if=/tmp/data of="/dev/$HEAD" bs=64k oflag=direct 2>/dev/null &&
		dd if="/dev/$HEAD" of=/tmp/back bs=64k count=16 iflag=direct 2>/dev/null &&
		cmp -s /tmp/data /tmp/back
}
npaths() {
	ls "$H/multipath" | wc -l
}
check two_paths_linked test "$(npaths)" = 2
check io_before round_trip

# Subsystem iopolicy.
iopolicy_checks iopolicy "$IOP"

# Head: delayed removal and the diagnostic counters.
check delayed_removal_starts_0 test "$(cat "$DRS")" = 0
check delayed_removal_accepts_7 accepted "$DRS" 7 7
printf '%s\n' "$NUMBER_JUNK" | rejects_all delayed_removal "$DRS"
check delayed_removal_rejects_above_uint_max rejected "$DRS" 4294967296
rejects_sizes delayed_removal "$DRS"
check delayed_removal_accepts_hex accepted "$DRS" 0x10 16
check delayed_removal_accepts_plus accepted "$DRS" +5 5
check delayed_removal_accepts_a_day accepted "$DRS" 86400 86400
# The delay in jiffies must fit an int (libmultipath's limit).
check delayed_removal_rejects_uint_max rejected "$DRS" 4294967295
check delayed_removal_input_ends_at_nul accepted "$DRS" '3\0009' 3
check delayed_removal_accepts_0 accepted "$DRS" '0\n' 0
for c in io_requeue_no_usable_path_count io_fail_no_available_path_count; do
	f=$H/diag/$c
	[ -e "$f" ] || continue
	check "${c}_accepts_0" accepted "$f" 0 0
	printf '%s\n' "$NUMBER_JUNK" | rejects_all "$c" "$f"
	rejects_sizes "$c" "$f"
	check "${c}_accepts_u64_max" accepted "$f" 18446744073709551615 18446744073709551615
	check "${c}_rejects_junk_keeps_max" rejected "$f" abc
	check "${c}_back_to_0" accepted "$f" 0 0
done

# Read-only attributes of the head and the paths: not even opened for
# writing (EACCES), root or not.
for f in head:$H/wwid head:$H/nsid path:/sys/block/$P1/ana_state \
	path:/sys/block/$P1/ana_grpid path:/sys/block/$P1/numa_nodes \
	path:/sys/block/$P1/queue_depth; do
	[ -e "${f#*:}" ] || continue
	check "${f%%:*}_${f##*/}_read_only" rejected "${f#*:}" 1 EACCES
done

# nvme_core's iopolicy parameter (the default of new subsystems).
if [ -w "$MP/iopolicy" ]; then
	iopolicy_checks module_iopolicy "$MP/iopolicy"
fi
for p in multipath multipath_always_on; do
	# Mode 444 (test -w is true for root whatever the mode).
	[ "$(stat -c %a "$MP/$p" 2>/dev/null)" = 444 ] &&
		check "module_${p}_read_only" rejected "$MP/$p" N EACCES
done

# Ioctls on the head block device and on its character device.
ioctl_case() {
	check "$1_$2" mpath_ioctl "$3" "$2" "$4"
}
for c in nvme-id:OK nvme-admin-id:OK nvme-io-read:OK getgeo:OK badcmd:ENOTTY \
	badcmd-blk:ENOTTY nvme-admin-badptr:EFAULT nvme-admin-baddata:EFAULT \
	nvme-admin64-badptr:EFAULT nvme-admin64-baddata:EFAULT nvme-io-badptr:EFAULT \
	nvme-io64-badptr:EFAULT nvme-io-baddata:EFAULT nvme-submit-io-badptr:EFAULT \
	nvme-submit-io-baddata:EFAULT getgeo-badptr:EFAULT getsize64-badptr:EFAULT \
	pr-register-badptr:EFAULT pr-read-keys-badptr:EFAULT pr-read-keys-toomany:EINVAL \
	sgio-badptr:ENOTTY; do
	ioctl_case head "${c%%:*}" "/dev/$HEAD" "${c#*:}"
done
for c in nvme-id:OK nvme-admin-id:OK nvme-io-read:OK badcmd:ENOTTY \
	nvme-admin-badptr:EFAULT nvme-admin-baddata:EFAULT nvme-admin64-badptr:EFAULT \
	nvme-admin64-baddata:EFAULT nvme-io-badptr:EFAULT nvme-io64-badptr:EFAULT \
	nvme-io-baddata:EFAULT nvme-submit-io-badptr:EFAULT nvme-submit-io-baddata:EFAULT \
	getgeo-badptr:ENOTTY; do
	ioctl_case chardev "${c%%:*}" "$NG" "${c#*:}"
done

# Fabrics: an unknown NQN or a malformed option string connects nothing.
ctrls() {
	ls -d /sys/class/nvme/nvme* 2>/dev/null | wc -l
}
n=$(ctrls)
check connect_unknown_nqn_fails sh -c "! nvme connect -t loop -n nqn.2026-11.io.libmultipath:nonexistent -a 1 >/dev/null 2>&1"
check fabrics_rejects_garbage sh -c "! (printf 'transport=loop,bogus_option=1' >/dev/nvme-fabrics) 2>/dev/null"
check fabrics_rejects_missing_nqn sh -c "! (printf 'transport=loop,traddr=1' >/dev/nvme-fabrics) 2>/dev/null"
check no_controller_added test "$(ctrls)" -eq "$n"

check still_two_paths test "$(npaths)" = 2
check io_after_bad_input round_trip

# Concurrent writers, good and bad values, while fio verifies through the
# head; afterwards each value is a good one.
set_iopolicy numa
fio_start hostile
check fio_running fio_running
HAMMERS=
hammer_iopolicy 10 "$IOP"
hammer 10 "$DRS" 0 -1 5 abc 0x10 99999999999 &
HAMMERS="$HAMMERS $!"
hammer 10 "$DRS" 5 0 1.5 16 "" 0 &
HAMMERS="$HAMMERS $!"
# Unquoted: a list of pids.
wait $HAMMERS
fio_stop hostile
fio_checks hostile
check iopolicy_good_after_race one_of "$(cat "$IOP")" numa round-robin queue-depth latency
check delayed_removal_good_after_race one_of "$(cat "$DRS")" 0 5 16
check delayed_removal_reset accepted "$DRS" 0 0
check iopolicy_reset accepted "$IOP" numa numa
check two_paths_after_race test "$(npaths)" = 2
check io_after_race round_trip
scenario_time
