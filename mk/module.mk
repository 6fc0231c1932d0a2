# SPDX-License-Identifier: GPL-2.0
#
# cxl_dcd.ko build, static checks and host unit tests; included by the
# top-level Makefile (which provides KVER, KPKGVER and KDIR).
#   make module        build drivers-cxl/cxl_dcd.ko against $(KDIR)
#   make module-check  checkpatch --strict, kernel-doc -none and a sparse
#                      (C=2) W=1 build
#   make unit          host unit tests (TAP), with ASan/UBSan, and a short
#                      bounded fuzz run of the parsers
#   make fuzz          long fuzz run (FUZZ_TIME seconds, default 600), see
#                      Documentation/fuzzing.rst
#   make fuzz-long     10^7 coverage-guided inputs, with the figures
#   make install-modprobe  install etc/modprobe.d/cxl-dcd.conf (DESTDIR=...)
#   make module-clean  remove the build outputs (the header cache stays)
# Any compiler, modpost, sparse or checkpatch warning fails the target.

DCD_SRC := drivers-cxl
DCD_KHDR := $(shell K='$(K)' scripts/fetch-kheaders --print-dir)
DCD_KHDR_STAMP := $(DCD_KHDR)/.source-version
DCD_LAYOUT := $(DCD_KHDR)/layout_asserts.h
ifeq ($(KOBJ),)
# From the top-level Kbuild (obj-m += drivers-cxl/), as DKMS builds it.
DCD_KMAKE := $(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR) \
	DCD_KHDR=$(DCD_KHDR)
else ifeq ($(KROOT),)
# K=debug: kbuild on the host against the debug kernel's output tree, on a
# copy of the sources in $(KOBJ) like K=7.2, so both builds coexist.
DCD_KMAKE := scripts/copy-ksrc $(DCD_SRC) $(KOBJ)/$(DCD_SRC) && \
	$(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR)/$(KOBJ)/$(DCD_SRC) \
	DCD_KHDR=$(DCD_KHDR)
else
# K=7.2: kbuild runs in the sid directory (scripts/sid-run, the tree at /lab)
# on a copy of the sources in $(KOBJ) (kbuild's MO= refuses a source tree
# that holds the host kernel's build), so both builds coexist.
DCD_KMAKE := scripts/copy-ksrc $(DCD_SRC) $(KOBJ)/$(DCD_SRC) && \
	scripts/sid-run make --no-print-directory \
	-C /usr/src/linux-headers-$(KVER) M=/lab/$(KOBJ)/$(DCD_SRC) \
	DCD_KHDR=$(patsubst $(CURDIR)/%,/lab/%,$(DCD_KHDR))
endif
# Echo the output, fail if any line is a warning (modpost warnings are not
# fatal by themselves).
DCD_NO_WARN := awk '{ print } /[Ww]arning|WARNING|error:/ { bad = 1 } END { exit bad }'
DCD_CHECKPATCH := perl $(DCD_KHDR)/scripts/checkpatch.pl --strict --no-tree \
	--show-types --quiet -f
