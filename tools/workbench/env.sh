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

KMAKE=(make -s -C "$SRC" O="$BUILD" LLVM=-19
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFMT=/usr/bin/rustfmt
	CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN="$CACHE/bindgen/bin/bindgen"
	-j"$JOBS")


log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }

# The scenarios of scenarios.list as "NAME LIMIT KERNEL-ARGS..." lines;
# with an argument, only those whose name matches that glob.
scenario_specs() {
	local name rest
	while read -r name rest; do
		case $name in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2053 # $1 is a glob on purpose
		[[ $name == ${1:-*} ]] && echo "$name $rest"
	done <"$WB/scenarios.list"
	return 0
}
