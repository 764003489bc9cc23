# SPDX-License-Identifier: GPL-2.0
#
# libmultipath workbench.  Two commands do everything on a fresh machine:
#
#   make demo    boot the built kernel under QEMU and show it working
#   make check   build the test kernel and run every test
#
# Caches (toolchain, kernel source, work tree, build, logs) live in
# $(MPATH_CACHE), by default ~/.cache/libmultipath.

WB := tools/workbench

.PHONY: all setup toolchain kernel-source tree build check check-full demo lint kunit bench soak help

all: help

help:
	@echo "make check   build the test kernel and run every test"
	@echo "make check-full  make check plus the long scenarios (stress, dm-multipath side by side)"
	@echo "make demo    boot the kernel under QEMU and show libmultipath at work"
	@echo "make build   set up and build the test kernel only"
	@echo "make kunit   boot the built kernel and run the KUnit suites only"
	@echo "make lint    rustfmt, checkpatch, SPDX and kernel-doc checks only"
	@echo "make bench   build the bench kernels (patched and pristine 7.3) and compare"
	@echo "             libmultipath with C NVMe multipath, dm-multipath and raw null_blk"
	@echo "             (ROUNDS=5 RUNTIME=10 RAMP=2; not part of make check)"
	@echo "make soak    the stress scenarios of make check for longer"
	@echo "             (DURATION=1800 seconds in all; not part of make check)"

setup: toolchain kernel-source

toolchain:
	bash $(WB)/setup-toolchain.sh

kernel-source:
	bash $(WB)/fetch-kernel.sh

build:
	bash $(WB)/build.sh

check:
	bash $(WB)/check.sh

check-full:
	SCENARIO_TIER=full bash $(WB)/check.sh

demo:
	bash $(WB)/demo.sh

bench:
	bash $(WB)/bench.sh

soak:
	DURATION=$(DURATION) bash $(WB)/soak.sh

kunit:
	SKIP_BUILD=1 bash $(WB)/check.sh

lint:
	bash $(WB)/lint.sh rustfmt && bash $(WB)/lint.sh checkpatch && bash $(WB)/lint.sh spdx && \
		bash $(WB)/lint.sh kernel-doc
