#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel under QEMU (TCG: KVM guests hang on these machines)
# and keep the whole console log.
#
#   boot.sh LOG TIMEOUT [extra kernel arguments...]
#
# Exits 0 when the guest powered off by itself, 124 on timeout.
set -euo pipefail
source "$(dirname "$0")/env.sh"

out=$1 limit=$2
shift 2
kernel=${KERNEL:-$BUILD/arch/x86/boot/bzImage}
[ -f "$kernel" ] || { log "no kernel at $kernel: run the build first"; exit 1; }

initrd=()
if [ -n "${INITRD:-}" ]; then
	initrd=(-initrd "$INITRD")
fi

# QEMU_ICOUNT (make bench): -icount with these options, so that guest
# time follows the instructions executed, not the host's load.
icount=()
if [ -n "${QEMU_ICOUNT:-}" ]; then
	icount=(-icount "$QEMU_ICOUNT")
fi

# One CPU unless QEMU_SMP says otherwise.  With more, the vCPUs run on
# one host thread (QEMU_ACCEL overrides): with a thread per vCPU, one
# boot in six hung under TCG right after "smp: Brought up 2 nodes, 2
# CPUs", before any initcall ran, and two threads would also compete
# with the other boots of a 2-core machine.  The kernel still runs on
# two CPUs and interleaves their instructions at block boundaries.
smp=${QEMU_SMP:-1}
accel=${QEMU_ACCEL:-tcg}
if [ -z "${QEMU_ACCEL:-}" ] && [ "$smp" != 1 ]; then
	accel=tcg,thread=single
fi
# no5lvl: with -cpu max, TCG offers 5-level paging, and an interrupt that
# comes during early boot then hit a KASAN wild-memory-access report in
# handle_edge_irq (seen once in 12 boots); 4-level paging avoids it.
set +e
timeout --foreground -k 10 "$limit" qemu-system-x86_64 \
	-accel "$accel" -cpu max -smp "$smp" -m 2G "${icount[@]}" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" "${initrd[@]}" \
	-append "console=ttyS0 no5lvl panic=-1 oops=panic numa=fake=2:10,20,20,10 $*" \
	</dev/null >"$out" 2>&1
rc=$?
set -e
[ "$rc" = 124 ] && log "timed out after $limit s (log: $out)"
exit "$rc"
