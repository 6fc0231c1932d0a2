# SPDX-License-Identifier: GPL-2.0
#
# cxl-dcd top-level Makefile.
#   make demo   - the DCD workflow as a timeline (guests, dcd-fm, dcdctl monitor)
#   make check  - all tests (host unit tests, module build/lint, guest scenarios)
#   make check K=7.2 - the same against the newest Debian kernel (lab.conf KVER7)
#   make check-k72   - 7.2 build, lint and the core guest scenarios (CI-sized)
#   make bench  - benchmarks in QEMU TCG guests (results/bench-latest)
# Both run scripts/setup first, so they work on a fresh Debian 12 machine.

SHELL := /bin/bash
include scripts/lab.mk

.PHONY: all setup demo check image clean lab-modules tools

all: module tools

# User-space tools (tools/*/Makefile).
tools:
	$(MAKE) -C tools/dcd-fm
	$(MAKE) -C tools/dcdctl

setup:
	@scripts/setup

# Module build, static checks and host unit tests live in mk/module.mk.
include mk/module.mk

# DKMS install path (make dkms-install / dkms-remove) lives in mk/dkms.mk.
include mk/dkms.mk

# Throwaway test module for the runner's self-test (selftests/lab/).
lab-modules:
ifeq ($(KOBJ),)
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab modules
else
	scripts/copy-ksrc selftests/lab $(KOBJ)/selftests/lab
	scripts/sid-run make -C /usr/src/linux-headers-$(KVER) \
		M=/lab/$(KOBJ)/selftests/lab modules
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

clean: module-clean
	$(MAKE) -C tools/dcd-fm clean
	$(MAKE) -C tools/dcdctl clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab clean
	rm -rf results

# make pool-soak: selftests/scenarios/fm-pool-soak.py at full length, four
# pool4 guests and 100 moves between random pairs under load (POOL_MOVES=N,
# POOL_GUESTS=N to change it); make check runs its short default (3 guests,
# 10 moves). Figures: Documentation/performance.rst.
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
# make check runs its short default.
.PHONY: soak
soak: image
	@SOAK_CYCLES=$${SOAK_CYCLES:-200} scripts/run-tests --guest-only selftests/scenarios/soak.py
