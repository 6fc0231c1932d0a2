#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# Runner self-test: every command succeeds, but the kernel WARNs; the runner
# must report this run failed.
LIB="$(dirname "$(readlink -f "$0")")/../guest/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
ktap_print_header
ktap_set_plan 1
ktap_test_result "loaded lab_splat with warn=1" modprobe lab_splat warn=1
ktap_finished
