# SPDX-License-Identifier: GPL-2.0
#
# One boot of `make bench` (tools/workbench/bench.sh) for the costs that
# are not per I/O, on whichever kernel it boots (libmultipath or 7.3's C
# NVMe multipath): not a `make check` scenario (it checks nothing).
#
# Scale: an nvmet loop subsystem with bench.namespaces namespaces (1000 by
# default), all on one null_blk disk, reached through two ports (3 and 4).  Prints
#   BENCH-SCALE namespaces=N connect_ms=T disconnect_ms=T kmem_kib=K
#       memused_kib=M
# where connect_ms runs from the first `nvme connect` until every head
# disk exists, disconnect_ms from `nvme disconnect` until none is left,
# and kmem_kib (Slab + Percpu + VmallocUsed of /proc/meminfo) and
# memused_kib (MemTotal - MemAvailable) are what the N heads and their 2N
# path disks added, measured after caches were dropped.
#
# Failover: the head of two loop controllers (numa policy, so that every
# read goes to the first path), fio reading at queue depth 1; the target
# unlinks the subsystem from the port of the path in use, so that its
# controller goes away with reads in flight.  Prints, bench.failovers times,
#   BENCH-FAILOVER n=I stall_us=T
# where T is fio's longest completion latency of the run: the read caught
# by the loss, from its submission to its completion on the other path.
#
# Kernel command line: null_blk.nr_devices=0 bench.namespaces=N
# bench.failovers=K.
. /scenarios/lib.sh
. /scenarios/nvme_lib.sh

NS=$(param bench.namespaces 1000)
FAILOVERS=$(param bench.failovers 5)
export NULLB_MEMORY_BACKED=0
dmesg -n 1

# Guest time since boot in ms (10 ms steps).
now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# Kernel memory and memory in use, in KiB, with caches dropped first.
kmem_kib() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^(Slab|Percpu|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}
memused_kib() {
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo
}

# The number of head disks (nvmeXnY) there are.
heads() {
	local d n=0
	for d in /sys/block/nvme*n*; do
		case "${d##*/}" in *c*) continue ;; esac
		[ -e "$d" ] && n=$((n + 1))
	done
	echo $n
}

# wait_heads N: within 600 s, there are N head disks.
wait_heads() {
	for _ in $(seq 6000); do
		[ "$(heads)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "BENCH-ERROR $(heads) heads, not $1"
	return 1
}

scale() {
	local s dev i t0 t1 t2 k0 m0 k1 m1
	NQN=nqn.2026-12.io.libmultipath:scale
	dev=$(nullb_create nbscale 1024) && wait_for "$dev" || return 1
	s=$NVMET/subsystems/$NQN
	mkdir "$s" && echo 1 >"$s/attr_allow_any_host" || return 1
	for i in $(seq "$NS"); do
		mkdir "$s/namespaces/$i" &&
			echo "$dev" >"$s/namespaces/$i/device_path" &&
			echo 1 >"$s/namespaces/$i/enable" || return 1
	done
	# Ports 3 and 4: 1 and 2 are the failover's.
	nvmet_add_port 3 && nvmet_add_port 4 || return 1
	k0=$(kmem_kib) m0=$(memused_kib)
	t0=$(now_ms)
	nvme connect -t loop -n "$NQN" -a 3 >/dev/null &&
		nvme connect -t loop -n "$NQN" -a 4 >/dev/null || return 1
	wait_heads "$NS" || return 1
	t1=$(now_ms)
	k1=$(kmem_kib) m1=$(memused_kib)
	nvme disconnect -n "$NQN" >/dev/null || return 1
	wait_heads 0 || return 1
	t2=$(now_ms)
	echo "BENCH-SCALE namespaces=$NS connect_ms=$((t1 - t0))" \
		"disconnect_ms=$((t2 - t1)) kmem_kib=$((k1 - k0)) memused_kib=$((m1 - m0))"
	rm "$NVMET/ports/3/subsystems/$NQN" "$NVMET/ports/4/subsystems/$NQN"
}

# The port (1 or 2) whose path completed the most I/Os in half a second.
busy_port() {
	local a1 a2 b1 b2
	a1=$(ios "$P1") a2=$(ios "$P2")
	sleep 0.5
	b1=$(ios "$P1") b2=$(ios "$P2")
	if [ $((b1 - a1)) -ge $((b2 - a2)) ]; then echo 1; else echo 2; fi
}

# failover I: one loss of the path in use under fio, as described above;
# the lost port is linked and connected again afterwards.
failover() {
	local p path
	fio --name=fo --filename="/dev/$HEAD" --rw=randread --bs=4k --direct=1 \
		--ioengine=io_uring --iodepth=1 --time_based --runtime=4 --norandommap \
		--randrepeat=0 --eta=never --output-format=terse --output=/tmp/fo.fio &
	fio_running || true
	p=$(busy_port)
	path=$(eval echo "\$P$p")
	rm "$NVMET/ports/$p/subsystems/$NQN"
	wait_gone "/sys/block/$path" || return 1
	wait $! || return 1
	# Terse (v3) fields: 5 error, 15 read completion latency max (us).
	echo "BENCH-FAILOVER n=$1 port=$p stall_us=$(fio_field fo 15)" \
		"errors=$(fio_field fo 5)"
	ln -s "$NVMET/subsystems/$NQN" "$NVMET/ports/$p/subsystems/$NQN"
	connect_port "$p" || return 1
	eval "P$p=$(path_of_port "$p")"
}

echo "BENCH-BOOT kernel=$(uname -r) cpus=$(nproc) namespaces=$NS failovers=$FAILOVERS"
scale || echo "BENCH-ERROR scale"
NQN=nqn.2026-11.io.libmultipath:loop-test
if setup_paths 2 1024 && set_iopolicy numa; then
	for i in $(seq "$FAILOVERS"); do
		failover "$i" || echo "BENCH-ERROR failover $i"
	done
else
	echo "BENCH-ERROR failover setup"
fi
echo "BENCH-DONE"
