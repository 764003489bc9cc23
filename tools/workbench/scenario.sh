#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel with the scenario initramfs and run one scenario.
#
#   scenario.sh NAME LOG [extra kernel arguments...]
#
# The console log is kept in LOG. Exits with QEMU's status (124: timeout).
set -uo pipefail
source "$(dirname "$0")/env.sh"

name=$1 out=$2
shift 2
INITRD=${INITRD:-$CACHE/initramfs/initramfs.cpio.gz}
export INITRD
bash "$WB/boot.sh" "$out" "${SCENARIO_TIMEOUT:-600}" \
	"kunit.enable=0 rdinit=/init mpath.scenario=$name $*"
