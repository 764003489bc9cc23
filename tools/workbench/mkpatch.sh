#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write one patch of the series from edited copies of kernel files.
#
#   mkpatch.sh OUT.patch "Subject line" MSGFILE EDITDIR
#
# EDITDIR mirrors the kernel tree and holds the edited files.  Each is
# diffed against the pinned pristine tree with the patches listed before
# OUT in patches/series already applied (all of them if OUT is not listed
# yet), so patches may touch the same file.  The result is in git
# format-patch form so that scripts/checkpatch.pl can check it.
set -euo pipefail
out=$1 subject=$2 msg=$3 edit=$(cd "$4" && pwd)
source "$(dirname "$0")/env.sh"

base=$(mktemp -d)
trap 'rm -rf "$base"' EXIT
earlier=()
while read -r p; do
	p=${p%%#*}
	p=${p// /}
	[ -n "$p" ] || continue
	[ "$p" = "$(basename "$out")" ] && break
	earlier+=("$REPO/patches/$p")
done <"$REPO/patches/series"

files=$( (cd "$edit" && find . -type f | sed 's|^\./||'
	for p in "${earlier[@]}"; do sed -n 's|^+++ b/||p' "$p"; done) | sort -u)
for f in $files; do
	if [ -f "$PRISTINE/$f" ]; then
		mkdir -p "$base/$(dirname "$f")"
		cp "$PRISTINE/$f" "$base/$f"
	fi
done
for p in "${earlier[@]}"; do
	patch -s -p1 -d "$base" -i "$p"
done

{
	echo "From: libmultipath developers <libmultipath@localhost>"
	echo "Subject: [PATCH] $subject"
	echo
	cat "$msg"
	echo
	echo "Signed-off-by: libmultipath developers <libmultipath@localhost>"
	echo "---"
	(cd "$edit" && find . -type f | sed 's|^\./||' | sort) | while read -r f; do
		if [ -f "$base/$f" ]; then
			cmp -s "$base/$f" "$edit/$f" && continue
			echo "diff --git a/$f b/$f"
			diff -u --label "a/$f" --label "b/$f" "$base/$f" "$edit/$f" || true
		else
			echo "diff --git a/$f b/$f"
			echo "new file mode 100644"
			diff -u --label /dev/null --label "b/$f" /dev/null "$edit/$f" || true
		fi
	done
	echo "-- "
	echo "2.47.3"
} >"$out"
