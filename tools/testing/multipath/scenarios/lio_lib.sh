# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the LIO ALUA scenarios: an ALUA "array" built in the guest
# from configfs alone (no targetcli) with the kernel's SCSI target (LIO,
# target_core built in): NR rd_mcp logical units, each exported through
# two tcm_loop WWNs.  Each tcm_loop WWN is a SCSI host of its own with one
# I_T nexus, so each logical unit has two paths: the one through WWN A,
# whose LUN is in ALUA target port group "A" (tg_pt_gp_id 1), and the one
# through WWN B, in group "B" (tg_pt_gp_id 2).  alua_access_type 3
# (implicit and explicit: configfs writes and SET TARGET PORT GROUPS both
# change states; LIO lets STPG make even an unavailable or transitioning
# group active/optimized, so the steps modelling an outage or a transition
# the host cannot end take explicit ALUA away meanwhile, lio_set_type).
# Initially A is active/optimized, B active/non-optimized.
# LIO's ALUA groups belong to a backstore device, so "group A" is NR
# groups, one per logical unit; lio_set_state changes them all.
#
# Logical units are numbered from 0; LU n is LUN n of both WWNs (SCSI
# address H:0:1:n, H the host of the WWN), so the order of the LUNs is the
# order of the LUs.
#
# The multipath backend provides, once the scenario sourced it (after this
# file) and set MP_BACKEND (native or dm):
#
#   mp_head LU       the head block device of logical unit LU, its name
#                    under /dev: native sdmpathN (lio_native_head below),
#                    dm dm-N.
#   mp_path_states [SD...]
#                    one line "SD STATE" per path (sd disk; only those SD
#                    when given, though a backend may print more), STATE what the
#                    backend routes I/O by: optimized, non-optimized,
#                    standby, unavailable, transitioning, offline, failed
#                    (the backend failed the path), or unusable (for a
#                    backend that cannot tell standby, unavailable and
#                    transitioning apart).  Native: lio_native_path_states
#                    (scsi_dh_alua's access_state of each path).
#   mp_heads         (optional) every LU's head, one a line in LU order; a
#                    faster mp_head for the scale scenario.
#
# dm_lib.sh (dm-multipath driven by multipathd, written separately) is
# to provide:
#   dm_start         start udevd and multipathd and return 0 once there is
#                    one dm multipath map per logical unit with both its
#                    paths (non-zero when there is not within its limit);
#   mp_head LU       the map's dm-N, LU numbered in the order of the LUNs
#                    (the L of its paths' H:C:T:L);
#   mp_path_states   as above, from multipathd (`multipathd show paths
#                    format "%d %t %T %p"`: dm state, checker state and
#                    the alua prioritizer's priority).  Until it does,
#                    lio_dm_path_states below derives it from multipathd.
#
# The sense data LIO returns, per state of a port's group: active/
# non-optimized: none (commands are delayed nonop_delay_msecs, set to
# LIO_NONOP_DELAY_MS, 0 here); standby: NOT READY 04/0b for all but
# INQUIRY, REPORT LUNS, MODE/LOG SENSE/SELECT, READ CAPACITY, RTPG, STPG,
# REQUEST SENSE, PR IN/OUT, READ/WRITE BUFFER and diagnostics (so TEST UNIT
# READY, READ and WRITE all fail); unavailable: NOT READY 04/0c for all but
# INQUIRY, REPORT LUNS, RTPG, STPG, REQUEST SENSE, READ/WRITE BUFFER;
# transitioning: NOT READY 04/0a for all but INQUIRY, REPORT LUNS, RTPG,
# REQUEST SENSE, READ/WRITE BUFFER.  A pending unit attention is reported
# first (to all but INQUIRY, REPORT LUNS and REQUEST SENSE).  A state
# change queues UNIT ATTENTION 2a/06 (asymmetric access state changed)
# only on the I_T nexuses of the LUNs in the group that changed (not on
# every I_T nexus of the logical unit), twice (through transitioning, then
# the new state) but deduplicated while not reported.

