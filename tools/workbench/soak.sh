#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make soak DURATION=SECONDS`: the stress scenarios of `make check`
# (nvme_stress, scsi_stress), with phases long enough that the whole run
# takes about DURATION seconds (1800 by default).  Same kernel, same
# checks, same report as `make check`; the STRESS lines give each phase's
# figures.
set -uo pipefail
source "$(dirname "$0")/env.sh"

DURATION=${DURATION:-1800}
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || [ "$DURATION" -lt 60 ]; then
	echo "soak: DURATION must be a number of seconds, at least 60 (got '$DURATION')" >&2
	exit 2
fi
# nvme_stress has 7 timed phases (about 20 s more each for setup under
# TCG), scsi_stress 5; the time is split between them by phase.
phase=$(((DURATION - 12 * 20 - 240) / 12))
[ "$phase" -ge 10 ] || phase=10

if [ -z "${SKIP_BUILD:-}" ] && ! bash "$WB/build.sh"; then
	echo "FAILED build (log: $LOGS/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
bash "$WB/initramfs.sh" >/dev/null
scenarios=()
while read -r name limit args; do
	slog=$LOGS/soak-$name-$(date +%Y%m%d-%H%M%S).log
	log "soak $name, $phase s a phase (console log: $slog)"
	# shellcheck disable=SC2086 # the kernel arguments are words
	SCENARIO_TIMEOUT=$((DURATION * 2 + 900)) bash "$WB/scenario.sh" "$name" "$slog" \
		$args "mpath.duration=$phase" </dev/null
	scenarios+=(--scenario "$name=$slog" --boot "soak-$name=$?")
done < <(ALL=1 scenario_specs '*_stress')
python3 "$WB/report.py" --work "$WORK" "${scenarios[@]}"
