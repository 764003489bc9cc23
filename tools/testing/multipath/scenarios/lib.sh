# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the scenario scripts: each CHECK line is one test in the
# `make check` total.

# check NAME cmd...: one test; returns the command's status.
check() {
	name=$1
	shift
	if "$@"; then
		echo "CHECK $name PASS"
	else
		echo "CHECK $name FAIL"
		return 1
	fi
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

# fio jobs started by a scenario library's fio_start (terse output in
# /tmp/NAME.fio, stopped through /tmp/NAME.stop).

# fio_stop NAME: end the job started by fio_start; FIO_RC is its status.
fio_stop() {
	touch "/tmp/$1.stop"
	wait "$FIO_PID"
	FIO_RC=$?
}

# Fields of fio's terse (v3) line: error, read (verify) KiB and IOPS,
# written KiB and IOPS.
fio_field() {
	awk -F';' -v f="$2" '$1 == 3 { print $f; exit }' "/tmp/$1.fio"
}

# fio_verified NAME: data written, and all of it read back and verified
# but the last backlog (16 writes) and the writes in flight (8) when the
# job was stopped.
fio_verified() {
	[ "$(fio_field "$1" 47)" -gt 0 ] &&
		[ "$(fio_field "$1" 6)" -ge $(($(fio_field "$1" 47) - 24 * 4)) ]
}

fio_summary() {
	echo "fio $1: status=$FIO_RC error=$(fio_field "$1" 5) written=$(fio_field "$1" 47)KiB" \
		"($(fio_field "$1" 49) IOPS) verified=$(fio_field "$1" 6)KiB" \
		"in $(($(fio_field "$1" 50) / 1000)) s"
}

# fio_checks NAME: summary line and the CHECKs of a stopped fio job.
fio_checks() {
	fio_summary "$1"
	check "fio_${1}_exit_status_0" test "$FIO_RC" = 0
	check "fio_${1}_no_io_error" test "$(fio_field "$1" 5)" = 0
	check "fio_${1}_data_verified" fio_verified "$1"
}
