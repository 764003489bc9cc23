#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the toolchain that builds and boots a Rust-enabled Linux 7.3:
# Debian bookworm + bookworm-backports packages and bindgen-cli from the
# crate registry.  Idempotent: every step is skipped when already done.
set -euo pipefail

CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath}
BINDGEN_VERSION=0.72.1
STAMP=$CACHE/stamps/toolchain-v2
mkdir -p "$CACHE/stamps"

log() { printf '[toolchain] %s\n' "$*"; }

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

BPO_LIST=/etc/apt/sources.list.d/bookworm-backports.sources
BPO_PKGS="rustc-web rust-web-src rust-web-clippy rustfmt-web qemu-system-x86"
# multipath-tools and udev: dm-multipath's multipathd and the udevd that
# relays uevents to it in the guest (initramfs.sh INITRAMFS_DM=1).
# clang, lld and llvm 22 (bookworm-security): the LLVM of rustc 1.96.
PKGS="clang-22 lld-22 llvm-22 libclang-22-dev flex bison bc libelf-dev libssl-dev cpio xz-utils kmod python3 busybox-static fio bash nvme-cli sg3-utils dmsetup perl rsync patch python3-sphinx python3-yaml multipath-tools udev iproute2 open-iscsi"

have_pkgs() {
	local status
	status=$(dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null) || return 1
	! printf '%s\n' "$status" | grep -qv 'install ok installed'
}

if [ ! -f "$BPO_LIST" ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
	log "adding bookworm-backports to apt sources"
	$SUDO tee "$BPO_LIST" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	rm -f "$CACHE/stamps/apt-updated"
fi

# shellcheck disable=SC2086
if ! have_pkgs $BPO_PKGS $PKGS; then
	if [ ! -f "$CACHE/stamps/apt-updated" ] || [ -n "$(find "$CACHE/stamps/apt-updated" -mmin +1440)" ]; then
		log "apt-get update"
		$SUDO apt-get update -qq >/dev/null
		touch "$CACHE/stamps/apt-updated"
	fi
	log "installing packages"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PKGS >"$CACHE/apt-install.log"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports $BPO_PKGS >>"$CACHE/apt-install.log"
fi

BINDGEN=$CACHE/bindgen/bin/bindgen
if ! "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	log "building bindgen-cli $BINDGEN_VERSION (about 3 minutes)"
	LIBCLANG_PATH=/usr/lib/llvm-22/lib cargo install --locked bindgen-cli \
		--version "$BINDGEN_VERSION" --root "$CACHE/bindgen"
fi

/usr/bin/rustc --version >/dev/null
touch "$STAMP"
log "ready: $(/usr/bin/rustc --version), $("$BINDGEN" --version), $(clang-22 --version | head -1)"
