#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: mixed
# A static volatile device beside a DC device: cxl_dcd configures the DC
# device and leaves the static one exactly as the stock driver set it up.
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
lab_only mixed
# Start from a guest where cxl_pci is bound and cxl_dcd is not loaded (the
# modprobe configuration may have loaded it at boot): this is the late-load path.
unload_dcd
ktap_print_header
ktap_set_plan 7

for d in $LAB_DEVICES; do
	case "$d" in ram:*) ram=$d ;; esac
done
sm=$(memdev_by_serial "$(field "$ram" 2)")
ktap_test_result "static memdev found ($sm)" [ -n "$sm" ]
before=$(cat "$CXL/$sm/ram/size")
ktap_test_result "static memdev ram size is the QEMU size" hexeq "$CXL/$sm/ram/size" "$(field "$ram" 3)"
ktap_test_result "modprobe cxl_dcd" modprobe cxl_dcd
ktap_test_result "DC device shows the QEMU DC configuration" all_dc_configured
ktap_test_result "static memdev unchanged: ram size, driver, no DC attributes" \
	sh -c "[ \"\$(cat $CXL/$sm/ram/size)\" = '$before' ] && [ -e $CXL/$sm/driver ] &&
	       ! [ -e $CXL/$sm/dcd ] && ! [ -e $CXL/$sm/dynamic_ram_1 ]"
ktap_test_result "rmmod cxl_dcd" sh -c 'rmmod cxl_dcd && ! [ -d /sys/module/cxl_dcd ]'
ktap_test_result "static memdev unchanged after unload" \
	sh -c "[ \"\$(cat $CXL/$sm/ram/size)\" = '$before' ] && [ -e $CXL/$sm/driver ]"
ktap_finished
