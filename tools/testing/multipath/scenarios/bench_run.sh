# SPDX-License-Identifier: GPL-2.0
#
# One boot of `make bench` (tools/workbench/bench.sh): runs the fio items
# named on the kernel command line, in that order, and prints each fio
# JSON report between BENCH-FIO-BEGIN and BENCH-FIO-END lines.  Not a
# `make check` scenario (it checks nothing).
#
# Kernel command line:
#   bench.items=CONFIG:WORKLOAD,...  what to run, in order
#   bench.runtime=S bench.ramp=S     fio's measured time and ramp per item
#   null_blk.nr_devices=0            (every null_blk disk is made here)
#   bench.perf=1                     profile each item with perf (cpu-clock
#                                    sampling, whole system) and print the
#                                    top symbols between BENCH-PERF-BEGIN
#                                    and BENCH-PERF-END
#
# CONFIG is one of
#   raw                    fio straight at a null_blk disk
#   nvme-numa, nvme-round-robin, nvme-queue-depth
#                          the NVMe head over two loop controllers (one
#                          subsystem, namespace on null_blk), that policy
#   nvme-single            NVMe over one loop controller; the boot has
#                          nvme_core.multipath=N
#   dm-round-robin, dm-queue-length
#                          dm-multipath over two null_blk disks
#   sample-numa, sample-round-robin, sample-queue-depth
#                          the Rust sample's head over two null_blk disks
# WORKLOAD is qdQ-jJ: 4 KiB random reads, io_uring, direct I/O, iodepth Q,
# J jobs.
#
# Every null_blk disk is the same: 1 GiB, not memory-backed, completion in
# the submitter's context (irqmode=0).
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

ITEMS=$(param bench.items "")
RUNTIME=$(param bench.runtime "")
RAMP=$(param bench.ramp "")
PERF=$(param bench.perf "")
if [ "$PERF" = 1 ]; then
	echo 0 >/proc/sys/kernel/kptr_restrict
	echo -1 >/proc/sys/kernel/perf_event_paranoid
fi
SIZE_MB=1024
export NULLB_MEMORY_BACKED=0

# Kernel messages off the console, so that they do not cut into fio's
# JSON.
dmesg -n 1

# Each kind of configuration is set up the first time an item needs it,
# and stays until the guest powers off; the others are idle meanwhile.
RAW= DM_RR= DM_QL= S1= S2=

setup_raw() {
	RAW=$(nullb_create nbraw $SIZE_MB) && wait_for "$RAW"
}

# The namespace disk of a controller without multipath (nvmeXnY, no
# hidden path disk).
single_disk() {
	local d
	for d in /sys/class/nvme/nvme*/nvme*n1; do
		[ -e "$d" ] && echo "${d##*/}" && return 0
	done
	return 1
}

setup_nvme() {
	if [ "$(cat /sys/module/nvme_core/parameters/multipath 2>/dev/null)" = N ]; then
		nvmet_setup 1 $SIZE_MB || return 1
		nvme connect -t loop -n "$NQN" -a 1 >/tmp/connect.log 2>&1 || {
			cat /tmp/connect.log
			return 1
		}
		for _ in $(seq 100); do
			HEAD=$(single_disk) && wait_for "/dev/$HEAD" && return 0
			sleep 0.1
		done
		return 1
	fi
	setup_paths 2 $SIZE_MB
}

# dm_create NAME SELECTOR: a multipath table over D1 and D2; prints the
# dm-N disk (devtmpfs makes /dev/dm-N; there is no udev for /dev/mapper).
dm_create() {
	local sectors
	sectors=$(blockdev --getsz "$D1")
	dmsetup --noudevsync create "$1" --table \
		"0 $sectors multipath 0 0 1 1 $2 0 2 1 $D1 1 $D2 1" || return 1
	echo "dm-$(dmsetup info -c --noheadings -o minor "$1")"
}

setup_dm() {
	D1=$(nullb_create nbd1 $SIZE_MB) && D2=$(nullb_create nbd2 $SIZE_MB) &&
		wait_for "$D1" && wait_for "$D2" || return 1
	DM_RR=$(dm_create mprr round-robin) && DM_QL=$(dm_create mpql queue-length)
}