# kernel-doc of every file (6.12's scripts/kernel-doc, fetched for K= only):
# every documented function, struct member and parameter described.
DCD_KERNEL_DOC := perl $(DCD_KHDR)/scripts/kernel-doc -none -Wall
ifneq ($(KROOT),)
# 7.x checkpatch prefers k[v]zalloc_obj(), which 6.12 does not have; the
# same source builds for both.
DCD_CHECKPATCH += --ignore ALLOC_WITH_SIZEOF
endif
DCD_CHECK_FILES = $(filter-out %.mod.c,$(wildcard $(DCD_SRC)/*.[ch]))

DCD_UNIT_DIR := build/unit
DCD_UNIT_BIN := $(DCD_UNIT_DIR)/test_config
HOSTCC ?= gcc
DCD_UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover \
	-Iselftests/host/shim -Iselftests/lib -I$(DCD_SRC)

.PHONY: module module-check unit fuzz fuzz-long module-clean kheaders layout-asserts \
	install-modprobe

kheaders: $(DCD_KHDR_STAMP)
layout-asserts: $(DCD_LAYOUT)

$(DCD_KHDR_STAMP): scripts/fetch-kheaders scripts/lab.conf | kernel-tree
	@scripts/fetch-kheaders
	@touch $@

$(DCD_LAYOUT): $(DCD_SRC)/layout.fields scripts/gen-layout-asserts \
		$(wildcard $(KDIR)/vmlinux) $(DCD_KHDR_STAMP)
	@echo "  GEN     $@"
	@scripts/gen-layout-asserts $(KDIR)/vmlinux $(DCD_SRC)/layout.fields $@

module: $(DCD_LAYOUT)
	@set -o pipefail; $(DCD_KMAKE) modules 2>&1 | $(DCD_NO_WARN)

module-check: $(DCD_LAYOUT)
	@echo "  CHECKPATCH $(DCD_CHECK_FILES)"
	@rc=0; for f in $(DCD_CHECK_FILES); do \
		$(DCD_CHECKPATCH) $$f || rc=1; \
	done; exit $$rc
ifeq ($(KOBJ),)
	@echo "  KERNEL-DOC $(DCD_CHECK_FILES)"
	@set -o pipefail; $(DCD_KERNEL_DOC) $(DCD_CHECK_FILES) 2>&1 | \
		$(DCD_NO_WARN)
endif
	@echo "  SPARSE  $(DCD_SRC) (C=2 W=1)"
	@set -o pipefail; $(DCD_KMAKE) C=2 W=1 modules 2>&1 | $(DCD_NO_WARN)

DCD_UNIT_HDRS = $(DCD_SRC)/dcd.h $(DCD_SRC)/logic.h \
	$(wildcard selftests/host/shim/*.h selftests/host/shim/*/*.h) \
	selftests/lib/kselftest.h
# The pure units (logic.h), built unchanged into the host tests and fuzzers
DCD_LOGIC_SRC := $(addprefix $(DCD_SRC)/,config.c records.c ranges.c chain.c \
	extent_set.c names.c)
DCD_UNIT_EXT := $(DCD_UNIT_DIR)/test_extent_logic

$(DCD_UNIT_BIN): selftests/host/test_config.c $(DCD_SRC)/config.c \
		$(DCD_SRC)/names.c $(DCD_UNIT_HDRS)
	@mkdir -p $(DCD_UNIT_DIR)
	$(HOSTCC) $(DCD_UNIT_CFLAGS) -o $@ selftests/host/test_config.c \
		$(DCD_SRC)/config.c $(DCD_SRC)/names.c

$(DCD_UNIT_EXT): selftests/host/test_extent_logic.c $(DCD_LOGIC_SRC) \
		$(DCD_UNIT_HDRS)
	@mkdir -p $(DCD_UNIT_DIR)
	$(HOSTCC) $(DCD_UNIT_CFLAGS) -o $@ selftests/host/test_extent_logic.c \
		$(DCD_LOGIC_SRC)

# Fuzz target over the parsers: libFuzzer with clang when it links,
# otherwise gcc + ASan/UBSan with a deterministic random-input driver.
DCD_FUZZ_SRC := selftests/fuzz/fuzz_parsers.c
DCD_FUZZ_CC ?= clang
DCD_HAVE_LIBFUZZER = $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, \
	unsigned long n) { return 0; }' | $(DCD_FUZZ_CC) -x c - \
	-fsanitize=fuzzer -o /dev/null 2>/dev/null && echo y)
DCD_FUZZ_LIB := $(DCD_UNIT_DIR)/fuzz-parsers
DCD_FUZZ_GCC := $(DCD_UNIT_DIR)/fuzz-gcc
DCD_FUZZ_BIN = $(if $(DCD_HAVE_LIBFUZZER),$(DCD_FUZZ_LIB),$(DCD_FUZZ_GCC))
DCD_FUZZ_DIR := build/fuzz
# short run in `make unit`: a fixed input count, a few seconds; the seed
# changes per run and is printed (DCD_FUZZ_SEED=N repeats a run)
DCD_FUZZ_RUNS ?= 200000
ifeq ($(origin DCD_FUZZ_SEED),undefined)
DCD_FUZZ_SEED := $(shell echo $$(( $$(od -An -N3 -tu4 /dev/urandom) + 1 )))
endif
# the committed seed corpus (selftests/fuzz/gen-corpus.py), only read
DCD_FUZZ_SEEDS := selftests/fuzz/corpus/parsers
FUZZ_TIME ?= 600
FUZZ_LONG_RUNS ?= 10000000

$(DCD_FUZZ_LIB): $(DCD_FUZZ_SRC) $(DCD_LOGIC_SRC) $(DCD_UNIT_HDRS)
	@mkdir -p $(DCD_UNIT_DIR)
	$(DCD_FUZZ_CC) -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-Iselftests/host/shim -Iselftests/lib -I$(DCD_SRC) -o $@ $(DCD_FUZZ_SRC) \
		$(DCD_LOGIC_SRC)

$(DCD_FUZZ_GCC): $(DCD_FUZZ_SRC) selftests/fuzz/driver.c $(DCD_LOGIC_SRC) \
		$(DCD_UNIT_HDRS)
	@mkdir -p $(DCD_UNIT_DIR)
	$(HOSTCC) $(DCD_UNIT_CFLAGS) -o $@ $(DCD_FUZZ_SRC) \
		selftests/fuzz/driver.c $(DCD_LOGIC_SRC)

