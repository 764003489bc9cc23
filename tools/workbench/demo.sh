#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build the kernel with libmultipath and boot it under QEMU,
# showing the library's banner and its KUnit suites running in the booted
# kernel.
set -euo pipefail
source "$(dirname "$0")/env.sh"

bash "$WB/build.sh"
run=$LOGS/demo-$(date +%Y%m%d-%H%M%S).log
log "booting $(cat "$BUILD/include/config/kernel.release") under QEMU (TCG); console log: $run"
rc=0
bash "$WB/boot.sh" "$run" 900 'kunit.filter_glob=libmultipath*' || rc=$?
echo "---- from the guest's console ----"
grep -E "Linux version|libmultipath|# Subtest|^\s*(\[[ 0-9.]+\] )?\s*(not )?ok " "$run" |
	sed -E 's/^\[[ 0-9.]+\] //; s/^.*(Linux version)/\1/'
echo "----"
python3 "$WB/report.py" --work "$WORK" --boot "demo=$rc" --ktap "$run" \
	--expect-suite libmultipath_iopolicy --expect-suite libmultipath_c_api
