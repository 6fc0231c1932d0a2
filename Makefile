# SPDX-License-Identifier: GPL-2.0
#
# cxl-dcd top-level Makefile.
#   make demo   - the DCD workflow as a timeline (guests, dcd-fm, dcdctl monitor)
#   make check  - all tests (host unit tests, module build/lint, guest scenarios)
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
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab modules

image: setup module lab-modules
	@scripts/build-image

demo: image
	@scripts/demo

check: setup
	@scripts/run-tests

clean: module-clean
	$(MAKE) -C tools/dcd-fm clean
	$(MAKE) -C tools/dcdctl clean
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/lab clean
	rm -rf results

# Benchmarks (scripts/bench): BENCH_RUNS=N repeats each measurement N times.
.PHONY: bench
bench: image tools
	@scripts/bench
