#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write one patch of the series from edited copies of pristine files.
#
#   mkpatch.sh OUT.patch "Subject line" MSGFILE EDITDIR
#
# EDITDIR mirrors the kernel tree and holds the edited files; each is
# diffed against the pinned pristine tree.  The result is in git
# format-patch form so that scripts/checkpatch.pl can check it.
set -euo pipefail
out=$1 subject=$2 msg=$3 edit=$4
CACHE=${MPATH_CACHE:-$HOME/.cache/libmultipath}
pristine=$CACHE/src/linux-7.3-pristine
{
	echo "From: libmultipath developers <libmultipath@localhost>"
	echo "Subject: [PATCH] $subject"
	echo
	cat "$msg"
	echo
	echo "Signed-off-by: libmultipath developers <libmultipath@localhost>"
	echo "---"
	(cd "$edit" && find . -type f | sed 's|^\./||' | sort) | while read -r f; do
		if [ -f "$pristine/$f" ]; then
			diff -u --label "a/$f" --label "b/$f" "$pristine/$f" "$edit/$f" || true
		else
			diff -u --label /dev/null --label "b/$f" /dev/null "$edit/$f" || true
		fi
	done
	echo "-- "
	echo "2.47.3"
} >"$out"
