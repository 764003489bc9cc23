#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Quality gates on our own files (the build itself runs with CLIPPY=1):
#   lint.sh rustfmt | checkpatch | spdx | kernel-doc | rustdoc | sphinx
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
	# The C API's kernel-doc: every warning fails, in the checking mode and
	# in the reST output that the kernel-doc directive of
	# Documentation/block/multipath.rst uses.  Then coverage: every
	# function, extern variable, struct, enum and macro the header declares
	# has a kernel-doc comment.
	hdr=include/linux/multipath.h
	out=$("$WORK/scripts/kernel-doc" -none -Wall "$hdr" 2>&1)
	[ -z "$out" ] || { echo "$out"; exit 1; }
	rst=$(mktemp)
	trap 'rm -f "$rst"' EXIT
	out=$("$WORK/scripts/kernel-doc" -rst -Wall "$hdr" 2>&1 >"$rst")
	[ -z "$out" ] || { echo "$out"; exit 1; }
	python3 - "$hdr" "$rst" <<'PY'
import re
import sys

src = re.sub(r"/\*.*?\*/", "", open(sys.argv[1]).read(), flags=re.S)
declared = set()
for pat in (r"^(?!static|typedef|extern)[a-z][^(;]*?\b(\w+)\(",
            r"^extern [^;]*?\b(\w+)(?:\[\])?;",
            r"^(?:struct|enum) (\w+) \{",
            r"^#define (\w+)"):
    declared |= set(re.findall(pat, src, flags=re.M))
declared.discard("_LINUX_MULTIPATH_H")
documented = set()
for line in open(sys.argv[2]):
    m = re.match(r"\.\. c:(\w+):: (.*)", line)
    if m:
        name = m.group(2).split("(")[0].split()[-1].lstrip("*")
        documented.add(name)
missing = sorted(declared - documented)
for name in missing:
    print(f"{sys.argv[1]}: {name}: no kernel-doc comment")
print(f"{sys.argv[1]}: {len(declared)} declarations, "
      f"{len(declared & documented)} documented", file=sys.stderr)
sys.exit(1 if missing else 0)
PY
	;;
rustdoc)
	# The kernel's `make rustdoc` in the test kernel's O= directory (the
	# kernel crate with our abstractions, and the multipath crate, patch
	# 0015), after the build: every warning fails.  Output in
	# $BUILD/Documentation/output/rust/rustdoc.  CLIPPY=1 as in build.sh,
	# so that the objects rustdoc depends on (kernel.o) keep the command
	# they were built with and are not compiled again.
	start=$(date +%s)
	rc=0
	out=$("${KMAKE[@]}" CLIPPY=1 rustdoc 2>&1) || rc=$?
	[ -z "$out" ] || echo "$out"
	echo "rustdoc: $(($(date +%s) - start)) s" >&2
	[ "$rc" = 0 ] || exit 1
	! grep -qiE '^(warning|error)' <<<"$out"
	;;
sphinx)
	# The kernel's `make SPHINXDIRS="block scsi" htmldocs` with Debian's
	# Sphinx (setup-toolchain.sh), output in $CACHE/build/docs: the two
	# books that hold our pages (Documentation/block/multipath*.rst with
	# the kernel-doc of include/linux/multipath.h, and
	# Documentation/scsi/scsi-multipath.rst).  The kernel's ABI parser
	# reads all of Documentation/ABI on the way, so our ABI files are
	# checked too (their rendering is in admin-guide, not built here).
	# The pristine tree warns elsewhere (graphviz missing, ABI entries
	# defined twice in sysfs-driver-hid-lenovo-go*): only warnings and
	# errors that name our files fail.  The output is removed first, as
	# Sphinx only rereads changed pages and would not repeat a warning.
	command -v sphinx-build >/dev/null || {
		echo "sphinx-build not found: run tools/workbench/setup-toolchain.sh"
		exit 1
	}
	start=$(date +%s)
	docs=$CACHE/build/docs
	rm -rf "$docs/Documentation/output"
	mkdir -p "$docs"
	rc=0
	out=$(make -s -C "$WORK" O="$docs" SPHINXDIRS="block scsi" htmldocs 2>&1) || rc=$?
	echo "sphinx: $(($(date +%s) - start)) s" >&2
	[ "$rc" = 0 ] || { echo "$out"; exit 1; }
	ours='Documentation/(block/(multipath[-a-z]*|index)\.rst|scsi/(scsi-multipath|index)\.rst'
	ours+='|ABI/testing/sysfs-block-multipath|ABI/stable/sysfs-nvme)|include/linux/multipath\.h'
	bad=$(grep -E "$ours" <<<"$out" | grep -iE 'warning|error|critical|severe') || true
	[ -z "$bad" ] || { echo "$bad"; exit 1; }
	for page in block/multipath block/multipath-reliability scsi/scsi-multipath; do
		[ -s "$docs/Documentation/output/$page.html" ] || {
			echo "$page.html not rendered"
			exit 1
		}
	done
	;;
*)
	echo "lint.sh rustfmt|checkpatch|spdx|kernel-doc|rustdoc|sphinx" >&2
	exit 2
	;;
esac
