#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quality gates on our own files (the build itself runs with CLIPPY=1):
#   lint.sh rustfmt | checkpatch | spdx | kernel-doc
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO"

case "$1" in
rustfmt)
	mapfile -t files < <(git ls-files -co --exclude-standard '*.rs')
	/usr/bin/rustfmt --check --edition 2021 --config-path "$WORK/.rustfmt.toml" "${files[@]}"
	;;
checkpatch)
	cp=("$WORK/scripts/checkpatch.pl" --no-tree --quiet --strict --show-types
		--ignore FILE_PATH_CHANGES)
	rc=0
	mapfile -t cfiles < <(git ls-files -co --exclude-standard '*.c' '*.h')
	for f in "${cfiles[@]}"; do
		"${cp[@]}" -f "$f" || rc=1
	done
	while read -r p; do
		p=${p%%#*}
		[ -n "${p// /}" ] || continue
		"${cp[@]}" "$REPO/patches/$p" || rc=1
	done <patches/series
	exit $rc
	;;
spdx)
	rc=0
	while read -r f; do
		case "$f" in patches/series|*.patch|.gitignore) continue ;; esac
		head -n 3 "$f" | grep -q "SPDX-License-Identifier: GPL-2.0" || {
			echo "$f: no SPDX-License-Identifier: GPL-2.0 line"
			rc=1
		}
	done < <(git ls-files -co --exclude-standard)
	exit $rc
	;;
kernel-doc)
	# The C API's kernel-doc: every warning fails.
	out=$("$WORK/scripts/kernel-doc" -none -Wall include/linux/multipath.h 2>&1)
	[ -z "$out" ] || { echo "$out"; exit 1; }
	;;
*)
	echo "lint.sh rustfmt|checkpatch|spdx|kernel-doc" >&2
	exit 2
	;;
esac
