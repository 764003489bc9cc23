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

for gate in rustfmt checkpatch spdx kernel-doc rustdoc sphinx; do
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
# Each guest is one QEMU thread (smp=N guests run single-threaded TCG), so
# SCENARIO_JOBS guests (the host's CPU count, at most 2, by default) run at
# once, the longest time limits first; the report keeps the list's order.
bash "$WB/initramfs.sh" >/dev/null
jobs_max=${SCENARIO_JOBS:-$(($(nproc) < 2 ? $(nproc) : 2))}
scenarios=()
declare -A slogs=()
mapfile -t specs < <(scenario_specs | sort -s -k2,2nr)
running=0
for spec in "${specs[@]}"; do
	read -r name limit args <<<"$spec"
	if [ "$running" -ge "$jobs_max" ]; then
		wait -n
		running=$((running - 1))
	fi
	slog=$LOGS/scenario-$name-$(date +%Y%m%d-%H%M%S).log
	slogs[$name]=$slog
	log "scenario $name (console log: $slog)"
	# shellcheck disable=SC2086 # the kernel arguments are words
	(t0=$(date +%s)
	 SCENARIO_TIMEOUT=$limit bash "$WB/scenario.sh" "$name" "$slog" $args </dev/null
	 echo $? >"$slog.rc"
	 echo $(($(date +%s) - t0)) >"$slog.secs") &
	running=$((running + 1))
done
wait
while read -r name _; do
	slog=${slogs[$name]}
	scenarios+=(--scenario "$name=$slog" --boot "scenario-$name=$(cat "$slog.rc" 2>/dev/null || echo 1)")
done < <(scenario_specs)

# The LIO and iSCSI steps through native SCSI multipath beside the same
# steps through dm-multipath with multipathd, in this run: a gate that
# fails when native multipath fails a step dm-multipath passes.
pairs=()
for pair in scsi_lio_alua:dm_lio_alua scsi_lio_scale:dm_lio_scale scsi_iscsi:dm_iscsi; do
	native=${pair%:*} dm=${pair#*:}
	if [ -n "${slogs[$native]:-}" ] && [ -n "${slogs[$dm]:-}" ]; then
		pairs+=("${slogs[$native]}" "${slogs[$dm]}")
	fi
done
if [ ${#pairs[@]} -gt 0 ]; then
	if python3 "$WB/compare-dm.py" "${pairs[@]}" | tee "$LOGS/compare-dm.log"; then
		gates+=("dm-comparison=PASS")
	else
		gates+=("dm-comparison=FAIL")
	fi
fi

# Each scenario's wall time, longest first, so that slow ones are visible.
log "scenario times (wall clock, $jobs_max at a time):"
for name in "${!slogs[@]}"; do
	echo "$(cat "${slogs[$name]}.secs" 2>/dev/null || echo '?') s $name"
done | sort -rn >&2

python3 "$WB/report.py" --work "$WORK" "${gates[@]/#/--gate=}" \
	--boot "kunit=$rc" --ktap "$run" "${scenarios[@]}" \
	--expect-suite libmultipath_iopolicy --expect-suite libmultipath_c_api \
	--expect-suite rust_kernel_numa --expect-suite rust_doctests_kernel \
	--expect-suite rust_doctests_multipath \
	--expect-suite rust_block_bio_disk --expect-suite rust_block_disk_attr --expect-suite rust_workqueue_owned --expect-suite rust_cdev --expect-suite libmultipath_selector --expect-suite rust_sync_srcu_list --expect-suite libmultipath_head --expect-suite libmultipath_io \
	--expect-suite libmultipath_c_io
