# SPDX-License-Identifier: GPL-2.0
#
# The head's character device (ngXnY), whose file operations are
# libmultipath's mpath_chr_fops: nvme-cli's admin and I/O passthrough
# commands and fio's io_uring passthrough engine through it, data checked
# against the head block device; the passthrough I/O lands on the path
# libmultipath chose, per ANA state; no path gives -EWOULDBLOCK (ioctl)
# and -EINVAL (io_uring); bad ioctls are refused; the node goes with the
# head.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

require nvme_loop_two_controllers setup_paths 2 64
NG=/dev/ng${HEAD#nvme}
echo "head $HEAD, char device $NG, paths $P1 (port 1) $P2 (port 2)"
require head_chardev_exists wait_for "$NG"
check head_chardev_is_char_device test -c "$NG"
check head_chardev_under_subsystem test -e "$SUBSYS/${NG#/dev/}"

# Passthrough I/O is counted in the path disks' statistics only when asked.
for p in "$P1" "$P2"; do
	echo 1 >"/sys/block/$p/queue/iostats_passthrough"
done

check id_ctrl_through_head_chardev sh -c "nvme id-ctrl $NG | grep -q '^subnqn.*$NQN'"
check id_ns_through_head_chardev sh -c "nvme id-ns $NG | grep -q '^nsze'"

# nvme-cli I/O passthrough against the block device, both ways.
dd if=/dev/urandom of=/tmp/blk bs=4k count=16 2>/dev/null
dd if=/dev/urandom of=/tmp/pt bs=4k count=16 2>/dev/null
pt_read() {
	nvme read "$NG" --start-block="$1" --block-count=15 --data-size=65536 \
		--data=/tmp/back >/dev/null 2>&1
}
pt_write() {
	nvme write "$NG" --start-block="$1" --block-count=15 --data-size=65536 \
		--data="$2" >/dev/null 2>&1
}
# pt_read_matches BLOCK FILE: a passthrough read at BLOCK returns FILE.
pt_read_matches() {
	pt_read "$1" && cmp -s "$2" /tmp/back
}
blk_read_matches() {
	dd if="/dev/$HEAD" of=/tmp/back bs=64k skip="$1" count=1 iflag=direct 2>/dev/null &&
		cmp -s "$2" /tmp/back
}
check block_write dd if=/tmp/blk of="/dev/$HEAD" bs=64k oflag=direct 2>/dev/null
check passthrough_read_returns_block_data pt_read_matches 0 /tmp/blk
check passthrough_write pt_write 16 /tmp/pt
check block_read_returns_passthrough_data blk_read_matches 1 /tmp/pt

# The passthrough command goes to the path I/O would use: the optimized one.
# pt_on P: passthrough reads through the head land on path P, none on the
# other path.
pt_on() {
	local a b i
	a=$(ios_of "$P1") b=$(ios_of "$P2")
	for i in 1 2 3 4 5 6 7 8; do
		pt_read 0 || return 1
	done
	a=$(($(ios_of "$P1") - a)) b=$(($(ios_of "$P2") - b))
	echo "passthrough reads: $P1 $a, $P2 $b"
	if [ "$1" = 1 ]; then
		[ "$a" -ge 8 ] && [ "$b" -eq 0 ]
	else
		[ "$b" -ge 8 ] && [ "$a" -eq 0 ]
	fi
}
require ana_port1_inaccessible set_and_wait_ana 1 inaccessible
check passthrough_on_optimized_path2 pt_on 2
require ana_port1_optimized set_and_wait_ana 1 optimized
require ana_port2_inaccessible set_and_wait_ana 2 inaccessible
check passthrough_on_optimized_path1 pt_on 1
require ana_port2_optimized set_and_wait_ana 2 optimized

# io_uring passthrough (uring_cmd) with fio, written and verified.
fio --name=uring --filename="$NG" --ioengine=io_uring_cmd --cmd_type=nvme \
	--rw=randwrite --bs=4k --size=8m --iodepth=8 --verify=crc32c \
	--eta=never --output=/tmp/uring.log
check uring_cmd_write_verify test $? -eq 0
grep -E "IOPS|err=" /tmp/uring.log | head -n 3

# Bad input: an ioctl the namespace does not know, on the head's node.
blockdev --getsize64 "$NG" >/tmp/bad.log 2>&1
cat /tmp/bad.log
check block_ioctl_refused_enotty grep -q "Inappropriate ioctl" /tmp/bad.log
# A passthrough command for another namespace than the node's is refused.
check passthrough_other_nsid_refused sh -c \
	"! nvme io-passthru $NG --opcode=2 --namespace-id=99 --data-len=4096 --read >/dev/null 2>&1"

# No path: the head stays (delayed removal), the node answers -EWOULDBLOCK
# to ioctls and -EINVAL to io_uring commands (fio, started with a path, sees
# the commands issued after the last path went fail), and works again once
# a path is back.
echo 60 >"/sys/block/$HEAD/delayed_removal_secs"
# What the namespace holds at block 16 now (fio wrote over it), to check
# passthrough reads after the path returns.
dd if="/dev/$HEAD" of=/tmp/before bs=64k skip=1 count=1 iflag=direct 2>/dev/null
# passthrough_io_seen: the paths completed passthrough I/O since $pt0.
passthrough_io_seen() {
	[ $(($(ios_of "$P1") + $(ios_of "$P2"))) -gt "$pt0" ]
}
pt0=$(($(ios_of "$P1") + $(ios_of "$P2")))
# fio stops at the first -EINVAL, soon after the paths are gone; its
# runtime only has to outlast the disconnect on a slow, loaded host.
fio --name=nopath --filename="$NG" --ioengine=io_uring_cmd --cmd_type=nvme \
	--rw=randread --bs=4k --size=8m --time_based --runtime=120 --rate_iops=200 \
	--eta=never >/tmp/nopath-uring.log 2>&1 &
fio_pid=$!
for _ in $(seq 100); do
	passthrough_io_seen && break
	sleep 0.1
done
check uring_cmd_io_under_way passthrough_io_seen
check disconnect_both nvme disconnect -n "$NQN"
for _ in $(seq 100); do
	[ ! -e "/sys/block/$P1" ] && [ ! -e "/sys/block/$P2" ] && break
	sleep 0.1
done
check chardev_stays_without_path test -c "$NG"
nvme id-ns "$NG" >/tmp/nopath.log 2>&1
echo "id-ns without a path: $(tail -n 1 /tmp/nopath.log)"
check ioctl_without_path_ewouldblock grep -qi "temporarily unavailable" /tmp/nopath.log
wait "$fio_pid"
grep -E "err=|error" /tmp/nopath-uring.log || tail -n 5 /tmp/nopath-uring.log
check uring_cmd_without_path_einval grep -qi "invalid argument" /tmp/nopath-uring.log
check reconnect_port1 connect_port 1
P1=$(path_of_port 1) P2=
check path1_optimized_again wait_ana 1 optimized
# The path goes live right after its ANA state is known.
pt_read_soon() {
	for _ in $(seq 20); do
		pt_read_matches "$@" && return 0
		sleep 0.1
	done
	return 1
}
check passthrough_after_reconnect pt_read_soon 16 /tmp/before

# Removal: the node goes with the head, even while a file is open on it.
exec 3<"$NG"
echo 0 >"/sys/block/$HEAD/delayed_removal_secs"
check disconnect_last nvme disconnect -n "$NQN"
for _ in $(seq 100); do
	[ ! -e "$NG" ] && break
	sleep 0.1
done
check chardev_gone_with_head test ! -e "/sys/class/nvme-generic/${NG#/dev/}"
check head_gone test ! -e "/sys/block/$HEAD"
exec 3<&-
