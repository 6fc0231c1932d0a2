# SPDX-License-Identifier: GPL-2.0
#
# cxl-dcd top-level Makefile.
#   make demo   - the DCD workflow as a timeline (guests, dcd-fm, dcdctl monitor)
#   make check  - all tests (host unit tests, module build/lint, guest scenarios)
#   make check K=7.2 - the same against the newest Debian kernel (lab.conf KVER7)
#   make check-k72   - 7.2 build, lint and the core guest scenarios (CI-sized)
#   make check-debug - every guest scenario and the runner self-test under the
#                      debug kernel (KASAN, UBSAN, lockdep, kmemleak; K=debug)
#   make check-debug-ci - the same for the CI subset of the scenarios
#   make bench  - benchmarks in QEMU TCG guests (results/bench-latest)
#   make install / uninstall [PREFIX=/usr/local] [DESTDIR=] - the tools, man
#                 pages, systemd unit, policy, modprobe.d, bash completion
# check and bench run scripts/setup first, so they work on a fresh Debian 12 machine.

SHELL := /bin/bash
include scripts/lab.mk

.PHONY: all setup demo check image clean lab-modules tools

all: module tools

# User-space tools (tools/*/Makefile; tools/lib is built into each).
tools:
	$(MAKE) -C tools/dcd-fm
	$(MAKE) -C tools/dcdctl

setup:
	@scripts/setup

# Module build, static checks and host unit tests live in mk/module.mk.
include mk/module.mk

# DKMS install path (make dkms-install / dkms-remove) lives in mk/dkms.mk.
include mk/dkms.mk

# make install / uninstall (PREFIX, DESTDIR) of the tools, man pages, unit,
# policy, modprobe.d and bash completion lives in mk/install.mk.
include mk/install.mk

# Throwaway test modules (selftests/lab/): lab_splat for the runner's
# self-test, lab_dcrelease for dc-overlap.py.
# lab_dcrelease builds with the CXL private headers of the kernel in use
# (DCD_KHDR, as cxl_dcd does).
lab-modules: kernel-tree kheaders
ifeq ($(KOBJ),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab DCD_KHDR=$(DCD_KHDR) modules
else ifeq ($(KROOT),)
	scripts/copy-ksrc selftests/lab $(KOBJ)/selftests/lab
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(KOBJ)/selftests/lab DCD_KHDR=$(DCD_KHDR) modules
else
	scripts/copy-ksrc selftests/lab $(KOBJ)/selftests/lab
	scripts/sid-run make -C /usr/src/linux-headers-$(KVER) \
		M=/lab/$(KOBJ)/selftests/lab \
		DCD_KHDR=$(patsubst $(CURDIR)/%,/lab/%,$(DCD_KHDR)) modules
endif

image: setup module lab-modules
	@scripts/build-image

demo: image
	@scripts/demo

check: setup
	@scripts/run-tests

# CI-sized run on the newest Debian kernel (K=7.2): the sid build environment,
# the module build and lint for 7.2, its guest image and the core scenarios.
# `make check K=7.2` runs the whole suite against 7.2 instead.
CHECK_K72_SCENARIOS := selftests/guest/dcd1-config.sh \
	selftests/scenarios/dc-add-release.py selftests/scenarios/dax-devices.py \
	selftests/scenarios/dax-system-ram.py selftests/scenarios/dc-reload-reboot.py
.PHONY: check-k72
check-k72:
	@scripts/setup --kernel 7.2
	$(MAKE) K=7.2 module module-check image
	K=7.2 scripts/run-tests --guest-only $(CHECK_K72_SCENARIOS)

# The guest suite under the debug build of the same kernel (K=debug,
# scripts/build-debug-kernel, built once and cached): the module and the
# lab's test module against it, its image, then every guest scenario (each
# ends with a kmemleak scan) and the runner's self-test, which proves that a
# KASAN, UBSAN, lockdep and kmemleak report each fails a run.
# check-debug-ci: the DC, DAX, release, monitor, FM and soak scenarios only.
CHECK_DEBUG_CI_SCENARIOS := $(addprefix selftests/scenarios/,dc-add-release.py \
	dc-release-many.py dax-inuse.py release-safety.py dcdctl-monitor.py \
	fm-dcd-fm.py soak.py)
.PHONY: check-debug check-debug-ci
check-debug: setup
	$(MAKE) K=debug module lab-modules image
	K=debug scripts/run-tests --guest-only --selftest
check-debug-ci: setup
	$(MAKE) K=debug module lab-modules image
	K=debug scripts/run-tests --guest-only --selftest $(CHECK_DEBUG_CI_SCENARIOS)

clean: module-clean
	$(MAKE) -C tools/dcd-fm clean
	$(MAKE) -C tools/dcdctl clean
	$(MAKE) -C tools/lib clean
	rm -rf build/man
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab clean
	rm -rf results

# make pool-soak: selftests/scenarios/fm-pool-soak.py at full length, four
# pool4 guests and 100 moves between random pairs under load (POOL_MOVES=N,
# POOL_GUESTS=N to change it); make check runs its short default (3 guests,
# 10 moves, about 7 minutes here). Figures: Documentation/performance.rst.
.PHONY: pool-soak
pool-soak: image tools
	@POOL_GUESTS=$${POOL_GUESTS:-4} POOL_MOVES=$${POOL_MOVES:-100} \
		scripts/run-tests --guest-only selftests/scenarios/fm-pool-soak.py

# Benchmarks (scripts/bench): BENCH_RUNS=N repeats each measurement N times.
.PHONY: bench
bench: image tools
	@scripts/bench

# make soak: selftests/scenarios/soak.py at full length, 200 add/online/
# offline/release cycles across two DCDs (SOAK_CYCLES=N to change it);
# make check runs its short default. K=debug runs it under the debug kernel.
.PHONY: soak
soak: image
	@SOAK_CYCLES=$${SOAK_CYCLES:-200} K='$(K)' scripts/run-tests --guest-only \
		selftests/scenarios/soak.py
