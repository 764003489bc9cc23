#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Lay out the work tree: pristine Linux 7.3 + this repository's files + the
patch series, touching only the files whose content changes so that a kbuild
with O= stays incremental.

The desired content of every file we manage is produced in a staging
directory (pristine copies of the files the patches touch, our files on top,
then the patches applied).  Each staged file is copied into the work tree
only when it differs; files we managed last time and no longer do are
restored from the pristine tree (or removed when they are new files).
"""

import filecmp
import os
import shutil
import subprocess
import sys

# Repository path prefix -> path in the kernel tree.  Everything else in the
# repository (tools, patches, docs for humans) is not copied.
MAPPING = [
    ("Kbuild", "lib/multipath/Kbuild"),
    ("Kconfig", "lib/multipath/Kconfig"),
    ("tests/kunit/", "lib/multipath/tests/"),
    ("lib/", "lib/"),
    ("include/", "include/"),
    ("rust/", "rust/"),
    ("samples/", "samples/"),
    ("Documentation/", "Documentation/"),
]


def repo_files(repo):
    out = subprocess.run(["git", "-C", repo, "ls-files", "-co", "--exclude-standard"],
                         check=True, capture_output=True, text=True).stdout
    for rel in out.splitlines():
        if not os.path.isfile(os.path.join(repo, rel)):
            continue
        for src, dst in MAPPING:
            if rel == src or (src.endswith("/") and rel.startswith(src)):
                yield rel, dst + rel[len(src):] if src.endswith("/") else dst
                break


def patch_series(repo):
    series = os.path.join(repo, "patches", "series")
    if not os.path.exists(series):
        return []
    names = []
    with open(series) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(os.path.join(repo, "patches", line))
    return names


def patched_paths(patch):
    paths = []
    with open(patch) as f:
        for line in f:
            if line.startswith("+++ ") or line.startswith("--- "):
                p = line[4:].split("\t")[0].strip()
                if p != "/dev/null":
                    paths.append(p.split("/", 1)[1])
    return paths


def main():
    repo, pristine, work, staging = sys.argv[1:5]
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)

    managed = {}
    for rel, dst in repo_files(repo):
        managed[dst] = os.path.join(repo, rel)
    patches = patch_series(repo)
    touched = set()
    for p in patches:
        touched.update(patched_paths(p))

    for path in sorted(touched | set(managed)):
        out = os.path.join(staging, path)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if path in managed:
            shutil.copyfile(managed[path], out)
        elif os.path.exists(os.path.join(pristine, path)):
            shutil.copyfile(os.path.join(pristine, path), out)
    for p in patches:
        r = subprocess.run(["patch", "-p1", "-s", "-N", "-r", "-", "--no-backup-if-mismatch",
                            "-d", staging, "-i", p], capture_output=True, text=True)
        if r.returncode:
            sys.exit("prepare-tree: %s does not apply:\n%s%s" % (os.path.basename(p), r.stdout, r.stderr))

    staged = set()
    for root, _, files in os.walk(staging):
        for name in files:
            staged.add(os.path.relpath(os.path.join(root, name), staging))

    changed = 0
    for path in sorted(staged):
        src, dst = os.path.join(staging, path), os.path.join(work, path)
        if os.path.exists(dst) and filecmp.cmp(src, dst, shallow=False):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        os.utime(dst)
        changed += 1

    record = os.path.join(work, ".mpath-managed")
    previous = set()
    if os.path.exists(record):
        with open(record) as f:
            previous = set(f.read().split())
    for path in sorted(previous - staged):
        dst, orig = os.path.join(work, path), os.path.join(pristine, path)
        if os.path.exists(orig):
            shutil.copy2(orig, dst)
            os.utime(dst)
        elif os.path.exists(dst):
            os.remove(dst)
        changed += 1
    with open(record, "w") as f:
        f.write("\n".join(sorted(staged)) + "\n")
    print("prepare-tree: %d managed files, %d updated, %d patches" % (len(staged), changed, len(patches)))


if __name__ == "__main__":
    main()
