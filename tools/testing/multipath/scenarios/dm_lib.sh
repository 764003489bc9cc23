# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the dm-multipath scenarios: the kernel's dm-multipath driven
# by multipathd (Debian bookworm's multipath-tools 0.9.4 with its built-in
# defaults and hardware table; the image of initramfs.sh INITRAMFS_DM=1),
# so that a scenario can take the same steps through dm-multipath as
# through native SCSI multipath.
#
# There is no systemd in the guest.  udevd runs with one rule (a dm
# device's DM_NAME and DM_UUID, initramfs.sh): it writes the udev database
# entries (multipathd takes only the block devices udev has initialized)
# and relays the kernel's uevents to multipathd (new paths, and the uevent
# of each new map, until which, 30 s at most, multipathd neither refreshes
# path priorities nor fails back).
# /etc/multipath.conf has multipathd read the WWID from sysfs (VPD page
# 0x83), not from a udev rule, and make a map for every SCSI disk, named by
# its WWID.  DM_DISABLE_UDEV=1: with no udev rule to confirm a dm device's
# uevent, libdevmapper (multipathd, multipath, dmsetup) must not wait for
# one; it makes its /dev/mapper nodes itself.
#
# The guest kernel needs CONFIG_NET and CONFIG_UNIX (multipathd's command
# socket, udevd's netlink and sockets), CONFIG_INOTIFY_USER (udevd) and
# CONFIG_DM_MULTIPATH_ST (service-time, multipath-tools' default path
# selector); CONFIG_DM_UEVENT for dm's path failure uevents.
#
# The logical units are numbered from 0 in the order of their LUN (the L
# of the H:C:T:L of their path disks, the lowest one when the paths differ),
# then of their WWID: mp_head 0 is the map of LUN 0.  For lio_lib.sh, this
# file also provides mp_head, mp_heads and mp_path_states.

export DM_DISABLE_UDEV=1
# multipathd's log (-v3: each path check, priority and map load).
DM_LOG=/tmp/multipathd.log
DM_VERBOSITY=${DM_VERBOSITY:-3}

# dm_udev_start: udevd running, the block devices there so far
# initialized in its database.
dm_udev_start() {
	mkdir -p /run/udev
	systemd-udevd --resolve-names=never >/tmp/udevd.log 2>&1 &
	UDEVD_PID=$!
	for _ in $(seq 100); do
		udevadm control --ping 2>/dev/null && break
		sleep 0.1
	done
	udevadm trigger --action=add --subsystem-match=block &&
		udevadm settle --timeout=300
}

# dm_maps: "LUN WWID DM" for each dm multipath map, in the order of
# mp_head (LUN 999999 for a map with no path left).  Forks only sort.
dm_maps() {
	local d uuid s x lun
	for d in /sys/block/dm-*; do
		[ -r "$d/dm/uuid" ] || continue
		read -r uuid <"$d/dm/uuid"
		case $uuid in mpath-*) ;; *) continue ;; esac
		lun=999999
		for s in "$d"/slaves/*; do
			for x in "$s"/device/scsi_device/*; do
				[ -e "$x" ] || continue
				x=${x##*:}
				[ "$x" -lt "$lun" ] && lun=$x
			done
		done
		echo "$lun ${uuid#mpath-} ${d##*/}"
	done | sort -k1,1n -k2,2
}

# mp_head N: the dm device (dm-N, its /dev name) of the Nth logical unit
# (from 0, in the order above).
mp_head() {
	local h
	h=$(dm_maps | sed -n "$(($1 + 1))p" | cut -d' ' -f3)
	[ -n "$h" ] && echo "$h"
}

# mp_heads: every logical unit's dm device, one a line, in that order.
mp_heads() {
	dm_maps | cut -d' ' -f3
}

# dm_name DM: the map's device-mapper name (its WWID here).
dm_name() {
	cat "/sys/block/$1/dm/name"
}

# dm_mapped: every SCSI disk that shares its WWID (the kernel's, from VPD
# page 0x83) with another one is a path of a multipath map, with the other
# disks of its logical unit.  Forks only awk.
dm_mapped() {
	local d w h u x
	for d in /sys/block/sd*; do
		[ -r "$d/device/wwid" ] || continue
		read -r w <"$d/device/wwid"
		h=-
		for u in "$d"/holders/dm-*; do
			[ -r "$u/dm/uuid" ] || continue
			read -r x <"$u/dm/uuid"
			case $x in mpath-*) h=${u##*/} ;; esac
		done
		echo "$w $h"
	done | awk '{ h1 = $NF; $NF = ""; w = $0; n[w]++
		if (!(w in h)) h[w] = h1; else if (h[w] != h1) bad = 1 }
		END { for (w in n) if (n[w] > 1 && h[w] == "-") bad = 1; exit bad }'
}

