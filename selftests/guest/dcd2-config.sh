#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd2
# Two DC-only devices on separate host bridges: both are configured.
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
lab_only dcd2
# Start from a guest where cxl_pci is bound and cxl_dcd is not loaded (the
# modprobe configuration may have loaded it at boot): this is the late-load path.
unload_dcd
ktap_print_header
ktap_set_plan 4

n=$(dc_devices | wc -l)
ktap_test_result "guest sees $n CXL memdevs" [ "$(ls -d $CXL/mem* | wc -l)" -eq "$n" ]
ktap_test_result "modprobe cxl_dcd" modprobe cxl_dcd
ktap_test_result "both devices show the QEMU DC configuration" all_dc_configured
ktap_test_result "rmmod cxl_dcd removes its sysfs" rmmod_dcd_gone
ktap_finished