LIO=/sys/kernel/config/target
LIO_HBA=$LIO/core/rd_mcp_0
LIO_WWN_A=naa.50014050000000a1
LIO_WWN_B=naa.50014050000000b2
LIO_INI_A=naa.5001405000001a01
LIO_INI_B=naa.5001405000001b02
LIO_ID_A=1
LIO_ID_B=2
LIO_NONOP_DELAY_MS=${LIO_NONOP_DELAY_MS:-0}
LIO_NR=0
LIO_PATHS=

# now_cs: the guest's uptime in centiseconds, in NOW (no fork).
now_cs() {
	local up
	read -r up _ </proc/uptime
	NOW=$((${up%.*} * 100 + 1${up#*.} - 100))
}

# cs_fmt CS: centiseconds as seconds with two decimals.
cs_fmt() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# lio_ios SD: the disk's completed reads plus writes, in IOS (no fork).
lio_ios() {
	local r w
	read -r r _ _ _ w _ <"/sys/block/$1/stat"
	IOS=$((r + w))
}

# lio_cmds: the SCSI commands sent to every sd disk so far (the sum of
# their iorequest_cnt), in CMDS.
lio_cmds() {
	local f v
	CMDS=0
	for f in /sys/block/sd*/device/iorequest_cnt; do
		[ -r "$f" ] || continue
		read -r v <"$f"
		CMDS=$((CMDS + v))
	done
}

# lio_state_name VALUE: the state an alua_access_state value stands for,
# as mp_path_states prints it.
lio_state_name() {
	case $1 in
	0) echo optimized ;;
	1) echo non-optimized ;;
	2) echo standby ;;
	3) echo unavailable ;;
	14) echo offline ;;
	15) echo transitioning ;;
	*) echo "state$1" ;;
	esac
}

# lio_quiet_console: the console prints warnings and worse only (not the
# notices and information of every SCSI device scanned: hundreds of lines
# per second of guest time under TCG), until lio_loud_console.
lio_quiet_console() {
	read -r LIO_CONSOLE_LEVEL _ </proc/sys/kernel/printk
	dmesg -n 5
}
lio_loud_console() {
	dmesg -n "${LIO_CONSOLE_LEVEL:-7}"
}

# lio_serial N: the unit serial of LU N.  The NAA designator of VPD page
# 0x83 (the WWID) is made of the serial's first 25 hex digits, so N comes
# first.
lio_serial() {
	printf '%08xa110c0de00000000' "$1"
}

