# SPDX-License-Identifier: GPL-2.0
#
# Common settings of the workbench scripts; sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WB=$REPO/tools/workbench
CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath}
export MPATH_CACHE=$CACHE
PRISTINE=$CACHE/src/linux-7.3-pristine
WORK=$CACHE/work/linux
# The test kernel by default; `make bench` builds its kernels with other
# MPATH_BUILD (O= directory), MPATH_SRC (source tree: the work tree, or
# $PRISTINE for the unpatched kernel) and MPATH_MODROOT.
BUILD=${MPATH_BUILD:-$CACHE/build/test}
SRC=${MPATH_SRC:-$WORK}
MODROOT=${MPATH_MODROOT:-$CACHE/modroot}
LOGS=$CACHE/logs
JOBS=${JOBS:-$(nproc)}
mkdir -p "$LOGS"

# clang 22 is on rustc 1.96's LLVM (22), which RUST_INLINE_HELPERS needs
# (configs/inline-helpers.config); bindgen loads the same libclang.
KMAKE=(env LIBCLANG_PATH=/usr/lib/llvm-22/lib
	make -s -C "$SRC" O="$BUILD" LLVM=-22
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFMT=/usr/bin/rustfmt
	CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN="$CACHE/bindgen/bin/bindgen"
	-j"$JOBS")


log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

# The scenario lists in force: `make check` runs scenarios.list,
# `make check-full` (SCENARIO_TIER=full) also the longer ones of
# scenarios-full.list.
scenario_lists() {
	echo "$WB/scenarios.list"
	[ "${SCENARIO_TIER:-}" = full ] && echo "$WB/scenarios-full.list"
	return 0
}

# The scenarios of the lists in force (all lists with ALL set) as
# "NAME LIMIT KERNEL-ARGS..." lines; with an argument, only those whose
# name matches that glob.
scenario_specs() {
	local name rest list
	for list in $(if [ -n "${ALL:-}" ]; then
		echo "$WB/scenarios.list" "$WB/scenarios-full.list"
	else scenario_lists; fi); do
		[ -f "$list" ] || continue
		while read -r name rest; do
			case $name in '' | '#'*) continue ;; esac
			# shellcheck disable=SC2053 # $1 is a glob on purpose
			[[ $name == ${1:-*} ]] && echo "$name $rest"
		done <"$list"
	done
	return 0
}
