#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: libmultipath side by side with the unpatched kernel's C NVMe
# multipath, dm-multipath and no multipath at all, in one sitting.
#
#  1. Builds two bench kernels from configs/bench.config (build.sh): the
#     patched work tree (O=build/bench) and the pristine 7.3 tree
#     (O=build/bench-pristine), and one initramfs for each (initramfs.sh).
#  2. Boots the patched kernel once for the selector microbenchmark
#     (KUnit suite libmultipath_bench).
#  3. Runs ROUNDS rounds. Each round boots four guests, in a shuffled
#     order: each kernel with NVMe multipath on and with
#     nvme_core.multipath=N. Each boot runs every (configuration,
#     workload) item of its kernel once, in a shuffled order
#     (scenarios/bench_run.sh), so that drift of the host hits every
#     configuration alike and ratios are taken within a round.
#  4. Boots each kernel once more for what is not per I/O
#     (scenarios/bench_scale.sh): connect and disconnect of SCALE_NS
#     namespaces, memory per namespace, and the stall of a path loss.
#  5. Writes results.json, results.md and iops.svg (bench_report.py) to
#     the run's directory and copies them to bench/ in the repository.
#
# Environment: ROUNDS (5), RUNTIME (s of fio per item, 10), RAMP (s, 2),
# WORKLOADS (qd1-j1,qd32-j1,qd1-j2,qd32-j2), SEED (shuffle seed), SCALE=0
# (no scale boots), SCALE_NS (namespaces of the scale boots, 1000),
# FAILOVERS (path losses measured in them, 5), QEMU_SMP
# (1, as boot.sh), SKIP_BUILD=1, SKIP_SELECTOR=1, BENCH_PUBLISH=0 (do not
# copy to bench/), PROFILE=1 (perf profiles in profile-*.log, see below),
# QEMU_ICOUNT (for example shift=2,sleep=off: guest time counts
# instructions, so that the host's load does not move the figures; see
# boot.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"

ROUNDS=${ROUNDS:-5}
RUNTIME=${RUNTIME:-10}
RAMP=${RAMP:-2}
WORKLOADS=${WORKLOADS:-qd1-j1,qd32-j1,qd1-j2,qd32-j2}
SCALE_NS=${SCALE_NS:-1000}
FAILOVERS=${FAILOVERS:-5}
SEED=${SEED:-$(date +%s)}
export QEMU_SMP=${QEMU_SMP:-1}

PATCHED=$CACHE/build/bench
UNPATCHED=$CACHE/build/bench-pristine
config=$WB/configs/bench.config
out=${BENCH_OUT:-$LOGS/bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
t0=$(date +%s)
log "results in $out (ROUNDS=$ROUNDS RUNTIME=$RUNTIME RAMP=$RAMP SEED=$SEED)"

if [ -z "${SKIP_BUILD:-}" ]; then
	MPATH_CONFIG=$config MPATH_BUILD=$PATCHED MPATH_MODROOT=$CACHE/modroot-bench \
		nice -n 10 bash "$WB/build.sh"
	MPATH_CONFIG=$config MPATH_BUILD=$UNPATCHED MPATH_MODROOT=$CACHE/modroot-bench-pristine \
		MPATH_SRC=$PRISTINE nice -n 10 bash "$WB/build.sh"
fi
for k in patched pristine; do
	mod=$CACHE/modroot-bench
	[ "$k" = pristine ] && mod=$CACHE/modroot-bench-pristine
	MPATH_MODROOT=$mod INITRAMFS_ROOT=$CACHE/initramfs/bench-root INITRAMFS_EXTRA_TOOLS=/usr/bin/perf \
		INITRAMFS_OUT=$CACHE/initramfs/bench-$k.cpio.gz bash "$WB/initramfs.sh" >/dev/null
done
tb=$(date +%s)

python3 - "$out/machine.json" "$QEMU_SMP" "$SEED" "$ROUNDS" "$RUNTIME" "$RAMP" "$WORKLOADS" \
	"$(git -C "$REPO" rev-parse --short HEAD)" "$(qemu-system-x86_64 --version | head -n 1)" \
	"${QEMU_ICOUNT:-}" <<'EOF'
import json, os, platform, sys
path, smp, seed, rounds, runtime, ramp, workloads, commit, qemu, icount = sys.argv[1:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
            if l.startswith("model name")), "?")
