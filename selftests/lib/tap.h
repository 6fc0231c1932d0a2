/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for the project's C unit tests (selftests/host and the tests
 * of each tool under tools/):
 * ok(cond, "sentence", ...) prints one "ok N - ..." / "not ok N - ..." line
 * and returns cond; done() prints the plan and returns the exit status.
 */
#ifndef CXL_DCD_TAP_H
#define CXL_DCD_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_fail;

static __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!cond)
		tap_fail++;
	return cond;
}

static __attribute__((unused)) int done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_fail)
		printf("# %d of %d failed\n", tap_fail, tap_n);
	return tap_fail ? 1 : 0;
}

#endif
