#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel with the scenario initramfs and run one scenario.
#
#   scenario.sh NAME LOG [smp=N] [qemu=TOPOLOGY] [extra kernel arguments...]
#
# smp=N (first, as in scenarios.list) boots the guest with N CPUs.
# The console log is kept in LOG. Exits with QEMU's status (124: timeout).
set -uo pipefail
source "$(dirname "$0")/env.sh"

name=$1 out=$2
shift 2
if [[ "${1:-}" =~ ^smp=([0-9]+)$ ]]; then
	export QEMU_SMP=${BASH_REMATCH[1]}
	shift
	set -- "mpath.cpus=$QEMU_SMP" "$@"
fi
# qemu=TOPOLOGY (next, as in scenarios.list): QEMU's own devices, as
# boot.sh's QEMU_TOPOLOGY.
if [[ "${1:-}" =~ ^qemu=(.+)$ ]]; then
	export QEMU_TOPOLOGY=${BASH_REMATCH[1]}
	shift
fi
INITRD=${INITRD:-$CACHE/initramfs/initramfs.cpio.gz}
export INITRD
bash "$WB/boot.sh" "$out" "${SCENARIO_TIMEOUT:-600}" \
	"kunit.enable=0 rdinit=/init mpath.scenario=$name $*"
