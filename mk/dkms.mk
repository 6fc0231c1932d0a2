# SPDX-License-Identifier: GPL-2.0
#
# DKMS install path, included by the top-level Makefile (root needed):
#   make dkms-install [DKMS_KERNEL=<kver>]  copy the sources to
#       /usr/src/cxl-dcd-<version>, then dkms add, build and install
#       cxl_dcd.ko for DKMS_KERNEL (default: the running kernel), which also
#       installs /etc/modprobe.d/cxl-dcd.conf
#   make dkms-remove  dkms remove --all (module, modprobe configuration,
#       depmod) and delete /usr/src/cxl-dcd-<version>
#   make dkms-check  selftests/host/dkms-roundtrip.sh: install for the lab
#       kernel (KVER), check, remove, check the machine is as before (TAP;
#       opt-in, not part of make check: minutes, writes system directories)
# See dkms.conf and scripts/dkms-helper.

DKMS_KERNEL ?= $(shell uname -r)

.PHONY: dkms-install dkms-remove dkms-check

dkms-install:
	scripts/dkms-helper install $(DKMS_KERNEL)

dkms-remove:
	scripts/dkms-helper remove

dkms-check:
	selftests/host/dkms-roundtrip.sh $(KVER)
