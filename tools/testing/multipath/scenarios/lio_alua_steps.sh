# SPDX-License-Identifier: GPL-2.0
#
# The steps of the LIO ALUA scenarios, run through whichever multipath
# backend the scenario set up: scsi_lio_alua and scsi_lio_scale (native
# SCSI multipath), dm_lio_alua and dm_lio_scale (dm-multipath and
# multipathd).  Sourced after lib.sh, lio_lib.sh and the backend (mp_head,
# mp_path_states; MP_BACKEND native or dm), once lio_setup made the array.
#
# lio_alua_steps runs steps p and a to h on logical unit 0, each (but p)
# with fio writing 4k blocks at random through the head (direct, libaio,
# iodepth 8, crc32c verified as it goes and replayed at the end) while the
# array changes its port groups' states:
#   p  what LIO answers in each state (no fio; printed, not checked);
#   a  A active/optimized -> unavailable, B non-optimized: I/O moves to B;
#   b  A active/optimized again: seconds until I/O flows through A again
#      (relearn_s, at most RELEARN_BOUND);
#   c  one-step failover: A -> unavailable and B standby -> active/optimized
#      back to back (stall_ms: fio's longest completion latency);
#   d  every group unavailable ~5 s (STPG refused), then back: a read
#      issued meanwhile waits and completes (resume_s from the restore, at
#      most RELEARN_BOUND);
#   e  A and B swap optimized and non-optimized, and back: I/O follows;
#   f  both groups transitioning ~3 s (STPG refused), then back;
#   g  A unavailable and B standby, nobody active: the host activates a
#      group itself (SET TARGET PORT GROUPS);
#   h  a logical unit reset through each path.
# step_i is the scale scenarios' step.  Each step starts from states the
# host has been told of (lio_reach), so that a step failing leaves the next
# one a fair start.  mpath.only=a,c,... on the kernel command line runs
# only those steps.

RELEARN_BOUND=${RELEARN_BOUND:-7}
# Past fio's region (FIO_SIZE_KIB, 32 MiB): step d's pattern at 40 MiB;
# step p writes LBA 0x18000 (48 MiB, in its CDBs).
PATTERN_SEEK_64K=640

# lio_steps_init: HEAD, PA and PB, the head of logical unit 0 and its
# paths through A and B.
lio_steps_init() {
	HEAD=$(mp_head 0)
	PA=$(lio_path A 0)
	PB=$(lio_path B 0)
	require lu0_head test -n "$HEAD" -a -b "/dev/$HEAD"
	require lu0_paths test -n "$PA" -a -n "$PB"
	echo "LU 0: head $HEAD ($MP_BACKEND), path A $PA, path B $PB; RELEARN_BOUND=$RELEARN_BOUND s"
	check lu0_path_A_alua_handler test "$(cat "/sys/block/$PA/device/dh_state")" = alua
	check lu0_path_B_alua_handler test "$(cat "/sys/block/$PB/device/dh_state")" = alua
}

# io_window SECS GOOD BAD: the I/Os GOOD and BAD complete in SECS s, in
# DGOOD and DBAD.
io_window() {
	local g0 b0
	lio_ios "$2"
	g0=$IOS
	lio_ios "$3"
	b0=$IOS
	sleep "$1"
	lio_ios "$2"
	DGOOD=$((IOS - g0))
	lio_ios "$3"
	DBAD=$((IOS - b0))
}

# io_moves_to GOOD BAD SECS: within SECS s, a second in which fio's I/O
# completes on path GOOD and none on path BAD.
io_moves_to() {
	local end
	now_cs
	end=$((NOW + $3 * 100))
	while :; do
		if ! running "$FIO_PID"; then
			echo "  fio ended (I/O on $1: $DGOOD, $2: $DBAD in the last second)"
			return 1
		fi
		io_window 1 "$1" "$2"
		[ "$DGOOD" -gt 0 ] && [ "$DBAD" = 0 ] && return 0
		now_cs
		if [ "$NOW" -ge "$end" ]; then
			echo "  after $3 s, I/O in the last second: $1 $DGOOD, $2 $DBAD"
			return 1
		fi
	done
}

# io_flows_again SD LIMIT_S: from now, seconds (centiseconds, in FLOW_CS)
# until I/O completes on path SD, polled every 0.1 s; false after LIMIT_S.
io_flows_again() {
	local t0 i0
	now_cs
	t0=$NOW
	lio_ios "$1"
	i0=$IOS
	FLOW_CS=
	while :; do
		lio_ios "$1"
		now_cs
		if [ "$IOS" -gt "$i0" ]; then
			FLOW_CS=$((NOW - t0))
			return 0
		fi
		[ $((NOW - t0)) -ge $(($2 * 100)) ] && return 1
		sleep 0.1
	done
}

