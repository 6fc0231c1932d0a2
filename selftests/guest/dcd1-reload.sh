#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# Load and unload cxl_dcd three times: each load re-reads the same
# configuration, each unload leaves nothing behind (the runner checks dmesg).
LIB="$(dirname "$(readlink -f "$0")")/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
dcd_prereqs
# Start from a guest where cxl_pci is bound and cxl_dcd is not loaded (the
# modprobe configuration may have loaded it at boot): this is the late-load path.
unload_dcd
ktap_print_header
ktap_set_plan 7

for i in 1 2 3; do
	if modprobe cxl_dcd && dc_configured; then
		ktap_test_pass "load $i: configuration published"
	else
		ktap_test_fail "load $i: configuration published"
	fi
	if rmmod cxl_dcd && no_dcd_sysfs && ! [ -d /sys/module/cxl_dcd ]; then
		ktap_test_pass "unload $i: module and sysfs gone"
	else
		ktap_test_fail "unload $i: module and sysfs gone"
	fi
done
ktap_test_result "no device had DC disabled" sh -c '! dmesg | grep -q "DC disabled"'
ktap_finished
