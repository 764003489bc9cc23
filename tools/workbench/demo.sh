#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build the kernel with libmultipath and boot it under QEMU
# three times: once for the library's KUnit suites, once on a real
# multipath topology (scsi_debug: one logical unit through two SCSI hosts)
# with the Rust sample's head disk over both paths, showing round-robin,
# failover and return to service with data compared byte for byte, and
# once on NVMe over the loop transport (one namespace, two controllers)
# where fio writes and verifies for about 30 s while ANA states flip and a
# controller is deleted and reconnected: a table of each path's I/Os per
# second follows the guest live, and plot.py draws it as an SVG.
#
# Environment: SKIP_BUILD=1 uses the kernel already built; DEMO_ONLY=
# kunit,scsi,nvme (any of them, comma-separated) runs only those parts;
# KERNEL and INITRD boot another kernel or initramfs (see boot.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"

want() {
	[ -z "${DEMO_ONLY:-}" ] || [[ ",$DEMO_ONLY," == *",$1,"* ]]
}

if [ -n "${SKIP_BUILD:-}" ]; then
	log "SKIP_BUILD set: using the kernel already built"
else
	bash "$WB/build.sh"
fi
if [ -n "${INITRD:-}" ]; then
	log "INITRD set: using $INITRD"
else
	bash "$WB/initramfs.sh" >/dev/null
fi
stamp=$(date +%Y%m%d-%H%M%S)
if [ -n "${KERNEL:-}" ]; then
	release="the kernel $KERNEL"
else
	release=$(cat "$BUILD/include/config/kernel.release")
fi
report=()

if want kunit; then
	run=$LOGS/demo-kunit-$stamp.log
	log "booting $release under QEMU (TCG) for the KUnit suites; console log: $run"
	rc=0
	bash "$WB/boot.sh" "$run" 900 kunit_shutdown=reboot 'kunit.filter_glob=libmultipath*' || rc=$?
	echo "---- KUnit, from the guest's console ----"
	grep -aE "Linux version|libmultipath:|^\s*(\[[ 0-9.]+\] )?\s*# (Subtest|libmultipath)|^\s*(\[[ 0-9.]+\] )?ok [0-9]+ libmultipath" "$run" |
		sed -E 's/^\[[ 0-9.]+\] //; s/^.*(Linux version)/\1/'
	report+=(--boot "demo-kunit=$rc" --ktap "$run"
		--expect-suite libmultipath_iopolicy --expect-suite libmultipath_c_api
		--expect-suite libmultipath_selector --expect-suite libmultipath_head
		--expect-suite libmultipath_io)
fi

if want scsi; then
	slog=$LOGS/demo-scsi-$stamp.log
	log "booting on scsi_debug with two hosts; console log: $slog"
	src=0
	bash "$WB/scenario.sh" sample_scsi "$slog" scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 \
		scsi_debug.dev_size_mb=64 || src=$?
	echo "---- multipath over two SCSI paths, from the guest's console ----"
	sed -E 's/^\[[ 0-9.]+\] //' "$slog" | sed -n '/SCENARIO-START/,/SCENARIO-END/p' |
		grep -vE "alua:|^\s*$"
	report+=(--boot "demo-scsi=$src" --scenario "sample_scsi=$slog")
fi

if want nvme; then
	nlog=$LOGS/demo-nvme-$stamp.log
	svg=$LOGS/demo-nvme-$stamp.svg
	log "booting on NVMe over loop, two controllers; console log: $nlog"
	: >"$nlog"
	bash "$WB/scenario.sh" nvme_demo "$nlog" null_blk.nr_devices=0 &
	qpid=$!
	echo "---- NVMe multipath over two loop controllers, live from the guest ----"
	echo "     (round-robin; fio randwrite + verify; ** = event)"
	# tail ends when QEMU does; the table stops reading at SCENARIO-END.
	tail -n +1 -F --pid="$qpid" "$nlog" 2>/dev/null | python3 "$WB/plot.py" table || true
	nrc=0
	wait "$qpid" || nrc=$?
	echo "----"
	if python3 "$WB/plot.py" svg "$nlog" "$svg"; then
		echo "plot of the I/Os per second per path: $svg"
	fi
	grep -a "^RESULT" "$nlog" | sed 's/^RESULT /result: /' || echo "result: none (the guest did not finish)"
	report+=(--boot "demo-nvme=$nrc" --scenario "nvme_demo=$nlog")
fi

echo "----"
python3 "$WB/report.py" --work "$WORK" "${report[@]}"