# quiet cmd...: cmd, its standard error dropped.
quiet() {
	"$@" 2>/dev/null
}

# within CS SECS: CS (centiseconds, maybe empty) is at most SECS seconds.
within() {
	[ -n "$1" ] && [ "$1" -le $(($2 * 100)) ]
}

# step_start NAME GROUP STATE...: the step's heading, the array in the
# states given (the host told), fio started through the head and its I/O
# flowing through the path of the first GROUP.
step_start() {
	local st=$1
	shift
	echo "== step $st: $STEP_TITLE"
	check "${st}_start_states" lio_reach "$@"
	fio_verify_start "$st" "$HEAD"
	if [ "$1" = A ]; then
		check "${st}_io_through_A" io_moves_to "$PA" "$PB" 10
	else
		check "${st}_io_through_B" io_moves_to "$PB" "$PA" 10
	fi
}

# step_end NAME: fio stopped and checked; its longest completion latency
# printed as stall_ms.
step_end() {
	lio_fio_stop "$1"
	lio_fio_checks "$1"
	fio_stall_ms "$1"
	echo "step $1: stall_ms=$STALL_MS"
}

# probe_cmd SD WHAT: one command WHAT (tur, read, write) through path SD
# by SG_IO; prints the status and sense as sg3-utils decode them.
probe_cmd() {
	local out
	case $2 in
	tur) out=$(sg_turs -v "/dev/$1" 2>&1) ;;
	read) out=$(sg_raw -r 512 "/dev/$1" 28 00 00 01 80 00 00 00 01 00 2>&1) ;;
	write) out=$(sg_raw -s 512 -i /tmp/probe.blk "/dev/$1" 2a 00 00 01 80 00 00 00 01 00 2>&1) ;;
	esac
	out=$(echo "$out" | grep -iE 'status|sense key|additional sense|not ready|attention|good' |
		grep -viE 'sense data|^ *$' | tr -s ' \n' ' ')
	echo "    $2 via $1: ${out:-GOOD}"
}

# step_p: what LIO answers through a port in each state of its group (B;
# A stays active/optimized), and whether a unit attention reaches the
# other group's I_T nexus.  Informational: printed, not checked.
step_p() {
	local st ha hb ua ub
	echo "== step p: LIO's answers per state (TUR twice, READ, WRITE through B; TUR through A)"
	# The unit attentions each path got, as the kernel logs them (the
	# midlayer retries the command a unit attention ended: sg3-utils see
	# the answer to the retry).
	ha=$(basename "$(readlink "/sys/block/$PA/device")")
	hb=$(basename "$(readlink "/sys/block/$PB/device")")
	dd if=/dev/zero of=/tmp/probe.blk bs=512 count=1 2>/dev/null
	for st in 2 3 15 0 1; do
		ua=$(dmesg | grep -c "$ha: Asymmetric access state changed")
		ub=$(dmesg | grep -c "$hb: Asymmetric access state changed")
		lio_set_state B "$st"
		echo "  B $(lio_state_name "$st") ($st):"
		probe_cmd "$PB" tur
		probe_cmd "$PB" tur
		probe_cmd "$PB" read
		probe_cmd "$PB" write
		probe_cmd "$PA" tur
		echo "    unit attentions (2a/06): through B $(($(dmesg |
			grep -c "$hb: Asymmetric access state changed") - ub)), through A" \
			"$(($(dmesg | grep -c "$ha: Asymmetric access state changed") - ua))"
	done
}

step_a() {
	STEP_TITLE="A active/optimized -> unavailable, B active/non-optimized: I/O moves to B"
	step_start a A 0 B 1
	lio_set_state A 3
	check a_io_moves_to_B io_moves_to "$PB" "$PA" 10
	step_end a
}

step_b() {
	STEP_TITLE="A unavailable -> active/optimized: I/O flows through A again"
	step_start b B 1 A 3
	lio_set_state A 0
	if io_flows_again "$PA" $((RELEARN_BOUND + 5)); then
		echo "step b: relearn_s=$(cs_fmt "$FLOW_CS")"
	else
		echo "step b: relearn_s=none (no I/O through A within $((RELEARN_BOUND + 5)) s)"
	fi
	check b_relearn_within_bound within "$FLOW_CS" "$RELEARN_BOUND"
	step_end b
}

