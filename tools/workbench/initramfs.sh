#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the scenario initramfs: busybox, fio, bash, nvme-cli, dmsetup and
# sg3-utils (with the libraries ldd lists), the modules of the test kernel,
# /init, the scenario scripts and mpath_ioctl (built static here).
# Prints the path of the gzipped cpio archive.
set -euo pipefail
source "$(dirname "$0")/env.sh"

root=${INITRAMFS_ROOT:-$CACHE/initramfs/root}
out=${INITRAMFS_OUT:-$CACHE/initramfs/initramfs.cpio.gz}
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,lib,lib64,proc,sys,dev,tmp,etc,scenarios}
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$root/dev/console" c 5 1

cp /bin/busybox "$root/bin/busybox"
# All in /usr/bin, which is in the guest's PATH (/usr/sbin is not).
# INITRAMFS_EXTRA_TOOLS adds more (make bench: perf).
for tool in /usr/bin/fio /usr/bin/bash /usr/sbin/nvme /usr/sbin/dmsetup \
	/usr/bin/sg_inq /usr/bin/sg_rtpg /usr/bin/sg_persist ${INITRAMFS_EXTRA_TOOLS:-}; do
	[ -x "$tool" ] || { log "$tool missing: run tools/workbench/setup-toolchain.sh"; exit 1; }
	cp "$tool" "$root/usr/bin/"
	ldd "$tool" | awk '/=>/ { print $3 } /^[ \t]*\/lib/ { print $1 }' | while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
# nvme-cli reads the host NQN and ID from /etc/nvme; one pair per image.
mkdir -p "$root/etc/nvme"
hostid=$(cat /proc/sys/kernel/random/uuid)
echo "nqn.2014-08.org.nvmexpress:uuid:$hostid" >"$root/etc/nvme/hostnqn"
echo "$hostid" >"$root/etc/nvme/hostid"
cp -a "$MODROOT/lib/modules" "$root/lib/" 2>/dev/null || true
install -m 0755 "$REPO/tools/testing/multipath/init" "$root/init"
# The ioctl and sysfs write probe of the hostile-input scenarios.
gcc -static -O2 -Wall -o "$root/usr/bin/mpath_ioctl" "$REPO/tools/testing/multipath/mpath_ioctl.c"
cp "$REPO"/tools/testing/multipath/scenarios/*.sh "$root/scenarios/"

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
