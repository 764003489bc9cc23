# SPDX-License-Identifier: GPL-2.0
#
# The Rust sample's head over scsi_debug's two paths to one logical unit
# (kernel command line: scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0).
. /scenarios/lib.sh

wait_for /sys/block/sdb
check two_scsi_paths test -e /sys/block/sda -a -e /sys/block/sdb
check sample_loads insmod "$(sample_module)" path0="$(devt sda)" path1="$(devt sdb)" iopolicy=1
wait_for /dev/mpatha
check head_disk_appears test -b /dev/mpatha

# 4 MiB of random data, written and read back with direct I/O in 64 KiB
# bios, compared byte for byte.
put() {
	dd if="$1" of="$2" bs=64k oflag=direct 2>/dev/null
}
same_as() {
	dd if="$2" of=/tmp/back bs=64k count=64 iflag=direct 2>/dev/null && cmp -s "$1" /tmp/back
}
dd if=/dev/urandom of=/tmp/data1 bs=64k count=64 2>/dev/null
dd if=/dev/urandom of=/tmp/data2 bs=64k count=64 2>/dev/null
dd if=/dev/urandom of=/tmp/data3 bs=64k count=64 2>/dev/null

a=$(ios sda) b=$(ios sdb)
check write_through_head put /tmp/data1 /dev/mpatha
check read_back_through_head same_as /tmp/data1 /dev/mpatha
echo "round-robin: sda $(($(ios sda) - a)) I/Os, sdb $(($(ios sdb) - b)) I/Os"
check round_robin_uses_sda test $(($(ios sda) - a)) -ge 32
check round_robin_uses_sdb test $(($(ios sdb) - b)) -ge 32
check data_on_path_sda same_as /tmp/data1 /dev/sda
check data_on_path_sdb same_as /tmp/data1 /dev/sdb

echo offline >/sys/block/sdb/device/state
a=$(ios sda) b=$(ios sdb)
check failover_write put /tmp/data2 /dev/mpatha
check failover_read_back same_as /tmp/data2 /dev/mpatha
echo "sdb offline: sda $(($(ios sda) - a)) I/Os, sdb $(($(ios sdb) - b)) I/Os"
check offline_path_unused test "$(ios sdb)" -eq "$b"
echo running >/sys/block/sdb/device/state

b=$(ios sdb)
check back_in_service_write put /tmp/data3 /dev/mpatha
check back_in_service_read_back same_as /tmp/data3 /dev/mpatha
check running_path_used_again test "$(ios sdb)" -gt "$b"

fio --name=rand --filename=/dev/mpatha --rw=randwrite --bs=4k --size=16m --direct=1 \
	--ioengine=psync --verify=crc32c --time_based --runtime=5 --eta=never \
	--output=/tmp/rand.log
check fio_random_write_verify test $? -eq 0
grep -E "IOPS|err=" /tmp/rand.log | head -n 3

# An opener of the head disk pins the module; closing unpins it.
refs=$(cat /sys/module/rust_mpath/refcnt)
exec 3<>/dev/mpatha
# Unpinned, rmmod would wait forever for the opener (this shell): skip it.
if check open_head_pins_module test "$(cat /sys/module/rust_mpath/refcnt)" -eq $((refs + 1)); then
	check no_rmmod_while_open sh -c "! rmmod rust_mpath 2>/dev/null"
fi
round_trip() {
	put "$1" /dev/mpatha && same_as "$1" /dev/mpatha
}
check head_usable_after_failed_rmmod round_trip /tmp/data1
exec 3>&-
check close_unpins_module test "$(cat /sys/module/rust_mpath/refcnt)" -eq "$refs"

check sample_unloads rmmod rust_mpath
check head_disk_gone test ! -e /sys/block/mpatha