step_c() {
	STEP_TITLE="one-step failover: A -> unavailable, B standby -> active/optimized back to back"
	step_start c A 0 B 2
	lio_set_state A 3 B 0
	check c_io_moves_to_B io_moves_to "$PB" "$PA" $((RELEARN_BOUND + 5))
	step_end c
	check c_stall_measured test "$STALL_MS" != none
}

step_d() {
	local rd rc t0 t_out resume='' readok=no
	STEP_TITLE="every group unavailable ~5 s, then A active/optimized, B non-optimized"
	dd if=/dev/urandom of=/tmp/d.pat bs=64k count=4 2>/dev/null
	check d_pattern_written quiet dd if=/tmp/d.pat of="/dev/$HEAD" bs=64k \
		seek="$PATTERN_SEEK_64K" count=4 oflag=direct
	step_start d A 0 B 1
	# An outage: the array refuses SET TARGET PORT GROUPS meanwhile (LIO
	# would make an unavailable group active/optimized on the host's
	# word, and dm-multipath's pg_init asks it to).
	lio_set_type A 1 B 1
	lio_set_state A 3 B 3
	now_cs
	t_out=$NOW
	sleep 1
	rm -f /tmp/d.back
	dd if="/dev/$HEAD" of=/tmp/d.back bs=64k skip="$PATTERN_SEEK_64K" count=4 \
		iflag=direct 2>/tmp/d.err &
	rd=$!
	sleep 4
	check d_read_waits_during_outage running "$rd"
	lio_set_state A 0 B 1
	now_cs
	t0=$NOW
	echo "step d: outage of $(cs_fmt $((t0 - t_out))) s"
	# The read issued during the outage completes...
	while running "$rd"; do
		now_cs
		[ $((NOW - t0)) -ge $(((RELEARN_BOUND + 10) * 100)) ] && break
		sleep 0.1
	done
	now_cs
	if running "$rd"; then
		echo "step d: the read issued during the outage still waits $(cs_fmt $((NOW - t0))) s after the restore"
	else
		wait "$rd"
		rc=$?
		if [ "$rc" = 0 ] && cmp -s /tmp/d.pat /tmp/d.back; then
			readok=yes
			resume=$((NOW - t0))
		else
			echo "step d: the read issued during the outage ended with status $rc: $(cat /tmp/d.err)"
		fi
	fi
	check d_read_during_outage_completes_ok test "$readok" = yes
	# ... or, if it failed, the first read to succeed after the restore.
	while [ -z "$resume" ]; do
		if dd if="/dev/$HEAD" of=/tmp/d.back bs=64k skip="$PATTERN_SEEK_64K" count=4 \
			iflag=direct 2>/dev/null && cmp -s /tmp/d.pat /tmp/d.back; then
			now_cs
			resume=$((NOW - t0))
			break
		fi
		now_cs
		[ $((NOW - t0)) -ge $(((RELEARN_BOUND + 10) * 100)) ] && break
		sleep 0.5
	done
	if [ -n "$resume" ]; then
		echo "step d: resume_s=$(cs_fmt "$resume")"
	else
		echo "step d: resume_s=none (no read succeeded within $((RELEARN_BOUND + 10)) s of the restore)"
	fi
	check d_resume_within_bound within "$resume" "$RELEARN_BOUND"
	# Explicit ALUA back once the host settled (an STPG it still had
	# pending would make B active/optimized beside A).
	lio_set_type A 3 B 3
	step_end d
}

step_e() {
	STEP_TITLE="A and B swap active/optimized and active/non-optimized, and back"
	step_start e A 0 B 1
	# The group becoming optimized first: LIO tells only the I_T nexuses
	# of a group that changed, so the host, reading the states when A
	# tells it, must see B optimized already.
	lio_set_state B 0 A 1
	check e_io_moves_to_B io_moves_to "$PB" "$PA" 10
	lio_set_state A 0 B 1
	check e_io_moves_back_to_A io_moves_to "$PA" "$PB" 10
	step_end e
}

step_f() {
	STEP_TITLE="both groups transitioning ~3 s, then A active/optimized, B non-optimized"
	step_start f A 0 B 1
	# The transition is the array's: SET TARGET PORT GROUPS refused
	# meanwhile (LIO would end it on the host's word).
	lio_set_type A 1 B 1
	lio_set_state A 15 B 15
	sleep 3
	lio_set_state A 0 B 1
	check f_io_through_A_after io_moves_to "$PA" "$PB" $((RELEARN_BOUND + 5))
	lio_set_type A 3 B 3
	step_end f
}

