#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the scenario initramfs: busybox, fio, bash, nvme-cli, dmsetup,
# sg3-utils, iproute2's ip and tc, open-iscsi's iscsid and iscsiadm (with
# the libraries ldd lists), the modules of the test kernel, /init, the
# scenario scripts and mpath_ioctl (built static here), and (unless
# INITRAMFS_DM=0) multipath-tools and udevd (dm_lib.sh).
# Prints the path of the gzipped cpio archive.
set -euo pipefail
source "$(dirname "$0")/env.sh"

root=${INITRAMFS_ROOT:-$CACHE/initramfs/root}
out=${INITRAMFS_OUT:-$CACHE/initramfs/initramfs.cpio.gz}
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,lib,lib64,proc,sys,dev,tmp,etc,scenarios}
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$root/dev/console" c 5 1

# libs FILE: copy the shared libraries ldd lists for FILE to the same
# paths in the image.
libs() {
	ldd "$1" | awk '/=>/ { print $3 } /^[ \t]*\/lib/ { print $1 }' | while read -r lib; do
		[ -f "$lib" ] || continue
		[ -f "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

cp /bin/busybox "$root/bin/busybox"
# All in /usr/bin, which is in the guest's PATH (/usr/sbin is not).
# INITRAMFS_EXTRA_TOOLS adds more (make bench: perf).
for tool in /usr/bin/fio /usr/bin/bash /usr/sbin/nvme /usr/sbin/dmsetup \
	/usr/bin/sg_inq /usr/bin/sg_rtpg /usr/bin/sg_persist /usr/bin/sg_turs \
	/usr/bin/sg_reset /usr/bin/sg_raw /usr/sbin/ip /usr/sbin/tc \
	/sbin/iscsid /sbin/iscsiadm \
	${INITRAMFS_EXTRA_TOOLS:-}; do
	[ -x "$tool" ] || { log "$tool missing: run tools/workbench/setup-toolchain.sh"; exit 1; }
	cp "$tool" "$root/usr/bin/"
	libs "$tool"
done

# Unless INITRAMFS_DM=0: dm-multipath's user space, Debian's multipath-tools
# (multipathd, multipath, the checker and prioritizer plugins of
# /lib/multipath) with its built-in hardware table, and udevd with one
# rule: it writes the udev database entries (multipathd takes only the
# block devices udev has initialized) and relays the kernel's uevents to
# multipathd.  The scenarios' dm_lib.sh starts them.
if [ "${INITRAMFS_DM:-1}" = 1 ]; then
	for tool in /sbin/multipathd /sbin/multipath /bin/udevadm; do
		[ -x "$tool" ] || { log "$tool missing: run tools/workbench/setup-toolchain.sh"; exit 1; }
		cp "$tool" "$root/usr/bin/"
		libs "$tool"
	done
	# udevadm runs as the daemon when invoked by this name.
	ln -s udevadm "$root/usr/bin/systemd-udevd"
	mkdir -p "$root/lib/multipath" "$root/etc/multipath" "$root/run" \
		"$root/etc/udev/rules.d"
	# The one rule: a dm device's DM_NAME and DM_UUID, as dmsetup's
	# 55-dm.rules would import them.  multipathd takes the uevent of a
	# map only with its DM_UUID, and until that of a new map comes (30 s
	# at most), it neither refreshes path priorities nor fails back.
	cat >"$root/etc/udev/rules.d/55-dm-name.rules" <<'RULE'
SUBSYSTEM=="block", KERNEL=="dm-[0-9]*", ACTION!="remove", ENV{DM_NAME}="$attr{dm/name}", ENV{DM_UUID}="$attr{dm/uuid}"
RULE
	for so in /lib/multipath/*.so; do
		cp "$so" "$root/lib/multipath/"
		libs "$so"
	done
	# The built-in defaults and hardware table but for what a guest
	# without systemd and Debian's udev rules needs: maps named by their WWID (no
	# bindings file), a map for every SCSI disk (no wwids file to learn
	# from) and the WWID read from sysfs (VPD page 0x83), not from the
	# ID_SERIAL a udev rule would have set.
	cat >"$root/etc/multipath.conf" <<'CONF'
defaults {
	user_friendly_names no
	find_multipaths no
	uid_attribute ""
}
CONF
fi

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