# lio_setup NR SIZE_MB: the array, NR logical units of SIZE_MB MiB each,
# mapped through both WWNs, A active/optimized and B active/non-optimized,
# and the host's view of it: every path's sd disk there (LIO_P_A_n,
# LIO_P_B_n; all of them in LIO_PATHS) and scsi_dh_alua's access_state of
# each as the array says.
lio_setup() {
	local nr=$1 pages=$(($2 * 256)) n g dirs dev tpg wwn ini addr t0 h
	LIO_NR=$nr
	now_cs
	t0=$NOW
	if [ ! -d "$LIO" ]; then
		echo "lio: no $LIO (target core not built in, or configfs not mounted)"
		return 1
	fi
	mkdir -p "$LIO_HBA" || return 1
	# The backstores: one mkdir for them all (each fork counts under TCG).
	dirs='' n=0
	while [ "$n" -lt "$nr" ]; do
		dirs="$dirs $LIO_HBA/lu$n"
		n=$((n + 1))
	done
	# shellcheck disable=SC2086 # a list of directories
	mkdir $dirs || return 1
	n=0
	while [ "$n" -lt "$nr" ]; do
		dev=$LIO_HBA/lu$n
		echo "rd_pages=$pages" >"$dev/control" &&
			lio_serial "$n" >"$dev/wwn/vpd_unit_serial" &&
			echo 1 >"$dev/enable" || {
			echo "lio: cannot configure $dev"
			return 1
		}
		n=$((n + 1))
	done
	# Their port groups A and B, B non-optimized (no LUN in it yet: no
	# unit attention).
	dirs='' n=0
	while [ "$n" -lt "$nr" ]; do
		dirs="$dirs $LIO_HBA/lu$n/alua/A $LIO_HBA/lu$n/alua/B"
		n=$((n + 1))
	done
	# shellcheck disable=SC2086 # a list of directories
	mkdir $dirs || return 1
	n=0
	while [ "$n" -lt "$nr" ]; do
		for g in A B; do
			dev=$LIO_HBA/lu$n/alua/$g
			eval "echo \$LIO_ID_$g" >"$dev/tg_pt_gp_id" &&
				echo 3 >"$dev/alua_access_type" &&
				echo "$LIO_NONOP_DELAY_MS" >"$dev/nonop_delay_msecs" || {
				echo "lio: cannot configure $dev"
				return 1
			}
		done
		echo 1 >"$LIO_HBA/lu$n/alua/B/alua_access_state" || return 1
		n=$((n + 1))
	done
	# The two WWNs (a SCSI host each), their I_T nexus, and a LUN per
	# logical unit.  Linking a LUN to its device scans it (scsi_add_device)
	# while the LUN is still in default_tg_pt_gp: it is then moved to its
	# group (LIO queues INQUIRY DATA HAS CHANGED), and the path rescanned
	# below so that scsi_dh_alua reads its new group from VPD page 0x83.
	for g in A B; do
		eval "wwn=\$LIO_WWN_$g ini=\$LIO_INI_$g"
		tpg=$LIO/loopback/$wwn/tpgt_1
		mkdir -p "$tpg" && echo "$ini" >"$tpg/nexus" || {
			echo "lio: cannot make $tpg and its nexus"
			return 1
		}
		read -r addr <"$tpg/address"
		eval "LIO_HOST_$g=${addr%%:*}"
		dirs='' n=0
		while [ "$n" -lt "$nr" ]; do
			dirs="$dirs $tpg/lun/lun_$n"
			n=$((n + 1))
		done
		# shellcheck disable=SC2086 # a list of directories
		mkdir $dirs || return 1
		n=0
		while [ "$n" -lt "$nr" ]; do
			ln -s "$LIO_HBA/lu$n" "$tpg/lun/lun_$n/lu$n" &&
				echo "$g" >"$tpg/lun/lun_$n/alua_tg_pt_gp" || {
				echo "lio: cannot map lu$n through $g"
				return 1
			}
			n=$((n + 1))
		done
	done
	now_cs
	echo "lio: $nr LUs of $2 MiB mapped through $LIO_WWN_A (host $LIO_HOST_A," \
		"group A) and $LIO_WWN_B (host $LIO_HOST_B, group B) in $(cs_fmt $((NOW - t0))) s"
	# Rescan every path (scsi_dh_alua relearns its port group), then wait
	# for its sd disk.
	for g in A B; do
		eval "h=\$LIO_HOST_$g"
		n=0
		while [ "$n" -lt "$nr" ]; do
			echo 1 >"/sys/class/scsi_device/$h:0:1:$n/device/rescan" || {
				echo "lio: no SCSI device $h:0:1:$n"
				return 1
			}
			n=$((n + 1))
		done
	done
	now_cs
	echo "lio: paths rescanned at $(cs_fmt $((NOW - t0))) s"
	lio_find_paths $((60 + nr / 2)) || return 1
	lio_wait_dh A 0 B 1 $((30 + nr / 4)) || return 1
	now_cs
	echo "lio: set up in $(cs_fmt $((NOW - t0))) s: LU 0 through" \
		"$LIO_P_A_0 (A) and $LIO_P_B_0 (B)"
}