step_g() {
	local t0 sa sb act='' status
	STEP_TITLE="A unavailable, B standby, nobody active: the host activates a group (STPG)"
	step_start g A 0 B 1
	lio_set_state A 3 B 2
	now_cs
	t0=$NOW
	while [ $((NOW - t0)) -lt $(((RELEARN_BOUND + 10) * 100)) ]; do
		lio_get_state A 0
		sa=$STATE
		lio_get_state B 0
		sb=$STATE
		if [ "$sa" = 0 ]; then
			act=A
			break
		fi
		if [ "$sb" = 0 ]; then
			act=B
			break
		fi
		sleep 0.1
		now_cs
	done
	now_cs
	if [ -n "$act" ]; then
		read -r status <"$LIO_HBA/lu0/alua/$act/alua_access_status"
		echo "step g: group $act active/optimized after $(cs_fmt $((NOW - t0))) s" \
			"(activate_s=$(cs_fmt $((NOW - t0)))), its status: $status"
		check g_host_activated_a_group true
		check g_activated_by_stpg test "$status" = "Altered by Explicit STPG"
		if [ "$act" = A ]; then
			check g_io_through_activated_group io_moves_to "$PA" "$PB" 10
		else
			check g_io_through_activated_group io_moves_to "$PB" "$PA" 10
		fi
	else
		echo "step g: activate_s=none (A $sa, B $sb after $((RELEARN_BOUND + 10)) s);" \
			"A set back to active/optimized by configfs for fio to end"
		check g_host_activated_a_group false
		lio_set_state A 0 B 1
		lio_kick 0
	fi
	step_end g
}

step_h() {
	local out
	STEP_TITLE="a logical unit reset through each path"
	step_start h A 0 B 1
	out=$(sg_reset -v -d "/dev/$PA" 2>&1)
	check h_reset_through_A test $? = 0
	echo "  sg_reset -d $PA: $(echo "$out" | tr -s '\n' ' ')"
	check h_io_through_A_after_reset io_moves_to "$PA" "$PB" 10
	out=$(sg_reset -v -d "/dev/$PB" 2>&1)
	check h_reset_through_B test $? = 0
	echo "  sg_reset -d $PB: $(echo "$out" | tr -s '\n' ' ')"
	check h_io_through_A_after_reset_B io_moves_to "$PA" "$PB" 10
	step_end h
}

# lio_alua_steps: the steps of the table on logical unit 0, those
# mpath.only= names if it is given.
lio_alua_steps() {
	local st
	lio_steps_init
	for st in p a b c d e f g h; do
		want "$st" || continue
		"step_$st"
	done
	# The array back where it started, and every head still with its two
	# paths.
	check end_states lio_reach A 0 B 1
}

