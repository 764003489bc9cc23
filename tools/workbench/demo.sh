#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build the kernel with libmultipath and boot it under QEMU
# twice: once for the library's KUnit suites, once on a real multipath
# topology (scsi_debug: one logical unit through two SCSI hosts) with the
# Rust sample's head disk over both paths, showing round-robin, failover
# and return to service with data compared byte for byte.
set -euo pipefail
source "$(dirname "$0")/env.sh"

bash "$WB/build.sh"
bash "$WB/initramfs.sh" >/dev/null
stamp=$(date +%Y%m%d-%H%M%S)

run=$LOGS/demo-kunit-$stamp.log
log "booting $(cat "$BUILD/include/config/kernel.release") under QEMU (TCG) for the KUnit suites; console log: $run"
rc=0
bash "$WB/boot.sh" "$run" 900 kunit_shutdown=reboot 'kunit.filter_glob=libmultipath*' || rc=$?
echo "---- KUnit, from the guest's console ----"
grep -aE "Linux version|libmultipath:|^\s*(\[[ 0-9.]+\] )?\s*# (Subtest|libmultipath)|^\s*(\[[ 0-9.]+\] )?ok [0-9]+ libmultipath" "$run" |
	sed -E 's/^\[[ 0-9.]+\] //; s/^.*(Linux version)/\1/'

slog=$LOGS/demo-scsi-$stamp.log
log "booting on scsi_debug with two hosts; console log: $slog"
src=0
bash "$WB/scenario.sh" sample_scsi "$slog" scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 \
	scsi_debug.dev_size_mb=64 || src=$?
echo "---- multipath over two SCSI paths, from the guest's console ----"
sed -E 's/^\[[ 0-9.]+\] //' "$slog" | sed -n '/SCENARIO-START/,/SCENARIO-END/p' |
	grep -vE "alua:|^\s*$"
echo "----"
python3 "$WB/report.py" --work "$WORK" --boot "demo-kunit=$rc" --ktap "$run" \
	--boot "demo-scsi=$src" --scenario "sample_scsi=$slog" \
	--expect-suite libmultipath_iopolicy --expect-suite libmultipath_c_api \
	--expect-suite libmultipath_selector --expect-suite libmultipath_head \
	--expect-suite libmultipath_io
