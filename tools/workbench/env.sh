# SPDX-License-Identifier: GPL-2.0
#
# Common settings of the workbench scripts; sourced, not run.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WB=$REPO/tools/workbench
CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath}
export MPATH_CACHE=$CACHE
PRISTINE=$CACHE/src/linux-7.3-pristine
WORK=$CACHE/work/linux
BUILD=$CACHE/build/test
LOGS=$CACHE/logs
JOBS=${JOBS:-$(nproc)}
mkdir -p "$LOGS"

KMAKE=(make -s -C "$WORK" O="$BUILD" LLVM=-19
	RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTFMT=/usr/bin/rustfmt
	CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN="$CACHE/bindgen/bin/bindgen"
	-j"$JOBS")

# Our sources as they sit in the work tree, as one regular expression:
# every file of the repository that is copied into the tree.
OUR_PATHS_RE=$(cd "$REPO" && git ls-files -co --exclude-standard rust lib include samples tests Kbuild Kconfig |
	sed 's|^tests/kunit/|lib/multipath/tests/|; s|^Kbuild$|lib/multipath/Kbuild|; s|^Kconfig$|lib/multipath/Kconfig|; s|[.]|[.]|g' |
	paste -sd'|')
OUR_PATHS_RE="(${OUR_PATHS_RE})"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