# step_i: the scale scenarios' step, on every logical unit (lio_setup
# made them with A active/optimized and B non-optimized): the SCSI
# commands sent in 10 s of no I/O (idle_cmds_per_s; none for native
# multipath, which sends none to active paths), then A unavailable (the
# host learns it from one read per head), then A active/optimized again:
# seconds until the backend sees every A path optimized again, with no
# I/O (scale_relearn_s, at most RELEARN_BOUND), and the commands that
# took.
step_i() {
	local c0 t0 t1 tp tr idle heads h fails=0 relearn='' bad progress kn kfirst kcs
	echo "== step i: $LIO_NR logical units: idle commands, A unavailable and back"
	check i_start_states lio_wait_states A 0 B 1 "${LIO_SETTLE_S:-60}"
	sleep 2
	lio_cmds
	c0=$CMDS
	sleep 10
	lio_cmds
	idle=$((CMDS - c0))
	echo "step i: idle_cmds_per_s=$(cs_fmt $((idle * 10))) ($idle commands in 10 s, $LIO_NR LUs, $((LIO_NR * 2)) paths)"
	if [ "$MP_BACKEND" = native ]; then
		check i_idle_no_commands test "$idle" = 0
	fi
	now_cs
	tp=$NOW
	# shellcheck disable=SC2086 # a list of disks
	mp_path_states $LIO_PATHS_A >/tmp/lio.states
	now_cs
	echo "step i: reading the states of the A paths takes $(cs_fmt $((NOW - tp))) s when idle"

	now_cs
	t0=$NOW
	lio_cmds
	c0=$CMDS
	lio_set_state A 3
	now_cs
	echo "step i: A unavailable on $LIO_NR LUs in $(cs_fmt $((NOW - t0))) s of configfs writes"
	# One 4k direct read per head: each head's I/O through A fails over
	# to B, and the host learns A's state from the unit attention.
	heads=$(lio_heads)
	for h in $heads; do
		dd if="/dev/$h" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null ||
			fails=$((fails + 1))
	done
	now_cs
	echo "step i: a read through each of $(echo "$heads" | wc -w) heads in $(cs_fmt $((NOW - t0))) s, $fails failed"
	check i_reads_while_A_unavailable test "$fails" = 0
	check i_all_A_seen_unavailable lio_wait_states A 3 B 1 30
	lio_cmds
	now_cs
	echo "step i: A unavailable learned in $(cs_fmt $((NOW - t0))) s, $((CMDS - c0)) commands"

	lio_cmds
	c0=$CMDS
	now_cs
	t1=$NOW
	echo "lio: A active/optimized: writing" >/dev/kmsg
	lio_set_state A 0
	now_cs
	t0=$NOW
	echo "lio: A active/optimized: written" >/dev/kmsg
	echo "step i: A active/optimized on $LIO_NR LUs in $(cs_fmt $((t0 - t1))) s of configfs writes"
	# Reading a sysfs file takes ~4 ms in the guest (TCG, KASAN, lockdep),
	# so reading the states of hundreds of paths takes seconds, competing
	# for the guest's one CPU with the relearning itself.  Native: left
	# alone for RELEARN_BOUND + 1 s, the states polled after that; when
	# each head took its A path as optimized again is in the kernel's log
	# (the measure checked).  dm: multipathd's view polled every second.
	progress=''
	lio_want A 0
	if [ "$MP_BACKEND" = native ]; then
		sleep $((RELEARN_BOUND + 1))
	fi
	while :; do
		now_cs
		tp=$NOW
		# shellcheck disable=SC2086 # a list of disks
		mp_path_states $LIO_PATHS_A >/tmp/lio.states
		now_cs
		tr=$NOW
		lio_check_states /tmp/lio.states
		bad=$LIO_BAD
		progress="$progress $(cs_fmt $((tr - t0))):$bad"
		if [ "$bad" = 0 ]; then
			relearn=$((tr - t0))
			break
		fi
		now_cs
		[ $((NOW - t0)) -ge $(((RELEARN_BOUND + 15) * 100)) ] && break
		sleep 1
	done
	lio_cmds
	echo "step i: A paths not yet optimized (seconds since the change:count):$progress"
	echo "step i: reading their states took $(cs_fmt $((tr - tp))) s then"
	if [ -n "$relearn" ]; then
		echo "step i: polled_relearn_s=$(cs_fmt "$relearn") relearn_cmds=$((CMDS - c0))"
	else
		echo "step i: polled_relearn_s=none ($bad A paths not optimized after" \
			"$((RELEARN_BOUND + 15)) s:$LIO_BAD_LIST) relearn_cmds=$((CMDS - c0))"
	fi
	if [ "$MP_BACKEND" = native ]; then
		relearn=''
		timeout 2 cat /dev/kmsg >/tmp/kmsg 2>/dev/null
		# Counted from the first configfs write (a head may relearn
		# before the last one), timed from the last (as the polls).
		awk -F';' -v host="$LIO_HOST_A" '
			function cs(t) { t = (t - t0) / 10000; return t < 0 ? 0 : t }
			{ split($1, h, ","); ts = h[3] }
			$2 ~ /^lio: A active\/optimized: writing/ { on = 1; n = 0; next }
			$2 ~ /^lio: A active\/optimized: written/ { t0 = ts; next }
			on && $2 ~ ("^sd " host ":0:1:[0-9]+: multipath: path optimized") {
				if (!n++) first = ts; last = ts }
			END { if (t0 && n) printf "%d %d %d\n", n, cs(first), cs(last) }' \
			/tmp/kmsg >/tmp/kmsg.relearn
		read -r kn kfirst kcs </tmp/kmsg.relearn
		if [ -n "$kcs" ]; then
			echo "step i: kernel log: $kn A paths optimized again, the first" \
				"$(cs_fmt "$kfirst") s after the change, the last $(cs_fmt "$kcs") s"
			# Every one of them, by the polls' word.
			[ "$bad" = 0 ] && relearn=$kcs
		else
			echo "step i: kernel log: no A path optimized again after the change"
		fi
	fi
	if [ -n "$relearn" ]; then
		echo "step i: scale_relearn_s=$(cs_fmt "$relearn")"
	else
		echo "step i: scale_relearn_s=none"
	fi
	check i_scale_relearn_within_bound within "$relearn" "$RELEARN_BOUND"
	if [ -z "$relearn" ]; then
		echo "step i: the host told by sg_rtpg on every path, to end with the array's states"
		lio_kick
		check i_end_states lio_wait_states A 0 B 1 60
	fi
}
