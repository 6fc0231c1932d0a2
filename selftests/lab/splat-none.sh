#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# Runner self-test, control: load the test module without a WARN; the run passes.
LIB="$(dirname "$(readlink -f "$0")")/../guest/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
ktap_print_header
ktap_set_plan 1
ktap_test_result "loaded lab_splat without a WARN" modprobe lab_splat warn=0
ktap_finished
