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
