# SPDX-License-Identifier: GPL-2.0
#
# kselftest targets of one test directory, shaped like the kernel's
# tools/testing/selftests/lib.mk. A directory's Makefile sets TEST_PROGS
# (the tests, run as they are) and TEST_FILES (what they source), then
# includes this file:
#   make run_tests                 run TEST_PROGS (selftests/lib/runner.sh:
#                                  KTAP, "settings" timeout, SKIP on exit 4)
#   make install INSTALL_PATH=DIR  copy the tests, TEST_FILES, settings,
#                                  config and the runner to DIR/COLLECTION
#   make emit_tests                list them as COLLECTION:test

selfdir := $(realpath $(dir $(lastword $(MAKEFILE_LIST))))
COLLECTION ?= $(notdir $(CURDIR))

.PHONY: all run_tests install emit_tests clean

all:

run_tests: all
	@$(selfdir)/lib/runner.sh $(COLLECTION) $(TEST_PROGS)

install: all
ifdef INSTALL_PATH
	@mkdir -p $(INSTALL_PATH)/$(COLLECTION) $(INSTALL_PATH)/lib
	cp -a --parents $(TEST_PROGS) $(TEST_FILES) $(wildcard settings config) \
		$(INSTALL_PATH)/$(COLLECTION)/
	cp -a $(selfdir)/lib/runner.sh $(INSTALL_PATH)/lib/
else
	$(error set INSTALL_PATH to use install)
endif

emit_tests:
	@for t in $(TEST_PROGS); do echo "$(COLLECTION):$$t"; done

clean:
