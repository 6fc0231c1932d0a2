#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# topology: dcd1
# Runner self-test: every command succeeds, but the test module takes two
# mutexes in both orders; lockdep reports a possible circular locking
# dependency and the runner must report this run failed (kernels with
# CONFIG_PROVE_LOCKING).
LIB="$(dirname "$(readlink -f "$0")")/../guest/lib"
# shellcheck source=selftests/guest/lib/lab.sh
. "$LIB/lab.sh"
ktap_print_header
ktap_set_plan 1
ktap_test_result "loaded lab_splat with lockdep=1" modprobe lab_splat lockdep=1
ktap_finished
