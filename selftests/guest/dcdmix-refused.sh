#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcdmix
# One device with static volatile capacity AND dynamic capacity: on a stock
# 6.12 kernel the DC partition cannot sit beside the static one, so cxl_dcd
# refuses DC on it with one clear line and leaves the static capacity as the
# stock driver set it up.
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
lab_only dcdmix
ktap_print_header
ktap_set_plan 5

d=$(dc_devices | head -1)
m=$(memdev_by_serial "$(field "$d" 2)")
ktap_test_result "cxl_dcd loaded at boot" module_loaded cxl_dcd
ktap_test_result "$m keeps its static ram partition (256 MiB)" hexeq "$CXL/$m/ram/size" 0x10000000
ktap_test_result "$m has no DC attributes" sh -c "! [ -e $CXL/$m/dcd ] && ! [ -e $CXL/$m/dynamic_ram_1 ]"
ktap_test_result "exactly one 'DC disabled' line names the static capacity" \
	sh -c "[ \$(dmesg | grep -c '$m: DC disabled') -eq 1 ] && dmesg | grep '$m: DC disabled' | grep -qi static"
ktap_test_result "the static capacity still makes a ram region (stock cxl-cli)" \
	sh -c "cxl create-region -t ram -m $m -d \$(cxl list -D -d root -m $m | jq -r '.[0].decoder') >/dev/null &&
	       [ \$(cxl list -R | jq length) -eq 1 ]"
ktap_finished
