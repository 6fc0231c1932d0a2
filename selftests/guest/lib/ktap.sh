# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for the project's shell tests (POSIX sh: the guests run them
# with dash), with the functions, output and exit codes of the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh:
#
#   ktap_print_header; ktap_set_plan N
#   ktap_test_pass|fail|skip "sentence"; ktap_test_result "sentence" CMD...
#   ktap_print_msg "diagnostic"
#   ktap_skip_all "reason"; exit "$KSFT_SKIP"    (before the plan)
#   ktap_exit_fail_msg "reason"                  (Bail out!, exit 1)
#   ktap_finished                                (exit 0 only if every
#                                                 planned test passed or
#                                                 skipped, none failed)
# The exit codes are for the tests that source this file.
# shellcheck disable=SC2034
KSFT_PASS=0
KSFT_FAIL=1
KSFT_XFAIL=2
KSFT_XPASS=3
KSFT_SKIP=4

KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KTAP_TESTNO=0
KTAP_PLAN=0

ktap_print_header() {
	echo "TAP version 13"
}

ktap_set_plan() {
	KTAP_PLAN=$1
	echo "1..$1"
}

# ktap_skip_all REASON: the plan of a test that cannot run here at all.
ktap_skip_all() {
	echo "1..0 # SKIP $*"
}

ktap_print_msg() {
	echo "# $*"
}

ktap_test_pass() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
	echo "ok $KTAP_TESTNO $*"
}

ktap_test_fail() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
	echo "not ok $KTAP_TESTNO $*"
}

ktap_test_skip() {
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
	echo "ok $KTAP_TESTNO $* # SKIP"
}

# ktap_test_result DESC CMD...: pass if CMD succeeds.
ktap_test_result() {
	_desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$_desc"
	else
		ktap_test_fail "$_desc"
	fi
}

ktap_print_totals() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:0 xpass:0 skip:$KTAP_CNT_SKIP error:0"
}

ktap_exit_fail_msg() {
	echo "Bail out! $*"
	ktap_print_totals
	exit $KSFT_FAIL
}

ktap_finished() {
	ktap_print_totals
	if [ $((KTAP_CNT_PASS + KTAP_CNT_SKIP)) -eq "$KTAP_PLAN" ] && [ "$KTAP_CNT_FAIL" -eq 0 ]; then
		exit $KSFT_PASS
	fi
	exit $KSFT_FAIL
}
