#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: mixed
# The shipped modprobe configuration loads cxl_dcd before cxl_pci at boot
# (softdep): the DC device's capacity becomes its ram partition as the memdev
# is added; the static device beside it keeps exactly what the stock driver
# gives it; dax_cxl stays blacklisted; unloading keeps the DC partition.
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
lab_only mixed
ktap_print_header
ktap_set_plan 6

for d in $LAB_DEVICES; do
	case "$d" in
	ram:*) ram=$d ;;
	dc:*) dc=$d ;;
	esac
done
sm=$(memdev_by_serial "$(field "$ram" 2)")
dm=$(memdev_by_serial "$(field "$dc" 2)")
ktap_test_result "cxl_dcd was loaded at boot with cxl_pci" module_loaded cxl_dcd
ktap_test_result "DC device $dm shows the QEMU DC configuration" all_dc_configured
ktap_test_result "DC capacity is $dm's ram partition" hexeq "$CXL/$dm/ram/size" "$(field "$dc" 3)"
ktap_test_result "static device $sm: ram size is the QEMU size, no DC attributes" \
	sh -c "[ \$((\$(cat $CXL/$sm/ram/size))) -eq \$(($(field "$ram" 3))) ] &&
	       ! [ -e $CXL/$sm/dcd ] && [ -e $CXL/$sm/driver ]"
ktap_test_result "dax_cxl cannot be loaded (modprobe configuration)" \
	sh -c '! modprobe dax_cxl 2>/dev/null && ! [ -d /sys/module/dax_cxl ]'
# The partition is never given back (cxl_core's DPA lock is private): the
# next load adopts it.
ktap_test_result "rmmod cxl_dcd keeps $dm's DC partition; the next load adopts it" \
	sh -c "rmmod cxl_dcd &&
	       [ \$((\$(cat $CXL/$dm/ram/size))) -eq \$(($(field "$dc" 3))) ] &&
	       modprobe cxl_dcd && [ -e $CXL/$dm/dcd ]"
ktap_finished
