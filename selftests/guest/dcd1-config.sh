#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# cxl_dcd loads beside the in-tree cxl_pci, reads Get DC Configuration and
# publishes what QEMU was started with (2 regions of 256 MiB, 2 MiB blocks).
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
dcd_prereqs
# Start from a guest where cxl_pci is bound and cxl_dcd is not loaded (the
# modprobe configuration may have loaded it at boot): this is the late-load path.
unload_dcd
ktap_print_header
ktap_set_plan 7

ktap_test_result "cxl_pci is bound before cxl_dcd loads" module_loaded cxl_pci
m=$(first_dc_memdev)
ktap_test_result "memdev $m is bound to cxl_mem" [ -e "$CXL/$m/driver" ]
ktap_test_result "modprobe cxl_dcd" modprobe cxl_dcd
ktap_test_result "cxl_pci and cxl_mem stay loaded and bound" \
	sh -c "[ -d /sys/module/cxl_pci ] && [ -e $CXL/$m/driver ]"
if in_lab; then
	ktap_test_result "DC configuration matches the QEMU command line" all_dc_configured
else
	ktap_test_skip "DC configuration matches the QEMU command line (lab-only)"
fi
ktap_test_result "dmesg names the DC configuration of $m" dmesg_has "cxl_dcd.*$m|$m.*(DC|dynamic capacity)"
ktap_test_result "rmmod cxl_dcd removes its sysfs" rmmod_dcd_gone
ktap_finished
