# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for guest tests (POSIX sh), shaped like the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh.
KSFT_PASS=0
KSFT_FAIL=1
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

ktap_exit_fail_msg() {
	echo "Bail out! $*"
	exit $KSFT_FAIL
}

ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL skip:$KTAP_CNT_SKIP"
	if [ $((KTAP_CNT_PASS + KTAP_CNT_SKIP)) -eq "$KTAP_PLAN" ] && [ "$KTAP_CNT_FAIL" -eq 0 ]; then
		exit $KSFT_PASS
	fi
	exit $KSFT_FAIL
}
