# SPDX-License-Identifier: GPL-2.0
# Workspace for the libmultipath-rs patch series.  See README.md.
#
# Caches and the kernel work tree live in $(MPATH_CACHE), default
# ~/.cache/libmultipath-rs.  KERNEL_SRC=/path/to/linux-7.3 uses your own
# pristine tree instead of the Debian linux-source-7.3 package.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help setup tree export series kernel header-check \
	check docs demo soak bench insnprof selectcost checkpatch clippy prototype-guard bisect clean

help:
	@echo "make demo          set up, build, boot under QEMU and print a report"
	@echo "make check         all tests; ends with 'N passed, N failed'"
	@echo "make setup         install build and test dependencies (idempotent)"
	@echo "make tree          kernel work tree: pristine base + one commit per patch"
	@echo "make export        write commits made in the work tree back into the repo"
	@echo "make series        git format-patch + cover letter to out/series, git am check"
	@echo "                   AUTHOR=\"Name <email>\": From: and Signed-off-by:; V=3: [PATCH v3 NN/MM]"
	@echo "make docs         build the series' documents (Sphinx), no warning of theirs allowed;"
	@echo "                   SHOT=file.png: screenshot of the driver API page (headless Chromium)"
	@echo "make kernel        configure (tinyconfig + fragment) and build the test kernel"
	@echo "make header-check  include/linux/multipath.h and lib/multipath/abi.rs agree"
	@echo "make bisect        build the kernel at every patch not verified before (BISECT_ALL=1: all)"
	@echo "make soak          CYCLES=N (default 200) SOAK=\"nvme scsi\": path events under fio verify"
	@echo "make bench         fio: stock C vs Rust libmultipath vs no multipath (REPS=5 RUNTIME=3"
	@echo "                   MODES=\"icount wall\" CONFIGS=\"test distro\"; distro: dev/bench-distro.config)"
	@echo "                   BENCH=\"nvme scsi\": scsi = plain sd vs dm-multipath vs native SCSI head"
	@echo "make insnprof      per-function guest instructions per I/O, stock vs patched (QEMU plugin)"
	@echo "make selectcost    in-kernel cost of one path selection, stock nvme_find_path() vs libmultipath"

setup:
	@dev/setup.sh

tree:
	@dev/tree.sh

export:
	@dev/export.sh

series:
	@dev/series.sh

docs:
	@dev/docs.sh

kernel:
	@dev/kernel.sh

header-check:
	@dev/header-check.sh

checkpatch:
	@dev/checkpatch.sh

clippy:
	@dev/clippy.sh

prototype-guard:
	@dev/prototype-guard.sh

bisect:
	@dev/bisect.sh

check:
	@dev/check.sh

demo:
	@dev/demo.sh

soak:
	@CYCLES=$(CYCLES) SOAK="$(SOAK)" dev/soak.sh

bench:
	@BENCH="$(BENCH)" dev/bench.sh

insnprof:
	@dev/insnprof.sh

selectcost:
	@dev/stock-select.sh

clean:
	rm -rf out
