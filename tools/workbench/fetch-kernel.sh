#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch and unpack the pinned Linux 7.3 source (Debian's linux-source-7.3
# from trixie-backports) into the cache, through a private apt
# configuration that leaves the system's sources alone.  Falls back, loudly,
# to the newest 7.3.x when the pinned version has left the archive.
#
# Prints the path of the pristine tree on the last line of stdout.
set -euo pipefail

CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath}
PIN=${KERNEL_PIN:-7.3.4-1~bpo13+1}
APT=$CACHE/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/etc/sources.list.d" \
	"$APT/etc/preferences.d" "$CACHE/src"

log() { printf '[kernel] %s\n' "$*" >&2; }

found=$(ls -d "$CACHE"/src/linux-7.3*/ 2>/dev/null | head -n1 || true)
if [ -n "$found" ] && [ -f "$found/.mpath-pristine" ]; then
	echo "${found%/}"
	exit 0
fi

cat >"$APT/etc/sources.list" <<SRC
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie-backports main
SRC
aptopts=(
	-o "Dir::Etc::sourcelist=$APT/etc/sources.list"
	-o "Dir::Etc::sourceparts=$APT/etc/sources.list.d"
	-o "Dir::Etc::preferencesparts=$APT/etc/preferences.d"
	-o "Dir::State::Lists=$APT/lists"
	-o "Dir::Cache=$APT/cache"
	-o "Debug::NoLocking=1"
	-o "APT::Get::List-Cleanup=0"
	-o "APT::Sandbox::User=root"
)

deb=$(ls "$APT"/linux-source-7.3_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	log "apt-get update (private trixie-backports list)"
	apt-get "${aptopts[@]}" update -qq >&2
	versions=$(apt-cache "${aptopts[@]}" madison linux-source-7.3 | awk -F'|' '{gsub(/ /,"",$2); print $2}')
	if printf '%s\n' "$versions" | grep -qxF "$PIN"; then
		want=$PIN
	else
		want=$(printf '%s\n' "$versions" | sort -V | tail -n1)
		[ -n "$want" ] || { log "no linux-source-7.3 in trixie-backports"; exit 1; }
		log "################################################################"
		log "WARNING: pinned linux-source-7.3=$PIN is gone from the archive;"
		log "WARNING: falling back to the newest 7.3.x: $want"
		log "################################################################"
	fi
	log "downloading linux-source-7.3=$want"
	(cd "$APT" && apt-get "${aptopts[@]}" download "linux-source-7.3=$want" >&2)
	deb=$(ls "$APT"/linux-source-7.3_*.deb | head -n1)
fi

tmp=$CACHE/src/.unpack
rm -rf "$tmp"
mkdir -p "$tmp"
log "unpacking $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-7.3.tar.xz'
tar -xJf "$tmp/usr/src/linux-source-7.3.tar.xz" -C "$CACHE/src"
rm -rf "$tmp"
tree=$(ls -d "$CACHE"/src/linux-source-7.3 2>/dev/null || ls -d "$CACHE"/src/linux-7.3* | head -n1)
ver=$(basename "$deb" | sed 's/^linux-source-7.3_//; s/_all.deb$//')
dest=$CACHE/src/linux-7.3-pristine
[ "$tree" = "$dest" ] || { rm -rf "$dest"; mv "$tree" "$dest"; }
echo "$ver" >"$dest/.mpath-pristine"
echo "$dest"
