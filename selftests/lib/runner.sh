#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# runner.sh COLLECTION TEST... - run kselftest programs the way the kernel's
# tools/testing/selftests/kselftest/runner.sh does (selftests/lib.mk calls
# it from the test directory): KTAP out, one result per program, named
# "selftests: COLLECTION: NAME", with the program's own output indented as
# "# " diagnostics. The directory's "settings" file sets timeout=SECONDS
# (default 45; KSFT_TIMEOUT=SECONDS overrides it). Exit status 4 is a SKIP,
# 124 a TIMEOUT, anything else but 0 a failure. Unlike the kernel's, exits
# 1 when a program failed, so `make run_tests` fails with it.

collection=$1
shift
timeout=45
if [ -r settings ]; then
	while IFS='=' read -r field value; do
		case "$field" in
		timeout) timeout=$value ;;
		esac
	done < settings
fi
timeout=${KSFT_TIMEOUT:-$timeout}

rcfile=$(mktemp)
trap 'rm -f "$rcfile"' EXIT
echo "TAP version 13"
echo "1..$#"
n=0
failed=0
for test in "$@"; do
	n=$((n + 1))
	name="selftests: $collection: $(basename "$test")"
	echo "# $name"
	echo "# timeout set to $timeout"
	if [ ! -e "$test" ]; then
		echo "# $test is missing"
		echo "not ok $n $name"
		failed=1
		continue
	fi
	case "$test" in
	/*) cmd=$test ;;
	*) cmd=./$test ;;
	esac
	{
		timeout --foreground "$timeout" "$cmd" 2>&1
		echo $? > "$rcfile"
	} | sed 's/^/# /'
	rc=$(cat "$rcfile")
	case "$rc" in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	124) echo "not ok $n $name # TIMEOUT $timeout seconds"; failed=1 ;;
	*) echo "not ok $n $name # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
