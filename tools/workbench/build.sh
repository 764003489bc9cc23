#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test kernel: set up the toolchain and the pinned source if
# needed, lay out the work tree (pristine + our files + patches), configure
# it from configs/test.config and build bzImage incrementally with O= and
# CLIPPY=1.  Our own objects are always recompiled so that their warnings
# are seen on every run; any warning in them fails the build.
set -euo pipefail
source "$(dirname "$0")/env.sh"

bash "$WB/setup-toolchain.sh" >&2
bash "$WB/fetch-kernel.sh" >/dev/null

want=$(cat "$PRISTINE/.mpath-pristine")
if [ "$(cat "$WORK/.mpath-pristine" 2>/dev/null)" != "$want" ]; then
	log "creating the work tree from linux-source-7.3 $want"
	rm -rf "$WORK" "$BUILD"
	mkdir -p "$(dirname "$WORK")"
	cp -a "$PRISTINE" "$WORK.tmp"
	mv "$WORK.tmp" "$WORK"
fi
python3 "$WB/prepare-tree.py" "$REPO" "$PRISTINE" "$WORK" "$CACHE/staging" >&2

mkdir -p "$BUILD"
KCONFIG_ALLCONFIG="$WB/configs/test.config" "${KMAKE[@]}" allnoconfig >&2
missing=0
while read -r line; do
	case "$line" in
	CONFIG_*=n) grep -q "^${line%=n}=" "$BUILD/.config" || continue ;;
	CONFIG_*=*) grep -qxF "$line" "$BUILD/.config" && continue ;;
	*) continue ;;
	esac
	log "config: $line did not stick (dependency missing?)"
	missing=1
done <"$WB/configs/test.config"
[ "$missing" = 0 ] || exit 1

# kernel.o too: our abstractions live in the kernel crate (about 75 s).
rm -f "$BUILD"/rust/multipath.o "$BUILD"/rust/kernel.o
find "$BUILD/lib/multipath" -name '*.o' -delete 2>/dev/null || true
blog=$LOGS/build.log
log "building bzImage (log: $blog)"
start=$(date +%s)
if ! "${KMAKE[@]}" CLIPPY=1 bzImage modules >"$blog" 2>&1; then
	tail -n 60 "$blog" >&2
	log "build failed"
	exit 1
fi
rm -rf "$CACHE/modroot"
"${KMAKE[@]}" INSTALL_MOD_PATH="$CACHE/modroot" INSTALL_MOD_STRIP=1 DEPMOD=true \
	modules_install >>"$blog" 2>&1
# modules.dep, for modprobe in the guest (NVMe is modular).
depmod -b "$CACHE/modroot" "$(cat "$BUILD/include/config/kernel.release")"
log "built in $(($(date +%s) - start)) s"
# Our objects were rebuilt above, so their warnings are in the log. Any
# warning at all fails: one in a kernel file can only come from our
# patches or our headers, since the pristine tree builds clean.
if grep -Eq "^(warning|error)(\[|:)|: (warning|error): " "$blog"; then
	grep -E -A8 "^(warning|error)(\[|:)|: (warning|error): " "$blog" >&2
	log "warnings in the build (see $blog)"
	exit 2
fi