# dm_start: udevd and multipathd (in the foreground, in the background,
# logging into DM_LOG) running, and a map for each logical unit with 2 or
# more paths, within DM_START_S s (60 and 1 s per SCSI disk by default).
dm_start() {
	local t0 limit disks
	dm_udev_start || {
		echo "udevd did not start (CONFIG_NET, CONFIG_UNIX, CONFIG_INOTIFY_USER?):"
		cat /tmp/udevd.log
		return 1
	}
	multipathd -d -v"$DM_VERBOSITY" >"$DM_LOG" 2>&1 &
	DM_PID=$!
	disks=$(ls -d /sys/block/sd* 2>/dev/null | wc -l)
	limit=${DM_START_S:-$((60 + disks))}
	t0=$(uptime_s)
	while [ $(($(uptime_s) - t0)) -lt "$limit" ]; do
		running "$DM_PID" || break
		# Once the maps are there, udevd relays their uevents.
		multipathd show daemon 2>/dev/null | grep -qE 'idle|running' &&
			dm_mapped && udevadm settle --timeout=60 && {
			echo "multipathd (pid $DM_PID): $(dm_maps | wc -l) maps made in" \
				"$(($(uptime_s) - t0)) s"
			return 0
		}
		sleep 0.5
	done
	running "$DM_PID" || echo "multipathd ended"
	echo "multipathd: no map for every logical unit with 2+ paths in $limit s; its log:"
	tail -n 40 "$DM_LOG"
	return 1
}

# dm_path_states: per path (with a heading line), its H:C:T:L, map, dm
# state (active/failed), checker state (ready/faulty/ghost...) and
# priority.
dm_path_states() {
	multipathd show paths format "%d %i %m %t %T %p"
}

# mp_path_states: one line "SD STATE" per path, STATE what dm-multipath
# routes I/O by, in lio_lib.sh's words: failed (failed in the map, or the
# checker finds it faulty), else by the priority multipathd gave it:
# optimized (50), non-optimized (10), standby (1) or unusable (0:
# unavailable, transitioning, offline...), +80 when preferred.
# multipath-tools 0.9.4 prioritizes an ALUA device with the sysfs
# prioritizer (detect_prio: the access_state scsi_dh_alua keeps) rather
# than alua's own REPORT TARGET PORT GROUPS, for the LIO-ORG hardware table
# entry too; both give these priorities.
mp_path_states() {
	multipathd show paths raw format "%d %t %T %p" 2>/dev/null | awk '
		$1 !~ /^sd/ { next }
		$2 == "failed" || $3 == "faulty" { print $1, "failed"; next }
		{ p = $4 % 80
		  if (p == 50) s = "optimized"; else if (p == 10) s = "non-optimized"
		  else if (p == 1) s = "standby"; else s = "unusable"
		  print $1, s }'
}

# dm_path_state SD: "DM_STATE CHECKER_STATE PRIORITY" of a path.
dm_path_state() {
	multipathd show paths raw format "%d %t %T %p" | awk -v d="$1" '$1 == d { print $2, $3, $4 }'
}

# dm_kstate DM SD: the kernel's state of a path in the map: A (active) or F
# (failed), from the map's status.
dm_kstate() {
	dmsetup status "$(dm_name "$1")" |
		awk -v t="$(cat "/sys/block/$2/dev")" '{ for (i = 1; i < NF; i++) if ($i == t) print $(i + 1) }'
}

# dm_groups DM: how many priority (path) groups the map's table has.
dm_groups() {
	dmsetup table "$(dm_name "$1")" | awk '{
		i = 4; i += $i + 1	# features
		i += $i + 1		# hardware handler
		print $i }'
}

# dm_show DM: the map as dm and multipathd see it.
dm_show() {
	echo "dmsetup table: $(dmsetup table "$(dm_name "$1")")"
	echo "dmsetup status: $(dmsetup status "$(dm_name "$1")")"
	multipathd show topology
	dm_path_states
}

# dm_stop: multipathd stopped, its maps removed, udevd stopped.
dm_stop() {
	local rc=0
	multipathd shutdown >/dev/null 2>&1
	if ! finished "$DM_PID" 30; then
		echo "multipathd did not stop"
		kill -9 "$DM_PID"
		rc=1
	fi
	multipath -F >/dev/null 2>&1
	if [ -n "$(dm_maps)" ]; then
		echo "maps left: $(dm_maps)"
		rc=1
	fi
	udevadm control --exit 2>/dev/null
	finished "$UDEVD_PID" 10 || kill -9 "$UDEVD_PID"
	return $rc
}
