# Make view of scripts/lab.conf, the single place the kernel version is set.
# Override on the command line: make check KVER=... KPKGVER=...
# K=7.2 selects the newest Debian kernel instead (lab.conf KVER7), built in
# the sid directory: make check K=7.2, make check-k72. K=debug selects the
# debug build of KVER (scripts/build-debug-kernel): make check-debug.
ifeq ($(K),)
KVER ?= $(shell . scripts/lab.conf && echo $$KVER)
KPKGVER ?= $(shell . scripts/lab.conf && echo $$KPKGVER)
KDIR ?= /usr/src/linux-headers-$(KVER)
KOBJ :=
KROOT :=
else
LAB_K_CONF := K='$(K)'; . scripts/lab.conf && echo
override KVER := $(shell $(LAB_K_CONF) $$KVER)
override KPKGVER := $(shell $(LAB_K_CONF) $$KPKGVER)
override KDIR := $(shell $(LAB_K_CONF) $$KDIR)
KOBJ := $(shell $(LAB_K_CONF) $$KOBJ)
KROOT := $(shell $(LAB_K_CONF) $$KROOT)
endif
export K KVER KPKGVER KDIR

# The kernel tree a K= build needs before anything compiles against it: the
# debug kernel is built here (once, cached); the others come as packages
# (scripts/setup).
.PHONY: kernel-tree
kernel-tree:
ifeq ($(K),debug)
	@scripts/build-debug-kernel
endif