# One TAP block per test program, headed by "# block: unit NAME" (see
# scripts/run-tests); the fuzz run is a block of its own.
unit: $(DCD_UNIT_BIN) $(DCD_UNIT_EXT) $(DCD_FUZZ_BIN)
	@rc=0; \
	echo "# block: unit test_config"; $(DCD_UNIT_BIN) || rc=1; \
	echo "# block: unit test_extent_logic"; $(DCD_UNIT_EXT) || rc=1; \
	echo "# block: unit fuzz"; echo "TAP version 13"; echo "1..1"; \
	echo "# fuzz seed $(DCD_FUZZ_SEED) (DCD_FUZZ_SEED=$(DCD_FUZZ_SEED) make unit repeats this run)"; \
	rm -rf $(DCD_FUZZ_DIR)/unit-corpus; mkdir -p $(DCD_FUZZ_DIR)/unit-corpus; \
	if [ "$(DCD_FUZZ_BIN)" = "$(DCD_FUZZ_LIB)" ]; then \
		$(DCD_FUZZ_LIB) -runs=$(DCD_FUZZ_RUNS) -seed=$(DCD_FUZZ_SEED) \
			$(DCD_FUZZ_DIR)/unit-corpus $(DCD_FUZZ_SEEDS) \
			> $(DCD_UNIT_DIR)/fuzz.log 2>&1; \
	else \
		$(DCD_FUZZ_GCC) -n $(DCD_FUZZ_RUNS) -s $(DCD_FUZZ_SEED) \
			$(DCD_FUZZ_SEEDS) > $(DCD_UNIT_DIR)/fuzz.log 2>&1; \
	fi; \
	if [ $$? -eq 0 ]; then \
		echo "ok 1 $(DCD_FUZZ_RUNS) fuzz inputs over the parsers (seed $(DCD_FUZZ_SEED)), no crash"; \
	else \
		tail -n 30 $(DCD_UNIT_DIR)/fuzz.log | sed 's/^/# /'; \
		echo "not ok 1 fuzzing the parsers crashed (seed $(DCD_FUZZ_SEED)), see $(DCD_UNIT_DIR)/fuzz.log"; \
		rc=1; \
	fi; \
	exit $$rc

fuzz: $(DCD_FUZZ_BIN)
	@mkdir -p $(DCD_FUZZ_DIR)/corpus $(DCD_FUZZ_DIR)/crashes
	@echo "fuzz: seed $(DCD_FUZZ_SEED)"
	@if [ "$(DCD_FUZZ_BIN)" = "$(DCD_FUZZ_LIB)" ]; then \
		$(DCD_FUZZ_LIB) -max_total_time=$(FUZZ_TIME) -seed=$(DCD_FUZZ_SEED) \
			-artifact_prefix=$(DCD_FUZZ_DIR)/crashes/ \
			-print_final_stats=1 $(DCD_FUZZ_DIR)/corpus $(DCD_FUZZ_SEEDS); \
	else \
		$(DCD_FUZZ_GCC) -n $$(( $(FUZZ_TIME) * 50000 )) -s $(DCD_FUZZ_SEED) \
			$(DCD_FUZZ_SEEDS); \
	fi

# make fuzz-long: FUZZ_LONG_RUNS (10^7) coverage-guided inputs (libFuzzer
# only) from the committed seeds plus build/fuzz/corpus; prints the figures
# Documentation/fuzzing.rst quotes (executions, coverage, time).
fuzz-long: $(DCD_FUZZ_LIB)
	@mkdir -p $(DCD_FUZZ_DIR)/corpus $(DCD_FUZZ_DIR)/crashes
	@echo "fuzz-long: $(FUZZ_LONG_RUNS) runs, seed $(DCD_FUZZ_SEED), log $(DCD_FUZZ_DIR)/fuzz-long.log"
	@t0=$$(date +%s); \
	$(DCD_FUZZ_LIB) -runs=$(FUZZ_LONG_RUNS) -seed=$(DCD_FUZZ_SEED) \
		-artifact_prefix=$(DCD_FUZZ_DIR)/crashes/ -print_final_stats=1 \
		$(DCD_FUZZ_DIR)/corpus $(DCD_FUZZ_SEEDS) > $(DCD_FUZZ_DIR)/fuzz-long.log 2>&1; \
	rc=$$?; t1=$$(date +%s); \
	grep -E '^(Done|stat::)' $(DCD_FUZZ_DIR)/fuzz-long.log; \
	echo "fuzz-long: exit $$rc, $$((t1 - t0)) s wall; last status line:"; \
	grep -E '^#[0-9]+' $(DCD_FUZZ_DIR)/fuzz-long.log | tail -n 1; \
	exit $$rc

# The modprobe configuration cxl_dcd needs (softdep before cxl_pci, dax_cxl
# blocked); DESTDIR for packaging.
DCD_MODPROBE_CONF := etc/modprobe.d/cxl-dcd.conf
install-modprobe: $(DCD_MODPROBE_CONF)
	install -D -m 0644 $(DCD_MODPROBE_CONF) \
		$(DESTDIR)/etc/modprobe.d/cxl-dcd.conf

module-clean:
	rm -f $(addprefix $(DCD_SRC)/,*.o *.ko *.mod *.mod.c .*.cmd .*.o \
		Module.symvers modules.order)
	rm -f Module.symvers modules.order .module-common.o .*.cmd
	rm -rf $(DCD_UNIT_DIR)
