#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: build the test kernel, run the quality gates, boot the
# kernel under QEMU to run every KUnit suite, and report.  The last line is
# 'N passed, N failed'; the exit status is non-zero on any failure, kernel
# report, timeout or missing result.
set -uo pipefail
source "$(dirname "$0")/env.sh"

KUNIT_TIMEOUT=${KUNIT_TIMEOUT:-900}
gates=()

if [ -n "${SKIP_BUILD:-}" ]; then
	log "SKIP_BUILD set: using the kernel already built"
elif ! bash "$WB/build.sh"; then
	echo "FAILED build (log: $LOGS/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
gates+=("clippy-build=PASS")

for gate in rustfmt checkpatch spdx kernel-doc rustdoc; do
	if bash "$WB/lint.sh" "$gate" >"$LOGS/lint-$gate.log" 2>&1; then
		gates+=("$gate=PASS")
	else
		cat "$LOGS/lint-$gate.log"
		gates+=("$gate=FAIL")
	fi
done

run=$LOGS/kunit-$(date +%Y%m%d-%H%M%S).log
log "booting the KUnit kernel (console log: $run)"
start=$(date +%s)
bash "$WB/boot.sh" "$run" "$KUNIT_TIMEOUT" kunit_shutdown=reboot ${KUNIT_ARGS:-}
rc=$?
ln -sf "$(basename "$run")" "$LOGS/kunit-latest.log"
log "guest ran for $(($(date +%s) - start)) s"

# Multipath scenarios: real topologies booted with the scenario initramfs.
bash "$WB/initramfs.sh" >/dev/null
scenarios=()
for spec in "sample_scsi:scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"sample_runtime:scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"nvme_topology:null_blk.nr_devices=0" "nvme_iopolicy:null_blk.nr_devices=0" \
	"nvme_ana:null_blk.nr_devices=0" "nvme_failover:null_blk.nr_devices=0" \
	"nvme_all_paths_gone:null_blk.nr_devices=0" "nvme_hostile:null_blk.nr_devices=0" \
	"nvme_chardev:null_blk.nr_devices=0" \
	"scsi_mpath_alua:scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"scsi_mpath_failover:scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"scsi_mpath_modes:scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=16" \
	"scsi_hostile:scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"sample_hostile:scsi_debug.add_host=2 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"nvme_stress:null_blk.nr_devices=0" \
	"scsi_mpath_io:scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64" \
	"scsi_stress:scsi_mod.multipath=on scsi_debug.add_host=3 scsi_debug.vpd_use_hostno=0 scsi_debug.dev_size_mb=64"; do
	name=${spec%%:*}
	slog=$LOGS/scenario-$name-$(date +%Y%m%d-%H%M%S).log
	log "scenario $name (console log: $slog)"
	limit=600
	case $name in *_stress) limit=1500 ;; esac
	SCENARIO_TIMEOUT=$limit bash "$WB/scenario.sh" "$name" "$slog" ${spec#*:}
	scenarios+=(--scenario "$name=$slog" --boot "scenario-$name=$?")
done

python3 "$WB/report.py" --work "$WORK" "${gates[@]/#/--gate=}" \
	--boot "kunit=$rc" --ktap "$run" "${scenarios[@]}" \
	--expect-suite libmultipath_iopolicy --expect-suite libmultipath_c_api \
	--expect-suite rust_kernel_numa --expect-suite rust_doctests_kernel \
	--expect-suite rust_block_bio_disk --expect-suite rust_block_disk_attr --expect-suite rust_workqueue_owned --expect-suite libmultipath_selector --expect-suite rust_sync_srcu_list --expect-suite libmultipath_head --expect-suite libmultipath_io \
	--expect-suite libmultipath_c_io
