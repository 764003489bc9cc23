# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the scenario scripts: each CHECK line is one test in the
# `make check` total.

# check NAME cmd...: one test; returns the command's status.  With
# CHECK_WORD=DMSTEP (the dm-multipath comparison scenarios), a measurement
# of the yardstick rather than a test: compare-dm.py reads it, the report
# does not count it.
check() {
	name=$1
	shift
	if "$@"; then
		echo "${CHECK_WORD:-CHECK} $name PASS"
	else
		echo "${CHECK_WORD:-CHECK} $name FAIL"
		return 1
	fi
}

# Guest time since boot, to report how long a scenario took.
uptime_s() {
	cut -d. -f1 /proc/uptime
}
T0=$(uptime_s)

scenario_time() {
	echo "scenario ran $(($(uptime_s) - T0)) s in the guest (uptime $(uptime_s) s)"
}

# running PID: the process is alive.
running() {
	kill -0 "$1" 2>/dev/null
}

# finished PID SECS: the process ended within SECS seconds.
finished() {
	for _ in $(seq $(($2 * 10))); do
		running "$1" || return 0
		sleep 0.1
	done
	return 1
}

# wait_gone PATH: PATH disappears within 10 s.
wait_gone() {
	for _ in $(seq 100); do
		[ ! -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# MKDEV(major, minor) of a block device, as module parameters take it.
devt() {
	IFS=: read -r major minor <"/sys/block/$1/dev"
	echo $(((major << 20) | minor))
}

# Completed reads plus writes of a disk.
ios() {
	awk '{ print $1 + $5 }' "/sys/block/$1/stat"
}

# I/Os completed by path disk $1, 0 if it is gone.
ios_of() {
	if [ -n "$1" ] && [ -e "/sys/block/$1/stat" ]; then ios "$1"; else echo 0; fi
}

# pair_window SECS: I/Os completed by paths P1 and P2 during SECS seconds,
# in D1/D2; a path that is gone counts 0.
pair_window() {
	local a b
	a=$(ios_of "$P1") b=$(ios_of "$P2")
	sleep "$1"
	D1=$(($(ios_of "$P1") - a)) D2=$(($(ios_of "$P2") - b))
}

# diag DISK NAME: the diag/ counter NAME of a path or head disk (NVMe's
# and native SCSI multipath's).
diag() {
	cat "/sys/block/$1/diag/$2"
}

# wait_eq SECS WANT CMD...: CMD prints WANT within SECS seconds (polled
# every 0.1 s); GOT is what it printed last.
wait_eq() {
	local n=$(($1 * 10)) want=$2
	shift 2
	while :; do
		GOT=$("$@")
		[ "$GOT" = "$want" ] && return 0
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# wait_ios DISK N: the disk completes N more I/Os within 30 s.
wait_ios() {
	local start
	start=$(ios "$1")
	for _ in $(seq 300); do
		[ "$(ios "$1")" -ge $((start + $2)) ] && return 0
		sleep 0.1
	done
	return 1
}

wait_for() {
	for _ in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

sample_module() {
	find /lib/modules -name rust_mpath.ko | head -n 1
}

# require NAME cmd...: a check the rest of the scenario cannot do without;
# the scenario ends when it fails.
require() {
	check "$@" && return 0
	echo "$1 failed: the rest of the scenario cannot run"
	exit 1
}

# The job of fio_verify_start: random 4k writes with a crc32c header over
# the first FIO_SIZE_KIB of the disk.  The offsets come from fio's
# repeatable random sequence, so a job with the same options replays them
# (fio_replay).
FIO_SIZE_KIB=32768
FIO_JOB="--rw=randwrite --bs=4k --size=${FIO_SIZE_KIB}k --direct=1 --ioengine=libaio --verify=crc32c"

# fio_verify_start NAME DISK [fio options...]: in the background, the job
# above on /dev/DISK, each 16 writes read back and verified while it runs,
# until fio_stop NAME (at most 300 s).  Terse output in /tmp/NAME.fio.
# FIO_NICE: fio's nice value (stress scenarios leave their fault loops the
# CPU first).
fio_verify_start() {
	local n=$1 disk=$2
	shift 2
	rm -f "/tmp/$n.stop" "/tmp/$n.fio" "/tmp/$n.replay"
	echo "$disk" >"/tmp/$n.disk"
	# Unquoted: FIO_JOB is a list of options.
	fio --name="$n" --filename="/dev/$disk" $FIO_JOB --iodepth=8 \
		--verify_backlog=16 --verify_fatal=1 --time_based --runtime=300 \
		--trigger-file="/tmp/$n.stop" --eta=never --output-format=terse \
		--output="/tmp/$n.fio" --nice="${FIO_NICE:-0}" "$@" &
	FIO_PID=$!
}

# Hostile input to sysfs stores and module parameters.  VALUE is written
# with printf's %b escapes (\0 for an embedded NUL, \n) in one write()
# by mpath_ioctl, so that the store sees exactly those bytes.

# rejected FILE VALUE [ERRNO]: the write fails with ERRNO (default EINVAL)
# and FILE reads the same afterwards.
rejected() {
	local before after
	before=$(cat "$1")
	if ! printf '%b' "$2" | mpath_ioctl "$1" write "${3:-EINVAL}" >/tmp/write.out; then
		echo "  '$(printf '%s' "$2" | cut -c1-40)': $(cat /tmp/write.out), now '$(cat "$1")'"
		return 1
	fi
	after=$(cat "$1")
	[ "$before" = "$after" ] || echo "  $1 changed from '$before' to '$after'"
	[ "$before" = "$after" ]
}

# accepted FILE VALUE EXPECTED: the write succeeds and FILE reads EXPECTED.
accepted() {
	printf '%b' "$2" | mpath_ioctl "$1" write OK >/tmp/write.out || {
		cat /tmp/write.out
		return 1
	}
	[ "$(cat "$1")" = "$3" ] || {
		echo "  $1 reads '$(cat "$1")', expected '$3'"
		return 1
	}
}

# one_of VALUE GOOD...: VALUE is one of the GOOD ones.
one_of() {
	local v=$1
	shift
	for g in "$@"; do
		[ "$v" = "$g" ] && return 0
	done
	echo "  '$v' is none of: $*"
	return 1
}

# hammer SECS FILE VALUE...: writes each VALUE to FILE in turn, errors
# ignored, for SECS seconds (a concurrent writer, run in the background).
hammer() {
	local end f
	end=$(($(cut -d. -f1 /proc/uptime) + $1))
	f=$2
	shift 2
	while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
		for v in "$@"; do
			printf '%s' "$v" >"$f" 2>/dev/null
		done
	done
}

# xs N: N times the letter x, no newline.
xs() {
	head -c "$1" /dev/zero | tr '\0' x
}

# rejects_all PREFIX FILE: one check PREFIX_rejects_NAME per line
# "NAME|VALUE|ERRNO" on standard input (ERRNO empty: EINVAL).
rejects_all() {
	while IFS='|' read -r n v e; do
		[ -n "$n" ] || continue
		check "$1_rejects_$n" rejected "$2" "$v" "$e" </dev/null
	done
}

# rejects_sizes PREFIX FILE: a page of junk and more than a page (sysfs
# hands the store the first page only) are both refused with EINVAL.
rejects_sizes() {
	check "$1_rejects_4096_bytes" rejected "$2" "$(xs 4096)"
	check "$1_rejects_5000_bytes" rejected "$2" "$(xs 5000)"
}

# Junk for a store that takes an I/O policy name.
POLICY_JUNK='foo|foo|
newline_only|\n|
uppercase|NUMA|
prefix|round|
trailing_junk|round-robin2|
leading_space| queue-depth|
trailing_space|numa |
two_newlines|numa\n\n|
number|1|
negative|-1|
leading_nul|\0numa|
junk_before_nul|foo\0numa|
control_chars|\001\033[2J|
high_bytes|\377\376numa|'

# iopolicy_checks PREFIX FILE: FILE, a policy store reading numa, refuses
# junk and takes each policy; it reads numa again at the end.
iopolicy_checks() {
	check "$1_starts_numa" test "$(cat "$2")" = numa
	printf '%s\n' "$POLICY_JUNK" | rejects_all "$1" "$2"
	rejects_sizes "$1" "$2"
	check "$1_empty_write_is_noop" accepted "$2" "" numa
	check "$1_accepts_round_robin" accepted "$2" 'round-robin\n' round-robin
	check "$1_rejects_foo_keeps_rr" rejected "$2" foo
	check "$1_accepts_queue_depth" accepted "$2" queue-depth queue-depth
	check "$1_accepts_latency" accepted "$2" 'latency\n' latency
	# sysfs ends the input at a NUL (kernfs terminates the buffer, stores
	# parse a C string): what follows the NUL is never taken.
	check "$1_input_ends_at_nul" accepted "$2" 'numa\0round-robin' numa
}

# hammer_iopolicy SECS FILE: two concurrent writers of good and bad policy
# names to FILE in the background, their pids added to HAMMERS.
hammer_iopolicy() {
	hammer "$1" "$2" numa foo round-robin "" queue-depth NUMA latency &
	HAMMERS="$HAMMERS $!"
	hammer "$1" "$2" round-robin "queue depth" numa -1 queue-depth "$(xs 5000)" &
	HAMMERS="$HAMMERS $!"
}

# Junk for a store that takes an unsigned number (kstrtouint/kstrtoull).
NUMBER_JUNK='minus_1|-1|
abc|abc|
fraction|1.5|
huge|99999999999999999999999|
above_u64_max|18446744073709551616|
newline_only|\n|
leading_space| 5|
trailing_space|5 |
bad_octal|08|
bare_hex_prefix|0x|
two_newlines|5\n\n|
leading_nul|\00005|
junk_before_nul|x\00005|
control_chars|\00335|'


# fio_stop NAME: end the job started by fio_start; FIO_RC is its status.
fio_stop() {
	touch "/tmp/$1.stop"
	wait "$FIO_PID"
	FIO_RC=$?
}

# fio_field NAME N [EXT]: field N of fio's terse (v3) line in
# /tmp/NAME.EXT (fio by default): 5 error, 6 read (verify) KiB, 47 and 49
# written KiB and IOPS, 50 write runtime (ms).
fio_field() {
	awk -F';' -v f="$2" '$1 == 3 { print $f; found = 1; exit }
		END { if (!found) print -1 }' "/tmp/$1.${3:-fio}" 2>/dev/null
}

# fio_replay NAME: read back and verify every block the stopped job NAME
# wrote, in the order it wrote them (fio --verify_only over as many bytes
# as it wrote; where the job went over FIO_SIZE_KIB more than once, the
# blocks it wrote last).  Terse output in /tmp/NAME.replay; fails on a block that
# is not what the job wrote there, or on an I/O error.
fio_replay() {
	local w
	w=$(fio_field "$1" 47)
	[ "$w" -gt 0 ] || return 1
	# Unquoted: FIO_JOB is a list of options.
	fio --name="$1" --filename="/dev/$(cat "/tmp/$1.disk")" $FIO_JOB \
		--io_size="${w}k" --iodepth=16 --verify_only --verify_fatal=1 \
		--eta=never --output-format=terse --output="/tmp/$1.replay"
}

# fio_verified NAME: all the data the job NAME wrote reads back as written
# after it stopped: fio_replay read and verified it all, or (the job having
# gone over FIO_SIZE_KIB) at least that much of it, with no error.
fio_verified() {
	local w r
	fio_replay "$1" || {
		grep -m 3 -iE 'verify|fail|error' "/tmp/$1.replay"
		return 1
	}
	w=$(fio_field "$1" 47)
	r=$(fio_field "$1" 6 replay)
	echo "fio $1 replay: verified=${r}KiB of written=${w}KiB error=$(fio_field "$1" 5 replay)"
	[ "$(fio_field "$1" 5 replay)" = 0 ] &&
		{ [ "$r" = "$w" ] || [ "$r" -ge "$FIO_SIZE_KIB" ]; }
}

fio_summary() {
	echo "fio $1: status=$FIO_RC error=$(fio_field "$1" 5) written=$(fio_field "$1" 47)KiB" \
		"($(fio_field "$1" 49) IOPS) verified=$(fio_field "$1" 6)KiB" \
		"in $(($(fio_field "$1" 50) / 1000)) s"
}

# fio_stall_ms NAME: the longest completion latency (clat max, read or
# write) of the stopped job NAME, in milliseconds, in STALL_MS.
fio_stall_ms() {
	STALL_MS=$(awk -F';' '$1 == 3 { m = $15 > $56 ? $15 : $56
		printf "%d.%d", m / 1000, (m % 1000) / 100; found = 1; exit }
		END { if (!found) print "none" }' "/tmp/$1.fio" 2>/dev/null)
}

# fio_checks NAME: summary line and the CHECKs of a stopped fio job.
fio_checks() {
	fio_summary "$1"
	check "fio_${1}_exit_status_0" test "$FIO_RC" = 0
	check "fio_${1}_no_io_error" test "$(fio_field "$1" 5)" = 0
	check "fio_${1}_data_verified" fio_verified "$1"
}

# param NAME DEFAULT: the value of NAME=... on the kernel command line.
param() {
	local v
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1)
	echo "${v:-$2}"
}

# want PHASE: PHASE is to run: mpath.only= on the kernel command line is
# unset or lists it (comma-separated).
want() {
	case ",$(param mpath.only ""),," in
	,,,* | *",$1,"*) return 0 ;;
	esac
	return 1
}

# rand_sleep MIN_MS MAX_MS: sleep a random time in [MIN_MS, MAX_MS].
# Fault loops call it between faults; it forks nothing but sleep, which
# counts under TCG, where a fork takes milliseconds.
rand_sleep() {
	local ms=$(($1 + RANDOM % ($2 - $1 + 1)))
	local frac=$((1000 + ms % 1000))
	sleep "$((ms / 1000)).${frac#1}"
}

# Background loops: loop_start NAME cmd... runs cmd over and over until
# loop_stop NAME, which prints how many times it ran (LOOPS).
loop_start() {
	local n=$1
	shift
	rm -f "/tmp/$n.loopstop" "/tmp/$n.loops"
	(
		i=0
		while [ ! -e "/tmp/$n.loopstop" ]; do
			"$@"
			i=$((i + 1))
		done
		echo "$i" >"/tmp/$n.loops"
	) &
	eval "LOOP_PID_$n=$!"
}

loop_stop() {
	touch "/tmp/$1.loopstop"
	wait "$(eval echo "\$LOOP_PID_$1")"
	LOOPS=$(cat "/tmp/$1.loops" 2>/dev/null || echo 0)
}

# kernel_reports: how many kernel reports the console has seen so far (the
# run's log is the judge; this is for the figures of a stress phase).
kernel_reports() {
	dmesg | grep -cE 'WARNING:|BUG:|KASAN:|Oops|possible circular|suspicious RCU|blocked for more than|list_(add|del) corruption'
}

# stress_phase NAME FAULT: a phase of a stress scenario.  fio writes and
# verifies through the head (started by the scenario's stress_fio NAME)
# for STRESS_SECS seconds while FAULT runs over and over; then the
# scenario's settle puts every path back, and the phase prints a STRESS
# line with its figures (the scenario's stress_figures adds its own; its
# stress_zero resets them first).
stress_phase() {
	local ph=$1 r0
	stress_zero
	r0=$(kernel_reports)
	stress_fio "$ph"
	check "${ph}_fio_under_way" stress_fio_running
	loop_start fault "$2"
	sleep "$STRESS_SECS"
	loop_stop fault
	check "${ph}_faults_injected" test "$LOOPS" -gt 0
	check "${ph}_paths_settle" settle
	fio_stop "$ph"
	fio_checks "$ph"
	echo "STRESS $ph: ios=$((($(fio_field "$ph" 6) + $(fio_field "$ph" 47)) / 4))" \
		"io_errors=$(fio_field "$ph" 5) fio_status=$FIO_RC" \
		"verified=$(fio_field "$ph" 6)KiB $(stress_figures) faults=$LOOPS" \
		"kernel_reports=$(($(kernel_reports) - r0)) seconds=$STRESS_SECS"
}
