# SPDX-License-Identifier: GPL-2.0
#
# Hostile input to native SCSI multipath (kernel command line as
# scsi_mpath_alua: scsi_mod.multipath=on scsi_debug.add_host=3
# scsi_debug.vpd_use_hostno=0): junk, oversized and embedded-NUL writes to
# the head's iopolicy, the scsi_mod.multipath parameter and scsi_debug's
# ALUA knobs of our patches; bad commands and bad pointers to the head's
# ioctls; concurrent writers while fio verifies data through the head.
# Each is refused with the errno the kernel gives, and nothing changes.
. /scenarios/lib.sh
. /scenarios/scsi_lib.sh

setup_head
H=/sys/block/$HEAD
IOP=$H/iopolicy
MP=/sys/module/scsi_mod/parameters/multipath
P1=$(paths_of "$HEAD" | head -n 1)
NPATHS=$(paths_of "$HEAD" | wc -l)
echo "head $HEAD, $NPATHS paths: $(paths_of "$HEAD" | tr '\n' ' ')"
echo "writable attributes:"
for d in "$H" "/sys/block/$P1" /sys/module/scsi_mod/parameters "$SDEBUG"; do
	find "$d/" -maxdepth 1 -type f -perm -200 2>/dev/null | sed 's/^/  /'
done
check three_paths test "$NPATHS" = 3
check io_before head_io "$HEAD"

# The head's iopolicy.
iopolicy_checks iopolicy "$IOP"

# Read-only attributes of the head and of a path.
for f in "head:$H/wwid" "path:/sys/block/$P1/numa_nodes" "path:/sys/block/$P1/queue_depth"; do
	[ -e "${f#*:}" ] || continue
	check "${f%%:*}_${f##*/}_read_only" rejected "${f#*:}" 1 EACCES
done

# scsi_mod.multipath, writable at run time (for disks probed afterwards).
if [ -w "$MP" ]; then
	check multipath_param_reads_on test "$(cat "$MP")" = on
	printf '%s\n' 'foo|foo|
uppercase|ON|
prefix|o|
trailing_junk|onn|
leading_space| on|
trailing_space|on |
newline_only|\n|
two_newlines|on\n\n|
number|1|
negative|-1|
leading_nul|\0on|
junk_before_nul|x\0on|
control_chars|\033on|' | rejects_all multipath_param "$MP"
	rejects_sizes multipath_param "$MP"
	check multipath_param_accepts_always accepted "$MP" 'always\n' always
	check multipath_param_accepts_off accepted "$MP" off off
	check multipath_param_accepts_on accepted "$MP" on on
fi

# scsi_debug's ALUA knobs (patch 0012): a state shift of 0..2, a boolean.
if [ -w "$SDEBUG/alua_shift" ]; then
	v=$(cat "$SDEBUG/alua_shift")
	printf '%s\n' "$NUMBER_JUNK" | rejects_all alua_shift "$SDEBUG/alua_shift"
	rejects_sizes alua_shift "$SDEBUG/alua_shift"
	check alua_shift_rejects_3 rejected "$SDEBUG/alua_shift" 3
	check alua_shift_rejects_int_overflow rejected "$SDEBUG/alua_shift" 4294967296
	check alua_shift_unchanged test "$(cat "$SDEBUG/alua_shift")" = "$v"
fi
if [ -w "$SDEBUG/no_tpgs" ]; then
	v=$(cat "$SDEBUG/no_tpgs")
	printf '%s\n' 'x|x|
two|2|
newline_only|\n|
leading_nul|\0001|' | rejects_all no_tpgs "$SDEBUG/no_tpgs"
	rejects_sizes no_tpgs "$SDEBUG/no_tpgs"
	check no_tpgs_unchanged test "$(cat "$SDEBUG/no_tpgs")" = "$v"
fi

# Ioctls on the head block device: forwarded to a path's sd.  An ioctl sd
# does not know gives the errno of the path disk itself (scsi_debug's
# ioctl says EINVAL).
for c in sgio-inquiry:OK getgeo:OK sgio-badptr:EFAULT sgio-baddata:EFAULT \
	getgeo-badptr:EFAULT getsize64-badptr:EFAULT pr-register-badptr:EFAULT \
	pr-read-keys-badptr:EFAULT pr-read-keys-toomany:EINVAL; do
	check "head_${c%%:*}" mpath_ioctl "/dev/$HEAD" "${c%%:*}" "${c#*:}"
done
path_errno() {
	mpath_ioctl "/dev/$P1" "$1" none | sed -n 's/.*: \(E[A-Z0-9]*\) ([0-9]*)$/\1/p'
}
for c in badcmd badcmd-blk nvme-admin-badptr nvme-id; do
	check "head_${c}_as_path" mpath_ioctl "/dev/$HEAD" "$c" "$(path_errno "$c")"
done

# The diag/ counters of a path and of the head take a number (usually
# 0): junk is refused and changes nothing.
for f in "$P1/diag/command_error_count" "$HEAD/diag/io_requeue_no_usable_path_count"; do
	n=$(basename "$f")
	printf '%s\n' "$NUMBER_JUNK" | rejects_all "diag_$n" "/sys/block/$f"
	rejects_sizes "diag_$n" "/sys/block/$f"
	check "diag_${n}_accepts_0" accepted "/sys/block/$f" '0\n' 0
	check "diag_${n}_accepts_hex" accepted "/sys/block/$f" 0x10 16
	check "diag_${n}_reset" accepted "/sys/block/$f" 0 0
done

check still_three_paths test "$(paths_of "$HEAD" | wc -l)" = 3
check io_after_bad_input head_io "$HEAD"

# Concurrent writers, good and bad values, while fio verifies through the
# head; afterwards each value is a good one.
echo "uptime $(cut -d' ' -f1 /proc/uptime) s: concurrent writers"
fio_start hostile "$HEAD"
# Under way: the optimized path (numa) completes I/O.  Not the head's
# stat: nothing accounts I/O on the SCSI head disk (NVMe accounts its head
# in nvme_mpath_start_request(); libmultipath and patch 0009 do not).
check fio_running wait_ios "$(path_of_host 0)" 32
HAMMERS=
hammer_iopolicy 10 "$IOP"
hammer 10 "$MP" on foo always "" off ON on &
HAMMERS="$HAMMERS $!"
hammer 10 "$MP" always 1 on "o n" &
HAMMERS="$HAMMERS $!"
# Unquoted: a list of pids.
wait $HAMMERS
fio_stop hostile
fio_checks hostile
check iopolicy_good_after_race one_of "$(cat "$IOP")" numa round-robin queue-depth latency
check multipath_param_good_after_race one_of "$(cat "$MP")" off on always
check multipath_param_reset accepted "$MP" on on
check iopolicy_reset accepted "$IOP" numa numa
check three_paths_after_race test "$(paths_of "$HEAD" | wc -l)" = 3
check one_head_after_race test "$(heads | wc -l)" = 1
check io_after_race head_io "$HEAD"
check no_mpath_leak no_mpath_leak
echo "scenario ended at uptime $(cut -d' ' -f1 /proc/uptime) s"