# lio_find_paths SECS: within SECS s, every path's sd disk is there:
# LIO_P_<group>_<n>, LIO_PATHS the list of them and LIO_PATHS_A of those
# through A.
lio_find_paths() {
	local end g h n b missing
	now_cs
	end=$((NOW + $1 * 100))
	while :; do
		missing=0 LIO_PATHS='' LIO_PATHS_A=''
		for g in A B; do
			eval "h=\$LIO_HOST_$g"
			n=0
			while [ "$n" -lt "$LIO_NR" ]; do
				b=
				for b in /sys/class/scsi_device/"$h:0:1:$n"/device/block/sd*; do
					[ -e "$b" ] || b=
				done
				if [ -n "$b" ]; then
					eval "LIO_P_${g}_$n=${b##*/}"
					LIO_PATHS="$LIO_PATHS ${b##*/}"
					[ "$g" = A ] && LIO_PATHS_A="$LIO_PATHS_A ${b##*/}"
				else
					missing=$((missing + 1))
				fi
				n=$((n + 1))
			done
		done
		[ "$missing" = 0 ] && return 0
		now_cs
		if [ "$NOW" -ge "$end" ]; then
			echo "lio: $missing path disks missing after $1 s"
			return 1
		fi
		sleep 0.5
	done
}

# lio_path GROUP LU: the sd disk of the path through WWN GROUP (A or B) to
# logical unit LU.
lio_path() {
	eval "echo \${LIO_P_$1_$2:-}"
}