mem = next(int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal"))
json.dump({"cpu": cpu, "host_cpus": os.cpu_count(), "host_mem_mib": mem,
           "host_kernel": platform.release(), "qemu": qemu, "accel": "tcg",
           "guest_smp": int(smp), "guest_mem": "2G", "seed": int(seed),
           "rounds": int(rounds), "runtime_s": int(runtime), "ramp_s": int(ramp),
           "workloads": workloads.split(","), "commit": commit, "icount": icount},
          open(path, "w"), indent=1)
EOF

# The selector microbenchmark: one boot of its own, no initramfs.
if [ -z "${SKIP_SELECTOR:-}" ]; then
	log "selector microbenchmark"
	KERNEL=$PATCHED/arch/x86/boot/bzImage bash "$WB/boot.sh" "$out/selector.log" 600 \
		kunit_shutdown=reboot kunit.filter_glob=libmultipath_bench || true
	grep -a "MPATH-BENCH-SELECT" "$out/selector.log" >&2 ||
		log "no selector results (see $out/selector.log)"
fi

# items CONFIGS...: every (configuration, workload) pair, shuffled with the
# seed of this round and boot.
items() {
	python3 -c 'import random, sys
seed, workloads, configs = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
items = [c + ":" + w for c in configs for w in workloads]
random.Random(seed).shuffle(items)
print(",".join(items))' "$SEED-$round-$1" "$WORKLOADS" "${@:2}"
}

boots=("patched mp" "patched nomp" "pristine mp" "pristine nomp")
for round in $(seq "$ROUNDS"); do
	order=$(python3 -c 'import random, sys; b = sys.argv[2:]; random.Random(sys.argv[1]).shuffle(b); print("\n".join(b))' \
		"$SEED-$round" "${boots[@]}")
	while read -r kernel mode; do
		case "$kernel $mode" in
		"patched mp") list=$(items "$kernel-$mode" raw nvme-numa nvme-round-robin nvme-queue-depth \
			nvme-latency sample-numa sample-round-robin sample-queue-depth sample-latency) ;;
		"pristine mp") list=$(items "$kernel-$mode" raw nvme-numa nvme-round-robin nvme-queue-depth \
			dm-round-robin dm-queue-length) ;;
		*) list=$(items "$kernel-$mode" nvme-single) ;;
		esac
		args="null_blk.nr_devices=0 bench.items=$list bench.runtime=$RUNTIME bench.ramp=$RAMP"
		[ "$mode" = nomp ] && args="$args nvme_core.multipath=N"
		build=$PATCHED
		[ "$kernel" = pristine ] && build=$UNPATCHED
		n=$(echo "$list" | tr ',' '\n' | wc -l)
		blog=$out/round$round-$kernel-$mode.log
		log "round $round/$ROUNDS: $kernel kernel, $mode, $n items (load $(cut -d' ' -f1-3 /proc/loadavg))"
		KERNEL=$build/arch/x86/boot/bzImage INITRD=$CACHE/initramfs/bench-$kernel.cpio.gz \
			SCENARIO_TIMEOUT=$((n * (RUNTIME + RAMP + 20) + 180)) \
			bash "$WB/scenario.sh" bench_run "$blog" $args || log "boot ended with status $?"
		printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$kernel" "$mode" "$blog" \
			"$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/boots.tsv"
		grep -aq BENCH-DONE "$blog" || log "$blog: the guest did not finish"
	done <<<"$order"
done

# Scale, memory and failover (scenarios/bench_scale.sh): one boot of each
# kernel with NVMe multipath on.  Under QEMU_ICOUNT its guest times count
# instructions, like the fio items.
if [ "${SCALE:-1}" != 0 ]; then
	for kernel in patched pristine; do
		build=$PATCHED
		[ "$kernel" = pristine ] && build=$UNPATCHED
		log "scale: $kernel kernel ($SCALE_NS namespaces, $FAILOVERS failovers)"
		KERNEL=$build/arch/x86/boot/bzImage INITRD=$CACHE/initramfs/bench-$kernel.cpio.gz \
			SCENARIO_TIMEOUT=3600 bash "$WB/scenario.sh" bench_scale "$out/scale-$kernel.log" \
			null_blk.nr_devices=0 bench.namespaces="$SCALE_NS" bench.failovers="$FAILOVERS" ||
			log "boot ended with status $?"
	done
fi

# PROFILE=1: one more boot of each kernel with perf around every item
# (not in the results: sampling perturbs them).
if [ -n "${PROFILE:-}" ]; then
	for kernel in patched pristine; do
		build=$PATCHED
		[ "$kernel" = pristine ] && build=$UNPATCHED
		list=${PROFILE_ITEMS:-raw:qd1-j1,raw:qd32-j1,nvme-round-robin:qd1-j1,nvme-round-robin:qd32-j1}
		[ "$kernel" = patched ] && list=$list,sample-round-robin:qd1-j1,sample-round-robin:qd32-j1
		[ "$kernel" = pristine ] && list=$list,dm-round-robin:qd1-j1,dm-round-robin:qd32-j1
		log "profile: $kernel kernel ($list)"
		KERNEL=$build/arch/x86/boot/bzImage INITRD=$CACHE/initramfs/bench-$kernel.cpio.gz \
			SCENARIO_TIMEOUT=900 bash "$WB/scenario.sh" bench_run "$out/profile-$kernel.log" \
			null_blk.nr_devices=0 bench.items=$list bench.runtime=$RUNTIME bench.ramp=$RAMP \
			bench.perf=1 || log "boot ended with status $?"
	done
fi

python3 "$WB/bench_report.py" "$out" $(($(date +%s) - tb)) $((tb - t0))
if [ "${BENCH_PUBLISH:-1}" = 1 ]; then
	mkdir -p "$REPO/bench"
	cp "$out/results.md" "$out/results.json" "$out/iops.svg" "$REPO/bench/"
	log "copied to $REPO/bench/"
fi
log "done in $(($(date +%s) - t0)) s: $out/results.md"
