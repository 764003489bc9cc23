#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel: set up the toolchain and the pinned source if
# needed, lay out the work tree (pristine + our files + patches), configure
# it from configs/test.config and build bzImage incrementally with O= and
# CLIPPY=1.  Our own objects are always recompiled so that their warnings
# are seen on every run; any warning in them fails the build.
#
# `make bench` builds its two kernels with this script too (see env.sh):
# MPATH_CONFIG names another config fragment, MPATH_BUILD another O=
# directory, and MPATH_SRC=$PRISTINE builds the unpatched 7.3 tree, where
# the work tree is not laid out, options that no Kconfig of the tree
# defines (the library's) are left out, and there is no warning gate.
set -euo pipefail
source "$(dirname "$0")/env.sh"
CONFIG=${MPATH_CONFIG:-$WB/configs/test.config}
pristine=0
[ "$SRC" = "$PRISTINE" ] && pristine=1

bash "$WB/setup-toolchain.sh" >&2
bash "$WB/fetch-kernel.sh" >/dev/null

# A symbol that some Kconfig file of the source tree defines.
kconfig_defines() {
	grep -rqE --include='Kconfig*' "^[[:space:]]*(menu)?config $1\b" "$SRC"
}

if [ "$pristine" = 0 ]; then
	want=$(cat "$PRISTINE/.mpath-pristine")
	if [ "$(cat "$WORK/.mpath-pristine" 2>/dev/null)" != "$want" ]; then
		log "creating the work tree from linux-source-7.3 $want"
		rm -rf "$WORK" "$BUILD"
		mkdir -p "$(dirname "$WORK")"
		cp -a "$PRISTINE" "$WORK.tmp"
		mv "$WORK.tmp" "$WORK"
	fi
	python3 "$WB/prepare-tree.py" "$REPO" "$PRISTINE" "$WORK" "$CACHE/staging" >&2
fi

mkdir -p "$BUILD"
# The fragment, and configs/inline-helpers.config for every kernel.
fragment=$BUILD/.mpath-fragment
cat "$CONFIG" "$WB/configs/inline-helpers.config" >"$fragment"
KCONFIG_ALLCONFIG="$fragment" "${KMAKE[@]}" allnoconfig >&2
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=n) grep -q "^${line%=n}=" "$BUILD/.config" || continue ;;
	CONFIG_*=*) grep -qxF "$line" "$BUILD/.config" && continue ;;
	*) continue ;;
	esac
	name=${line%%=*}
	if [ "$pristine" = 1 ] && ! kconfig_defines "${name#CONFIG_}"; then
		log "config: $line is not in the pristine tree: left out"
		continue
	fi
	log "config: $line did not stick (dependency missing?)"
	missing=1
done <"$fragment"
[ "$missing" = 0 ] || exit 1

clippy=()
if [ "$pristine" = 0 ]; then
	# kernel.o too: our abstractions live in the kernel crate (about 75 s).
	rm -f "$BUILD"/rust/multipath.o "$BUILD"/rust/kernel.o
	find "$BUILD/lib/multipath" -name '*.o' -delete 2>/dev/null || true
	clippy=(CLIPPY=1)
fi
blog=$LOGS/build${MPATH_BUILD:+-$(basename "$BUILD")}.log
log "building bzImage in $BUILD (log: $blog)"
start=$(date +%s)
if ! "${KMAKE[@]}" "${clippy[@]}" bzImage modules >"$blog" 2>&1; then
	tail -n 60 "$blog" >&2
	log "build failed"
	exit 1
fi
rm -rf "$MODROOT"
"${KMAKE[@]}" INSTALL_MOD_PATH="$MODROOT" INSTALL_MOD_STRIP=1 DEPMOD=true \
	modules_install >>"$blog" 2>&1
# modules.dep, for modprobe in the guest (NVMe is modular).
depmod -b "$MODROOT" "$(cat "$BUILD/include/config/kernel.release")"
log "built in $(($(date +%s) - start)) s"
# The pristine tree is not ours: its warnings are not gated.
[ "$pristine" = 1 ] && exit 0
# Our objects were rebuilt above, so their warnings are in the log. Any
# warning at all fails: one in a kernel file can only come from our
# patches or our headers, since the pristine tree builds clean.
if grep -Eq "^(warning|error)(\[|:)|: (warning|error): " "$blog"; then
	grep -E -A8 "^(warning|error)(\[|:)|: (warning|error): " "$blog" >&2
	log "warnings in the build (see $blog)"
	exit 2
fi