setup_sample_paths() {
	S1=$(nullb_create nbs1 $SIZE_MB) && S2=$(nullb_create nbs2 $SIZE_MB) &&
		wait_for "$S1" && wait_for "$S2"
}

# sample_load POLICY: the sample's head mpatha over S1 and S2.
sample_load() {
	local n
	case "$1" in
	numa) n=0 ;;
	round-robin) n=1 ;;
	queue-depth) n=2 ;;
	latency) n=3 ;;
	esac
	insmod "$(sample_module)" path0="$(devt "${S1#/dev/}")" path1="$(devt "${S2#/dev/}")" \
		iopolicy=$n && wait_for /dev/mpatha
}

# prepare CONFIG: sets DEV (the disk fio reads) and PATHS (the path disks
# whose I/Os are counted), setting the configuration up if needed.
prepare() {
	PATHS=
	case "$1" in
	raw)
		[ -n "$RAW" ] || setup_raw || return 1
		DEV=$RAW
		;;
	nvme-*)
		[ -n "${HEAD:-}" ] || setup_nvme || return 1
		DEV=/dev/$HEAD
		if [ "$1" != nvme-single ]; then
			set_iopolicy "${1#nvme-}" || return 1
			PATHS="$P1 $P2"
		fi
		;;
	dm-*)
		[ -n "$DM_RR" ] || setup_dm || return 1
		case "$1" in
		dm-round-robin) DEV=/dev/$DM_RR ;;
		dm-queue-length) DEV=/dev/$DM_QL ;;
		esac
		PATHS="${D1#/dev/} ${D2#/dev/}"
		;;
	sample-*)
		[ -n "$S1" ] || setup_sample_paths || return 1
		sample_load "${1#sample-}" || return 1
		DEV=/dev/mpatha
		PATHS="${S1#/dev/} ${S2#/dev/}"
		;;
	*)
		return 1
		;;
	esac
}

finish() {
	case "$1" in
	sample-*) rmmod rust_mpath ;;
	esac
}

echo "BENCH-BOOT kernel=$(uname -r) cpus=$(nproc) items=$ITEMS"
echo "BENCH-CMDLINE $(cat /proc/cmdline)"
for item in $(echo "$ITEMS" | tr ',' ' '); do
	config=${item%%:*} workload=${item#*:}
	qd=${workload%%-*} jobs=${workload#*-}
	qd=${qd#qd} jobs=${jobs#j}
	if ! prepare "$config"; then
		echo "BENCH-ERROR $item setup failed"
		continue
	fi
	before=$(path_ios $PATHS)
	if [ "$PERF" = 1 ]; then
		# Starts sampling after the ramp, for the measured time.
		(sleep "$((RAMP + 1))" && perf record -q -e cpu-clock -a -g -o /tmp/perf.data \
			-- sleep "$((RUNTIME - 1))" >/dev/null 2>&1) &
	fi
	fio --name=bench --filename="$DEV" --rw=randread --bs=4k --direct=1 \
		--ioengine=io_uring --iodepth="$qd" --numjobs="$jobs" --group_reporting \
		--time_based --runtime="$RUNTIME" --ramp_time="$RAMP" --norandommap \
		--randrepeat=0 --eta=never --output-format=json --output=/tmp/fio.json
	rc=$?
	echo "BENCH-PATHS $item dev=$DEV before=[$before] after=[$(path_ios $PATHS)]"
	echo "BENCH-FIO-BEGIN $item rc=$rc"
	cat /tmp/fio.json
	echo "BENCH-FIO-END $item"
	if [ "$PERF" = 1 ]; then
		wait
		echo "BENCH-PERF-BEGIN $item"
		perf report -i /tmp/perf.data --stdio --no-children --sort symbol \
			--percent-limit 0.5 -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 60
		echo "BENCH-PERF-END $item"
	fi
	finish "$config"
done
echo "BENCH-DONE"