# lio_native_path_states [SD...]: mp_path_states of native SCSI
# multipath, which routes I/O by scsi_dh_alua's access_state of each path
# (of every path by default).  One grep reads them all: a shell loop of
# reads takes seconds for hundreds of paths under TCG.
lio_native_path_states() {
	local p files=''
	[ $# -gt 0 ] || set -- $LIO_PATHS
	[ $# -gt 0 ] || return 0
	for p in "$@"; do
		files="$files /sys/block/$p/device/access_state"
	done
	# shellcheck disable=SC2086 # a list of files
	grep -H '' $files 2>/dev/null | sed -e 's,^/sys/block/\([^/]*\)/device/access_state:,\1 ,' \
		-e 's, active/optimized$, optimized,' -e 's, active/non-optimized$, non-optimized,'
}

# lio_dm_path_states: mp_path_states of dm-multipath from multipathd: a
# path dm failed is "failed"; otherwise the alua prioritizer's priority
# tells the state (50 active/optimized, 10 active/non-optimized, 1
# standby, 0 the others; +80 when preferred).
lio_dm_path_states() {
	multipathd show paths raw format "%d %t %T %p" 2>/dev/null | awk '
		$1 !~ /^sd/ { next }
		$2 == "failed" || $3 == "faulty" { print $1, "failed"; next }
		{ p = $4 % 80
		  if (p == 50) s = "optimized"; else if (p == 10) s = "non-optimized"
		  else if (p == 1) s = "standby"; else s = "unusable"
		  print $1, s }'
}

# lio_native_head LU: the native head (sdmpathN) whose multipath/
# directory links LU's path through A.
lio_native_head() {
	local p v
	eval "p=\${LIO_P_A_$1:-}"
	[ -n "$p" ] || return 1
	eval "v=\${LIO_HEAD_$p:-}"
	if [ -z "$v" ]; then
		lio_native_map
		eval "v=\${LIO_HEAD_$p:-}"
	fi
	[ -n "$v" ] && echo "$v"
}

# lio_native_map: LIO_HEAD_<sd> the head linking each path disk.
lio_native_map() {
	local h p
	for h in /sys/block/sdmpath*; do
		for p in "$h"/multipath/*; do
			[ -e "$p" ] || continue
			eval "LIO_HEAD_${p##*/}=${h##*/}"
		done
	done
}

# lio_native_wait SECS: within SECS s, one native head per logical unit,
# linking both its paths.
lio_native_wait() {
	local end n pa pb ha hb bad
	now_cs
	end=$((NOW + $1 * 100))
	while :; do
		lio_native_map
		bad=0 n=0
		while [ "$n" -lt "$LIO_NR" ]; do
			eval "pa=\$LIO_P_A_$n pb=\$LIO_P_B_$n"
			eval "ha=\${LIO_HEAD_$pa:-} hb=\${LIO_HEAD_$pb:-}"
			{ [ -n "$ha" ] && [ "$ha" = "$hb" ]; } || bad=$((bad + 1))
			n=$((n + 1))
		done
		[ "$bad" = 0 ] && return 0
		now_cs
		if [ "$NOW" -ge "$end" ]; then
			echo "lio: $bad logical units without a head linking both paths after $1 s"
			return 1
		fi
		sleep 0.5
	done
}

# lio_heads: every logical unit's head, one a line, in LU order (the
# backend's mp_heads if it has one).
lio_heads() {
	local n=0
	if type mp_heads >/dev/null 2>&1; then
		mp_heads
		return
	fi
	while [ "$n" -lt "$LIO_NR" ]; do
		mp_head "$n"
		n=$((n + 1))
	done
}

# lio_pairs GROUP STATE...: "GROUP=STATE ..." in LIO_PAIRS.
lio_pairs() {
	LIO_PAIRS=
	while [ $# -ge 2 ]; do
		LIO_PAIRS="$LIO_PAIRS $1=$2"
		shift 2
	done
}

# lio_set_state GROUP STATE [GROUP STATE...]: the array changes the state
# of each GROUP (A or B) of every logical unit to STATE (an
# alua_access_state value: 0 active/optimized, 1 active/non-optimized, 2
# standby, 3 unavailable, 15 transitioning), LU by LU, and for each LU the
# groups in the order given (back to back).
lio_set_state() {
	local n=0 rc=0 pr
	lio_pairs "$@"
	while [ "$n" -lt "$LIO_NR" ]; do
		for pr in $LIO_PAIRS; do
			echo "${pr#*=}" >"$LIO_HBA/lu$n/alua/${pr%=*}/alua_access_state" || {
				echo "lio: lu$n group ${pr%=*} refused state ${pr#*=}"
				rc=1
			}
		done
		n=$((n + 1))
	done
	return $rc
}

# lio_set_type GROUP TYPE [GROUP TYPE...]: each GROUP of every logical
# unit takes ALUA changes of alua_access_type TYPE: 3 implicit (configfs)
# and explicit (SET TARGET PORT GROUPS), 1 implicit only (STPG refused
# with ILLEGAL REQUEST), as an array in an outage or a transition that the
# host cannot end itself.
lio_set_type() {
	local n=0 rc=0 pr
	lio_pairs "$@"
	while [ "$n" -lt "$LIO_NR" ]; do
		for pr in $LIO_PAIRS; do
			echo "${pr#*=}" >"$LIO_HBA/lu$n/alua/${pr%=*}/alua_access_type" || rc=1
		done
		n=$((n + 1))
	done
	return $rc
}

# lio_get_state GROUP LU: the array's state of the group of logical unit
# LU (alua_access_state), in STATE.
lio_get_state() {
	read -r STATE <"$LIO_HBA/lu$2/alua/$1/alua_access_state"
}

# lio_kick [LU...]: every path of the logical units (all by default) sends
# REPORT TARGET PORT GROUPS twice (sg_rtpg, as a path checker would): the
# first gets the unit attention a state change left, on which scsi_dh_alua
# rereads the states.  Only to put the host in a known state between
# steps, never in a measured one.
lio_kick() {
	local n p
	[ $# -gt 0 ] || set -- $(seq 0 $((LIO_NR - 1)))
	for n in "$@"; do
		for p in $(lio_path A "$n") $(lio_path B "$n"); do
			sg_rtpg "/dev/$p" >/dev/null 2>&1
			sg_rtpg "/dev/$p" >/dev/null 2>&1
		done
	done
}

# lio_want GROUP STATE...: /tmp/lio.want, the state wanted of every
# logical unit's path through each GROUP: "SD NAME LABEL" lines, NAME
# from lio_state_name, LABEL the LU and group ("0A").
lio_want() {
	local n pr p wants=''
	lio_pairs "$@"
	# GROUP=NAME pairs, the names looked up once (each $() forks).
	for pr in $LIO_PAIRS; do
		wants="$wants ${pr%=*}=$(lio_state_name "${pr#*=}")"
	done
	n=0
	while [ "$n" -lt "$LIO_NR" ]; do
		for pr in $wants; do
			eval "p=\$LIO_P_${pr%=*}_$n"
			echo "$p ${pr#*=} $n${pr%=*}"
		done
		n=$((n + 1))
	done >/tmp/lio.want
}

# lio_check_states STATES_FILE: the "SD STATE" lines of STATES_FILE
# (mp_path_states) have every path of /tmp/lio.want (lio_want) in its
# state: the same, or, for a state no I/O can use, unusable or failed.
# LIO_BAD: how many are not; the first few are listed in LIO_BAD_LIST.
lio_check_states() {
	awk 'NR == FNR { got[$1] = $2; next }
		{ g = ($1 in got) ? got[$1] : "none"
		  ok = g == $2 || ($2 ~ /^(standby|unavailable|transitioning|offline)$/ &&
			g ~ /^(unusable|failed)$/)
		  if (!ok && ++bad <= 4) list = list " " $1 "(" $3 "):" g "!=" $2 }
		END { print bad + 0, list }' "$1" /tmp/lio.want >/tmp/lio.check
	read -r LIO_BAD LIO_BAD_LIST </tmp/lio.check
	[ "$LIO_BAD" = 0 ]
}

# lio_wait_view VIEW WHO GROUP STATE... SECS: within SECS s, the path
# states VIEW prints (mp_path_states or lio_native_path_states) have every
# logical unit's path through each GROUP in STATE; WHO names the view in
# the message of a timeout.
lio_wait_view() {
	local view=$1 who=$2 secs end
	shift 2
	eval "secs=\${$#}"
	# shellcheck disable=SC2046 # all but the last argument, as words
	lio_want $(echo "$@" | sed 's/ [^ ]*$//')
	now_cs
	end=$((NOW + secs * 100))
	while :; do
		"$view" >/tmp/lio.view
		lio_check_states /tmp/lio.view && return 0
		now_cs
		if [ "$NOW" -ge "$end" ]; then
			echo "  after $secs s, ${who}$LIO_BAD paths not as wanted:$LIO_BAD_LIST"
			return 1
		fi
		sleep 0.5
	done
}

# lio_wait_states GROUP STATE... SECS: within SECS s, the backend sees
# every logical unit's path through each GROUP in STATE (mp_path_states).
lio_wait_states() {
	lio_wait_view mp_path_states "" "$@"
}

# lio_wait_dh GROUP STATE... SECS: lio_wait_states by scsi_dh_alua's view
# (access_state), whatever the backend.
lio_wait_dh() {
	lio_wait_view lio_native_path_states "scsi_dh_alua has " "$@"
}

# lio_reach GROUP STATE...: the array puts each GROUP in STATE, the host is
# told (lio_kick) and the backend sees it within LIO_SETTLE_S (30) s.  The
# starting point of a step, not a measurement.
lio_reach() {
	lio_set_state "$@" || return 1
	lio_kick
	lio_wait_states "$@" "${LIO_SETTLE_S:-30}"
}

# lio_fio_stop NAME: fio_stop, but fio is given LIO_FIO_STOP_S (90) s to
# end (I/O queued on a head with no path may hold it); FIO_RC 124 when it
# did not, and the job is killed.
lio_fio_stop() {
	touch "/tmp/$1.stop"
	if finished "$FIO_PID" "${LIO_FIO_STOP_S:-90}"; then
		wait "$FIO_PID"
		FIO_RC=$?
	else
		echo "fio $1 still running ${LIO_FIO_STOP_S:-90} s after it was told to stop"
		kill -9 "$FIO_PID" 2>/dev/null
		FIO_RC=124
	fi
}

# lio_fio_checks NAME: fio_checks of the stopped job (the data replayed
# and verified, unless fio had to be killed).
lio_fio_checks() {
	if [ "$FIO_RC" = 124 ]; then
		fio_summary "$1"
		check "fio_${1}_exit_status_0" false
		check "fio_${1}_no_io_error" false
		check "fio_${1}_data_verified" false
		return
	fi
	fio_checks "$1"
}
