# Make view of scripts/lab.conf, the single place the kernel version is set.
# Override on the command line: make check KVER=... KPKGVER=...
KVER ?= $(shell . scripts/lab.conf && echo $$KVER)
KPKGVER ?= $(shell . scripts/lab.conf && echo $$KPKGVER)
KDIR ?= /usr/src/linux-headers-$(KVER)
export KVER KPKGVER KDIR
