#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot two kernels on the same NVMe loop topology and diff what a user
# sees (nvme list-subsys, sysfs): the kernel under test against a
# reference kernel, such as 7.3 with its C multipath.
#
#   compare-sysfs.sh REFERENCE_BZIMAGE [KERNEL_UNDER_TEST]
set -uo pipefail
source "$(dirname "$0")/env.sh"

ref=$1 mine=${2:-$BUILD/arch/x86/boot/bzImage}
bash "$WB/initramfs.sh" >/dev/null
for which in ref mine; do
	KERNEL=${!which} bash "$WB/scenario.sh" nvme_sysfs_dump "$LOGS/sysfs-$which.log" \
		null_blk.nr_devices=0
	# Host and namespace UUIDs are made up at every boot.
	sed -n 's/^.*DUMP //p' "$LOGS/sysfs-$which.log" | tr -d '\r' |
		sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' >"$LOGS/sysfs-$which.txt"
done
echo "reference: $ref"
echo "under test: $mine"
if diff -u "$LOGS/sysfs-ref.txt" "$LOGS/sysfs-mine.txt"; then
	echo "no difference in $(wc -l <"$LOGS/sysfs-mine.txt") lines"
fi
