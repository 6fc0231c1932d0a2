# SPDX-License-Identifier: GPL-2.0
#
# cxl-dcd top-level Makefile.
#   make demo   - boot a QEMU guest with a DCD and show what cxl-dcd does
#   make check  - all tests (host unit tests, module build/lint, guest scenarios)
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

# make soak: selftests/scenarios/soak.py at full length, 200 add/online/
# offline/release cycles across two DCDs (SOAK_CYCLES=N to change it);
# make check runs its short default.
.PHONY: soak
soak: image
	@SOAK_CYCLES=$${SOAK_CYCLES:-200} scripts/run-tests --guest-only selftests/scenarios/soak.py
