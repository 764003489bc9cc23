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
# QEMU_TOPOLOGY=pcie-nvme (scenarios.list's qemu=pcie-nvme): a q35
# machine with one NVMe subsystem of two PCIe controllers, each behind its
# own hot-plug capable root port, sharing namespace 1 (64 MiB, a sparse
# file); QMP on a socket, relayed by qmp-relay.py so that the scenario
# can hot-unplug and re-add a controller (log of the relay: LOG.qmp).
topo=()
tmpd=
relay=
if [ "${QEMU_TOPOLOGY:-}" = pcie-nvme ]; then
	tmpd=$(mktemp -d)
	truncate -s 64M "$tmpd/ns.img"
	# Hot-plug through ACPI (acpiphp), q35's default (test.config says
	# why not pciehp).
	topo=(-machine q35 -qmp "unix:$tmpd/qmp.sock,server=on,wait=off"
		-device pcie-root-port,id=rp1,chassis=1,slot=1
		-device pcie-root-port,id=rp2,chassis=2,slot=2
		-device nvme-subsys,id=subsys0,nqn=nqn.2026-12.io.libmultipath:pcie
		-device nvme,id=nvme0,serial=mpath,subsys=subsys0,bus=rp1
		-device nvme,id=nvme1,serial=mpath,subsys=subsys0,bus=rp2
		-drive "file=$tmpd/ns.img,if=none,id=ns1,format=raw"
		-device nvme-ns,drive=ns1,nsid=1,shared=on,bus=nvme0)
	python3 "$WB/qmp-relay.py" "$tmpd/qmp.sock" "$out" >"$out.qmp" 2>&1 &
	relay=$!
elif [ -n "${QEMU_TOPOLOGY:-}" ]; then
	log "unknown QEMU_TOPOLOGY $QEMU_TOPOLOGY"
	exit 1
fi

# no5lvl: with -cpu max, TCG offers 5-level paging, and an interrupt that
# comes during early boot then hit a KASAN wild-memory-access report in
# handle_edge_irq (seen once in 12 boots); 4-level paging avoids it.
set +e
timeout --foreground -k 10 "$limit" qemu-system-x86_64 \
	-accel "$accel" -cpu max -smp "$smp" -m 2G "${icount[@]}" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" "${initrd[@]}" "${topo[@]}" \
	-append "console=ttyS0 no5lvl panic=-1 oops=panic numa=fake=2:10,20,20,10 $*" \
	</dev/null >"$out" 2>&1
rc=$?
set -e
if [ -n "$relay" ]; then
	kill "$relay" 2>/dev/null || true
	wait "$relay" 2>/dev/null || true
fi
[ -z "$tmpd" ] || rm -rf "$tmpd"
[ "$rc" = 124 ] && log "timed out after $limit s (log: $out)"
exit "$rc"
