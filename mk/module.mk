# SPDX-License-Identifier: GPL-2.0
#
# cxl_dcd.ko build, static checks and host unit tests; included by the
# top-level Makefile (which provides KVER, KPKGVER and KDIR).
#   make module        build drivers-cxl/cxl_dcd.ko against $(KDIR)
#   make module-check  checkpatch --strict and a sparse (C=2) W=1 build
#   make unit          host unit tests (TAP), with ASan/UBSan
#   make module-clean  remove the build outputs (the header cache stays)
# Any compiler, modpost, sparse or checkpatch warning fails the target.

DCD_SRC := drivers-cxl
DCD_KHDR := $(shell scripts/fetch-kheaders --print-dir)
DCD_KHDR_STAMP := $(DCD_KHDR)/.source-version
DCD_LAYOUT := $(DCD_KHDR)/layout_asserts.h
DCD_KMAKE := $(MAKE) --no-print-directory -C $(KDIR) M=$(CURDIR)/$(DCD_SRC) \
	DCD_KHDR=$(DCD_KHDR)
# Echo the output, fail if any line is a warning (modpost warnings are not
# fatal by themselves).
DCD_NO_WARN := awk '{ print } /[Ww]arning|WARNING|error:/ { bad = 1 } END { exit bad }'
DCD_CHECKPATCH := perl $(DCD_KHDR)/scripts/checkpatch.pl --strict --no-tree \
	--show-types --quiet -f
DCD_CHECK_FILES = $(filter-out %.mod.c,$(wildcard $(DCD_SRC)/*.[ch]))

DCD_UNIT_DIR := build/unit
DCD_UNIT_BIN := $(DCD_UNIT_DIR)/test_config
HOSTCC ?= gcc
DCD_UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover \
	-Iselftests/host/shim -I$(DCD_SRC)

.PHONY: module module-check unit module-clean kheaders layout-asserts

kheaders: $(DCD_KHDR_STAMP)
layout-asserts: $(DCD_LAYOUT)

$(DCD_KHDR_STAMP): scripts/fetch-kheaders scripts/lab.conf
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
	@echo "  SPARSE  $(DCD_SRC) (C=2 W=1)"
	@set -o pipefail; $(DCD_KMAKE) C=2 W=1 modules 2>&1 | $(DCD_NO_WARN)

$(DCD_UNIT_BIN): selftests/host/test_config.c $(DCD_SRC)/config.c \
		$(DCD_SRC)/dcd.h $(wildcard selftests/host/shim/*.h \
		selftests/host/shim/*/*.h)
	@mkdir -p $(DCD_UNIT_DIR)
	$(HOSTCC) $(DCD_UNIT_CFLAGS) -o $@ selftests/host/test_config.c \
		$(DCD_SRC)/config.c

unit: $(DCD_UNIT_BIN)
	@$(DCD_UNIT_BIN)

module-clean:
	rm -f $(addprefix $(DCD_SRC)/,*.o *.ko *.mod *.mod.c .*.cmd .*.o \
		Module.symvers modules.order)
	rm -rf $(DCD_UNIT_DIR)
